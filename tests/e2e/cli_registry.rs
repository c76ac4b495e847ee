//! The CLI against real registry nodes: it finds the active set on chain,
//! asks 3 nodes, checks their signatures against the keys staked on chain and
//! accepts an answer only when they agree.

use alloy::primitives::{B256, U256};
use alloy::providers::Provider;
use alloy::signers::local::PrivateKeySigner;
use sesh_core::SessionId;
use sesh_core::bindings::NodeStaking;
use sesh_core::bindings::node_staking::INodeStaking;
use sesh_e2e::cli::SeshHome;
use sesh_e2e::node::{NodeOptions, RegistryNode, fund_and_approve, register, wallet_provider};
use std::time::Duration;

/// Stakes `node` on chain with `operator` as a fully staked (active) node.
async fn stake(
    url: &str,
    deployment: &sesh_core::deployment::Deployment,
    node: &RegistryNode,
    operator: PrivateKeySigner,
) -> eyre::Result<()> {
    let provider = wallet_provider(url, operator.clone());
    let contracts = &deployment.contracts;
    fund_and_approve(
        &provider,
        deployment,
        operator.address(),
        contracts.node_staking,
        100_000,
    )
    .await?;
    let output = std::process::Command::new(sesh_e2e::node::registry_node_bin())
        .arg("sign-registration")
        .args(["--rpc-url", url])
        .arg("--deployment")
        .arg(&node.options.manifest)
        .arg("--data-dir")
        .arg(&node.options.data_dir)
        .args(["--operator", &operator.address().to_string()])
        .args(["--signer", &operator.address().to_string()])
        .output()?;
    eyre::ensure!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let proof: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    let staking = NodeStaking::new(contracts.node_staking, &provider);
    let requirement = staking.stakingRequirement().call().await?;
    let receipt = staking
        .createNode(INodeStaking::NodeRegistration {
            ed25519Key: proof["ed25519_key"].as_str().unwrap().parse()?,
            ed25519Signature: proof["ed25519_signature"].as_str().unwrap().parse()?,
            signer: operator.address(),
            url: node.url.clone(),
            feeBps: U256::from(500),
            operatorStake: requirement,
            reservations: vec![],
        })
        .send()
        .await?
        .get_receipt()
        .await?;
    eyre::ensure!(receipt.status(), "createNode reverted");
    Ok(())
}

#[tokio::test]
async fn lookups_go_through_three_agreeing_nodes_from_the_chain() -> eyre::Result<()> {
    let chain = sesh_e2e::deployed_chain();
    let deployment = chain.deployment.clone();
    let url = chain.anvil.endpoint();
    let keys = chain.anvil.keys().to_vec();
    let alice: PrivateKeySigner = keys[1].clone().into();
    let provider = wallet_provider(&url, alice.clone());
    fund_and_approve(
        &provider,
        &deployment,
        alice.address(),
        deployment.contracts.name_registry,
        1_000,
    )
    .await?;
    let session = SessionId::from_key(B256::repeat_byte(0xab)).unwrap();
    register(
        &provider,
        deployment.contracts.name_registry,
        "alice",
        alice.address(),
        session.key(),
        true,
    )
    .await?;

    let mut nodes: Vec<RegistryNode> = (0..3)
        .map(|_| RegistryNode::start(NodeOptions::new(&url, &deployment)))
        .collect();
    for (i, node) in nodes.iter().enumerate() {
        stake(&url, &deployment, node, keys[2 + i].clone().into()).await?;
    }
    let head = provider.get_block_number().await?;
    for node in &nodes {
        node.wait_indexed(head, Duration::from_secs(30)).await;
    }

    let home = SeshHome::new(&chain);
    let run = home.run(&["name", "lookup", "alice"], None).ok();
    assert!(
        run.stdout.contains("3 of 3 registry nodes agree"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(&session.to_string()), "{}", run.stdout);
    let json = home
        .run(&["name", "lookup", "alice", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(json["data"]["session_id"], session.to_string());
    assert_eq!(json["data"]["source"]["kind"], "registry-nodes");
    assert_eq!(json["data"]["source"]["agree"], 3);
    assert_eq!(json["data"]["source"]["keys_verified"], true);
    // --rpc still reads the chain.
    let rpc = home
        .run(&["name", "lookup", "alice", "--rpc", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(rpc["data"]["source"]["kind"], "rpc");

    let reverse = home
        .run(&["name", "reverse", &session.to_string(), "--json"], None)
        .ok()
        .envelope();
    assert_eq!(reverse["data"]["primary_name"], "alice");
    assert_eq!(reverse["data"]["source"]["agree"], 3);
    let listings = home.run(&["market", "listings"], None).ok();
    assert!(
        listings.stdout.contains("No names are listed")
            && listings.stdout.contains("3 of 3 registry nodes agree"),
        "{}",
        listings.stdout
    );

    // One node down: 2 agreeing nodes answer, with a warning.
    let killed = nodes.remove(1);
    let killed_url = killed.url.clone();
    killed.kill();
    let run = home.run(&["name", "lookup", "alice"], None).ok();
    assert!(
        run.stdout.contains("2 of 3 registry nodes agree"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains(&killed_url), "{}", run.stderr);
    assert!(run.stderr.contains("warning"), "{}", run.stderr);

    // A node of another chain deployment (where alice is not registered) disagrees.
    let other = sesh_e2e::deployed_chain();
    let stranger =
        RegistryNode::start(NodeOptions::new(&other.anvil.endpoint(), &other.deployment));
    stranger
        .wait_indexed(
            wallet_provider(&other.anvil.endpoint(), alice.clone())
                .get_block_number()
                .await?,
            Duration::from_secs(30),
        )
        .await;
    let run = home
        .run(
            &[
                "name",
                "lookup",
                "alice",
                "--registry",
                &nodes[0].url,
                "--registry",
                &stranger.url,
            ],
            None,
        )
        .failed();
    assert!(run.stderr.contains("disagree"), "{}", run.stderr);
    assert!(run.stderr.contains(&stranger.url), "{}", run.stderr);
    Ok(())
}
