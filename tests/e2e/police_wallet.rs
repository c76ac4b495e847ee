//! The wallet's side of policing (issue 20, docs/policing.md): on 6 real voting nodes, the
//! operator of a node that goes dark sees with `sesh stake nodes` and `sesh stake status`
//! that its peers find it failing, why, and the credit it has left; once the chain's clock
//! passes the credit, the vote and the deregistration. And a wallet whose lookup meets a
//! node signing a false answer reports it, and the node is voted out.

use alloy::primitives::{Address, B256, U256};
use sesh_core::bindings::NodeStaking;
use sesh_e2e::cli::SeshHome;
use sesh_e2e::node::{NodeTestbed, RegistryNode, wait_all_indexed};
use sesh_e2e::police::{
    advance, lying_proxy, node_id_of, node_signer, standing, voting, voting_network_of,
    wait_deregistered, wait_report,
};
use sesh_e2e::swarm::stake_node;
use std::time::{Duration, Instant};

/// anvil's words: `sesh wallet restore` makes dev key 0's account from them.
const ANVIL_WORDS: &str = "test test test test test test test test test test test junk";

/// Node `id` in a `sesh stake nodes --json` envelope.
fn listed(envelope: &serde_json::Value, id: u64) -> &serde_json::Value {
    envelope["data"]["nodes"]
        .as_array()
        .and_then(|nodes| nodes.iter().find(|n| n["id"] == id))
        .unwrap_or_else(|| panic!("node {id} not listed: {envelope:#}"))
}

#[tokio::test]
async fn a_dark_nodes_operator_sees_it_failing_per_its_peers_then_voted_out() -> eyre::Result<()> {
    let bed = NodeTestbed::new();
    // The last node is operated by dev key 0, the wallet's account.
    let (mut nodes, _) = voting_network_of(&bed, [2, 3, 4, 5, 6, 0]).await?;
    let staking = NodeStaking::new(bed.deployment.contracts.node_staking, &bed.provider);
    let wallet = SeshHome::new(&bed.chain);
    let words = wallet.path().join("words.txt");
    std::fs::write(&words, ANVIL_WORDS)?;
    wallet
        .run(
            &[
                "wallet",
                "restore",
                "--mnemonic-file",
                words.to_str().unwrap(),
            ],
            Some("pw"),
        )
        .ok();

    let dark = nodes.pop().expect("6 nodes");
    let dark_url = dark.url.clone();
    let dark_id = node_id_of(&nodes[0], &dark_url).await;
    let block = advance(&bed.provider, 600).await?;
    wait_all_indexed(&nodes, block, Duration::from_secs(30)).await;
    for node in &nodes {
        wait_report(node, "the operator's node healthy", |r| {
            standing(r, dark_id) == Some("healthy")
        })
        .await;
    }
    let listing = wallet
        .run(&["stake", "nodes", "--json", "--direct"], None)
        .ok()
        .envelope();
    let peers = &listed(&listing, dark_id)["peers"];
    let asked = listing["data"]["standings_from"].as_array().expect("asked");
    assert_eq!(asked.len(), 3, "{listing:#}");
    assert!(asked.iter().all(|w| w["answered"] == true), "{listing:#}");
    // A node does not test itself: if it is one of the 3 asked, 2 peers report.
    let dark_asked = asked.iter().any(|w| w["url"] == dark_url.as_str());
    let peers_asked = if dark_asked { 2 } else { 3 };
    assert_eq!(peers["tested_by"], peers_asked, "{listing:#}");
    assert_eq!(peers["healthy"], peers_asked, "{listing:#}");
    assert_eq!(peers["failing"], 0, "{listing:#}");
    assert!(peers["vote"].is_null(), "{listing:#}");

    dark.kill();
    let block = advance(&bed.provider, 600).await?;
    wait_all_indexed(&nodes, block, Duration::from_secs(30)).await;
    for node in &nodes {
        wait_report(node, "the operator's node failing", |r| {
            standing(r, dark_id) == Some("failing")
        })
        .await;
    }
    let listing = wallet
        .run(&["stake", "nodes", "--json", "--direct"], None)
        .ok()
        .envelope();
    let node = listed(&listing, dark_id);
    assert_eq!(node["state"], "active", "{listing:#}");
    let peers = &node["peers"];
    // The dark node may be one of the 3 asked: then it is a note, and the 2 others report.
    let asked = listing["data"]["standings_from"].as_array().expect("asked");
    let answered = asked.iter().filter(|w| w["answered"] == true).count();
    assert_eq!(answered, peers_asked, "{listing:#}");
    if dark_asked {
        let warnings = listing["warnings"].to_string();
        assert!(
            warnings.contains("did not say how its peers stand"),
            "{listing:#}"
        );
    }
    assert_eq!(peers["failing"], answered, "{listing:#}");
    assert_eq!(peers["tested_by"], answered, "{listing:#}");
    assert_eq!(peers["out_of_credit"], 0, "{listing:#}");
    assert!(
        peers["failure"]
            .as_str()
            .is_some_and(|f| f.starts_with("no answer")),
        "{listing:#}"
    );
    let credit = peers["credit_left_secs"].as_u64().expect("credit left");
    // 2 hours at activation, an outage of at most the 10 minutes moved on.
    assert!((6000..=7300).contains(&credit), "{listing:#}");
    assert!(peers["failing_since"].as_u64().is_some(), "{listing:#}");
    assert!(peers["vote"].is_null(), "{listing:#}");

    // The operator's own stake, in words, through onion paths (the default).
    let status = wallet.run(&["stake", "status"], None).ok();
    let line = status
        .stdout
        .lines()
        .find(|l| l.contains("failing since"))
        .unwrap_or_else(|| panic!("no peers' view: {}\n{}", status.stdout, status.stderr));
    assert!(
        line.contains("no answer") && line.contains("credit left"),
        "{line}"
    );

    // Past its credit: the peers vote; the wallet shows the vote or, once one node
    // submitted it, the deregistration.
    let block = advance(&bed.provider, 9000).await?;
    wait_all_indexed(&nodes, block, Duration::from_secs(30)).await;
    let deadline = Instant::now() + Duration::from_secs(120);
    let seen = loop {
        let listing = wallet
            .run(&["stake", "nodes", "--all", "--json", "--direct"], None)
            .ok()
            .envelope();
        let node = listed(&listing, dark_id);
        if !node["peers"]["vote"].is_null() {
            let vote = &node["peers"]["vote"];
            assert!(vote["voters"].as_u64() >= Some(1), "{listing:#}");
            assert!(
                vote["deadline"].as_u64() > Some(0) && vote["required_stake"].is_string(),
                "{listing:#}"
            );
            break "vote";
        }
        if node["state"] == "deregistered" {
            assert!(node["peers"].is_null(), "{listing:#}");
            break "deregistered";
        }
        assert!(Instant::now() < deadline, "no vote seen: {listing:#}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    eprintln!("the wallet saw the {seen}");
    wait_deregistered(&staking, dark_id, &nodes[0]).await?;
    let status = wallet
        .run(&["stake", "status", "--json", "--direct"], None)
        .ok()
        .envelope();
    let stake = status["data"]["stakes"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["node_id"] == dark_id))
        .unwrap_or_else(|| panic!("no stake in node {dark_id}: {status:#}"));
    assert_eq!(stake["state"], "deregistered", "{status:#}");
    assert!(stake["peers"].is_null(), "{status:#}");
    let unlock = staking
        .nodeInfo(U256::from(dark_id))
        .call()
        .await?
        .unlockTime;
    assert_eq!(stake["unlock_time"].as_u64(), Some(unlock.to::<u64>()));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wallet_reports_a_signed_false_lookup_and_the_liar_is_voted_out() -> eyre::Result<()> {
    let bed = NodeTestbed::funded(1_000).await?;
    let operators: Vec<_> = (2..5).map(|i| bed.dev_key(i)).collect();
    let mut nodes = RegistryNode::start_all(
        operators
            .iter()
            .map(|operator| voting(bed.node_options(), operator)),
    );
    // The third node is registered at a proxy that re-signs its lookups of "policed" with
    // another owner.
    let proxy = lying_proxy(
        nodes[2].url.clone(),
        node_signer(&nodes[2]),
        &bed.deployment,
        "policed",
        |answer| answer.owner = Address::repeat_byte(0x66),
    )
    .await;
    let real = std::mem::replace(&mut nodes[2].url, proxy.clone());
    for (node, operator) in nodes.iter().zip(&operators) {
        stake_node(&bed.url, &bed.deployment, node, operator.clone()).await?;
    }
    nodes[2].url = real;
    let block = bed
        .register("policed", B256::repeat_byte(0x07), true)
        .await?;
    wait_all_indexed(&nodes, block, Duration::from_secs(30)).await;
    let liar_id = node_id_of(&nodes[0], &proxy).await;
    let staking = NodeStaking::new(bed.deployment.contracts.node_staking, &bed.provider);

    // All 3 active nodes are asked; 2 agree, the third's signed answer differs: the lookup
    // fails as before, and the wallet reports the answer to the 2.
    let wallet = SeshHome::new(&bed.chain);
    let lookup = wallet
        .run(&["name", "lookup", "policed", "--direct", "--json"], None)
        .failed();
    let envelope = lookup.envelope();
    let errors = envelope["errors"].to_string();
    assert!(errors.contains("disagree"), "{envelope:#}");
    let warnings = envelope["warnings"].to_string();
    assert!(
        warnings.contains(&format!(
            "registry node {proxy} signed an answer the majority contradicts: reported it to 2 of 2 nodes as evidence"
        )) && warnings.matches("proven_false").count() == 2,
        "{envelope:#}"
    );
    // Each judge found it false against its own index and voted: the liar is out.
    wait_deregistered(&staking, liar_id, &nodes[0]).await?;
    for node in &nodes[..2] {
        let (_, report) = node.get("/v1/police").await;
        assert!(
            report["signed"].as_array().is_some_and(|v| v
                .iter()
                .any(|v| v["node_id"] == liar_id && v["reason"] == "false_answer")),
            "{report:#}"
        );
    }
    Ok(())
}
