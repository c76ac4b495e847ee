//! The CLI against real registry nodes: it finds the active set on chain,
//! asks 3 nodes, checks their signatures against the keys staked on chain and
//! accepts an answer only when they agree.

use alloy::primitives::B256;
use alloy::providers::Provider;
use sesh_core::SessionId;
use sesh_e2e::cli::SeshHome;
use sesh_e2e::node::{NodeOptions, NodeTestbed, RegistryNode, wallet_provider};
use sesh_e2e::swarm::staked_nodes;
use std::time::Duration;

#[tokio::test]
async fn lookups_go_through_three_agreeing_nodes_from_the_chain() -> eyre::Result<()> {
    let bed = NodeTestbed::funded(1_000).await?;
    let (chain, alice) = (&bed.chain, &bed.alice);
    // Alice's name points at a Session ID that consents to it as its reverse name.
    let alice_session = sesh_core::keys::SessionKeys::from_seed(&[0xab; 32]);
    let session = alice_session.session_id();
    bed.register_consented("alice", &alice_session, 1).await?;

    // Three nodes, each staked by its own operator and indexed up to the head.
    let operators = [bed.dev_key(2), bed.dev_key(3), bed.dev_key(4)];
    let mut nodes = staked_nodes(&bed.url, &bed.deployment, &operators).await?;

    let home = SeshHome::new(chain);
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

    // A registration through the CLI waits for the nodes to index its block, so a lookup
    // right after it, through the nodes, sees the name.
    home.new_wallet("carol", "c-pw");
    home.run(&["faucet", "1000", "--yes"], Some("c-pw")).ok();
    let registered = home
        .run(
            &["name", "register", "carol", "--yes", "--json"],
            Some("c-pw"),
        )
        .ok()
        .envelope();
    assert_eq!(registered["data"]["indexed"], true, "{registered}");
    let run = home.run(&["name", "lookup", "carol"], None).ok();
    assert!(
        run.stdout.contains("carol: live") && run.stdout.contains("3 of 3 registry nodes agree"),
        "{}",
        run.stdout
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

/// The agreement rule (`sesh_core::agreement`): a strict majority of the nodes asked must
/// answer. One node of one answers: accepted, saying nothing was cross-checked. One of
/// two (the other down): refused, saying how to fix it, for lookups, the name a message
/// is sent to, and private (ONS) lookups alike.
#[tokio::test]
async fn one_of_one_node_is_accepted_unchecked_and_one_of_two_is_refused() -> eyre::Result<()> {
    let bed = NodeTestbed::funded(1_000).await?;
    let session = SessionId::from_key(B256::repeat_byte(0xab)).unwrap();
    let block = bed.register("alice", session.key(), true).await?;
    let node = bed.start_node();
    node.wait_indexed(block, Duration::from_secs(30)).await;
    let dead = "http://127.0.0.1:9";
    let home = SeshHome::new(&bed.chain);

    let run = home
        .run(&["name", "lookup", "alice", "--registry", &node.url], None)
        .ok();
    assert!(
        run.stdout.contains("1 of 1 registry nodes agree"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr
            .contains("only one registry node was asked, so nothing was cross-checked"),
        "{}",
        run.stderr
    );
    let json = home
        .run(
            &["name", "lookup", "alice", "--registry", &node.url, "--json"],
            None,
        )
        .ok()
        .envelope();
    assert_eq!(json["data"]["session_id"], session.to_string());
    assert!(
        json["warnings"]
            .to_string()
            .contains("nothing was cross-checked"),
        "{json}"
    );

    let two = ["--registry", dead, "--registry", &node.url];
    for command in [
        &["name", "lookup", "alice"][..],
        &["msg", "send", "alice", "hi"],
        &["name", "lookup", "alice", "--private"],
    ] {
        let run = home.run(&[command, &two[..]].concat(), None).failed();
        assert!(
            run.stderr
                .contains("only 1 of 2 registry nodes answered; 2 must answer and agree"),
            "{command:?}: {}",
            run.stderr
        );
        assert!(
            run.stderr
                .contains("drop the unreachable nodes from --registry"),
            "{command:?}: {}",
            run.stderr
        );
    }
    let json = home
        .run(
            &[&["name", "lookup", "alice", "--json"][..], &two[..]].concat(),
            None,
        )
        .failed()
        .envelope();
    assert_eq!(json["success"], false);
    assert!(json["errors"].to_string().contains("only 1 of 2"), "{json}");

    // The private lookup follows the same rule for one node of one.
    let run = home
        .run(
            &[
                "name",
                "lookup",
                "alice",
                "--private",
                "--registry",
                &node.url,
            ],
            None,
        )
        .ok();
    assert!(run.stdout.contains("1 of 1 agree"), "{}", run.stdout);
    assert!(
        run.stderr.contains("nothing was cross-checked"),
        "{}",
        run.stderr
    );
    Ok(())
}

/// One word for one state: at the same time (the nodes' indexed head is the chain's latest
/// block), `name lookup` through a registry node says what `--rpc` says — live, grace, premium,
/// available — though the node's own answer calls the last two `expired`.
#[tokio::test]
async fn the_nodes_and_the_chain_give_a_lapsing_name_the_same_state() -> eyre::Result<()> {
    use sesh_core::protocol::{DAY, GRACE_PERIOD, PREMIUM_DECAY_PERIOD, YEAR};
    let bed = NodeTestbed::funded(1_000).await?;
    let session = SessionId::from_key(B256::repeat_byte(0xab)).unwrap();
    bed.register("alice", session.key(), true).await?;
    let node = bed.start_node();
    let home = SeshHome::new(&bed.chain);
    // Registered for a year: then a year on, the grace period on, the premium's decay on.
    for (advance, word) in [
        (0, "live"),
        (YEAR, "grace"),
        (GRACE_PERIOD + DAY, "premium"),
        (PREMIUM_DECAY_PERIOD, "available"),
    ] {
        if advance > 0 {
            bed.provider
                .raw_request::<_, serde_json::Value>("evm_increaseTime".into(), (advance,))
                .await?;
            bed.provider
                .raw_request::<_, serde_json::Value>("evm_mine".into(), ())
                .await?;
        }
        node.wait_indexed(
            bed.provider.get_block_number().await?,
            Duration::from_secs(30),
        )
        .await;
        let nodes = home
            .run(
                &["name", "lookup", "alice", "--registry", &node.url, "--json"],
                None,
            )
            .ok()
            .envelope();
        let rpc = home
            .run(&["name", "lookup", "alice", "--rpc", "--json"], None)
            .ok()
            .envelope();
        assert_eq!(nodes["data"]["source"]["kind"], "registry-nodes");
        assert_eq!(
            nodes["data"]["chain_time"], rpc["data"]["chain_time"],
            "{nodes} {rpc}"
        );
        assert_eq!(nodes["data"]["state"], word, "{nodes}");
        assert_eq!(rpc["data"]["state"], word, "{rpc}");
        let text = home
            .run(&["name", "lookup", "alice", "--registry", &node.url], None)
            .ok()
            .stdout;
        let rpc_text = home
            .run(&["name", "lookup", "alice", "--rpc"], None)
            .ok()
            .stdout;
        assert_eq!(
            text.lines().next(),
            rpc_text.lines().next(),
            "the same words in text too"
        );
    }
    Ok(())
}
