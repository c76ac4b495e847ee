//! Refusing a signed mailbox request seen before.
//!
//! A signature is valid for 60 s either side of the node's clock (70 s in a
//! request another member forwards), so the node remembers every signature it
//! accepted until its timestamp leaves the wider window, and refuses a second
//! request carrying it. The memory is the
//! process's: after a restart the node refuses every signature made before it
//! started (those it may have seen), so nothing signed can be replayed across a
//! restart either. A client whose clock runs behind the node's by up to 60 s
//! is refused only in the first minute after a restart, and signs again.

use sesh_core::envelope::RETRIEVE_WINDOW_MS;
use sesh_core::storage_rpc::SIGNATURE_TOLERANCE_FORWARDED_MS;

/// How long after its timestamp a signature can still be accepted: by a client's request
/// or, later still, by another member's forward of it.
const ACCEPTED_FOR_MS: u64 = if SIGNATURE_TOLERANCE_FORWARDED_MS > RETRIEVE_WINDOW_MS {
    SIGNATURE_TOLERANCE_FORWARDED_MS
} else {
    RETRIEVE_WINDOW_MS
};
use std::collections::HashMap;
use std::sync::Mutex;

/// Why a signature is refused as a replay.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ReplayError {
    /// The same signature came before.
    #[error("this request was already made (each signature is accepted once): sign it again")]
    Seen,
    /// Signed before this node started.
    #[error(
        "the request was signed at {timestamp_ms}, before this node started ({started_ms}): sign it again"
    )]
    BeforeStart {
        /// The request's timestamp.
        timestamp_ms: u64,
        /// When the node started.
        started_ms: u64,
    },
}

/// Signatures accepted in the last window.
#[derive(Debug)]
pub(crate) struct ReplayGuard {
    started_ms: u64,
    seen: Mutex<HashMap<[u8; 64], u64>>,
}

impl ReplayGuard {
    /// A guard for a node started at `started_ms`.
    pub(crate) fn new(started_ms: u64) -> Self {
        Self {
            started_ms,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Accepts `signature` (of a request timestamped `timestamp_ms`, already
    /// checked to be within the window of `now_ms`) once.
    pub(crate) fn admit(
        &self,
        signature: &[u8; 64],
        timestamp_ms: u64,
        now_ms: u64,
    ) -> Result<(), ReplayError> {
        if timestamp_ms < self.started_ms {
            return Err(ReplayError::BeforeStart {
                timestamp_ms,
                started_ms: self.started_ms,
            });
        }
        let mut seen = self.seen.lock().expect("replay guard lock");
        if seen.len() >= 4_096 {
            // Amortised: forget what can no longer be replayed (out of the window for good).
            seen.retain(|_, forget_at| *forget_at > now_ms);
        }
        if seen.contains_key(signature) {
            return Err(ReplayError::Seen);
        }
        seen.insert(*signature, timestamp_ms + ACCEPTED_FOR_MS + 1);
        Ok(())
    }

    /// How many signatures are remembered.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.seen.lock().expect("replay guard lock").len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_is_accepted_once() {
        let guard = ReplayGuard::new(1_000);
        guard.admit(&[1; 64], 2_000, 2_000).unwrap();
        assert_eq!(guard.admit(&[1; 64], 2_000, 2_500), Err(ReplayError::Seen));
        guard.admit(&[2; 64], 2_000, 2_500).unwrap();
    }

    #[test]
    fn signatures_older_than_the_process_are_refused() {
        let guard = ReplayGuard::new(10_000);
        assert!(matches!(
            guard.admit(&[1; 64], 9_999, 10_001),
            Err(ReplayError::BeforeStart { .. })
        ));
    }

    #[test]
    fn forgets_only_what_left_the_window() {
        let guard = ReplayGuard::new(0);
        for i in 0..4_096u32 {
            let mut signature = [0u8; 64];
            signature[..4].copy_from_slice(&i.to_be_bytes());
            guard.admit(&signature, 1_000, 1_000).unwrap();
        }
        // Still inside the window: nothing is forgotten, replays stay refused.
        guard.admit(&[9; 64], 1_000, 1_000).unwrap();
        assert_eq!(guard.len(), 4_097);
        let mut first = [0u8; 64];
        first[..4].copy_from_slice(&0u32.to_be_bytes());
        assert_eq!(guard.admit(&first, 1_000, 1_000), Err(ReplayError::Seen));
        // Past a client's window but inside a forward's: still remembered, so a
        // forwarded replay between 60 and 70 s is refused too.
        let forwarded_late = 1_000 + RETRIEVE_WINDOW_MS + 5_000;
        guard.admit(&[7; 64], 200_000, forwarded_late).unwrap();
        assert_eq!(
            guard.admit(&first, 1_000, forwarded_late),
            Err(ReplayError::Seen)
        );
        // Once the wider window has passed, the next admission sweeps them out.
        guard
            .admit(&[8; 64], 200_000, 1_000 + ACCEPTED_FOR_MS + 2)
            .unwrap();
        assert_eq!(guard.len(), 2, "only the two signed at 200,000 are left");
    }
}
