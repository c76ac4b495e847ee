//! Session's storage protocol end to end: `POST /storage_rpc/v1` on real registry nodes,
//! with requests built and signed by `sesh_core::storage_rpc` (as a Session client makes
//! them) and answers read with its `parse_response`: store, retrieve, delete, info,
//! get_swarm, batch and sequence, each refusal with the storage server's status. Swarms
//! (421 from a node outside one, a store handed on to every member, handover) are in
//! `swarm.rs`, with these helpers.

use sesh_core::envelope;
use sesh_core::ons::NameHash;
use sesh_core::storage_rpc::receipt;
use sesh_core::storage_rpc::response::{
    AppliedExpiry, BatchResponse, DeleteAllResponse, DeleteResponse, Deleted, ExpireResponse,
    GetExpiriesResponse, InfoResponse, MemberResult, OxendResponse, RetrieveResponse,
};
use sesh_core::storage_rpc::{
    Delete, DeleteAll, Expire, ExpireMode, GetExpiries, Namespace, NamespaceSelector, OxendRequest,
    Request, Retrieve, Store, StoreResponse, SubRequest, UserPubkey, parse_response,
};
use sesh_e2e::node::{NodeTestbed, RegistryNode};
use sesh_e2e::storage::{self, now_ms};

/// POSTs `body` to `node`'s `/storage_rpc/v1`: the status and the raw body.
pub(crate) async fn rpc_raw(node: &RegistryNode, body: String) -> (u16, Vec<u8>) {
    storage::post(&node.url, body).await
}

/// Sends `request` and reads the answer as `parse_response` does (a macro: the answer's
/// type is the caller's, and this crate has no `serde` to name its bound).
macro_rules! rpc {
    ($node:expr, $request:expr) => {{
        let (status, body) = rpc_raw($node, Request::One($request).to_json().to_string()).await;
        parse_response(status, &body)
    }};
}
pub(crate) use rpc;

/// The status and text of a refused `request`.
async fn refused(node: &RegistryNode, request: SubRequest) -> (u16, String) {
    let (status, body) = rpc_raw(node, Request::One(request).to_json().to_string()).await;
    (status, String::from_utf8_lossy(&body).into_owned())
}

pub(crate) fn store(to: &[u8; 32], data: &[u8], ttl: u64) -> SubRequest {
    SubRequest::Store(Store::new(
        account(to),
        Namespace::DEFAULT,
        data.to_vec(),
        now_ms(),
        ttl,
    ))
}

pub(crate) fn account(seed: &[u8; 32]) -> UserPubkey {
    UserPubkey::from(&envelope::session_id_from_seed(seed))
}

#[tokio::test]
async fn a_node_stores_retrieves_and_deletes_through_the_storage_protocol() -> eyre::Result<()> {
    let bed = NodeTestbed::new();
    let node = bed.start_node();
    let bob = [0x42u8; 32];

    // info: the node's clock and version.
    let info: InfoResponse = rpc!(&node, SubRequest::Info)?;
    assert!(info.timestamp.abs_diff(now_ms()) < 5_000);

    // store: the answer carries this node's receipt, which verifies.
    let request = store(&bob, b"hello bob", 60_000);
    let SubRequest::Store(ref s) = request else {
        unreachable!()
    };
    let hash = s.hash();
    assert_eq!(hash.as_str().len(), 43);
    let stored: StoreResponse = rpc!(&node, request.clone())?;
    assert_eq!(stored.hash.as_ref(), Some(&hash));
    assert_eq!(stored.swarm.len(), 1);
    assert!(stored.swarm.contains_key(&node.node_key));
    for (member, checked) in stored.verify_receipts(&hash) {
        checked.unwrap_or_else(|e| panic!("{member}: {e}"));
    }
    // The same store again: already there.
    let again: StoreResponse = rpc!(&node, request)?;
    match &again.swarm[&node.node_key] {
        MemberResult::Ok(member) => assert_eq!(member.already, Some(true)),
        other => panic!("{other:?}"),
    }

    // retrieve, signed by the owner: the message under the storage server's hash.
    let retrieve =
        |last| SubRequest::Retrieve(Retrieve::signed(&bob, Namespace::DEFAULT, now_ms(), last));
    let page: RetrieveResponse = rpc!(&node, retrieve(None))?;
    assert_eq!(page.messages.len(), 1, "{page:?}");
    assert_eq!(page.messages[0].hash, hash);
    assert_eq!(page.messages[0].data.0, b"hello bob");
    assert!(!page.more);
    // After the last hash: nothing.
    let page: RetrieveResponse = rpc!(&node, retrieve(Some(hash.clone())))?;
    assert!(page.messages.is_empty());

    // A batch of several: two stores, a retrieve, info.
    let batch = Request::Batch(vec![
        store(&bob, b"two", 60_000),
        store(&bob, b"three", 60_000),
        retrieve(Some(hash.clone())),
        SubRequest::Info,
    ]);
    let (status, body) = rpc_raw(&node, batch.to_json().to_string()).await;
    let answer: BatchResponse = parse_response(status, &body)?;
    assert_eq!(
        answer.results.iter().map(|r| r.code).collect::<Vec<_>>(),
        [200, 200, 200, 200]
    );
    let page: RetrieveResponse = serde_json::from_value(answer.results[2].body.clone())?;
    assert_eq!(
        page.messages
            .iter()
            .map(|m| m.data.0.clone())
            .collect::<Vec<_>>(),
        [b"two".to_vec(), b"three".to_vec()]
    );
    // A sequence stops at its first refusal.
    let sequence = Request::Sequence(vec![store(&bob, b"too short", 1_000), SubRequest::Info]);
    let (status, body) = rpc_raw(&node, sequence.to_json().to_string()).await;
    let answer: BatchResponse = parse_response(status, &body)?;
    assert_eq!(answer.results.len(), 1);
    assert_eq!(answer.results[0].code, 403);

    // delete by the owner: the deleted hash, signed; gone from retrieve; a tombstone
    // keeps it from being stored again.
    let deleted: DeleteResponse = rpc!(
        &node,
        SubRequest::Delete(Delete::signed(&bob, vec![hash.clone()]))
    )?;
    match &deleted.swarm[&node.node_key] {
        MemberResult::Ok(member) => assert_eq!(member.deleted, std::slice::from_ref(&hash)),
        other => panic!("{other:?}"),
    }
    let page: RetrieveResponse = rpc!(&node, retrieve(None))?;
    assert!(page.messages.iter().all(|m| m.hash != hash), "{page:?}");
    assert_eq!(page.messages.len(), 2);
    let restored: StoreResponse = rpc!(&node, store(&bob, b"hello bob", 60_000))?;
    assert!(matches!(
        restored.swarm[&node.node_key],
        MemberResult::Failed(_)
    ));

    // Refusals, as the storage server gives them.
    // 403: a TTL under 10 s or over 14 days.
    assert_eq!(refused(&node, store(&bob, b"x", 5_000)).await.0, 403);
    assert_eq!(
        refused(&node, store(&bob, b"x", 15 * 24 * 3600 * 1000))
            .await
            .0,
        403
    );
    // 406: a retrieve signed more than 60 s away.
    let stale = SubRequest::Retrieve(Retrieve::signed(
        &bob,
        Namespace::DEFAULT,
        now_ms() - 120_000,
        None,
    ));
    assert_eq!(refused(&node, stale).await.0, 406);
    // 401: a retrieve signed by someone else for bob's account.
    let mut forged = Retrieve::signed(&[0x43; 32], Namespace::DEFAULT, now_ms(), None);
    forged.pubkey = account(&bob);
    let (status, text) = refused(&node, SubRequest::Retrieve(forged)).await;
    assert_eq!(status, 401, "{text}");
    // 401: a delete signed by someone else.
    let mut forged = Delete::signed(&[0x43; 32], vec![hash.clone()]);
    forged.pubkey = account(&bob);
    assert_eq!(refused(&node, SubRequest::Delete(forged)).await.0, 401);
    // 400: not a request, as plain text.
    let (status, body) = rpc_raw(&node, "{\"method\": \"store\"}".into()).await;
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&body));
    assert!(!body.is_empty());
    Ok(())
}

#[tokio::test]
async fn a_node_answers_expiries_delete_all_and_oxend_requests() -> eyre::Result<()> {
    let bed = NodeTestbed::new();
    let node = bed.start_node();
    let carol = [0x45u8; 32];
    let mut hashes = Vec::new();
    for data in [b"one".as_slice(), b"two", b"three"] {
        let stored: StoreResponse = rpc!(&node, store(&carol, data, 60_000))?;
        hashes.push(stored.hash.expect("the hash"));
    }

    // get_expiries: each known hash's expiry; an unknown one is left out.
    let unknown = "A".repeat(43);
    let mut asked: Vec<String> = hashes.iter().map(|h| h.as_str().to_owned()).collect();
    asked.push(unknown.clone());
    let expiries: GetExpiriesResponse = rpc!(
        &node,
        SubRequest::GetExpiries(GetExpiries::signed(&carol, asked, now_ms()))
    )?;
    assert_eq!(expiries.expiries.len(), 3, "{expiries:?}");
    assert!(!expiries.expiries.contains_key(&unknown));
    let in_a_minute = now_ms() + 60_000;
    assert!(
        expiries
            .expiries
            .values()
            .all(|e| e.abs_diff(in_a_minute) < 10_000)
    );

    // expire, shortening: the first message's expiry moves to 30 s from now; the others
    // asked with a later expiry stay (unchanged); the receipt verifies.
    let soon = now_ms() + 30_000;
    let answer: ExpireResponse = rpc!(
        &node,
        SubRequest::Expire(Expire::signed(
            &carol,
            vec![hashes[0].clone()],
            vec![soon],
            ExpireMode::Shorten
        ))
    )?;
    let MemberResult::Ok(member) = &answer.swarm[&node.node_key] else {
        panic!("{answer:?}")
    };
    assert_eq!(member.updated, std::slice::from_ref(&hashes[0]));
    assert_eq!(member.expiry, AppliedExpiry::One(soon));
    receipt::verify_receipt(
        &receipt::member_key(&node.node_key)?,
        &receipt::expire_receipt_message(
            &account(&carol),
            &[soon],
            std::slice::from_ref(&hashes[0]),
            std::slice::from_ref(&hashes[0]),
            member.unchanged.as_ref().unwrap(),
        ),
        &member.signature.0,
    )?;
    let extend_nothing: ExpireResponse = rpc!(
        &node,
        SubRequest::Expire(Expire::signed(
            &carol,
            vec![hashes[1].clone()],
            vec![now_ms() + 20_000],
            ExpireMode::Extend
        ))
    )?;
    let MemberResult::Ok(member) = &extend_nothing.swarm[&node.node_key] else {
        panic!("{extend_nothing:?}")
    };
    assert!(member.updated.is_empty());
    assert!(
        member
            .unchanged
            .as_ref()
            .unwrap()
            .contains_key(hashes[1].as_str())
    );
    let expiries: GetExpiriesResponse = rpc!(
        &node,
        SubRequest::GetExpiries(GetExpiries::signed(
            &carol,
            vec![hashes[0].as_str().to_owned()],
            now_ms()
        ))
    )?;
    assert_eq!(expiries.expiries[hashes[0].as_str()], soon);

    // delete_all of namespace 0: every hash, sorted, and a receipt over them.
    let timestamp = now_ms();
    let answer: DeleteAllResponse = rpc!(
        &node,
        SubRequest::DeleteAll(DeleteAll::signed(
            &carol,
            NamespaceSelector::One(Namespace::DEFAULT),
            timestamp
        ))
    )?;
    let mut sorted = hashes.clone();
    sorted.sort();
    let MemberResult::Ok(member) = &answer.swarm[&node.node_key] else {
        panic!("{answer:?}")
    };
    assert_eq!(member.deleted, Deleted::One(sorted.clone()));
    let key = receipt::member_key(&node.node_key)?;
    receipt::verify_receipt(
        &key,
        &receipt::delete_all_receipt_message(&account(&carol), timestamp, &sorted),
        &member.signature.0,
    )?;
    let page: RetrieveResponse = rpc!(
        &node,
        SubRequest::Retrieve(Retrieve::signed(&carol, Namespace::DEFAULT, now_ms(), None))
    )?;
    assert!(page.messages.is_empty());
    // The same signed delete_all again: a replay, 401.
    let (status, _) = refused(
        &node,
        SubRequest::DeleteAll(DeleteAll::signed(
            &carol,
            NamespaceSelector::One(Namespace::DEFAULT),
            timestamp,
        )),
    )
    .await;
    assert_eq!(status, 401);

    // oxend_request: the active node list (none: this node is not staked) and
    // ons_resolve of a name nobody registered ({}, as /json_rpc answers).
    let nodes: OxendResponse = rpc!(
        &node,
        SubRequest::OxendRequest(OxendRequest::service_nodes(Some(10)))
    )?;
    assert_eq!(nodes.result["service_node_states"], serde_json::json!([]));
    let ons: OxendResponse = rpc!(
        &node,
        SubRequest::OxendRequest(OxendRequest::ons_resolve(&NameHash::of("nobody")))
    )?;
    assert_eq!(ons.result, serde_json::json!({}));
    Ok(())
}

/// A store dated a day back is taken, as the storage server takes it, but kept with a time
/// at most a minute before it arrived (the time a recipient checks premium proofs against),
/// and with the expiry it asked for.
#[tokio::test]
async fn a_backdated_store_is_kept_at_most_a_minute_before_it_arrived() -> eyre::Result<()> {
    let bed = NodeTestbed::new();
    let node = bed.start_node();
    let erin = [0x46u8; 32];
    let day = 86_400_000;
    let sent = now_ms();
    let dated = sent - day;
    let backdated = Store::new(
        account(&erin),
        Namespace::DEFAULT,
        b"from yesterday".to_vec(),
        dated,
        2 * day,
    );
    let stored: StoreResponse = rpc!(&node, SubRequest::Store(backdated))?;
    let MemberResult::Ok(receipt) = &stored.swarm[&node.node_key] else {
        panic!("the store was refused: {stored:?}");
    };
    assert_eq!(receipt.expiry, dated + 2 * day);
    let page: RetrieveResponse = rpc!(
        &node,
        SubRequest::Retrieve(Retrieve::signed(&erin, Namespace::DEFAULT, now_ms(), None))
    )?;
    assert_eq!(page.messages.len(), 1);
    let kept = &page.messages[0];
    assert!(
        kept.timestamp >= sent - 60_000 && kept.timestamp <= now_ms(),
        "kept at {}, sent at {sent}",
        kept.timestamp
    );
    assert_eq!(kept.expiration, dated + 2 * day);
    Ok(())
}
