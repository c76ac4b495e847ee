//! Which registry nodes serve a subject: rendezvous (highest random weight)
//! hashing over the active node set.
//!
//! Every node of the set gets the score `keccak256(subject ‖ node key)` and the
//! [`SWARM_SIZE`] highest scores win. The choice depends only on the subject
//! and the set, not on the order the set is listed in, so the wallet and the
//! nodes compute the same swarm from the same chain state; when a node joins or
//! leaves, only the subjects whose top 3 it enters or leaves move.
//!
//! Subjects: a name lookup uses the name, a Session ID lookup and a mailbox use
//! the Session ID as 66 lowercase hex characters ([`mailbox_subject`]).

use crate::attestation::NodeKey;
use crate::session_id::SessionId;
use alloy::primitives::keccak256;

/// How many nodes hold a mailbox (and answer a lookup).
pub const SWARM_SIZE: usize = 3;

/// The rendezvous score of a node for a subject (higher wins).
pub fn score(subject: &[u8], node_key: &NodeKey) -> [u8; 32] {
    let mut bytes = Vec::with_capacity(subject.len() + 32);
    bytes.extend_from_slice(subject);
    bytes.extend_from_slice(&node_key.0);
    keccak256(&bytes).0
}

/// The subject of a Session ID's mailbox: its 66-character hex form.
pub fn mailbox_subject(session_id: &SessionId) -> Vec<u8> {
    session_id.to_string().into_bytes()
}

/// The `n` items with the highest [`score`] for `subject`, best first. Items
/// without a key score lowest (they are only chosen when there are too few
/// keyed ones).
pub fn pick<T>(
    mut items: Vec<T>,
    subject: &[u8],
    key: impl Fn(&T) -> Option<NodeKey>,
    n: usize,
) -> Vec<T> {
    items.sort_by_cached_key(|item| std::cmp::Reverse(key(item).map(|k| score(subject, &k))));
    items.truncate(n);
    items
}

/// Whether `node` is in the swarm of `subject` among `active` node keys.
pub fn is_member(active: &[NodeKey], subject: &[u8], node: &NodeKey) -> bool {
    pick(active.to_vec(), subject, |k| Some(*k), SWARM_SIZE).contains(node)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn keys(n: u8) -> Vec<NodeKey> {
        (1..=n).map(|b| NodeKey([b; 32])).collect()
    }

    #[test]
    fn the_swarm_is_the_three_highest_scores() {
        let subject = b"05aa";
        let mut scored: Vec<_> = keys(8)
            .into_iter()
            .map(|k| (score(subject, &k), k))
            .collect();
        scored.sort();
        let best: Vec<_> = scored.iter().rev().take(3).map(|(_, k)| *k).collect();
        assert_eq!(pick(keys(8), subject, |k| Some(*k), SWARM_SIZE), best);
        assert!(best.iter().all(|k| is_member(&keys(8), subject, k)));
        assert_eq!(
            keys(8)
                .iter()
                .filter(|k| is_member(&keys(8), subject, k))
                .count(),
            3
        );
    }

    #[test]
    fn unkeyed_items_come_last() {
        let items = vec![None, Some(NodeKey([1; 32])), None];
        let picked = pick(items, b"x", |k| *k, 2);
        assert_eq!(picked[0], Some(NodeKey([1; 32])));
        assert_eq!(picked[1], None);
    }

    proptest! {
        #[test]
        fn the_order_of_the_set_does_not_matter(seed in any::<u64>(), n in 1u8..12) {
            let subject = seed.to_be_bytes();
            let forward = pick(keys(n), &subject, |k| Some(*k), SWARM_SIZE);
            let mut reversed = keys(n);
            reversed.reverse();
            prop_assert_eq!(forward.len(), usize::from(n).min(SWARM_SIZE));
            prop_assert_eq!(forward, pick(reversed, &subject, |k| Some(*k), SWARM_SIZE));
        }

        #[test]
        fn a_node_leaving_moves_only_its_own_subjects(seed in any::<u64>()) {
            let subject = seed.to_be_bytes();
            let all = keys(7);
            let before = pick(all.clone(), &subject, |k| Some(*k), SWARM_SIZE);
            let gone = all[3];
            let rest: Vec<_> = all.into_iter().filter(|k| *k != gone).collect();
            let after = pick(rest, &subject, |k| Some(*k), SWARM_SIZE);
            // Everyone who stayed in the set and was in the swarm is still in it.
            for key in before.iter().filter(|k| **k != gone) {
                prop_assert!(after.contains(key));
            }
        }
    }
}
