//! Writes reach the whole swarm, as on Session's storage servers: a `delete` or `expire`
//! sent to one member is handed on to the others (`POST /v1/storage_forward`), so a message
//! deleted through one member is gone from every member, and the answer carries each
//! member's signed entry. A forward is taken only from an active node, with the MAC of the
//! key the two nodes share, and is carried out where it arrives alone; the header clients
//! could once set to keep a store on one node does nothing. Three staked nodes, one swarm.

use crate::storage_rpc::{rpc, rpc_raw, store};
use crate::swarm::{retrieve, store_on};
use alloy::signers::local::PrivateKeySigner;
use sesh_core::attestation::NodeSigner;
use sesh_core::storage_rpc::forward;
use sesh_core::storage_rpc::receipt::{delete_receipt_message, verify_receipt};
use sesh_core::storage_rpc::response::{
    AppliedExpiry, DeleteResponse, ExpireResponse, MemberResult, RetrievedMessage,
};
use sesh_core::storage_rpc::{
    Delete, Expire, ExpireMode, MessageHash, Request, StoreResponse, SubRequest, parse_response,
};
use sesh_e2e::node::RegistryNode;
use sesh_e2e::police::node_signer;
use sesh_e2e::storage::now_ms;
use sesh_e2e::swarm::staked_nodes;
use std::time::{Duration, Instant};

/// The hashes `node` holds for the owner of `seed`.
async fn held(node: &RegistryNode, seed: &[u8; 32]) -> Vec<MessageHash> {
    let messages = retrieve(node, seed).await.expect("a member answers");
    messages.into_iter().map(|m| m.hash).collect()
}

/// POSTs `body` to `node`'s `path` with `headers`: the status and the body.
async fn post(
    node: &RegistryNode,
    path: &str,
    headers: &[(&str, String)],
    body: &str,
) -> (u16, String) {
    let mut request = sesh_e2e::node::http()
        .post(format!("{}{path}", node.url))
        .header("content-type", "application/json")
        .body(body.to_owned());
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let response = request.send().await.expect("the node answers");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

/// Shortens the expiry of the owner of `seed`'s message `hash` to two minutes from now,
/// through `node`: the new expiry and the answer.
async fn shorten(
    node: &RegistryNode,
    seed: &[u8; 32],
    hash: &MessageHash,
) -> eyre::Result<(u64, ExpireResponse)> {
    let soon = now_ms() + 120_000;
    let answer = rpc!(
        node,
        SubRequest::Expire(Expire::signed(
            seed,
            vec![hash.clone()],
            vec![soon],
            ExpireMode::Shorten
        ))
    )?;
    Ok((soon, answer))
}

fn key_of(node: &RegistryNode) -> [u8; 32] {
    hex::decode(&node.node_key)
        .expect("hex")
        .try_into()
        .expect("32 bytes")
}

#[tokio::test]
async fn deletes_and_expiries_reach_every_member_and_only_nodes_forward() -> eyre::Result<()> {
    let chain = sesh_e2e::deployed_chain();
    let url = chain.anvil.endpoint();
    let keys = chain.anvil.keys().to_vec();
    let operators: Vec<PrivateKeySigner> = (2..5).map(|i| keys[i].clone().into()).collect();
    let nodes = staked_nodes(&url, &chain.deployment, &operators).await?;
    let owner = [0x61u8; 32];

    // Two messages stored through node 0, each kept by all 3.
    let (first, stored) = store_on(&nodes[0], &owner, b"first").await;
    assert_eq!(stored?.swarm.len(), 3);
    let (second, stored) = store_on(&nodes[0], &owner, b"second").await;
    assert_eq!(stored?.swarm.len(), 3);

    // Deleted through node 1: every member deleted it and signed for it, and it is gone
    // from every member.
    let delete = Delete::signed(&owner, vec![first.clone()]);
    let answer: DeleteResponse = rpc!(&nodes[1], SubRequest::Delete(delete.clone()))?;
    assert_eq!(answer.swarm.len(), 3, "{answer:?}");
    for node in &nodes {
        let MemberResult::Ok(member) = &answer.swarm[&node.node_key] else {
            panic!("{}: {answer:?}", node.node_key)
        };
        assert_eq!(member.deleted, std::slice::from_ref(&first));
        let signed = delete_receipt_message(&delete.pubkey, &delete.messages, &member.deleted);
        verify_receipt(&key_of(node), &signed, &member.signature.0)
            .expect("each member's receipt verifies");
        assert_eq!(
            held(node, &owner).await,
            std::slice::from_ref(&second),
            "{}",
            node.node_key
        );
    }
    // `required`: nothing left to delete on any member is 404.
    let again = Delete {
        required: true,
        ..Delete::signed(&owner, vec![first.clone()])
    };
    let (status, body) = rpc_raw(
        &nodes[2],
        Request::One(SubRequest::Delete(again))
            .to_json()
            .to_string(),
    )
    .await;
    assert_eq!(status, 404, "{}", String::from_utf8_lossy(&body));

    // A shorter expiry through node 2 moves the message on every member.
    let (soon, answer) = shorten(&nodes[2], &owner, &second).await?;
    assert_eq!(answer.swarm.len(), 3, "{answer:?}");
    for node in &nodes {
        let MemberResult::Ok(member) = &answer.swarm[&node.node_key] else {
            panic!("{}: {answer:?}", node.node_key)
        };
        assert_eq!(member.updated, std::slice::from_ref(&second));
        assert_eq!(member.expiry, AppliedExpiry::One(soon));
        let messages = retrieve(node, &owner).await?;
        assert_eq!(messages[0].expiration, soon, "{}", node.node_key);
    }

    // A forward is taken from an active node only, with the MAC of their link key, and is
    // carried out where it arrives alone.
    let SubRequest::Store(ref forwarded) = store(&owner, b"forwarded", 600_000) else {
        unreachable!()
    };
    let hash = forwarded.hash();
    let body = Request::One(SubRequest::Store(forwarded.clone()))
        .to_json()
        .to_string();
    let to = key_of(&nodes[0]);
    let member = node_signer(&nodes[1]);
    let headers = |from: &NodeSigner, time: u64, body: &str| {
        forward::headers(from, &to, time, body.as_bytes())
            .expect("a node key")
            .to_vec()
    };
    let (status, text) = post(&nodes[0], forward::PATH, &[], &body).await;
    assert_eq!(status, 401, "no headers: {text}");
    let stranger = NodeSigner::from_seed([0x77; 32]);
    let (status, text) = post(
        &nodes[0],
        forward::PATH,
        &headers(&stranger, now_ms(), &body),
        &body,
    )
    .await;
    assert_eq!(status, 403, "a key that is no active node's: {text}");
    let other = format!("{body} ");
    let (status, text) = post(
        &nodes[0],
        forward::PATH,
        &headers(&member, now_ms(), &other),
        &body,
    )
    .await;
    assert_eq!(status, 401, "a MAC over other bytes: {text}");
    let stale = now_ms() - 120_000;
    let (status, text) = post(
        &nodes[0],
        forward::PATH,
        &headers(&member, stale, &body),
        &body,
    )
    .await;
    assert_eq!(status, 406, "a clock two minutes off: {text}");
    assert!(!held(&nodes[0], &owner).await.contains(&hash));
    let (status, text) = post(
        &nodes[0],
        forward::PATH,
        &headers(&member, now_ms(), &body),
        &body,
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let answer: StoreResponse = parse_response(status, text.as_bytes())?;
    assert_eq!(answer.swarm.len(), 1, "handed on no further: {answer:?}");
    assert!(held(&nodes[0], &owner).await.contains(&hash));
    assert!(!held(&nodes[2], &owner).await.contains(&hash));

    // The header clients could once set to keep a store on one node is no forward.
    let body = Request::One(store(&owner, b"marked", 600_000))
        .to_json()
        .to_string();
    let (status, text) = post(
        &nodes[0],
        sesh_core::storage_rpc::PATH,
        &[("x-sesh-forwarded", "1".into())],
        &body,
    )
    .await;
    let answer: StoreResponse = parse_response(status, text.as_bytes())?;
    assert_eq!(answer.swarm.len(), 3, "{answer:?}");
    Ok(())
}

/// A member that was down when writes were forwarded to it catches up once it is back,
/// from the member that forwarded them, without waiting for a storage test or a change of
/// the active set: it is handed a store it missed, and a delete and an expiry change it
/// missed are sent to it again.
#[tokio::test]
async fn writes_a_member_missed_while_down_reach_it_when_it_is_back() -> eyre::Result<()> {
    let chain = sesh_e2e::deployed_chain();
    let url = chain.anvil.endpoint();
    let keys = chain.anvil.keys().to_vec();
    let operators: Vec<PrivateKeySigner> = (2..5).map(|i| keys[i].clone().into()).collect();
    let mut nodes = staked_nodes(&url, &chain.deployment, &operators).await?;
    let owner = [0x62u8; 32];
    // Each node's handover task looks at the active set every second: once it has seen
    // the set with all 3, nothing hands node 2 anything unless it missed a store.
    tokio::time::sleep(Duration::from_secs(3)).await;

    // Node 2 is down: the store through node 0 is kept by 2 members and fails for the third.
    let down = nodes.pop().expect("3 nodes");
    let (down_key, down_url) = (down.node_key.clone(), down.url.clone());
    let options = down.kill_keeping_url();
    let (hash, stored) = store_on(&nodes[0], &owner, b"while you were out").await;
    let stored = stored?;
    assert_eq!(stored.swarm.len(), 3, "{stored:?}");
    assert!(
        matches!(stored.swarm[&down_key], MemberResult::Failed(_)),
        "{stored:?}"
    );
    let failures = nodes[0].metric("registry_forward_failures_total").await;
    assert!(failures.is_some_and(|n| n >= 1), "{failures:?}");

    // Back at its registered URL, with its files: it is handed the message it missed.
    let back = RegistryNode::start(options);
    assert_eq!(back.url, down_url);
    eventually(&back, &owner, "handed the store it missed", |held| {
        held.iter().any(|m| m.hash == hash)
    })
    .await;

    // A second message, which all 3 keep; node 2 down again while the first is deleted and
    // the second's expiry shortened, through node 0.
    let (second, stored) = store_on(&nodes[0], &owner, b"kept, then shortened").await;
    let stored = stored?;
    assert!(
        matches!(stored.swarm[&down_key], MemberResult::Ok(_)),
        "{stored:?}"
    );
    let options = back.kill_keeping_url();
    let answer: DeleteResponse = rpc!(
        &nodes[0],
        SubRequest::Delete(Delete::signed(&owner, vec![hash.clone()]))
    )?;
    assert!(
        matches!(answer.swarm[&down_key], MemberResult::Failed(_)),
        "{answer:?}"
    );
    let (soon, answer) = shorten(&nodes[0], &owner, &second).await?;
    assert!(
        matches!(answer.swarm[&down_key], MemberResult::Failed(_)),
        "{answer:?}"
    );

    // Back again: both changes reach it.
    let back = RegistryNode::start(options);
    eventually(
        &back,
        &owner,
        "sent the delete and the expiry it missed",
        |held| {
            held.iter().all(|m| m.hash != hash)
                && held
                    .iter()
                    .any(|m| m.hash == second && m.expiration == soon)
        },
    )
    .await;
    // Node 0 counts both once it has read the member's answers (a retry after a timeout
    // may count one twice).
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let redelivered = nodes[0].metric("registry_writes_redelivered_total").await;
        if redelivered >= Some(2) {
            break;
        }
        assert!(Instant::now() < deadline, "{redelivered:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

/// Waits (up to a minute) until the messages `node` holds for the owner of `seed` pass
/// `done`.
async fn eventually(
    node: &RegistryNode,
    seed: &[u8; 32],
    what: &str,
    done: impl Fn(&[RetrievedMessage]) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let messages = retrieve(node, seed).await.expect("a member answers");
        if done(&messages) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the member that was down was never {what}: it holds {messages:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
