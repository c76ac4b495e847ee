//! Writes that a member of an account's swarm missed when they were forwarded to it (it
//! timed out, could not be reached, failed inside, or was not yet a member in its own
//! view), kept by member until the tasks that catch it up take them:
//!
//! - a missed `store` is kept as its account: the handover task
//!   (`crate::handover::hand_over_forever`) queues it as it queues a new member's
//!   accounts, so that the member is handed the account's messages once it answers again;
//! - a missed `delete` or `expire` is kept as the forwarded request itself: the
//!   redelivery task (`crate::handlers::storage_rpc::forward::redeliver_forever`) sends it
//!   again, under a fresh MAC, until the member carries it out or refuses it by its rules.
//!   The client's signature still holds: a `delete` carries no timestamp, and an `expire`
//!   holds until a minute past its expiry (after that the member keeps the message until
//!   its earlier expiry). A `delete_all` is not sent again: its signature holds for 70 s
//!   only and a restarted member refuses it as signed before it started, and a late one
//!   would delete what was stored after it.
//!
//! Both are bounded by member, so that a member that stays unreachable costs a bounded
//! amount of memory; past the bounds a store waits for a storage test's repair or the
//! forwarding node's next start (which hands everything to every member), and a change
//! is lost.

use sesh_core::SessionId;
use sesh_core::attestation::NodeKey;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::{Arc, Mutex};

/// Most accounts kept for one member.
pub(crate) const ACCOUNTS_PER_MEMBER: usize = 65_536;

/// Most changes kept for one member; past it the oldest go.
pub(crate) const CHANGES_PER_MEMBER: usize = 4_096;

/// Most bytes of changes kept for one member (a request may name thousands of hashes);
/// past it the oldest go.
pub(crate) const CHANGE_BYTES_PER_MEMBER: usize = 8 * 1024 * 1024;

/// A member's URL and what it missed, of one kind.
type ByMember<T> = BTreeMap<NodeKey, (String, T)>;

/// One member's missed changes (forwarded request bodies), oldest first, bounded by
/// [`CHANGES_PER_MEMBER`] and [`CHANGE_BYTES_PER_MEMBER`].
#[derive(Debug, Default)]
pub(crate) struct Changes {
    bodies: VecDeque<Arc<str>>,
    bytes: usize,
}

impl Changes {
    /// Appends `body`, dropping the oldest past the bounds.
    pub(crate) fn push(&mut self, body: Arc<str>) {
        self.bytes += body.len();
        self.bodies.push_back(body);
        while self.bodies.len() > CHANGES_PER_MEMBER || self.bytes > CHANGE_BYTES_PER_MEMBER {
            match self.bodies.pop_front() {
                Some(oldest) => self.bytes -= oldest.len(),
                None => break,
            }
        }
    }

    /// Appends every change of `newer`, in order.
    pub(crate) fn extend(&mut self, newer: Changes) {
        newer.bodies.into_iter().for_each(|body| self.push(body));
    }

    /// The oldest change.
    pub(crate) fn front(&self) -> Option<&Arc<str>> {
        self.bodies.front()
    }

    /// Drops the oldest change.
    pub(crate) fn pop_front(&mut self) {
        if let Some(oldest) = self.bodies.pop_front() {
            self.bytes -= oldest.len();
        }
    }

    /// Whether none is left.
    pub(crate) fn is_empty(&self) -> bool {
        self.bodies.is_empty()
    }
}

/// The writes members missed, by member ([the module](self)).
#[derive(Debug, Default)]
pub(crate) struct MissedWrites {
    stores: Mutex<ByMember<BTreeSet<SessionId>>>,
    changes: Mutex<ByMember<Changes>>,
}

impl MissedWrites {
    /// Notes that the member `key` at `url` missed a store of `account`.
    pub(crate) fn note_store(&self, key: NodeKey, url: &str, account: SessionId) {
        let mut stores = self.stores.lock().expect("missed writes lock");
        let (_, accounts) = stores
            .entry(key)
            .or_insert_with(|| (url.to_owned(), BTreeSet::new()));
        if accounts.len() < ACCOUNTS_PER_MEMBER {
            accounts.insert(account);
        }
    }

    /// Notes that the member `key` at `url` missed the change forwarded as `body`.
    pub(crate) fn note_change(&self, key: NodeKey, url: &str, body: Arc<str>) {
        let mut changes = self.changes.lock().expect("missed writes lock");
        let (_, bodies) = changes
            .entry(key)
            .or_insert_with(|| (url.to_owned(), Changes::default()));
        bodies.push(body);
    }

    /// Takes every account noted so far, by member.
    pub(crate) fn take_stores(&self) -> ByMember<BTreeSet<SessionId>> {
        std::mem::take(&mut *self.stores.lock().expect("missed writes lock"))
    }

    /// Takes every change noted so far, by member, oldest first.
    pub(crate) fn take_changes(&self) -> ByMember<Changes> {
        std::mem::take(&mut *self.changes.lock().expect("missed writes lock"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> NodeKey {
        NodeKey([byte; 32])
    }

    fn account(byte: u8) -> SessionId {
        sesh_core::envelope::session_id_from_seed(&[byte; 32])
    }

    #[test]
    fn missed_stores_are_taken_once_by_member_and_bounded() {
        let missed = MissedWrites::default();
        missed.note_store(key(1), "http://node-1", account(1));
        missed.note_store(key(1), "http://node-1", account(1));
        missed.note_store(key(1), "http://node-1", account(2));
        missed.note_store(key(2), "http://node-2", account(1));
        let taken = missed.take_stores();
        assert_eq!(taken.len(), 2);
        assert_eq!(taken[&key(1)].0, "http://node-1");
        assert_eq!(taken[&key(1)].1, BTreeSet::from([account(1), account(2)]));
        assert_eq!(taken[&key(2)].1, BTreeSet::from([account(1)]));
        assert!(missed.take_stores().is_empty(), "taken once");

        // One unreachable member's noted accounts stop growing at the bound.
        for i in 1..=ACCOUNTS_PER_MEMBER as u64 + 10 {
            let key_bytes = alloy::primitives::B256::left_padding_from(&i.to_be_bytes());
            let account = SessionId::from_key(key_bytes).expect("not zero");
            missed.note_store(key(3), "http://node-3", account);
        }
        assert_eq!(missed.take_stores()[&key(3)].1.len(), ACCOUNTS_PER_MEMBER);
    }

    #[test]
    fn missed_changes_are_taken_once_in_order_and_the_oldest_go_past_the_bound() {
        let missed = MissedWrites::default();
        missed.note_change(key(1), "http://node-1", "first".into());
        missed.note_change(key(1), "http://node-1", "second".into());
        let taken = missed.take_changes();
        let bodies: Vec<&str> = taken[&key(1)].1.bodies.iter().map(|b| &**b).collect();
        assert_eq!(bodies, ["first", "second"]);
        assert!(missed.take_changes().is_empty(), "taken once");

        for i in 0..CHANGES_PER_MEMBER + 2 {
            missed.note_change(key(2), "http://node-2", i.to_string().into());
        }
        let mut taken = missed.take_changes();
        let changes = &mut taken.get_mut(&key(2)).expect("noted").1;
        assert_eq!(changes.bodies.len(), CHANGES_PER_MEMBER);
        assert_eq!(
            &**changes.front().expect("some"),
            "2",
            "the two oldest went"
        );
        changes.pop_front();
        assert_eq!(&**changes.front().expect("some"), "3");
    }

    #[test]
    fn missed_changes_are_bounded_by_bytes_too() {
        let mut changes = Changes::default();
        let big: Arc<str> = "x".repeat(CHANGE_BYTES_PER_MEMBER / 2).into();
        changes.push("small".into());
        changes.push(big.clone());
        changes.push(big.clone());
        assert_eq!(changes.bodies.len(), 2, "the oldest went to make room");
        assert_eq!(changes.bytes, CHANGE_BYTES_PER_MEMBER);
        let mut more = Changes::default();
        more.push("tail".into());
        changes.extend(more);
        assert_eq!(changes.bodies.len(), 2);
        assert_eq!(&**changes.bodies.back().expect("some"), "tail");
        changes.pop_front();
        changes.pop_front();
        assert!(changes.is_empty());
        assert_eq!(changes.bytes, 0);
    }
}
