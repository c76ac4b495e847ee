//! Stores that a member of an account's swarm missed when they were forwarded to it, kept
//! until the handover task (`crate::handover`) queues them for that member.

use sesh_core::SessionId;
use sesh_core::attestation::NodeKey;
use std::collections::{BTreeMap, BTreeSet};

/// Most accounts [`MissedStores`] keeps for one peer: past it a member that stays
/// unreachable costs no more memory, and what it misses waits for a storage test's repair
/// or the next change of the active set.
const MISSED_ACCOUNTS_PER_PEER: usize = 65_536;

/// The accounts whose store a member of their swarm did not take when it was forwarded to
/// it (it timed out, could not be reached, or was not yet a member in its own view), by
/// member: `crate::handover::hand_over_forever` queues them to be handed over like a new
/// member's, so that the member is made whole once it answers again, rather than when a
/// storage test finds the gap or the active set next changes. Only stores: a delete or an expiry a
/// member missed is not something a handover can carry.
#[derive(Debug, Default)]
pub(crate) struct MissedStores(std::sync::Mutex<BTreeMap<NodeKey, (String, BTreeSet<SessionId>)>>);

impl MissedStores {
    /// Notes that the member `key` at `url` missed a store of `account`.
    pub(crate) fn note(&self, key: NodeKey, url: &str, account: SessionId) {
        let mut missed = self.0.lock().expect("missed stores lock");
        let (_, accounts) = missed
            .entry(key)
            .or_insert_with(|| (url.to_owned(), BTreeSet::new()));
        if accounts.len() < MISSED_ACCOUNTS_PER_PEER {
            accounts.insert(account);
        }
    }

    /// Takes every account noted so far, by member.
    pub(crate) fn take(&self) -> BTreeMap<NodeKey, (String, BTreeSet<SessionId>)> {
        std::mem::take(&mut *self.0.lock().expect("missed stores lock"))
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
        let missed = MissedStores::default();
        missed.note(key(1), "http://node-1", account(1));
        missed.note(key(1), "http://node-1", account(1));
        missed.note(key(1), "http://node-1", account(2));
        missed.note(key(2), "http://node-2", account(1));
        let taken = missed.take();
        assert_eq!(taken.len(), 2);
        assert_eq!(taken[&key(1)].0, "http://node-1");
        assert_eq!(taken[&key(1)].1, BTreeSet::from([account(1), account(2)]));
        assert_eq!(taken[&key(2)].1, BTreeSet::from([account(1)]));
        assert!(missed.take().is_empty(), "taken once");

        // One unreachable member's noted accounts stop growing at the bound.
        for i in 1..=MISSED_ACCOUNTS_PER_PEER as u64 + 10 {
            let key_bytes = alloy::primitives::B256::left_padding_from(&i.to_be_bytes());
            let account = SessionId::from_key(key_bytes).expect("not zero");
            missed.note(key(3), "http://node-3", account);
        }
        assert_eq!(missed.take()[&key(3)].1.len(), MISSED_ACCOUNTS_PER_PEER);
    }
}
