//! What the index stores per key (JSON values in redb, but for [`PrimaryEntry`]; the
//! encodings are in `crate::store::tables`).

use alloy::primitives::{Address, B256, U256};
use serde::{Deserialize, Serialize};
use sesh_core::api::NodeState;

/// A name, as the chain's events left it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct NameEntry {
    /// The label ("" until its `NameRegistered` event, which follows the mint's `Transfer`).
    pub label: String,
    /// The token id.
    pub token_id: U256,
    /// The holder (zero after a burn).
    pub owner: Address,
    /// Expiry, Unix seconds.
    pub expiry: u64,
    /// The record's Session key (zero: none).
    pub session_key: B256,
    /// The record's EVM address (zero: none).
    pub evm_address: Address,
    /// Why the name is not valid (its registration or last sale did not pay the pool).
    pub flag: Option<String>,
    /// The block of the last change.
    pub changed_block: u64,
}

/// An owner's primary name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct PrimaryEntry {
    /// The name's token id.
    pub token_id: U256,
    /// The block it was set in.
    pub changed_block: u64,
}

/// A Session ID's last counted consent to a name as its reverse name (checked when indexed:
/// the key is the Session ID's and the signature verifies; its nonce is above every earlier one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ConsentEntry {
    /// The name's token id (0: consent to no name).
    pub token_id: U256,
    /// The owner the name must have.
    pub owner: Address,
    /// The Ed25519 key, nonce and signature.
    pub proof: sesh_core::reverse_consent::ConsentProof,
    /// The block it was given in.
    pub changed_block: u64,
}

/// The premium of a Session key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PremiumEntry {
    /// Expiry, Unix seconds.
    pub expiry: u64,
    /// The block of the last verified purchase.
    pub changed_block: u64,
}

/// A market listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ListingEntry {
    /// The seller.
    pub seller: Address,
    /// The price.
    pub price: U256,
    /// End time, Unix seconds.
    pub end_time: u64,
    /// The block it was listed in.
    pub changed_block: u64,
}

/// An escrowed offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct OfferEntry {
    /// The amount escrowed.
    pub amount: U256,
    /// End time, Unix seconds.
    pub end_time: u64,
    /// The block it was made in.
    pub changed_block: u64,
}

/// A contributor's stake.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Stake {
    /// The contributor.
    pub account: Address,
    /// Its stake.
    pub amount: U256,
}

/// A staking node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct NodeEntry {
    /// The id.
    pub node_id: u64,
    /// The operator.
    pub operator: Address,
    /// The Ed25519 key.
    pub ed25519_key: B256,
    /// Whether the proof-of-possession checked out.
    pub key_proof_valid: bool,
    /// The voting address.
    pub signer: Address,
    /// The public URL.
    pub url: String,
    /// The operator fee in basis points.
    pub fee_bps: u64,
    /// The stake it needs.
    pub requirement: U256,
    /// The stake it holds.
    pub total_staked: U256,
    /// Its state.
    pub state: NodeState,
    /// When stakes unlock.
    pub unlock_time: u64,
    /// Contributors in order of joining.
    pub contributors: Vec<Stake>,
    /// The block of the last change.
    pub changed_block: u64,
}
