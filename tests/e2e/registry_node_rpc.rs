//! The registry node's RPC connection: a WebSocket URL, and an RPC that goes
//! away and comes back (over HTTP and over WebSocket).

use alloy::primitives::B256;
use alloy::signers::local::PrivateKeySigner;
use sesh_core::api::NameResponse;
use sesh_e2e::node::{
    NodeOptions, NodeTestbed, RegistryNode, RestartableAnvil, fund_and_approve, register,
    scratch_dir, template_state, wallet_provider,
};
use std::time::{Duration, Instant};

/// GET /v1/names/`label`: the answer, checked to be signed by the node.
async fn name(node: &RegistryNode, label: &str) -> NameResponse {
    let (status, body) = node.get(&format!("/v1/names/{label}")).await;
    assert_eq!(status, 200, "{label}: {body}");
    serde_json::from_value(body).expect("a name answer")
}

/// Waits until GET /health answers `status`.
async fn wait_health(node: &RegistryNode, status: u16, timeout: Duration) {
    let deadline = Instant::now() + timeout;
    loop {
        let (got, body) = node.get("/health").await;
        if got == status {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "/health stayed {got} ({body}), expected {status}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_websocket_rpc_url_indexes_and_serves() -> eyre::Result<()> {
    let bed = NodeTestbed::funded(1_000).await?;
    let deployment = &bed.deployment;

    let ws = bed.chain.anvil.ws_endpoint();
    assert!(ws.starts_with("ws://"), "{ws}");
    let node = RegistryNode::start(NodeOptions::new(&ws, deployment));
    let block = bed
        .register("wsname", B256::repeat_byte(0x5a), true)
        .await?;
    node.wait_indexed(block, Duration::from_secs(20)).await;
    let answer = name(&node, "wsname").await;
    answer
        .name
        .verify(deployment.chain_id, deployment.contracts.name_registry)?;
    assert!(!answer.freshness.stale);
    assert_eq!(node.get("/health").await.0, 200);
    Ok(())
}

/// Registers a name; stops the RPC (the node serves it stale, /health 503); brings the RPC
/// back on the same port with the same chain; registers another name: the node catches up.
async fn rpc_down_and_back(websocket: bool) -> eyre::Result<()> {
    let chain = sesh_e2e::deployed_chain();
    let deployment = chain.deployment.clone();
    let alice: PrivateKeySigner = chain.anvil.keys()[1].clone().into();
    drop(chain);
    let registry = deployment.contracts.name_registry;

    let mut anvil = RestartableAnvil::start(&template_state(), &scratch_dir("rpc-anvil"));
    let provider = wallet_provider(&anvil.http_url(), alice.clone());
    fund_and_approve(&provider, &deployment, alice.address(), registry, 1_000).await?;
    let url = if websocket {
        anvil.ws_url()
    } else {
        anvil.http_url()
    };
    let node = RegistryNode::start(NodeOptions::new(&url, &deployment));

    let first = register(
        &provider,
        registry,
        "before",
        alice.address(),
        B256::repeat_byte(1),
        true,
    )
    .await?;
    node.wait_indexed(first, Duration::from_secs(20)).await;
    let before = name(&node, "before").await;
    assert!(!before.freshness.stale);
    wait_health(&node, 200, Duration::from_secs(5)).await;

    // The RPC goes away: the index is still served, marked stale.
    anvil.stop();
    wait_health(&node, 503, Duration::from_secs(30)).await;
    let (_, health) = node.get("/health").await;
    assert_eq!(health["rpc_reachable"], false, "{health}");
    let stale = name(&node, "before").await;
    assert!(stale.freshness.stale);
    assert_eq!(
        stale.name.answer, before.name.answer,
        "the same answer, only stale"
    );

    // It comes back with the same chain: the node reconnects and catches up.
    anvil.restart();
    let provider = wallet_provider(&anvil.http_url(), alice.clone());
    let second = register(
        &provider,
        registry,
        "after",
        alice.address(),
        B256::repeat_byte(2),
        false,
    )
    .await?;
    assert!(second > first);
    node.wait_indexed(second, Duration::from_secs(40)).await;
    wait_health(&node, 200, Duration::from_secs(10)).await;
    let after = name(&node, "after").await;
    assert!(!after.freshness.stale);
    after
        .name
        .verify(deployment.chain_id, deployment.contracts.name_registry)?;
    let again = name(&node, "before").await;
    assert_eq!(again.name.answer.token_id, before.name.answer.token_id);
    assert!(!again.freshness.stale);

    // Nothing lost, nothing twice: the index equals that of a node that never saw an outage.
    let reference = RegistryNode::start(NodeOptions::new(&anvil.http_url(), &deployment));
    reference
        .wait_indexed(second, Duration::from_secs(20))
        .await;
    let (status, dump) = node.get("/v1/debug/dump").await;
    assert_eq!(status, 200, "{dump}");
    let (_, expected) = reference.get("/v1/debug/dump").await;
    assert_eq!(expected["names"].as_object().map(|m| m.len()), Some(2));
    assert_eq!(dump, expected, "the index after the outage differs");

    let exit = node.terminate();
    assert!(exit.success(), "{exit:?}");
    Ok(())
}

#[tokio::test]
async fn http_rpc_down_and_back_catches_up() -> eyre::Result<()> {
    rpc_down_and_back(false).await
}

#[tokio::test]
async fn websocket_rpc_down_and_back_reconnects_and_catches_up() -> eyre::Result<()> {
    rpc_down_and_back(true).await
}
