//! The protocol's rules and constants as the contracts define them: the one place Rust reads
//! them from. Each value is the contract's public constant of the same name;
//! `tests/e2e/protocol.rs` reads every one of them from the deployed contracts through the
//! bindings and fails on any difference.

use serde::{Deserialize, Serialize};

/// Seconds in a day.
pub const DAY: u64 = 86_400;

/// Seconds in a rent year: 365 days, as the contracts count `365 days`.
pub const YEAR: u64 = 365 * DAY;

/// After expiry, only renewing is possible for this long (`NameRegistry.GRACE_PERIOD`).
pub const GRACE_PERIOD: u64 = 90 * DAY;

/// After the grace period, the premium halves every day and reaches zero after this long
/// (`NameRegistry.PREMIUM_DECAY_PERIOD`).
pub const PREMIUM_DECAY_PERIOD: u64 = 21 * DAY;

/// The shortest registration or renewal (`NameRegistry.MIN_DURATION`).
pub const MIN_DURATION: u64 = 28 * DAY;

/// The longest registration or renewal (`NameRegistry.MAX_DURATION`).
pub const MAX_DURATION: u64 = 100 * YEAR;

/// One period of premium (Session Pro) (`Premium.PERIOD`).
pub const PREMIUM_PERIOD: u64 = 30 * DAY;

/// The most premium periods bought at once (`Premium.MAX_PERIODS`).
pub const MAX_PREMIUM_PERIODS: u64 = 120;

/// The market's highest sale fee, in basis points (`NameMarket.MAX_FEE_BPS`).
pub const MARKET_MAX_FEE_BPS: u64 = 1_000;

/// A node operator's highest fee, in basis points (`NodeStaking.MAX_FEE_BPS`).
pub const STAKING_MAX_FEE_BPS: u64 = 10_000;

/// The most contributors one node takes, operator included (`NodeStaking.MAX_CONTRIBUTORS`).
pub const MAX_CONTRIBUTORS: u64 = 10;

/// A contribution stays locked this long (`NodeStaking.CONTRIBUTION_LOCK`).
pub const CONTRIBUTION_LOCK: u64 = DAY;

/// After an exit request, stakes unlock this much later (`NodeStaking.EXIT_UNLOCK_DELAY`).
pub const EXIT_UNLOCK_DELAY: u64 = 15 * DAY;

/// After a deregistration, stakes unlock this much later (`NodeStaking.DEREGISTRATION_LOCK`).
pub const DEREGISTRATION_LOCK: u64 = 30 * DAY;

/// A contributor holding less than a quarter of a node's stake may ask it to exit only this
/// long after it activated (`NodeStaking.SMALL_CONTRIBUTOR_EXIT_DELAY`).
pub const SMALL_CONTRIBUTOR_EXIT_DELAY: u64 = 30 * DAY;

/// The longest node URL (`NodeStaking.MAX_URL_LENGTH`).
pub const MAX_URL_LENGTH: usize = 256;

/// What a node's Ed25519 key signs to prove it holds it (`NodeStaking`'s private
/// `_ED25519_DOMAIN`, which no getter exposes: the e2e tests prove it by creating nodes with
/// proofs made here).
pub use crate::key_proof::DOMAIN as KEY_PROOF_DOMAIN;

/// Where a staking node is in its lifecycle (as `INodeStaking.NodeState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum NodeState {
    /// Filling its stake.
    Open = 1,
    /// Fully staked and earning.
    Active = 2,
    /// Exit requested; stakes unlock at `unlock_time`.
    Exited = 3,
    /// Voted out; stakes unlock at `unlock_time`.
    Deregistered = 4,
    /// Cancelled by its operator before activation.
    Cancelled = 5,
}

impl NodeState {
    /// Every state, in the contract's order.
    pub const ALL: [Self; 5] = [
        Self::Open,
        Self::Active,
        Self::Exited,
        Self::Deregistered,
        Self::Cancelled,
    ];

    /// The state the contract numbers `value` (`None` for 0, "no such node", and beyond).
    pub fn from_u8(value: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|state| *state as u8 == value)
    }

    /// The state in one word, as the JSON has it: `open`, `active`, ...
    pub const fn word(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Active => "active",
            Self::Exited => "exited",
            Self::Deregistered => "deregistered",
            Self::Cancelled => "cancelled",
        }
    }
}

impl std::fmt::Display for NodeState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.word())
    }
}

/// Basis points in a whole.
pub const BPS: u64 = 10_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_what_the_contracts_write_in_days() {
        assert_eq!(GRACE_PERIOD, 7_776_000);
        assert_eq!(PREMIUM_DECAY_PERIOD, 1_814_400);
        assert_eq!(MIN_DURATION, 2_419_200);
        assert_eq!(MAX_DURATION, 3_153_600_000);
        assert_eq!(PREMIUM_PERIOD, 2_592_000);
        assert_eq!(NodeState::from_u8(3), Some(NodeState::Exited));
        assert_eq!(NodeState::from_u8(0), None);
    }
}
