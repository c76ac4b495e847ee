//! Registry nodes for end-to-end tests: the real `registry-node` binary as a
//! child process, and helpers to register names quickly.
//!
//! Finding the binary: `CARGO_BIN_EXE_*` only exists for a package's own
//! binaries, so the harness runs `cargo build` for it once per test process
//! (a no-op when it is up to date; see [`crate::workspace_binary`]) and starts
//! `target/debug/registry-node`. `SESH_REGISTRY_NODE_BIN` overrides the path.

use crate::repo_root;
use alloy::network::EthereumWallet;
use alloy::primitives::{Address, B256, U256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::signers::local::PrivateKeySigner;
use sesh_core::bindings::name_registry::{INameRegistry, no_permit};
use sesh_core::bindings::{NameRegistry, TestSESH};
use sesh_core::deployment::Deployment;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The `registry-node` binary, built on first use (see [`crate::workspace_binary`]).
pub fn registry_node_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| match std::env::var_os("SESH_REGISTRY_NODE_BIN") {
        Some(path) => PathBuf::from(path),
        None => crate::workspace_binary("registry-node"),
    })
    .clone()
}

/// A fresh folder under `target/e2e/` (removed when the test process' node is dropped).
pub fn scratch_dir(tag: &str) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = repo_root().join(format!(
        "target/e2e/{tag}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a scratch folder");
    dir
}

/// Writes `deployment` as a manifest file in `dir`.
pub fn write_manifest(deployment: &Deployment, dir: &Path) -> PathBuf {
    let path = dir.join("deployment.json");
    std::fs::write(
        &path,
        serde_json::to_string_pretty(deployment).expect("manifest serializes"),
    )
    .expect("write the manifest");
    path
}

/// How to start a node.
#[derive(Debug, Clone)]
pub struct NodeOptions {
    /// The chain's RPC URL.
    pub rpc_url: String,
    /// The manifest file.
    pub manifest: PathBuf,
    /// The data folder (holds the key and the index).
    pub data_dir: PathBuf,
    /// Confirmation depth.
    pub confirmations: u64,
    /// Poll interval in ms.
    pub poll_ms: u64,
    /// Largest eth_getLogs range.
    pub max_range: u64,
    /// More arguments for `registry-node run` (`--config FILE`, limits).
    pub extra_args: Vec<String>,
}

impl NodeOptions {
    /// Options for `deployment` on `rpc_url`, with a fresh data folder, no confirmations,
    /// fast polling.
    pub fn new(rpc_url: &str, deployment: &Deployment) -> Self {
        let data_dir = scratch_dir("node");
        Self {
            rpc_url: rpc_url.to_string(),
            manifest: write_manifest(deployment, &data_dir),
            data_dir,
            confirmations: 0,
            poll_ms: 50,
            max_range: 10_000,
            extra_args: Vec::new(),
        }
    }
}

/// A running `registry-node` child; killed on drop.
#[derive(Debug)]
pub struct RegistryNode {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// The node's public key (hex).
    pub node_key: String,
    /// How it was started.
    pub options: NodeOptions,
}

/// Runs `registry-node init` in `options.data_dir` (once) and returns the key it printed.
pub fn init_key(options: &NodeOptions) -> String {
    let output = Command::new(registry_node_bin())
        .arg("init")
        .arg("--data-dir")
        .arg(&options.data_dir)
        .output()
        .expect("run registry-node init");
    assert!(
        output.status.success(),
        "registry-node init failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("utf-8")
        .trim()
        .to_string()
}

/// A `registry-node run` that has been spawned but has not said where it listens yet;
/// killed on drop.
struct Spawned {
    child: Option<Child>,
    line: std::sync::mpsc::Receiver<String>,
    options: NodeOptions,
}

impl Spawned {
    /// Makes the node's key first if there is none.
    fn spawn(options: NodeOptions) -> Self {
        if !options.data_dir.join("node.key").exists() {
            init_key(&options);
        }
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(options.data_dir.join("node.log"))
            .expect("open the node log");
        let mut child = Command::new(registry_node_bin())
            .arg("run")
            .arg("--rpc-url")
            .arg(&options.rpc_url)
            .arg("--deployment")
            .arg(&options.manifest)
            .arg("--data-dir")
            .arg(&options.data_dir)
            // A port of the system's choice, unless the options name one (a node restarted
            // at the URL it is registered with).
            .args(if options.extra_args.iter().any(|a| a == "--listen") {
                &[][..]
            } else {
                &["--listen", "127.0.0.1:0"][..]
            })
            .arg("--enable-dump")
            .args(["--confirmations", &options.confirmations.to_string()])
            .args(["--poll-interval-ms", &options.poll_ms.to_string()])
            .args(["--max-range", &options.max_range.to_string()])
            .args(&options.extra_args)
            .env("RUST_LOG", "info,sesh_registry_node=debug")
            // A round of peer tests spread over 2 s, not half a period of the clock: the
            // tests move chain time by mining, far faster than the clock.
            .env("SESH_NODE_POLICE_SPREAD_SECS", "2")
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("start registry-node");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, line) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        Self {
            child: Some(child),
            line,
            options,
        }
    }

    /// Waits until the node listens.
    fn listening(mut self) -> RegistryNode {
        let line = self
            .line
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_default();
        // "registry-node KEY listening on http://ADDR"
        let words: Vec<&str> = line.split_whitespace().collect();
        assert!(
            words.len() == 5 && words[2] == "listening",
            "registry-node did not start (stdout {line:?}); log: {}",
            std::fs::read_to_string(self.options.data_dir.join("node.log")).unwrap_or_default()
        );
        RegistryNode {
            url: words[4].to_string(),
            node_key: words[1].to_string(),
            child: self.child.take().expect("not taken yet"),
            options: self.options.clone(),
        }
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl RegistryNode {
    /// Starts a node (making its key first if there is none) and waits until it listens.
    pub fn start(options: NodeOptions) -> Self {
        Spawned::spawn(options).listening()
    }

    /// Starts one node per options, all at once, and waits until each listens.
    pub fn start_all(options: impl IntoIterator<Item = NodeOptions>) -> Vec<Self> {
        let spawned: Vec<Spawned> = options.into_iter().map(Spawned::spawn).collect();
        spawned.into_iter().map(Spawned::listening).collect()
    }

    /// The node's own `/metrics` text.
    pub async fn metrics(&self) -> String {
        http()
            .get(format!("{}/metrics", self.url))
            .send()
            .await
            .expect("GET /metrics")
            .text()
            .await
            .expect("metrics text")
    }

    /// The value of the unlabelled metric `name` (`None` when the node has no such metric).
    pub async fn metric(&self, name: &str) -> Option<u64> {
        let prefix = format!("{name} ");
        self.metrics()
            .await
            .lines()
            .find_map(|line| line.strip_prefix(&prefix)?.parse().ok())
    }

    /// How many requests this node has answered on `route`, by its own `/metrics`.
    pub async fn served(&self, route: &str) -> u64 {
        let prefix = format!("registry_http_requests_total{{route=\"{route}\",");
        self.metrics()
            .await
            .lines()
            .filter(|line| line.starts_with(&prefix))
            .filter_map(|line| line.rsplit(' ').next()?.parse::<u64>().ok())
            .sum()
    }

    /// The process id (to pause it with SIGSTOP, as a node that stops answering).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL: no shutdown, no flush.
    pub fn kill(mut self) -> NodeOptions {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.options.clone()
    }

    /// SIGKILL, like [`RegistryNode::kill`]; the options it gives back start the node again
    /// at the same URL (the one it is staked with).
    pub fn kill_keeping_url(self) -> NodeOptions {
        let listen = self.url.trim_start_matches("http://").to_string();
        let mut options = self.kill();
        if !options.extra_args.iter().any(|a| a == "--listen") {
            options.extra_args.extend(["--listen".to_string(), listen]);
        }
        options
    }

    /// SIGTERM, then waits for the exit status.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for registry-node") {
                return status;
            }
            assert!(Instant::now() < deadline, "registry-node ignored SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// GET `path`: status and JSON body.
    pub async fn get(&self, path: &str) -> (u16, serde_json::Value) {
        let response = http()
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .expect("GET from registry-node");
        let status = response.status().as_u16();
        (
            status,
            response.json().await.unwrap_or(serde_json::Value::Null),
        )
    }

    /// POST `body` (raw bytes, JSON content type) to `path`: status and JSON body.
    pub async fn post(&self, path: &str, body: impl Into<Vec<u8>>) -> (u16, serde_json::Value) {
        let response = http()
            .post(format!("{}{path}", self.url))
            .header("content-type", "application/json")
            .body(body.into())
            .send()
            .await
            .expect("POST to registry-node");
        let status = response.status().as_u16();
        (
            status,
            response.json().await.unwrap_or(serde_json::Value::Null),
        )
    }

    /// The block the node has indexed up to.
    pub async fn indexed_block(&self) -> u64 {
        let (_, health) = self.get("/health").await;
        health["indexed_block"].as_u64().unwrap_or(0)
    }

    /// Waits until `/health` answers 200: the node's RPC answered since it started and its
    /// index keeps up (right after a start it is 503 until its first poll of the chain).
    pub async fn wait_healthy(&self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            let (status, health) = self.get("/health").await;
            if status == 200 {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "node not healthy in {timeout:?}: {health}"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Waits until the node has indexed `block`.
    pub async fn wait_indexed(&self, block: u64, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while self.indexed_block().await < block {
            assert!(
                Instant::now() < deadline,
                "node did not index block {block} in {timeout:?}; log: {}",
                std::fs::read_to_string(self.options.data_dir.join("node.log"))
                    .unwrap_or_default()
                    .lines()
                    .rev()
                    .take(30)
                    .collect::<Vec<_>>()
                    .join("\n")
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

/// Waits until every node has indexed `block`, one after the other, each within `timeout`
/// ([`RegistryNode::wait_indexed`]).
pub async fn wait_all_indexed(nodes: &[RegistryNode], block: u64, timeout: Duration) {
    for node in nodes {
        node.wait_indexed(block, timeout).await;
    }
}

impl Drop for RegistryNode {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The tests' one HTTP client.
pub fn http() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(reqwest::Client::new)
}

/// A wallet provider for `key` on `url`.
pub fn wallet_provider(url: &str, key: PrivateKeySigner) -> DynProvider {
    ProviderBuilder::new()
        .wallet(EthereumWallet::from(key))
        .connect_http(url.parse().expect("rpc url"))
        .erased()
}

/// Gives `account` SESH from the faucet and approves `spender` for all of it.
pub async fn fund_and_approve(
    provider: &DynProvider,
    deployment: &Deployment,
    account: Address,
    spender: Address,
    whole_sesh: u64,
) -> eyre::Result<()> {
    let sesh = TestSESH::new(deployment.contracts.sesh, provider);
    let mut left = U256::from(whole_sesh) * U256::from(1_000_000_000u64);
    let limit = sesh.FAUCET_LIMIT().call().await?;
    while left > U256::ZERO {
        let amount = left.min(limit);
        sesh.faucet(account, amount)
            .send()
            .await?
            .get_receipt()
            .await?;
        left -= amount;
    }
    sesh.approve(spender, U256::MAX)
        .send()
        .await?
        .get_receipt()
        .await?;
    Ok(())
}

/// The registration of `label` for a year to `owner` with `session_key`, paid from the
/// existing allowance.
pub fn registration(
    label: &str,
    owner: Address,
    session_key: B256,
    primary: bool,
) -> INameRegistry::Registration {
    INameRegistry::Registration {
        label: label.to_string(),
        owner,
        duration: U256::from(365 * 24 * 3600),
        sessionKey: session_key,
        evmAddress: Address::ZERO,
        setPrimary: primary,
        maxCost: U256::MAX,
    }
}

/// Registers `label` (allowance already given) at `registry` and returns the block it landed in.
pub async fn register(
    provider: &DynProvider,
    registry: Address,
    label: &str,
    owner: Address,
    session_key: B256,
    primary: bool,
) -> eyre::Result<u64> {
    let registry = NameRegistry::new(registry, provider);
    let receipt = registry
        .register(
            registration(label, owner, session_key, primary),
            B256::ZERO,
            no_permit(),
        )
        .send()
        .await?
        .get_receipt()
        .await?;
    eyre::ensure!(receipt.status(), "registration of {label} reverted");
    Ok(receipt.block_number.expect("mined"))
}

/// Registers `label` (allowance already given) at `deployment`'s registry to `owner` as its
/// primary name, with `session`'s Session ID in the record and the Session ID's signed consent
/// to the name as its reverse name (`registerAndConsent`, as `sesh name register` does); the
/// block it landed in. `nonce`: the consent's (above the Session ID's earlier ones).
pub async fn register_consented(
    provider: &DynProvider,
    deployment: &Deployment,
    label: &str,
    owner: Address,
    session: &sesh_core::keys::SessionKeys,
    nonce: u64,
) -> eyre::Result<u64> {
    let registry_address = deployment.contracts.name_registry;
    let consent = sesh_core::reverse_consent::Consent::sign(
        session,
        deployment.chain_id,
        registry_address,
        sesh_core::Name::parse(label)?.token_id(),
        owner,
        nonce,
    );
    let receipt = NameRegistry::new(registry_address, provider)
        .registerAndConsent(
            registration(label, owner, session.session_id().key(), true),
            B256::ZERO,
            no_permit(),
            consent.into(),
        )
        .send()
        .await?
        .get_receipt()
        .await?;
    eyre::ensure!(receipt.status(), "registration of {label} reverted");
    Ok(receipt.block_number.expect("mined"))
}

/// The setup the registry-node tests start from: a fresh chain with the deployment and
/// alice (anvil's dev key 1) signing through a wallet provider.
pub struct NodeTestbed {
    /// The chain; stops on drop (drop it, or the whole testbed, to take the RPC away).
    pub chain: crate::DeployedChain,
    /// The chain's deployment.
    pub deployment: Deployment,
    /// The chain's HTTP RPC URL.
    pub url: String,
    /// anvil's dev key 1.
    pub alice: PrivateKeySigner,
    /// A provider signing as `alice`.
    pub provider: DynProvider,
}

impl Default for NodeTestbed {
    fn default() -> Self {
        Self::new()
    }
}

impl NodeTestbed {
    /// A fresh chain and alice, nothing funded.
    pub fn new() -> Self {
        let chain = crate::deployed_chain();
        let url = chain.anvil.endpoint();
        let alice: PrivateKeySigner = chain.anvil.keys()[1].clone().into();
        Self {
            deployment: chain.deployment.clone(),
            provider: wallet_provider(&url, alice.clone()),
            alice,
            url,
            chain,
        }
    }

    /// A fresh chain where alice holds `whole_sesh` SESH from the faucet and the name
    /// registry may take all of it ([`fund_and_approve`]).
    pub async fn funded(whole_sesh: u64) -> eyre::Result<Self> {
        let bed = Self::new();
        fund_and_approve(
            &bed.provider,
            &bed.deployment,
            bed.alice.address(),
            bed.deployment.contracts.name_registry,
            whole_sesh,
        )
        .await?;
        Ok(bed)
    }

    /// Anvil's dev key `index`.
    pub fn dev_key(&self, index: usize) -> PrivateKeySigner {
        self.chain.anvil.keys()[index].clone().into()
    }

    /// Options for a node on this chain: a fresh data folder, no confirmations, fast polling.
    pub fn node_options(&self) -> NodeOptions {
        NodeOptions::new(&self.url, &self.deployment)
    }

    /// Starts a node with [`Self::node_options`].
    pub fn start_node(&self) -> RegistryNode {
        RegistryNode::start(self.node_options())
    }

    /// Starts `count` nodes with [`Self::node_options`], all at once.
    pub fn start_nodes(&self, count: usize) -> Vec<RegistryNode> {
        RegistryNode::start_all((0..count).map(|_| self.node_options()))
    }

    /// Registers `label` to alice as her primary name, pointing at `session`'s Session ID with
    /// its consent ([`register_consented`]); the block it landed in.
    pub async fn register_consented(
        &self,
        label: &str,
        session: &sesh_core::keys::SessionKeys,
        nonce: u64,
    ) -> eyre::Result<u64> {
        register_consented(
            &self.provider,
            &self.deployment,
            label,
            self.alice.address(),
            session,
            nonce,
        )
        .await
    }

    /// Registers `label` to alice at the name registry ([`register`]); the block it landed in.
    pub async fn register(
        &self,
        label: &str,
        session_key: B256,
        primary: bool,
    ) -> eyre::Result<u64> {
        register(
            &self.provider,
            self.deployment.contracts.name_registry,
            label,
            self.alice.address(),
            session_key,
            primary,
        )
        .await
    }
}

/// An anvil on a fixed port that dumps its state when stopped and restarts from it on the
/// same port: an RPC that goes away and comes back with the same chain.
#[derive(Debug)]
pub struct RestartableAnvil {
    child: Option<Child>,
    /// The port it listens on (HTTP and WebSocket).
    pub port: u16,
    /// Where it dumps its state on SIGTERM.
    pub state: PathBuf,
}

impl RestartableAnvil {
    /// Starts an anvil from the state file `load` on a free port; its state goes to
    /// `dir/anvil-state.json` when it stops.
    pub fn start(load: &Path, dir: &Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let mut anvil = Self {
            child: None,
            port,
            state: dir.join("anvil-state.json"),
        };
        anvil.spawn(load);
        anvil
    }

    fn spawn(&mut self, load: &Path) {
        let child = Command::new(crate::anvil_path())
            .args(["--port", &self.port.to_string(), "--silent", "--load-state"])
            .arg(load)
            .arg("--dump-state")
            .arg(&self.state)
            .stdout(Stdio::null())
            .spawn()
            .expect("start anvil");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "anvil did not start on port {}",
                self.port
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn http_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// `ws://127.0.0.1:PORT`.
    pub fn ws_url(&self) -> String {
        format!("ws://127.0.0.1:{}", self.port)
    }

    /// SIGTERM: anvil dumps its state and exits.
    pub fn stop(&mut self) {
        let mut child = self.child.take().expect("anvil is running");
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        child.wait().expect("anvil exits");
        assert!(
            self.state.exists(),
            "anvil did not dump its state to {}",
            self.state.display()
        );
    }

    /// Starts again on the same port from the state it dumped.
    pub fn restart(&mut self) {
        assert!(self.child.is_none(), "anvil is still running");
        let load = self.state.with_extension("loaded.json");
        std::fs::rename(&self.state, &load).expect("keep the dumped state");
        self.spawn(&load);
    }
}

impl Drop for RestartableAnvil {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The state file of this test process' deployment template (made by
/// [`crate::deployed_chain`], which must have run first).
pub fn template_state() -> PathBuf {
    let path = crate::repo_root().join(format!(
        "target/e2e/template-{}/state.json",
        std::process::id()
    ));
    assert!(
        path.exists(),
        "no template state at {}: call deployed_chain() first",
        path.display()
    );
    path
}
