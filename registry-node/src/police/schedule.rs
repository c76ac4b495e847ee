//! Who tests whom: periods of chain time, and each node's testers of a period by
//! rendezvous hashing (docs/policing.md, "What is tested, by whom").
//!
//! The testers of node `T` in period `p` are the [`TESTERS`] other active nodes with
//! the highest `keccak256("sesh-police/v1" ‖ p ‖ T ‖ X)`. Choosing per target (not
//! per tester) is what guarantees every node exactly [`TESTERS`] testers, whatever
//! the network's size; the score changes with the period, so nobody can choose or
//! predict its testers long ahead.

use alloy::primitives::keccak256;
use sesh_core::attestation::NodeKey;

/// Seconds of chain time in a period: each node is tested once a period.
pub(crate) const PERIOD_SECS: u64 = 600;

/// How many peers run the lookup, storage and key-proof tests on each node each period.
pub(crate) const TESTERS: usize = 5;

/// The first bytes of every score, so no other rendezvous (swarms, lookups) shares it.
const DOMAIN: &[u8] = b"sesh-police/v1";

/// The longest a round of tests is spread over, seconds: the first half of a period, so a
/// round's results are in (and its votes out) well before the next.
pub(crate) const MAX_SPREAD_SECS: u64 = PERIOD_SECS / 2;

/// The first bytes of a test's offset hash.
const OFFSET_DOMAIN: &[u8] = b"sesh-police-offset/v1";

/// The period chain time `timestamp` falls in.
pub(crate) fn period(timestamp: u64) -> u64 {
    timestamp / PERIOD_SECS
}

/// The score of `tester` as a tester of `target` in `period`.
fn score(period: u64, target: &NodeKey, tester: &NodeKey) -> [u8; 32] {
    let mut bytes = Vec::with_capacity(DOMAIN.len() + 8 + 64);
    bytes.extend_from_slice(DOMAIN);
    bytes.extend_from_slice(&period.to_be_bytes());
    bytes.extend_from_slice(&target.0);
    bytes.extend_from_slice(&tester.0);
    keccak256(bytes).0
}

/// The testers of `target` in `period` among `active` (the target itself and duplicates
/// are skipped): [`TESTERS`] nodes, or every other node while fewer are active, best
/// score first. The order of `active` does not matter.
pub(crate) fn testers_of(period: u64, target: &NodeKey, active: &[NodeKey]) -> Vec<NodeKey> {
    let mut scored: Vec<([u8; 32], NodeKey)> = active
        .iter()
        .filter(|key| *key != target)
        .map(|key| (score(period, target, key), *key))
        .collect();
    // Ties need equal keys (a keccak collision otherwise), so sorting the pair
    // also drops duplicates deterministically.
    scored.sort_unstable_by(|a, b| b.cmp(a));
    scored.dedup();
    scored.truncate(TESTERS);
    scored.into_iter().map(|(_, key)| key).collect()
}

/// The nodes `tester` tests in `period`: those whose [`testers_of`] include it, in the
/// order of `active`. About [`TESTERS`] on average; `active.len()²` hashes, about a
/// second for 2,000 nodes, once a period.
pub(crate) fn targets_of(period: u64, tester: &NodeKey, active: &[NodeKey]) -> Vec<NodeKey> {
    active
        .iter()
        .filter(|target| *target != tester && testers_of(period, target, active).contains(tester))
        .copied()
        .collect()
}

/// When, after its round starts, `tester` tests `target` in `period`: a point in the first
/// `window_ms` milliseconds fixed by `keccak256("sesh-police-offset/v1" ‖ period ‖ tester ‖
/// target)`, so the tests a node receives in a period arrive spread over the window
/// instead of all as the period starts, and nobody picks the moment (0 when `window_ms`
/// is 0).
pub(crate) fn offset_ms(period: u64, tester: &NodeKey, target: &NodeKey, window_ms: u64) -> u64 {
    if window_ms == 0 {
        return 0;
    }
    let mut bytes = Vec::with_capacity(OFFSET_DOMAIN.len() + 8 + 64);
    bytes.extend_from_slice(OFFSET_DOMAIN);
    bytes.extend_from_slice(&period.to_be_bytes());
    bytes.extend_from_slice(&tester.0);
    bytes.extend_from_slice(&target.0);
    let hash = keccak256(bytes);
    let value = u64::from_be_bytes(hash[..8].try_into().expect("8 bytes"));
    value % window_ms
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn keys(n: usize) -> Vec<NodeKey> {
        (0..n)
            .map(|i| NodeKey(keccak256((i as u64).to_be_bytes()).0))
            .collect()
    }

    #[test]
    fn every_node_has_exactly_five_testers_none_itself() {
        let active = keys(40);
        for period in [0, 1, 2_000_000] {
            for target in &active {
                let testers = testers_of(period, target, &active);
                assert_eq!(testers.len(), TESTERS);
                assert!(!testers.contains(target));
                let mut distinct = testers.clone();
                distinct.sort();
                distinct.dedup();
                assert_eq!(distinct.len(), TESTERS);
            }
        }
    }

    #[test]
    fn small_networks_test_every_other_node() {
        let active = keys(4);
        let testers = testers_of(7, &active[0], &active);
        assert_eq!(testers.len(), 3);
        assert!(testers.iter().all(|t| active[1..].contains(t)));
        assert!(testers_of(7, &active[0], &active[..1]).is_empty());
    }

    #[test]
    fn the_listing_order_and_duplicates_change_nothing() {
        let active = keys(20);
        let mut shuffled: Vec<NodeKey> = active.iter().rev().copied().collect();
        shuffled.extend_from_slice(&active[..5]);
        for target in &active {
            assert_eq!(
                testers_of(3, target, &active),
                testers_of(3, target, &shuffled)
            );
        }
    }

    #[test]
    fn testers_change_from_period_to_period() {
        let active = keys(50);
        let changed = (0..20)
            .filter(|p| {
                testers_of(*p, &active[0], &active) != testers_of(p + 1, &active[0], &active)
            })
            .count();
        assert!(changed >= 19, "{changed}");
    }

    #[test]
    fn targets_of_is_the_inverse_of_testers_of() {
        let active = keys(30);
        let period = 12;
        let mut tested_by: HashMap<NodeKey, usize> = HashMap::new();
        let mut total = 0;
        for tester in &active {
            let targets = targets_of(period, tester, &active);
            for target in &targets {
                assert!(testers_of(period, target, &active).contains(tester));
                *tested_by.entry(*target).or_default() += 1;
            }
            total += targets.len();
        }
        assert_eq!(total, active.len() * TESTERS);
        assert!(tested_by.values().all(|count| *count == TESTERS));
    }

    #[test]
    fn offsets_spread_tests_over_the_window_and_change_each_period() {
        let active = keys(200);
        let window = MAX_SPREAD_SECS * 1000;
        let offsets: Vec<u64> = active[1..]
            .iter()
            .map(|tester| offset_ms(9, tester, &active[0], window))
            .collect();
        assert!(offsets.iter().all(|o| *o < window));
        // The tests of one node fall in every tenth of the window, not in one moment.
        for tenth in 0..10 {
            let range = tenth * window / 10..(tenth + 1) * window / 10;
            assert!(offsets.iter().any(|o| range.contains(o)), "{tenth}");
        }
        assert_ne!(
            offset_ms(9, &active[1], &active[0], window),
            offset_ms(10, &active[1], &active[0], window)
        );
        assert_eq!(offset_ms(9, &active[1], &active[0], 0), 0);
    }

    #[test]
    fn periods_are_ten_minutes_of_chain_time() {
        assert_eq!(period(0), 0);
        assert_eq!(period(599), 0);
        assert_eq!(period(600), 1);
        assert_eq!(period(1_767_225_600), 2_945_376);
    }
}
