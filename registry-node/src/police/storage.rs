//! Storage tests, as Session's storage servers make them (oxenss `ServiceNode::
//! initiate_peer_test`, `process_storage_test_req`): a node asks a peer of one of its
//! swarms for a message the node holds itself and the peer must hold too, and the peer
//! must answer with the message's bytes (docs/policing.md, "Storage tests").
//!
//! Pure parts: which message each peer is asked for ([`assign`]) and what an answer is
//! worth ([`judge`]). The request and the route are `crate::policing::storage_test`.

use alloy::transports::http::reqwest;
use sesh_core::SessionId;
use sesh_core::attestation::NodeKey;
use sesh_core::storage_rpc::{MessageHash, SIGNATURE_TOLERANCE_MS};
use sesh_core::swarm;

/// How long ago a message must have been stored before a peer is tested on it, ms.
///
/// Session's testee, asked for a message it does not hold yet, retries for up to 55 s
/// (`TEST_RETRY_PERIOD`) before it answers; here the tester waits instead, and asks only
/// for messages at least a minute old, so that the store's forwarding to the swarm (done
/// before the store is answered) and a retried forward have had that minute.
pub(crate) const MIN_AGE_MS: u64 = 60_000;

/// How long a message must still live for a test on it, ms: one that expires during the
/// test (the peer prunes it) proves nothing.
pub(crate) const MIN_LIFE_MS: u64 = 60_000;

/// A message this node holds, as a candidate for a test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Candidate {
    /// Its namespace.
    pub namespace: i16,
    /// Its storage hash (`sesh_core::storage_rpc`'s, of the account, namespace and bytes).
    pub hash: [u8; 32],
    /// Its `timestamp` (ms): when it was stored, or up to a minute before
    /// (`sesh_core::storage_rpc::Store::kept_timestamp`).
    pub timestamp_ms: u64,
    /// When it expires (ms).
    pub expiry_ms: u64,
    /// Its bytes.
    pub data: Vec<u8>,
}

impl Candidate {
    /// Whether a peer can be tested on it at `now_ms`: old enough, not about to expire.
    /// A message's timestamp may be up to [`SIGNATURE_TOLERANCE_MS`] before it arrived,
    /// so that much more is waited.
    pub(crate) fn testable(&self, now_ms: u64) -> bool {
        self.timestamp_ms
            .saturating_add(MIN_AGE_MS + SIGNATURE_TOLERANCE_MS)
            <= now_ms
            && self.expiry_ms >= now_ms.saturating_add(MIN_LIFE_MS)
    }
}

/// One storage test to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Assignment {
    /// The peer tested.
    pub peer: NodeKey,
    /// The account whose message it is asked for.
    pub account: SessionId,
    /// The message.
    pub message: Candidate,
}

/// The storage tests of a round: at most one per peer, on a message of an account whose
/// swarm (among `active`) holds both `me` and the peer. `accounts` are the accounts this
/// node holds messages of, in the order to try them (the caller shuffles them, as Session
/// picks its message at random), and `candidates` reads an account's messages; it is
/// called only for accounts whose swarm holds `me` (not those it keeps as a former
/// member) and a peer still without a test. A peer that shares no swarm with `me`, or
/// only accounts without a testable message, is not tested.
pub(crate) fn assign(
    me: &NodeKey,
    active: &[NodeKey],
    accounts: &[SessionId],
    mut candidates: impl FnMut(&SessionId) -> Vec<Candidate>,
    now_ms: u64,
) -> Vec<Assignment> {
    let mut assigned: Vec<Assignment> = Vec::new();
    for account in accounts {
        let members = swarm::mailbox_swarm(active.to_vec(), account, |key| Some(*key));
        let untested = |peer: &NodeKey| *peer != *me && !assigned.iter().any(|a| a.peer == *peer);
        if !members.contains(me) || !members.iter().any(untested) {
            continue;
        }
        let Some(message) = candidates(account).into_iter().find(|c| c.testable(now_ms)) else {
            continue;
        };
        for peer in members {
            if peer != *me && !assigned.iter().any(|a| a.peer == peer) {
                assigned.push(Assignment {
                    peer,
                    account: *account,
                    message: message.clone(),
                });
            }
        }
    }
    assigned
}

/// Why a peer failed a storage test.
#[derive(Debug, thiserror::Error)]
pub(crate) enum StorageFailure {
    /// It says it does not hold the message.
    #[error("storage: it does not hold message {hash} of {account}")]
    Missing {
        /// The account.
        account: SessionId,
        /// The message's storage hash.
        hash: MessageHash,
    },
    /// It answered other bytes.
    #[error("storage: it answered other bytes for message {hash} of {account}")]
    Mismatch {
        /// The account.
        account: SessionId,
        /// The message's storage hash.
        hash: MessageHash,
    },
    /// It could not be asked: no connection, no answer in time (Session's "other" result).
    #[error("storage: no answer: {0}")]
    Unanswered(#[source] reqwest::Error),
    /// It answered 200 with something else than a message.
    #[error("storage: an unreadable answer: {0}")]
    Unreadable(#[source] reqwest::Error),
    /// It refused the request (Session's "wrong request" result): its status, and the
    /// start of its answer.
    #[error("storage: answered {status}: {answer}")]
    Refused {
        /// The HTTP status.
        status: u16,
        /// Up to 200 characters of the answer.
        answer: String,
    },
}

/// What a peer's answer to a storage test on `assignment` is worth: `answer` is the data
/// it returned, `None` when it said it does not hold the message (404).
pub(crate) fn judge(assignment: &Assignment, answer: Option<&[u8]>) -> Result<(), StorageFailure> {
    let hash = MessageHash::from_digest(&assignment.message.hash);
    match answer {
        Some(data) if data == assignment.message.data => Ok(()),
        Some(_) => Err(StorageFailure::Mismatch {
            account: assignment.account,
            hash,
        }),
        None => Err(StorageFailure::Missing {
            account: assignment.account,
            hash,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(n: u8) -> Vec<NodeKey> {
        (1..=n).map(|b| NodeKey([b; 32])).collect()
    }

    fn account(byte: u8) -> SessionId {
        sesh_core::envelope::session_id_from_seed(&[byte; 32])
    }

    fn candidate(byte: u8, timestamp_ms: u64, expiry_ms: u64) -> Candidate {
        Candidate {
            namespace: 0,
            hash: [byte; 32],
            timestamp_ms,
            expiry_ms,
            data: vec![byte],
        }
    }

    const NOW: u64 = 1_000_000_000;

    #[test]
    fn only_messages_a_minute_old_and_not_about_to_expire_are_tested() {
        let day = 86_400_000;
        let oldest_kept = MIN_AGE_MS + SIGNATURE_TOLERANCE_MS;
        assert!(candidate(1, NOW - oldest_kept, NOW + day).testable(NOW));
        assert!(!candidate(1, NOW - oldest_kept + 1, NOW + day).testable(NOW));
        assert!(!candidate(1, NOW - day, NOW + MIN_LIFE_MS - 1).testable(NOW));
        assert!(candidate(1, NOW - day, NOW + MIN_LIFE_MS).testable(NOW));
    }

    #[test]
    fn in_a_small_network_every_peer_is_tested_once_on_a_testable_message() {
        let active = keys(6);
        let old = candidate(7, NOW - 120_000, NOW + 3_600_000);
        let fresh = candidate(8, NOW - 1_000, NOW + 3_600_000);
        let held = [
            (account(1), vec![fresh.clone()]),
            (account(2), vec![fresh, old.clone()]),
            (account(3), vec![old.clone()]),
        ];
        let accounts: Vec<SessionId> = held.iter().map(|(a, _)| *a).collect();
        let mut read = Vec::new();
        let tests = assign(
            &active[0],
            &active,
            &accounts,
            |account| {
                read.push(*account);
                let found = held.iter().find(|(a, _)| a == account);
                found.map(|(_, c)| c.clone()).unwrap_or_default()
            },
            NOW,
        );
        let mut peers: Vec<NodeKey> = tests.iter().map(|t| t.peer).collect();
        peers.sort();
        assert_eq!(peers, active[1..]);
        // Account 1 has no testable message: the first account that has one is used, and
        // account 3 is not read (every peer has its test).
        assert!(
            tests
                .iter()
                .all(|t| t.account == account(2) && t.message == old)
        );
        assert_eq!(read, [account(1), account(2)]);
    }

    #[test]
    fn peers_are_tested_only_on_accounts_of_swarms_shared_with_them() {
        let active = keys(20);
        let me = active[0];
        let accounts: Vec<SessionId> = (1..=40).map(account).collect();
        let read = |_: &SessionId| vec![candidate(1, NOW - 120_000, NOW + 3_600_000)];
        let tests = assign(&me, &active, &accounts, read, NOW);
        assert!(!tests.is_empty());
        for test in &tests {
            assert!(swarm::is_member(&active, &test.account, &me));
            assert!(swarm::is_member(&active, &test.account, &test.peer));
            assert_ne!(test.peer, me);
        }
        let mut peers: Vec<NodeKey> = tests.iter().map(|t| t.peer).collect();
        peers.sort();
        peers.dedup();
        assert_eq!(peers.len(), tests.len(), "one test per peer");
        // A node that keeps none of these accounts tests nobody.
        let outsider = NodeKey([0xee; 32]);
        assert!(assign(&outsider, &active, &accounts, read, NOW).is_empty());
    }

    #[test]
    fn an_answer_passes_only_with_the_same_bytes() {
        let test = Assignment {
            peer: NodeKey([2; 32]),
            account: account(1),
            message: candidate(9, NOW - 120_000, NOW + 3_600_000),
        };
        assert!(judge(&test, Some(&[9])).is_ok());
        assert!(matches!(
            judge(&test, Some(&[8])),
            Err(StorageFailure::Mismatch { .. })
        ));
        let missing = judge(&test, None).unwrap_err();
        assert!(matches!(missing, StorageFailure::Missing { .. }));
        assert!(missing.to_string().starts_with("storage: "), "{missing}");
    }
}
