//! The mailbox client, the wallet's only one: Session's storage protocol
//! (`POST /storage_rpc/v1`, [`sesh_core::storage_rpc`]) spoken to a Session ID's swarm, the
//! same to registry nodes as to Session's storage servers.
//!
//! - The swarm: the Session ID's members of the active set
//!   ([`sesh_core::swarm::mailbox_swarm`], keys from the chain), or every --registry URL.
//! - A store goes, as Session clients send it, to one member, which hands it on to the others
//!   and answers with each member's signed receipt. The wallet checks every receipt; when
//!   that member fails, or fewer than a majority of the swarm signed one, the same store goes
//!   to the next member that has not signed (the hash is the same, so no member keeps it
//!   twice), and every member that signed counts.
//! - A read asks up to [`READ_FROM`] members (Session reads from one) and merges their
//!   answers by hash, so one member that lost a message loses nothing; each member is paged
//!   with its own `last_hash` while it answers `more`.
//! - A delete goes to every member: the storage server deletes on the node asked only.
//! - A 421 names the account's swarm as the node sees it (its view of the active set may be
//!   newer): the request goes there, once per command.
//!
//! Members hand their messages over when the active set changes (the nodes' handover), so
//! the current swarm alone holds a mailbox: the wallet keeps no memory of former members.

use crate::context::Context;
use crate::target::{NodeTarget, join_all};
use eyre::{WrapErr, bail};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sesh_core::SessionId;
use sesh_core::agreement;
use sesh_core::api::IdentityResponse;
use sesh_core::attestation::NodeKey;
use sesh_core::keys::SessionKeys;
use sesh_core::storage_rpc::receipt::{delete_receipt_message, member_key, verify_receipt};
use sesh_core::storage_rpc::response::{
    DeleteResponse, MemberFailure, MemberResult, RetrieveResponse, RetrievedMessage, SwarmInfo,
};
use sesh_core::storage_rpc::{
    Delete, MessageHash, Namespace, Request, ResponseError, Retrieve, Store, StoreResponse,
    SubRequest, UserPubkey, parse_response,
};
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How many members a read asks (Session's clients read from one; more lets one member that
/// lost a message lose nothing).
pub(crate) const READ_FROM: usize = agreement::ASK;

/// The nodes keeping one Session ID's mailbox.
#[derive(Debug)]
pub(crate) struct Swarm {
    /// Whose mailbox.
    pub(crate) session_id: SessionId,
    /// The members, best first.
    members: Vec<NodeTarget>,
    /// Every node whose key is known (the active set, or the --registry URLs): a 421's
    /// members are looked up here, and with keys from the chain only their receipts count.
    known: Vec<NodeTarget>,
    /// Whether the keys come from the chain (else each --registry node announced its own).
    keys_verified: bool,
    /// How requests reach the members (onion paths unless --direct or --registry).
    transport: std::sync::Arc<crate::onion::Transport>,
}

/// Why one node did not do what was asked.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(crate) enum NodeError {
    /// No answer.
    #[error("cannot reach it: {0}")]
    Unreachable(String),
    /// 421: it does not keep this mailbox; the body names the swarm that does.
    #[error("it does not keep this mailbox (421) and names another swarm")]
    WrongSwarm(Box<SwarmInfo>),
    /// 406: the request's time is too far from the node's clock.
    #[error(
        "it refused the request's time (406: {0}): this computer's clock is more than 60 s off the node's; set the clock right (turn on network time)"
    )]
    ClockSkew(String),
    /// 401: the signature is missing, does not verify, or was used already.
    #[error("it refused the signature (401: {0})")]
    Unauthorized(String),
    /// 403: the TTL is out of bounds (14 days, or 30 for a premium recipient).
    #[error("it refused the message's lifetime (403: {0})")]
    Forbidden(String),
    /// 400: the request does not parse.
    #[error("it refused the request as malformed (400: {0})")]
    BadRequest(String),
    /// Another refusal.
    #[error("it refused with HTTP {status}: {text}")]
    Refused {
        /// The status code.
        status: u16,
        /// The node's text.
        text: String,
    },
    /// A 2xx answer that is not the method's JSON.
    #[error("its answer is not the storage protocol's: {0}")]
    Malformed(String),
    /// It answered, without its own signed receipt.
    #[error("it answered without a valid receipt of its own: {0}")]
    NoReceipt(String),
}

impl From<ResponseError> for NodeError {
    fn from(error: ResponseError) -> Self {
        match error {
            ResponseError::WrongSwarm(swarm) => Self::WrongSwarm(swarm),
            ResponseError::Malformed(text) => Self::Malformed(text),
            ResponseError::Refused { status, text } => {
                let text = text.trim().to_string();
                match status {
                    400 => Self::BadRequest(text),
                    401 => Self::Unauthorized(text),
                    403 => Self::Forbidden(text),
                    406 => Self::ClockSkew(text),
                    _ => Self::Refused { status, text },
                }
            }
        }
    }
}

/// One node's outcome.
pub(crate) type NodeResult<T> = (NodeTarget, Result<T, NodeError>);

/// Every message a read found, merged by hash, and what each node did.
#[derive(Debug, Default)]
pub(crate) struct Merged {
    /// By hash; with the latest store `timestamp` any node reports (the conservative one for
    /// premium checks: one node cannot backdate a message).
    pub(crate) messages: BTreeMap<MessageHash, RetrievedMessage>,
    /// Per node asked: how many messages it returned, or why it failed.
    pub(crate) nodes: Vec<NodeResult<usize>>,
    /// Per node URL: the last hash it returned (the next read's `last_hash` there).
    pub(crate) last_hashes: HashMap<String, MessageHash>,
}

/// What a store did.
#[derive(Debug)]
pub(crate) struct Stored {
    /// The message's hash (the storage server's).
    pub(crate) hash: MessageHash,
    /// When the members drop it (ms; the latest any receipt reports).
    pub(crate) expiry_ms: u64,
    /// How many members signed a receipt that verifies.
    pub(crate) receipts: usize,
    /// How many members the swarm has.
    pub(crate) swarm: usize,
    /// Per member (and any other node that answered): whether it stored the message.
    pub(crate) nodes: Vec<NodeReport>,
}

/// The time now, ms since the Unix epoch.
pub(crate) fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// A timestamp for a signed request: now, and never one handed out before. Ed25519 is
/// deterministic, so two retrieves signed in the same millisecond carry the same signature,
/// and a node's replay guard takes it once.
fn fresh_ms() -> u64 {
    static LAST: AtomicU64 = AtomicU64::new(0);
    let now = now_ms();
    let previous = LAST
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |last| {
            Some(now.max(last + 1))
        })
        .unwrap_or(0);
    now.max(previous + 1)
}

impl Swarm {
    /// The swarm of `session_id`: the --registry URLs (each asked for its key), else its
    /// members of the active set.
    pub(crate) async fn discover(ctx: &Context<'_>, session_id: SessionId) -> eyre::Result<Self> {
        let client = ctx.http_client(Duration::from_secs(3), Duration::from_secs(10))?;
        if !ctx.registries.is_empty() {
            let urls: Vec<String> = ctx
                .registries
                .iter()
                .map(|url| url.trim_end_matches('/').to_string())
                .collect();
            let keys = join_all(urls.iter().map(|url| announced_key(&client, url))).await;
            let nodes: Vec<NodeTarget> = urls
                .into_iter()
                .zip(keys)
                .map(|(url, key)| NodeTarget {
                    url,
                    node_id: None,
                    key,
                })
                .collect();
            return Ok(Self {
                session_id,
                members: nodes.clone(),
                known: nodes,
                keys_verified: false,
                transport: crate::registry::transport(ctx).await?,
            });
        }
        let no_nodes = "no registry node keeps mailboxes here: the active node set is empty or unreadable; pass --registry URL (or run `just up`)";
        let active = crate::registry::active_nodes(ctx)
            .await
            .wrap_err(no_nodes)?;
        if active.is_empty() {
            bail!("{no_nodes}");
        }
        let members = sesh_core::swarm::mailbox_swarm(active.clone(), &session_id, |n| n.key);
        Ok(Self {
            session_id,
            members,
            known: active,
            keys_verified: true,
            transport: crate::registry::transport(ctx).await?,
        })
    }

    /// The members, best first.
    pub(crate) fn nodes(&self) -> &[NodeTarget] {
        &self.members
    }

    /// `reports` with the onion path each node's answer came through.
    pub(crate) fn with_paths(&self, mut reports: Vec<NodeReport>) -> Vec<NodeReport> {
        for report in reports.iter_mut().filter(|r| r.ok) {
            report.path = report
                .url
                .as_deref()
                .and_then(|url| self.transport.path_to(url));
        }
        reports
    }

    /// Stores `data` for `ttl_ms` (see the module's doc): fails when no member signed a
    /// receipt, and warns when fewer than a majority of the swarm did.
    pub(crate) async fn store(
        &self,
        ctx: &Context<'_>,
        data: Vec<u8>,
        ttl_ms: u64,
    ) -> eyre::Result<Stored> {
        let store = Store::new(
            UserPubkey::from(&self.session_id),
            Namespace::DEFAULT,
            data,
            now_ms(),
            ttl_ms,
        );
        let hash = store.hash();
        let body = Request::One(SubRequest::Store(store)).to_json().to_string();
        let needed = agreement::needed(self.members.len());
        let mut queue: VecDeque<NodeTarget> = self.members.iter().cloned().collect();
        let mut redirected = false;
        let mut tried: Vec<NodeResult<()>> = Vec::new();
        // By member key (hex): the expiry its receipt reports, or why it has none.
        let mut receipts: BTreeMap<String, u64> = BTreeMap::new();
        let mut failures: BTreeMap<String, String> = BTreeMap::new();
        while receipts.len() < needed {
            let Some(node) = queue.pop_front() else { break };
            let signed = node
                .key
                .is_some_and(|key| receipts.contains_key(&key.to_string()));
            if signed || tried.iter().any(|(t, _)| t.url == node.url) {
                continue;
            }
            let outcome = match self.call::<StoreResponse>(&node, &body).await {
                Ok(answer) => {
                    for (member, entry) in &answer.swarm {
                        if self.keys_verified && !self.is_known(member) {
                            continue;
                        }
                        let checked = match entry {
                            MemberResult::Ok(signed) => {
                                sesh_core::storage_rpc::receipt::verify_store_member(
                                    member, signed, &hash,
                                )
                                .map(|()| signed.expiry)
                                .map_err(|e| format!("its receipt does not verify: {e}"))
                            }
                            MemberResult::Failed(failure) => Err(describe_member(failure)),
                        };
                        match checked {
                            Ok(expiry) => {
                                failures.remove(member);
                                receipts.insert(member.clone(), expiry);
                            }
                            Err(why) if !receipts.contains_key(member) => {
                                failures.insert(member.clone(), why);
                            }
                            Err(_) => {}
                        }
                    }
                    let own = node.key.map(|key| key.to_string());
                    match own {
                        Some(own) if !receipts.contains_key(&own) => Err(NodeError::NoReceipt(
                            failures
                                .get(&own)
                                .cloned()
                                .unwrap_or_else(|| "not in its answer".into()),
                        )),
                        _ => Ok(()),
                    }
                }
                Err(NodeError::WrongSwarm(info)) if !redirected => {
                    redirected = true;
                    queue = self.targets_of(&info, &node).into();
                    Err(NodeError::WrongSwarm(info))
                }
                Err(error) => Err(error),
            };
            tried.push((node, outcome));
        }
        let swarm = self.members.len();
        let mut nodes = store_reports(&self.members, &tried, &receipts, &failures);
        // Only the members asked answered through a path (the others signed receipts handed on).
        for report in &mut nodes {
            let asked = tried
                .iter()
                .any(|(node, r)| r.is_ok() && report.url.as_deref() == Some(node.url.as_str()));
            if asked {
                report.path = report
                    .url
                    .as_deref()
                    .and_then(|u| self.transport.path_to(u));
            }
        }
        if receipts.is_empty() {
            let detail: Vec<String> = tried
                .iter()
                .filter_map(|(node, r)| r.as_ref().err().map(|e| format!("{}: {e}", node.url)))
                .collect();
            bail!(
                "no registry node of the recipient's swarm stored the message:\n  {}",
                if detail.is_empty() {
                    "no node to ask".to_string()
                } else {
                    detail.join("\n  ")
                }
            );
        }
        for report in nodes.iter().filter(|r| !r.ok) {
            let who = report.url.as_deref().or(report.node_key.as_deref());
            ctx.out.warn(&format!(
                "registry node {}: {}",
                who.unwrap_or("?"),
                report.error.as_deref().unwrap_or("no receipt")
            ));
        }
        if receipts.len() < needed {
            ctx.out.warn(&format!(
                "only {} of the {swarm} members of the recipient's swarm signed a receipt ({needed} wanted); the message is kept, with fewer copies",
                receipts.len()
            ));
        }
        Ok(Stored {
            hash,
            expiry_ms: receipts.values().copied().max().unwrap_or_default(),
            receipts: receipts.len(),
            swarm,
            nodes,
        })
    }

    /// Reads the mailbox from up to [`READ_FROM`] members (a member that fails is replaced by
    /// the next), every page after each node's entry in `since`, each request signed with
    /// `keys`.
    pub(crate) async fn retrieve(
        &self,
        keys: &SessionKeys,
        since: &HashMap<String, MessageHash>,
    ) -> Merged {
        let seed = keys.ed25519_signing_key().to_bytes();
        let mut merged = Merged::default();
        let mut queue: VecDeque<NodeTarget> = self.members.iter().cloned().collect();
        let mut asked: HashSet<String> = HashSet::new();
        let mut redirected = false;
        let mut answered = 0;
        while answered < READ_FROM {
            let mut round = Vec::new();
            while round.len() < READ_FROM - answered {
                let Some(node) = queue.pop_front() else { break };
                if asked.insert(node.url.clone()) {
                    round.push(node);
                }
            }
            if round.is_empty() {
                break;
            }
            let replies = join_all(round.iter().map(|node| {
                let start = since.get(&node.url).cloned();
                self.read_node(node, &seed, start)
            }))
            .await;
            for (node, reply) in round.into_iter().zip(replies) {
                match reply {
                    Ok((messages, last)) => {
                        answered += 1;
                        if let Some(last) = last {
                            merged.last_hashes.insert(node.url.clone(), last);
                        }
                        merged.nodes.push((node, Ok(messages.len())));
                        for message in messages {
                            merged
                                .messages
                                .entry(message.hash.clone())
                                .and_modify(|kept| {
                                    kept.timestamp = kept.timestamp.max(message.timestamp)
                                })
                                .or_insert(message);
                        }
                    }
                    Err(NodeError::WrongSwarm(info)) => {
                        if !redirected {
                            redirected = true;
                            for target in self.targets_of(&info, &node).into_iter().rev() {
                                queue.push_front(target);
                            }
                        }
                        merged.nodes.push((node, Err(NodeError::WrongSwarm(info))));
                    }
                    Err(error) => merged.nodes.push((node, Err(error))),
                }
            }
        }
        merged
    }

    /// Every page of one node's mailbox after `start`: the messages and the last hash.
    async fn read_node(
        &self,
        node: &NodeTarget,
        seed: &[u8; 32],
        start: Option<MessageHash>,
    ) -> Result<(Vec<RetrievedMessage>, Option<MessageHash>), NodeError> {
        let mut last = start;
        let mut all = Vec::new();
        loop {
            let request = Retrieve::signed(seed, Namespace::DEFAULT, fresh_ms(), last.clone());
            let body = Request::One(SubRequest::Retrieve(request))
                .to_json()
                .to_string();
            let page: RetrieveResponse = self.call(node, &body).await?;
            let more = page.more && !page.messages.is_empty();
            if let Some(message) = page.messages.last() {
                last = Some(message.hash.clone());
            }
            all.extend(page.messages);
            if !more {
                return Ok((all, last));
            }
        }
    }

    /// Deletes `hashes` from the mailbox, as Session clients do: one member is asked, hands
    /// the delete on to the rest of the swarm and answers with each member's entry; the next
    /// member is asked only while some member has no checked receipt (after a 421, the
    /// members it names). Each member's answer is the hashes it deleted, its receipt checked
    /// against its key.
    pub(crate) async fn delete(
        &self,
        keys: &SessionKeys,
        hashes: &[MessageHash],
    ) -> Vec<NodeResult<Vec<MessageHash>>> {
        let seed = keys.ed25519_signing_key().to_bytes();
        let request = Delete::signed(&seed, hashes.to_vec());
        let body = Request::One(SubRequest::Delete(request.clone()))
            .to_json()
            .to_string();
        let mut queue: VecDeque<NodeTarget> = self.members.iter().cloned().collect();
        let mut redirected = false;
        let mut results: Vec<NodeResult<Vec<MessageHash>>> = Vec::new();
        let done = |results: &[NodeResult<Vec<MessageHash>>], node: &NodeTarget| {
            results.iter().any(|(t, r)| {
                r.is_ok() && (t.url == node.url || t.key.is_some() && t.key == node.key)
            })
        };
        while let Some(node) = queue.pop_front() {
            if done(&results, &node) || results.iter().any(|(t, _)| t.url == node.url) {
                continue;
            }
            let own = match self.call::<DeleteResponse>(&node, &body).await {
                Ok(answer) => {
                    let entries = self.deleted_by(&request, &answer);
                    let mut own = match node.key {
                        Some(_) => Err(NodeError::NoReceipt("not in its answer".into())),
                        // A node whose key is not known: its answer, whoever signed it.
                        None => entries
                            .iter()
                            .find_map(|(_, e)| e.clone().ok())
                            .ok_or_else(|| {
                                NodeError::NoReceipt("no member's receipt verifies".into())
                            }),
                    };
                    for (member, entry) in entries {
                        if node.key.is_some_and(|key| key.to_string() == member) {
                            own = entry;
                            continue;
                        }
                        // Another member's part, as the asked node gathered it.
                        let Some(target) = self.member_with_key(&member) else {
                            continue;
                        };
                        if entry.is_ok() && !done(&results, &target) {
                            results.retain(|(t, _)| t.url != target.url);
                            results.push((target, entry));
                        }
                    }
                    own
                }
                Err(NodeError::WrongSwarm(info)) if !redirected => {
                    redirected = true;
                    queue = self.targets_of(&info, &node).into();
                    Err(NodeError::WrongSwarm(info))
                }
                Err(error) => Err(error),
            };
            results.retain(|(t, _)| t.url != node.url);
            results.push((node, own));
            if self.members.iter().all(|member| done(&results, member)) {
                break;
            }
        }
        results
    }

    /// Each member's part of a delete answer: the hashes it deleted, its receipt (signed by
    /// the key the answer names it by) checked; with keys from the chain, only known nodes.
    fn deleted_by(
        &self,
        request: &Delete,
        answer: &DeleteResponse,
    ) -> Vec<(String, Result<Vec<MessageHash>, NodeError>)> {
        answer
            .swarm
            .iter()
            .filter(|(member, _)| !self.keys_verified || self.is_known(member))
            .map(|(member, entry)| {
                let checked = match entry {
                    MemberResult::Failed(failure) => {
                        Err(NodeError::NoReceipt(describe_member(failure)))
                    }
                    MemberResult::Ok(done) => member_key(member)
                        .map_err(|e| NodeError::Malformed(e.to_string()))
                        .and_then(|key| {
                            let message = delete_receipt_message(
                                &request.pubkey,
                                &request.messages,
                                &done.deleted,
                            );
                            verify_receipt(&key, &message, &done.signature.0).map_err(|_| {
                                NodeError::NoReceipt(format!(
                                    "the receipt of {member} does not verify"
                                ))
                            })
                        })
                        .map(|()| done.deleted.clone()),
                };
                (member.clone(), checked)
            })
            .collect()
    }

    /// The member (or else known node) whose key is `member` (hex).
    fn member_with_key(&self, member: &str) -> Option<NodeTarget> {
        self.members
            .iter()
            .chain(&self.known)
            .find(|node| node.key.is_some_and(|key| key.to_string() == member))
            .cloned()
    }

    /// POSTs a storage-protocol request; the answer as the method's type.
    async fn call<T: DeserializeOwned>(
        &self,
        node: &NodeTarget,
        body: &str,
    ) -> Result<T, NodeError> {
        let reply = self
            .transport
            .send(node, crate::onion::Request::StorageRpc(body))
            .await
            .map_err(|e| NodeError::Unreachable(e.to_string()))?;
        Ok(parse_response(reply.status, &reply.body)?)
    }

    /// Whether a member key (hex) is a known node's.
    fn is_known(&self, member: &str) -> bool {
        self.known
            .iter()
            .any(|node| node.key.is_some_and(|key| key.to_string() == member))
    }

    /// The nodes a 421 from `from` names: known nodes by key; with --registry URLs, also
    /// nodes known only from the answer (reached at its `ip` and `port_https`, with the
    /// scheme of `from`). With keys from the chain, a node outside the active set is not
    /// followed.
    fn targets_of(&self, info: &SwarmInfo, from: &NodeTarget) -> Vec<NodeTarget> {
        let scheme = from.url.split("://").next().unwrap_or("https");
        info.snodes
            .iter()
            .filter_map(|snode| {
                let key = snode.pubkey_ed25519.parse::<NodeKey>().ok();
                let known = self
                    .known
                    .iter()
                    .find(|node| key.is_some() && node.key == key);
                match known {
                    Some(node) => Some(node.clone()),
                    None if self.keys_verified => None,
                    None => Some(NodeTarget {
                        url: format!("{scheme}://{}:{}", host(&snode.ip), snode.port_https),
                        node_id: None,
                        key,
                    }),
                }
            })
            .collect()
    }
}

/// An IPv6 address in brackets, as URLs write it.
fn host(ip: &str) -> String {
    if ip.contains(':') {
        format!("[{ip}]")
    } else {
        ip.to_string()
    }
}

/// The key a --registry node announces (`/v1/identity`), to tell its receipt; `None` when
/// it does not answer.
async fn announced_key(client: &reqwest::Client, url: &str) -> Option<NodeKey> {
    let response = client.get(format!("{url}/v1/identity")).send().await.ok()?;
    let identity: IdentityResponse = response.json().await.ok()?;
    Some(identity.node_key)
}

/// A member's failure, in words.
fn describe_member(failure: &MemberFailure) -> String {
    if failure.timeout == Some(true) {
        return "it did not answer the member that handed the message on in time".into();
    }
    if failure.bad_peer_response == Some(true) {
        return "it answered the member that handed the message on with something unreadable"
            .into();
    }
    match (&failure.code, &failure.reason) {
        (Some(code), Some(reason)) => format!("it refused ({code}): {reason}"),
        (None, Some(reason)) => {
            format!("the member that handed the message on could not reach it: {reason}")
        }
        (Some(code), None) => format!("it refused ({code})"),
        (None, None) => "it failed".into(),
    }
}

/// The per-node report of a store: each member in swarm order, then any other node that
/// was asked or answered for (after a 421, or a member the wallet did not know).
fn store_reports(
    members: &[NodeTarget],
    tried: &[NodeResult<()>],
    receipts: &BTreeMap<String, u64>,
    failures: &BTreeMap<String, String>,
) -> Vec<NodeReport> {
    let mut reports = Vec::new();
    let mut keys_done: HashSet<String> = HashSet::new();
    let mut urls_done: HashSet<&str> = HashSet::new();
    let extra_tried = tried
        .iter()
        .map(|(node, _)| node)
        .filter(|node| members.iter().all(|m| m.url != node.url));
    for node in members.iter().chain(extra_tried) {
        let key = node.key.map(|k| k.to_string());
        let direct = tried
            .iter()
            .find(|(t, _)| t.url == node.url)
            .and_then(|(_, r)| r.as_ref().err());
        let stored = key.as_ref().is_some_and(|k| receipts.contains_key(k));
        let error = (!stored).then(|| {
            direct
                .map(ToString::to_string)
                .or_else(|| key.as_ref().and_then(|k| failures.get(k).cloned()))
                .unwrap_or_else(|| "no receipt: not asked, and no member handed it on".into())
        });
        if let Some(key) = &key {
            keys_done.insert(key.clone());
        }
        urls_done.insert(&node.url);
        reports.push(NodeReport {
            url: Some(node.url.clone()),
            node_id: node.node_id,
            node_key: key,
            ok: stored,
            error,
            path: None,
        });
    }
    let others = receipts
        .keys()
        .map(|k| (k, None))
        .chain(failures.iter().map(|(k, e)| (k, Some(e.clone()))));
    for (key, error) in others {
        if keys_done.insert(key.clone()) {
            reports.push(NodeReport {
                url: None,
                node_id: None,
                node_key: Some(key.clone()),
                ok: error.is_none(),
                error,
                path: None,
            });
        }
    }
    reports
}

/// "read from 2 of 3 nodes" and the failures as warnings; fails when no node succeeded.
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
    /// Its URL (`null` for a member known only by the receipt another member passed on).
    pub(crate) url: Option<String>,
    /// Its on-chain id (`null` for a --registry URL).
    pub(crate) node_id: Option<u64>,
    /// Its Ed25519 key, hex (`null` when unknown: a --registry node that did not say).
    pub(crate) node_key: Option<String>,
    /// Whether it did what was asked.
    pub(crate) ok: bool,
    /// Why not (`null` when it did).
    pub(crate) error: Option<String>,
    /// The onion path of its answer, guard first, this node last (`null`: asked directly,
    /// with --direct or --registry, or it did not answer).
    pub(crate) path: Option<Vec<crate::onion::PathHop>>,
}

impl NodeReport {
    /// The per-node outcomes of a request.
    pub(crate) fn all<T>(results: &[NodeResult<T>]) -> Vec<Self> {
        results
            .iter()
            .map(|(node, result)| Self {
                url: Some(node.url.clone()),
                node_id: node.node_id,
                node_key: node.key.map(|key| key.to_string()),
                ok: result.is_ok(),
                error: result.as_ref().err().map(ToString::to_string),
                path: None,
            })
            .collect()
    }

    /// A sample, for golden files: node `id` answered, or failed with `error`.
    #[cfg(test)]
    pub(crate) fn sample(id: u64, error: Option<&str>) -> Self {
        Self {
            url: Some(format!("https://node{id}.example")),
            node_id: Some(id),
            node_key: Some(hex::encode([id as u8; 32])),
            ok: error.is_none(),
            error: error.map(str::to_string),
            path: error
                .is_none()
                .then(|| crate::onion::PathHop::sample(id as u8)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(id: u8) -> NodeTarget {
        NodeTarget {
            url: format!("http://node{id}"),
            node_id: Some(u64::from(id)),
            key: Some(NodeKey([id; 32])),
        }
    }

    #[test]
    fn signed_requests_never_share_a_millisecond() {
        let stamps: Vec<u64> = (0..1_000).map(|_| fresh_ms()).collect();
        assert!(stamps.windows(2).all(|w| w[1] > w[0]), "{stamps:?}");
    }

    #[test]
    fn refusals_become_errors_in_words() {
        let error = |status, text: &str| {
            NodeError::from(ResponseError::Refused {
                status,
                text: text.into(),
            })
            .to_string()
        };
        assert!(
            error(406, "retrieve timestamp too far from current time")
                .contains("this computer's clock is more than 60 s off the node's")
        );
        assert_eq!(
            error(401, "retrieve signature verification failed\n"),
            "it refused the signature (401: retrieve signature verification failed)"
        );
        assert!(error(403, "Provided TTL is too long").contains("lifetime (403"));
        assert!(error(400, "invalid json").contains("malformed (400: invalid json)"));
        assert_eq!(
            error(429, "slow down"),
            "it refused with HTTP 429: slow down"
        );
    }

    #[test]
    fn member_failures_say_what_happened() {
        let timeout = MemberFailure {
            timeout: Some(true),
            ..MemberFailure::default()
        };
        assert!(describe_member(&timeout).contains("in time"));
        let refused = MemberFailure {
            code: Some(507.into()),
            reason: Some("the mailbox is full".into()),
            ..MemberFailure::default()
        };
        assert_eq!(
            describe_member(&refused),
            "it refused (507): the mailbox is full"
        );
    }

    #[test]
    fn a_store_report_lists_members_then_nodes_known_only_by_receipt() {
        let members = [target(1), target(2), target(3)];
        let tried = vec![
            (
                target(1),
                Err(NodeError::Unreachable("connection refused".into())),
            ),
            (target(2), Ok(())),
        ];
        let receipts: BTreeMap<String, u64> = [
            (NodeKey([2; 32]).to_string(), 5),
            (NodeKey([9; 32]).to_string(), 5),
        ]
        .into_iter()
        .collect();
        let failures: BTreeMap<String, String> = [(
            NodeKey([3; 32]).to_string(),
            "it refused (507): full".into(),
        )]
        .into_iter()
        .collect();
        let reports = store_reports(&members, &tried, &receipts, &failures);
        let summary: Vec<(Option<&str>, bool, Option<&str>)> = reports
            .iter()
            .map(|r| (r.url.as_deref(), r.ok, r.error.as_deref()))
            .collect();
        assert_eq!(
            summary,
            [
                (
                    Some("http://node1"),
                    false,
                    Some("cannot reach it: connection refused")
                ),
                (Some("http://node2"), true, None),
                (Some("http://node3"), false, Some("it refused (507): full")),
                (None, true, None),
            ]
        );
        assert_eq!(
            reports[3].node_key.as_deref(),
            Some(NodeKey([9; 32]).to_string().as_str())
        );
    }

    #[test]
    fn a_wrong_swarm_answer_is_followed_to_known_nodes_only_when_keys_are_verified() {
        use sesh_core::storage_rpc::response::{Meta, Snode};
        let snode = |key: &NodeKey, ip: &str, port: u16| Snode {
            address: String::new(),
            pubkey_legacy: key.to_string(),
            pubkey_x25519: key.to_string(),
            pubkey_ed25519: key.to_string(),
            port: port.to_string(),
            port_https: port,
            port_omq: 0,
            port_quic: 0,
            ip: ip.into(),
        };
        let info = SwarmInfo {
            snodes: vec![
                snode(&NodeKey([2; 32]), "10.0.0.2", 80),
                snode(&NodeKey([7; 32]), "::1", 8443),
            ],
            swarm: "00".into(),
            meta: Meta { t: 0, hf: [19, 3] },
        };
        let mut swarm = Swarm {
            session_id: sesh_core::envelope::session_id_from_seed(&[1; 32]),
            members: vec![target(1)],
            known: vec![target(1), target(2)],
            keys_verified: true,
            transport: std::sync::Arc::new(crate::onion::Transport::direct(reqwest::Client::new())),
        };
        let urls = |swarm: &Swarm| -> Vec<String> {
            swarm
                .targets_of(&info, &target(1))
                .into_iter()
                .map(|t| t.url)
                .collect()
        };
        assert_eq!(urls(&swarm), ["http://node2"]);
        swarm.keys_verified = false;
        assert_eq!(urls(&swarm), ["http://node2", "http://[::1]:8443"]);
    }
}
