//! Lookups: one registry node holding every name, under concurrent HTTP load from `sesh-load`,
//! against `eth_call` of `NameRegistry.resolve` on the same anvil and against the bare axum
//! server, in alternating rounds; then batches of 100 names against JSON-RPC batches of 100 `eth_call`s; then the
//! node alone at several concurrencies.

use crate::load::LoadReport;
use crate::names::{label_of, session_key_of};
use crate::node::Node;
use crate::phases::{LoadShape, Target, load, require_clean};
use crate::process::{Paths, spawn_reading_first_line};
use alloy::primitives::Address;
use alloy::providers::ProviderBuilder;
use eyre::{WrapErr, bail, eyre};
use serde::{Deserialize, Serialize};
use sesh_core::bindings::NameRegistry;
use std::net::SocketAddr;
use std::process::Command;
use std::time::Duration;

/// Names per batch request.
pub const BATCH: u64 = 100;

/// Alternating rounds of the three single-name workloads (bare, node, eth_call); the median
/// round of each is reported, so one slow moment of a shared machine does not decide a ratio.
pub const ROUNDS: usize = 3;

/// Everything the lookup phase measured.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Lookups {
    /// Names on the chain (and in the node).
    pub names: u64,
    /// The load's shape: connections.
    pub concurrency: usize,
    /// The load generator's threads.
    pub threads: usize,
    /// Bytes of one node answer (the bare server answers as many).
    pub answer_bytes: usize,
    /// The bare axum server.
    pub bare: LoadReport,
    /// The node, one name a request.
    pub node: LoadReport,
    /// `eth_call` on anvil, one name a request.
    pub eth_call: LoadReport,
    /// The node, 100 names a request.
    pub node_batch: LoadReport,
    /// JSON-RPC batches of 100 `eth_call`s on anvil.
    pub eth_call_batch: LoadReport,
    /// The node and the bare server at other concurrencies.
    pub sweep: Vec<SweepPoint>,
    /// The node's `VmHWM` after the lookups, bytes.
    pub node_peak_rss_bytes: u64,
    /// Requests per second of every round (bare, node, eth_call), in the order run.
    #[serde(default)]
    pub rounds: Vec<[f64; 3]>,
}

/// The report whose throughput is the median of `reports` (which must not be empty).
fn median(mut reports: Vec<LoadReport>) -> LoadReport {
    reports.sort_by(|a, b| a.requests_per_s.total_cmp(&b.requests_per_s));
    reports.swap_remove(reports.len() / 2)
}

/// The node and the bare server at one concurrency.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SweepPoint {
    /// The node.
    pub node: LoadReport,
    /// The bare server.
    pub bare: LoadReport,
}

/// Checks that the node and the chain answer for the benchmark's names as expected, and returns
/// the size of one node answer.
async fn sanity(node: &Node, rpc_url: &str, registry: Address, names: u64) -> eyre::Result<usize> {
    let client = reqwest::Client::new();
    for index in [0, names - 1] {
        let label = label_of(index);
        let response = client
            .get(format!("{}/v1/names/{label}", node.url))
            .send()
            .await?;
        let status = response.status();
        let body = response.bytes().await?;
        if !status.is_success() {
            bail!(
                "the node answers {status} for {label}: {}",
                String::from_utf8_lossy(&body)
            );
        }
        let json: serde_json::Value = serde_json::from_slice(&body)?;
        let expected = format!("05{}", hex::encode(session_key_of(index)));
        if !json.to_string().contains(&expected) || json["state"] != "live" {
            bail!("the node's answer for {label} is not the registered record: {json}");
        }
        let provider = ProviderBuilder::new().connect_http(rpc_url.parse()?);
        let resolved = NameRegistry::new(registry, &provider)
            .resolve(label.clone())
            .call()
            .await?;
        if resolved.sessionKey != session_key_of(index) {
            bail!("eth_call resolve({label}) does not return the registered record");
        }
        if index == 0 {
            return Ok(body.len());
        }
    }
    Err(eyre!("no names"))
}

/// Looks every name up once through the batch route, so the node's per-record signature cache
/// is warm, as on a node that has been serving for a while.
async fn warm(node: &Node, names: u64) -> eyre::Result<()> {
    let client = reqwest::Client::new();
    let mut first = 0;
    while first < names {
        let batch: Vec<String> = (first..(first + BATCH).min(names)).map(label_of).collect();
        let response = client
            .post(format!("{}/v1/names/batch", node.url))
            .json(&serde_json::json!({ "names": batch }))
            .send()
            .await?;
        if !response.status().is_success() {
            bail!("warming the node: batch answered {}", response.status());
        }
        first += BATCH;
    }
    Ok(())
}

/// Starts the bare server answering `body_bytes` bytes.
fn bare_server(
    paths: &Paths,
    body_bytes: usize,
) -> eyre::Result<(crate::process::Guard, SocketAddr)> {
    let mut command = Command::new(paths.binary("sesh-bare-server")?);
    command.args(["--body-bytes", &body_bytes.to_string()]);
    let (guard, line) = spawn_reading_first_line(
        command,
        "sesh-bare-server",
        &paths.scratch.join("bare-server.log"),
        Duration::from_secs(10),
    )?;
    let addr = line
        .trim_start_matches("listening on http://")
        .parse()
        .wrap_err_with(|| format!("sesh-bare-server printed {line:?}"))?;
    Ok((guard, addr))
}

/// What to run.
#[derive(Debug, Clone)]
pub struct LookupSpec {
    /// Names on the chain.
    pub names: u64,
    /// The main runs' load.
    pub shape: LoadShape,
    /// Other concurrencies for the node alone.
    pub sweep: Vec<usize>,
    /// Measuring window of each of those, ms.
    pub sweep_duration_ms: u64,
}

/// Runs the lookup benchmarks against `node` and the anvil at `rpc_addr`.
pub async fn run(
    paths: &Paths,
    node: &Node,
    anvil: Target,
    registry: Address,
    spec: &LookupSpec,
) -> eyre::Result<Lookups> {
    let rpc_addr = anvil;
    let (names, shape) = (spec.names, spec.shape);
    let rpc_url = format!("http://{}", anvil.addr);
    let answer_bytes = sanity(node, &rpc_url, registry, names).await?;
    warm(node, names).await?;
    let node_addr = Target {
        addr: node.addr()?,
        pid: node.process.pid(),
    };
    let names_arg = ["--names".to_string(), names.to_string()];
    let registry_arg = ["--registry".to_string(), registry.to_string()];
    let kind = |kind: &str| ["--kind".to_string(), kind.to_string()];
    let args = |parts: &[&[String]]| parts.concat();

    let (mut bare_process, bare_listen) = bare_server(paths, answer_bytes)?;
    let bare_addr = Target {
        addr: bare_listen,
        pid: bare_process.pid(),
    };
    let (mut bares, mut nodes, mut eth_calls) = (Vec::new(), Vec::new(), Vec::new());
    let mut rounds = Vec::new();
    for _ in 0..ROUNDS {
        let bare = load(paths, bare_addr, shape, &args(&[&kind("bare"), &names_arg])).await?;
        require_clean(&bare)?;
        let node_report = load(
            paths,
            node_addr,
            shape,
            &args(&[&kind("node-names"), &names_arg]),
        )
        .await?;
        require_clean(&node_report)?;
        let eth = load(
            paths,
            rpc_addr,
            shape,
            &args(&[&kind("eth-call"), &names_arg, &registry_arg]),
        )
        .await?;
        require_clean(&eth)?;
        rounds.push([
            bare.requests_per_s,
            node_report.requests_per_s,
            eth.requests_per_s,
        ]);
        bares.push(bare);
        nodes.push(node_report);
        eth_calls.push(eth);
    }
    let (bare_report, node_report, eth_report) = (median(bares), median(nodes), median(eth_calls));
    let per = ["--per".to_string(), BATCH.to_string()];
    let node_batch = load(
        paths,
        node_addr,
        shape,
        &args(&[&kind("node-batch"), &names_arg, &per]),
    )
    .await?;
    require_clean(&node_batch)?;
    let eth_batch = load(
        paths,
        rpc_addr,
        shape,
        &args(&[&kind("eth-call-batch"), &names_arg, &registry_arg, &per]),
    )
    .await?;
    require_clean(&eth_batch)?;

    let mut sweep_reports = Vec::new();
    for &concurrency in &spec.sweep {
        let shape = LoadShape {
            concurrency,
            duration_ms: spec.sweep_duration_ms,
            warmup_ms: shape.warmup_ms.min(1_000),
            ..shape
        };
        let node = load(
            paths,
            node_addr,
            shape,
            &args(&[&kind("node-names"), &names_arg]),
        )
        .await?;
        require_clean(&node)?;
        let bare = load(paths, bare_addr, shape, &args(&[&kind("bare"), &names_arg])).await?;
        require_clean(&bare)?;
        sweep_reports.push(SweepPoint { node, bare });
    }
    bare_process.stop(Duration::from_secs(2));
    Ok(Lookups {
        names,
        concurrency: shape.concurrency,
        threads: shape.threads,
        answer_bytes,
        bare: bare_report,
        node: node_report,
        eth_call: eth_report,
        node_batch,
        eth_call_batch: eth_batch,
        sweep: sweep_reports,
        node_peak_rss_bytes: node.peak_rss().unwrap_or(0),
        rounds,
    })
}
