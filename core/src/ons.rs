//! ONS lookups, byte for byte as Session clients resolve names.
//!
//! A client never sends the name. It sends the name's hash and decrypts the
//! answer with a key that only someone who knows the name can compute:
//!
//! ```text
//! name_hash       = BLAKE2b-256(lowercase(name))                       32 bytes
//! key             = BLAKE2b-256(lowercase(name), key = name_hash)      32 bytes
//! encrypted_value = XChaCha20-Poly1305-IETF(key, nonce, session_id)    33 + 16 = 49 bytes
//! ```
//!
//! with a random 24-byte nonce sent next to the value, no associated data, and
//! the Session ID as its 33 bytes `05 ‖ X25519 key`. BLAKE2b is libsodium's
//! `crypto_generichash` (unkeyed, then keyed with the 32-byte name hash), and
//! the AEAD is libsodium's `crypto_aead_xchacha20poly1305_ietf_*`.
//!
//! A request carries `name_hash` as 64 hex characters or as 44 characters of
//! standard base64 with padding (what Session clients send); [`NameHash::parse`]
//! accepts both. See `docs/messages.md`.

use crate::session_id::{SessionId, SessionIdError};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use blake2::digest::consts::U32;
use blake2::digest::{Digest, KeyInit, Mac};
use blake2::{Blake2b, Blake2bMac};
use chacha20poly1305::XChaCha20Poly1305;
use chacha20poly1305::aead::Aead;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Length of the encrypted value: the 33-byte Session ID and a 16-byte tag.
pub const ENCRYPTED_VALUE_LEN: usize = 49;
/// Length of the XChaCha20-Poly1305 nonce.
pub const NONCE_LEN: usize = 24;

/// Why an ONS answer does not decrypt to a Session ID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OnsError {
    /// The encrypted value is not 49 bytes.
    #[error("an ONS encrypted value is {ENCRYPTED_VALUE_LEN} bytes; got {0}")]
    Length(usize),
    /// Authentication failed: the value is for another name, or was changed.
    #[error(
        "the ONS value does not decrypt with this name: another name's value, or tampered with"
    )]
    Decrypt,
    /// The value decrypts, but not to a Session ID.
    #[error("the ONS value decrypts, but not to a Session ID: {0}")]
    NotASessionId(SessionIdError),
    /// The operating system's random number generator failed.
    #[error("the system random number generator failed")]
    Rng,
}

/// Why a request's `name_hash` is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameHashError {
    /// Neither 64 (hex) nor 44 (base64) characters.
    #[error("a name hash is 64 hex characters or 44 base64 characters; got {0} characters")]
    Length(usize),
    /// 64 characters, not all hexadecimal.
    #[error("a 64-character name hash must be hexadecimal")]
    InvalidHex,
    /// 44 characters, not canonical standard base64 of 32 bytes (alphabet
    /// `A-Z a-z 0-9 + /`, one `=` of padding).
    #[error("a 44-character name hash must be standard base64 with padding ('+', '/', '=')")]
    InvalidBase64,
}

/// A name's hash as it appears in a request: 32 bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NameHash(pub [u8; 32]);

impl NameHash {
    /// The hash of `name` (lowercased first).
    pub fn of(name: &str) -> Self {
        Self(name_hash(name))
    }

    /// Parses 64 hex characters (either case) or 44 characters of standard
    /// base64 with padding.
    pub fn parse(input: &str) -> Result<Self, NameHashError> {
        let mut bytes = [0u8; 32];
        match input.len() {
            64 => hex::decode_to_slice(input, &mut bytes).map_err(|_| NameHashError::InvalidHex)?,
            44 => {
                let decoded = STANDARD
                    .decode(input)
                    .map_err(|_| NameHashError::InvalidBase64)?;
                bytes = decoded
                    .try_into()
                    .map_err(|_| NameHashError::InvalidBase64)?;
            }
            other => return Err(NameHashError::Length(other)),
        }
        Ok(Self(bytes))
    }

    /// 64 lowercase hex characters.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// 44 characters of standard base64 with padding, as Session clients send it.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }
}

impl fmt::Display for NameHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for NameHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NameHash({self})")
    }
}

impl std::str::FromStr for NameHash {
    type Err = NameHashError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Serialized as hex; deserialized from hex or base64.
impl Serialize for NameHash {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for NameHash {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// The name as it is hashed: lowercased (the same lowercasing as [`crate::Name`]).
fn lowered(name: &str) -> String {
    name.to_lowercase()
}

/// `BLAKE2b-256(lowercase(name))`, unkeyed.
pub fn name_hash(name: &str) -> [u8; 32] {
    let digest = Blake2b::<U32>::digest(lowered(name).as_bytes());
    let mut hash = [0u8; 32];
    hash.copy_from_slice(&digest);
    hash
}

/// The key of a name's value: `BLAKE2b-256(lowercase(name))` keyed with the
/// name hash. Anyone who knows the name can compute it; no one else can.
pub fn value_key(name: &str) -> [u8; 32] {
    let mut mac = <Blake2bMac<U32> as KeyInit>::new_from_slice(&name_hash(name))
        .expect("a 32-byte key is within BLAKE2b's 64-byte limit");
    mac.update(lowered(name).as_bytes());
    let mut key = [0u8; 32];
    key.copy_from_slice(&mac.finalize().into_bytes());
    key
}

fn cipher(name: &str) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new(&value_key(name).into())
}

/// Encrypts the 33-byte `session_id` for `name` under `nonce`: 49 bytes
/// (ciphertext, then the Poly1305 tag).
pub fn encrypt_session_id(
    name: &str,
    session_id: &SessionId,
    nonce: &[u8; NONCE_LEN],
) -> [u8; ENCRYPTED_VALUE_LEN] {
    let sealed = cipher(name)
        .encrypt(&(*nonce).into(), session_id.to_bytes().as_slice())
        .expect("XChaCha20-Poly1305 encrypts 33 bytes");
    sealed
        .try_into()
        .expect("33 bytes of plaintext and a 16-byte tag")
}

/// A fresh random nonce for [`encrypt_session_id`]. Never reuse one for the
/// same name.
pub fn random_nonce() -> Result<[u8; NONCE_LEN], OnsError> {
    let mut nonce = [0u8; NONCE_LEN];
    getrandom::fill(&mut nonce).map_err(|_| OnsError::Rng)?;
    Ok(nonce)
}

/// Decrypts an ONS answer for `name` to the Session ID it holds.
pub fn decrypt(
    name: &str,
    encrypted: &[u8],
    nonce: &[u8; NONCE_LEN],
) -> Result<SessionId, OnsError> {
    if encrypted.len() != ENCRYPTED_VALUE_LEN {
        return Err(OnsError::Length(encrypted.len()));
    }
    let plain = cipher(name)
        .decrypt(&(*nonce).into(), encrypted)
        .map_err(|_| OnsError::Decrypt)?;
    SessionId::parse(&hex::encode(plain)).map_err(OnsError::NotASessionId)
}

/// The only ONS type a registry node answers: a Session ID.
pub const TYPE_SESSION: u16 = 0;

/// The detail of the one "not found" answer, whatever the reason (never
/// registered, expired, in grace, record cleared, flagged).
pub const NOT_FOUND: &str = "ONS name not found";

/// `POST /v1/ons` body and the `params` of a JSON-RPC `ons_resolve`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnsRequest {
    /// The ONS type; only [`TYPE_SESSION`] (0) is answered.
    #[serde(rename = "type", default)]
    pub kind: u16,
    /// The name hash: 64 hex or 44 base64 characters.
    pub name_hash: String,
}

/// What a node signs for an ONS answer (`Kind::Ons`, contract: the
/// `NameRegistry`): the name hash (32 bytes), the encrypted value (49 bytes)
/// and the nonce (24 bytes), concatenated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnsAnswer {
    /// The name hash asked about.
    pub name_hash: NameHash,
    /// The encrypted Session ID.
    pub encrypted_value: [u8; ENCRYPTED_VALUE_LEN],
    /// Its nonce.
    pub nonce: [u8; NONCE_LEN],
}

impl crate::attestation::Canonical for OnsAnswer {
    fn write_canonical(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.name_hash.0);
        out.extend_from_slice(&self.encrypted_value);
        out.extend_from_slice(&self.nonce);
    }
}

/// A resolved ONS answer as served (`GET /v1/ons/{name_hash}`, `POST /v1/ons`,
/// and the `result` of JSON-RPC `ons_resolve`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnsResult {
    /// The encrypted value, 49 bytes as hex.
    pub encrypted_value: String,
    /// The nonce, 24 bytes as hex.
    pub nonce: String,
    /// The node's signature over [`OnsAnswer`].
    pub attestation: crate::attestation::Attestation,
}

/// Why an [`OnsResult`] does not check out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OnsResultError {
    /// A field is not hex of the right length.
    #[error("malformed ONS answer: {0}")]
    Malformed(&'static str),
    /// The attestation is not of kind `ons`.
    #[error("the attestation is not of an ONS answer")]
    WrongKind,
    /// The signature does not check out.
    #[error(transparent)]
    Attestation(#[from] crate::attestation::AttestationError),
}

impl OnsResult {
    /// The signed answer for `name_hash`, if the fields are well formed.
    pub fn answer(&self, name_hash: NameHash) -> Result<OnsAnswer, OnsResultError> {
        let mut encrypted_value = [0u8; ENCRYPTED_VALUE_LEN];
        hex::decode_to_slice(&self.encrypted_value, &mut encrypted_value)
            .map_err(|_| OnsResultError::Malformed("encrypted_value"))?;
        let mut nonce = [0u8; NONCE_LEN];
        hex::decode_to_slice(&self.nonce, &mut nonce)
            .map_err(|_| OnsResultError::Malformed("nonce"))?;
        Ok(OnsAnswer {
            name_hash,
            encrypted_value,
            nonce,
        })
    }

    /// Checks the node's signature over the answer for `name_hash` and that it
    /// is about `chain_id` and `contract` (the `NameRegistry`).
    pub fn verify(
        &self,
        name_hash: NameHash,
        chain_id: u64,
        contract: alloy::primitives::Address,
    ) -> Result<OnsAnswer, OnsResultError> {
        if self.attestation.kind != crate::attestation::Kind::Ons {
            return Err(OnsResultError::WrongKind);
        }
        let answer = self.answer(name_hash)?;
        self.attestation.verify(&answer, chain_id, contract)?;
        Ok(answer)
    }
}
