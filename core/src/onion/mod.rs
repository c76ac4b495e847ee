//! Session's onion requests (`POST /onion_req/v2`), as libsession-util builds them
//! (`src/onionreq/builder.cpp`, `hop_encryption.cpp`, `response_parser.cpp`) and the storage
//! server peels them (`oxenss/rpc/onion_processing.cpp`, `oxenss/crypto/channel_encryption.cpp`).
//!
//! # Layers
//!
//! Every layer is `u32 little-endian N ‖ N bytes of ciphertext ‖ JSON` ([`layer`]). What a
//! node receives has the JSON `{"ephemeral_key": hex, "enc_type"?: …, "hop_no"?: n}`: the
//! client's (or, at later hops, the previous layer's) ephemeral X25519 key the ciphertext is
//! encrypted to this node with. The node decrypts it ([`NodeOnionKey::peel`]) into another
//! `[N][blob]{json}` whose JSON says what to do ([`Route`]):
//!
//! - `{"destination": ed25519 hex, "ephemeral_key": hex, "enc_type": …}`: hand `blob` on to
//!   that node, as `[N][blob]{"ephemeral_key", "enc_type", "hop_no": n + 1}`;
//! - `{"headers": …}` (any value; libsession sends `""`): this node is the destination and
//!   `blob` is the request itself (`json` and `base64` flags as the storage server reads them);
//! - `{"host": …, "target": …}` (the storage server's relay to an outside server): refused
//!   here ([`OnionError::ServerRelay`]): a registry node proxies to no URL a client names.
//!
//! The destination answers `{"status": code, "body": …}` encrypted once, to the ephemeral key
//! of the last layer, and (by default) base64-encoded ([`ReplyKey`]); relays pass the answer
//! back untouched, and the client opens it with the [`ResponseKey`] [`build`] returned.
//!
//! # Ciphers ([`EncType`])
//!
//! - AES-256-GCM (`"aes-gcm"`, also `"gcm"`; the default when `enc_type` is absent): key
//!   HMAC-SHA256(key = `"LOKI"`, X25519 shared secret), sealed as IV 12 ‖ ciphertext ‖ tag 16.
//! - XChaCha20-Poly1305 (`"xchacha20"`, also `"xchacha20-poly1305"`): key
//!   BLAKE2b-256(shared secret ‖ client's ephemeral public key ‖ node's public key), sealed as
//!   nonce 24 ‖ ciphertext ‖ tag 16; the order of the two keys is the same on both sides
//!   (libsession's `local_first` is true for the client, false for the node).
//!
//! # A node's onion key
//!
//! A node's X25519 onion key is its Ed25519 identity key mapped to Curve25519 (libsodium's
//! `crypto_sign_ed25519_sk_to_curve25519`/`crypto_sign_ed25519_pk_to_curve25519`), as Session
//! service nodes derive theirs. So the key is bound to the identity the node signs with, and a
//! wallet computes it from the Ed25519 keys of the active set ([`Hop::from_ed25519`]) without
//! another published field to trust.
//!
//! # Bounds
//!
//! A path has at most [`MAX_HOPS`] nodes: a node refuses a layer whose `hop_no` (0 at the
//! first node, one more at each relay) is [`MAX_HOPS`] or more. Nothing here panics on any
//! input: every malformed length, JSON, key or ciphertext is an [`OnionError`].

mod cipher;
mod client;
mod keys;
pub mod layer;
mod node;

#[cfg(test)]
mod tests;

pub use client::{Hop, OnionRequest, ResponseKey, build};
pub use keys::{LinkKey, NodeOnionKey};
pub use node::{Answer, FinalRequest, Peeled, Relay, ReplyKey, Route};

/// The path a node serves onion requests on.
pub const PATH: &str = "/onion_req/v2";

/// The most nodes a path may have (the storage server's `MAX_ONION_HOPS`).
pub const MAX_HOPS: usize = 15;

/// The cipher of a path's layers and of its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EncType {
    /// AES-256-GCM under HMAC-SHA256("LOKI", shared secret): the default.
    #[default]
    AesGcm,
    /// XChaCha20-Poly1305 under BLAKE2b-256(shared secret ‖ client key ‖ node key).
    XChaCha20,
}

impl EncType {
    /// Reads an `enc_type` as the storage server does (`aes-gcm`/`gcm`,
    /// `xchacha20`/`xchacha20-poly1305`); AES-CBC, which only old storage servers decrypt, is
    /// refused.
    pub fn parse(text: &str) -> Result<Self, OnionError> {
        match text {
            "aes-gcm" | "gcm" => Ok(Self::AesGcm),
            "xchacha20" | "xchacha20-poly1305" => Ok(Self::XChaCha20),
            other => Err(OnionError::UnknownEncType(other.chars().take(64).collect())),
        }
    }

    /// The name libsession writes (`aes-gcm`, `xchacha20`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AesGcm => "aes-gcm",
            Self::XChaCha20 => "xchacha20",
        }
    }
}

impl std::fmt::Display for EncType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an onion request or answer cannot be built, read or opened.
#[derive(Debug, thiserror::Error)]
pub enum OnionError {
    /// Fewer than the 4 bytes of the length.
    #[error("a layer of {len} bytes is shorter than its 4-byte length")]
    TooShort {
        /// The layer's length.
        len: usize,
    },
    /// The length names more ciphertext than follows it.
    #[error("a layer's length says {declared} bytes of ciphertext, {available} follow")]
    LengthOverrun {
        /// The length read.
        declared: u32,
        /// The bytes after the length.
        available: usize,
    },
    /// The JSON after the ciphertext is not JSON, or not of the expected shape.
    #[error("a layer's JSON: {0}")]
    Json(#[source] serde_json::Error),
    /// A key field is not 32 bytes of hex.
    #[error("{field} is not 64 hex characters")]
    BadKey {
        /// The JSON field.
        field: &'static str,
    },
    /// An `enc_type` that is neither cipher.
    #[error("unknown enc_type {0:?} (aes-gcm or xchacha20)")]
    UnknownEncType(String),
    /// `hop_no` is not an integer.
    #[error("hop_no is not an integer")]
    BadHopNumber,
    /// The ciphertext does not open under this node's key and the layer's ephemeral key.
    #[error("the ciphertext does not decrypt ({enc})")]
    Undecryptable {
        /// The cipher tried.
        enc: EncType,
    },
    /// The X25519 exchange gave the all-zero secret: the other key is of small order.
    #[error("the X25519 exchange gave the zero secret (a key of small order)")]
    WeakKey,
    /// A path longer than [`MAX_HOPS`], or a layer past it.
    #[error("onion request max path length exceeded ({hops} hops, at most {MAX_HOPS})")]
    TooManyHops {
        /// The hops of the path, or the layer's hop number plus one.
        hops: usize,
    },
    /// A path of no node.
    #[error("an onion path needs at least one node")]
    EmptyPath,
    /// A node on a path whose Ed25519 key has no X25519 counterpart.
    #[error("node {key}: {source}")]
    NodeKey {
        /// The key, hex.
        key: String,
        /// Why it does not convert.
        #[source]
        source: crate::envelope::InvalidEd25519Key,
    },
    /// The layer asks for a relay to an outside server (`host`/`target`), which registry
    /// nodes do not make.
    #[error("relaying to an outside server (host/target) is not served by registry nodes")]
    ServerRelay,
    /// The layer names neither a next node nor a final request.
    #[error("the layer names neither a destination nor a final request (headers)")]
    NoRoute,
    /// A request or layer larger than a `u32` length can say.
    #[error("a layer of {len} bytes is longer than a 4-byte length can say")]
    TooLong {
        /// The ciphertext's length.
        len: usize,
    },
    /// No randomness for an ephemeral key or a nonce.
    #[error("no randomness for an onion key or nonce: {0}")]
    Random(#[source] getrandom::Error),
    /// The answer is not the encrypted `{"status", "body"}`.
    #[error("the onion answer is not {{\"status\", \"body\"}}: {0}")]
    BadAnswer(#[source] serde_json::Error),
}
