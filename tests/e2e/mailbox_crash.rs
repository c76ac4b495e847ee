//! A store answered through `/storage_rpc/v1` survives SIGKILL of the node (issue 18): the
//! mailbox makes each batch of stores durable by its write-ahead log, not by redb's commit,
//! so after a kill the node must apply the log again when it starts.

use sesh_core::envelope;
use sesh_core::storage_rpc::response::{MemberResult, RetrieveResponse};
use sesh_core::storage_rpc::{
    Namespace, Retrieve, Store, StoreResponse, SubRequest, UserPubkey, parse_response,
};
use sesh_e2e::node::{NodeOptions, RegistryNode};
use sesh_e2e::storage::{now_ms, send as rpc};
use std::collections::BTreeSet;

#[tokio::test]
async fn answered_stores_survive_sigkill() -> eyre::Result<()> {
    let chain = sesh_e2e::deployed_chain();
    let node = RegistryNode::start(NodeOptions::new(&chain.anvil.endpoint(), &chain.deployment));
    let seeds: Vec<[u8; 32]> = (0..4u8).map(|k| [40 + k; 32]).collect();

    // 96 concurrent stores to 4 mailboxes, each answered with the node's receipt.
    let stores = (0..96usize).map(|k| {
        let url = node.url.clone();
        let to = UserPubkey::from(&envelope::session_id_from_seed(&seeds[k % 4]));
        let data = format!("message {k} before the kill").into_bytes();
        tokio::spawn(async move {
            let store = Store::new(to, Namespace::DEFAULT, data, now_ms(), 600_000);
            rpc(&url, SubRequest::Store(store)).await
        })
    });
    let tasks: Vec<_> = stores.collect();
    let mut answered = BTreeSet::new();
    for task in tasks {
        let (status, body) = task.await?;
        let answer: StoreResponse = parse_response(status, &body)?;
        assert!(
            matches!(answer.swarm.get(&node.node_key), Some(MemberResult::Ok(_))),
            "{answer:?}"
        );
        answered.insert(answer.hash.expect("the hash at top level"));
    }
    assert_eq!(answered.len(), 96);

    // No shutdown, no flush: the stores since redb's last durable commit are in the log only.
    let node = RegistryNode::start(node.kill());
    let mut found = BTreeSet::new();
    for seed in &seeds {
        let read = Retrieve::signed(seed, Namespace::DEFAULT, now_ms(), None);
        let (status, body) = rpc(&node.url, SubRequest::Retrieve(read)).await;
        let page: RetrieveResponse = parse_response(status, &body)?;
        found.extend(page.messages.into_iter().map(|m| m.hash));
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    assert_eq!(
        found, answered,
        "every answered store is there after SIGKILL"
    );
    Ok(())
}
