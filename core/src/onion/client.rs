//! The client's side: wrap a request in a layer for each node of a path, and open the
//! answer.

use super::cipher::HopKey;
use super::keys::Ephemeral;
use super::layer;
use super::node::Answer;
use super::{EncType, MAX_HOPS, OnionError};
use crate::encoding::decode_base64;
use crate::envelope::ed25519_pk_to_x25519;

/// A node of a path: its Ed25519 key (how the hop before it names it) and its X25519 onion
/// key (what its layer is encrypted to).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hop {
    /// The node's Ed25519 identity key.
    pub ed25519: [u8; 32],
    /// Its X25519 onion key.
    pub x25519: [u8; 32],
}

impl Hop {
    /// The hop of the node with Ed25519 key `ed25519`: its onion key is that key mapped to
    /// Curve25519, as the node derives it.
    pub fn from_ed25519(ed25519: [u8; 32]) -> Result<Self, OnionError> {
        let x25519 = ed25519_pk_to_x25519(&ed25519).map_err(|source| OnionError::NodeKey {
            key: hex::encode(ed25519),
            source,
        })?;
        Ok(Self { ed25519, x25519 })
    }
}

/// A request wrapped for a path.
#[derive(Debug)]
pub struct OnionRequest {
    /// What to POST to the first node's `/onion_req/v2`.
    pub body: Vec<u8>,
    /// The key that opens the destination's answer.
    pub reply: ResponseKey,
}

/// Wraps `request` for `path`, first node first, the last node being the destination that
/// carries it out (for a storage RPC, `request` is `{"method", "params"}`). Each layer has its
/// own ephemeral key, as libsession's `Builder::build` makes them; a path of one node sends
/// the request to it directly, encrypted.
pub fn build(path: &[Hop], request: &[u8], enc: EncType) -> Result<OnionRequest, OnionError> {
    let (destination, relays) = path.split_last().ok_or(OnionError::EmptyPath)?;
    if path.len() > MAX_HOPS {
        return Err(OnionError::TooManyHops { hops: path.len() });
    }
    let last = Ephemeral::random()?;
    let reply = last.hop_key(enc, &destination.x25519)?;
    let mut blob = reply.seal(&layer::join(request, br#"{"headers":""}"#)?)?;
    let mut ephemeral_key = last.public;
    let mut next = destination;
    for hop in relays.iter().rev() {
        let routing = serde_json::json!({
            "destination": hex::encode(next.ed25519),
            "ephemeral_key": hex::encode(ephemeral_key),
            "enc_type": enc.as_str(),
        });
        let data = layer::join(&blob, routing.to_string().as_bytes())?;
        let ephemeral = Ephemeral::random()?;
        blob = ephemeral.hop_key(enc, &hop.x25519)?.seal(&data)?;
        ephemeral_key = ephemeral.public;
        next = hop;
    }
    let body = layer::join(&blob, &layer::header(&ephemeral_key, enc, None))?;
    Ok(OnionRequest {
        body,
        reply: ResponseKey { key: reply },
    })
}

/// Opens the destination's answer.
#[derive(Debug)]
pub struct ResponseKey {
    key: HopKey,
}

impl ResponseKey {
    /// The key of a client whose last ephemeral key is `secret`/`public` with a destination
    /// whose onion key is `destination` (libsession's `ResponseParser`).
    #[cfg(test)]
    pub(crate) fn new(
        enc: EncType,
        secret: &[u8; 32],
        public: &[u8; 32],
        destination: &[u8; 32],
    ) -> Result<Self, OnionError> {
        let key = HopKey::derive(
            enc,
            secret,
            public,
            destination,
            super::cipher::Side::Client,
        )?;
        Ok(Self { key })
    }

    /// The cipher of the path.
    pub fn enc(&self) -> EncType {
        self.key.enc()
    }

    /// Decrypts an answer's raw bytes: base64 (the default) or, when they are not base64,
    /// the sealed bytes themselves.
    pub fn open_bytes(&self, body: &[u8]) -> Result<Vec<u8>, OnionError> {
        let decoded = std::str::from_utf8(body)
            .ok()
            .and_then(|text| decode_base64(text.trim()).ok());
        match decoded {
            Some(sealed) => self.key.open(&sealed).or_else(|_| self.key.open(body)),
            None => self.key.open(body),
        }
    }

    /// Decrypts an answer into its `{"status", "body"}`.
    pub fn open(&self, body: &[u8]) -> Result<Answer, OnionError> {
        let plaintext = self.open_bytes(body)?;
        serde_json::from_slice(&plaintext).map_err(OnionError::BadAnswer)
    }
}
