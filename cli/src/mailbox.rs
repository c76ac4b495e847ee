//! The mailbox client: a Session ID's swarm (its 3 rendezvous nodes, or every
//! --registry URL), storing to all of them and reading from all that answer.
//!
//! A store counts when one node keeps the message (each node is told
//! separately; the message hash is the same everywhere, so a repeated store is
//! harmless). A read merges every node's answer by message hash, so one node
//! down, or one node that dropped a message, loses nothing.

use crate::context::Context;
use crate::registry::{NodeTarget, Registry, join_all};
use eyre::bail;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sesh_core::SessionId;
use sesh_core::api::{
    DeleteRequest, DeleteResponse, ErrorBody, RetrieveRequest, RetrieveResponse, StoreRequest,
    StoreResponse, StoredMessage,
};
use sesh_core::envelope::{self, MessageHash};
use sesh_core::keys::SessionKeys;
use std::collections::{BTreeMap, HashMap};

/// The nodes keeping one Session ID's mailbox.
#[derive(Debug)]
pub struct Swarm {
    /// Whose mailbox.
    pub session_id: SessionId,
    registry: Registry,
}

/// One node's outcome.
pub type NodeResult<T> = (NodeTarget, Result<T, String>);

/// Every message a read found, merged by hash, and what each node did.
#[derive(Debug, Default)]
pub struct Merged {
    /// By hash; with the latest store time any node reports (the conservative
    /// one for premium checks: one node cannot backdate a message).
    pub messages: BTreeMap<MessageHash, StoredMessage>,
    /// Per node: how many messages it returned, or why it failed.
    pub nodes: Vec<NodeResult<usize>>,
    /// Per node URL: the last hash it returned (for the next read).
    pub last_hashes: HashMap<String, MessageHash>,
}

/// The time now, ms since the Unix epoch.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

impl Swarm {
    /// The swarm of `session_id`: --registry URLs, else its 3 nodes of the active set.
    pub async fn discover(ctx: &Context<'_>, session_id: SessionId) -> eyre::Result<Self> {
        let subject = String::from_utf8(sesh_core::swarm::mailbox_subject(&session_id))
            .expect("hex is ASCII");
        let Some(registry) = Registry::discover(ctx, &subject).await? else {
            bail!(
                "no registry node keeps mailboxes here: the active node set is empty or unreadable; pass --registry URL (or run `just up`)"
            );
        };
        Ok(Self {
            session_id,
            registry,
        })
    }

    /// The nodes, best first.
    pub fn nodes(&self) -> &[NodeTarget] {
        self.registry.nodes()
    }

    /// Stores `envelope` on every node of the swarm.
    pub async fn store(&self, envelope: &[u8], ttl_ms: u64) -> Vec<NodeResult<StoreResponse>> {
        let request = StoreRequest {
            namespace: 0,
            ttl_ms,
            data: envelope.to_vec(),
        };
        let path = format!("/v1/messages/{}", self.session_id);
        self.each(|node| {
            let request = &request;
            let path = &path;
            async move { self.post(node, path, request).await }
        })
        .await
    }

    /// Reads the mailbox from every node (all pages after each node's entry in
    /// `since`), signing each request with `keys`.
    pub async fn retrieve(
        &self,
        keys: &SessionKeys,
        since: &HashMap<String, MessageHash>,
    ) -> Merged {
        let path = format!("/v1/messages/{}/retrieve", self.session_id);
        let replies = self
            .each(|node| {
                let path = &path;
                let start = since.get(&node.url).copied();
                async move {
                    let mut last = start;
                    let mut all = Vec::new();
                    let mut previous_ms = 0;
                    loop {
                        // Each page gets its own signature: the node accepts a signature once.
                        let timestamp_ms = now_ms().max(previous_ms + 1);
                        previous_ms = timestamp_ms;
                        let signature = envelope::sign_retrieve(
                            keys.ed25519_signing_key().as_bytes(),
                            0,
                            timestamp_ms,
                        );
                        let request = RetrieveRequest {
                            namespace: 0,
                            timestamp_ms,
                            ed25519_key: hex::encode(keys.ed25519_public().as_bytes()),
                            signature: hex::encode(signature),
                            last_hash: last,
                            limit: None,
                        };
                        let page: RetrieveResponse = self.post(node, path, &request).await?;
                        last = page.messages.last().map(|m| m.hash).or(last);
                        let more = page.more && !page.messages.is_empty();
                        all.extend(page.messages);
                        if !more {
                            return Ok((all, last));
                        }
                    }
                }
            })
            .await;
        let mut merged = Merged::default();
        for (node, reply) in replies {
            match reply {
                Ok((messages, last)) => {
                    if let Some(last) = last {
                        merged.last_hashes.insert(node.url.clone(), last);
                    }
                    merged.nodes.push((node, Ok(messages.len())));
                    for message in messages {
                        merged
                            .messages
                            .entry(message.hash)
                            .and_modify(|kept| {
                                kept.stored_ms = kept.stored_ms.max(message.stored_ms)
                            })
                            .or_insert(message);
                    }
                }
                Err(error) => merged.nodes.push((node, Err(error))),
            }
        }
        merged
    }

    /// Deletes `hashes` on every node.
    pub async fn delete(
        &self,
        keys: &SessionKeys,
        hashes: &[MessageHash],
    ) -> Vec<NodeResult<DeleteResponse>> {
        let path = format!("/v1/messages/{}/delete", self.session_id);
        self.each(|node| {
            let path = &path;
            async move {
                let timestamp_ms = now_ms();
                let request = DeleteRequest {
                    namespace: 0,
                    hashes: hashes.to_vec(),
                    timestamp_ms,
                    ed25519_key: hex::encode(keys.ed25519_public().as_bytes()),
                    signature: hex::encode(envelope::sign_delete(
                        keys.ed25519_signing_key().as_bytes(),
                        0,
                        timestamp_ms,
                        hashes,
                    )),
                };
                self.post(node, path, &request).await
            }
        })
        .await
    }

    async fn each<'s, T, F, Fut>(&'s self, call: F) -> Vec<NodeResult<T>>
    where
        F: Fn(&'s NodeTarget) -> Fut,
        Fut: Future<Output = Result<T, String>>,
    {
        let results = join_all(self.nodes().iter().map(call)).await;
        self.nodes().iter().cloned().zip(results).collect()
    }

    /// POSTs JSON; an error answer becomes its `detail` text.
    async fn post<B: Serialize, R: DeserializeOwned>(
        &self,
        node: &NodeTarget,
        path: &str,
        body: &B,
    ) -> Result<R, String> {
        let response = self
            .registry
            .client()
            .post(format!("{}{path}", node.url))
            .json(body)
            .send()
            .await
            .map_err(|e| e.without_url().to_string())?;
        let status = response.status();
        if !status.is_success() {
            let detail = response
                .json::<ErrorBody>()
                .await
                .ok()
                .and_then(|body| body.errors.into_iter().next())
                .map(|e| e.detail)
                .unwrap_or_else(|| "no error detail".into());
            return Err(format!("HTTP {}: {detail}", status.as_u16()));
        }
        response
            .json()
            .await
            .map_err(|e| format!("bad answer: {}", e.without_url()))
    }
}

/// "stored on 2 of 3 nodes" and the failures as warnings; fails when no node succeeded.
pub fn require_one<T>(
    ctx: &Context<'_>,
    what: &str,
    results: &[NodeResult<T>],
) -> eyre::Result<usize> {
    let ok = results.iter().filter(|(_, r)| r.is_ok()).count();
    let failures: Vec<String> = results
        .iter()
        .filter_map(|(node, r)| r.as_ref().err().map(|e| format!("{}: {e}", node.url)))
        .collect();
    if ok == 0 {
        let detail = if failures.is_empty() {
            "no node to ask".to_string()
        } else {
            failures.join("\n  ")
        };
        bail!("no registry node could {what}:\n  {detail}");
    }
    for failure in failures {
        ctx.out.warn(&format!("registry node {failure}"));
    }
    Ok(ok)
}

/// The per-node outcomes as JSON.
pub fn nodes_json<T>(results: &[NodeResult<T>]) -> serde_json::Value {
    results
        .iter()
        .map(|(node, result)| {
            serde_json::json!({
                "url": node.url,
                "node_id": node.node_id,
                "ok": result.is_ok(),
                "error": result.as_ref().err(),
            })
        })
        .collect()
}
