//! Message envelopes, byte for byte as Session's one-to-one messages, and the
//! mailbox bytes around them (retrieve authentication, message hash).
//!
//! A sender with Ed25519 key `A` (seed `a`) sends `M` to a recipient whose
//! Session ID is `05 ‖ Y` (`Y` the recipient's X25519 public key):
//!
//! ```text
//! SIG      = Ed25519-sign_a(M ‖ A ‖ Y)                     64 bytes
//! envelope = crypto_box_seal(M ‖ A ‖ SIG, Y)               |M| + 32 + 64 + 48 bytes
//! crypto_box_seal(m, Y) = E ‖ crypto_box(m, n, Y, e)       E = X25519(e, 9), e ephemeral
//!                         n = BLAKE2b-192(E ‖ Y)
//! ```
//!
//! `crypto_box` is XSalsa20-Poly1305 (tag first) under `HSalsa20(X25519(e, Y), 0)`,
//! exactly libsodium's `crypto_box_seal`, so an envelope sealed here opens with
//! libsodium and the other way round (see `core/tests/libsodium_interop.rs`).
//! X25519 is RFC 7748's (clamped, unreduced scalar) and an all-zero shared
//! secret is refused, as libsodium does.
//!
//! The recipient unseals with its X25519 secret, takes the last 64 bytes as
//! `SIG` and the 32 before them as `A`, checks `SIG` over `M ‖ A ‖ Y` and learns
//! the sender's Session ID `05 ‖ X25519(A)`. The full format, the retrieve
//! signature and the message hash are in `docs/messages.md`.
//!
//! The Ed25519 → X25519 conversions that Session IDs rest on are here too, as
//! libsodium defines them ([`ed25519_pk_to_x25519`],
//! [`ed25519_seed_to_x25519_secret`]).

use crate::session_id::SessionId;
use alloy::primitives::B256;
use blake2::digest::Digest;
use blake2::digest::Mac;
use blake2::digest::consts::{U24, U32};
use blake2::{Blake2b, Blake2bMac};
use crypto_secretbox::aead::Aead;
use crypto_secretbox::{Kdf, Key, KeyInit, Nonce, XSalsa20Poly1305};
use curve25519_dalek::edwards::CompressedEdwardsY;
use curve25519_dalek::montgomery::MontgomeryPoint;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::Sha512;
use std::fmt;
use zeroize::Zeroizing;

/// Bytes a sealed box adds: the ephemeral public key (32) and the Poly1305 tag (16).
pub const SEAL_OVERHEAD: usize = 48;
/// Length of the sender's Ed25519 public key inside an envelope.
pub const SENDER_KEY_LEN: usize = 32;
/// Length of the Ed25519 signature inside an envelope.
pub const SIGNATURE_LEN: usize = 64;
/// Bytes an envelope adds to the plaintext (48 + 32 + 64); also the shortest envelope.
pub const ENVELOPE_OVERHEAD: usize = SEAL_OVERHEAD + SENDER_KEY_LEN + SIGNATURE_LEN;
/// How far a retrieve timestamp may be from the node's clock, either way (60 s).
pub const RETRIEVE_WINDOW_MS: u64 = 60_000;

/// An Ed25519 public key that libsodium would refuse to convert to X25519.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "not a usable Ed25519 public key (not on the curve, of small order, or outside the prime-order subgroup)"
)]
pub struct InvalidEd25519Key;

/// Why an envelope cannot be sealed or opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    /// Shorter than the smallest envelope (an empty message).
    #[error("envelope is {len} bytes; the shortest possible is {min}", min = ENVELOPE_OVERHEAD)]
    TooShort {
        /// The length that was given.
        len: usize,
    },
    /// The sealed box does not open with this key: it was sealed to someone
    /// else, or it was changed on the way.
    #[error(
        "the message does not open with this key: sealed to another recipient, or tampered with"
    )]
    Unseal,
    /// The sender's signature over `M ‖ A ‖ Y` does not verify (forged, or
    /// signed for another recipient).
    #[error("the sender's signature does not verify")]
    BadSignature,
    /// The sender's Ed25519 key has no Session ID (libsodium refuses to convert it).
    #[error("the sender's key has no Session ID: {0}")]
    InvalidSenderKey(#[from] InvalidEd25519Key),
    /// The recipient's X25519 key is of small order: every shared secret with
    /// it is zero, so nothing can be sealed to it.
    #[error("the recipient's key is of small order; nothing can be sealed to it")]
    InvalidRecipient,
    /// The operating system's random number generator failed.
    #[error("the system random number generator failed")]
    Rng,
}

/// What [`open`] returns: the plaintext and who sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    /// The message `M`.
    pub plaintext: Vec<u8>,
    /// The sender's Session ID, `05 ‖ X25519(A)`.
    pub sender: SessionId,
    /// The sender's Ed25519 public key `A`, as it was in the envelope.
    pub sender_ed25519: [u8; 32],
}

// ---------------------------------------------------------------- keys

/// The X25519 public key of an Ed25519 public key (Edwards → Montgomery,
/// `u = (1 + y) / (1 - y)`), exactly libsodium's
/// `crypto_sign_ed25519_pk_to_curve25519`: keys that are not on the curve, of
/// small order, or not in the prime-order subgroup are refused.
pub fn ed25519_pk_to_x25519(ed25519_pk: &[u8; 32]) -> Result<[u8; 32], InvalidEd25519Key> {
    let point = CompressedEdwardsY(*ed25519_pk)
        .decompress()
        .ok_or(InvalidEd25519Key)?;
    if point.is_small_order() || !point.is_torsion_free() {
        return Err(InvalidEd25519Key);
    }
    Ok(point.to_montgomery().to_bytes())
}

/// The X25519 secret key of an Ed25519 seed: the first 32 bytes of
/// SHA-512(seed), clamped, exactly libsodium's
/// `crypto_sign_ed25519_sk_to_curve25519`.
pub fn ed25519_seed_to_x25519_secret(seed: &[u8; 32]) -> Zeroizing<[u8; 32]> {
    let mut wide = Zeroizing::new([0u8; 64]);
    wide.copy_from_slice(&Sha512::digest(seed));
    let mut secret = Zeroizing::new([0u8; 32]);
    secret.copy_from_slice(&wide[..32]);
    secret[0] &= 248;
    secret[31] &= 127;
    secret[31] |= 64;
    secret
}

/// The X25519 public key of an X25519 secret key (`X25519(secret, 9)`).
pub fn x25519_public(secret: &[u8; 32]) -> [u8; 32] {
    MontgomeryPoint::mul_base_clamped(*secret).to_bytes()
}

/// The Ed25519 public key of a seed.
pub fn ed25519_public(seed: &[u8; 32]) -> [u8; 32] {
    SigningKey::from_bytes(seed).verifying_key().to_bytes()
}

/// The Session ID of an Ed25519 public key: `05 ‖ X25519(A)`.
pub fn session_id_from_ed25519(ed25519_pk: &[u8; 32]) -> Result<SessionId, InvalidEd25519Key> {
    let x25519 = ed25519_pk_to_x25519(ed25519_pk)?;
    SessionId::from_key(B256::from(x25519)).ok_or(InvalidEd25519Key)
}

/// The Session ID of an Ed25519 seed.
pub fn session_id_from_seed(seed: &[u8; 32]) -> SessionId {
    // The public key of a seed is a multiple of the base point by a nonzero
    // scalar, so it is in the prime-order subgroup and not of small order.
    session_id_from_ed25519(&ed25519_public(seed))
        .expect("the public key of a seed always converts to X25519")
}

// ---------------------------------------------------------------- sealed boxes

/// `X25519(secret, public)`, or `None` when the result is all zero (the public
/// key is of small order), which libsodium refuses.
fn x25519_shared(secret: &[u8; 32], public: &[u8; 32]) -> Option<Zeroizing<[u8; 32]>> {
    let shared = Zeroizing::new(MontgomeryPoint(*public).mul_clamped(*secret).to_bytes());
    (*shared != [0u8; 32]).then_some(shared)
}

/// `crypto_box_beforenm`: XSalsa20-Poly1305 keyed with `HSalsa20(shared, 0^16)`.
fn salsa_box(shared: &[u8; 32]) -> XSalsa20Poly1305 {
    let key = Zeroizing::new(<XSalsa20Poly1305 as Kdf>::kdf(
        &Key::from(*shared),
        &Default::default(),
    ));
    XSalsa20Poly1305::new(&key)
}

/// The sealed-box nonce: BLAKE2b with a 24-byte digest of `E ‖ Y`.
fn seal_nonce(ephemeral_pk: &[u8; 32], recipient_pk: &[u8; 32]) -> Nonce {
    let digest = Blake2b::<U24>::new()
        .chain_update(ephemeral_pk)
        .chain_update(recipient_pk)
        .finalize();
    let mut nonce = [0u8; 24];
    nonce.copy_from_slice(&digest);
    Nonce::from(nonce)
}

/// libsodium's `crypto_box_seal`: encrypts `message` to the X25519 public key
/// `recipient` under a fresh ephemeral key. The result is 48 bytes longer.
pub fn box_seal(message: &[u8], recipient: &[u8; 32]) -> Result<Vec<u8>, EnvelopeError> {
    let mut ephemeral = Zeroizing::new([0u8; 32]);
    getrandom::fill(ephemeral.as_mut()).map_err(|_| EnvelopeError::Rng)?;
    box_seal_with_ephemeral(message, recipient, &ephemeral)
}

/// [`box_seal`] with a given ephemeral secret (for known-answer tests only:
/// reusing an ephemeral secret for the same recipient reuses a key stream).
pub(crate) fn box_seal_with_ephemeral(
    message: &[u8],
    recipient: &[u8; 32],
    ephemeral_secret: &[u8; 32],
) -> Result<Vec<u8>, EnvelopeError> {
    let shared =
        x25519_shared(ephemeral_secret, recipient).ok_or(EnvelopeError::InvalidRecipient)?;
    let ephemeral_pk = x25519_public(ephemeral_secret);
    let boxed = salsa_box(&shared)
        .encrypt(&seal_nonce(&ephemeral_pk, recipient), message)
        .map_err(|_| EnvelopeError::InvalidRecipient)?;
    let mut out = Vec::with_capacity(32 + boxed.len());
    out.extend_from_slice(&ephemeral_pk);
    out.extend_from_slice(&boxed);
    Ok(out)
}

/// libsodium's `crypto_box_seal_open`: opens a sealed box with the
/// recipient's X25519 secret key. Fails with [`EnvelopeError::Unseal`] when the
/// box was sealed to another key, was changed, is shorter than 48 bytes, or
/// carries an ephemeral key of small order.
pub fn box_seal_open(sealed: &[u8], recipient_secret: &[u8; 32]) -> Result<Vec<u8>, EnvelopeError> {
    if sealed.len() < SEAL_OVERHEAD {
        return Err(EnvelopeError::Unseal);
    }
    let (ephemeral_pk, boxed) = sealed.split_at(32);
    let ephemeral_pk: [u8; 32] = ephemeral_pk.try_into().map_err(|_| EnvelopeError::Unseal)?;
    let shared = x25519_shared(recipient_secret, &ephemeral_pk).ok_or(EnvelopeError::Unseal)?;
    let nonce = seal_nonce(&ephemeral_pk, &x25519_public(recipient_secret));
    salsa_box(&shared)
        .decrypt(&nonce, boxed)
        .map_err(|_| EnvelopeError::Unseal)
}

// ---------------------------------------------------------------- envelopes

/// The bytes the sender signs: `M ‖ A ‖ Y` (`Y` without the `05` prefix).
pub fn signature_input(
    plaintext: &[u8],
    sender_ed25519: &[u8; 32],
    recipient: &SessionId,
) -> Vec<u8> {
    let mut input = Vec::with_capacity(plaintext.len() + 64);
    input.extend_from_slice(plaintext);
    input.extend_from_slice(sender_ed25519);
    input.extend_from_slice(recipient.key().as_slice());
    input
}

/// Seals `plaintext` from the holder of `sender_ed25519_seed` to `recipient`:
/// `crypto_box_seal(M ‖ A ‖ Ed25519-sign(M ‖ A ‖ Y), Y)`.
pub fn seal(
    plaintext: &[u8],
    sender_ed25519_seed: &[u8; 32],
    recipient: &SessionId,
) -> Result<Vec<u8>, EnvelopeError> {
    box_seal(
        &signed_body(plaintext, sender_ed25519_seed, recipient),
        &recipient.key().0,
    )
}

/// [`seal`] with a given ephemeral secret (known-answer tests only).
#[cfg(test)]
pub(crate) fn seal_with_ephemeral(
    plaintext: &[u8],
    sender_ed25519_seed: &[u8; 32],
    recipient: &SessionId,
    ephemeral_secret: &[u8; 32],
) -> Result<Vec<u8>, EnvelopeError> {
    box_seal_with_ephemeral(
        &signed_body(plaintext, sender_ed25519_seed, recipient),
        &recipient.key().0,
        ephemeral_secret,
    )
}

/// The key of the keyed BLAKE2b that derives a deterministic seal's ephemeral
/// seed (libsession-util's `BOX_HASHKEY`).
const DETERMINISTIC_SEAL_KEY: &[u8] = b"SessionBoxEphemeralHashKey";

/// [`seal`] with the ephemeral key derived from its inputs, exactly
/// libsession-util's `encrypt_for_recipient_deterministic`:
///
/// ```text
/// seed = BLAKE2b-256 keyed with "SessionBoxEphemeralHashKey" (a ‖ Y ‖ M)   a the sender's seed
/// e    = SHA-512(seed)[..32]                                             crypto_box_seed_keypair
/// ```
///
/// then `crypto_box_seal(M ‖ A ‖ SIG, Y)` under `e`. The same message to the
/// same recipient always gives the same bytes, so an observer can tell two
/// such envelopes apart only by content; Session uses it where it wants
/// that (config messages to oneself), and one-to-one messages use [`seal`].
pub fn seal_deterministic(
    plaintext: &[u8],
    sender_ed25519_seed: &[u8; 32],
    recipient: &SessionId,
) -> Result<Vec<u8>, EnvelopeError> {
    let recipient_pk = recipient.key().0;
    let mut hash =
        <Blake2bMac<U32> as blake2::digest::KeyInit>::new_from_slice(DETERMINISTIC_SEAL_KEY)
            .expect("a 26-byte BLAKE2b key is within BLAKE2b's 64");
    hash.update(sender_ed25519_seed);
    hash.update(&recipient_pk);
    hash.update(plaintext);
    let mut seed = Zeroizing::new([0u8; 32]);
    seed.copy_from_slice(&hash.finalize().into_bytes());
    let mut wide = Zeroizing::new([0u8; 64]);
    wide.copy_from_slice(&Sha512::digest(seed.as_ref()));
    let mut ephemeral = Zeroizing::new([0u8; 32]);
    ephemeral.copy_from_slice(&wide[..32]);
    box_seal_with_ephemeral(
        &signed_body(plaintext, sender_ed25519_seed, recipient),
        &recipient_pk,
        &ephemeral,
    )
}

/// `M ‖ A ‖ SIG`.
fn signed_body(plaintext: &[u8], sender_ed25519_seed: &[u8; 32], recipient: &SessionId) -> Vec<u8> {
    let signing = SigningKey::from_bytes(sender_ed25519_seed);
    let sender = signing.verifying_key().to_bytes();
    let signature = signing.sign(&signature_input(plaintext, &sender, recipient));
    let mut body = Vec::with_capacity(plaintext.len() + SENDER_KEY_LEN + SIGNATURE_LEN);
    body.extend_from_slice(plaintext);
    body.extend_from_slice(&sender);
    body.extend_from_slice(&signature.to_bytes());
    body
}

/// Opens an envelope with the recipient's Ed25519 seed: unseals it with the
/// X25519 secret of that seed, checks the sender's signature over
/// `M ‖ A ‖ Y_own` and derives the sender's Session ID.
pub fn open(envelope: &[u8], recipient_ed25519_seed: &[u8; 32]) -> Result<Opened, EnvelopeError> {
    if envelope.len() < ENVELOPE_OVERHEAD {
        return Err(EnvelopeError::TooShort {
            len: envelope.len(),
        });
    }
    let secret = ed25519_seed_to_x25519_secret(recipient_ed25519_seed);
    let own = session_id_from_seed(recipient_ed25519_seed);
    let body = box_seal_open(envelope, &secret)?;
    let (rest, signature) = body.split_at(body.len() - SIGNATURE_LEN);
    let (plaintext, sender) = rest.split_at(rest.len() - SENDER_KEY_LEN);
    let sender_ed25519: [u8; 32] = sender.try_into().map_err(|_| EnvelopeError::BadSignature)?;
    let signature: [u8; 64] = signature
        .try_into()
        .map_err(|_| EnvelopeError::BadSignature)?;
    verify_strict(
        &sender_ed25519,
        &signature_input(plaintext, &sender_ed25519, &own),
        &signature,
    )
    .map_err(|()| EnvelopeError::BadSignature)?;
    Ok(Opened {
        plaintext: plaintext.to_vec(),
        sender: session_id_from_ed25519(&sender_ed25519)?,
        sender_ed25519,
    })
}

/// Ed25519 verification as libsodium does it: canonical `S`, no small-order
/// `A` or `R`, cofactorless equation.
pub(crate) fn verify_strict(
    public: &[u8; 32],
    message: &[u8],
    signature: &[u8; 64],
) -> Result<(), ()> {
    let key = VerifyingKey::from_bytes(public).map_err(|_| ())?;
    key.verify_strict(message, &Signature::from_bytes(signature))
        .map_err(|_| ())
}

// ---------------------------------------------------------------- retrieve authentication

/// Why a retrieve request's authentication is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RetrieveAuthError {
    /// The timestamp is more than [`RETRIEVE_WINDOW_MS`] away from the node's clock.
    #[error(
        "the request timestamp {timestamp_ms} is more than 60 s from the node's clock ({now_ms})"
    )]
    OutOfWindow {
        /// The timestamp in the request (ms since the Unix epoch).
        timestamp_ms: u64,
        /// The node's clock (ms since the Unix epoch).
        now_ms: u64,
    },
    /// The Ed25519 key does not convert to the mailbox's Session ID.
    #[error("the Ed25519 key is not the key of this mailbox's Session ID")]
    KeyMismatch,
    /// The signature does not verify.
    #[error("the request signature does not verify")]
    BadSignature,
}

/// The bytes signed to retrieve a mailbox, as Session's storage server
/// defines them: ASCII `"retrieve"`, then the namespace in decimal (`-10`,
/// `42`; nothing at all for namespace 0), then the timestamp in milliseconds
/// since the Unix epoch in decimal.
pub fn retrieve_auth_message(namespace: i16, timestamp_ms: u64) -> Vec<u8> {
    let namespace = if namespace == 0 {
        String::new()
    } else {
        namespace.to_string()
    };
    format!("retrieve{namespace}{timestamp_ms}").into_bytes()
}

/// Signs [`retrieve_auth_message`] with an Ed25519 seed.
pub fn sign_retrieve(ed25519_seed: &[u8; 32], namespace: i16, timestamp_ms: u64) -> [u8; 64] {
    SigningKey::from_bytes(ed25519_seed)
        .sign(&retrieve_auth_message(namespace, timestamp_ms))
        .to_bytes()
}

/// Checks a retrieve request for `mailbox`: the timestamp is within 60 s of
/// `now_ms`, `ed25519_pk` converts to the mailbox's Session ID, and
/// `signature` is that key's signature of [`retrieve_auth_message`].
pub fn verify_retrieve(
    mailbox: &SessionId,
    ed25519_pk: &[u8; 32],
    namespace: i16,
    timestamp_ms: u64,
    signature: &[u8; 64],
    now_ms: u64,
) -> Result<(), RetrieveAuthError> {
    verify_mailbox_signature(
        mailbox,
        ed25519_pk,
        &retrieve_auth_message(namespace, timestamp_ms),
        timestamp_ms,
        signature,
        now_ms,
    )
}

/// Checks a mailbox request signed over `message` (see [`verify_retrieve`]):
/// the timestamp is within 60 s of `now_ms`, `ed25519_pk` converts to the
/// mailbox's Session ID and `signature` verifies over `message`.
pub fn verify_mailbox_signature(
    mailbox: &SessionId,
    ed25519_pk: &[u8; 32],
    message: &[u8],
    timestamp_ms: u64,
    signature: &[u8; 64],
    now_ms: u64,
) -> Result<(), RetrieveAuthError> {
    if timestamp_ms.abs_diff(now_ms) > RETRIEVE_WINDOW_MS {
        return Err(RetrieveAuthError::OutOfWindow {
            timestamp_ms,
            now_ms,
        });
    }
    if session_id_from_ed25519(ed25519_pk).ok().as_ref() != Some(mailbox) {
        return Err(RetrieveAuthError::KeyMismatch);
    }
    verify_strict(ed25519_pk, message, signature).map_err(|()| RetrieveAuthError::BadSignature)
}

// ---------------------------------------------------------------- message hash

/// The identifier of a stored message: the same on every node that stores it,
/// so a recipient reading from several nodes keeps one copy.
///
/// `BLAKE2b-256(recipient Session ID (33 bytes) ‖ namespace (i16, big-endian) ‖ data)`,
/// shown as 64 lowercase hex characters.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MessageHash(pub [u8; 32]);

/// A string that is not a message hash (64 hex characters).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a message hash is 64 hex characters")]
pub struct MessageHashError;

/// The [`MessageHash`] of `data` stored for `recipient` in `namespace`.
pub fn message_hash(recipient: &SessionId, namespace: i16, data: &[u8]) -> MessageHash {
    let digest = Blake2b::<U32>::new()
        .chain_update(recipient.to_bytes())
        .chain_update(namespace.to_be_bytes())
        .chain_update(data)
        .finalize();
    let mut hash = [0u8; 32];
    hash.copy_from_slice(&digest);
    MessageHash(hash)
}

impl fmt::Display for MessageHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for MessageHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MessageHash({self})")
    }
}

impl std::str::FromStr for MessageHash {
    type Err = MessageHashError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() != 64 {
            return Err(MessageHashError);
        }
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(s, &mut bytes).map_err(|_| MessageHashError)?;
        Ok(Self(bytes))
    }
}

impl Serialize for MessageHash {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for MessageHash {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn vectors() -> Value {
        serde_json::from_str(include_str!("../tests/vectors/envelope.json")).unwrap()
    }

    fn bytes<const N: usize>(value: &Value) -> [u8; N] {
        hex::decode(value.as_str().unwrap())
            .unwrap()
            .try_into()
            .unwrap()
    }

    /// The ephemeral key is the only randomness in a seal: with libsodium's
    /// ephemeral secret we must produce libsodium's bytes exactly.
    #[test]
    fn seal_with_a_known_ephemeral_key_matches_libsodium() {
        for case in vectors()["cases"].as_array().unwrap() {
            let plaintext = hex::decode(case["plaintext"].as_str().unwrap()).unwrap();
            let recipient =
                SessionId::parse(case["recipient_session_id"].as_str().unwrap()).unwrap();
            let envelope = seal_with_ephemeral(
                &plaintext,
                &bytes(&case["sender_ed25519_seed"]),
                &recipient,
                &bytes(&case["ephemeral_x25519_sk"]),
            )
            .unwrap();
            assert_eq!(hex::encode(envelope), case["envelope"].as_str().unwrap());
        }
    }

    /// libsession-util's published vector (tests/test_session_encrypt.cpp,
    /// "Session protocol deterministic encryption"): "hello" from the seed
    /// `0123456789abcdef0123456789abcdef` (then 16 zero bytes) to
    /// `05aa654f…`, byte for byte; and the recipient opens it.
    #[test]
    fn deterministic_seal_matches_libsession_vector() {
        let mut sender = [0u8; 32];
        sender[..16].copy_from_slice(&hex::decode("0123456789abcdef0123456789abcdef").unwrap());
        let mut recipient_seed = [0u8; 32];
        recipient_seed[..16]
            .copy_from_slice(&hex::decode("00112233445566778899aabbccddeeff").unwrap());
        let recipient = session_id_from_seed(&recipient_seed);
        assert_eq!(
            recipient.to_string(),
            "05aa654f00fc39fc69fd0db829410ca38177d7732a8d2f0934ab3872ac56d5aa74"
        );
        assert_eq!(
            session_id_from_seed(&sender).to_string(),
            "05d2ad010eeb72d72e561d9de7bd7b6989af77dcabffa03a5111a6c859ae5c3a72"
        );
        let sealed = seal_deterministic(b"hello", &sender, &recipient).unwrap();
        assert_eq!(
            hex::encode(&sealed),
            concat!(
                "208f96785db92319bc7a14afecc01e17bde912d17bbb32834c03ea63b1862c2a1b730e0725ef75b2f1a276db",
                "584c59a0ed9b5497bcb9f4effa893b5cb8b04dbe7a6ab457ebf972f03b006dd4572980a725399616d40184b8",
                "6aa3b7b218bdc6dd7c1adccda8ef4897f0f458492240b39079c27a6c791067ab26a03067a7602b50f0434639",
                "906f93e548f909d5286edde365ebddc146"
            )
        );
        assert_eq!(
            seal_deterministic(b"hello", &sender, &recipient).unwrap(),
            sealed
        );
        let opened = open(&sealed, &recipient_seed).unwrap();
        assert_eq!(opened.plaintext, b"hello");
        assert_eq!(
            hex::encode(opened.sender_ed25519),
            "4cb76fdc6d32278e3f83dbf608360ecc6b65727934b85d2fb86862ff98c46ab7"
        );
    }

    #[test]
    fn refuses_to_seal_to_a_small_order_key() {
        // u = 1 has small order on the twist; u = 0 is not a Session ID at all.
        let mut key = [0u8; 32];
        key[0] = 1;
        let recipient = SessionId::from_key(B256::from(key)).unwrap();
        assert_eq!(
            seal(b"hi", &[7u8; 32], &recipient),
            Err(EnvelopeError::InvalidRecipient)
        );
    }

    #[test]
    fn box_seal_open_refuses_short_input() {
        assert_eq!(
            box_seal_open(&[0u8; 47], &[1u8; 32]),
            Err(EnvelopeError::Unseal)
        );
    }
}
