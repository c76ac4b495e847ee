//! Writes that a member of an account's swarm missed when they were forwarded to it (it
//! timed out, could not be reached, failed inside, or was not yet a member in its own
//! view), kept by member until the tasks that catch it up take them:
//!
//! - a missed `store` is kept as its account: the handover task
//!   (`crate::handover::hand_over_forever`) queues it as it queues a new member's
//!   accounts, so that the member is handed the account's messages once it answers again;
//! - a missed `delete`, `delete_all` or `expire` is kept as the forwarded request itself:
//!   the redelivery task (`crate::handlers::storage_rpc::forward::redeliver_forever`)
//!   sends it again, under a fresh MAC, until the member carries it out or refuses it by
//!   its rules. The client's signature still holds: a `delete` carries no timestamp, an
//!   `expire` holds until its expiry (then the message is gone anyway), a `delete_all`
//!   for 70 s after it was signed.
//!
//! Both are bounded by member, so that a member that stays unreachable costs a bounded
//! amount of memory; past the bounds what it misses waits for a storage test's repair or
//! the next change of the active set, and a change is lost.

use sesh_core::SessionId;
use sesh_core::attestation::NodeKey;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::{Arc, Mutex};

/// Most accounts kept for one member.
pub(crate) const ACCOUNTS_PER_MEMBER: usize = 65_536;

/// Most changes kept for one member (a change is at most a few KB: a delete of many
/// hashes); past it the oldest goes.
pub(crate) const CHANGES_PER_MEMBER: usize = 4_096;

/// A member's URL and what it missed, of one kind.
type ByMember<T> = BTreeMap<NodeKey, (String, T)>;

/// The writes members missed, by member ([the module](self)).
#[derive(Debug, Default)]
pub(crate) struct MissedWrites {
    stores: Mutex<ByMember<BTreeSet<SessionId>>>,
    changes: Mutex<ByMember<VecDeque<Arc<str>>>>,
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
            .or_insert_with(|| (url.to_owned(), VecDeque::new()));
        push_bounded(bodies, body);
    }

    /// Takes every account noted so far, by member.
    pub(crate) fn take_stores(&self) -> ByMember<BTreeSet<SessionId>> {
        std::mem::take(&mut *self.stores.lock().expect("missed writes lock"))
    }

    /// Takes every change noted so far, by member, oldest first.
    pub(crate) fn take_changes(&self) -> ByMember<VecDeque<Arc<str>>> {
        std::mem::take(&mut *self.changes.lock().expect("missed writes lock"))
    }
}

/// Appends `body` to a member's changes, dropping the oldest past [`CHANGES_PER_MEMBER`].
pub(crate) fn push_bounded(bodies: &mut VecDeque<Arc<str>>, body: Arc<str>) {
    if bodies.len() >= CHANGES_PER_MEMBER {
        bodies.pop_front();
    }
    bodies.push_back(body);
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
        let bodies: Vec<&str> = taken[&key(1)].1.iter().map(|b| &**b).collect();
        assert_eq!(bodies, ["first", "second"]);
        assert!(missed.take_changes().is_empty(), "taken once");

        for i in 0..CHANGES_PER_MEMBER + 2 {
            missed.note_change(key(2), "http://node-2", i.to_string().into());
        }
        let taken = missed.take_changes();
        let bodies = &taken[&key(2)].1;
        assert_eq!(bodies.len(), CHANGES_PER_MEMBER);
        assert_eq!(&*bodies[0], "2", "the two oldest went");
    }
}
