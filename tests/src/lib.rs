//! The end-to-end harness: a real anvil chain started from the pinned npm
//! package, the contracts deployed by the real deploy script, and (as the
//! project grows) registry nodes and the real `sesh` binary.
//!
//! Deploying with `forge script` takes seconds, so each test process deploys
//! once into a template chain, dumps its state, and every test starts its own
//! anvil from that state: same addresses, isolated chains.

pub mod cli;
pub mod node;
pub mod police;
pub mod storage;
pub mod swarm;
pub mod tls;

use alloy::node_bindings::{Anvil, AnvilInstance};
use sesh_core::deployment::Deployment;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// anvil's first dev key, the deployer and owner on test chains.
pub const DEPLOYER_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/// The repository root (the workspace folder).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives one folder below the repository root")
        .to_path_buf()
}

fn platform() -> &'static str {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => "linux-amd64",
        ("linux", "aarch64") => "linux-arm64",
        ("macos", "aarch64") => "darwin-arm64",
        ("macos", "x86_64") => "darwin-amd64",
        (os, arch) => panic!("no pinned Foundry for {os}/{arch}"),
    }
}

/// A pinned Foundry binary (`anvil`, `forge`, `cast`) from `contracts/node_modules`.
pub fn foundry_bin(tool: &str) -> PathBuf {
    let path = repo_root().join(format!(
        "contracts/node_modules/@foundry-rs/{tool}-{}/bin/{tool}",
        platform()
    ));
    assert!(
        path.exists(),
        "{tool} not found at {}: run `./just install` (npm ci in contracts/)",
        path.display()
    );
    path
}

/// The `sesh` and `registry-node` binaries in cargo's output folder, built
/// on first use (once per test process, in one cargo run).
///
/// The build is `cargo build --workspace --tests --bin sesh --bin
/// registry-node`: the package selection and dev-dependency features of
/// `cargo test --workspace` (what `just test` and CI run), so every crate the
/// binaries need is the one `cargo test` has just built and only the two
/// binaries are compiled. `cargo build -p sesh-cli` alone resolves features
/// for that one package (serde_core, tracing, hyper, ... differ), which makes
/// a second copy of about 125 dependency crates, alloy included, and
/// `-p sesh-registry-node` a third: minutes on a clean clone. (`cargo test`
/// has released the build lock by the time tests run.)
fn workspace_binary(name: &str) -> PathBuf {
    static TARGET: OnceLock<PathBuf> = OnceLock::new();
    let dir = TARGET.get_or_init(|| {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = Command::new(cargo)
            .current_dir(repo_root())
            .args(["build", "--quiet", "--workspace", "--tests"])
            .args(["--bin", "sesh", "--bin", "registry-node"])
            .status()
            .expect("run cargo build for the sesh and registry-node binaries");
        assert!(
            status.success(),
            "cargo build of the sesh and registry-node binaries failed"
        );
        std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| repo_root().join("target"))
            .join("debug")
    });
    let path = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(path.exists(), "no {name} binary at {}", path.display());
    path
}

/// Where the pinned anvil lives.
pub fn anvil_path() -> PathBuf {
    foundry_bin("anvil")
}

/// Starts a fresh, empty anvil on a free port. It stops when the handle is dropped.
pub fn start_anvil() -> AnvilInstance {
    Anvil::at(anvil_path()).spawn()
}

/// A chain with every contract deployed by `script/Deploy.s.sol`.
pub struct DeployedChain {
    /// The running anvil; stops on drop.
    pub anvil: AnvilInstance,
    /// What the deploy script wrote.
    pub deployment: Deployment,
}

/// Starts an anvil holding the full deployment (made once per test process).
pub fn deployed_chain() -> DeployedChain {
    let template = template();
    let anvil = Anvil::at(anvil_path())
        .arg("--load-state")
        .arg(template.state.to_str().expect("utf-8 path"))
        .spawn();
    DeployedChain {
        anvil,
        deployment: template.deployment.clone(),
    }
}

struct Template {
    state: PathBuf,
    deployment: Deployment,
}

fn template() -> &'static Template {
    static TEMPLATE: OnceLock<Template> = OnceLock::new();
    TEMPLATE.get_or_init(build_template)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Kills the child when dropped (also when a step in between panics).
struct ChildGuard(Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_for_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "anvil did not start on port {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn build_template() -> Template {
    build_template_with("", &[])
}

/// Starts an anvil holding a deployment made with `MIN_COMMITMENT_AGE=secs`
/// (commit–reveal registration), made once per test process and age.
pub fn deployed_chain_with_min_commitment_age(secs: u64) -> DeployedChain {
    static TEMPLATES: std::sync::Mutex<Vec<(u64, &'static Template)>> =
        std::sync::Mutex::new(Vec::new());
    let template = {
        let mut templates = TEMPLATES.lock().expect("not poisoned");
        match templates.iter().find(|(age, _)| *age == secs) {
            Some((_, template)) => *template,
            None => {
                let template: &'static Template = Box::leak(Box::new(build_template_with(
                    &format!("-min-age-{secs}"),
                    &[("MIN_COMMITMENT_AGE", secs.to_string())],
                )));
                templates.push((secs, template));
                template
            }
        }
    };
    let anvil = Anvil::at(anvil_path())
        .arg("--load-state")
        .arg(template.state.to_str().expect("utf-8 path"))
        .spawn();
    DeployedChain {
        anvil,
        deployment: template.deployment.clone(),
    }
}

fn build_template_with(tag: &str, env: &[(&str, String)]) -> Template {
    let root = repo_root();
    let dir = root.join(format!("target/e2e/template-{}{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create the template folder");
    let state = dir.join("state.json");
    let manifest_dir = root.join("contracts/deployments/.e2e");
    std::fs::create_dir_all(&manifest_dir).expect("create contracts/deployments/.e2e");
    let manifest = manifest_dir.join(format!("{}{tag}.json", std::process::id()));

    let port = free_port();
    let anvil = Command::new(anvil_path())
        .args(["--port", &port.to_string(), "--silent", "--dump-state"])
        .arg(&state)
        .stdout(Stdio::null())
        .spawn()
        .expect("start anvil");
    let mut anvil = ChildGuard(anvil);
    wait_for_port(port);

    let output = Command::new(foundry_bin("forge"))
        .current_dir(root.join("contracts"))
        .args([
            "script",
            "script/Deploy.s.sol",
            "--broadcast",
            "-q",
            "--rpc-url",
        ])
        .arg(format!("http://127.0.0.1:{port}"))
        .args(["--private-key", DEPLOYER_KEY])
        .env("DEPLOYMENT_OUT", &manifest)
        .envs(env.iter().map(|(key, value)| (*key, value.as_str())))
        .output()
        .expect("run forge script");
    assert!(
        output.status.success(),
        "the deploy script failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );

    // anvil writes --dump-state when it exits on SIGTERM.
    let status = Command::new("kill")
        .args(["-TERM", &anvil.0.id().to_string()])
        .status()
        .expect("send SIGTERM to anvil");
    assert!(status.success());
    anvil.0.wait().expect("anvil exits");
    assert!(
        state.exists(),
        "anvil did not dump its state to {}",
        state.display()
    );

    let deployment = Deployment::load(&manifest).expect("read the deployment manifest");
    let _ = std::fs::remove_file(&manifest);
    Template { state, deployment }
}
