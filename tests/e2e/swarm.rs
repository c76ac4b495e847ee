//! Swarms end to end, on one network of 8 staked registry nodes (then 9): a mailbox is kept
//! by a swarm of 7 (`sesh_core::swarm`), a store on one member lands on all 7 with a
//! verifying receipt from each, a node outside the swarm answers 421 with the 7; a staked
//! node joining moves an account's swarm and its messages are handed over, read from the
//! new member alone and from every member of the new swarm, while the member that left
//! still answers retrieves (not stores) for a while; with a member killed, the message is
//! read from the others and a store still gathers 6 receipts. Requests are built and signed
//! by `sesh_core::storage_rpc`, as a Session client makes them, where the test needs the
//! exact answers; a wallet's message goes through the real `sesh msg send` and is read with
//! `sesh msg inbox` from the new member alone after the handover. Last, the handover route
//! refuses a batch that is unsigned, signed over other bytes, or signed by no node.

use crate::storage_rpc::{account, rpc, rpc_raw, store};
use alloy::signers::local::PrivateKeySigner;
use sesh_core::SessionId;
use sesh_core::envelope;
use sesh_core::storage_rpc::receipt;
use sesh_core::storage_rpc::response::{RetrieveResponse, RetrievedMessage, SwarmInfo};
use sesh_core::storage_rpc::{
    MessageHash, Namespace, Request, ResponseError, Retrieve, StoreResponse, SubRequest,
    parse_response,
};
use sesh_core::swarm::SWARM_SIZE;
use sesh_e2e::cli::SeshHome;
use sesh_e2e::node::{NodeOptions, RegistryNode, wait_all_indexed, wallet_provider};
use sesh_e2e::storage::now_ms;
use sesh_e2e::swarm::{
    funded_operator, mailbox_swarm, stake_node, staked_nodes, wallet_in_swarm_of,
};
use std::time::{Duration, Instant};

/// The node of `nodes` with `key`.
pub(crate) fn by_key<'a>(nodes: &'a [RegistryNode], key: &str) -> &'a RegistryNode {
    nodes
        .iter()
        .find(|n| n.node_key == key)
        .unwrap_or_else(|| panic!("no node {key}"))
}

/// The messages `node` gives the owner of `seed` (namespace 0), or its refusal.
pub(crate) async fn retrieve(
    node: &RegistryNode,
    seed: &[u8; 32],
) -> Result<Vec<RetrievedMessage>, ResponseError> {
    let page: Result<RetrieveResponse, ResponseError> = rpc!(
        node,
        SubRequest::Retrieve(Retrieve::signed(seed, Namespace::DEFAULT, now_ms(), None))
    );
    page.map(|page| page.messages)
}

/// Stores `data` for `seed` through `node`: the hash and the answer.
pub(crate) async fn store_on(
    node: &RegistryNode,
    seed: &[u8; 32],
    data: &[u8],
) -> (MessageHash, Result<StoreResponse, ResponseError>) {
    let request = store(seed, data, 600_000);
    let SubRequest::Store(ref s) = request else {
        unreachable!()
    };
    let hash = s.hash();
    let (status, body) = rpc_raw(node, Request::One(request).to_json().to_string()).await;
    (hash, parse_response(status, &body))
}

/// The keys of `swarm`'s members.
pub(crate) fn member_keys(swarm: &SwarmInfo) -> Vec<String> {
    swarm
        .snodes
        .iter()
        .map(|s| s.pubkey_ed25519.clone())
        .collect()
}

pub(crate) fn session_id(seed: &[u8; 32]) -> SessionId {
    envelope::session_id_from_seed(seed)
}

/// The texts `sesh msg inbox` shows `home`'s wallet (`extra`: more arguments).
pub(crate) fn inbox_texts(home: &SeshHome, extra: &[&str]) -> Vec<String> {
    let inbox = home
        .run(
            &[&["msg", "inbox", "--json"][..], extra].concat(),
            Some("c-pw"),
        )
        .ok()
        .envelope();
    inbox["data"]["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| m["text"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn eight_nodes_keep_swarms_of_seven_hand_messages_over_and_survive_a_lost_member()
-> eyre::Result<()> {
    let chain = sesh_e2e::deployed_chain();
    let deployment = chain.deployment.clone();
    let url = chain.anvil.endpoint();
    let keys = chain.anvil.keys().to_vec();
    let signer = |i: usize| -> PrivateKeySigner { keys[i].clone().into() };
    let operators: Vec<PrivateKeySigner> = (2..10).map(signer).collect();
    let mut nodes = staked_nodes(&url, &deployment, &operators).await?;
    assert_eq!(nodes.len(), 8);
    // A ninth node, running but not staked yet: outside the active set.
    let ninth = RegistryNode::start(NodeOptions::new(&url, &deployment));
    let eight: Vec<&RegistryNode> = nodes.iter().collect();

    // (a) A store on one member lands on all 7, each receipt verifying; the node outside
    // the swarm answers 421 with the 7.
    let alice = [0x51u8; 32];
    let swarm: SwarmInfo = rpc!(&nodes[0], SubRequest::GetSwarm(account(&alice)))?;
    assert_eq!(swarm.snodes.len(), SWARM_SIZE, "{swarm:?}");
    let members = member_keys(&swarm);
    let expected: Vec<String> = mailbox_swarm(&eight, &session_id(&alice))
        .iter()
        .map(|n| n.node_key.clone())
        .collect();
    assert_eq!(members, expected, "the nodes and the tests place alike");
    let outsider = nodes
        .iter()
        .find(|n| !members.contains(&n.node_key))
        .expect("one of 8 nodes is outside a swarm of 7");
    match store_on(outsider, &alice, b"to the outsider").await.1 {
        Err(ResponseError::WrongSwarm(right)) => assert_eq!(right.snodes, swarm.snodes),
        other => panic!("expected 421 with the swarm: {other:?}"),
    }
    let (hash_a, stored) = store_on(by_key(&nodes, &members[3]), &alice, b"hello alice").await;
    let stored = stored?;
    let receipts = stored.verify_receipts(&hash_a);
    assert_eq!(receipts.len(), SWARM_SIZE, "{stored:?}");
    for (key, checked) in receipts {
        assert!(members.contains(&key), "{key} is not a member");
        checked.unwrap_or_else(|e| panic!("{key}: {e}"));
    }
    for key in &members {
        let messages = retrieve(by_key(&nodes, key), &alice).await?;
        assert_eq!(messages.len(), 1, "{key}: {messages:?}");
        assert_eq!(messages[0].hash, hash_a);
    }
    assert!(matches!(
        retrieve(outsider, &alice).await,
        Err(ResponseError::WrongSwarm(_))
    ));

    // (c) The active set changes under a stored message: an account whose swarm the ninth
    // node enters once staked.
    let nine: Vec<&RegistryNode> = nodes.iter().chain([&ninth]).collect();
    let bob = (0u8..=255)
        .map(|b| [b; 32])
        .find(|seed| mailbox_swarm(&nine, &session_id(seed))[0].node_key == ninth.node_key)
        .expect("some account has the ninth node first in its swarm");
    let before: Vec<String> = mailbox_swarm(&eight, &session_id(&bob))
        .iter()
        .map(|n| n.node_key.clone())
        .collect();
    let after: Vec<String> = mailbox_swarm(&nine, &session_id(&bob))
        .iter()
        .map(|n| n.node_key.clone())
        .collect();
    let leaver = before
        .iter()
        .find(|k| !after.contains(k))
        .expect("the ninth node pushes one member out")
        .clone();
    let (hash_b, stored) = store_on(by_key(&nodes, &before[0]), &bob, b"hello bob").await;
    let stored = stored?;
    assert!(
        stored.verify_receipts(&hash_b).values().all(Result::is_ok),
        "{stored:?}"
    );
    let original = retrieve(by_key(&nodes, &before[0]), &bob).await?;
    assert_eq!(original.len(), 1);
    // A wallet whose swarm the ninth node will enter gets a message through `sesh msg send`.
    let alice_home = SeshHome::new(&chain);
    alice_home.new_wallet("alice", "a-pw");
    let (carol_home, carol_id) = wallet_in_swarm_of(&chain, &nine, &ninth);
    let sent = alice_home
        .run(
            &[
                "msg",
                "send",
                &carol_id.to_string(),
                "before the ninth node",
                "--json",
            ],
            Some("a-pw"),
        )
        .ok()
        .envelope();
    assert_eq!(sent["data"]["stored"], SWARM_SIZE, "{sent}");

    let operator = funded_operator(&url, signer(1)).await?;
    stake_node(&url, &deployment, &ninth, operator.clone()).await?;
    let head = {
        use alloy::providers::Provider;
        wallet_provider(&url, operator).get_block_number().await?
    };
    wait_all_indexed(&nodes, head, Duration::from_secs(30)).await;
    ninth.wait_indexed(head, Duration::from_secs(30)).await;

    // The new member alone: the message is handed over, with its hash, timestamp and expiry.
    let deadline = Instant::now() + Duration::from_secs(30);
    let handed = loop {
        let messages = retrieve(&ninth, &bob).await?;
        if !messages.is_empty() {
            break messages;
        }
        assert!(
            Instant::now() < deadline,
            "the message was not handed over to the new member in 30 s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(handed, original);
    // The wallet reads its message from the new member alone.
    let at_ninth = ["--registry", ninth.url.as_str()];
    let deadline = Instant::now() + Duration::from_secs(30);
    while inbox_texts(&carol_home, &at_ninth) != ["before the ninth node"] {
        assert!(
            Instant::now() < deadline,
            "the wallet's message was not handed over to the new member in 30 s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    nodes.push(ninth);
    // The new member counts what it was handed.
    let received = nodes[8]
        .metric("registry_handover_messages_received_total")
        .await;
    assert!(received >= Some(2), "{received:?}");
    // The new swarm alone: every member of it has the message as first stored.
    let swarm_b: SwarmInfo = rpc!(&nodes[0], SubRequest::GetSwarm(account(&bob)))?;
    assert_eq!(member_keys(&swarm_b), after);
    for key in &after {
        assert_eq!(
            retrieve(by_key(&nodes, key), &bob).await?,
            original,
            "{key}"
        );
    }
    // The wallet finds the current swarm on chain and reads the message there.
    assert_eq!(inbox_texts(&carol_home, &[]), ["before the ninth node"]);
    // The member that left answers retrieves for a while, but stores go to the new swarm.
    let left = by_key(&nodes, &leaver);
    assert_eq!(retrieve(left, &bob).await?, original);
    match store_on(left, &bob, b"to the member that left").await.1 {
        Err(ResponseError::WrongSwarm(right)) => assert_eq!(member_keys(&right), after),
        other => panic!("expected 421 with the new swarm: {other:?}"),
    }

    // (b) One member of Alice's swarm killed: the message is still read from the others, and
    // a store gathers the receipts of the 6 that answer.
    let swarm_a: SwarmInfo = rpc!(&nodes[0], SubRequest::GetSwarm(account(&alice)))?;
    let members_a = member_keys(&swarm_a);
    assert_eq!(members_a.len(), SWARM_SIZE);
    let killed = members_a[1].clone();
    let index = nodes.iter().position(|n| n.node_key == killed).unwrap();
    nodes.remove(index).kill();
    for key in members_a.iter().filter(|k| **k != killed) {
        let messages = retrieve(by_key(&nodes, key), &alice).await?;
        assert_eq!(messages.len(), 1, "{key}: {messages:?}");
        assert_eq!(messages[0].hash, hash_a);
    }
    let (hash, stored) = store_on(by_key(&nodes, &members_a[0]), &alice, b"again").await;
    let stored = stored?;
    let receipts = stored.verify_receipts(&hash);
    assert_eq!(receipts.len(), SWARM_SIZE, "{stored:?}");
    let verified: Vec<&String> = receipts
        .iter()
        .filter(|(_, checked)| checked.is_ok())
        .map(|(key, _)| key)
        .collect();
    assert_eq!(verified.len(), SWARM_SIZE - 1, "{stored:?}");
    assert!(receipts[&killed].is_err(), "{stored:?}");

    // The handover route takes batches from nodes of the set only, signed over the body.
    let stranger = [0x77u8; 32];
    let body = serde_json::json!({
        "from": hex::encode(envelope::ed25519_public(&stranger)),
        "timestamp": now_ms(),
        "accounts": [],
    })
    .to_string();
    let signed = |seed: &[u8; 32], body: &str| {
        hex::encode(receipt::sign_receipt(
            seed,
            &[b"sesh-handover".as_slice(), body.as_bytes()].concat(),
        ))
    };
    let post = |signature: Option<String>, body: String| {
        let mut request = sesh_e2e::node::http()
            .post(format!("{}/v1/handover", nodes[0].url))
            .header("content-type", "application/json")
            .body(body);
        if let Some(signature) = signature {
            request = request.header("x-sesh-node-signature", signature);
        }
        request.send()
    };
    assert_eq!(post(None, body.clone()).await?.status().as_u16(), 401);
    let other_body = body.replace("\"accounts\":[]", "\"accounts\": []");
    assert_ne!(other_body, body);
    let answer = post(Some(signed(&stranger, &other_body)), body.clone()).await?;
    assert_eq!(
        answer.status().as_u16(),
        401,
        "a signature over another body"
    );
    let answer = post(Some(signed(&stranger, &body)), body).await?;
    assert_eq!(answer.status().as_u16(), 403, "a key that is no node's");
    Ok(())
}
