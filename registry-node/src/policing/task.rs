//! The policing task: once a period of chain time, test every active peer's
//! reachability, enter the results in the ledger, vote against nodes out of credit
//! (and active nodes whose key proof does not hold), share the votes with the active
//! nodes, and submit `deregister` once the held votes reach the quorum.

use super::storage_test;
use crate::app::AppState;
use crate::handover;
use crate::mailbox::{now_ms, rpc_digest};
use crate::model::NodeEntry;
use crate::peer_request;
use crate::police::credit::{Round, Standing, TestResult};
use crate::police::evidence::NameEvidence;
use crate::police::schedule::{offset_ms, period};
use crate::police::state::{RoundReport, SignedVote, SubmissionReport, TestReport};
use crate::police::storage::{Assignment, Candidate, StorageFailure, assign};
use crate::police::vote::{ActiveNode, Vote, choose_deadline, count};
use crate::store::StoreError;
use crate::store::tables::{NAMES, NODES};
use alloy::primitives::{U256, keccak256};
use alloy::transports::http::reqwest;
use futures_util::StreamExt;
use sesh_core::SessionId;
use sesh_core::api::{BatchResponse, IdentityResponse};
use sesh_core::attestation::NodeKey;
use sesh_core::bindings::NodeStaking;
use sesh_core::protocol::NodeState;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// How often the task looks at the chain's time.
const TICK: Duration = Duration::from_secs(2);

/// How long a peer has to answer a test or take a vote.
const PEER_TIMEOUT: Duration = Duration::from_secs(10);

/// The most requests to peers a node has in flight at once (tests, votes, evidence).
const PARALLEL_REQUESTS: usize = 64;

/// Chain seconds before a failed submission is tried again.
const RETRY_AFTER_SECS: u64 = 60;

/// How many names a lookup test asks each target.
const LOOKUPS_PER_TEST: usize = 3;

/// How far a peer's signed head may lag this node's before its test fails, in blocks.
pub(crate) const MAX_HEAD_LAG: u64 = 64;

/// Why a round could not run.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PoliceError {
    /// The index cannot be read.
    #[error("cannot read the index: {0}")]
    Store(#[from] StoreError),
}

/// Runs until `cancel`.
pub(crate) async fn police_forever(app: AppState, cancel: CancellationToken) {
    // The round under way: it runs apart from the ticks (spread over up to half a period),
    // so that submissions and expiries are not held up by it.
    let mut round: Option<tokio::task::JoinHandle<()>> = None;
    loop {
        tokio::select! {
            () = cancel.cancelled() => {
                if let Some(round) = round {
                    round.abort();
                }
                return;
            }
            () = tokio::time::sleep(TICK) => {}
        }
        if let Err(error) = tick(&app, &mut round).await {
            tracing::warn!(%error, "policing round failed");
        }
    }
}

/// Every node of the index.
pub(crate) fn all_nodes(app: &AppState) -> Result<Vec<NodeEntry>, StoreError> {
    Ok(app
        .store
        .read()?
        .scan(NODES)?
        .into_iter()
        .map(|(_, node)| node)
        .collect())
}

/// The active set as `NodeStaking` weighs votes: every active node, whatever its key proof.
pub(crate) fn contract_active(nodes: &[NodeEntry]) -> Vec<ActiveNode> {
    nodes
        .iter()
        .filter(|node| node.state == NodeState::Active)
        .map(|node| ActiveNode {
            node_id: node.node_id,
            signer: node.signer,
            stake: node.total_staked,
        })
        .collect()
}

/// The active set as `NodeStaking` weighs votes, from `app`'s index.
pub(crate) fn active_from_index(app: &AppState) -> Result<Vec<ActiveNode>, StoreError> {
    Ok(contract_active(&all_nodes(app)?))
}

async fn tick(
    app: &AppState,
    round: &mut Option<tokio::task::JoinHandle<()>>,
) -> Result<(), PoliceError> {
    let now = app.status.head().answer.timestamp;
    let nodes = all_nodes(app)?;
    let me = app.node_key();
    let police = &app.police;
    // Drop votes that expired or whose target is no longer active.
    police.state().held.retain(|vote| {
        vote.deadline >= now
            && nodes
                .iter()
                .any(|n| n.node_id == vote.node_id && n.state == NodeState::Active)
    });
    let current = period(now);
    let due = police.state().last_period != Some(current);
    let serving = nodes
        .iter()
        .any(|n| n.state == NodeState::Active && n.key_proof_valid && n.ed25519_key.0 == me.0);
    let idle = round.as_ref().is_none_or(|round| round.is_finished());
    if due && serving && idle {
        police.state().last_period = Some(current);
        warn_if_not_our_signer(app, &nodes, &me);
        let app = app.clone();
        let nodes = nodes.clone();
        *round = Some(tokio::spawn(async move {
            test_round(&app, &nodes, &me, now, current).await;
            if let Err(error) = lookup_tests(&app, &nodes, &me, current).await {
                tracing::warn!(%error, "lookup tests failed");
            }
            vote_round(&app, &nodes, now).await;
        }));
    }
    submit_if_quorum(app, &nodes, now).await;
    Ok(())
}

/// Says (each period) when the voting key is not the signer this node registered: the
/// contract would not count its votes.
fn warn_if_not_our_signer(app: &AppState, nodes: &[NodeEntry], me: &NodeKey) {
    let (Some(voter), Some(us)) = (
        app.police.voter(),
        nodes
            .iter()
            .find(|n| n.state == NodeState::Active && n.ed25519_key.0 == me.0),
    ) else {
        return;
    };
    if us.signer != voter.address() {
        tracing::warn!(
            registered = %us.signer,
            voting_key = %voter.address(),
            "the voting key is not the signer this node registered: its votes will not count"
        );
    }
}

/// The scheduled lookup tests: this period's targets of this node
/// ([`schedule::targets_of`](crate::police::schedule::targets_of)) are each asked
/// [`LOOKUPS_PER_TEST`] names of the index, at random, in one batch; every signed answer is judged as evidence
/// ([`act_on_evidence`](super::routes::act_on_evidence)), so a false one gets a vote at once.
async fn lookup_tests(
    app: &AppState,
    nodes: &[NodeEntry],
    me: &NodeKey,
    current: u64,
) -> Result<(), PoliceError> {
    let serving: Vec<&NodeEntry> = nodes
        .iter()
        .filter(|n| n.state == NodeState::Active && n.key_proof_valid)
        .collect();
    let keys: Vec<NodeKey> = serving.iter().map(|n| NodeKey(n.ed25519_key.0)).collect();
    let targets = crate::police::schedule::targets_of(current, me, &keys);
    if targets.is_empty() {
        return Ok(());
    }
    for target in targets {
        let Some(node) = serving.iter().find(|n| n.ed25519_key.0 == target.0) else {
            continue;
        };
        let asked = sample_names(app, LOOKUPS_PER_TEST)?;
        if asked.is_empty() {
            return Ok(());
        }
        app.police
            .counters
            .lookups_tested
            .fetch_add(asked.len() as u64, Ordering::Relaxed);
        // The batch route: the same signed answers as single lookups, in one request, and
        // not counted with the single lookups clients make.
        let url = format!("{}/v1/names/batch", node.url.trim_end_matches('/'));
        let answers = match peer_request::client()
            .post(&url)
            .timeout(PEER_TIMEOUT)
            .json(&serde_json::json!({ "names": asked }))
            .send()
            .await
        {
            Ok(response) if response.status().is_success() => {
                response.json::<BatchResponse>().await.ok()
            }
            _ => None,
        };
        let Some(answers) = answers else {
            app.police
                .counters
                .lookups_unanswered
                .fetch_add(asked.len() as u64, Ordering::Relaxed);
            continue;
        };
        for (label, item) in asked.iter().zip(answers.results) {
            let Some(answer) = item.name else {
                // Its index may lag ours; a missing name proves nothing.
                app.police
                    .counters
                    .lookups_unanswered
                    .fetch_add(1, Ordering::Relaxed);
                continue;
            };
            let evidence = NameEvidence {
                node_id: node.node_id,
                name: label.clone(),
                answer,
            };
            if let Err(error) = super::routes::act_on_evidence(app.clone(), evidence) {
                tracing::debug!(%error, node_id = node.node_id, "a lookup test proved nothing");
            }
        }
    }
    Ok(())
}

/// Up to `n` names of the index at random, without reading the whole index: each is the
/// first name at or after a random token id (the names table is keyed by token id, a hash,
/// so the names fall evenly over the key space; wrapping round to the first name). Fewer
/// when the index has no names (or only labels it never learnt).
fn sample_names(app: &AppState, n: usize) -> Result<Vec<String>, PoliceError> {
    let reader = app.store.read()?;
    let mut names = Vec::with_capacity(n);
    for _ in 0..n {
        let mut key = [0u8; 32];
        if getrandom::fill(&mut key).is_err() {
            break;
        }
        match reader.seek_wrapping(NAMES, &U256::from_be_bytes(key))? {
            Some((_, entry)) if !entry.label.is_empty() => names.push(entry.label),
            Some(_) => {}
            None => break,
        }
    }
    Ok(names)
}

/// Tests every other active (serving) node once.
async fn test_round(app: &AppState, nodes: &[NodeEntry], me: &NodeKey, now: u64, current: u64) {
    let targets: Vec<&NodeEntry> = nodes
        .iter()
        .filter(|n| n.state == NodeState::Active && n.key_proof_valid && n.ed25519_key.0 != me.0)
        .collect();
    if targets.is_empty() {
        return;
    }
    let our_head = app.status.head().answer.block;
    // Reads of the mailbox: off the async workers, which serve requests meanwhile.
    let storage = {
        let (app, nodes, me) = (app.clone(), nodes.to_vec(), *me);
        tokio::task::spawn_blocking(move || storage_assignments(&app, &nodes, &me))
            .await
            .unwrap_or_else(|error| {
                tracing::error!(%error, "choosing the storage tests failed");
                Vec::new()
            })
    };
    // Each test at its own offset in the spread window (schedule::offset_ms), so that a
    // node's testers do not all arrive as the period starts; in the order of the offsets,
    // at most PARALLEL_REQUESTS at once, so a round of 2,000 peers is not 2,000
    // connections opened in the same instant.
    let window_ms = u64::try_from(app.police.spread().as_millis()).unwrap_or(u64::MAX);
    let started = tokio::time::Instant::now();
    let mut order: Vec<(u64, usize)> = targets
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let offset = offset_ms(current, me, &NodeKey(node.ed25519_key.0), window_ms);
            (offset, i)
        })
        .collect();
    order.sort_unstable();
    // (Collected first: a lazy map in the stream trips the spawned future's Send bound.)
    let tests: Vec<_> = order
        .iter()
        .map(|(offset, i)| {
            let node = targets[*i];
            let storage = storage
                .iter()
                .find(|test| test.peer.0 == node.ed25519_key.0);
            async move {
                tokio::time::sleep_until(started + Duration::from_millis(*offset)).await;
                test_peer(app, node, our_head, storage).await
            }
        })
        .collect();
    let outcomes: Vec<PeerOutcome> = futures_util::stream::iter(tests)
        .buffered(PARALLEL_REQUESTS)
        .collect()
        .await;
    let mut tests: Vec<Option<PeerOutcome>> = targets.iter().map(|_| None).collect();
    for ((_, i), outcome) in order.iter().zip(outcomes) {
        tests[*i] = Some(outcome);
    }
    let tests = tests.into_iter().map(|outcome| {
        outcome.unwrap_or(PeerOutcome {
            reachable: Ok(()),
            storage: None,
        })
    });
    let mut results = Vec::with_capacity(targets.len());
    let mut reports = Vec::with_capacity(targets.len());
    for (node, PeerOutcome { reachable, storage }) in targets.iter().zip(tests) {
        let outcome = reachable;
        let activated_at = activation_time(app, node.node_id).await;
        let counter = match outcome {
            Ok(()) => &app.police.counters.tests_passed,
            Err(_) => &app.police.counters.tests_failed,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        results.push(TestResult {
            node_id: node.node_id,
            activated_at,
            passed: outcome.is_ok(),
        });
        reports.push(TestReport {
            node_id: node.node_id,
            url: node.url.clone(),
            passed: outcome.is_ok(),
            failure: outcome.err().map(|failure| failure.to_string()),
            storage_passed: storage.as_ref().map(Result::is_ok),
            storage_failure: storage
                .and_then(Result::err)
                .map(|failure| failure.to_string()),
        });
    }
    let mut state = app.police.state();
    let round = state.ledger.record_round(now, &results);
    if round == Round::SelfSuspect {
        app.police
            .counters
            .rounds_self_suspect
            .fetch_add(1, Ordering::Relaxed);
        tracing::warn!(
            failed = results.iter().filter(|r| !r.passed).count(),
            tested = results.len(),
            "too many peers failed their tests at once; not counting this round (is this node's network down?)"
        );
    }
    state.ledger.retain(|id| {
        nodes
            .iter()
            .any(|n| n.node_id == id && n.state == NodeState::Active)
    });
    state.last_round = Some(RoundReport::new(current, now, round, reports));
    drop(state);
    app.police.save_ledger();
}

/// Why a peer failed its reachability test.
#[derive(Debug, thiserror::Error)]
pub(crate) enum TestFailure {
    /// No answer (refused, timed out, TLS).
    #[error("no answer: {0}")]
    NoAnswer(#[source] reqwest::Error),
    /// An HTTP error status.
    #[error("answered {0}")]
    Status(reqwest::StatusCode),
    /// Not an identity.
    #[error("unreadable identity: {0}")]
    Unreadable(#[source] reqwest::Error),
    /// Another node answers at its URL.
    #[error("answers as {0}, not as its registered key")]
    OtherKey(NodeKey),
    /// Its head's signature does not hold, or is another key's.
    #[error("its signed head does not hold: {0}")]
    BadHead(#[source] sesh_core::attestation::AttestationError),
    /// Its head is signed by another key than its own.
    #[error("its head is signed by {0}, not by its registered key")]
    HeadByOtherKey(NodeKey),
    /// Its index lags ours too far.
    #[error("its head {theirs} is more than {MAX_HEAD_LAG} blocks behind ours ({ours})")]
    Behind {
        /// Its indexed head.
        theirs: u64,
        /// Ours.
        ours: u64,
    },
}

/// A peer's test of the round: whether it is reachable (what counts), and its storage test
/// when it shares a swarm with this node and is reachable (reported, not counted: see
/// docs/policing.md, "Why storage failures do not count").
struct PeerOutcome {
    reachable: Result<(), TestFailure>,
    storage: Option<Result<(), StorageFailure>>,
}

/// Tests a peer: reachable, then (when it shares a swarm with this node) its storage test.
async fn test_peer(
    app: &AppState,
    node: &NodeEntry,
    our_head: u64,
    storage: Option<&Assignment>,
) -> PeerOutcome {
    let reachable = reachable(app, node, our_head).await;
    let storage = match (storage, &reachable) {
        (Some(assignment), Ok(())) => Some(storage_test(app, node, assignment).await),
        _ => None,
    };
    PeerOutcome { reachable, storage }
}

/// A peer's storage test; a message found missing is handed to it with the rest of the
/// account's messages.
async fn storage_test(
    app: &AppState,
    node: &NodeEntry,
    assignment: &Assignment,
) -> Result<(), StorageFailure> {
    let outcome = storage_test::test(app, &node.url, assignment, PEER_TIMEOUT).await;
    let counter = match outcome {
        Ok(()) => &app.police.counters.storage_passed,
        Err(_) => &app.police.counters.storage_failed,
    };
    counter.fetch_add(1, Ordering::Relaxed);
    if let Err(StorageFailure::Missing { account, .. }) = &outcome {
        // The test failed all the same; the member is made whole for the next ones.
        match handover::hand_account(app, &node.url, *account).await {
            Ok(sent) => {
                tracing::info!(node = node.node_id, %account, sent, "handed a member the messages its storage test found missing")
            }
            Err(error) => {
                tracing::warn!(node = node.node_id, %account, %error, "cannot hand a member the messages its storage test found missing")
            }
        }
    }
    outcome
}

/// How many of the accounts this node holds are looked at for a round's storage tests at
/// most: enough to find one for every swarm peer, without reading every account.
const STORAGE_ACCOUNTS_TRIED: usize = 256;

/// How many messages of an account are looked at for one that can be tested.
const STORAGE_MESSAGES_TRIED: usize = 16;

/// This round's storage tests ([`assign`]): for each serving peer that shares a swarm with
/// this node, a message old enough of an account of that swarm, from the accounts this
/// node holds, taken in a random order. None when the mailbox cannot be read (logged).
fn storage_assignments(app: &AppState, nodes: &[NodeEntry], me: &NodeKey) -> Vec<Assignment> {
    let active: Vec<NodeKey> = nodes
        .iter()
        .filter(|n| n.state == NodeState::Active && n.key_proof_valid)
        .map(|n| NodeKey(n.ed25519_key.0))
        .collect();
    let mut accounts = match app.mailbox.accounts() {
        Ok(accounts) => accounts,
        Err(error) => {
            tracing::warn!(%error, "cannot list the mailbox's accounts for storage tests");
            return Vec::new();
        }
    };
    // A random order: the accounts sorted by a keyed hash with a fresh key.
    let mut salt = [0u8; 32];
    let _ = getrandom::fill(&mut salt);
    accounts.sort_by_cached_key(|account| keccak256([&salt[..], &account.to_bytes()].concat()));
    accounts.truncate(STORAGE_ACCOUNTS_TRIED);
    let now = now_ms();
    // The account's messages in a random order too (the same keyed hash), so that a member
    // that missed a few stores (while it restarted) fails only the tests that happen on one
    // of those, not every test of the account while its oldest message lives.
    let read = |account: &SessionId| {
        let recipient = account.to_bytes();
        let mut candidates: Vec<Candidate> = app
            .mailbox
            .held_messages(account, None, STORAGE_MESSAGES_TRIED, now)
            .map(|page| page.messages)
            .unwrap_or_default()
            .into_iter()
            .map(|m| Candidate {
                hash: rpc_digest(&recipient, m.namespace, &m.data),
                namespace: m.namespace,
                timestamp_ms: m.timestamp_ms,
                expiry_ms: m.expiry_ms,
                data: m.data,
            })
            .collect();
        candidates.sort_by_cached_key(|c| keccak256([&salt[..], &c.hash[..]].concat()));
        candidates
    };
    let assigned = assign(me, &active, &accounts, read, now);
    tracing::debug!(
        accounts = accounts.len(),
        storage_tests = assigned.len(),
        "storage tests of the round"
    );
    assigned
}

/// `GET {url}/v1/identity`: answers in time, names the registered key, and its signed head
/// verifies and is at most [`MAX_HEAD_LAG`] blocks behind `our_head`.
async fn reachable(app: &AppState, node: &NodeEntry, our_head: u64) -> Result<(), TestFailure> {
    let url = format!("{}/v1/identity", node.url.trim_end_matches('/'));
    let response = peer_request::client()
        .get(&url)
        .timeout(PEER_TIMEOUT)
        .send()
        .await
        .map_err(TestFailure::NoAnswer)?;
    if !response.status().is_success() {
        return Err(TestFailure::Status(response.status()));
    }
    let identity: IdentityResponse = response.json().await.map_err(TestFailure::Unreadable)?;
    if identity.node_key.0 != node.ed25519_key.0 {
        return Err(TestFailure::OtherKey(identity.node_key));
    }
    let head = &identity.freshness.head;
    head.verify(
        app.deployment.chain_id,
        app.deployment.contracts.name_registry,
    )
    .map_err(TestFailure::BadHead)?;
    if head.attestation.node_key.0 != node.ed25519_key.0 {
        return Err(TestFailure::HeadByOtherKey(head.attestation.node_key));
    }
    if head.answer.block.saturating_add(MAX_HEAD_LAG) < our_head {
        return Err(TestFailure::Behind {
            theirs: head.answer.block,
            ours: our_head,
        });
    }
    Ok(())
}

/// When node `node_id` was activated (`nodeInfo(...).activatedAt`), read once; 0 (the
/// most credit) while the RPC does not say, so a failed read never hastens a vote.
async fn activation_time(app: &AppState, node_id: u64) -> u64 {
    if let Some(at) = app.police.state().activated_at.get(&node_id) {
        return *at;
    }
    let staking = NodeStaking::new(app.deployment.contracts.node_staking, &app.provider);
    let call = staking.nodeInfo(U256::from(node_id));
    match tokio::time::timeout(app.rpc_timeout, call.call()).await {
        Ok(Ok(info)) => {
            let at = u64::try_from(info.activatedAt).unwrap_or(0);
            app.police.state().activated_at.insert(node_id, at);
            at
        }
        _ => 0,
    }
}

/// Signs votes against the nodes out of credit and the active nodes whose key proof does
/// not hold, and sends each to every other serving node.
async fn vote_round(app: &AppState, nodes: &[NodeEntry], now: u64) {
    let mut new_votes = Vec::new();
    for node in nodes.iter().filter(|n| n.state == NodeState::Active) {
        let reason = if !node.key_proof_valid {
            "key_proof"
        } else if matches!(
            app.police.state().ledger.standing(node.node_id, now),
            Standing::OutOfCredit { .. }
        ) {
            "offline"
        } else {
            continue;
        };
        if let Some(vote) = sign_vote(app, node, reason, now) {
            new_votes.push(vote);
        }
    }
    share_votes(app, nodes, &new_votes).await;
}

/// Signs a vote against `node` for `reason` at chain time `now` and holds it, unless this
/// node has no voting key, is the node itself, or holds its own vote with that deadline
/// already.
pub(crate) fn sign_vote(
    app: &AppState,
    node: &NodeEntry,
    reason: &'static str,
    now: u64,
) -> Option<Vote> {
    let voter = app.police.voter()?;
    if node.signer == voter.address() {
        return None;
    }
    let mut state = app.police.state();
    let held = state
        .held
        .iter()
        .filter(|v| v.node_id == node.node_id)
        .map(|v| v.deadline)
        .collect::<Vec<_>>();
    let deadline = choose_deadline(held, now);
    let already = state.held.iter().any(|v| {
        v.node_id == node.node_id && v.deadline == deadline && v.signer == voter.address()
    });
    if already {
        return None;
    }
    let vote = match Vote::sign(
        voter,
        app.deployment.chain_id,
        app.deployment.contracts.node_staking,
        node.node_id,
        deadline,
    ) {
        Ok(vote) => vote,
        Err(error) => {
            tracing::error!(%error, "cannot sign a vote with the voting key");
            return None;
        }
    };
    tracing::warn!(
        node_id = node.node_id,
        url = %node.url,
        reason,
        deadline,
        "signed a vote to deregister a node"
    );
    app.police
        .counters
        .votes_signed
        .fetch_add(1, Ordering::Relaxed);
    state.held.push(vote.clone());
    state.signed.push(SignedVote {
        vote: vote.clone(),
        reason,
        signed_at: now,
    });
    Some(vote)
}

/// The URLs of the serving nodes other than this one.
pub(crate) fn peer_urls(app: &AppState, nodes: &[NodeEntry]) -> Vec<String> {
    let me = app.node_key();
    nodes
        .iter()
        .filter(|n| n.state == NodeState::Active && n.key_proof_valid && n.ed25519_key.0 != me.0)
        .map(|n| n.url.trim_end_matches('/').to_string())
        .collect()
}

/// POSTs `body` to `path` on every peer at once; a peer that does not take it is logged.
pub(crate) async fn post_to_peers(
    app: &AppState,
    nodes: &[NodeEntry],
    path: &str,
    body: &impl serde::Serialize,
) {
    let peers = peer_urls(app, nodes);
    let sends: Vec<_> = peers
        .iter()
        .map(|url| async move {
            let url = format!("{url}{path}");
            let request = peer_request::client().post(&url).timeout(PEER_TIMEOUT);
            if let Err(error) = request.json(body).send().await {
                tracing::debug!(%error, %url, "a peer did not take what was sent");
            }
        })
        .collect();
    futures_util::stream::iter(sends)
        .buffer_unordered(PARALLEL_REQUESTS)
        .collect::<Vec<()>>()
        .await;
}

/// Sends each of `votes` to every serving peer.
pub(crate) async fn share_votes(app: &AppState, nodes: &[NodeEntry], votes: &[Vote]) {
    for vote in votes {
        post_to_peers(app, nodes, "/v1/votes", vote).await;
    }
}

/// Submits `deregister` for every group of held votes that reaches the quorum.
async fn submit_if_quorum(app: &AppState, nodes: &[NodeEntry], now: u64) {
    let Some(submitter) = app.police.submitter() else {
        return;
    };
    let active = contract_active(nodes);
    let ready: Vec<(u64, u64, crate::police::vote::Count)> = {
        let state = app.police.state();
        let mut groups: Vec<(u64, u64)> =
            state.held.iter().map(|v| (v.node_id, v.deadline)).collect();
        groups.sort_unstable();
        groups.dedup();
        groups
            .into_iter()
            .filter(|(node_id, deadline)| {
                // Once per group, but a failed attempt (RPC down, say) again a minute later.
                let tried = state.submitted.iter().any(|s| {
                    s.node_id == *node_id
                        && s.deadline == *deadline
                        && (s.outcome != "failed" || now < s.at + RETRY_AFTER_SECS)
                });
                !tried && *deadline >= now
            })
            .map(|(node_id, deadline)| {
                (
                    node_id,
                    deadline,
                    count(&active, node_id, deadline, &state.held),
                )
            })
            .filter(|(_, _, count)| count.met())
            .collect()
    };
    for (node_id, deadline, count) in ready {
        let report = submit(app, submitter, node_id, deadline, &count, now).await;
        app.police.state().submitted.push(report);
    }
}

async fn submit(
    app: &AppState,
    submitter: &crate::police::state::Submitter,
    node_id: u64,
    deadline: u64,
    count: &crate::police::vote::Count,
    now: u64,
) -> SubmissionReport {
    let counters = &app.police.counters;
    let staking = NodeStaking::new(app.deployment.contracts.node_staking, &submitter.provider);
    let call = staking
        .deregister(
            U256::from(node_id),
            U256::from(deadline),
            count.signatures(),
        )
        .gas(submitter.gas_limit);
    let report = |outcome, tx, error: Option<String>| SubmissionReport {
        node_id,
        deadline,
        votes: count.votes.len(),
        outcome,
        tx,
        error,
        at: now,
    };
    // Simulated first: a node another submitter deregistered already is no error.
    if let Err(error) = call.call().await {
        let revert = error
            .as_revert_data()
            .and_then(|data| sesh_core::revert::decode(&data));
        return match revert {
            Some(revert) if revert.name == "StakingUnexpectedNodeState" => {
                counters.already_done.fetch_add(1, Ordering::Relaxed);
                tracing::info!(node_id, "the node was deregistered already");
                report("already_done", None, None)
            }
            Some(revert) => {
                counters.submit_failures.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(node_id, %revert, "deregister would revert");
                report("reverted", None, Some(revert.to_string()))
            }
            None => {
                counters.submit_failures.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(node_id, %error, "cannot simulate deregister");
                report("failed", None, Some(error.to_string()))
            }
        };
    }
    let pending = match call.send().await {
        Ok(pending) => pending,
        Err(error) => {
            counters.submit_failures.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(node_id, %error, "cannot send deregister");
            return report("failed", None, Some(error.to_string()));
        }
    };
    let tx = *pending.tx_hash();
    match tokio::time::timeout(Duration::from_secs(120), pending.get_receipt()).await {
        Ok(Ok(receipt)) if receipt.status() => {
            counters.submitted.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(node_id, %tx, votes = count.votes.len(), "deregistered a node");
            report("mined", Some(tx), None)
        }
        Ok(Ok(_)) => {
            // Another node's transaction came first in the same block, most likely.
            counters.already_done.fetch_add(1, Ordering::Relaxed);
            tracing::info!(node_id, %tx, "deregister reverted on chain (another node's came first?)");
            report("reverted", Some(tx), None)
        }
        Ok(Err(error)) => {
            counters.submit_failures.fetch_add(1, Ordering::Relaxed);
            report("failed", Some(tx), Some(error.to_string()))
        }
        Err(_) => {
            counters.submit_failures.fetch_add(1, Ordering::Relaxed);
            report("failed", Some(tx), Some("no receipt within 120 s".into()))
        }
    }
}
