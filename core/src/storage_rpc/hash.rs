//! The message hash, as Session's storage server computes it
//! (`computeMessageHash` in `oxenss/rpc/request_handler.cpp`):
//!
//! `base64_unpadded(BLAKE2b-256(type byte ‖ 32-byte key ‖ namespace ‖ data))`
//!
//! where the type byte is `0x05` for a Session ID, the namespace is its
//! decimal form (`-10`, `42`) and empty for namespace 0, and `data` is the
//! raw message bytes (not base64). The result is 43 characters.

use super::types::{MessageHash, Namespace, UserPubkey};
use blake2::Blake2b;
use blake2::digest::Digest;
use blake2::digest::consts::U32;

/// The hash of `data` stored for `pubkey` in `namespace`.
pub fn message_hash(pubkey: &UserPubkey, namespace: Namespace, data: &[u8]) -> MessageHash {
    MessageHash::from_digest(&message_digest(pubkey, namespace, data))
}

/// [`message_hash`] as its 32 bytes, before base64: what a node keys its index by.
pub fn message_digest(pubkey: &UserPubkey, namespace: Namespace, data: &[u8]) -> [u8; 32] {
    let digest = Blake2b::<U32>::new()
        .chain_update([pubkey.prefix])
        .chain_update(pubkey.key)
        .chain_update(namespace.signature_value().as_bytes())
        .chain_update(data)
        .finalize();
    let mut bytes = [0u8; 32];
    bytes.copy_from_slice(&digest);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage_rpc::decode_base64;

    /// The storage server's published vector: `unit_test/service_node.cpp`,
    /// "service nodes - message hashing" (namespace 0).
    #[test]
    fn storage_server_vector() {
        let pk =
            UserPubkey::parse("05ffba630924aa1224bb930dde21c0d11bf004608f2812217f8ac812d6c7e3ad48")
                .unwrap();
        let data = decode_base64(concat!(
            "CAES1gIKA1BVVBIPL2FwaS92MS9tZXNzYWdlGrsCCAYovfqZv4YvQq8CVwutUBbhRzZw80TvR6uTYMKg9DSag",
            "rtpeEpY31L7VxawfS8aSya0SiDa4J025SkjP13YX8g5pxgQ8Z6hgfNArMqr/tSijJ9miVKVDJ63YWE85O8kyW",
            "F8tdtZR5j0Vxb+JH5U8Rg1bp7ftKk3OSf7JJMcrUUrDnctQHe540zJ2OTDJ03DfubkX5NmKqEu5nhXGxeeDv3",
            "mTiL63fjtCvZYcikfjf6Nh1AX++HTgJ9SGoEIMastGUorFrmmXb2sbjHxNiJn0Radj/VzcA9VxYwBW5+AbGQ2",
            "d9+vvm7X+8vh+jIenJfjxf+8CWER+9adNfb4YUH07I+godNCV0O0J05gzqfKdT7J8MBZzFBtKrbk8oCagPpTs",
            "q/wZyYFKFKKD+q+zh704dYBILvs5yXUA96pIAA="
        ))
        .unwrap();
        let hash = message_hash(&pk, Namespace::DEFAULT, &data);
        assert_eq!(hash.as_str(), "4sMyAuaZlMwww3oFvfhazfw7ASx/7TDtO+TVc8aAjHs");
        assert_eq!(hash.as_str().len(), 43);
    }

    /// Non-zero namespaces: the server publishes no vector, so these values
    /// were computed independently from the server's algorithm with Python's
    /// `hashlib.blake2b(digest_size=32)` over
    /// `bytes.fromhex(pubkey) + str(ns).encode() + data`, base64 without `=`
    /// (see `docs/api.md`, "Session's storage protocol").
    #[test]
    fn non_default_namespaces_pinned() {
        let pk =
            UserPubkey::parse("05ffba630924aa1224bb930dde21c0d11bf004608f2812217f8ac812d6c7e3ad48")
                .unwrap();
        for (ns, expected) in PINNED {
            assert_eq!(
                message_hash(&pk, Namespace(*ns), b"hello").as_str(),
                *expected,
                "{ns}"
            );
        }
    }

    const PINNED: &[(i16, &str)] = &[
        (0, "tse7cPdGXVWduXXcEKR/FS0RYFBYv/dQ0HmjzQMyqQo"),
        (-10, "d48BWNFAd57PyvUMrGK2bqjeTNLkHhnUPWHo6MZOBZQ"),
        (42, "tGQw8gwbM8WyAQNFQkboKUtiQV2dv2rHiWltSCb7grw"),
        (-32768, "/sbDxgK5F+A/d9tZcMiDMnge3jcVIcdg7bC8s9L6R30"),
        (32767, "JP+C9kCmSh8/MQtFJCbtxx8gIkqXYpbXshPmCaLUG2o"),
    ];
}
