//! The node's side: peel a layer, see where it goes, and seal the answer for the client.

use super::OnionError;
use super::cipher::HopKey;
use super::keys::NodeOnionKey;
use super::layer::{self, Incoming};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A layer a node has decrypted: what it holds, and the key to answer the client with.
#[derive(Debug)]
pub struct Peeled {
    plaintext: Vec<u8>,
    hop_no: usize,
    reply: ReplyKey,
}

impl Peeled {
    pub(crate) fn open(key: &NodeOnionKey, body: &[u8]) -> Result<Self, OnionError> {
        let incoming = Incoming::parse(body)?;
        let hop = key.hop_key(incoming.enc, &incoming.ephemeral_key)?;
        let plaintext = hop.open(incoming.ciphertext)?;
        Ok(Self {
            plaintext,
            hop_no: incoming.hop_no,
            reply: ReplyKey { key: hop },
        })
    }

    /// The decrypted bytes (another layer, unless a client sent its request to this node as
    /// the only layer, as libsession's `OnionReqParser` reads it).
    pub fn plaintext(&self) -> &[u8] {
        &self.plaintext
    }

    /// The key to answer with (only the destination answers; relays pass answers back).
    pub fn reply(&self) -> &ReplyKey {
        &self.reply
    }

    /// Where the layer goes, read as the storage server's `process_inner_request` does:
    /// `headers` first (the destination), then `host` (refused), then a next node.
    pub fn route(&self) -> Result<Route, OnionError> {
        let (blob, json) = layer::split(&self.plaintext)?;
        let json = layer::object(json)?;
        if json.contains_key("headers") {
            let flag = |field: &str, default: bool| match json.get(field) {
                None => Ok(default),
                Some(Value::Bool(value)) => Ok(*value),
                Some(_) => Err(OnionError::Json(serde::de::Error::custom(format!(
                    "{field} is not a boolean"
                )))),
            };
            return Ok(Route::Final(FinalRequest {
                request: blob.to_vec(),
                json: flag("json", false)?,
                base64: flag("base64", true)?,
            }));
        }
        if json.contains_key("host") {
            return Err(OnionError::ServerRelay);
        }
        if !json.contains_key("destination") {
            return Err(OnionError::NoRoute);
        }
        let destination = layer::key_field(&json, "destination")?;
        let ephemeral_key = layer::key_field(&json, "ephemeral_key")?;
        let enc = layer::enc_type(&json)?;
        let hop_no = self.hop_no + 1;
        if hop_no >= super::MAX_HOPS {
            return Err(OnionError::TooManyHops { hops: hop_no + 1 });
        }
        let body = layer::join(blob, &layer::header(&ephemeral_key, enc, Some(hop_no)))?;
        Ok(Route::Relay(Relay { destination, body }))
    }
}

/// Where a peeled layer goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// To another node.
    Relay(Relay),
    /// This node is the destination.
    Final(FinalRequest),
}

/// A layer to hand on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relay {
    /// The next node's Ed25519 key.
    pub destination: [u8; 32],
    /// What to POST to its `/onion_req/v2`: `[N][blob]{"ephemeral_key", "enc_type", "hop_no"}`.
    pub body: Vec<u8>,
}

/// The request the client sent to this node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinalRequest {
    /// The request's bytes (for a storage RPC, `{"method", "params"}`).
    pub request: Vec<u8>,
    /// Whether a JSON answer goes into `body` as JSON rather than as a string of JSON.
    pub json: bool,
    /// Whether the sealed answer is sent as base64 (the default) or raw.
    pub base64: bool,
}

impl FinalRequest {
    /// The `body` of the answer for an HTTP body `bytes` (`is_json`: its content type is
    /// JSON): the JSON itself when the client asked for it (`json`) and it parses, else the
    /// text, as the storage server's `wrap_proxy_response` makes it.
    pub fn answer_body(&self, bytes: &[u8], is_json: bool) -> Value {
        if self.json
            && is_json
            && let Ok(value) = serde_json::from_slice(bytes)
        {
            return value;
        }
        Value::String(String::from_utf8_lossy(bytes).into_owned())
    }
}

/// The answer of the destination, sealed for the client: `{"status", "body"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// The HTTP status of the request.
    pub status: u16,
    /// Its body: a string (JSON answers are strings of JSON unless the client asked
    /// otherwise), or JSON.
    pub body: Value,
}

impl Answer {
    /// The body as bytes to parse: the string's bytes, or the JSON written out.
    pub fn body_bytes(&self) -> Vec<u8> {
        match &self.body {
            Value::String(text) => text.clone().into_bytes(),
            other => other.to_string().into_bytes(),
        }
    }
}

/// The key a destination answers the client with (the last layer's exchange).
#[derive(Debug)]
pub struct ReplyKey {
    key: HopKey,
}

impl ReplyKey {
    /// Seals `answer` for the client; base64 text when `base64` (what clients expect unless
    /// they said `"base64": false`).
    pub fn seal(&self, answer: &Answer, base64: bool) -> Result<Vec<u8>, OnionError> {
        let json = serde_json::to_vec(answer).map_err(OnionError::Json)?;
        self.seal_bytes(&json, base64)
    }

    /// Seals raw bytes (as libsession's `OnionReqParser::encrypt_reply`).
    pub fn seal_bytes(&self, plaintext: &[u8], base64: bool) -> Result<Vec<u8>, OnionError> {
        let sealed = self.key.seal(plaintext)?;
        Ok(if base64 {
            STANDARD.encode(sealed).into_bytes()
        } else {
            sealed
        })
    }
}
