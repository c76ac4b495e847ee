//! The active sets a node's index held and replaced lately, so that a member that left an
//! account's swarm keeps answering its retrieves for [`GRACE`] (`crate::handover` explains
//! why). [`Status`](crate::status::Status) holds them and notes the set after every commit of
//! the index.
//!
//! Times are chain time: the timestamp of the block the index is at (Unix seconds), the
//! clock the active set itself is read at. Every node of the set then ends the grace of a
//! change at the same head, whatever its own clock, and a test moves it with the chain.

use sesh_core::SessionId;
use sesh_core::attestation::NodeKey;
use sesh_core::swarm;
use std::time::Duration;

/// How long a member that left an account's swarm keeps answering its retrieves.
pub(crate) const GRACE: Duration = Duration::from_secs(3600);

/// The active sets this node's index replaced in the last [`GRACE`], so that a member that
/// left an account's swarm keeps answering its retrieves for a while. Each set is noted
/// ([`FormerSwarms::observe`]) when the index commits it, so none is missed.
#[derive(Debug, Default)]
pub(crate) struct FormerSwarms {
    state: std::sync::Mutex<Observed>,
}

#[derive(Debug, Default)]
struct Observed {
    /// The last set noted (sorted keys).
    current: Option<Vec<NodeKey>>,
    /// (when it was replaced, in chain seconds; the set's keys).
    replaced: Vec<(u64, Vec<NodeKey>)>,
}

impl FormerSwarms {
    /// Notes `set` (sorted) as the active set at chain time `at` (seconds): if the last set
    /// noted differs, it was replaced at `at`.
    pub(crate) fn observe(&self, set: &[NodeKey], at: u64) {
        let mut state = self.state.lock().expect("former swarms lock");
        if state.current.as_deref() == Some(set) {
            return;
        }
        if let Some(old) = state.current.replace(set.to_vec()) {
            state
                .replaced
                .retain(|(replaced, _)| at.saturating_sub(*replaced) < GRACE.as_secs());
            state.replaced.push((at, old));
        }
    }

    /// Whether `me` was a member of `session_id`'s swarm in a set replaced less than
    /// [`GRACE`] before chain time `now` (seconds).
    pub(crate) fn kept_recently(&self, session_id: &SessionId, me: &NodeKey, now: u64) -> bool {
        let state = self.state.lock().expect("former swarms lock");
        state.replaced.iter().any(|(replaced, set)| {
            now.saturating_sub(*replaced) < GRACE.as_secs()
                && set.contains(me)
                && swarm::is_member(set, session_id, me)
        })
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
    fn a_former_member_keeps_answering_for_the_grace_only() {
        let former = FormerSwarms::default();
        let set: Vec<NodeKey> = (1..=9).map(key).collect();
        let a = (1..=60)
            .map(account)
            .find(|a| swarm::is_member(&set, a, &key(4)))
            .unwrap();
        let outsider = *set.iter().find(|k| !swarm::is_member(&set, &a, k)).unwrap();
        let at = 1_800_000_000;
        former.observe(&set, at);
        // Nothing was replaced yet.
        assert!(!former.kept_recently(&a, &key(4), at));
        former.observe(&set, at);
        assert!(!former.kept_recently(&a, &key(4), at));
        former.observe(&set[..8], at);
        assert!(former.kept_recently(&a, &key(4), at + 60));
        assert!(former.kept_recently(&a, &key(4), at + GRACE.as_secs() - 1));
        assert!(!former.kept_recently(&a, &outsider, at));
        assert!(!former.kept_recently(&a, &key(4), at + GRACE.as_secs()));
    }
}
