//! The storage server's answers and refusals.
//!
//! Successful answers are JSON objects; most carry `t` (the node's clock, ms
//! since the Unix epoch) and `hf` (the network's hard fork, `[major,
//! minor]`). Methods that every swarm member carries out (`store`,
//! `delete`, `delete_all`, `expire`) answer with a `swarm` object keyed by
//! each member's Ed25519 key in hex, whose values are that member's result
//! (signed: see [`super::receipt`]) or its failure (`"failed": true`).
//! Refusals are plain text with a status code, except 421, which carries the
//! account's right swarm as JSON.

use super::request::RequestError;
use super::types::{MessageHash, PADDED, decode_base64};
use base64::Engine;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use std::collections::BTreeMap;

/// Why a request is refused, with the storage server's status code and text.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RpcError {
    /// 400: the request does not parse (the text is the server's).
    #[error("{0}")]
    BadRequest(#[from] RequestError),
    /// 400 with another text (an `oxend_request` refused, a subaccount
    /// without delete access shortening expiries).
    #[error("{0}")]
    BadRequestText(String),
    /// 401: a signature is missing or does not verify, or (`expire`) an
    /// expiry is in the past.
    #[error("{0}")]
    Unauthorized(String),
    /// 403: a TTL out of bounds.
    #[error("{0}")]
    Forbidden(String),
    /// 404: `delete` with `"required": true` deleted nothing.
    #[error("no messages deleted")]
    NotFound,
    /// 406: a timestamp too far from the node's clock.
    #[error("{0}")]
    NotAcceptable(String),
    /// 421: this node is not in the account's swarm; the body is the right
    /// swarm.
    #[error("wrong swarm")]
    WrongSwarm(Box<SwarmInfo>),
    /// 500: the node failed (the text is generic).
    #[error("{0}")]
    Internal(String),
}

impl RpcError {
    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        match self {
            Self::BadRequest(_) | Self::BadRequestText(_) => 400,
            Self::Unauthorized(_) => 401,
            Self::Forbidden(_) => 403,
            Self::NotFound => 404,
            Self::NotAcceptable(_) => 406,
            Self::WrongSwarm(_) => 421,
            Self::Internal(_) => 500,
        }
    }

    /// The body: JSON for 421, text otherwise (`text/plain`).
    pub fn body(&self) -> Value {
        match self {
            Self::WrongSwarm(swarm) => serde_json::to_value(swarm).unwrap_or(Value::Null),
            other => Value::String(other.to_string()),
        }
    }
}

/// The fields most answers carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    /// The node's clock, ms since the Unix epoch.
    pub t: u64,
    /// The network's hard fork, `[major, minor]`.
    pub hf: [u16; 2],
}

/// An Ed25519 signature, base64 in JSON (written padded, read either way).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature64(pub [u8; 64]);

impl std::fmt::Debug for Signature64 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Signature64({})", PADDED.encode(self.0))
    }
}

impl Serialize for Signature64 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&PADDED.encode(self.0))
    }
}

impl<'de> Deserialize<'de> for Signature64 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let bytes = decode_base64(&text).map_err(serde::de::Error::custom)?;
        let bytes: [u8; 64] = bytes
            .try_into()
            .map_err(|_| serde::de::Error::custom("a signature is 64 bytes"))?;
        Ok(Self(bytes))
    }
}

/// Bytes, base64 in JSON (written padded, read either way).
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Base64Bytes(pub Vec<u8>);

impl Serialize for Base64Bytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&PADDED.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Base64Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        decode_base64(&text)
            .map(Self)
            .map_err(serde::de::Error::custom)
    }
}

/// `true`, and nothing else: the mark of a failed member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct True;

impl Serialize for True {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bool(true)
    }
}

impl<'de> Deserialize<'de> for True {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if bool::deserialize(d)? {
            Ok(Self)
        } else {
            Err(serde::de::Error::custom("expected true"))
        }
    }
}

/// A swarm member that did not carry the request out.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MemberFailure {
    /// Always `true`.
    pub failed: True,
    /// The member did not answer in time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<bool>,
    /// The member's error code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<Value>,
    /// Why, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The member's answer did not parse.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bad_peer_response: Option<bool>,
    /// The member's database failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_failure: Option<bool>,
}

/// One swarm member's result: its failure, or its (signed) answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MemberResult<T> {
    /// `"failed": true` and details.
    Failed(MemberFailure),
    /// The member's answer.
    Ok(T),
}

/// Results keyed by each member's Ed25519 key (64 lowercase hex).
pub type Swarm<T> = BTreeMap<String, MemberResult<T>>;

/// A member's answer to `store`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreMember {
    /// The hash of the stored message.
    pub hash: MessageHash,
    /// The member's Ed25519 signature of `hash` (its 43 ASCII characters).
    pub signature: Signature64,
    /// `true` when the member already had this message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub already: Option<bool>,
    /// The message's expiry on this member (ms since the Unix epoch).
    pub expiry: u64,
    /// The entry member's clock (kept by the server for old clients).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub t: Option<u64>,
}

/// The answer to `store`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreResponse {
    /// Each member's result.
    pub swarm: Swarm<StoreMember>,
    /// The hash again, at top level (kept by the server for old clients).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<MessageHash>,
    /// `t` and `hf`.
    #[serde(flatten)]
    pub meta: Meta,
}

/// One message of a `retrieve` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetrievedMessage {
    /// Its hash.
    pub hash: MessageHash,
    /// When it was stored (the store's `timestamp`, ms).
    pub timestamp: u64,
    /// When it expires (ms).
    pub expiration: u64,
    /// The message bytes (base64).
    pub data: Base64Bytes,
}

/// The answer to `retrieve`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetrieveResponse {
    /// The messages; the last one's hash is the next `last_hash`.
    pub messages: Vec<RetrievedMessage>,
    /// Whether more messages were left out by the size or count limit.
    pub more: bool,
    /// `t` and `hf`.
    #[serde(flatten)]
    pub meta: Meta,
}

/// The answer to `info`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InfoResponse {
    /// The node's version, `[major, minor, patch]`.
    pub version: [u16; 3],
    /// The node's clock (ms); clients should sign with it.
    pub timestamp: u64,
    /// `t` and `hf`.
    #[serde(flatten)]
    pub meta: Meta,
}

/// A member of a swarm, as `get_swarm` and 421 list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snode {
    /// Deprecated: `base32z(pubkey_legacy).snode`.
    pub address: String,
    /// The node's legacy key (hex).
    pub pubkey_legacy: String,
    /// The node's X25519 key (hex).
    pub pubkey_x25519: String,
    /// The node's Ed25519 key (hex): the key of its receipts.
    pub pubkey_ed25519: String,
    /// Deprecated: the HTTPS port as a string.
    pub port: String,
    /// The HTTPS port.
    pub port_https: u16,
    /// The OMQ port.
    pub port_omq: u16,
    /// The QUIC port.
    pub port_quic: u16,
    /// The node's IP address.
    pub ip: String,
}

/// An account's swarm: the answer to `get_swarm` and the body of a 421.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SwarmInfo {
    /// The members.
    pub snodes: Vec<Snode>,
    /// The swarm id, in hex.
    pub swarm: String,
    /// `t` and `hf`.
    #[serde(flatten)]
    pub meta: Meta,
}

/// A member's answer to `delete`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeleteMember {
    /// The hashes it deleted, ASCII-sorted.
    pub deleted: Vec<MessageHash>,
    /// Its signature of `PUBKEY_HEX ‖ requested… ‖ deleted…`.
    pub signature: Signature64,
}

/// The answer to `delete`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeleteResponse {
    /// Each member's result.
    pub swarm: Swarm<DeleteMember>,
    /// `t` and `hf`.
    #[serde(flatten)]
    pub meta: Meta,
}

/// What `delete_all` deleted: a sorted list for one namespace, or per
/// namespace for `"all"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Deleted {
    /// One namespace: the ASCII-sorted hashes.
    One(Vec<MessageHash>),
    /// Every namespace: namespace (decimal) to sorted hashes.
    ByNamespace(BTreeMap<String, Vec<MessageHash>>),
}

/// A member's answer to `delete_all`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeleteAllMember {
    /// What it deleted.
    pub deleted: Deleted,
    /// Its signature of `PUBKEY_HEX ‖ timestamp ‖ deleted…` (all hashes,
    /// sorted).
    pub signature: Signature64,
}

/// The answer to `delete_all`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeleteAllResponse {
    /// Each member's result.
    pub swarm: Swarm<DeleteAllMember>,
    /// `t` and `hf`.
    #[serde(flatten)]
    pub meta: Meta,
}

/// The expiry `expire` applied: one, or one per updated message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AppliedExpiry {
    /// The request had one expiry: the one applied (capped at 30 days).
    One(u64),
    /// The request had one expiry per message: those of `updated`.
    Many(Vec<u64>),
}

/// A member's answer to `expire`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExpireMember {
    /// The hashes whose expiry changed, ASCII-sorted.
    pub updated: Vec<MessageHash>,
    /// With `shorten`/`extend`: the found but unchanged hashes and their
    /// expiries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unchanged: Option<BTreeMap<String, u64>>,
    /// The expiry applied.
    pub expiry: AppliedExpiry,
    /// Its signature of `PUBKEY_HEX ‖ expiry… ‖ requested… ‖ updated… ‖
    /// (hash ‖ expiry) of unchanged…`.
    pub signature: Signature64,
}

/// The answer to `expire`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExpireResponse {
    /// Each member's result.
    pub swarm: Swarm<ExpireMember>,
    /// `t` and `hf`.
    #[serde(flatten)]
    pub meta: Meta,
}

/// The answer to `get_expiries` (no `t`/`hf`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetExpiriesResponse {
    /// Hash to expiry (ms), for the messages that exist.
    pub expiries: BTreeMap<String, u64>,
}

/// The answer to `oxend_request`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OxendResponse {
    /// What the endpoint answered.
    pub result: Value,
    /// `t` and `hf`.
    #[serde(flatten)]
    pub meta: Meta,
}

/// One sub-request's result in a `batch` or `sequence` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubResult {
    /// Its status code.
    pub code: u16,
    /// Its body: the JSON answer, or the refusal's text as a string.
    pub body: Value,
}

impl SubResult {
    /// The result of a refused sub-request.
    pub fn from_error(error: &RpcError) -> Self {
        Self {
            code: error.status(),
            body: error.body(),
        }
    }
}

/// The answer to `batch` and `sequence` (200 even when sub-requests fail;
/// a `sequence` stops after the first non-2xx result).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchResponse {
    /// The results, in the order of the requests.
    pub results: Vec<SubResult>,
}

/// Why the wallet cannot use an answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ResponseError {
    /// 421: the node is not in the account's swarm; here is the right one.
    #[error("wrong swarm (421)")]
    WrongSwarm(Box<SwarmInfo>),
    /// Another non-2xx status, with the node's text.
    #[error("refused with {status}: {text}")]
    Refused {
        /// The status code.
        status: u16,
        /// The body, as text (lossy UTF-8).
        text: String,
    },
    /// A 2xx answer that is not the method's JSON.
    #[error("malformed answer: {0}")]
    Malformed(String),
}

/// Reads an answer of `status` with `body` as `T` (the method's answer
/// type), refusals and 421 as [`ResponseError`]; never panics.
pub fn parse_response<T: serde::de::DeserializeOwned>(
    status: u16,
    body: &[u8],
) -> Result<T, ResponseError> {
    if status == 421 {
        return Err(match serde_json::from_slice::<SwarmInfo>(body) {
            Ok(swarm) => ResponseError::WrongSwarm(Box::new(swarm)),
            Err(e) => ResponseError::Malformed(e.to_string()),
        });
    }
    if !(200..300).contains(&status) {
        return Err(ResponseError::Refused {
            status,
            text: String::from_utf8_lossy(body).into_owned(),
        });
    }
    serde_json::from_slice(body).map_err(|e| ResponseError::Malformed(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn store_answers_read_members_and_failures() {
        let sig = PADDED.encode([1u8; 64]);
        let hash = "4sMyAuaZlMwww3oFvfhazfw7ASx/7TDtO+TVc8aAjHs";
        let body = json!({
            "swarm": {
                "aa": {"hash": hash, "signature": sig, "expiry": 5, "t": 4},
                "bb": {"failed": true, "timeout": true},
                "cc": {"hash": hash, "signature": sig, "already": true, "expiry": 5}
            },
            "hash": hash, "t": 4, "hf": [19, 3]
        });
        let parsed: StoreResponse = serde_json::from_value(body.clone()).unwrap();
        assert!(matches!(parsed.swarm["aa"], MemberResult::Ok(_)));
        assert!(matches!(parsed.swarm["bb"], MemberResult::Failed(_)));
        assert_eq!(parsed.meta.hf, [19, 3]);
        assert_eq!(serde_json::to_value(&parsed).unwrap(), body);
    }

    #[test]
    fn errors_have_the_servers_codes() {
        assert_eq!(RpcError::Unauthorized("x".into()).status(), 401);
        assert_eq!(RpcError::NotAcceptable("x".into()).body(), json!("x"));
        let swarm = SwarmInfo {
            snodes: vec![],
            swarm: "0".into(),
            meta: Meta { t: 1, hf: [19, 3] },
        };
        let e = RpcError::WrongSwarm(Box::new(swarm));
        assert_eq!(e.status(), 421);
        assert_eq!(
            e.body(),
            json!({"snodes": [], "swarm": "0", "t": 1, "hf": [19, 3]})
        );
    }

    #[test]
    fn answers_parse_by_status() {
        let swarm = json!({"snodes": [], "swarm": "ff", "t": 1, "hf": [19, 3]});
        let wrong = parse_response::<RetrieveResponse>(421, swarm.to_string().as_bytes());
        assert!(matches!(wrong, Err(ResponseError::WrongSwarm(_))));
        let refused = parse_response::<RetrieveResponse>(406, b"retrieve timestamp too far");
        assert_eq!(
            refused,
            Err(ResponseError::Refused {
                status: 406,
                text: "retrieve timestamp too far".into()
            })
        );
        let bad = parse_response::<RetrieveResponse>(200, b"{}");
        assert!(matches!(bad, Err(ResponseError::Malformed(_))));
        let info = json!({"version": [2, 8, 0], "timestamp": 5, "t": 5, "hf": [19, 3]});
        let ok = parse_response::<InfoResponse>(200, info.to_string().as_bytes()).unwrap();
        assert_eq!(ok.version, [2, 8, 0]);
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_answers_never_panic(status in 100u16..600, body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..256)) {
            let _ = parse_response::<StoreResponse>(status, &body);
            let _ = parse_response::<RetrieveResponse>(status, &body);
            let _ = parse_response::<DeleteAllResponse>(status, &body);
            let _ = parse_response::<ExpireResponse>(status, &body);
            let _ = parse_response::<BatchResponse>(status, &body);
        }
    }

    #[test]
    fn retrieve_answers_round_trip() {
        let body = json!({
            "messages": [{"hash": "a".repeat(43), "timestamp": 1, "expiration": 2, "data": "aGk="}],
            "more": false, "t": 3, "hf": [19, 3]
        });
        let parsed: RetrieveResponse = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(parsed.messages[0].data.0, b"hi");
        assert_eq!(serde_json::to_value(&parsed).unwrap(), body);
    }
}
