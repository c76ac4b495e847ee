//! What each swarm member signs in its answer, with its own Ed25519 key
//! (the node key listed as `pubkey_ed25519` in `get_swarm`), as Session's
//! storage server has it (`create_signature` calls in
//! `oxenss/rpc/request_handler.cpp`). Integers enter in decimal.
//!
//! | method | a member signs |
//! | --- | --- |
//! | `store` | `hash` (its 43 ASCII characters, not the decoded bytes) |
//! | `delete` | `PUBKEY_HEX ‖ requested[0] ‖ … ‖ deleted[0] ‖ …` |
//! | `delete_all` | `PUBKEY_HEX ‖ timestamp ‖ deleted…` (all hashes, ASCII-sorted) |
//! | `expire` | `PUBKEY_HEX ‖ expiry… ‖ requested… ‖ updated… ‖ (hash ‖ expiry) of unchanged…` |
//!
//! `PUBKEY_HEX` is the account's 66 lowercase hex characters, `05` included.

use super::auth::{self, AuthError};
use super::response::{MemberResult, StoreMember, StoreResponse};
use super::types::{MessageHash, UserPubkey};
use crate::envelope::verify_strict;
use std::collections::BTreeMap;

/// Why a member's receipt is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptError {
    /// The member's key (the swarm map's key) is not 64 hex characters.
    #[error("member key {0:?} is not 64 hex characters")]
    MemberKey(String),
    /// The member reports another hash than the message's.
    #[error("member {member} stored hash {got}, not {expected}")]
    WrongHash {
        /// The member's key.
        member: String,
        /// The hash it reports.
        got: MessageHash,
        /// The message's hash.
        expected: MessageHash,
    },
    /// The signature does not verify with the member's key.
    #[error("member {0}'s signature does not verify")]
    BadSignature(String),
    /// The member reports a failure.
    #[error("member {0} failed")]
    Failed(String),
}

/// The bytes a member signs to acknowledge a store: the hash's text.
pub fn store_receipt_message(hash: &MessageHash) -> Vec<u8> {
    hash.as_str().as_bytes().to_vec()
}

/// `PUBKEY_HEX ‖ requested… ‖ deleted…`.
pub fn delete_receipt_message(
    account: &UserPubkey,
    requested: &[MessageHash],
    deleted: &[MessageHash],
) -> Vec<u8> {
    let mut out = account.to_hex().into_bytes();
    for h in requested.iter().chain(deleted) {
        out.extend_from_slice(h.as_str().as_bytes());
    }
    out
}

/// `PUBKEY_HEX ‖ timestamp ‖ deleted…` (`deleted` ASCII-sorted).
pub fn delete_all_receipt_message(
    account: &UserPubkey,
    timestamp: u64,
    deleted: &[MessageHash],
) -> Vec<u8> {
    let mut out = format!("{}{timestamp}", account.to_hex()).into_bytes();
    for h in deleted {
        out.extend_from_slice(h.as_str().as_bytes());
    }
    out
}

/// `PUBKEY_HEX ‖ expiry… ‖ requested… ‖ updated… ‖ (hash ‖ expiry)…` with
/// `unchanged` in hash order.
pub fn expire_receipt_message(
    account: &UserPubkey,
    expiries: &[u64],
    requested: &[MessageHash],
    updated: &[MessageHash],
    unchanged: &BTreeMap<String, u64>,
) -> Vec<u8> {
    let mut out = account.to_hex().into_bytes();
    for e in expiries {
        out.extend_from_slice(e.to_string().as_bytes());
    }
    for h in requested.iter().chain(updated) {
        out.extend_from_slice(h.as_str().as_bytes());
    }
    for (h, e) in unchanged {
        out.extend_from_slice(format!("{h}{e}").as_bytes());
    }
    out
}

/// Signs a receipt with the node's Ed25519 seed.
pub fn sign_receipt(node_seed: &[u8; 32], message: &[u8]) -> [u8; 64] {
    auth::sign(node_seed, message)
}

/// Checks a receipt with the member's Ed25519 key.
pub fn verify_receipt(
    member_ed25519: &[u8; 32],
    message: &[u8],
    signature: &[u8; 64],
) -> Result<(), AuthError> {
    verify_strict(member_ed25519, message, signature).map_err(|()| AuthError::BadSignature)
}

/// The member's key from the swarm map's key (64 hex characters).
pub fn member_key(member_hex: &str) -> Result<[u8; 32], ReceiptError> {
    let mut key = [0u8; 32];
    if member_hex.len() != 64 || hex::decode_to_slice(member_hex, &mut key).is_err() {
        return Err(ReceiptError::MemberKey(member_hex.to_owned()));
    }
    Ok(key)
}

/// Checks one member's store receipt: it reports `expected` and signed it.
pub fn verify_store_member(
    member_hex: &str,
    member: &StoreMember,
    expected: &MessageHash,
) -> Result<(), ReceiptError> {
    let key = member_key(member_hex)?;
    if &member.hash != expected {
        return Err(ReceiptError::WrongHash {
            member: member_hex.to_owned(),
            got: member.hash.clone(),
            expected: expected.clone(),
        });
    }
    verify_receipt(&key, &store_receipt_message(expected), &member.signature.0)
        .map_err(|_| ReceiptError::BadSignature(member_hex.to_owned()))
}

impl StoreResponse {
    /// Each member's receipt for the message `expected`, checked: the
    /// members that stored it (`Ok`) and why the others do not count.
    pub fn verify_receipts(
        &self,
        expected: &MessageHash,
    ) -> BTreeMap<String, Result<(), ReceiptError>> {
        self.swarm
            .iter()
            .map(|(member, result)| {
                let checked = match result {
                    MemberResult::Ok(m) => verify_store_member(member, m, expected),
                    MemberResult::Failed(_) => Err(ReceiptError::Failed(member.clone())),
                };
                (member.clone(), checked)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::ed25519_public;
    use crate::storage_rpc::response::{MemberFailure, Meta, Signature64};
    use crate::storage_rpc::{Namespace, message_hash};

    const NODE: [u8; 32] = [9u8; 32];

    #[test]
    fn store_receipts_sign_the_hash_text() {
        let account = UserPubkey {
            prefix: 5,
            key: [1u8; 32],
        };
        let hash = message_hash(&account, Namespace(0), b"hi");
        assert_eq!(store_receipt_message(&hash), hash.as_str().as_bytes());
        let member = StoreMember {
            hash: hash.clone(),
            signature: Signature64(sign_receipt(&NODE, &store_receipt_message(&hash))),
            already: None,
            expiry: 1,
            t: None,
        };
        let node_hex = hex::encode(ed25519_public(&NODE));
        assert_eq!(verify_store_member(&node_hex, &member, &hash), Ok(()));
        // another node's key
        let other_hex = hex::encode(ed25519_public(&[10u8; 32]));
        assert!(matches!(
            verify_store_member(&other_hex, &member, &hash),
            Err(ReceiptError::BadSignature(_))
        ));
        // another message's hash
        let other = message_hash(&account, Namespace(0), b"ho");
        assert!(matches!(
            verify_store_member(&node_hex, &member, &other),
            Err(ReceiptError::WrongHash { .. })
        ));
        let response = StoreResponse {
            swarm: [
                (node_hex.clone(), MemberResult::Ok(member)),
                (
                    "ff".repeat(32),
                    MemberResult::Failed(MemberFailure::default()),
                ),
            ]
            .into_iter()
            .collect(),
            hash: Some(hash.clone()),
            meta: Meta { t: 1, hf: [19, 3] },
        };
        let checked = response.verify_receipts(&hash);
        assert_eq!(checked[&node_hex], Ok(()));
        assert!(checked[&"ff".repeat(32)].is_err());
    }

    #[test]
    fn other_receipts_concatenate_as_the_server() {
        let account = UserPubkey {
            prefix: 5,
            key: [0xab; 32],
        };
        let a = MessageHash::parse(&"a".repeat(43)).unwrap();
        let b = MessageHash::parse(&"b".repeat(43)).unwrap();
        let pk = format!("05{}", "ab".repeat(32));
        assert_eq!(
            delete_receipt_message(&account, &[a.clone(), b.clone()], std::slice::from_ref(&a)),
            format!("{pk}{}{}{}", "a".repeat(43), "b".repeat(43), "a".repeat(43)).into_bytes()
        );
        assert_eq!(
            delete_all_receipt_message(&account, 17, std::slice::from_ref(&b)),
            format!("{pk}17{}", "b".repeat(43)).into_bytes()
        );
        let unchanged: BTreeMap<String, u64> = [("b".repeat(43), 5)].into_iter().collect();
        assert_eq!(
            expire_receipt_message(&account, &[9], &[a.clone(), b], &[a], &unchanged),
            format!(
                "{pk}9{}{}{}{}5",
                "a".repeat(43),
                "b".repeat(43),
                "a".repeat(43),
                "b".repeat(43)
            )
            .into_bytes()
        );
    }
}
