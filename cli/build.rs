//! Embeds the committed deployment manifests of public chains
//! (`contracts/deployments/<chainId>.json`) that exist at build time.

use std::path::PathBuf;

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"))
        .join("../contracts/deployments");
    // The folder's mtime changes when a manifest is added or removed.
    println!("cargo:rerun-if-changed={}", root.display());
    let mut entries = Vec::new();
    for chain_id in [421_614u64, 42_161] {
        let path = root.join(format!("{chain_id}.json"));
        if path.exists() {
            println!("cargo:rerun-if-changed={}", path.display());
            let path = path.canonicalize().expect("a readable manifest path");
            entries.push(format!(
                "({chain_id}u64, include_str!({:?}))",
                path.display().to_string()
            ));
        }
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo"))
        .join("embedded_deployments.rs");
    let code = format!(
        "{{ const E: &[(u64, &str)] = &[{}]; E }}\n",
        entries.join(", ")
    );
    std::fs::write(out, code).expect("write embedded_deployments.rs");
}
