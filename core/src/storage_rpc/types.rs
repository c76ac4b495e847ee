//! Values that appear in many requests: account keys, namespaces, message
//! hashes, base64.

use base64::Engine;
use base64::engine::GeneralPurpose;
use std::fmt;

/// An account of the storage protocol: a network/type byte (`05` for a
/// Session ID, `03` for a group) then a 32-byte key, written as 66 hex
/// characters (`pubkey`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserPubkey {
    /// The type byte: `0x05` for a Session ID (the key is X25519).
    pub prefix: u8,
    /// The 32-byte key after the type byte.
    pub key: [u8; 32],
}

impl UserPubkey {
    /// The type byte of a Session ID.
    pub const SESSION_ID_PREFIX: u8 = 0x05;

    /// Parses 66 hex characters (either case), as the storage server does.
    pub fn parse(text: &str) -> Option<Self> {
        if text.len() != 66 {
            return None;
        }
        let mut bytes = [0u8; 33];
        hex::decode_to_slice(text, &mut bytes).ok()?;
        let mut key = [0u8; 32];
        key.copy_from_slice(&bytes[1..]);
        Some(Self {
            prefix: bytes[0],
            key,
        })
    }

    /// The 33 bytes: type byte then key.
    pub fn to_bytes(&self) -> [u8; 33] {
        let mut out = [0u8; 33];
        out[0] = self.prefix;
        out[1..].copy_from_slice(&self.key);
        out
    }

    /// Lowercase hex of the 33 bytes (the `PUBKEY_HEX` that members sign).
    pub fn to_hex(&self) -> String {
        hex::encode(self.to_bytes())
    }

    /// Whether this is a Session ID (`05` prefix).
    pub fn is_session_id(&self) -> bool {
        self.prefix == Self::SESSION_ID_PREFIX
    }
}

impl From<&crate::SessionId> for UserPubkey {
    fn from(id: &crate::SessionId) -> Self {
        Self {
            prefix: Self::SESSION_ID_PREFIX,
            key: id.key().0,
        }
    }
}

impl fmt::Display for UserPubkey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for UserPubkey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UserPubkey({self})")
    }
}

/// A message namespace, −32768 to 32767; 0 is the default (Session's
/// one-to-one messages).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Namespace(pub i16);

impl Namespace {
    /// The default namespace, 0.
    pub const DEFAULT: Self = Self(0);
    /// Session's legacy closed groups, readable without a signature.
    pub const LEGACY_CLOSED: Self = Self(-10);

    /// Anyone may store here without a signature (divisible by 10).
    pub fn is_public_inbox(self) -> bool {
        self.0 % 10 == 0
    }

    /// A public outbox: negative, with `-n % 20 == 1` (−21, −41, …).
    pub fn is_public_outbox(self) -> bool {
        let n = i32::from(self.0);
        n < 0 && (-n) % 20 == 1
    }

    /// Readable without a signature: −10 and the public outboxes.
    pub fn is_noauth_retrieve(self) -> bool {
        self == Self::LEGACY_CLOSED || self.is_public_outbox()
    }

    /// How the namespace enters hashes and signatures: nothing for 0,
    /// otherwise its decimal form (`-10`, `42`).
    pub fn signature_value(self) -> String {
        if self.0 == 0 {
            String::new()
        } else {
            self.0.to_string()
        }
    }
}

/// The `namespace` of `delete_all`: one namespace, or the string `"all"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NamespaceSelector {
    /// One namespace (0 when the field is omitted).
    One(Namespace),
    /// Every namespace of the account (`"all"`).
    All,
}

impl Default for NamespaceSelector {
    fn default() -> Self {
        Self::One(Namespace::DEFAULT)
    }
}

impl NamespaceSelector {
    /// How the selector enters signatures: nothing for namespace 0, `all`,
    /// or the decimal namespace.
    pub fn signature_value(self) -> String {
        match self {
            Self::One(ns) => ns.signature_value(),
            Self::All => "all".to_owned(),
        }
    }
}

/// A message hash as the storage server writes it: 43 base64 characters
/// (32 bytes, no padding). Kept as the text given, since signatures cover
/// the text.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct MessageHash(String);

impl MessageHash {
    /// Accepts 43 characters of the base64 alphabets (standard or URL-safe),
    /// as the server's `is_valid_message_hash`.
    pub fn parse(text: &str) -> Option<Self> {
        (text.len() == 43 && is_base64(text)).then(|| Self(text.to_owned()))
    }

    /// The 32 raw bytes of `BLAKE2b-256` output, written unpadded.
    pub fn from_digest(digest: &[u8; 32]) -> Self {
        Self(UNPADDED.encode(digest))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MessageHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl serde::Serialize for MessageHash {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for MessageHash {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).ok_or_else(|| serde::de::Error::custom("invalid message hash"))
    }
}

/// A subaccount token (36 bytes: an Ed25519 key and permission bits) with
/// the account's signature of it. Parsed so that requests carrying one are
/// read, but not honoured here (see [`crate::storage_rpc::auth`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubaccountToken {
    /// The 36-byte token.
    pub token: [u8; 36],
    /// The account's signature of the token.
    pub signature: [u8; 64],
}

pub use crate::encoding::{Base64Error, decode_base64};

pub(crate) const UNPADDED: GeneralPurpose = base64::engine::general_purpose::STANDARD_NO_PAD;
pub(crate) const PADDED: GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Whether `text` is base64 as the storage server (oxenc) accepts it: the
/// standard or URL-safe alphabet, padded or not.
pub(crate) fn is_base64(text: &str) -> bool {
    decode_base64(text).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_classify_as_the_server_does() {
        assert!(Namespace(0).is_public_inbox());
        assert!(Namespace(-30).is_public_inbox());
        assert!(!Namespace(3).is_public_inbox());
        assert!(Namespace(-21).is_public_outbox());
        assert!(!Namespace(21).is_public_outbox());
        assert!(Namespace(-10).is_noauth_retrieve());
        assert!(!Namespace(0).is_noauth_retrieve());
        assert_eq!(Namespace(0).signature_value(), "");
        assert_eq!(Namespace(-10).signature_value(), "-10");
        assert_eq!(NamespaceSelector::All.signature_value(), "all");
        assert_eq!(
            Namespace(i16::MIN).signature_value(),
            "-32768",
            "i16::MIN must not overflow"
        );
    }

    #[test]
    fn base64_accepts_both_alphabets_and_padding() {
        assert_eq!(decode_base64("aGk=").unwrap(), b"hi");
        assert_eq!(decode_base64("aGk").unwrap(), b"hi");
        assert_eq!(decode_base64("-_8").unwrap(), decode_base64("+/8").unwrap());
        assert!(decode_base64("a").is_err());
        assert!(decode_base64("a*b=").is_err());
    }

    #[test]
    fn pubkeys_parse_66_hex() {
        let pk = UserPubkey::parse(&format!("05{}", "AB".repeat(32))).unwrap();
        assert!(pk.is_session_id());
        assert_eq!(pk.to_hex(), format!("05{}", "ab".repeat(32)));
        assert!(UserPubkey::parse(&"ab".repeat(32)).is_none());
        assert!(UserPubkey::parse(&format!("05{}", "zz".repeat(32))).is_none());
    }
}
