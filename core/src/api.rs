//! The registry node's JSON API types, shared by the node (which serves them)
//! and the wallet (which checks them).
//!
//! Every answer about a name, a Session ID, a premium status, a node or a
//! market entry is an `*Answer` struct implementing [`Canonical`]; the node
//! serves it as a [`Signed`] pair (the answer and the node's [`Attestation`]
//! over its canonical bytes). Answers are signed at the block of the last
//! change to what they describe; the node's indexed head travels beside them as
//! a separately signed [`HeadAnswer`] (see `docs/api.md`, "What a signature
//! proves").
//!
//! Amounts are SESH base units (9 decimals) as decimal strings; times are Unix
//! seconds; addresses and hashes are `0x` hex.

use crate::attestation::{Attestation, AttestationError, Canonical, NodeKey, canon};
use crate::session_id::SessionId;
use alloy::primitives::{Address, B256, U256};
use serde::{Deserialize, Serialize};

pub mod police;

/// The most names a batch lookup takes.
pub const MAX_BATCH: usize = 100;

/// `U256` amounts as decimal strings (JSON numbers lose precision above 2^53).
pub mod decimal {
    use alloy::primitives::U256;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes `value` as a decimal string.
    pub fn serialize<S: Serializer>(value: &U256, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(value)
    }

    /// Reads a decimal string.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<U256, D::Error> {
        let text = String::deserialize(deserializer)?;
        U256::from_str_radix(&text, 10).map_err(serde::de::Error::custom)
    }
}

/// An answer and the node's signature over it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signed<T> {
    /// What the node states.
    pub answer: T,
    /// The node's signature over the answer's canonical bytes.
    pub attestation: Attestation,
}

impl<T: Canonical> Signed<T> {
    /// Checks the signature and that it is about `chain_id` and `contract`.
    pub fn verify(&self, chain_id: u64, contract: Address) -> Result<(), AttestationError> {
        self.attestation.verify(&self.answer, chain_id, contract)
    }
}

/// The block a node has indexed up to (`Kind::Head`, contract: the `NameRegistry`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeadAnswer {
    /// The last block indexed (confirmed by the node's confirmation depth).
    pub block: u64,
    /// Its hash.
    pub block_hash: B256,
    /// Its timestamp; name states (live, grace, expired) are judged against it.
    pub timestamp: u64,
}

impl Canonical for HeadAnswer {
    fn write_canonical(&self, out: &mut Vec<u8>) {
        canon::u64(out, self.block);
        canon::b256(out, Some(self.block_hash));
        canon::u64(out, self.timestamp);
    }
}

/// How current the node's index is; sent with every answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Freshness {
    /// The signed indexed head.
    pub head: Signed<HeadAnswer>,
    /// The chain's latest block as last seen by the node.
    pub chain_head: u64,
    /// `chain_head - head.block`.
    pub lag_blocks: u64,
    /// True when the RPC is unreachable or the index lags more than its confirmation depth
    /// plus a margin: the answer may be out of date.
    pub stale: bool,
}

/// Where a name is in its lifecycle, judged at the indexed head's timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameState {
    /// Registered and unexpired: it resolves.
    Live,
    /// Expired, in its 90-day grace period: it does not resolve; only renewal is possible.
    Grace,
    /// Past its grace period: anyone may register it (with a decaying premium at first).
    Expired,
    /// Its registration or last sale did not pay the rewards pool: never treated as valid.
    Flagged,
}

impl NameState {
    /// The state at `timestamp` of a name that expires at `expiry` (`valid`: its payment was
    /// verified), by [`crate::lifecycle::Phase`]: `Expired` is its premium and available phases.
    pub fn of(valid: bool, expiry: u64, timestamp: u64) -> Self {
        use crate::lifecycle::Phase;
        if !valid {
            return Self::Flagged;
        }
        match Phase::at(expiry, timestamp) {
            Phase::Live => Self::Live,
            Phase::Grace => Self::Grace,
            Phase::Unregistered | Phase::Premium | Phase::Available => Self::Expired,
        }
    }

    /// The JSON string of the state, quotes included (as serde writes it).
    pub fn json(self) -> &'static str {
        match self {
            Self::Live => "\"live\"",
            Self::Grace => "\"grace\"",
            Self::Expired => "\"expired\"",
            Self::Flagged => "\"flagged\"",
        }
    }
}

/// A name and its record (`Kind::Name`, contract: the `NameRegistry`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameAnswer {
    /// The label, lowercase.
    pub name: String,
    /// `uint256(keccak256(label))`.
    #[serde(with = "decimal")]
    pub token_id: U256,
    /// The holder (whatever the expiry).
    pub owner: Address,
    /// Unix time the name expires.
    pub expiry: u64,
    /// The record's Session ID, if set.
    pub session_id: Option<SessionId>,
    /// The record's EVM address, if set.
    pub evm_address: Option<Address>,
    /// Whether it is its owner's primary name.
    pub primary: bool,
    /// False when the payment for it was not verified (record fields are then empty).
    pub valid: bool,
}

impl NameAnswer {
    /// The state of the name at `timestamp` (the indexed head's).
    pub fn state_at(&self, timestamp: u64) -> NameState {
        NameState::of(self.valid, self.expiry, timestamp)
    }
}

impl Canonical for NameAnswer {
    fn write_canonical(&self, out: &mut Vec<u8>) {
        canon::string(out, &self.name);
        canon::u256(out, self.token_id);
        canon::address(out, Some(self.owner));
        canon::u64(out, self.expiry);
        canon::b256(out, self.session_id.map(|id| id.key()));
        canon::address(out, self.evm_address);
        canon::flag(out, self.primary);
        canon::flag(out, self.valid);
    }
}

/// The reverse name of a Session ID (`Kind::Reverse`, contract: the `NameRegistry`): the name of
/// its last counted consent ([`crate::reverse_consent`]), while that name is live, valid, held by
/// the consent's owner, points at the Session ID and is the owner's primary name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReverseAnswer {
    /// The Session ID asked about.
    pub session_id: SessionId,
    /// Its reverse name (none: `null`).
    pub name: Option<String>,
    /// The name's owner.
    pub owner: Option<Address>,
    /// The Session ID's consent to the name (with a name only), so that a wallet checks it
    /// itself: [`ReverseAnswer::check_consent`].
    pub consent: Option<crate::reverse_consent::ConsentProof>,
}

impl ReverseAnswer {
    /// Checks that a named answer carries the Session ID's consent to that name and owner for
    /// `registry` on `chain_id` (an answer without a name needs none).
    pub fn check_consent(&self, chain_id: u64, registry: Address) -> Result<(), String> {
        use crate::reverse_consent::Consent;
        let Some(name) = &self.name else {
            return Ok(());
        };
        let name = crate::Name::parse(name).map_err(|e| format!("the reverse name: {e}"))?;
        let (Some(owner), Some(proof)) = (self.owner, self.consent) else {
            return Err(format!(
                "the reverse name {name} comes without the Session ID's consent"
            ));
        };
        Consent {
            session_id: self.session_id,
            token_id: name.token_id(),
            owner,
            proof,
        }
        .check(chain_id, registry)
        .map_err(|e| e.to_string())
    }
}

impl Canonical for ReverseAnswer {
    fn write_canonical(&self, out: &mut Vec<u8>) {
        canon::b256(out, Some(self.session_id.key()));
        canon::string(out, self.name.as_deref().unwrap_or(""));
        canon::address(out, self.owner);
        canon::b256(out, self.consent.map(|c| c.ed25519_key));
        canon::u64(out, self.consent.map_or(0, |c| c.nonce));
        match &self.consent {
            Some(consent) => out.extend_from_slice(&consent.signature),
            None => out.extend_from_slice(&[0u8; 64]),
        }
    }
}

/// The names an address holds (`Kind::List`, contract: the `NameRegistry`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerNamesAnswer {
    /// The owner asked about.
    pub owner: Address,
    /// Its valid names (expired ones included), sorted.
    pub names: Vec<String>,
    /// Its primary name, if any.
    pub primary: Option<String>,
}

impl Canonical for OwnerNamesAnswer {
    fn write_canonical(&self, out: &mut Vec<u8>) {
        canon::address(out, Some(self.owner));
        canon::u64(out, self.names.len() as u64);
        for name in &self.names {
            canon::string(out, name);
        }
        canon::string(out, self.primary.as_deref().unwrap_or(""));
    }
}

/// The premium status of a Session ID; also the premium proof (`Kind::Premium`,
/// contract: `Premium`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PremiumAnswer {
    /// The Session ID.
    pub session_id: SessionId,
    /// Unix time its premium ends (0: never bought).
    pub expiry: u64,
}

impl Canonical for PremiumAnswer {
    fn write_canonical(&self, out: &mut Vec<u8>) {
        canon::b256(out, Some(self.session_id.key()));
        canon::u64(out, self.expiry);
    }
}

pub use crate::protocol::NodeState;

/// One contributor's stake in a node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContributorAnswer {
    /// The contributor.
    pub account: Address,
    /// Its stake now.
    #[serde(with = "decimal")]
    pub stake: U256,
}

/// A staking node (`Kind::Node`, contract: `NodeStaking`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeAnswer {
    /// The node id (from 1).
    pub node_id: u64,
    /// Its operator.
    pub operator: Address,
    /// Its Ed25519 key.
    pub ed25519_key: NodeKey,
    /// Whether the key's proof-of-possession signature checks out.
    pub key_proof_valid: bool,
    /// The address it votes with.
    pub signer: Address,
    /// Its public URL.
    pub url: String,
    /// The operator's fee in basis points.
    pub fee_bps: u64,
    /// The stake it needs.
    #[serde(with = "decimal")]
    pub requirement: U256,
    /// The stake it holds.
    #[serde(with = "decimal")]
    pub total_staked: U256,
    /// Its state.
    pub state: NodeState,
    /// When its stakes unlock (0 until it exits or is deregistered).
    pub unlock_time: u64,
    /// Its contributors, in the order they joined (the operator first).
    pub contributors: Vec<ContributorAnswer>,
}

impl Canonical for NodeAnswer {
    fn write_canonical(&self, out: &mut Vec<u8>) {
        canon::u64(out, self.node_id);
        canon::address(out, Some(self.operator));
        out.extend_from_slice(&self.ed25519_key.0);
        canon::flag(out, self.key_proof_valid);
        canon::address(out, Some(self.signer));
        canon::string(out, &self.url);
        canon::u64(out, self.fee_bps);
        canon::u256(out, self.requirement);
        canon::u256(out, self.total_staked);
        out.push(self.state as u8);
        canon::u64(out, self.unlock_time);
        canon::u64(out, self.contributors.len() as u64);
        for contributor in &self.contributors {
            canon::address(out, Some(contributor.account));
            canon::u256(out, contributor.stake);
        }
    }
}

/// A listing of a name (`Kind::List`, contract: `NameMarket`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingAnswer {
    /// The name listed.
    pub name: String,
    /// Its token id.
    #[serde(with = "decimal")]
    pub token_id: U256,
    /// Who listed it.
    pub seller: Address,
    /// The price in SESH units.
    #[serde(with = "decimal")]
    pub price: U256,
    /// Unix time the listing ends.
    pub end_time: u64,
}

impl Canonical for ListingAnswer {
    fn write_canonical(&self, out: &mut Vec<u8>) {
        canon::string(out, "listing");
        canon::string(out, &self.name);
        canon::u256(out, self.token_id);
        canon::address(out, Some(self.seller));
        canon::u256(out, self.price);
        canon::u64(out, self.end_time);
    }
}

/// An offer on a name (`Kind::List`, contract: `NameMarket`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferAnswer {
    /// The name.
    pub name: String,
    /// Its token id.
    #[serde(with = "decimal")]
    pub token_id: U256,
    /// Who offers.
    pub bidder: Address,
    /// The escrowed amount in SESH units.
    #[serde(with = "decimal")]
    pub amount: U256,
    /// Unix time the offer ends.
    pub end_time: u64,
}

impl Canonical for OfferAnswer {
    fn write_canonical(&self, out: &mut Vec<u8>) {
        canon::string(out, "offer");
        canon::string(out, &self.name);
        canon::u256(out, self.token_id);
        canon::address(out, Some(self.bidder));
        canon::u256(out, self.amount);
        canon::u64(out, self.end_time);
    }
}

/// `GET /v1/names/{name}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameResponse {
    /// The signed name.
    pub name: Signed<NameAnswer>,
    /// Its state at the indexed head.
    pub state: NameState,
    /// How current the index is.
    pub freshness: Freshness,
}

/// `POST /v1/names/batch` request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchRequest {
    /// Up to [`MAX_BATCH`] names.
    pub names: Vec<String>,
}

/// One entry of a batch answer: exactly one of `name` and `error` is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchItem {
    /// The name as asked.
    pub query: String,
    /// The signed name, when it is known.
    pub name: Option<Signed<NameAnswer>>,
    /// Its state, when it is known.
    pub state: Option<NameState>,
    /// Why there is no answer ("not found" or the name rule broken).
    pub error: Option<String>,
}

/// `POST /v1/names/batch`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchResponse {
    /// One entry per name asked, in order.
    pub results: Vec<BatchItem>,
    /// How current the index is.
    pub freshness: Freshness,
}

/// `GET /v1/reverse/{session_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReverseResponse {
    /// The signed primary name.
    pub reverse: Signed<ReverseAnswer>,
    /// How current the index is.
    pub freshness: Freshness,
}

/// `GET /v1/owners/{address}/names`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerNamesResponse {
    /// The signed list.
    pub names: Signed<OwnerNamesAnswer>,
    /// How current the index is.
    pub freshness: Freshness,
}

/// `GET /v1/availability/{name}`: unsigned (a price quote is read from the chain now).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AvailabilityResponse {
    /// The name.
    pub name: String,
    /// Whether it can be registered now.
    pub available: bool,
    /// Its state if it was ever registered.
    pub state: Option<NameState>,
    /// The duration quoted, in seconds.
    pub duration: u64,
    /// Rent for `duration`, SESH units.
    #[serde(with = "decimal")]
    pub rent: U256,
    /// The premium of a recently lapsed name now, SESH units.
    #[serde(with = "decimal")]
    pub premium: U256,
    /// `rent + premium`.
    #[serde(with = "decimal")]
    pub total: U256,
    /// The block the quote was read at.
    pub quoted_at_block: u64,
}

/// `GET /v1/listings`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingsResponse {
    /// The page of listings.
    pub listings: Vec<Signed<ListingAnswer>>,
    /// How many listings match the filter (all pages).
    pub total: u64,
    /// How current the index is.
    pub freshness: Freshness,
}

/// `GET /v1/names/{name}/offers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OffersResponse {
    /// Unexpired offers, highest first.
    pub offers: Vec<Signed<OfferAnswer>>,
    /// How current the index is.
    pub freshness: Freshness,
}

/// `GET /v1/premium/{session_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PremiumResponse {
    /// The signed status (also usable as a proof).
    pub premium: Signed<PremiumAnswer>,
    /// Whether it is premium at the indexed head's timestamp.
    pub active: bool,
    /// How current the index is.
    pub freshness: Freshness,
}

/// `GET /v1/nodes` and `GET /v1/nodes/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodesResponse {
    /// The signed nodes.
    pub nodes: Vec<Signed<NodeAnswer>>,
    /// How current the index is.
    pub freshness: Freshness,
}

/// A paid event whose payment did not check out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlaggedEvent {
    /// The block it is in.
    pub block: u64,
    /// Its log index in that block.
    pub log_index: u64,
    /// The transaction.
    pub tx_hash: B256,
    /// The emitting contract.
    pub contract: Address,
    /// The event name (`NameRegistered`, `NameRenewed`, `PremiumPurchased`, `Sold`, `OfferAccepted`).
    pub event: String,
    /// What it concerns: a name or a Session ID.
    pub subject: String,
    /// What should have reached the pool, SESH units.
    #[serde(with = "decimal")]
    pub price: U256,
    /// What the receipt shows reached the pool, SESH units.
    #[serde(with = "decimal")]
    pub paid: U256,
    /// Why it was flagged.
    pub reason: String,
}

/// `GET /v1/flagged`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlaggedResponse {
    /// Flagged events, oldest first.
    pub flagged: Vec<FlaggedEvent>,
}

/// `GET /v1/identity`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityResponse {
    /// The node's Ed25519 key.
    pub node_key: NodeKey,
    /// The chain it follows.
    pub chain_id: u64,
    /// The contracts it indexes.
    pub contracts: crate::deployment::Contracts,
    /// The node software version.
    pub version: String,
    /// How current the index is.
    pub freshness: Freshness,
}

/// `GET /health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthResponse {
    /// "ok" or "degraded" (RPC unreachable or lagging).
    pub status: String,
    /// The last block indexed.
    pub indexed_block: u64,
    /// The chain head last seen.
    pub chain_head: u64,
    /// `chain_head - indexed_block`.
    pub lag_blocks: u64,
    /// Whether the last RPC call succeeded.
    pub rpc_reachable: bool,
    /// Seconds since the last successful RPC call (absent before the first).
    pub seconds_since_rpc: Option<u64>,
}

// ---------------------------------------------------------------- mailboxes

/// The largest envelope a mailbox stores, in bytes (as Session's storage server).
pub const MAX_MESSAGE_BYTES: usize = 76_800;
/// The most messages one retrieve returns.
pub const MAX_RETRIEVE: usize = 100;

/// Standard base64 (with padding) for message bytes in JSON.
pub mod base64_bytes {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes bytes as standard base64.
    pub fn serialize<S: Serializer>(value: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&STANDARD.encode(value))
    }

    /// Reads standard base64.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(deserializer)?;
        STANDARD
            .decode(text.as_bytes())
            .map_err(|e| serde::de::Error::custom(format!("data is not standard base64: {e}")))
    }
}

/// One stored message, as a node's mailbox keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredMessage {
    /// Its hash (the mailbox's own; the storage protocol's is [`crate::storage_rpc::message_hash`]).
    pub hash: crate::envelope::MessageHash,
    /// The envelope, standard base64.
    #[serde(with = "base64_bytes")]
    pub data: Vec<u8>,
    /// When this node stored it (ms).
    pub stored_ms: u64,
    /// When this node drops it (ms).
    pub expiry_ms: u64,
}

/// The JSON error body of every refused request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// One entry per problem.
    pub errors: Vec<ErrorDetail>,
}

/// One problem of a refused request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// What went wrong, for people.
    pub detail: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attestation::{Kind, NodeSigner};
    use crate::protocol::GRACE_PERIOD;

    fn name_answer() -> NameAnswer {
        NameAnswer {
            name: "alice".into(),
            token_id: U256::from(7),
            owner: Address::repeat_byte(1),
            expiry: 1_000,
            session_id: SessionId::from_key(B256::repeat_byte(0xab)),
            evm_address: None,
            primary: true,
            valid: true,
        }
    }

    #[test]
    fn state_json_is_what_serde_writes() {
        for state in [
            NameState::Live,
            NameState::Grace,
            NameState::Expired,
            NameState::Flagged,
        ] {
            assert_eq!(state.json(), serde_json::to_string(&state).unwrap());
        }
        let expiry = 1_000;
        assert_eq!(NameState::of(true, expiry, 999), NameState::Live);
        assert_eq!(NameState::of(true, expiry, 1_000), NameState::Grace);
        assert_eq!(
            NameState::of(true, expiry, 1_000 + GRACE_PERIOD),
            NameState::Grace
        );
        assert_eq!(
            NameState::of(true, expiry, 1_001 + GRACE_PERIOD),
            NameState::Expired
        );
        assert_eq!(NameState::of(false, expiry, 0), NameState::Flagged);
    }

    #[test]
    fn name_canonical_layout_is_fixed() {
        let bytes = name_answer().canonical_bytes();
        // u16 len + "alice" + 32 + 20 + 8 + 32 + 20 + 1 + 1
        assert_eq!(bytes.len(), 2 + 5 + 32 + 20 + 8 + 32 + 20 + 2);
        assert_eq!(&bytes[..7], b"\x00\x05alice");
        assert_eq!(bytes[bytes.len() - 2..], [1, 1]);
        let mut other = name_answer();
        other.valid = false;
        assert_ne!(other.canonical_bytes(), bytes);
    }

    #[test]
    fn signed_answers_round_trip_through_json_and_verify() {
        let signer = NodeSigner::from_seed([3; 32]);
        let contract = Address::repeat_byte(9);
        let answer = name_answer();
        let signed = Signed {
            attestation: signer.attest(Kind::Name, 31337, contract, 5, &answer),
            answer,
        };
        let json = serde_json::to_string(&signed).unwrap();
        assert!(json.contains("\"token_id\":\"7\""));
        let back: Signed<NameAnswer> = serde_json::from_str(&json).unwrap();
        back.verify(31337, contract).unwrap();
        let mut forged = back;
        forged.answer.expiry += 1;
        assert!(forged.verify(31337, contract).is_err());
    }

    #[test]
    fn state_follows_expiry_and_grace() {
        let answer = name_answer();
        assert_eq!(answer.state_at(999), NameState::Live);
        assert_eq!(answer.state_at(1_000), NameState::Grace);
        assert_eq!(answer.state_at(1_000 + GRACE_PERIOD), NameState::Grace);
        assert_eq!(answer.state_at(1_001 + GRACE_PERIOD), NameState::Expired);
        let flagged = NameAnswer {
            valid: false,
            ..answer
        };
        assert_eq!(flagged.state_at(0), NameState::Flagged);
    }

    #[test]
    fn node_and_market_encodings_differ_by_kind_tag() {
        let listing = ListingAnswer {
            name: "a".into(),
            token_id: U256::from(1),
            seller: Address::ZERO,
            price: U256::from(1),
            end_time: 1,
        };
        let offer = OfferAnswer {
            name: "a".into(),
            token_id: U256::from(1),
            bidder: Address::ZERO,
            amount: U256::from(1),
            end_time: 1,
        };
        assert_ne!(listing.canonical_bytes(), offer.canonical_bytes());
    }
}
