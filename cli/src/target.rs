//! A registry node the wallet reaches: the target of lookups, mailbox requests and onion
//! paths alike, and asking several of them at once.

use sesh_core::attestation::NodeKey;
use std::future::Future;
use std::task::Poll;

/// One node to ask.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct NodeTarget {
    /// Its base URL.
    pub(crate) url: String,
    /// Its on-chain id (when the set came from the chain).
    pub(crate) node_id: Option<u64>,
    /// Its key: registered on chain, or (explicit URLs) announced by the node.
    pub(crate) key: Option<NodeKey>,
}

/// Runs the futures concurrently; results in order.
pub(crate) async fn join_all<F: Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
    let mut pending: Vec<_> = futures.map(|f| Some(Box::pin(f))).collect();
    let mut outputs: Vec<Option<F::Output>> = pending.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut done = true;
        for (slot, output) in pending.iter_mut().zip(outputs.iter_mut()) {
            if let Some(future) = slot {
                match future.as_mut().poll(cx) {
                    Poll::Ready(value) => {
                        *output = Some(value);
                        *slot = None;
                    }
                    Poll::Pending => done = false,
                }
            }
        }
        if done { Poll::Ready(()) } else { Poll::Pending }
    })
    .await;
    outputs.into_iter().flatten().collect()
}
