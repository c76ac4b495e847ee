//! Requests: `{"method": …, "params": {…}}`, read as the storage server
//! reads them (`load_from` in `oxenss/rpc/client_rpc_endpoints.cpp`) and
//! written for the wallet.
//!
//! Reading never panics: every refusal is a [`RequestError`] whose text is
//! the body the storage server answers with its 400.

use super::auth::{self, AuthError, ExpireMode};
use super::response::RpcError;
use super::types::{
    MessageHash, Namespace, NamespaceSelector, PADDED, SubaccountToken, UserPubkey, decode_base64,
    is_base64,
};
use super::{BATCH_REQUEST_MAX, MAX_MESSAGE_BODY, SIGNATURE_TOLERANCE_FORWARDED_MS};
use super::{SIGNATURE_TOLERANCE_MS, TTL_MAXIMUM_PRIVATE_MS};
use crate::envelope::{ed25519_public, session_id_from_seed};
use base64::Engine;
use serde_json::{Map, Value, json};

type Params = Map<String, Value>;

/// Why a request body is refused (400). The text is the storage server's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// The body is not JSON.
    #[error("invalid json")]
    InvalidJson,
    /// No string `method`.
    #[error("invalid json: no `method` field")]
    NoMethod,
    /// No object `params`.
    #[error("invalid json: no `params` field")]
    NoParams,
    /// A method the node does not have.
    #[error("no method {0}")]
    UnknownMethod(String),
    /// The parameters are refused.
    #[error("invalid request: {0}")]
    Invalid(#[from] ParamError),
}

/// Why a method's parameters are refused, in the storage server's words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    /// A required field is missing (or null).
    #[error("Required field '{0}' missing")]
    Missing(&'static str),
    /// Neither of two alternative fields is given.
    #[error("Required field '{0}' or '{1}' missing")]
    MissingEither(&'static str, &'static str),
    /// Both of two exclusive fields are given.
    #[error("Cannot specify both '{0}' and '{1}'")]
    Both(&'static str, &'static str),
    /// A field has the wrong JSON type.
    #[error("Invalid value given for '{field}': expected {expected}")]
    WrongType {
        /// The field.
        field: &'static str,
        /// What it should be.
        expected: &'static str,
    },
    /// A stringified integer that is not one.
    #[error("Invalid value given for '{field}': {value}")]
    NotAnInteger {
        /// The field.
        field: &'static str,
        /// The value as given.
        value: String,
    },
    /// A namespace outside −32768…32767.
    #[error("Invalid value given for '{0}': value out of range")]
    OutOfRange(&'static str),
    /// A timestamp under 10⁹ (seconds, not milliseconds).
    #[error("Invalid timestamp for '{0}': timestamp must be in milliseconds")]
    NotMilliseconds(&'static str),
    /// `pubkey` is not 66 hex characters.
    #[error("Pubkey must be 66 hex digits (33 bytes) long")]
    Pubkey,
    /// `pubkey_ed25519` with a pubkey that is not `05`.
    #[error("pubkey_ed25519 is only permitted for 05[...] pubkeys")]
    Ed25519NotSessionId,
    /// `pubkey_ed25519` of 64 characters that are not hex.
    #[error("invalid pubkey_ed25519: value is not hex")]
    Ed25519NotHex,
    /// `pubkey_ed25519` of another length.
    #[error("Invalid pubkey_ed25519: expected 64 hex char or 32 byte pubkey")]
    Ed25519Length,
    /// `signature` is not base64 of 64 bytes.
    #[error("invalid signature: expected base64 encoded Ed25519 signature")]
    Signature,
    /// `subaccount` without `subaccount_sig`.
    #[error("invalid subaccount: subaccount_sig is required when using subaccount")]
    SubaccountSigMissing,
    /// `subaccount` is not a token.
    #[error("invalid subaccount: expected base64 or hex-encoded subaccount token")]
    Subaccount,
    /// `subaccount_sig` is not base64 of 64 bytes.
    #[error("invalid subaccount signature: expected base64 encoded Ed25519 signature")]
    SubaccountSig,
    /// `data` is not base64.
    #[error("Invalid 'data' value: not base64 encoded")]
    DataNotBase64,
    /// `data` over 76,800 bytes.
    #[error("Message body exceeds maximum allowed length of 76800 bytes")]
    DataTooLong,
    /// `last_hash` of 43 characters that are not base64.
    #[error("Invalid last_hash: not base64")]
    LastHashNotBase64,
    /// `last_hash` of another length.
    #[error("Invalid last_hash: expected base64 (43 chars)")]
    LastHashLength,
    /// `messages` is empty.
    #[error("messages does not contain any message hashes")]
    NoMessages,
    /// A message hash that is not 43 base64 characters.
    #[error("invalid message hash: {0}")]
    MessageHash(String),
    /// `expiry` is an empty list.
    #[error("'expiry' does not contain any expiration timestamps")]
    NoExpiry,
    /// `shorten` and `extend` together.
    #[error("cannot specify both 'shorten' and 'extend'")]
    ShortenAndExtend,
    /// Several expiries, not one per message.
    #[error("'expiry' must be a single expiry, or the same length as 'messages'")]
    ExpiryLength,
    /// `oxend_request` to an endpoint that is not allowed.
    #[error("Invalid oxend endpoint '{0}'")]
    OxendEndpoint(String),
    /// `batch`/`sequence` without a non-empty `requests` list.
    #[error("Invalid batch request: no valid \"requests\" field")]
    BatchRequests,
    /// More than 20 sub-requests.
    #[error("Invalid batch request: subrequest limit exceeded")]
    BatchLimit,
    /// A sub-request that is not an object.
    #[error("Invalid batch request: requests must be objects")]
    BatchNotObject,
    /// A sub-request without `method`/`params`.
    #[error("Invalid batch request: subrequests must have method/params keys")]
    BatchMethodParams,
    /// A sub-request with an unknown method.
    #[error("Invalid batch subrequest: invalid method \"{0}\"")]
    BatchMethod(String),
    /// A `batch` or `sequence` inside a batch.
    #[error("Invalid batch subrequest: subrequests may not contain meta-requests")]
    BatchNested,
}

// ---------------------------------------------------------------- field readers

fn field<'a>(p: &'a Params, name: &str) -> Option<&'a Value> {
    p.get(name).filter(|v| !v.is_null())
}

fn wrong(field: &'static str, expected: &'static str) -> ParamError {
    ParamError::WrongType { field, expected }
}

fn string<'a>(p: &'a Params, name: &'static str) -> Result<Option<&'a str>, ParamError> {
    match field(p, name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(wrong(name, "string")),
    }
}

fn boolean(p: &Params, name: &'static str) -> Result<Option<bool>, ParamError> {
    match field(p, name) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(wrong(name, "boolean")),
    }
}

fn int32(p: &Params, name: &'static str) -> Result<Option<i32>, ParamError> {
    match field(p, name) {
        None => Ok(None),
        Some(v) => v
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .map(Some)
            .ok_or(wrong(name, "integer")),
    }
}

fn millis(name: &'static str, v: &Value) -> Result<u64, ParamError> {
    let ms = v
        .as_u64()
        .ok_or(wrong(name, "integer timestamp (in milliseconds)"))?;
    if ms < 1_000_000_000 {
        return Err(ParamError::NotMilliseconds(name));
    }
    Ok(ms)
}

fn timestamp(p: &Params, name: &'static str) -> Result<Option<u64>, ParamError> {
    field(p, name).map(|v| millis(name, v)).transpose()
}

fn namespace_of(name: &'static str, v: &Value) -> Result<Namespace, ParamError> {
    match v.as_i64() {
        Some(n) => i16::try_from(n)
            .map(Namespace)
            .map_err(|_| ParamError::OutOfRange(name)),
        None if v.is_u64() => Err(ParamError::OutOfRange(name)),
        None => Err(wrong(name, "16-bit integer")),
    }
}

fn namespace(p: &Params, name: &'static str) -> Result<Option<Namespace>, ParamError> {
    field(p, name).map(|v| namespace_of(name, v)).transpose()
}

fn namespace_selector(
    p: &Params,
    name: &'static str,
) -> Result<Option<NamespaceSelector>, ParamError> {
    match field(p, name) {
        None => Ok(None),
        Some(Value::String(s)) if s == "all" => Ok(Some(NamespaceSelector::All)),
        Some(Value::String(_)) => Err(wrong(name, "integer or \"all\"")),
        Some(v) if v.is_i64() || v.is_u64() => namespace_of(name, v).map(|n| Some(n.into())),
        Some(_) => Err(wrong(name, "integer or \"all\"")),
    }
}

fn strings(p: &Params, name: &'static str) -> Result<Option<Vec<String>>, ParamError> {
    match field(p, name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(vec![s.clone()])),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_owned)
                    .ok_or(wrong(name, "string array"))
            })
            .collect::<Result<_, _>>()
            .map(Some),
        Some(_) => Err(wrong(name, "string array")),
    }
}

fn timestamps(p: &Params, name: &'static str) -> Result<Option<Vec<u64>>, ParamError> {
    match field(p, name) {
        None => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| i.as_u64().ok_or(wrong(name, "timestamp array")))
            .collect::<Result<_, _>>()
            .map(Some),
        Some(v) => v
            .as_u64()
            .map(|t| Some(vec![t]))
            .ok_or(wrong(name, "timestamp array")),
    }
}

/// An integer, or (for old clients) a string of one.
fn stringified(p: &Params, name: &'static str) -> Result<Option<u64>, ParamError> {
    match field(p, name) {
        None => Ok(None),
        Some(Value::String(s)) => s
            .parse::<u64>()
            .ok()
            .filter(|_| !s.starts_with('+'))
            .map(Some)
            .ok_or_else(|| ParamError::NotAnInteger {
                field: name,
                value: Value::String(s.clone()).to_string(),
            }),
        Some(v) => v.as_u64().map(Some).ok_or(wrong(name, "integer")),
    }
}

/// `pubkey` (or, where the server allows it, `pubKey`).
fn pubkey(p: &Params, alias: bool) -> Result<UserPubkey, ParamError> {
    let main = string(p, "pubkey")?;
    let alt = if alias { string(p, "pubKey")? } else { None };
    let text = match (main, alt) {
        (Some(_), Some(_)) => return Err(ParamError::Both("pubkey", "pubKey")),
        (Some(t), None) | (None, Some(t)) => t,
        (None, None) => return Err(ParamError::Missing("pubkey")),
    };
    UserPubkey::parse(text).ok_or(ParamError::Pubkey)
}

fn signature_bytes(text: &str) -> Option<[u8; 64]> {
    let shape = text.len() == 86 || (text.len() == 88 && text.ends_with("=="));
    if !shape {
        return None;
    }
    decode_base64(text).ok()?.try_into().ok()
}

/// `signature` (required) and `pubkey_ed25519` (optional, `05` only).
fn signature(p: &Params, pubkey: &UserPubkey) -> Result<([u8; 64], Option<[u8; 32]>), ParamError> {
    let sig = string(p, "signature")?.ok_or(ParamError::Missing("signature"))?;
    let ed = match string(p, "pubkey_ed25519")? {
        None => None,
        Some(_) if !pubkey.is_session_id() => return Err(ParamError::Ed25519NotSessionId),
        Some(text) if text.len() == 64 => {
            let mut key = [0u8; 32];
            hex::decode_to_slice(text, &mut key).map_err(|_| ParamError::Ed25519NotHex)?;
            Some(key)
        }
        Some(text) if text.len() == 32 => text.as_bytes().try_into().ok(),
        Some(_) => return Err(ParamError::Ed25519Length),
    };
    let sig = signature_bytes(sig).ok_or(ParamError::Signature)?;
    Ok((sig, ed))
}

fn subaccount(p: &Params) -> Result<Option<SubaccountToken>, ParamError> {
    let token = match string(p, "subaccount")? {
        None | Some("") => return Ok(None),
        Some(t) => t,
    };
    let sig = string(p, "subaccount_sig")?.ok_or(ParamError::SubaccountSigMissing)?;
    let bytes = if token.len() == 48 && is_base64(token) {
        decode_base64(token).ok()
    } else if token.len() == 72 {
        hex::decode(token).ok()
    } else {
        None
    };
    let token: [u8; 36] = bytes
        .and_then(|b| b.try_into().ok())
        .ok_or(ParamError::Subaccount)?;
    let signature = signature_bytes(sig).ok_or(ParamError::SubaccountSig)?;
    Ok(Some(SubaccountToken { token, signature }))
}

fn message_hashes(p: &Params) -> Result<Vec<MessageHash>, ParamError> {
    let messages = strings(p, "messages")?.ok_or(ParamError::Missing("messages"))?;
    if messages.is_empty() {
        return Err(ParamError::NoMessages);
    }
    messages
        .into_iter()
        .map(|m| MessageHash::parse(&m).ok_or(ParamError::MessageHash(m)))
        .collect()
}

fn b64(bytes: &[u8]) -> String {
    PADDED.encode(bytes)
}

fn put_auth(params: &mut Params, signature: &[u8; 64], ed: Option<&[u8; 32]>) {
    params.insert("signature".into(), b64(signature).into());
    if let Some(ed) = ed {
        params.insert("pubkey_ed25519".into(), hex::encode(ed).into());
    }
}

fn check_sub(subaccount: &Option<SubaccountToken>) -> Result<(), AuthError> {
    match subaccount {
        Some(_) => Err(AuthError::SubaccountUnsupported),
        None => Ok(()),
    }
}

impl From<Namespace> for NamespaceSelector {
    fn from(ns: Namespace) -> Self {
        Self::One(ns)
    }
}

/// The account of a wallet's Ed25519 seed: its Session ID and Ed25519 key.
fn account(seed: &[u8; 32]) -> (UserPubkey, [u8; 32]) {
    (
        UserPubkey::from(&session_id_from_seed(seed)),
        ed25519_public(seed),
    )
}

// ---------------------------------------------------------------- store

/// The signature of a store to a private namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreAuth {
    /// Signature of `"store" ‖ namespace ‖ sig_timestamp`.
    pub signature: [u8; 64],
    /// The account's Ed25519 key (for `05` accounts).
    pub pubkey_ed25519: Option<[u8; 32]>,
    /// `sig_timestamp`, or `timestamp` when it is omitted.
    pub sig_timestamp: u64,
}

/// `store`: keep `data` for `pubkey` in `namespace` until `expiry`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Store {
    /// The recipient (`pubkey`, or `pubKey`).
    pub pubkey: UserPubkey,
    /// `namespace`, 0 when omitted.
    pub namespace: Namespace,
    /// `timestamp` (ms; an integer or a string of one).
    pub timestamp: u64,
    /// `expiry` (ms), or `timestamp + ttl`.
    pub expiry: u64,
    /// `ttl` (ms) as given, when the request gave it rather than `expiry`.
    pub ttl: Option<u64>,
    /// `data`, decoded from base64; at most 76,800 bytes.
    pub data: Vec<u8>,
    /// The signature, when given (required in private namespaces).
    pub auth: Option<StoreAuth>,
    /// A subaccount token (refused by [`Store::check`]).
    pub subaccount: Option<SubaccountToken>,
}

impl Store {
    fn parse(p: &Params) -> Result<Self, ParamError> {
        let data = string(p, "data")?;
        let expiry = timestamp(p, "expiry")?;
        let ns = namespace(p, "namespace")?;
        let sig_ts = timestamp(p, "sig_timestamp")?;
        let ts = stringified(p, "timestamp")?.ok_or(ParamError::Missing("timestamp"))?;
        let ttl = stringified(p, "ttl")?;
        let expiry = match (expiry, ttl) {
            (Some(_), Some(_)) => return Err(ParamError::Both("expiry", "ttl")),
            (Some(e), None) => e,
            (None, Some(ttl)) => ts.saturating_add(ttl),
            (None, None) => return Err(ParamError::MissingEither("expiry", "ttl")),
        };
        let pubkey = pubkey(p, true)?;
        let (auth, subaccount) = if field(p, "signature").is_some() {
            let (signature, pubkey_ed25519) = signature(p, &pubkey)?;
            let auth = StoreAuth {
                signature,
                pubkey_ed25519,
                sig_timestamp: sig_ts.unwrap_or(ts),
            };
            (Some(auth), subaccount(p)?)
        } else {
            (None, None)
        };
        let data = data.ok_or(ParamError::Missing("data"))?;
        if !is_base64(data) {
            return Err(ParamError::DataNotBase64);
        }
        if data.len() > MAX_MESSAGE_BODY / 3 * 4 {
            return Err(ParamError::DataTooLong);
        }
        let data = decode_base64(data).map_err(|_| ParamError::DataNotBase64)?;
        Ok(Self {
            pubkey,
            namespace: ns.unwrap_or_default(),
            timestamp: ts,
            expiry,
            ttl,
            data,
            auth,
            subaccount,
        })
    }

    /// An unsigned store of `data` for `recipient` (for public namespaces:
    /// 0 and every multiple of 10), with `ttl` ms from `timestamp`.
    pub fn new(
        recipient: UserPubkey,
        namespace: Namespace,
        data: Vec<u8>,
        timestamp: u64,
        ttl: u64,
    ) -> Self {
        Self {
            pubkey: recipient,
            namespace,
            timestamp,
            expiry: timestamp.saturating_add(ttl),
            ttl: Some(ttl),
            data,
            auth: None,
            subaccount: None,
        }
    }

    /// The same store signed by the owner of the mailbox (its Ed25519 seed),
    /// as private namespaces require.
    pub fn signed(mut self, ed25519_seed: &[u8; 32], sig_timestamp: u64) -> Self {
        let (_, ed) = account(ed25519_seed);
        self.auth = Some(StoreAuth {
            signature: auth::sign(
                ed25519_seed,
                &auth::store_message(self.namespace, sig_timestamp),
            ),
            pubkey_ed25519: Some(ed),
            sig_timestamp,
        });
        self
    }

    /// The message's hash.
    pub fn hash(&self) -> MessageHash {
        super::message_hash(&self.pubkey, self.namespace, &self.data)
    }

    /// The `timestamp` a node keeps the message with when it receives the store at
    /// `now_ms`: the store's, but no earlier than [`SIGNATURE_TOLERANCE_MS`] before `now_ms`;
    /// the expiry stays as asked.
    ///
    /// As on the storage server, a store dated in the past is taken while its expiry has not
    /// passed (Session clients resend queued messages with their first time), but the time
    /// kept is not the sender's to choose: a recipient checks the sender's premium proofs
    /// against it, and a message dated back to before the sender's premium ended would pass.
    pub fn kept_timestamp(&self, now_ms: u64) -> u64 {
        self.timestamp
            .max(now_ms.saturating_sub(SIGNATURE_TOLERANCE_MS))
    }

    /// The storage server's checks of a store, in its order (the swarm
    /// check, 421, is the node's, before this): TTL (403) and clock (406) as
    /// [`auth::check_store_times`], then in a private namespace a signature
    /// (401 when missing), its timestamp within ±60 s (406), and its
    /// verification (401).
    pub fn check(&self, now_ms: u64, premium_recipient: bool) -> Result<(), RpcError> {
        auth::check_store_times(
            self.namespace,
            self.timestamp,
            self.expiry,
            now_ms,
            premium_recipient,
        )?;
        if self.namespace.is_public_inbox() {
            return Ok(());
        }
        let Some(a) = &self.auth else {
            return Err(RpcError::Unauthorized(format!(
                "store: signature required to store to namespace {}",
                self.namespace.0
            )));
        };
        if !auth::within_signature_window(a.sig_timestamp, now_ms) {
            return Err(RpcError::NotAcceptable(
                "store signature timestamp too far from current time".into(),
            ));
        }
        check_sub(&self.subaccount)
            .and_then(|()| {
                auth::verify(
                    &self.pubkey,
                    a.pubkey_ed25519.as_ref(),
                    &auth::store_message(self.namespace, a.sig_timestamp),
                    &a.signature,
                )
            })
            .map_err(|_| RpcError::Unauthorized("store signature verification failed".into()))
    }

    fn params(&self) -> Params {
        let mut p = Params::new();
        p.insert("pubkey".into(), self.pubkey.to_hex().into());
        if self.namespace != Namespace::DEFAULT {
            p.insert("namespace".into(), self.namespace.0.into());
        }
        p.insert("timestamp".into(), self.timestamp.into());
        match self.ttl {
            Some(ttl) => p.insert("ttl".into(), ttl.into()),
            None => p.insert("expiry".into(), self.expiry.into()),
        };
        p.insert("data".into(), b64(&self.data).into());
        if let Some(a) = &self.auth {
            put_auth(&mut p, &a.signature, a.pubkey_ed25519.as_ref());
            p.insert("sig_timestamp".into(), a.sig_timestamp.into());
        }
        p
    }
}

// ---------------------------------------------------------------- retrieve

/// A signed request's authentication: timestamp, signature, Ed25519 key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestAuth {
    /// `timestamp` (ms), signed.
    pub timestamp: u64,
    /// `signature`.
    pub signature: [u8; 64],
    /// `pubkey_ed25519` (for `05` accounts).
    pub pubkey_ed25519: Option<[u8; 32]>,
}

/// `retrieve`: the messages of `pubkey` in `namespace` stored after
/// `last_hash`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retrieve {
    /// The account (`pubkey`, or `pubKey`).
    pub pubkey: UserPubkey,
    /// `namespace`, 0 when omitted.
    pub namespace: Namespace,
    /// `last_hash` (or `lastHash`); an empty string is none.
    pub last_hash: Option<MessageHash>,
    /// `max_count`.
    pub max_count: Option<i32>,
    /// `max_size` (bytes; −n for 1/n of the largest answer).
    pub max_size: Option<i32>,
    /// The signature; required except in namespaces −10 and the public
    /// outboxes.
    pub auth: Option<RequestAuth>,
    /// A subaccount token (refused by [`Retrieve::check`]).
    pub subaccount: Option<SubaccountToken>,
}

impl Retrieve {
    fn parse(p: &Params) -> Result<Self, ParamError> {
        let last_hash_alt = string(p, "lastHash")?;
        let last_hash = string(p, "last_hash")?;
        let max_count = int32(p, "max_count")?;
        let max_size = int32(p, "max_size")?;
        let ns = namespace(p, "namespace")?;
        let ts = timestamp(p, "timestamp")?;
        let pubkey = pubkey(p, true)?;
        let needs_auth = field(p, "pubkey_ed25519").is_some()
            || field(p, "signature").is_some()
            || ts.is_some()
            || ns.is_some_and(|n| !n.is_noauth_retrieve());
        let (auth, subaccount) = if needs_auth {
            let (signature, pubkey_ed25519) = signature(p, &pubkey)?;
            let sub = subaccount(p)?;
            let timestamp = ts.ok_or(ParamError::Missing("timestamp"))?;
            let auth = RequestAuth {
                timestamp,
                signature,
                pubkey_ed25519,
            };
            (Some(auth), sub)
        } else {
            (None, None)
        };
        let last_hash = match (last_hash, last_hash_alt) {
            (Some(_), Some(_)) => return Err(ParamError::Both("last_hash", "lastHash")),
            (Some(h), None) | (None, Some(h)) => Some(h),
            (None, None) => None,
        };
        let last_hash = match last_hash {
            None | Some("") => None,
            Some(h) if h.len() == 43 => {
                Some(MessageHash::parse(h).ok_or(ParamError::LastHashNotBase64)?)
            }
            Some(_) => return Err(ParamError::LastHashLength),
        };
        Ok(Self {
            pubkey,
            namespace: ns.unwrap_or_default(),
            last_hash,
            max_count,
            max_size,
            auth,
            subaccount,
        })
    }

    /// A retrieve signed with the wallet's Ed25519 seed at `timestamp`.
    pub fn signed(
        ed25519_seed: &[u8; 32],
        namespace: Namespace,
        timestamp: u64,
        last_hash: Option<MessageHash>,
    ) -> Self {
        let (pubkey, ed) = account(ed25519_seed);
        Self {
            pubkey,
            namespace,
            last_hash,
            max_count: None,
            max_size: None,
            auth: Some(RequestAuth {
                timestamp,
                signature: auth::sign(ed25519_seed, &auth::retrieve_message(namespace, timestamp)),
                pubkey_ed25519: Some(ed),
            }),
            subaccount: None,
        }
    }

    /// The server's checks: a signature unless the namespace is readable
    /// without one (401), its timestamp within ±60 s (406), its
    /// verification (401).
    pub fn check(&self, now_ms: u64) -> Result<(), RpcError> {
        let Some(a) = &self.auth else {
            if self.namespace.is_noauth_retrieve() {
                return Ok(());
            }
            return Err(RpcError::Unauthorized(
                "retrieve: request signature required".into(),
            ));
        };
        if !auth::within_signature_window(a.timestamp, now_ms) {
            return Err(RpcError::NotAcceptable(
                "retrieve timestamp too far from current time".into(),
            ));
        }
        check_sub(&self.subaccount)
            .and_then(|()| {
                auth::verify(
                    &self.pubkey,
                    a.pubkey_ed25519.as_ref(),
                    &auth::retrieve_message(self.namespace, a.timestamp),
                    &a.signature,
                )
            })
            .map_err(|_| RpcError::Unauthorized("retrieve signature verification failed".into()))
    }

    /// The size limit the server applies: 0 counts as omitted; neither
    /// limit means `max_size = -5`; −n means 1/n of 7,800,000 bytes; at most
    /// 7,800,000.
    pub fn effective_max_size(&self) -> i64 {
        let count = self.max_count.filter(|c| *c != 0);
        let size = self.max_size.filter(|s| *s != 0);
        let size = match (count, size) {
            (None, None) => Some(-5),
            (_, s) => s,
        };
        match size {
            Some(s) if s < 0 => super::RETRIEVE_MAX_SIZE / -i64::from(s),
            Some(s) if i64::from(s) <= super::RETRIEVE_MAX_SIZE => i64::from(s),
            _ => super::RETRIEVE_MAX_SIZE,
        }
    }

    fn params(&self) -> Params {
        let mut p = Params::new();
        p.insert("pubkey".into(), self.pubkey.to_hex().into());
        if self.namespace != Namespace::DEFAULT {
            p.insert("namespace".into(), self.namespace.0.into());
        }
        if let Some(h) = &self.last_hash {
            p.insert("last_hash".into(), h.as_str().into());
        }
        if let Some(c) = self.max_count {
            p.insert("max_count".into(), c.into());
        }
        if let Some(s) = self.max_size {
            p.insert("max_size".into(), s.into());
        }
        if let Some(a) = &self.auth {
            put_auth(&mut p, &a.signature, a.pubkey_ed25519.as_ref());
            p.insert("timestamp".into(), a.timestamp.into());
        }
        p
    }
}

// ---------------------------------------------------------------- delete

/// `delete`: delete messages by hash, on every member of the swarm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delete {
    /// The account.
    pub pubkey: UserPubkey,
    /// `pubkey_ed25519`.
    pub pubkey_ed25519: Option<[u8; 32]>,
    /// `messages` (a string or a list; not empty).
    pub messages: Vec<MessageHash>,
    /// `required`: answer 404 when no member deleted anything.
    pub required: bool,
    /// Signature of `"delete" ‖ messages…`.
    pub signature: [u8; 64],
    /// A subaccount token (refused by [`Delete::check`]).
    pub subaccount: Option<SubaccountToken>,
}

impl Delete {
    fn parse(p: &Params) -> Result<Self, ParamError> {
        let pubkey = pubkey(p, false)?;
        let (signature, pubkey_ed25519) = signature(p, &pubkey)?;
        let subaccount = subaccount(p)?;
        let messages = message_hashes(p)?;
        Ok(Self {
            pubkey,
            pubkey_ed25519,
            messages,
            required: boolean(p, "required")?.unwrap_or(false),
            signature,
            subaccount,
        })
    }

    /// A delete signed with the wallet's Ed25519 seed.
    pub fn signed(ed25519_seed: &[u8; 32], messages: Vec<MessageHash>) -> Self {
        let (pubkey, ed) = account(ed25519_seed);
        Self {
            pubkey,
            pubkey_ed25519: Some(ed),
            signature: auth::sign(ed25519_seed, &auth::delete_message(&messages)),
            messages,
            required: false,
            subaccount: None,
        }
    }

    /// The server's check: the signature (401; `delete` has no timestamp).
    pub fn check(&self) -> Result<(), RpcError> {
        check_sub(&self.subaccount)
            .and_then(|()| {
                auth::verify(
                    &self.pubkey,
                    self.pubkey_ed25519.as_ref(),
                    &auth::delete_message(&self.messages),
                    &self.signature,
                )
            })
            .map_err(|_| RpcError::Unauthorized("delete_msgs signature verification failed".into()))
    }

    fn params(&self) -> Params {
        let mut p = Params::new();
        p.insert("pubkey".into(), self.pubkey.to_hex().into());
        p.insert("messages".into(), json!(self.messages));
        if self.required {
            p.insert("required".into(), true.into());
        }
        put_auth(&mut p, &self.signature, self.pubkey_ed25519.as_ref());
        p
    }
}

// ---------------------------------------------------------------- delete_all

/// `delete_all`: delete every message of a namespace (or all namespaces).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteAll {
    /// The account.
    pub pubkey: UserPubkey,
    /// `namespace`: a namespace, or `"all"`; 0 when omitted.
    pub namespace: NamespaceSelector,
    /// The signature, with its `timestamp`.
    pub auth: RequestAuth,
    /// A subaccount token (refused by [`DeleteAll::check`]).
    pub subaccount: Option<SubaccountToken>,
}

impl DeleteAll {
    fn parse(p: &Params) -> Result<Self, ParamError> {
        let ns = namespace_selector(p, "namespace")?;
        let ts = timestamp(p, "timestamp")?;
        let pubkey = pubkey(p, false)?;
        let (signature, pubkey_ed25519) = signature(p, &pubkey)?;
        let subaccount = subaccount(p)?;
        let timestamp = ts.ok_or(ParamError::Missing("timestamp"))?;
        Ok(Self {
            pubkey,
            namespace: ns.unwrap_or_default(),
            auth: RequestAuth {
                timestamp,
                signature,
                pubkey_ed25519,
            },
            subaccount,
        })
    }

    /// A `delete_all` signed with the wallet's Ed25519 seed.
    pub fn signed(ed25519_seed: &[u8; 32], namespace: NamespaceSelector, timestamp: u64) -> Self {
        let (pubkey, ed) = account(ed25519_seed);
        Self {
            pubkey,
            namespace,
            auth: RequestAuth {
                timestamp,
                signature: auth::sign(
                    ed25519_seed,
                    &auth::delete_all_message(namespace, timestamp),
                ),
                pubkey_ed25519: Some(ed),
            },
            subaccount: None,
        }
    }

    /// The server's checks: the timestamp within ±60 s (±70 s when
    /// `forwarded` by another member) (406), the signature (401).
    pub fn check(&self, now_ms: u64, forwarded: bool) -> Result<(), RpcError> {
        let tolerance = if forwarded {
            SIGNATURE_TOLERANCE_FORWARDED_MS
        } else {
            SIGNATURE_TOLERANCE_MS
        };
        if !auth::within(self.auth.timestamp, now_ms, tolerance) {
            return Err(RpcError::NotAcceptable(
                "delete_all timestamp too far from current time".into(),
            ));
        }
        check_sub(&self.subaccount)
            .and_then(|()| {
                auth::verify(
                    &self.pubkey,
                    self.auth.pubkey_ed25519.as_ref(),
                    &auth::delete_all_message(self.namespace, self.auth.timestamp),
                    &self.auth.signature,
                )
            })
            .map_err(|_| RpcError::Unauthorized("delete_all signature verification failed".into()))
    }

    fn params(&self) -> Params {
        let mut p = Params::new();
        p.insert("pubkey".into(), self.pubkey.to_hex().into());
        match self.namespace {
            NamespaceSelector::All => p.insert("namespace".into(), "all".into()),
            NamespaceSelector::One(ns) => p.insert("namespace".into(), ns.0.into()),
        };
        p.insert("timestamp".into(), self.auth.timestamp.into());
        put_auth(
            &mut p,
            &self.auth.signature,
            self.auth.pubkey_ed25519.as_ref(),
        );
        p
    }
}

// ---------------------------------------------------------------- expire

/// `expire`: set the expiry of messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expire {
    /// The account.
    pub pubkey: UserPubkey,
    /// `pubkey_ed25519`.
    pub pubkey_ed25519: Option<[u8; 32]>,
    /// `messages` (not empty).
    pub messages: Vec<MessageHash>,
    /// `expiry`: one timestamp (ms), or one per message.
    pub expiry: Vec<u64>,
    /// `shorten` / `extend`.
    pub mode: ExpireMode,
    /// Signature of `"expire" ‖ mode ‖ expiry… ‖ messages…`.
    pub signature: [u8; 64],
    /// A subaccount token (refused by [`Expire::check`]).
    pub subaccount: Option<SubaccountToken>,
}

impl Expire {
    fn parse(p: &Params) -> Result<Self, ParamError> {
        let expiry = timestamps(p, "expiry")?;
        let extend = boolean(p, "extend")?.unwrap_or(false);
        let shorten = boolean(p, "shorten")?.unwrap_or(false);
        let pubkey = pubkey(p, false)?;
        let (signature, pubkey_ed25519) = signature(p, &pubkey)?;
        let subaccount = subaccount(p)?;
        let expiry = expiry.ok_or(ParamError::Missing("expiry"))?;
        if expiry.is_empty() {
            return Err(ParamError::NoExpiry);
        }
        let mode = match (shorten, extend) {
            (true, true) => return Err(ParamError::ShortenAndExtend),
            (true, false) => ExpireMode::Shorten,
            (false, true) => ExpireMode::Extend,
            (false, false) => ExpireMode::Either,
        };
        let messages = message_hashes(p)?;
        if expiry.len() > 1 && expiry.len() != messages.len() {
            return Err(ParamError::ExpiryLength);
        }
        Ok(Self {
            pubkey,
            pubkey_ed25519,
            messages,
            expiry,
            mode,
            signature,
            subaccount,
        })
    }

    /// An `expire` signed with the wallet's Ed25519 seed.
    pub fn signed(
        ed25519_seed: &[u8; 32],
        messages: Vec<MessageHash>,
        expiry: Vec<u64>,
        mode: ExpireMode,
    ) -> Self {
        let (pubkey, ed) = account(ed25519_seed);
        Self {
            pubkey,
            pubkey_ed25519: Some(ed),
            signature: auth::sign(
                ed25519_seed,
                &auth::expire_message(mode, &expiry, &messages),
            ),
            messages,
            expiry,
            mode,
            subaccount: None,
        }
    }

    /// The server's checks: no expiry more than 60 s in the past (401),
    /// the signature (401).
    pub fn check(&self, now_ms: u64) -> Result<(), RpcError> {
        if self
            .expiry
            .iter()
            .any(|e| *e < now_ms.saturating_sub(60_000))
        {
            return Err(RpcError::Unauthorized(
                "expire: timestamp should be >= current time".into(),
            ));
        }
        check_sub(&self.subaccount)
            .and_then(|()| {
                auth::verify(
                    &self.pubkey,
                    self.pubkey_ed25519.as_ref(),
                    &auth::expire_message(self.mode, &self.expiry, &self.messages),
                    &self.signature,
                )
            })
            .map_err(|_| RpcError::Unauthorized("expire: signature verification failed".into()))
    }

    /// The expiries a node applies: each capped at 30 days from `now_ms`.
    pub fn applied_expiries(&self, now_ms: u64) -> Vec<u64> {
        let cap = now_ms.saturating_add(TTL_MAXIMUM_PRIVATE_MS);
        self.expiry.iter().map(|e| (*e).min(cap)).collect()
    }

    fn params(&self) -> Params {
        let mut p = Params::new();
        p.insert("pubkey".into(), self.pubkey.to_hex().into());
        p.insert("messages".into(), json!(self.messages));
        if let [one] = self.expiry.as_slice() {
            p.insert("expiry".into(), (*one).into());
        } else {
            p.insert("expiry".into(), json!(self.expiry));
        }
        match self.mode {
            ExpireMode::Shorten => p.insert("shorten".into(), true.into()),
            ExpireMode::Extend => p.insert("extend".into(), true.into()),
            ExpireMode::Either => None,
        };
        put_auth(&mut p, &self.signature, self.pubkey_ed25519.as_ref());
        p
    }
}

// ---------------------------------------------------------------- get_expiries

/// `get_expiries`: the expiries of messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetExpiries {
    /// The account.
    pub pubkey: UserPubkey,
    /// `messages` (strings, not checked as hashes, as the server does).
    pub messages: Vec<String>,
    /// The signature, with its `timestamp`.
    pub auth: RequestAuth,
    /// A subaccount token (refused by [`GetExpiries::check`]).
    pub subaccount: Option<SubaccountToken>,
}

impl GetExpiries {
    fn parse(p: &Params) -> Result<Self, ParamError> {
        let messages = strings(p, "messages")?;
        let ts = timestamp(p, "timestamp")?;
        let pubkey = pubkey(p, false)?;
        let (signature, pubkey_ed25519) = signature(p, &pubkey)?;
        let subaccount = subaccount(p)?;
        let timestamp = ts.ok_or(ParamError::Missing("timestamp"))?;
        let messages = messages.ok_or(ParamError::Missing("messages"))?;
        if messages.is_empty() {
            return Err(ParamError::NoMessages);
        }
        Ok(Self {
            pubkey,
            messages,
            auth: RequestAuth {
                timestamp,
                signature,
                pubkey_ed25519,
            },
            subaccount,
        })
    }

    /// A `get_expiries` signed with the wallet's Ed25519 seed.
    pub fn signed(ed25519_seed: &[u8; 32], messages: Vec<String>, timestamp: u64) -> Self {
        let (pubkey, ed) = account(ed25519_seed);
        Self {
            pubkey,
            auth: RequestAuth {
                timestamp,
                signature: auth::sign(
                    ed25519_seed,
                    &auth::get_expiries_message(timestamp, &messages),
                ),
                pubkey_ed25519: Some(ed),
            },
            messages,
            subaccount: None,
        }
    }

    /// The server's checks: the timestamp within ±60 s (406), the
    /// signature (401).
    pub fn check(&self, now_ms: u64) -> Result<(), RpcError> {
        if !auth::within_signature_window(self.auth.timestamp, now_ms) {
            return Err(RpcError::NotAcceptable(
                "get_expiries timestamp too far from current time".into(),
            ));
        }
        check_sub(&self.subaccount)
            .and_then(|()| {
                auth::verify(
                    &self.pubkey,
                    self.auth.pubkey_ed25519.as_ref(),
                    &auth::get_expiries_message(self.auth.timestamp, &self.messages),
                    &self.auth.signature,
                )
            })
            .map_err(|_| {
                RpcError::Unauthorized("get_expiries signature verification failed".into())
            })
    }

    fn params(&self) -> Params {
        let mut p = Params::new();
        p.insert("pubkey".into(), self.pubkey.to_hex().into());
        p.insert("messages".into(), json!(self.messages));
        p.insert("timestamp".into(), self.auth.timestamp.into());
        put_auth(
            &mut p,
            &self.auth.signature,
            self.auth.pubkey_ed25519.as_ref(),
        );
        p
    }
}

// ---------------------------------------------------------------- oxend_request

/// The endpoints `oxend_request` forwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OxendEndpoint {
    /// `ons_resolve`: an ONS name's encrypted value.
    OnsResolve,
    /// `get_service_nodes`: the active node list.
    GetServiceNodes,
}

impl OxendEndpoint {
    /// The endpoint's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OnsResolve => "ons_resolve",
            Self::GetServiceNodes => "get_service_nodes",
        }
    }
}

/// `oxend_request`: a call to one of the allowed endpoints.
#[derive(Debug, Clone, PartialEq)]
pub struct OxendRequest {
    /// `endpoint`.
    pub endpoint: OxendEndpoint,
    /// `params` (any JSON; omitted or null is none).
    pub params: Option<Value>,
}

impl OxendRequest {
    fn parse(p: &Params) -> Result<Self, ParamError> {
        let endpoint = match string(p, "endpoint")?.ok_or(ParamError::Missing("endpoint"))? {
            "ons_resolve" => OxendEndpoint::OnsResolve,
            "get_service_nodes" => OxendEndpoint::GetServiceNodes,
            other => return Err(ParamError::OxendEndpoint(other.to_owned())),
        };
        Ok(Self {
            endpoint,
            params: field(p, "params").cloned(),
        })
    }
}

// ---------------------------------------------------------------- dispatch

/// A request that can also stand inside a `batch` or `sequence`.
#[derive(Debug, Clone, PartialEq)]
pub enum SubRequest {
    /// `store`.
    Store(Store),
    /// `retrieve`.
    Retrieve(Retrieve),
    /// `delete`.
    Delete(Delete),
    /// `delete_all`.
    DeleteAll(DeleteAll),
    /// `expire`.
    Expire(Expire),
    /// `get_expiries`.
    GetExpiries(GetExpiries),
    /// `get_swarm` (or `get_snodes_for_pubkey`): the account's swarm.
    GetSwarm(UserPubkey),
    /// `info`.
    Info,
    /// `oxend_request`.
    OxendRequest(OxendRequest),
}

/// A request to `POST /storage_rpc/v1`.
// One request per HTTP call: a boxed `One` would buy nothing but derefs.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// A single method.
    One(SubRequest),
    /// `batch`: 1 to 20 sub-requests, carried out independently.
    Batch(Vec<SubRequest>),
    /// `sequence`: 1 to 20 sub-requests, in order, stopping at the first
    /// non-2xx.
    Sequence(Vec<SubRequest>),
}

/// The methods a node answers (`get_snodes_for_pubkey` is `get_swarm`).
pub const METHODS: &[&str] = &[
    "store",
    "retrieve",
    "delete",
    "delete_all",
    "expire",
    "get_expiries",
    "get_swarm",
    "get_snodes_for_pubkey",
    "info",
    "oxend_request",
    "batch",
    "sequence",
];

impl SubRequest {
    /// Reads `params` of `method`; `Ok(None)` for an unknown method.
    fn parse(method: &str, p: &Params) -> Result<Option<Self>, ParamError> {
        Ok(Some(match method {
            "store" => Self::Store(Store::parse(p)?),
            "retrieve" => Self::Retrieve(Retrieve::parse(p)?),
            "delete" => Self::Delete(Delete::parse(p)?),
            "delete_all" => Self::DeleteAll(DeleteAll::parse(p)?),
            "expire" => Self::Expire(Expire::parse(p)?),
            "get_expiries" => Self::GetExpiries(GetExpiries::parse(p)?),
            "get_swarm" | "get_snodes_for_pubkey" => Self::GetSwarm(pubkey(p, true)?),
            "info" => Self::Info,
            "oxend_request" => Self::OxendRequest(OxendRequest::parse(p)?),
            _ => return Ok(None),
        }))
    }

    /// The method's name.
    pub fn method(&self) -> &'static str {
        match self {
            Self::Store(_) => "store",
            Self::Retrieve(_) => "retrieve",
            Self::Delete(_) => "delete",
            Self::DeleteAll(_) => "delete_all",
            Self::Expire(_) => "expire",
            Self::GetExpiries(_) => "get_expiries",
            Self::GetSwarm(_) => "get_swarm",
            Self::Info => "info",
            Self::OxendRequest(_) => "oxend_request",
        }
    }

    /// The account the request is about (whose swarm must answer), if any.
    pub fn pubkey(&self) -> Option<&UserPubkey> {
        match self {
            Self::Store(r) => Some(&r.pubkey),
            Self::Retrieve(r) => Some(&r.pubkey),
            Self::Delete(r) => Some(&r.pubkey),
            Self::DeleteAll(r) => Some(&r.pubkey),
            Self::Expire(r) => Some(&r.pubkey),
            Self::GetExpiries(r) => Some(&r.pubkey),
            Self::GetSwarm(_) | Self::Info | Self::OxendRequest(_) => None,
        }
    }

    /// The `params` object.
    pub fn params(&self) -> Value {
        Value::Object(match self {
            Self::Store(r) => r.params(),
            Self::Retrieve(r) => r.params(),
            Self::Delete(r) => r.params(),
            Self::DeleteAll(r) => r.params(),
            Self::Expire(r) => r.params(),
            Self::GetExpiries(r) => r.params(),
            Self::GetSwarm(pk) => {
                let mut p = Params::new();
                p.insert("pubkey".into(), pk.to_hex().into());
                p
            }
            Self::Info => Params::new(),
            Self::OxendRequest(r) => {
                let mut p = Params::new();
                p.insert("endpoint".into(), r.endpoint.as_str().into());
                if let Some(params) = &r.params {
                    p.insert("params".into(), params.clone());
                }
                p
            }
        })
    }

    /// `{"method": …, "params": {…}}`.
    pub fn to_json(&self) -> Value {
        json!({"method": self.method(), "params": self.params()})
    }
}

fn parse_batch(p: &Params) -> Result<Vec<SubRequest>, ParamError> {
    let requests = match p.get("requests") {
        Some(Value::Array(r)) if !r.is_empty() => r,
        _ => return Err(ParamError::BatchRequests),
    };
    if requests.len() > BATCH_REQUEST_MAX {
        return Err(ParamError::BatchLimit);
    }
    requests
        .iter()
        .map(|r| {
            let r = r.as_object().ok_or(ParamError::BatchNotObject)?;
            let (Some(Value::String(method)), Some(Value::Object(params))) =
                (r.get("method"), r.get("params"))
            else {
                return Err(ParamError::BatchMethodParams);
            };
            if method == "batch" || method == "sequence" || method == "ifelse" {
                return Err(ParamError::BatchNested);
            }
            SubRequest::parse(method, params)?
                .ok_or_else(|| ParamError::BatchMethod(method.clone()))
        })
        .collect()
}

impl Request {
    /// Reads a request body, refusing as the storage server does.
    pub fn parse(body: &[u8]) -> Result<Self, RequestError> {
        let value: Value = serde_json::from_slice(body).map_err(|_| RequestError::InvalidJson)?;
        Self::from_value(&value)
    }

    /// Reads a request already parsed as JSON.
    pub fn from_value(value: &Value) -> Result<Self, RequestError> {
        let Some(Value::String(method)) = value.get("method") else {
            return Err(RequestError::NoMethod);
        };
        let Some(Value::Object(params)) = value.get("params") else {
            return Err(RequestError::NoParams);
        };
        match method.as_str() {
            "batch" => Ok(Self::Batch(parse_batch(params)?)),
            "sequence" => Ok(Self::Sequence(parse_batch(params)?)),
            m => SubRequest::parse(m, params)?
                .map(Self::One)
                .ok_or_else(|| RequestError::UnknownMethod(m.to_owned())),
        }
    }

    /// `{"method": …, "params": {…}}`.
    pub fn to_json(&self) -> Value {
        let batch = |requests: &[SubRequest]| {
            let requests: Vec<Value> = requests.iter().map(SubRequest::to_json).collect();
            json!({ "requests": requests })
        };
        match self {
            Self::One(r) => r.to_json(),
            Self::Batch(rs) => json!({"method": "batch", "params": batch(rs)}),
            Self::Sequence(rs) => json!({"method": "sequence", "params": batch(rs)}),
        }
    }
}

#[cfg(test)]
mod tests;
