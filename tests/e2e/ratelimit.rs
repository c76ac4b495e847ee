//! Per-address rate limits of a real node (docs/operator.md, "Rate limits"): a flood of
//! onion requests or policing requests from one address gets 429 with `Retry-After` once
//! its burst is spent, while lookups go on; the request inside an onion request is not
//! limited again by the route it reaches; and a node that served onion requests (whose
//! handler holds the node's API) stops on SIGTERM and starts again on the same files.

use sesh_core::onion::{self, EncType, Hop, OnionRequest};
use sesh_e2e::node::{NodeOptions, RegistryNode, http};

/// The hop of `node`: its onion key is its Ed25519 key mapped to X25519.
fn hop(node: &RegistryNode) -> Hop {
    let key: [u8; 32] = hex::decode(&node.node_key)
        .expect("hex")
        .try_into()
        .expect("32 bytes");
    Hop::from_ed25519(key).expect("a node key converts")
}

/// Sends `request` to `node` as an onion request of one hop (the node is the destination):
/// the HTTP status, and the status inside the sealed answer when it is 200.
async fn onion_request(node: &RegistryNode, request: &[u8]) -> (u16, Option<u16>) {
    let OnionRequest { body, reply } =
        onion::build(&[hop(node)], request, EncType::XChaCha20).expect("build");
    let response = http()
        .post(format!("{}{}", node.url, onion::PATH))
        .body(body)
        .send()
        .await
        .expect("POST /onion_req/v2");
    let status = response.status().as_u16();
    if status == 429 {
        assert_refusal(response, "onion").await;
        return (status, None);
    }
    let sealed = response.bytes().await.expect("a body");
    let inside = (status == 200).then(|| reply.open(&sealed).expect("open").status);
    (status, inside)
}

/// A 429 says, in our error body, what is limited, for whom, and when to come back.
async fn assert_refusal(response: reqwest::Response, what: &str) {
    assert_eq!(response.status().as_u16(), 429);
    let retry_after = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(retry_after.parse::<u64>().unwrap() >= 1, "{retry_after}");
    let body: serde_json::Value = response.json().await.expect("a JSON body");
    let detail = body["errors"][0]["detail"].as_str().unwrap_or_default();
    assert!(
        detail.starts_with(&format!("too many {what} requests from 127.0.0.1")),
        "{body}"
    );
}

#[tokio::test]
async fn a_flood_from_one_address_gets_429_and_the_rest_goes_on() -> eyre::Result<()> {
    let chain = sesh_e2e::deployed_chain();
    let mut options = NodeOptions::new(&chain.anvil.endpoint(), &chain.deployment);
    // Bursts small enough to spend in a test, rates slow enough not to refill during it.
    options.extra_args = [
        "--onion-requests-per-sec",
        "1",
        "--onion-request-burst",
        "4",
        "--policing-requests-per-sec",
        "1",
        "--policing-request-burst",
        "5",
        "--mailbox-requests-per-sec",
        "1",
        "--mailbox-request-burst",
        "2",
    ]
    .map(String::from)
    .to_vec();
    let node = RegistryNode::start(options);

    // Onion requests: each carries a storage RPC, which the mailbox limit (a burst of 2)
    // would refuse from the third on if it counted them again; it does not. Past the burst
    // of 4, 429 (a token comes back each second, so a slow machine may get one more in).
    let mut answers = Vec::new();
    while answers.len() < 12 && answers.last() != Some(&(429, None)) {
        answers.push(onion_request(&node, br#"{"method":"info","params":{}}"#).await);
    }
    assert_eq!(answers[..4], [(200, Some(200)); 4], "{answers:?}");
    assert_eq!(answers.last(), Some(&(429, None)), "{answers:?}");
    // The mailbox route itself still has its own, unspent, bucket.
    let (status, _) = node
        .post("/storage_rpc/v1", r#"{"method":"info","params":{}}"#)
        .await;
    assert_eq!(status, 200);

    // Policing: votes, evidence and the report share one bucket. Malformed votes are
    // refused for what they are (400) until the burst of 5 is spent, then 429; right after,
    // evidence and the report are refused too.
    let (status, _) = node.get("/v1/police").await;
    assert_eq!(status, 200);
    let mut statuses = Vec::new();
    while statuses.len() < 12 && statuses.last() != Some(&429) {
        statuses.push(node.post("/v1/votes", r#"{"node_id":1}"#).await.0);
    }
    assert_eq!(statuses[..4], [400; 4], "{statuses:?}");
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    let response = http()
        .post(format!("{}/v1/evidence", node.url))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await?;
    assert_refusal(response, "policing").await;
    let response = http().get(format!("{}/v1/police", node.url)).send().await?;
    assert_refusal(response, "policing").await;

    // Lookups and health are not limited.
    for _ in 0..20 {
        assert_eq!(node.get("/health").await.0, 200);
        assert_eq!(node.get("/v1/names/nobodyhere").await.0, 404);
    }
    assert!(node.served(onion::PATH).await >= 5);

    // The node stops on SIGTERM although its onion handler holds its API (and so its state
    // and redb files), and starts again on the same files.
    let options = node.options.clone();
    let status = node.terminate();
    assert!(status.success(), "registry-node exited with {status}");
    let node = RegistryNode::start(options);
    node.wait_healthy(std::time::Duration::from_secs(30)).await;
    let answer = onion_request(&node, br#"{"endpoint":"/v1/names/nobodyhere"}"#).await;
    assert_eq!(answer, (200, Some(404)));
    Ok(())
}
