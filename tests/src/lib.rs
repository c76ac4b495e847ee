//! The end-to-end harness: a real anvil chain started from the pinned npm
//! package, the real contracts, and (as the project grows) registry nodes
//! and the real `sesh` binary.

use alloy::node_bindings::{Anvil, AnvilInstance};
use std::path::PathBuf;

/// The repository root (the workspace folder).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives one folder below the repository root")
        .to_path_buf()
}

/// Where the pinned anvil lives: `$SESH_ANVIL`, else the npm package under
/// `contracts/node_modules` (installed by `just install`).
pub fn anvil_path() -> PathBuf {
    if let Some(path) = std::env::var_os("SESH_ANVIL") {
        return PathBuf::from(path);
    }
    let platform = match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => "linux-amd64",
        ("linux", "aarch64") => "linux-arm64",
        ("macos", "aarch64") => "darwin-arm64",
        ("macos", "x86_64") => "darwin-amd64",
        (os, arch) => panic!("no pinned anvil for {os}/{arch}; set SESH_ANVIL"),
    };
    repo_root().join(format!(
        "contracts/node_modules/@foundry-rs/anvil-{platform}/bin/anvil"
    ))
}

/// Starts a fresh anvil on a free port. It stops when the handle is dropped.
pub fn start_anvil() -> AnvilInstance {
    let path = anvil_path();
    assert!(
        path.exists(),
        "anvil not found at {}: run `just install` (or `npm ci --prefix contracts`)",
        path.display()
    );
    Anvil::at(path).spawn()
}
