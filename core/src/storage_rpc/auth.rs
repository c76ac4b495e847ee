//! What each request signs, signing it (the wallet) and checking it (the
//! node), as Session's storage server has it (`verify_signature` and the
//! `process_client_req` of each method in `oxenss/rpc/request_handler.cpp`).
//!
//! Integers (namespaces, timestamps, expiries) enter the signed bytes in
//! decimal; namespace 0 enters as nothing. The signed messages are:
//!
//! | method | signed bytes |
//! | --- | --- |
//! | `store` (namespace not divisible by 10) | `"store" ‖ namespace ‖ sig_timestamp` |
//! | `retrieve` | `"retrieve" ‖ namespace ‖ timestamp` |
//! | `delete` | `"delete" ‖ messages[0] ‖ … ‖ messages[N]` |
//! | `delete_all` | `"delete_all" ‖ namespace (or "all") ‖ timestamp` |
//! | `expire` | `"expire" ‖ ("shorten" or "extend" or "") ‖ expiry[0] ‖ … ‖ messages[0] ‖ …` |
//! | `get_expiries` | `"get_expiries" ‖ timestamp ‖ messages[0] ‖ …` |
//!
//! The key that verifies: for a `05` Session ID with `pubkey_ed25519`, that
//! Ed25519 key, which must convert to the Session ID's X25519 key; otherwise
//! the 32 bytes of `pubkey` themselves (which, for a Session ID, is an X25519
//! key and so never verifies: Session clients always send `pubkey_ed25519`).

use super::types::{MessageHash, Namespace, NamespaceSelector, UserPubkey};
use super::{SIGNATURE_TOLERANCE_MS, STORE_TOLERANCE_MS, TTL_MAXIMUM_MS, TTL_MAXIMUM_PRIVATE_MS};
use super::{TTL_MINIMUM_MS, response::RpcError};
use crate::envelope::{ed25519_pk_to_x25519, verify_strict};
use ed25519_dalek::{Signer, SigningKey};

/// Why a request's signature is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// `pubkey_ed25519` does not convert to the Session ID's X25519 key.
    #[error("pubkey_ed25519 does not convert to the pubkey's X25519 key")]
    KeyMismatch,
    /// The signature does not verify.
    #[error("the signature does not verify")]
    BadSignature,
    /// A subaccount token was given; registry nodes do not grant subaccounts.
    #[error("subaccount tokens are not supported")]
    SubaccountUnsupported,
}

/// `"expire"`'s modifier: only shorten, only extend, or either.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ExpireMode {
    /// Set the expiry whichever way it moves (`""` in the signature).
    #[default]
    Either,
    /// `"shorten": true`: only move expiries earlier (`"shorten"`).
    Shorten,
    /// `"extend": true`: only move expiries later (`"extend"`).
    Extend,
}

impl ExpireMode {
    fn signature_value(self) -> &'static str {
        match self {
            Self::Either => "",
            Self::Shorten => "shorten",
            Self::Extend => "extend",
        }
    }
}

/// `"store" ‖ namespace ‖ sig_timestamp`.
pub fn store_message(namespace: Namespace, sig_timestamp: u64) -> Vec<u8> {
    format!("store{}{sig_timestamp}", namespace.signature_value()).into_bytes()
}

/// `"retrieve" ‖ namespace ‖ timestamp` (namespace empty for 0).
pub fn retrieve_message(namespace: Namespace, timestamp: u64) -> Vec<u8> {
    format!("retrieve{}{timestamp}", namespace.signature_value()).into_bytes()
}

/// `"delete" ‖ messages[0] ‖ … ‖ messages[N]`, the hashes as given.
pub fn delete_message(messages: &[MessageHash]) -> Vec<u8> {
    let mut out = b"delete".to_vec();
    for hash in messages {
        out.extend_from_slice(hash.as_str().as_bytes());
    }
    out
}

/// `"delete_all" ‖ namespace ‖ timestamp` (namespace empty for 0, `all`
/// for every namespace).
pub fn delete_all_message(namespace: NamespaceSelector, timestamp: u64) -> Vec<u8> {
    format!("delete_all{}{timestamp}", namespace.signature_value()).into_bytes()
}

/// `"expire" ‖ mode ‖ expiry[0] ‖ … ‖ messages[0] ‖ …`.
pub fn expire_message(mode: ExpireMode, expiries: &[u64], messages: &[MessageHash]) -> Vec<u8> {
    let mut out = format!("expire{}", mode.signature_value()).into_bytes();
    for expiry in expiries {
        out.extend_from_slice(expiry.to_string().as_bytes());
    }
    for hash in messages {
        out.extend_from_slice(hash.as_str().as_bytes());
    }
    out
}

/// `"get_expiries" ‖ timestamp ‖ messages[0] ‖ …`.
pub fn get_expiries_message(timestamp: u64, messages: &[String]) -> Vec<u8> {
    let mut out = format!("get_expiries{timestamp}").into_bytes();
    for hash in messages {
        out.extend_from_slice(hash.as_bytes());
    }
    out
}

/// Signs `message` with an Ed25519 seed (the wallet's Session identity).
pub fn sign(ed25519_seed: &[u8; 32], message: &[u8]) -> [u8; 64] {
    SigningKey::from_bytes(ed25519_seed)
        .sign(message)
        .to_bytes()
}

/// The Ed25519 key a request of `pubkey` is verified with (see the module
/// documentation).
pub fn verifying_key(
    pubkey: &UserPubkey,
    pubkey_ed25519: Option<&[u8; 32]>,
) -> Result<[u8; 32], AuthError> {
    match pubkey_ed25519 {
        Some(ed) if pubkey.is_session_id() => {
            let x25519 = ed25519_pk_to_x25519(ed).map_err(|_| AuthError::KeyMismatch)?;
            if x25519 != pubkey.key {
                return Err(AuthError::KeyMismatch);
            }
            Ok(*ed)
        }
        _ => Ok(pubkey.key),
    }
}

/// Checks `signature` over `message` for the account `pubkey`, as the
/// server's `verify_signature`.
pub fn verify(
    pubkey: &UserPubkey,
    pubkey_ed25519: Option<&[u8; 32]>,
    message: &[u8],
    signature: &[u8; 64],
) -> Result<(), AuthError> {
    let key = verifying_key(pubkey, pubkey_ed25519)?;
    verify_strict(&key, message, signature).map_err(|()| AuthError::BadSignature)
}

/// Whether `timestamp` is within `tolerance_ms` of `now_ms`, bounds included.
pub fn within(timestamp: u64, now_ms: u64, tolerance_ms: u64) -> bool {
    timestamp.abs_diff(now_ms) <= tolerance_ms
}

/// Whether a signed request's timestamp is within ±60 s of the node's clock.
pub fn within_signature_window(timestamp: u64, now_ms: u64) -> bool {
    within(timestamp, now_ms, SIGNATURE_TOLERANCE_MS)
}

/// The longest TTL a store to `namespace` may have: 14 days in a public
/// namespace (divisible by 10), 30 days in a private one, and (our rule,
/// decided by the node) 30 days for a premium recipient.
pub fn max_ttl_ms(namespace: Namespace, premium_recipient: bool) -> u64 {
    if namespace.is_public_inbox() && !premium_recipient {
        TTL_MAXIMUM_MS
    } else {
        TTL_MAXIMUM_PRIVATE_MS
    }
}

/// The storage server's time checks of a store, in its order: the TTL
/// (`expiry - timestamp`) between 10 s and [`max_ttl_ms`] (else 403
/// "Provided expiry/TTL is not valid."), then `timestamp` at most 10 s in
/// the future and `expiry` at most 10 s in the past (else 406 "Timestamp
/// error: check your clock").
pub fn check_store_times(
    namespace: Namespace,
    timestamp: u64,
    expiry: u64,
    now_ms: u64,
    premium_recipient: bool,
) -> Result<(), RpcError> {
    let ttl = i128::from(expiry) - i128::from(timestamp);
    let max = max_ttl_ms(namespace, premium_recipient);
    if ttl < i128::from(TTL_MINIMUM_MS) || ttl > i128::from(max) {
        return Err(RpcError::Forbidden(
            "Provided expiry/TTL is not valid.".into(),
        ));
    }
    if timestamp > now_ms.saturating_add(STORE_TOLERANCE_MS)
        || expiry < now_ms.saturating_sub(STORE_TOLERANCE_MS)
    {
        return Err(RpcError::NotAcceptable(
            "Timestamp error: check your clock".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::{ed25519_public, session_id_from_seed};

    const SEED: [u8; 32] = [7u8; 32];

    fn account() -> (UserPubkey, [u8; 32]) {
        (
            UserPubkey::from(&session_id_from_seed(&SEED)),
            ed25519_public(&SEED),
        )
    }

    #[test]
    fn signed_strings_are_the_servers() {
        assert_eq!(
            retrieve_message(Namespace(0), 1_700_000_000_000),
            b"retrieve1700000000000"
        );
        assert_eq!(
            retrieve_message(Namespace(-10), 5_000_000_000),
            b"retrieve-105000000000"
        );
        assert_eq!(
            retrieve_message(Namespace(42), 5_000_000_000),
            b"retrieve425000000000"
        );
        assert_eq!(
            store_message(Namespace(3), 1_700_000_000_000),
            b"store31700000000000"
        );
        assert_eq!(store_message(Namespace(0), 12), b"store12");
        let a = MessageHash::parse(&"a".repeat(43)).unwrap();
        let b = MessageHash::parse(&"B".repeat(43)).unwrap();
        assert_eq!(
            delete_message(&[a.clone(), b.clone()]),
            format!("delete{}{}", "a".repeat(43), "B".repeat(43)).into_bytes()
        );
        assert_eq!(
            delete_all_message(NamespaceSelector::default(), 9),
            b"delete_all9"
        );
        assert_eq!(
            delete_all_message(NamespaceSelector::All, 9),
            b"delete_allall9"
        );
        assert_eq!(
            delete_all_message(NamespaceSelector::One(Namespace(-5)), 9),
            b"delete_all-59"
        );
        assert_eq!(
            expire_message(ExpireMode::Extend, &[1, 2], std::slice::from_ref(&a)),
            format!("expireextend12{}", "a".repeat(43)).into_bytes()
        );
        assert_eq!(
            get_expiries_message(77, &["x".into(), "y".into()]),
            b"get_expiries77xy"
        );
    }

    #[test]
    fn retrieve_signatures_verify_for_namespace_0_and_others() {
        let (pubkey, ed) = account();
        for ns in [Namespace(0), Namespace(-10), Namespace(5)] {
            let ts = 1_764_000_000_000;
            let sig = sign(&SEED, &retrieve_message(ns, ts));
            assert_eq!(
                verify(&pubkey, Some(&ed), &retrieve_message(ns, ts), &sig),
                Ok(())
            );
            // a wrong timestamp or namespace
            assert_eq!(
                verify(&pubkey, Some(&ed), &retrieve_message(ns, ts + 1), &sig),
                Err(AuthError::BadSignature)
            );
            let other = Namespace(ns.0.wrapping_add(1));
            assert_eq!(
                verify(&pubkey, Some(&ed), &retrieve_message(other, ts), &sig),
                Err(AuthError::BadSignature)
            );
        }
        // The server's format has no separator: namespace 1 at timestamp 1 signs
        // the same bytes as namespace 0 at timestamp 11. Real timestamps are 13
        // digits within ±60 s of the node's clock, so this cannot be replayed.
        assert_eq!(
            retrieve_message(Namespace(0), 11),
            retrieve_message(Namespace(1), 1)
        );
    }

    #[test]
    fn wrong_keys_are_refused() {
        let (pubkey, ed) = account();
        let msg = store_message(Namespace(3), 1_764_000_000_000);
        let sig = sign(&SEED, &msg);
        assert_eq!(verify(&pubkey, Some(&ed), &msg, &sig), Ok(()));
        // another Ed25519 key, which converts to another Session ID
        let other_ed = ed25519_public(&[8u8; 32]);
        assert_eq!(
            verify(&pubkey, Some(&other_ed), &msg, &sig),
            Err(AuthError::KeyMismatch)
        );
        // another key's signature with the right pubkey_ed25519
        let forged = sign(&[8u8; 32], &msg);
        assert_eq!(
            verify(&pubkey, Some(&ed), &msg, &forged),
            Err(AuthError::BadSignature)
        );
        // no pubkey_ed25519: the X25519 key is tried as Ed25519 and fails
        assert!(verify(&pubkey, None, &msg, &sig).is_err());
        // a non-05 account (a group, 03) signs with its own key
        let group = UserPubkey {
            prefix: 0x03,
            key: ed,
        };
        assert_eq!(verify(&group, None, &msg, &sig), Ok(()));
        // pubkey_ed25519 is ignored for non-05 accounts
        assert_eq!(verify(&group, Some(&other_ed), &msg, &sig), Ok(()));
    }

    #[test]
    fn windows_and_ttls() {
        let now = 1_764_000_000_000;
        assert!(within_signature_window(now - 60_000, now));
        assert!(within_signature_window(now + 60_000, now));
        assert!(!within_signature_window(now - 60_001, now));
        assert!(!within_signature_window(now + 60_001, now));
        let day = 86_400_000;
        let ok = check_store_times(Namespace(0), now, now + 14 * day, now, false);
        assert_eq!(ok, Ok(()));
        assert_eq!(
            check_store_times(Namespace(0), now, now + 14 * day + 1, now, false)
                .unwrap_err()
                .status(),
            403
        );
        assert_eq!(
            check_store_times(Namespace(0), now, now + 30 * day, now, true),
            Ok(())
        );
        assert_eq!(
            check_store_times(Namespace(3), now, now + 30 * day, now, false),
            Ok(())
        );
        assert_eq!(
            check_store_times(Namespace(3), now, now + 30 * day + 1, now, false)
                .unwrap_err()
                .status(),
            403
        );
        assert_eq!(
            check_store_times(Namespace(0), now, now + 9_999, now, false)
                .unwrap_err()
                .status(),
            403
        );
        assert_eq!(
            check_store_times(Namespace(0), now + 10_001, now + day, now, false)
                .unwrap_err()
                .status(),
            406
        );
        assert_eq!(
            check_store_times(Namespace(0), now - 20 * day, now - 10_001, now, false)
                .unwrap_err()
                .status(),
            403
        );
        assert_eq!(
            check_store_times(Namespace(0), now - 2 * day, now - 10_001, now, false)
                .unwrap_err()
                .status(),
            406
        );
    }
}
