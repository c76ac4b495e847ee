//! A member of a swarm exits, end to end, on 9 staked registry nodes (swarms of 7): its
//! operator asks for the exit with the real `sesh stake exit` (an operator holding the whole
//! stake may ask at once, `NodeStaking.requestExit`), the node leaves the active set, and the
//! next best node joins the account's swarm. The newcomer is handed the message and serves
//! it, as does every member of the new swarm; a fresh wallet of the recipient (restored from
//! its phrase) reads its message with `sesh msg inbox` from the newcomer alone and from the
//! current swarm; the node that left keeps answering retrieves (not stores) for the hour of
//! chain time `former_swarms::GRACE` gives it, and answers 421 with the new swarm once the
//! chain has moved past it.
//!
//! Nine nodes, not eight: with eight, the exit leaves seven active, no more than a swarm,
//! and then every node keeps every mailbox (`storage_rpc::placement`), the one that left too.

use crate::storage_rpc::{account, rpc, rpc_raw};
use crate::swarm::{by_key, inbox_texts, member_keys, retrieve, session_id, store_on};
use alloy::providers::{Provider, ProviderBuilder};
use alloy::signers::local::PrivateKeySigner;
use sesh_core::storage_rpc::response::SwarmInfo;
use sesh_core::storage_rpc::{Request, ResponseError, SubRequest, parse_response};
use sesh_core::swarm::SWARM_SIZE;
use sesh_e2e::cli::SeshHome;
use sesh_e2e::node::{RegistryNode, wait_all_indexed};
use sesh_e2e::police::{advance, node_id_of};
use sesh_e2e::swarm::{mailbox_swarm, staked_nodes, wallet_in_swarm_of};
use std::time::{Duration, Instant};

/// The phrase of anvil's accounts: restored, it is the wallet of account 0.
const ANVIL_PHRASE: &str = "test test test test test test test test test test test junk";

/// The keys of `nodes`' members of `seed`'s swarm, best first.
fn swarm_keys(nodes: &[&RegistryNode], seed: &[u8; 32]) -> Vec<String> {
    mailbox_swarm(nodes, &session_id(seed))
        .iter()
        .map(|n| n.node_key.clone())
        .collect()
}

/// Polls `done` every 200 ms until it holds, for at most 30 s.
async fn eventually<F: AsyncFnMut() -> bool>(what: &str, mut done: F) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done().await {
        assert!(Instant::now() < deadline, "{what}: not within 30 s");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn a_member_that_exits_hands_its_messages_over_and_answers_reads_for_an_hour()
-> eyre::Result<()> {
    let chain = sesh_e2e::deployed_chain();
    let deployment = chain.deployment.clone();
    let url = chain.anvil.endpoint();
    let keys = chain.anvil.keys().to_vec();
    let signer = |i: usize| -> PrivateKeySigner { keys[i].clone().into() };
    // The first node's operator is anvil's account 0, which a wallet restores from the
    // phrase above; the others, accounts 2 to 9.
    let operators: Vec<PrivateKeySigner> = [0].into_iter().chain(2..10).map(signer).collect();
    let nodes = staked_nodes(&url, &deployment, &operators).await?;
    let provider = ProviderBuilder::new()
        .connect_http(chain.anvil.endpoint_url())
        .erased();
    let leaver = &nodes[0];
    let nine: Vec<&RegistryNode> = nodes.iter().collect();
    let eight: Vec<&RegistryNode> = nodes[1..].iter().collect();

    // An account whose swarm the first node is in, and the node that replaces it there.
    let dave = (0u8..=255)
        .map(|b| [b; 32])
        .find(|seed| swarm_keys(&nine, seed).contains(&leaver.node_key))
        .expect("7 of 9 accounts have the first node in their swarm");
    let before = swarm_keys(&nine, &dave);
    let after = swarm_keys(&eight, &dave);
    let newcomers: Vec<&String> = after.iter().filter(|k| !before.contains(k)).collect();
    assert_eq!(newcomers.len(), 1, "{before:?} -> {after:?}");
    let newcomer = by_key(&nodes, newcomers[0]);
    let swarm: SwarmInfo = rpc!(&nodes[1], SubRequest::GetSwarm(account(&dave)))?;
    assert_eq!(
        member_keys(&swarm),
        before,
        "the nodes and the test place alike"
    );

    // A message stored on the swarm of 7, the leaver one of them.
    let store_at = by_key(&nodes, &before[1]);
    let (hash, stored) = store_on(store_at, &dave, b"before the exit").await;
    let receipts = stored?.verify_receipts(&hash);
    assert_eq!(receipts.len(), SWARM_SIZE);
    assert!(receipts.values().all(Result::is_ok), "{receipts:?}");
    let original = retrieve(leaver, &dave).await?;
    assert_eq!(original.len(), 1);
    assert!(matches!(
        retrieve(newcomer, &dave).await,
        Err(ResponseError::WrongSwarm(_))
    ));

    // A wallet whose swarm the leaver is in gets a message through `sesh msg send`.
    let alice = SeshHome::new(&chain);
    alice.new_wallet("alice", "a-pw");
    let (carol, carol_id) = wallet_in_swarm_of(&chain, &nine, leaver);
    let carol_newcomer = {
        let before: Vec<&RegistryNode> = mailbox_swarm(&nine, &carol_id);
        *mailbox_swarm(&eight, &carol_id)
            .iter()
            .find(|n| !before.iter().any(|b| b.node_key == n.node_key))
            .expect("a node replaces the leaver in the wallet's swarm")
    };
    let sent = alice
        .run(
            &[
                "msg",
                "send",
                &carol_id.to_string(),
                "hello carol",
                "--json",
            ],
            Some("a-pw"),
        )
        .ok()
        .envelope();
    assert_eq!(sent["data"]["stored"], SWARM_SIZE, "{sent}");

    // The operator's wallet asks for the exit.
    let operator = SeshHome::new(&chain);
    let phrase = operator.path().join("phrase.txt");
    std::fs::write(&phrase, ANVIL_PHRASE)?;
    let restored = operator
        .run(
            &[
                "wallet",
                "restore",
                "--name",
                "operator",
                "--mnemonic-file",
                phrase.to_str().expect("utf-8 path"),
                "--json",
            ],
            Some("o-pw"),
        )
        .ok()
        .envelope();
    assert_eq!(
        restored["data"]["evm_address"],
        operators[0].address().to_string()
    );
    let node_id = node_id_of(&nodes[1], &leaver.url).await;
    let exited = operator
        .run(
            &["stake", "exit", &node_id.to_string(), "--yes", "--json"],
            Some("o-pw"),
        )
        .ok()
        .envelope();
    assert_eq!(exited["data"]["node_id"], node_id, "{exited}");
    let head = provider.get_block_number().await?;
    wait_all_indexed(&nodes, head, Duration::from_secs(30)).await;
    let swarm: SwarmInfo = rpc!(&nodes[1], SubRequest::GetSwarm(account(&dave)))?;
    assert_eq!(member_keys(&swarm), after, "the leaver is out of the swarm");

    // The newcomer is handed the message, as first stored, and serves it; so does every
    // member of the new swarm.
    eventually("the message handed over to the newcomer", async || {
        retrieve(newcomer, &dave)
            .await
            .ok()
            .is_some_and(|m| !m.is_empty())
    })
    .await;
    assert_eq!(retrieve(newcomer, &dave).await?, original);
    for key in &after {
        assert_eq!(
            retrieve(by_key(&nodes, key), &dave).await?,
            original,
            "{key}"
        );
    }

    // A fresh wallet of the recipient, restored from its phrase, reads its message from
    // the node that joined its swarm alone, then from the swarm it finds on chain.
    let exported = carol
        .run(&["wallet", "export", "--yes", "--json"], Some("c-pw"))
        .ok()
        .envelope();
    let device = SeshHome::new(&chain);
    let words = device.path().join("words.txt");
    std::fs::write(
        &words,
        exported["data"]["mnemonic"].as_str().expect("a phrase"),
    )?;
    device
        .run(
            &[
                "wallet",
                "restore",
                "--name",
                "carol",
                "--mnemonic-file",
                words.to_str().expect("utf-8 path"),
            ],
            Some("c-pw"),
        )
        .ok();
    assert_eq!(device.session_id(), carol_id);
    let at_newcomer = ["--registry", carol_newcomer.url.as_str()];
    eventually(
        "the wallet's message handed over to the newcomer",
        async || inbox_texts(&device, &at_newcomer) == ["hello carol"],
    )
    .await;
    assert_eq!(inbox_texts(&device, &[]), ["hello carol"]);

    // The node that left answers reads, not stores, through the grace.
    assert_eq!(retrieve(leaver, &dave).await?, original);
    match store_on(leaver, &dave, b"to the node that left").await.1 {
        Err(ResponseError::WrongSwarm(right)) => assert_eq!(member_keys(&right), after),
        other => panic!("expected 421 with the new swarm: {other:?}"),
    }
    // The grace is chain time: 50 minutes on, it still answers...
    let head = advance(&provider, 3000).await?;
    leaver.wait_indexed(head, Duration::from_secs(30)).await;
    assert_eq!(retrieve(leaver, &dave).await?, original);
    // ...and past the hour it sends the client to the new swarm, which still serves it.
    let head = advance(&provider, 700).await?;
    leaver.wait_indexed(head, Duration::from_secs(30)).await;
    match retrieve(leaver, &dave).await {
        Err(ResponseError::WrongSwarm(right)) => assert_eq!(member_keys(&right), after),
        other => panic!("expected 421 with the new swarm after the grace: {other:?}"),
    }
    assert_eq!(retrieve(newcomer, &dave).await?, original);
    Ok(())
}
