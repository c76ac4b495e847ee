//! Handover: when the active node set changes, the members of a swarm give the account's
//! messages to the nodes that joined it, so that a client reads everything from the current
//! swarm alone.
//!
//! [`hand_over_forever`] polls the active set (read once per index commit, so a poll is a
//! pointer's worth of work) every [`POLL`], and once at start-up. On each change it plans,
//! for every account this node holds messages of, which members of the account's swarm
//! under the new set were not members under the previous one ([`plan`]); after a restart
//! the previous set is unknown and every other member is sent everything (a duplicate is
//! answered `already`, and costs nothing more). Each peer has a queue of accounts; its
//! messages go in signed batches of at most [`MESSAGES_PER_REQUEST`] messages and
//! [`BYTES_PER_REQUEST`] bytes to `POST /v1/handover`, [`CONCURRENCY`] peers at a time; a
//! peer that fails or does not yet see itself as a member is tried again later, backing
//! off from 2 s to a minute (`peer_request::retry_wait`), until its accounts' messages expire or
//! it leaves the active set. The queues are in memory: after a restart the start-up plan
//! sends everything again. A member that did not take a store this node forwarded to it
//! has the account queued the same way
//! ([`MissedWrites`](crate::missed_writes::MissedWrites)), so that it catches up once it
//! answers again.
//!
//! The receiver ([`receive`]) takes a batch only from a known node: the body is signed with
//! the sender's Ed25519 node key over [`SIGNED_CONTEXT`] ‖ body, carries the sender's key and
//! a timestamp within ±60 s, and the sender must be an active node of the receiver's index
//! or one that left it (exited or deregistered) and whose stake is still locked. A replay
//! inside the window inserts nothing new: the insert of a message already held is
//! idempotent, and a deleted one is refused by its tombstone. Each message is inserted
//! with its first timestamp and expiry through the store's checks
//! (`Mailbox::insert_handed_over`), for accounts the receiver is a member of.
//!
//! A member that left an account's swarm keeps answering `retrieve` and `get_expiries` for
//! it for [`GRACE`](crate::former_swarms::GRACE) of chain time after the change
//! ([`FormerSwarms`](crate::former_swarms::FormerSwarms)), as long as it still holds messages
//! of it, so that a client that has not yet learnt the new swarm reads what it holds; stores
//! and deletes are refused with 421 (they go to the new swarm, where the messages now are).
//! An hour covers a client's swarm refresh many times over, while a former member's copy,
//! which takes no new messages and no deletes, is not served for longer than that. After the
//! grace the node keeps the messages until they expire (the pruner drops them then): they
//! cost only disk, and they are what a restart hands over again if the set changed while
//! the node was down.

use crate::app::AppState;
use crate::handlers::storage_rpc;
use crate::mailbox::handover::{HeldMessage, Inserted};
use crate::mailbox::{MailboxError, now_ms};
use crate::peer_request::{self, SIGNATURE_HEADER, SignatureRefusal};
use crate::status::{ActiveNode, sorted_keys};
use crate::store::StoreError;
use crate::store::tables::NODES;
use alloy::transports::http::reqwest;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use sesh_core::SessionId;
use sesh_core::attestation::NodeKey;
use sesh_core::protocol::NodeState;
use sesh_core::storage_rpc::response::Base64Bytes;
use sesh_core::storage_rpc::{MAX_MESSAGE_BODY, SIGNATURE_TOLERANCE_MS, TTL_MAXIMUM_PRIVATE_MS};
use sesh_core::swarm;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

/// The node-to-node route of handed-over messages.
pub(crate) const PATH: &str = "/v1/handover";

/// What the sender signs before the body, so that no other signature of a node key can
/// pass for a handover.
pub(crate) const SIGNED_CONTEXT: &[u8] = b"sesh-handover";

/// How often the active set is looked at.
const POLL: Duration = Duration::from_secs(1);

/// Most messages in one handover request.
const MESSAGES_PER_REQUEST: usize = 256;

/// Most message bytes in one request (one more message may pass it).
const BYTES_PER_REQUEST: usize = 1024 * 1024;

/// Most requests to one peer in one round, so that one peer's backlog does not hold up the
/// next look at the active set.
const REQUESTS_PER_ROUND: usize = 16;

/// Peers handed messages to at the same time.
const CONCURRENCY: usize = 4;

/// How long a peer has to answer one request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest request body: [`BYTES_PER_REQUEST`] and one more message, in base64, with
/// the JSON around each.
pub(crate) const MAX_BODY_BYTES: usize =
    (BYTES_PER_REQUEST + MAX_MESSAGE_BODY).div_ceil(3) * 4 + MESSAGES_PER_REQUEST * 256 + 4096;

/// A batch of handed-over messages (`POST /v1/handover`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct HandoverRequest {
    /// The sender's node key.
    pub from: NodeKey,
    /// When it was sent (ms since the Unix epoch).
    pub timestamp: u64,
    /// The messages, by account.
    pub accounts: Vec<HandoverAccount>,
}

/// One account's messages in a [`HandoverRequest`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct HandoverAccount {
    /// The account (`05…`).
    pub pubkey: SessionId,
    /// Its live messages.
    pub messages: Vec<HandoverMessage>,
}

/// One message as the first member stored it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct HandoverMessage {
    /// Its namespace.
    pub namespace: i16,
    /// When it was first stored (ms).
    pub timestamp: u64,
    /// When it expires (ms).
    pub expiration: u64,
    /// Its bytes.
    pub data: Base64Bytes,
}

/// The answer to a [`HandoverRequest`]: what became of its messages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct HandoverResponse {
    /// Inserted.
    pub stored: u64,
    /// Held already.
    pub already: u64,
    /// Refused by the rules: a tombstone, a quota, the node-wide bound, times or a size out
    /// of bounds.
    pub refused: u64,
    /// Expired before they arrived.
    pub expired: u64,
    /// Accounts this node does not keep (in its view of the active set): none of their
    /// messages were looked at; the sender tries again later.
    pub not_member: Vec<SessionId>,
}

/// Why a handover request is refused as a whole.
#[derive(Debug, thiserror::Error)]
pub(crate) enum HandoverRefusal {
    /// The signature or the clock does not hold.
    #[error(transparent)]
    Signature(#[from] SignatureRefusal),
    /// The body does not parse.
    #[error("the handover body does not parse: {0}")]
    Body(#[source] serde_json::Error),
    /// The sender is not a node this node knows as active or recently active.
    #[error(
        "{0} is not an active node, nor one that left the active set with its stake still locked"
    )]
    UnknownSender(NodeKey),
    /// The index or the mailbox failed.
    #[error("internal error")]
    Internal,
}

impl HandoverRefusal {
    fn status(&self) -> StatusCode {
        match self {
            Self::Signature(refusal) => refusal.status(),
            Self::Body(_) => StatusCode::BAD_REQUEST,
            Self::UnknownSender(_) => StatusCode::FORBIDDEN,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for HandoverRefusal {
    fn into_response(self) -> Response {
        (
            self.status(),
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            self.to_string(),
        )
            .into_response()
    }
}

/// Checks a node-signed request (`/v1/handover`, `/v1/storage_test`): its signature and
/// clock (`crate::peer_request::verify`), and that `from` is a node this node knows
/// ([`known_sender`]).
pub(crate) fn check_request(
    app: &AppState,
    headers: &HeaderMap,
    context: &[u8],
    body: &[u8],
    from: &NodeKey,
    timestamp: u64,
    now: u64,
) -> Result<(), HandoverRefusal> {
    peer_request::verify(headers, context, body, from, timestamp, now)?;
    if !known_sender(app, from, now / 1000).map_err(internal)? {
        return Err(HandoverRefusal::UnknownSender(*from));
    }
    Ok(())
}

/// `POST /v1/handover`: checks the sender, then inserts each message of each account this
/// node keeps.
pub(crate) async fn receive(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<axum::Json<HandoverResponse>, HandoverRefusal> {
    if !headers.contains_key(SIGNATURE_HEADER) {
        return Err(SignatureRefusal::Header.into());
    }
    let request: HandoverRequest = serde_json::from_slice(&body).map_err(HandoverRefusal::Body)?;
    let now = now_ms();
    check_request(
        &app,
        &headers,
        SIGNED_CONTEXT,
        &body,
        &request.from,
        request.timestamp,
        now,
    )?;
    let mut answer = HandoverResponse::default();
    for account in request.accounts {
        if !storage_rpc::keeps(&app, &account.pubkey).map_err(internal)? {
            answer.not_member.push(account.pubkey);
            continue;
        }
        for message in account.messages {
            let message = HeldMessage {
                namespace: message.namespace,
                timestamp_ms: message.timestamp,
                expiry_ms: message.expiration,
                data: message.data.0,
            };
            if !acceptable(&message, now) {
                answer.refused += 1;
                continue;
            }
            match app
                .mailbox
                .insert_handed_over(account.pubkey, message, now)
                .await
            {
                Ok(Inserted::Stored) => answer.stored += 1,
                Ok(Inserted::Duplicate) => answer.already += 1,
                Ok(Inserted::Expired) => answer.expired += 1,
                Err(error) if error.is_refusal() => answer.refused += 1,
                Err(error) => return Err(internal(error)),
            }
        }
    }
    app.metrics
        .handover_messages_received
        .fetch_add(answer.stored, Ordering::Relaxed);
    Ok(axum::Json(answer))
}

/// Whether a handed-over message is within the bounds a store would have had: its size, a
/// TTL of at most 30 days, and a first timestamp not in the future.
fn acceptable(message: &HeldMessage, now: u64) -> bool {
    message.data.len() <= MAX_MESSAGE_BODY
        && message.timestamp_ms <= now + SIGNATURE_TOLERANCE_MS
        && message.expiry_ms > message.timestamp_ms
        && message.expiry_ms - message.timestamp_ms <= TTL_MAXIMUM_PRIVATE_MS
}

/// Whether `key` is an active node of the index, or one that left the active set (exited
/// or deregistered) and whose stake is still locked at `now_secs`.
fn known_sender(app: &AppState, key: &NodeKey, now_secs: u64) -> Result<bool, StoreError> {
    Ok(app.store.read()?.scan(NODES)?.into_iter().any(|(_, node)| {
        node.ed25519_key.0 == key.0
            && node.key_proof_valid
            && match node.state {
                NodeState::Active => true,
                NodeState::Exited | NodeState::Deregistered => node.unlock_time > now_secs,
                NodeState::Open | NodeState::Cancelled => false,
            }
    }))
}

fn internal(error: impl std::fmt::Display) -> HandoverRefusal {
    tracing::warn!(%error, "handover failed");
    HandoverRefusal::Internal
}

/// For each peer (its key and URL), the accounts to hand it: for every account held, the
/// members of its swarm under `current` that were not members under `previous` (every other
/// member when `previous` is unknown), this node left out.
pub(crate) fn plan(
    accounts: &[SessionId],
    previous: Option<&[NodeKey]>,
    current: &[ActiveNode],
    me: &NodeKey,
) -> BTreeMap<NodeKey, (String, BTreeSet<SessionId>)> {
    let mut peers: BTreeMap<NodeKey, (String, BTreeSet<SessionId>)> = BTreeMap::new();
    for account in accounts {
        let members = swarm::mailbox_swarm(current.to_vec(), account, |(key, _)| Some(*key));
        let former =
            previous.map(|set| swarm::mailbox_swarm(set.to_vec(), account, |key| Some(*key)));
        for (key, url) in members {
            let new = former.as_ref().is_none_or(|former| !former.contains(&key));
            if key != *me && new {
                peers
                    .entry(key)
                    .or_insert_with(|| (url, BTreeSet::new()))
                    .1
                    .insert(*account);
            }
        }
    }
    peers
}

/// One peer's queue.
#[derive(Debug)]
struct Peer {
    url: String,
    accounts: BTreeSet<SessionId>,
    /// Where the account under way continues (its next page's key).
    resume: Option<(SessionId, Vec<u8>)>,
    failures: u32,
    next_try: Instant,
}

impl Peer {
    fn failed(&mut self, now: Instant) {
        self.failures = self.failures.saturating_add(1);
        self.next_try = now + peer_request::retry_wait(self.failures);
    }
}

/// A request's worth of one peer's queue.
#[derive(Debug, Default)]
struct Batch {
    accounts: Vec<HandoverAccount>,
    /// Accounts whose every live message is in this batch (or who have none left).
    done: Vec<SessionId>,
    resume: Option<(SessionId, Vec<u8>)>,
}

/// Takes the next batch of a peer's queue (`accounts`, the one under way continuing at
/// `resume`) from the mailbox.
fn next_batch(
    app: &AppState,
    accounts: &BTreeSet<SessionId>,
    resume: Option<&(SessionId, Vec<u8>)>,
    now: u64,
) -> Result<Batch, MailboxError> {
    const PAGE: usize = 32;
    let mut batch = Batch::default();
    let mut bytes = 0usize;
    let mut count = 0usize;
    let order = resume
        .map(|(account, _)| *account)
        .into_iter()
        .chain(
            accounts
                .iter()
                .copied()
                .filter(|account| resume.is_none_or(|(a, _)| a != account)),
        )
        .filter(|account| accounts.contains(account));
    for account in order {
        let mut from = resume
            .filter(|(a, _)| *a == account)
            .map(|(_, key)| key.clone());
        let mut messages = Vec::new();
        let mut full = false;
        loop {
            let room = MESSAGES_PER_REQUEST - count;
            if room == 0 || bytes >= BYTES_PER_REQUEST {
                // Nothing of this account sent yet: it stays queued and starts afresh.
                batch.resume = from.map(|key| (account, key));
                full = true;
                break;
            }
            let page = app
                .mailbox
                .held_messages(&account, from.as_deref(), room.min(PAGE), now)?;
            for message in page.messages {
                count += 1;
                bytes += message.data.len();
                messages.push(HandoverMessage {
                    namespace: message.namespace,
                    timestamp: message.timestamp_ms,
                    expiration: message.expiry_ms,
                    data: Base64Bytes(message.data),
                });
            }
            match page.next {
                Some(next) => from = Some(next),
                None => {
                    batch.done.push(account);
                    break;
                }
            }
        }
        if !messages.is_empty() {
            batch.accounts.push(HandoverAccount {
                pubkey: account,
                messages,
            });
        }
        if full {
            break;
        }
    }
    Ok(batch)
}

/// Why a request to a peer failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SendError {
    /// The messages could not be read.
    #[error("reading the messages: {0}")]
    Mailbox(#[from] MailboxError),
    /// The thread reading them failed.
    #[error("reading the messages: {0}")]
    Task(#[from] tokio::task::JoinError),
    /// No answer.
    #[error("the request failed: {0}")]
    Http(#[from] reqwest::Error),
    /// An answer other than 200.
    #[error("the peer answered {status}: {body}")]
    Refused { status: u16, body: String },
}

/// Signs and posts one batch.
async fn send(app: &AppState, url: &str, batch: &Batch) -> Result<HandoverResponse, SendError> {
    let request = HandoverRequest {
        from: app.node_key(),
        timestamp: now_ms(),
        accounts: batch.accounts.clone(),
    };
    let body = serde_json::to_vec(&request).unwrap_or_default();
    let signature = peer_request::sign(&app.signer, SIGNED_CONTEXT, &body);
    let response = peer_request::client()
        .post(format!("{}{PATH}", url.trim_end_matches('/')))
        .timeout(REQUEST_TIMEOUT)
        .header(header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, signature)
        .body(body)
        .send()
        .await?;
    let status = response.status().as_u16();
    if status != 200 {
        let body = response.text().await.unwrap_or_default();
        return Err(SendError::Refused { status, body });
    }
    Ok(response.json().await?)
}

/// Hands `account`'s live messages to the member of its swarm at `url`, at once, in as
/// many requests as they take (each up to [`MESSAGES_PER_REQUEST`], about
/// [`BYTES_PER_REQUEST`]; at most [`REPAIR_REQUESTS`]): a storage test found that member
/// without one of them (it missed stores while it restarted, or lost its files), and the
/// swarm's copies are made whole again rather than the member failing its tests until they
/// expire. The receiver keeps what it lacks and skips what it holds (and what it holds a
/// tombstone of). Answers how many messages were sent.
pub(crate) async fn hand_account(
    app: &AppState,
    url: &str,
    account: SessionId,
) -> Result<usize, SendError> {
    let accounts = BTreeSet::from([account]);
    let mut resume = None;
    let mut sent = 0;
    for _ in 0..REPAIR_REQUESTS {
        let now = now_ms();
        let batch = {
            let (app, accounts, from) = (app.clone(), accounts.clone(), resume.clone());
            tokio::task::spawn_blocking(move || next_batch(&app, &accounts, from.as_ref(), now))
                .await??
        };
        let count: usize = batch.accounts.iter().map(|a| a.messages.len()).sum();
        if count > 0 {
            send(app, url, &batch).await?;
            app.metrics
                .handover_messages_sent
                .fetch_add(count as u64, Ordering::Relaxed);
            sent += count;
        }
        match batch.resume {
            Some(next) if batch.done.is_empty() => resume = Some(next),
            _ => break,
        }
    }
    Ok(sent)
}

/// The most requests one repair ([`hand_account`]) makes.
const REPAIR_REQUESTS: usize = 16;

/// Works through one peer's queue: up to [`REQUESTS_PER_ROUND`] requests, stopping at the
/// first failure (the peer then waits its back-off).
async fn serve_peer(app: &AppState, key: NodeKey, peer: &mut Peer) {
    for _ in 0..REQUESTS_PER_ROUND {
        if peer.accounts.is_empty() {
            return;
        }
        let now = now_ms();
        let batch = {
            let (app, accounts, resume) = (app.clone(), peer.accounts.clone(), peer.resume.clone());
            tokio::task::spawn_blocking(move || next_batch(&app, &accounts, resume.as_ref(), now))
                .await
        };
        let batch = match batch {
            Ok(Ok(batch)) => batch,
            Ok(Err(error)) => {
                tracing::warn!(%error, "cannot read messages to hand over");
                peer.failed(Instant::now());
                return;
            }
            Err(error) => {
                tracing::error!(%error, "reading messages to hand over panicked");
                peer.failed(Instant::now());
                return;
            }
        };
        let answer = if batch.accounts.is_empty() {
            Ok(HandoverResponse::default())
        } else {
            send(app, &peer.url, &batch).await
        };
        match answer {
            Ok(answer) => {
                let metrics = &app.metrics;
                let refused: BTreeSet<SessionId> = answer.not_member.iter().copied().collect();
                let sent = batch
                    .accounts
                    .iter()
                    .filter(|account| !refused.contains(&account.pubkey));
                metrics.handover_messages_sent.fetch_add(
                    sent.clone().map(|a| a.messages.len() as u64).sum(),
                    Ordering::Relaxed,
                );
                for account in &batch.done {
                    if !refused.contains(account) {
                        peer.accounts.remove(account);
                        metrics
                            .handover_accounts_sent
                            .fetch_add(1, Ordering::Relaxed);
                    }
                }
                peer.resume = batch
                    .resume
                    .filter(|(account, _)| !refused.contains(account));
                if !refused.is_empty() {
                    // The peer does not see itself as their member yet (its index lags):
                    // they go again, whole, after the back-off.
                    tracing::debug!(peer = %key, accounts = refused.len(), "the peer does not keep these accounts yet");
                    peer.failed(Instant::now());
                    return;
                }
                peer.failures = 0;
            }
            Err(error) => {
                app.metrics
                    .handover_failures
                    .fetch_add(1, Ordering::Relaxed);
                tracing::warn!(peer = %key, url = %peer.url, %error, "handover to a swarm member failed; trying again later");
                peer.failed(Instant::now());
                return;
            }
        }
    }
}

/// Hands messages over as the active set changes, and to members that missed a store
/// ([`MissedWrites`](crate::missed_writes::MissedWrites)), until `cancel`.
pub(crate) async fn hand_over_forever(app: AppState, cancel: CancellationToken) {
    let me = app.node_key();
    // `None` until the first look (start-up: the set before is unknown).
    let mut previous: Option<Vec<NodeKey>> = None;
    let mut peers: BTreeMap<NodeKey, Peer> = BTreeMap::new();
    let mut first = true;
    loop {
        match app.active_nodes() {
            Ok(active) => {
                let keys = sorted_keys(&active);
                if first || previous.as_ref() != Some(&keys) {
                    let now = Instant::now();
                    let mailbox = app.mailbox.clone();
                    let accounts = tokio::task::spawn_blocking(move || mailbox.accounts()).await;
                    match accounts {
                        Ok(Ok(accounts)) => {
                            let planned = plan(&accounts, previous.as_deref(), &active, &me);
                            queue(&mut peers, planned, now);
                            previous = Some(keys.clone());
                            first = false;
                        }
                        Ok(Err(error)) => {
                            tracing::warn!(%error, "cannot list the accounts to hand over")
                        }
                        Err(error) => tracing::error!(%error, "listing accounts panicked"),
                    }
                }
                queue(&mut peers, app.missed_writes.take_stores(), Instant::now());
                // A peer that left the active set keeps none of these accounts any more.
                peers.retain(|key, _| keys.binary_search(key).is_ok());
            }
            Err(error) => tracing::warn!(%error, "cannot read the active set"),
        }
        let now = Instant::now();
        let mut due: Vec<(NodeKey, Peer)> = Vec::new();
        let keys: Vec<NodeKey> = peers
            .iter()
            .filter(|(_, peer)| peer.next_try <= now && !peer.accounts.is_empty())
            .map(|(key, _)| *key)
            .take(CONCURRENCY)
            .collect();
        for key in keys {
            if let Some(peer) = peers.remove(&key) {
                due.push((key, peer));
            }
        }
        if !due.is_empty() {
            let work = futures_util::future::join_all(due.into_iter().map(|(key, mut peer)| {
                let app = app.clone();
                async move {
                    serve_peer(&app, key, &mut peer).await;
                    (key, peer)
                }
            }));
            let done = tokio::select! {
                () = cancel.cancelled() => return,
                done = work => done,
            };
            for (key, peer) in done {
                merge(&mut peers, key, peer);
            }
        }
        peers.retain(|_, peer| !peer.accounts.is_empty());
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(POLL) => {}
        }
    }
}

/// Adds a plan's accounts to the peers' queues.
fn queue(
    peers: &mut BTreeMap<NodeKey, Peer>,
    planned: BTreeMap<NodeKey, (String, BTreeSet<SessionId>)>,
    now: Instant,
) {
    for (key, (url, accounts)) in planned {
        let peer = peers.entry(key).or_insert_with(|| Peer {
            url: url.clone(),
            accounts: BTreeSet::new(),
            resume: None,
            failures: 0,
            next_try: now,
        });
        peer.url = url;
        peer.accounts.extend(accounts);
    }
}

/// Puts a peer back after a round (a plan made meanwhile cannot have touched it, since the
/// round holds the loop; kept general all the same).
fn merge(peers: &mut BTreeMap<NodeKey, Peer>, key: NodeKey, peer: Peer) {
    match peers.get_mut(&key) {
        Some(queued) => queued.accounts.extend(peer.accounts),
        None => {
            peers.insert(key, peer);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> NodeKey {
        NodeKey([byte; 32])
    }

    fn active(bytes: impl IntoIterator<Item = u8>) -> Vec<ActiveNode> {
        bytes
            .into_iter()
            .map(|b| (key(b), format!("http://node-{b}")))
            .collect()
    }

    fn account(byte: u8) -> SessionId {
        sesh_core::envelope::session_id_from_seed(&[byte; 32])
    }

    fn members(set: &[ActiveNode], account: &SessionId) -> Vec<NodeKey> {
        swarm::mailbox_swarm(set.to_vec(), account, |(k, _)| Some(*k))
            .into_iter()
            .map(|(k, _)| k)
            .collect()
    }

    #[test]
    fn a_joining_node_gets_the_accounts_whose_swarm_it_enters_and_nothing_else_moves() {
        let before = active(1..=8);
        let after = active(1..=9);
        let previous: Vec<NodeKey> = before.iter().map(|(k, _)| *k).collect();
        let accounts: Vec<SessionId> = (1..=40).map(account).collect();
        for me in [key(1), key(5)] {
            let held: Vec<SessionId> = accounts
                .iter()
                .copied()
                .filter(|a| members(&before, a).contains(&me))
                .collect();
            let planned = plan(&held, Some(&previous), &after, &me);
            // Only the new node is handed anything.
            assert!(planned.keys().all(|k| *k == key(9)), "{planned:?}");
            let expected: BTreeSet<SessionId> = held
                .iter()
                .copied()
                .filter(|a| members(&after, a).contains(&key(9)))
                .collect();
            assert!(
                !expected.is_empty(),
                "40 accounts: some enter node 9's swarm"
            );
            let got = planned
                .get(&key(9))
                .map(|(url, accounts)| {
                    assert_eq!(url, "http://node-9");
                    accounts.clone()
                })
                .unwrap_or_default();
            assert_eq!(got, expected);
        }
    }

    #[test]
    fn a_leaving_node_is_replaced_by_the_next_best_for_its_accounts() {
        let before = active(1..=9);
        let after = active((1..=9).filter(|b| *b != 4));
        let previous: Vec<NodeKey> = before.iter().map(|(k, _)| *k).collect();
        let a = (1..=60)
            .map(account)
            .find(|a| members(&before, a).contains(&key(4)))
            .expect("some account has node 4 in its swarm");
        let stayed = members(&before, &a)
            .into_iter()
            .find(|k| *k != key(4))
            .unwrap();
        let newcomer: Vec<NodeKey> = members(&after, &a)
            .into_iter()
            .filter(|k| !members(&before, &a).contains(k))
            .collect();
        assert_eq!(newcomer.len(), 1);
        let planned = plan(&[a], Some(&previous), &after, &stayed);
        assert_eq!(planned.len(), 1);
        assert_eq!(planned[&newcomer[0]].1, BTreeSet::from([a]));
        // The node that left hands over too (it still holds the messages).
        let planned = plan(&[a], Some(&previous), &after, &key(4));
        assert_eq!(planned.keys().copied().collect::<Vec<_>>(), newcomer);
    }

    #[test]
    fn after_a_restart_every_other_member_gets_everything() {
        let set = active(1..=9);
        let a = account(7);
        let swarm = members(&set, &a);
        let me = swarm[0];
        let planned = plan(&[a], None, &set, &me);
        let expected: Vec<NodeKey> = swarm.into_iter().filter(|k| *k != me).collect();
        assert_eq!(planned.keys().copied().collect::<Vec<_>>(), {
            let mut e = expected.clone();
            e.sort();
            e
        });
        assert_eq!(planned.len(), 6);
        // An unchanged set moves nothing.
        let previous: Vec<NodeKey> = set.iter().map(|(k, _)| *k).collect();
        assert!(plan(&[a], Some(&previous), &set, &me).is_empty());
    }

    #[test]
    fn while_few_nodes_are_active_every_node_gets_every_account() {
        let planned = plan(
            &[account(1)],
            Some(&[key(1), key(2)]),
            &active(1..=3),
            &key(1),
        );
        assert_eq!(planned.keys().copied().collect::<Vec<_>>(), [key(3)]);
    }

    #[test]
    fn back_off_doubles_up_to_the_cap() {
        let now = Instant::now();
        let mut peer = Peer {
            url: String::new(),
            accounts: BTreeSet::new(),
            resume: None,
            failures: 0,
            next_try: now,
        };
        peer.failed(now);
        assert_eq!(peer.next_try - now, peer_request::FIRST_RETRY);
        peer.failed(now);
        assert_eq!(peer.next_try - now, peer_request::FIRST_RETRY * 2);
        for _ in 0..20 {
            peer.failed(now);
        }
        assert_eq!(peer.next_try - now, peer_request::MAX_RETRY);
    }

    #[test]
    fn handed_over_messages_outside_a_store_s_bounds_are_refused() {
        let now = 1_000_000_000_000;
        let ok = HeldMessage {
            namespace: 0,
            timestamp_ms: now - 1_000,
            expiry_ms: now + 60_000,
            data: vec![1; 10],
        };
        assert!(acceptable(&ok, now));
        let future = HeldMessage {
            timestamp_ms: now + 120_000,
            expiry_ms: now + 180_000,
            ..ok.clone()
        };
        assert!(!acceptable(&future, now));
        let long = HeldMessage {
            expiry_ms: ok.timestamp_ms + TTL_MAXIMUM_PRIVATE_MS + 1,
            ..ok.clone()
        };
        assert!(!acceptable(&long, now));
        let big = HeldMessage {
            data: vec![0; MAX_MESSAGE_BODY + 1],
            ..ok
        };
        assert!(!acceptable(&big, now));
    }

    #[test]
    fn missed_stores_join_the_queue_a_member_already_has() {
        let missed = crate::missed_writes::MissedWrites::default();
        let mut peers = BTreeMap::new();
        let planned = BTreeMap::from([(
            key(1),
            ("http://node-1".to_string(), BTreeSet::from([account(1)])),
        )]);
        queue(&mut peers, planned, Instant::now());
        missed.note_store(key(1), "http://node-1", account(2));
        missed.note_store(key(2), "http://node-2", account(2));
        queue(&mut peers, missed.take_stores(), Instant::now());
        assert_eq!(
            peers[&key(1)].accounts,
            BTreeSet::from([account(1), account(2)])
        );
        assert_eq!(peers[&key(2)].accounts, BTreeSet::from([account(2)]));
    }
}
