//! A name's life by time: the one definition the wallet, the registry node and
//! the docs use, second for second what `NameRegistry` does.
//!
//! | phase | when (`now`: block time; `expiry` ≠ 0) | the contract |
//! | --- | --- | --- |
//! | [`Phase::Live`] | `now < expiry` | `ownerOf`, `resolve`, transfers and records work |
//! | [`Phase::Grace`] | `expiry <= now <= expiry + GRACE_PERIOD` | `ownerOf` reverts (`expiry <= block.timestamp`), only `renew` works |
//! | [`Phase::Premium`] | `expiry + GRACE_PERIOD < now < expiry + GRACE_PERIOD + PREMIUM_DECAY_PERIOD` | anyone may `register`, paying the decaying premium |
//! | [`Phase::Available`] | `now >= expiry + GRACE_PERIOD + PREMIUM_DECAY_PERIOD` | anyone may `register` at rent alone |
//!
//! A name never registered (`expiry == 0`) is [`Phase::Unregistered`]. The
//! second of expiry itself is no longer live: a name registered for a year at
//! `t` is live through `t + 365 days - 1`. Pinned at each boundary second
//! here and, against the contract, by `NameRegistryTest.test_Lifecycle_BoundarySeconds`.

pub use crate::protocol::{GRACE_PERIOD, PREMIUM_DECAY_PERIOD};

/// Where a name is in its life at a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Never registered.
    Unregistered,
    /// Registered and unexpired: it resolves, can be moved, listed and set.
    Live,
    /// Expired, in its grace period: it resolves to nothing and only renewing is possible
    /// (anyone may pay).
    Grace,
    /// Past its grace period: anyone may register it, paying a premium that decays to zero.
    Premium,
    /// Past the premium's decay: anyone may register it at rent alone.
    Available,
}

impl Phase {
    /// The phase at `now` of a name that expires (expired) at `expiry` (0: never registered).
    pub fn at(expiry: u64, now: u64) -> Self {
        if expiry == 0 {
            Self::Unregistered
        } else if is_live(expiry, now) {
            Self::Live
        } else if now <= grace_end(expiry) {
            Self::Grace
        } else if now < premium_end(expiry) {
            Self::Premium
        } else {
            Self::Available
        }
    }

    /// Whether anyone may register the name now (`NameRegistry.available`, for a valid label).
    pub fn is_registrable(self) -> bool {
        matches!(self, Self::Unregistered | Self::Premium | Self::Available)
    }

    /// Whether the name may be renewed now.
    pub fn is_renewable(self) -> bool {
        matches!(self, Self::Live | Self::Grace)
    }
}

/// Whether a name that expires at `expiry` is live at `now`: `now < expiry`, as the contract's
/// `expiry <= block.timestamp` means expired.
pub fn is_live(expiry: u64, now: u64) -> bool {
    now < expiry
}

/// The last second of the grace period of a name that expires at `expiry`.
pub fn grace_end(expiry: u64) -> u64 {
    expiry.saturating_add(GRACE_PERIOD)
}

/// The first second at which a lapsed name costs rent alone (no premium).
pub fn premium_end(expiry: u64) -> u64 {
    grace_end(expiry).saturating_add(PREMIUM_DECAY_PERIOD)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_boundary_second_is_where_the_contract_puts_it() {
        let expiry = 1_000_000;
        assert_eq!(Phase::at(0, 5), Phase::Unregistered);
        assert_eq!(Phase::at(expiry, expiry - 1), Phase::Live);
        // The second of expiry: `ownerOf` reverts (`expiry <= block.timestamp`).
        assert_eq!(Phase::at(expiry, expiry), Phase::Grace);
        assert!(!is_live(expiry, expiry));
        // The last second of grace: `renew` works, `register` reverts (`now <= graceEnd`).
        assert_eq!(Phase::at(expiry, expiry + GRACE_PERIOD), Phase::Grace);
        assert_eq!(Phase::at(expiry, expiry + GRACE_PERIOD + 1), Phase::Premium);
        // The premium is zero from `elapsed >= 21 days` on.
        assert_eq!(
            Phase::at(expiry, expiry + GRACE_PERIOD + PREMIUM_DECAY_PERIOD - 1),
            Phase::Premium
        );
        assert_eq!(
            Phase::at(expiry, expiry + GRACE_PERIOD + PREMIUM_DECAY_PERIOD),
            Phase::Available
        );
        assert!(Phase::Premium.is_registrable() && !Phase::Grace.is_registrable());
        assert!(Phase::Grace.is_renewable() && !Phase::Premium.is_renewable());
        assert_eq!(Phase::at(u64::MAX, u64::MAX - 1), Phase::Live);
        assert_eq!(Phase::at(u64::MAX, u64::MAX), Phase::Grace);
    }
}
