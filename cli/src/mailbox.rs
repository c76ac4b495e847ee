//! The mailbox client: a Session ID's swarm (its 3 rendezvous nodes, or every
//! --registry URL), storing to all of them and reading from all that answer.
//!
//! A store counts when one node keeps the message (each node is told
//! separately; the message hash is the same everywhere, so a repeated store is
//! harmless). A read merges every node's answer by message hash, so one node
//! down, or one node that dropped a message, loses nothing.
//!
//! Messages stay on the nodes that took them, and a swarm changes with the
//! active set: so the wallet remembers the nodes its own mailbox's swarm had
//! (`swarms/<chain id>/<Session ID>.json` in its data folder) and, until the
//! longest TTL has passed since it last saw one there, also reads from and
//! deletes on those former members.

use crate::context::Context;
use crate::registry::{NodeTarget, Registry, join_all};
use eyre::bail;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sesh_core::SessionId;
use sesh_core::api::MAX_PREMIUM_TTL_MS;
use sesh_core::api::{
    DeleteRequest, DeleteResponse, ErrorBody, RetrieveRequest, RetrieveResponse, StoreRequest,
    StoreResponse, StoredMessage,
};
use sesh_core::envelope::{self, MessageHash};
use sesh_core::keys::SessionKeys;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// The nodes keeping one Session ID's mailbox.
#[derive(Debug)]
pub(crate) struct Swarm {
    /// Whose mailbox.
    pub(crate) session_id: SessionId,
    registry: Registry,
    /// Nodes that were in this swarm and may still hold messages (own mailbox only).
    former: Vec<NodeTarget>,
}

/// One node's outcome.
pub(crate) type NodeResult<T> = (NodeTarget, Result<T, String>);

/// Every message a read found, merged by hash, and what each node did.
#[derive(Debug, Default)]
pub(crate) struct Merged {
    /// By hash; with the latest store time any node reports (the conservative
    /// one for premium checks: one node cannot backdate a message).
    pub(crate) messages: BTreeMap<MessageHash, StoredMessage>,
    /// Per node: how many messages it returned, or why it failed.
    pub(crate) nodes: Vec<NodeResult<usize>>,
    /// The same for the swarm's former members (their failures are expected: they may
    /// have left the network).
    pub(crate) former: Vec<NodeResult<usize>>,
    /// Per node URL: the last hash it returned (for the next read).
    pub(crate) last_hashes: HashMap<String, MessageHash>,
}

/// The time now, ms since the Unix epoch.
pub(crate) fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

impl Swarm {
    /// The swarm of `session_id`: --registry URLs, else its 3 nodes of the active set.
    pub(crate) async fn discover(ctx: &Context<'_>, session_id: SessionId) -> eyre::Result<Self> {
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
            former: Vec::new(),
        })
    }

    /// The swarm of the wallet's own mailbox: as [`Swarm::discover`], plus the former members
    /// remembered in `data_dir` (when the set comes from the chain), which are remembered
    /// anew. Failing to remember is a warning: the read goes on.
    pub(crate) async fn discover_own(
        ctx: &Context<'_>,
        session_id: SessionId,
    ) -> eyre::Result<Self> {
        let mut swarm = Self::discover(ctx, session_id).await?;
        if swarm.registry.keys_verified() {
            let memory = SwarmMemory::new(&ctx.data_dir, ctx.network.chain_id(), &session_id);
            match memory.update(swarm.nodes(), now_ms()) {
                Ok(former) => swarm.former = former,
                Err(error) => ctx.out.warn(&format!(
                    "cannot remember this mailbox's swarm in {}: {error:#}",
                    memory.path.display()
                )),
            }
        }
        Ok(swarm)
    }

    /// The nodes, best first.
    pub(crate) fn nodes(&self) -> &[NodeTarget] {
        self.registry.nodes()
    }

    /// Stores `envelope` on every node of the swarm.
    pub(crate) async fn store(
        &self,
        envelope: &[u8],
        ttl_ms: u64,
    ) -> Vec<NodeResult<StoreResponse>> {
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
    pub(crate) async fn retrieve(
        &self,
        keys: &SessionKeys,
        since: &HashMap<String, MessageHash>,
    ) -> Merged {
        let path = format!("/v1/messages/{}/retrieve", self.session_id);
        let mut replies = self
            .each_with_former(|node| {
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
        let former = replies.split_off(self.nodes().len());
        let tagged = replies
            .into_iter()
            .map(|reply| (false, reply))
            .chain(former.into_iter().map(|reply| (true, reply)));
        for (is_former, (node, reply)) in tagged {
            let outcomes = if is_former {
                &mut merged.former
            } else {
                &mut merged.nodes
            };
            match reply {
                Ok((messages, last)) => {
                    if let Some(last) = last {
                        merged.last_hashes.insert(node.url.clone(), last);
                    }
                    outcomes.push((node, Ok(messages.len())));
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
                Err(error) => outcomes.push((node, Err(error))),
            }
        }
        merged
    }

    /// Deletes `hashes` on every node, former members included; returns the swarm's answers
    /// and the former members'.
    pub(crate) async fn delete(
        &self,
        keys: &SessionKeys,
        hashes: &[MessageHash],
    ) -> (
        Vec<NodeResult<DeleteResponse>>,
        Vec<NodeResult<DeleteResponse>>,
    ) {
        let path = format!("/v1/messages/{}/delete", self.session_id);
        let mut results = self
            .each_with_former(|node| {
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
            .await;
        let former = results.split_off(self.nodes().len());
        (results, former)
    }

    async fn each<'s, T, F, Fut>(&'s self, call: F) -> Vec<NodeResult<T>>
    where
        F: Fn(&'s NodeTarget) -> Fut,
        Fut: Future<Output = Result<T, String>>,
    {
        let results = join_all(self.nodes().iter().map(call)).await;
        self.nodes().iter().cloned().zip(results).collect()
    }

    /// As [`Swarm::each`] over the swarm, then its former members (in that order).
    async fn each_with_former<'s, T, F, Fut>(&'s self, call: F) -> Vec<NodeResult<T>>
    where
        F: Fn(&'s NodeTarget) -> Fut,
        Fut: Future<Output = Result<T, String>>,
    {
        let all: Vec<&NodeTarget> = self.nodes().iter().chain(&self.former).collect();
        let results = join_all(all.iter().map(|node| call(node))).await;
        all.into_iter().cloned().zip(results).collect()
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
            .map_err(|e| crate::context::describe_failure(&e.without_url(), &node.url))?;
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

/// The nodes one mailbox's swarm has had, in a JSON file of the wallet's data folder.
#[derive(Debug)]
struct SwarmMemory {
    path: PathBuf,
}

/// A remembered swarm member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
struct RememberedNode {
    #[serde(flatten)]
    node: NodeTarget,
    /// When it was last in the swarm (ms since the Unix epoch).
    last_seen_ms: u64,
}

impl SwarmMemory {
    fn new(data_dir: &Path, chain_id: u64, session_id: &SessionId) -> Self {
        Self {
            path: data_dir
                .join("swarms")
                .join(chain_id.to_string())
                .join(format!("{session_id}.json")),
        }
    }

    /// Records `current` as seen at `now_ms` and returns the former members: remembered, not
    /// in `current` (by URL), and seen within the longest TTL (a message stored on them
    /// after that has expired). A missing or unreadable file is an empty memory.
    fn update(&self, current: &[NodeTarget], now_ms: u64) -> eyre::Result<Vec<NodeTarget>> {
        let remembered: Vec<RememberedNode> = std::fs::read(&self.path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        let (kept, former) = remember(remembered, current, now_ms);
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let json = serde_json::to_vec_pretty(&kept)?;
        sesh_core::keystore::write_atomic(&self.path, &json, true)?;
        Ok(former)
    }
}

/// The memory after seeing `current` at `now_ms`, and the former members to read from.
fn remember(
    remembered: Vec<RememberedNode>,
    current: &[NodeTarget],
    now_ms: u64,
) -> (Vec<RememberedNode>, Vec<NodeTarget>) {
    let is_current = |url: &str| current.iter().any(|node| node.url == url);
    let former: Vec<RememberedNode> = remembered
        .into_iter()
        .filter(|seen| {
            !is_current(&seen.node.url)
                && seen.last_seen_ms.saturating_add(MAX_PREMIUM_TTL_MS) > now_ms
        })
        .collect();
    let targets = former.iter().map(|seen| seen.node.clone()).collect();
    let kept = current
        .iter()
        .map(|node| RememberedNode {
            node: node.clone(),
            last_seen_ms: now_ms,
        })
        .chain(former)
        .collect();
    (kept, targets)
}

/// "stored on 2 of 3 nodes" and the failures as warnings; fails when no node succeeded.
pub(crate) fn require_one<T>(
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

/// What one registry node did with a mailbox request, as the `msg` commands report it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct NodeReport {
    /// Its URL.
    pub(crate) url: String,
    /// Its on-chain id (`null` for a --registry URL).
    pub(crate) node_id: Option<u64>,
    /// Whether it did what was asked.
    pub(crate) ok: bool,
    /// Why not (`null` when it did).
    pub(crate) error: Option<String>,
}

impl NodeReport {
    /// The per-node outcomes of a request.
    pub(crate) fn all<T>(results: &[NodeResult<T>]) -> Vec<Self> {
        results
            .iter()
            .map(|(node, result)| Self {
                url: node.url.clone(),
                node_id: node.node_id,
                ok: result.is_ok(),
                error: result.as_ref().err().cloned(),
            })
            .collect()
    }

    /// A sample, for golden files: node `id` answered, or failed with `error`.
    #[cfg(test)]
    pub(crate) fn sample(id: u64, error: Option<&str>) -> Self {
        Self {
            url: format!("https://node{id}.example"),
            node_id: Some(id),
            ok: error.is_none(),
            error: error.map(str::to_string),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sesh_core::attestation::NodeKey;

    fn target(url: &str) -> NodeTarget {
        NodeTarget {
            url: url.into(),
            node_id: Some(1),
            key: Some(NodeKey([url.len() as u8; 32])),
        }
    }

    fn seen(url: &str, last_seen_ms: u64) -> RememberedNode {
        RememberedNode {
            node: target(url),
            last_seen_ms,
        }
    }

    #[test]
    fn former_members_are_read_until_the_longest_ttl_has_passed() {
        let now = 100 * MAX_PREMIUM_TTL_MS;
        let remembered = vec![
            seen("http://a", now - 1),
            seen("http://gone-long-ago", now - MAX_PREMIUM_TTL_MS),
            seen("http://left-recently", now - MAX_PREMIUM_TTL_MS + 1),
        ];
        let current = [target("http://a"), target("http://new")];
        let (kept, former) = remember(remembered, &current, now);
        let urls: Vec<&str> = former.iter().map(|n| n.url.as_str()).collect();
        assert_eq!(urls, ["http://left-recently"]);
        assert_eq!(
            kept,
            vec![
                seen("http://a", now),
                seen("http://new", now),
                seen("http://left-recently", now - MAX_PREMIUM_TTL_MS + 1),
            ]
        );
    }

    #[test]
    fn the_memory_is_a_file_that_survives_and_a_bad_one_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let id = sesh_core::envelope::session_id_from_seed(&[1; 32]);
        let memory = SwarmMemory::new(dir.path(), 31337, &id);
        assert!(
            memory
                .update(&[target("http://a")], 1_000)
                .unwrap()
                .is_empty()
        );
        let former = memory.update(&[target("http://b")], 2_000).unwrap();
        assert_eq!(former.len(), 1);
        assert_eq!(former[0].url, "http://a");
        assert_eq!(former[0].key, Some(NodeKey([8; 32])));
        std::fs::write(&memory.path, b"not json").unwrap();
        assert!(
            memory
                .update(&[target("http://b")], 3_000)
                .unwrap()
                .is_empty()
        );
    }
}
