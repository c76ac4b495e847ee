//! Signed answers. Every answer a registry node gives about a name, a premium
//! status or a node carries the node's Ed25519 signature over canonical bytes
//! that name the chain, the contract and the block the answer is true at, so
//! an answer can be checked without trusting the HTTP channel and cannot be
//! replayed for another chain, contract or kind of answer.
//!
//! The signed message is
//!
//! ```text
//! "sesh-attestation/v1" ‖ kind (u8) ‖ chain id (u64 BE) ‖ contract (20 bytes)
//!   ‖ block (u64 BE) ‖ payload length (u32 BE) ‖ payload
//! ```
//!
//! where the payload is the answer's [`Canonical`] encoding (see `api`).

use alloy::primitives::Address;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The first bytes of every signed message.
pub const DOMAIN: &[u8] = b"sesh-attestation/v1";

/// What an attestation is about; part of the signed bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum Kind {
    /// A name and its record.
    Name = 1,
    /// The primary name of a Session ID.
    Reverse = 2,
    /// The premium status of a Session ID (also the premium proof).
    Premium = 3,
    /// A node of the staking contract.
    Node = 4,
    /// The block a node has indexed up to.
    Head = 5,
    /// An `ons_resolve` answer.
    Ons = 6,
    /// A list answer (names by owner, listings, offers).
    List = 7,
}

/// Canonical bytes of an answer: fixed-width big-endian integers, length-prefixed
/// strings, absent values as zeros. Both sides compute them from the same struct.
pub trait Canonical {
    /// Appends the canonical encoding of `self` to `out`.
    fn write_canonical(&self, out: &mut Vec<u8>);

    /// The canonical encoding of `self`.
    fn canonical_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write_canonical(&mut out);
        out
    }
}

/// A 32-byte Ed25519 public key of a registry node, shown as hex.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeKey(pub [u8; 32]);

impl fmt::Display for NodeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for NodeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NodeKey({self})")
    }
}

impl std::str::FromStr for NodeKey {
    type Err = AttestationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bytes =
            hex::decode(s.trim_start_matches("0x")).map_err(|_| AttestationError::MalformedKey)?;
        Ok(Self(
            bytes
                .try_into()
                .map_err(|_| AttestationError::MalformedKey)?,
        ))
    }
}

impl Serialize for NodeKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for NodeKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// Why an attestation does not check out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttestationError {
    /// The key is not 32 bytes of hex or not a valid Ed25519 point.
    #[error("malformed node key")]
    MalformedKey,
    /// The signature is not 64 bytes of hex.
    #[error("malformed signature")]
    MalformedSignature,
    /// The signature does not verify.
    #[error("the signature of node {0} does not match the answer")]
    BadSignature(NodeKey),
    /// The answer is for another chain or contract than expected.
    #[error(
        "answer is for chain {chain_id} contract {contract}, expected chain {expected_chain_id} contract {expected_contract}"
    )]
    WrongDomain {
        /// The chain the answer names.
        chain_id: u64,
        /// The contract the answer names.
        contract: Address,
        /// The chain asked about.
        expected_chain_id: u64,
        /// The contract asked about.
        expected_contract: Address,
    },
}

/// The signature part of an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attestation {
    /// What the answer is.
    pub kind: Kind,
    /// The chain the answer is true on.
    pub chain_id: u64,
    /// The contract the answer reads.
    pub contract: Address,
    /// The block the answer is true at.
    pub block: u64,
    /// The node that signed.
    pub node_key: NodeKey,
    /// Ed25519 signature, 64 bytes as hex.
    pub signature: String,
}

/// The exact bytes a node signs.
pub fn message(
    kind: Kind,
    chain_id: u64,
    contract: Address,
    block: u64,
    payload: &[u8],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(DOMAIN.len() + 37 + 4 + payload.len());
    out.extend_from_slice(DOMAIN);
    out.push(kind as u8);
    out.extend_from_slice(&chain_id.to_be_bytes());
    out.extend_from_slice(contract.as_slice());
    out.extend_from_slice(&block.to_be_bytes());
    out.extend_from_slice(
        &u32::try_from(payload.len())
            .expect("payload under 4 GiB")
            .to_be_bytes(),
    );
    out.extend_from_slice(payload);
    out
}

/// A registry node's signing key.
pub struct NodeSigner {
    key: SigningKey,
}

impl NodeSigner {
    /// A signer from a 32-byte Ed25519 seed.
    pub fn from_seed(seed: [u8; 32]) -> Self {
        Self {
            key: SigningKey::from_bytes(&seed),
        }
    }

    /// The public key.
    pub fn node_key(&self) -> NodeKey {
        NodeKey(self.key.verifying_key().to_bytes())
    }

    /// The node's X25519 onion key: this Ed25519 key mapped to Curve25519 ([`crate::onion`]).
    pub fn onion_key(&self) -> crate::onion::NodeOnionKey {
        crate::onion::NodeOnionKey::from_ed25519_seed(&self.key.to_bytes())
    }

    /// Signs arbitrary bytes (e.g. the proof-of-possession the staking contract stores).
    pub fn sign_raw(&self, bytes: &[u8]) -> [u8; 64] {
        self.key.sign(bytes).to_bytes()
    }

    /// Attests `answer` as true at `block` of `contract` on `chain_id`.
    pub fn attest(
        &self,
        kind: Kind,
        chain_id: u64,
        contract: Address,
        block: u64,
        answer: &impl Canonical,
    ) -> Attestation {
        let bytes = message(kind, chain_id, contract, block, &answer.canonical_bytes());
        Attestation {
            kind,
            chain_id,
            contract,
            block,
            node_key: self.node_key(),
            signature: hex::encode(self.key.sign(&bytes).to_bytes()),
        }
    }
}

impl fmt::Debug for NodeSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NodeSigner({})", self.node_key())
    }
}

impl Attestation {
    /// Checks the signature over `answer` and that it is about the expected chain and contract.
    pub fn verify(
        &self,
        answer: &impl Canonical,
        expected_chain_id: u64,
        expected_contract: Address,
    ) -> Result<(), AttestationError> {
        if self.chain_id != expected_chain_id || self.contract != expected_contract {
            return Err(AttestationError::WrongDomain {
                chain_id: self.chain_id,
                contract: self.contract,
                expected_chain_id,
                expected_contract,
            });
        }
        let key = VerifyingKey::from_bytes(&self.node_key.0)
            .map_err(|_| AttestationError::MalformedKey)?;
        let signature_bytes: [u8; 64] = hex::decode(&self.signature)
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or(AttestationError::MalformedSignature)?;
        let bytes = message(
            self.kind,
            self.chain_id,
            self.contract,
            self.block,
            &answer.canonical_bytes(),
        );
        key.verify(&bytes, &Signature::from_bytes(&signature_bytes))
            .map_err(|_| AttestationError::BadSignature(self.node_key))
    }
}

/// Helpers for [`Canonical`] implementations.
pub mod canon {
    use alloy::primitives::{Address, B256, U256};

    /// A string as a u16 BE length and its UTF-8 bytes.
    pub fn string(out: &mut Vec<u8>, value: &str) {
        let len = u16::try_from(value.len()).expect("canonical strings are short");
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(value.as_bytes());
    }

    /// A u64 big-endian.
    pub fn u64(out: &mut Vec<u8>, value: u64) {
        out.extend_from_slice(&value.to_be_bytes());
    }

    /// A uint256 as 32 bytes big-endian.
    pub fn u256(out: &mut Vec<u8>, value: U256) {
        out.extend_from_slice(&value.to_be_bytes::<32>());
    }

    /// 20 address bytes; zeros for none.
    pub fn address(out: &mut Vec<u8>, value: Option<Address>) {
        out.extend_from_slice(value.unwrap_or(Address::ZERO).as_slice());
    }

    /// 32 bytes; zeros for none.
    pub fn b256(out: &mut Vec<u8>, value: Option<B256>) {
        out.extend_from_slice(value.unwrap_or(B256::ZERO).as_slice());
    }

    /// A bool as one byte.
    pub fn flag(out: &mut Vec<u8>, value: bool) {
        out.push(u8::from(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Answer(&'static str);

    impl Canonical for Answer {
        fn write_canonical(&self, out: &mut Vec<u8>) {
            canon::string(out, self.0);
        }
    }

    #[test]
    fn a_signed_answer_verifies_and_a_changed_one_does_not() {
        let signer = NodeSigner::from_seed([7; 32]);
        let contract = Address::repeat_byte(1);
        let attestation = signer.attest(Kind::Name, 31337, contract, 12, &Answer("alice"));
        attestation
            .verify(&Answer("alice"), 31337, contract)
            .unwrap();
        assert_eq!(
            attestation.verify(&Answer("mallory"), 31337, contract),
            Err(AttestationError::BadSignature(signer.node_key()))
        );
        assert!(matches!(
            attestation.verify(&Answer("alice"), 42161, contract),
            Err(AttestationError::WrongDomain { .. })
        ));
        let mut replayed = attestation.clone();
        replayed.kind = Kind::Premium;
        assert!(replayed.verify(&Answer("alice"), 31337, contract).is_err());
        let mut moved = attestation;
        moved.block = 13;
        assert!(moved.verify(&Answer("alice"), 31337, contract).is_err());
    }

    #[test]
    fn message_layout_is_fixed() {
        let bytes = message(Kind::Head, 1, Address::ZERO, 2, b"xy");
        assert_eq!(&bytes[..DOMAIN.len()], DOMAIN);
        let rest = &bytes[DOMAIN.len()..];
        assert_eq!(rest[0], 5);
        assert_eq!(&rest[1..9], &1u64.to_be_bytes());
        assert_eq!(&rest[29..37], &2u64.to_be_bytes());
        assert_eq!(&rest[37..41], &2u32.to_be_bytes());
        assert_eq!(&rest[41..], b"xy");
    }
}
