//! Driving the real `sesh` binary.
//!
//! How the binary is found: the first test that needs it runs `cargo build`
//! for it (once per test process, the same way `escargot`/`assert_cmd` do;
//! see [`crate::workspace_binary`] for the exact command), so `cargo test -p
//! sesh-e2e` never runs a stale or missing binary. It lands in
//! `$CARGO_TARGET_DIR` (default `target/`) under `debug/`. Set `SESH_BIN` to
//! test a prebuilt binary instead.
//!
//! Each [`SeshHome`] is a temporary data folder (`SESH_HOME`) pointed at one
//! anvil through `SESH_RPC_URL` and `SESH_DEPLOYMENT`, so tests never see the
//! user's wallets or config and never see each other's.

use crate::DeployedChain;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The `sesh` binary, built on first use (see [`crate::workspace_binary`]).
pub fn sesh_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| match std::env::var_os("SESH_BIN") {
        Some(path) => PathBuf::from(path),
        None => crate::workspace_binary("sesh"),
    })
}

/// What one run of `sesh` did.
#[derive(Debug)]
pub struct Run {
    /// Whether it exited with 0.
    pub success: bool,
    /// The exit code.
    pub code: Option<i32>,
    /// Everything on stdout.
    pub stdout: String,
    /// Everything on stderr.
    pub stderr: String,
}

impl Run {
    /// Panics with both streams unless the run succeeded.
    pub fn ok(self) -> Self {
        assert!(
            self.success,
            "sesh failed ({:?})\nstdout:\n{}\nstderr:\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }

    /// Panics unless the run failed.
    pub fn failed(self) -> Self {
        assert!(
            !self.success,
            "sesh should have failed\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// stdout parsed as the `--json` envelope.
    pub fn envelope(&self) -> serde_json::Value {
        serde_json::from_str(self.stdout.trim()).unwrap_or_else(|error| {
            panic!(
                "stdout is not one JSON envelope ({error}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// A private `SESH_HOME` for one test, pointed at one chain.
pub struct SeshHome {
    dir: tempfile::TempDir,
    rpc_url: String,
    deployment: PathBuf,
}

impl SeshHome {
    /// A fresh data folder for `chain`.
    pub fn new(chain: &DeployedChain) -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let deployment = dir.path().join("deployment.json");
        std::fs::write(
            &deployment,
            serde_json::to_string_pretty(&chain.deployment).expect("the manifest serializes"),
        )
        .expect("write the manifest");
        Self {
            rpc_url: chain.anvil.endpoint(),
            deployment,
            dir,
        }
    }

    /// A fresh data folder for commands that need no chain (the RPC URL
    /// points at a closed port).
    pub fn offline() -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        Self {
            rpc_url: "http://127.0.0.1:9".into(),
            deployment: dir.path().join("no-deployment.json"),
            dir,
        }
    }

    /// The data folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A `sesh` command with this home, the chain, no terminal and none of
    /// the caller's SESH_* settings.
    pub fn command(&self) -> Command {
        let mut command = Command::new(sesh_bin());
        for var in [
            "SESH_PASSWORD",
            "SESH_NEW_PASSWORD",
            "SESH_PASSWORD_FILE",
            "SESH_WALLET",
            "SESH_NETWORK",
            "SESH_CA_CERT",
        ] {
            command.env_remove(var);
        }
        command
            .env("SESH_HOME", self.dir.path())
            .env("SESH_RPC_URL", &self.rpc_url)
            .env("SESH_DEPLOYMENT", &self.deployment)
            .stdin(Stdio::null());
        command
    }

    /// The Session ID of the wallet here, as `sesh wallet show --json` gives it.
    pub fn session_id(&self) -> sesh_core::SessionId {
        let shown = self
            .run(&["wallet", "show", "--json"], None)
            .ok()
            .envelope();
        shown["data"]["session_id"]
            .as_str()
            .expect("a session id")
            .parse()
            .expect("a valid session id")
    }

    /// Runs `sesh ARGS`, with `SESH_PASSWORD` set when `password` is given.
    pub fn run(&self, args: &[&str], password: Option<&str>) -> Run {
        let mut command = self.command();
        command.args(args);
        if let Some(password) = password {
            command.env("SESH_PASSWORD", password);
        }
        let output = command.output().expect("run sesh");
        Run {
            success: output.status.success(),
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Creates wallet `name` headless and returns its EVM address.
    pub fn new_wallet(&self, name: &str, password: &str) -> String {
        let run = self
            .run(
                &["wallet", "new", "--name", name, "--yes", "--json"],
                Some(password),
            )
            .ok();
        run.envelope()["data"]["evm_address"]
            .as_str()
            .expect("an address in the envelope")
            .to_string()
    }
}
