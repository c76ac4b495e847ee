//! Swarm-wide writes, as the storage server makes them: the member a client asks hands its
//! `store`, `delete`, `delete_all` or `expire` on to the other members of the account's
//! swarm ([`to_swarm`]) and answers with every member's entry, so that a message is kept,
//! deleted or given a new expiry by the whole swarm, whichever member a client reads from
//! next.
//!
//! A forward is `POST /v1/storage_forward` (`sesh_core::storage_rpc::forward`: the body
//! is the client's sub-request, unchanged but for `delete`'s `required`, judged swarm-wide
//! by the member asked, so each member checks the client's own signature again; the
//! forwarding node's key, clock and MAC are headers). The receiver ([`check`]) takes a
//! forward only from an active node, so that no client can keep a store on one member by
//! calling it a forward; it is carried out there and handed on no further. Forwards bypass
//! the per-address limit of `/storage_rpc/v1`: a member forwards for every client of its
//! swarms from one address. A member that missed a forwarded write is caught up later
//! (`crate::missed_writes`): handed the account's messages for a store, sent the request
//! again ([`redeliver_forever`]) for a `delete` or `expire` (not a `delete_all`).

use crate::app::AppState;
use crate::mailbox::now_ms;
use crate::missed_writes::Changes;
use crate::peer_request;
use crate::store::StoreError;
use alloy::transports::http::reqwest;
use axum::http::{HeaderMap, header};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use sesh_core::SessionId;
use sesh_core::attestation::NodeKey;
use sesh_core::storage_rpc::SIGNATURE_TOLERANCE_MS;
use sesh_core::storage_rpc::forward::{self, MAC_HEADER, NODE_KEY_HEADER, NODE_TIME_HEADER, PATH};
use sesh_core::storage_rpc::response::{MemberFailure, MemberResult, Swarm};
use sesh_core::storage_rpc::{Request, ResponseError, RpcError, SubRequest, parse_response};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

/// How long a member waits for another's answer to a forward.
const TIMEOUT: Duration = Duration::from_secs(5);

/// The part of a swarm-wide answer a forward is read for.
#[derive(Deserialize)]
#[serde(bound = "M: DeserializeOwned")]
struct SwarmAnswer<M> {
    swarm: Swarm<M>,
}

/// Hands `sub` on to the other members of `session_id`'s swarm (when this node is one of
/// the active set's members of it), concurrently, each with [`TIMEOUT`], and gathers their
/// entries: their own, or why not (`timeout`, their refusal's `code` and `reason`,
/// `bad_peer_response`). What a member failed to take and may take later is noted for it
/// (`crate::missed_writes`).
pub(super) async fn to_swarm<M: DeserializeOwned>(
    app: &AppState,
    session_id: &SessionId,
    sub: SubRequest,
) -> Result<Vec<(String, MemberResult<M>)>, StoreError> {
    let placement = super::placement(app, session_id)?;
    if !placement.active_member {
        return Ok(Vec::new());
    }
    let me = app.node_key();
    let me_hex = me.to_string();
    let catch_up = CatchUp::of(&sub);
    let body: Arc<str> = Request::One(sub).to_json().to_string().into();
    let time = now_ms();
    let asks = placement
        .members
        .into_iter()
        .filter(|(key, _)| *key != me)
        .map(|(key, url)| {
            let (body, me) = (&body, &me_hex);
            async move {
                let entry = send(app, me, &key, &url, body, time).await;
                (key, url, entry)
            }
        });
    let entries = futures_util::future::join_all(asks).await;
    Ok(entries
        .into_iter()
        .map(|(key, url, entry)| {
            if let MemberResult::Failed(failure) = &entry {
                app.metrics.forward_failures.fetch_add(1, Ordering::Relaxed);
                match catch_up {
                    CatchUp::Handover if may_take_the_message_later(failure) => {
                        app.missed_writes.note_store(key, &url, *session_id)
                    }
                    CatchUp::Resend if unavailable(failure) => {
                        app.missed_writes.note_change(key, &url, body.clone())
                    }
                    _ => {}
                }
            }
            (key.to_string(), entry)
        })
        .collect())
}

/// How a member that missed a forwarded write is caught up (`crate::missed_writes`).
enum CatchUp {
    /// A store: the account's messages are handed over to it.
    Handover,
    /// A `delete` or `expire`: the request is sent to it again.
    Resend,
    /// A `delete_all`: not at all (its signature is good for 70 s, and a late one would
    /// delete what was stored after it).
    Nothing,
}

impl CatchUp {
    fn of(sub: &SubRequest) -> Self {
        match sub {
            SubRequest::Store(_) => Self::Handover,
            SubRequest::Delete(_) | SubRequest::Expire(_) => Self::Resend,
            _ => Self::Nothing,
        }
    }
}

/// Posts the forward `body` from this node (`me`, its key in hex) to the member `key` at
/// `url`, MACed at `time`, and reads its entry from the answer.
async fn send<M: DeserializeOwned>(
    app: &AppState,
    me: &str,
    key: &NodeKey,
    url: &str,
    body: &Arc<str>,
    time: u64,
) -> MemberResult<M> {
    let Some(link) = app.peer_links.with(&app.signer, key) else {
        return failed(MemberFailure {
            reason: Some(format!("{key} has no X25519 key to link with")),
            ..MemberFailure::default()
        });
    };
    let mut request = peer_request::client()
        .post(format!("{}{PATH}", url.trim_end_matches('/')))
        .timeout(TIMEOUT)
        .header(header::CONTENT_TYPE, "application/json");
    for (name, value) in forward::headers_with(me, &link, time, body.as_bytes()) {
        request = request.header(name, value);
    }
    let answer = request.body(body.to_string()).send().await;
    answer_entry(key, answer).await
}

/// How often [`redeliver_forever`] looks for changes to send again.
const REDELIVERY_POLL: Duration = Duration::from_secs(1);

/// One member's changes to send again.
#[derive(Debug)]
struct Redelivery {
    url: String,
    bodies: Changes,
    failures: u32,
    next_try: Instant,
}

/// Sends the `delete`s and `expire`s other members missed (`crate::missed_writes`) again,
/// each member's in the order they were made, until `cancel`: a member that carries one
/// out, or refuses it by its own rules (a signature that no longer holds: an expiry more
/// than a minute gone by), is done with it;
/// one that still fails is tried again after a back-off (`peer_request::retry_wait`: from
/// 2 s, doubling, to a minute); a member that leaves the active set is dropped.
pub(crate) async fn redeliver_forever(app: AppState, cancel: CancellationToken) {
    let me = app.node_key().to_string();
    let mut members: BTreeMap<NodeKey, Redelivery> = BTreeMap::new();
    loop {
        let now = Instant::now();
        for (key, (url, bodies)) in app.missed_writes.take_changes() {
            let member = members.entry(key).or_insert_with(|| Redelivery {
                url: url.clone(),
                bodies: Changes::default(),
                failures: 0,
                next_try: now,
            });
            member.url = url;
            member.bodies.extend(bodies);
        }
        match app.active_nodes() {
            Ok(active) => members.retain(|key, _| active.iter().any(|(k, _)| k == key)),
            Err(error) => tracing::warn!(%error, "cannot read the active set"),
        }
        for (key, member) in members.iter_mut().filter(|(_, m)| m.next_try <= now) {
            tokio::select! {
                () = cancel.cancelled() => return,
                () = redeliver(&app, &me, key, member) => {}
            }
        }
        members.retain(|_, member| !member.bodies.is_empty());
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(REDELIVERY_POLL) => {}
        }
    }
}

/// Sends `member`'s changes in order until the member is [`unavailable`] (then it backs
/// off). A change it carries out or refuses is done with; a 421 is a refusal here: the
/// member, back and indexed, does not keep the account (any more), and a change it cannot
/// take must not hold up those behind it.
async fn redeliver(app: &AppState, me: &str, key: &NodeKey, member: &mut Redelivery) {
    while let Some(body) = member.bodies.front() {
        match send::<serde_json::Value>(app, me, key, &member.url, body, now_ms()).await {
            MemberResult::Failed(failure) if unavailable(&failure) => {
                member.failures = member.failures.saturating_add(1);
                member.next_try = Instant::now() + peer_request::retry_wait(member.failures);
                tracing::debug!(member = %key, ?failure, "a swarm member still misses a change; trying again later");
                return;
            }
            MemberResult::Failed(failure) => {
                tracing::debug!(member = %key, ?failure, "a swarm member refused a change it missed");
            }
            MemberResult::Ok(_) => {
                app.metrics
                    .writes_redelivered
                    .fetch_add(1, Ordering::Relaxed);
            }
        }
        member.bodies.pop_front();
        member.failures = 0;
    }
}

/// Whether a member that did not take a forwarded store may take the message when it is
/// handed over: it is [`unavailable`], or did not yet see itself as a member (421: its
/// index lags; the handover waits for it); not when it refused the message by its own
/// rules (a tombstone, its quota or the node-wide bound, a signature or clock it does not
/// take), which it would meet again.
fn may_take_the_message_later(failure: &MemberFailure) -> bool {
    unavailable(failure) || failure_code(failure) == Some(421)
}

/// Whether a member failed for want of being there: it was not reached, did not answer in
/// time or sensibly, failed inside (a 5xx other than 507, its quota), or a proxy in front
/// of it timed out or held it back (408, 429).
fn unavailable(failure: &MemberFailure) -> bool {
    failure_code(failure)
        .is_none_or(|code| matches!(code, 408 | 429) || (code >= 500 && code != 507))
}

fn failure_code(failure: &MemberFailure) -> Option<u64> {
    failure.code.as_ref().and_then(|code| code.as_u64())
}

/// Member `key`'s entry from its `answer` to a forward.
async fn answer_entry<M: DeserializeOwned>(
    key: &NodeKey,
    answer: reqwest::Result<reqwest::Response>,
) -> MemberResult<M> {
    match answer {
        Err(error) if error.is_timeout() => failed(MemberFailure {
            timeout: Some(true),
            ..MemberFailure::default()
        }),
        Err(error) => failed(MemberFailure {
            reason: Some(error.to_string()),
            ..MemberFailure::default()
        }),
        Ok(response) => {
            let status = response.status().as_u16();
            let bytes = response.bytes().await.unwrap_or_default();
            member_entry(&key.to_string(), status, &bytes)
        }
    }
}

/// Member `key`'s entry in its answer (`status`, `bytes`) to a forward.
fn member_entry<M: DeserializeOwned>(key: &str, status: u16, bytes: &[u8]) -> MemberResult<M> {
    let bad_peer_response = || {
        failed(MemberFailure {
            bad_peer_response: Some(true),
            ..MemberFailure::default()
        })
    };
    match parse_response::<SwarmAnswer<M>>(status, bytes) {
        Ok(mut answer) => answer.swarm.remove(key).unwrap_or_else(bad_peer_response),
        Err(ResponseError::Malformed(_)) => bad_peer_response(),
        Err(error) => failed(MemberFailure {
            code: Some(status.into()),
            reason: Some(error.to_string()),
            ..MemberFailure::default()
        }),
    }
}

fn failed<M>(failure: MemberFailure) -> MemberResult<M> {
    MemberResult::Failed(failure)
}

/// The header `name`'s `value` parsed, or 401 saying it must be `what`.
fn parsed<T: std::str::FromStr>(
    value: Option<&str>,
    name: &str,
    what: &str,
) -> Result<T, RpcError> {
    value
        .and_then(|text| text.parse().ok())
        .ok_or_else(|| RpcError::Unauthorized(format!("{name} must be {what}")))
}

/// Checks a forward's sender: the headers name an active node of this node's index (read
/// once per commit, so a stranger costs no key agreement), its clock is within ±60 s of
/// this node's, and the MAC over the clock and `body` holds under the nodes' link key.
pub(super) fn check(app: &AppState, headers: &HeaderMap, body: &[u8]) -> Result<(), RpcError> {
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    let from: NodeKey = parsed(
        header(NODE_KEY_HEADER),
        NODE_KEY_HEADER,
        "the forwarding node's key as 64 hex characters",
    )?;
    let time: u64 = parsed(
        header(NODE_TIME_HEADER),
        NODE_TIME_HEADER,
        "the forwarding node's clock in ms",
    )?;
    let active = app
        .status
        .active_nodes(&app.store)
        .map_err(super::internal)?;
    if !active.iter().any(|(key, _)| *key == from) {
        return Err(RpcError::Forbidden(format!(
            "{from} is not an active node: only swarm members forward"
        )));
    }
    let now = now_ms();
    if time.abs_diff(now) > SIGNATURE_TOLERANCE_MS {
        return Err(RpcError::NotAcceptable(format!(
            "the forward's clock {time} is more than 60 s from this node's clock {now}"
        )));
    }
    let mac = header(MAC_HEADER)
        .and_then(|text| hex::decode(text).ok())
        .ok_or_else(|| RpcError::Unauthorized(format!("{MAC_HEADER} must be 64 hex characters")))?;
    let link = app
        .peer_links
        .with(&app.signer, &from)
        .ok_or_else(|| RpcError::Unauthorized(format!("{from} has no X25519 key")))?;
    if !forward::verify(&link, time, body, &mac) {
        return Err(RpcError::Unauthorized(format!(
            "the forward's MAC does not hold for {from}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sesh_core::storage_rpc::response::DeleteMember;

    #[test]
    fn a_members_entry_is_its_own_or_says_why_not() {
        let key = "ab".repeat(32);
        let answer = serde_json::json!({"swarm": {
            key.clone(): {"deleted": [], "signature": "A".repeat(86) + "=="},
        }, "t": 1, "hf": [19, 3]});
        let bytes = serde_json::to_vec(&answer).unwrap();
        let entry = member_entry::<DeleteMember>(&key, 200, &bytes);
        assert!(
            matches!(entry, MemberResult::Ok(ref m) if m.deleted.is_empty()),
            "{entry:?}"
        );
        // Another member's entry only: the peer did not answer for itself.
        let other = member_entry::<DeleteMember>(&"cd".repeat(32), 200, &bytes);
        assert!(
            matches!(other, MemberResult::Failed(ref f) if f.bad_peer_response == Some(true)),
            "{other:?}"
        );
        let refused = member_entry::<DeleteMember>(&key, 401, b"bad signature");
        match refused {
            MemberResult::Failed(failure) => {
                assert_eq!(failure.code, Some(401.into()));
                assert!(failure.reason.unwrap().contains("bad signature"));
            }
            other => panic!("{other:?}"),
        }
        let garbled = member_entry::<DeleteMember>(&key, 200, b"{");
        assert!(
            matches!(garbled, MemberResult::Failed(ref f) if f.bad_peer_response == Some(true))
        );
    }

    #[test]
    fn a_write_is_caught_up_later_for_a_member_that_failed_but_not_for_one_that_refused_it() {
        let with_code = |code: u64| MemberFailure {
            code: Some(code.into()),
            ..MemberFailure::default()
        };
        let timed_out = MemberFailure {
            timeout: Some(true),
            ..MemberFailure::default()
        };
        let unreachable = MemberFailure {
            reason: Some("connection refused".into()),
            ..MemberFailure::default()
        };
        for failure in [
            timed_out,
            unreachable,
            with_code(500),
            with_code(503),
            with_code(408),
            with_code(429),
        ] {
            assert!(may_take_the_message_later(&failure), "{failure:?}");
            assert!(unavailable(&failure), "{failure:?}");
        }
        // Not a member yet in its own view: the message is handed over once it is (the
        // handover waits for it), but a change is not sent again.
        assert!(may_take_the_message_later(&with_code(421)));
        assert!(!unavailable(&with_code(421)));
        // Its tombstone, its quota, a signature or clock it does not accept.
        for code in [409, 507, 401, 403, 406] {
            assert!(!may_take_the_message_later(&with_code(code)), "{code}");
            assert!(!unavailable(&with_code(code)), "{code}");
        }
    }
}
