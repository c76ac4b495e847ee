//! Which registry nodes serve a subject: rendezvous (highest random weight)
//! hashing over the active node set.
//!
//! Every node of the set gets the score `keccak256(subject ‖ node key)` and the
//! highest scores win: the [`SWARM_SIZE`] best keep a mailbox, the
//! [`ASK`](crate::agreement::ASK) best answer a lookup. The choice depends only
//! on the subject and the set, not on the order the set is listed in, so the
//! wallet and the nodes compute the same swarm from the same chain state.
//!
//! Subjects: a name lookup uses the name, a Session ID lookup and a mailbox use
//! the Session ID as 66 lowercase hex characters ([`mailbox_subject`]).
//!
//! ## Swarms as Session sizes them, placed without a swarm registry
//!
//! Session's storage servers keep each account on a swarm of at least 5 nodes,
//! ideally 7 and at most 10, and while fewer nodes exist every node keeps every
//! account. Our mailbox swarm is the account's [`SWARM_SIZE`] = 7 best scores:
//! exactly 7 members whenever 7 or more nodes are active, every active node
//! while fewer are.
//!
//! Session places accounts differently: oxend groups the nodes into disjoint
//! swarms with 64-bit ids recorded in its chain state, and an account belongs
//! to the swarm whose id is nearest the XOR of its key's four 64-bit words. Our
//! contracts keep no swarm ids, and keeping them would need an on-chain
//! rebalancing rule and a transaction each time swarms split or merge.
//! Rendezvous hashing needs no state beyond the active set, and it moves as
//! little as can move: when a node joins or leaves, only the accounts whose
//! top 7 it enters or leaves change swarm (about 7 in every n accounts), and
//! each of those gains or loses that one member only. The nodes hand those
//! accounts' messages to their new members (the registry node's handover).
//! What a Session client needs from placement it gets unchanged: `get_swarm`
//! and every 421 answer list the members.
use crate::attestation::NodeKey;
use crate::session_id::SessionId;
use alloy::primitives::keccak256;

/// How many nodes keep a mailbox: Session's ideal swarm size (every active node
/// while fewer are active).
pub const SWARM_SIZE: usize = 7;

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

/// The mailbox swarm of `session_id` among `active` items, best first.
pub fn mailbox_swarm<T>(
    active: Vec<T>,
    session_id: &SessionId,
    key: impl Fn(&T) -> Option<NodeKey>,
) -> Vec<T> {
    pick(active, &mailbox_subject(session_id), key, SWARM_SIZE)
}

/// Whether `node` keeps the mailbox of `session_id` among `active` node keys.
pub fn is_member(active: &[NodeKey], session_id: &SessionId, node: &NodeKey) -> bool {
    mailbox_swarm(active.to_vec(), session_id, |k| Some(*k)).contains(node)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn keys(n: u8) -> Vec<NodeKey> {
        (1..=n).map(|b| NodeKey([b; 32])).collect()
    }

    fn session_id(byte: u8) -> SessionId {
        SessionId::from_key([byte; 32].into()).expect("not zero")
    }

    #[test]
    fn the_mailbox_swarm_is_the_seven_highest_scores() {
        let account = session_id(0xaa);
        let subject = mailbox_subject(&account);
        let mut scored: Vec<_> = keys(12)
            .into_iter()
            .map(|k| (score(&subject, &k), k))
            .collect();
        scored.sort();
        let best: Vec<_> = scored.iter().rev().take(7).map(|(_, k)| *k).collect();
        assert_eq!(mailbox_swarm(keys(12), &account, |k| Some(*k)), best);
        assert!(best.iter().all(|k| is_member(&keys(12), &account, k)));
        assert_eq!(
            keys(12)
                .iter()
                .filter(|k| is_member(&keys(12), &account, k))
                .count(),
            SWARM_SIZE
        );
    }

    #[test]
    fn every_node_keeps_every_mailbox_while_fewer_than_seven_are_active() {
        for n in 1..=7 {
            let swarm = mailbox_swarm(keys(n), &session_id(1), |k| Some(*k));
            assert_eq!(swarm.len(), usize::from(n));
        }
        assert_eq!(
            mailbox_swarm(keys(10), &session_id(1), |k| Some(*k)).len(),
            7
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
