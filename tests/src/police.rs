//! Helpers for the policing tests (issue 20, docs/policing.md): a network of nodes that
//! vote with their operators' keys, the chain's clock moved on, and waits on the nodes'
//! `/v1/police` reports and on the chain.

use crate::node::{NodeOptions, NodeTestbed, RegistryNode, wait_all_indexed};
use crate::swarm::stake_node;
use alloy::primitives::U256;
use alloy::providers::{DynProvider, Provider};
use alloy::signers::local::PrivateKeySigner;
use sesh_core::bindings::NodeStaking;
use std::time::{Duration, Instant};

/// `NodeStaking.NodeState.Active`.
pub const ACTIVE: u8 = 2;
/// `NodeStaking.NodeState.Deregistered`.
pub const DEREGISTERED: u8 = 4;

/// Options whose node votes and submits with `operator` (it registers `operator` as its
/// signer too: `stake_node`).
pub fn voting(mut options: NodeOptions, operator: &PrivateKeySigner) -> NodeOptions {
    let path = options.data_dir.join("operator.key");
    std::fs::create_dir_all(&options.data_dir).expect("data dir");
    std::fs::write(&path, hex::encode(operator.to_bytes())).expect("write the key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    let path = path.to_str().expect("utf-8 path").to_string();
    options.extra_args.extend([
        "--voting-key-file".into(),
        path.clone(),
        "--operator-key-file".into(),
        path,
    ]);
    options
}

/// Moves the chain's clock on by `secs` and mines a block at the new time; returns the
/// new block number.
pub async fn advance(provider: &DynProvider, secs: u64) -> eyre::Result<u64> {
    provider
        .raw_request::<_, serde_json::Value>("evm_increaseTime".into(), (secs,))
        .await?;
    provider
        .raw_request::<_, serde_json::Value>("evm_mine".into(), ())
        .await?;
    Ok(provider.get_block_number().await?)
}

/// The id of the node serving at `url`, as `node` indexes it.
pub async fn node_id_of(node: &RegistryNode, url: &str) -> u64 {
    let (status, body) = node.get("/v1/nodes").await;
    assert_eq!(status, 200, "{body}");
    body["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|n| n["answer"]["url"] == url)
        .and_then(|n| n["answer"]["node_id"].as_u64())
        .unwrap_or_else(|| panic!("no node at {url}: {body}"))
}

/// Waits until `check` holds for `node`'s `/v1/police` report, and returns it.
pub async fn wait_report(
    node: &RegistryNode,
    what: &str,
    check: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    // Generous: a round waits up to 10 s on a silent peer, and CI runs many nodes at once.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (status, report) = node.get("/v1/police").await;
        assert_eq!(status, 200, "{report}");
        if check(&report) {
            return report;
        }
        assert!(
            Instant::now() < deadline,
            "{} never showed {what}: {report:#}",
            node.url
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The standing of node `id` in a `/v1/police` report ("healthy", "failing", ...).
pub fn standing(report: &serde_json::Value, id: u64) -> Option<&str> {
    report["standings"]
        .as_array()?
        .iter()
        .find(|s| s["node_id"] == id)
        .and_then(|s| s["state"].as_str())
}

/// The last round's test of node `id` in a `/v1/police` report; panics (naming `what`)
/// when the round did not test it.
pub fn last_test<'a>(report: &'a serde_json::Value, id: u64, what: &str) -> &'a serde_json::Value {
    report["last_round"]["tests"]
        .as_array()
        .and_then(|tests| tests.iter().find(|t| t["node_id"] == id))
        .unwrap_or_else(|| panic!("no test of the {what}: {report:#}"))
}

/// 6 nodes staked by anvil's dev keys 2 to 7, each voting and submitting with its key,
/// indexed to the head; returns the nodes and their operators, in the same order.
pub async fn voting_network(
    bed: &NodeTestbed,
) -> eyre::Result<(Vec<RegistryNode>, Vec<PrivateKeySigner>)> {
    voting_network_of(bed, 2..8).await
}

/// [`voting_network`] with a node for each of anvil's dev keys `keys`, in that order (key 0
/// is the account of `sesh wallet restore` with anvil's words, so a wallet can stake).
pub async fn voting_network_of(
    bed: &NodeTestbed,
    keys: impl IntoIterator<Item = usize>,
) -> eyre::Result<(Vec<RegistryNode>, Vec<PrivateKeySigner>)> {
    let operators: Vec<PrivateKeySigner> = keys.into_iter().map(|i| bed.dev_key(i)).collect();
    let nodes = RegistryNode::start_all(
        operators
            .iter()
            .map(|operator| voting(bed.node_options(), operator)),
    );
    for (node, operator) in nodes.iter().zip(&operators) {
        stake_node(&bed.url, &bed.deployment, node, operator.clone()).await?;
    }
    let head = bed.provider.get_block_number().await?;
    wait_all_indexed(&nodes, head, Duration::from_secs(30)).await;
    Ok((nodes, operators))
}

/// Waits until node `id` is deregistered on chain (`witness`'s report explains a timeout).
pub async fn wait_deregistered(
    staking: &NodeStaking::NodeStakingInstance<&DynProvider>,
    id: u64,
    witness: &RegistryNode,
) -> eyre::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(120);
    while staking.nodeInfo(U256::from(id)).call().await?.state != DEREGISTERED {
        assert!(
            Instant::now() < deadline,
            "never deregistered: {:#}",
            witness.get("/v1/police").await.1
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    Ok(())
}

/// The Ed25519 signer of `node` (its `node.key`), to sign what the node would sign.
pub fn node_signer(node: &RegistryNode) -> sesh_core::attestation::NodeSigner {
    let text = std::fs::read_to_string(node.options.data_dir.join("node.key")).expect("node.key");
    let seed: [u8; 32] = hex::decode(text.trim())
        .expect("hex")
        .try_into()
        .expect("32 bytes");
    sesh_core::attestation::NodeSigner::from_seed(seed)
}

/// A proxy in front of a real node that forwards every request to it, except that its
/// answer to `GET /v1/names/{name}` is re-signed with the node's key after `lie` changed
/// it: a node serving signed false lookups, as a wallet meets it. It serves until the
/// test's runtime ends; one request per connection.
pub async fn lying_proxy(
    upstream: String,
    signer: sesh_core::attestation::NodeSigner,
    deployment: &sesh_core::deployment::Deployment,
    name: &str,
    lie: fn(&mut sesh_core::api::NameAnswer),
) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the proxy");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    let lied_path = format!("/v1/names/{name}");
    let (chain_id, contract) = (deployment.chain_id, deployment.contracts.name_registry);
    let signer = std::sync::Arc::new(signer);
    // Its own client: one made in another test's runtime keeps connections that died with it.
    let client = reqwest::Client::new();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let (upstream, lied_path, signer, client) = (
                upstream.clone(),
                lied_path.clone(),
                signer.clone(),
                client.clone(),
            );
            tokio::spawn(async move {
                // The request: its head, then as many body bytes as content-length says.
                let mut buffer = Vec::new();
                let head_end = loop {
                    let mut chunk = [0u8; 4096];
                    let read = stream.read(&mut chunk).await.unwrap_or(0);
                    if read == 0 {
                        return;
                    }
                    buffer.extend_from_slice(&chunk[..read]);
                    if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                        break at + 4;
                    }
                };
                let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
                let mut lines = head.split("\r\n");
                let mut first = lines.next().unwrap_or_default().split(' ');
                let (method, path) = (
                    first.next().unwrap_or_default().to_string(),
                    first.next().unwrap_or_default().to_string(),
                );
                let headers: Vec<(String, String)> = lines
                    .filter_map(|line| line.split_once(':'))
                    .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
                    .collect();
                let length: usize = headers
                    .iter()
                    .find(|(k, _)| k == "content-length")
                    .and_then(|(_, v)| v.parse().ok())
                    .unwrap_or(0);
                while buffer.len() < head_end + length {
                    let mut chunk = [0u8; 4096];
                    let read = stream.read(&mut chunk).await.unwrap_or(0);
                    if read == 0 {
                        return;
                    }
                    buffer.extend_from_slice(&chunk[..read]);
                }
                let body = buffer[head_end..head_end + length].to_vec();
                let mut request = client.request(
                    method.parse().unwrap_or(reqwest::Method::GET),
                    format!("{upstream}{path}"),
                );
                for (key, value) in &headers {
                    if !["host", "connection", "content-length", "transfer-encoding"]
                        .contains(&key.as_str())
                    {
                        request = request.header(key, value);
                    }
                }
                let Ok(response) = request.body(body).send().await else {
                    return;
                };
                let status = response.status();
                let content_type = response
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("application/json")
                    .to_string();
                let mut bytes = response.bytes().await.unwrap_or_default().to_vec();
                if method == "GET"
                    && path == lied_path
                    && status.is_success()
                    && let Ok(mut answer) =
                        serde_json::from_slice::<sesh_core::api::NameResponse>(&bytes)
                {
                    lie(&mut answer.name.answer);
                    answer.name.attestation = signer.attest(
                        sesh_core::attestation::Kind::Name,
                        chain_id,
                        contract,
                        answer.name.attestation.block,
                        &answer.name.answer,
                    );
                    bytes = serde_json::to_vec(&answer).expect("serializes");
                }
                let reply = format!(
                    "HTTP/1.1 {} {}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    status.as_u16(),
                    status.canonical_reason().unwrap_or(""),
                    bytes.len()
                );
                let _ = stream.write_all(reply.as_bytes()).await;
                let _ = stream.write_all(&bytes).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    url
}
