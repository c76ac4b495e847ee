//! Session IDs: `05` followed by the hex of a 32-byte X25519 public key
//! (66 hex characters). Contracts store only the 32-byte key.

use alloy::primitives::B256;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The prefix byte of a standard (unblinded) Session ID.
pub const SESSION_ID_PREFIX: u8 = 0x05;

/// Why a string is not a Session ID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionIdError {
    /// Wrong length.
    #[error("a Session ID is 66 hex characters (05 followed by 64); got {0}")]
    Length(usize),
    /// Not hexadecimal.
    #[error("a Session ID is hexadecimal; {0:?} is not")]
    NotHex(String),
    /// Not a `05` ID.
    #[error("a Session ID starts with 05; this one starts with {0:02x}")]
    Prefix(u8),
    /// The all-zero key, which the contracts read as "no record".
    #[error("the all-zero key is not a Session ID")]
    Zero,
}

/// A standard Session ID (`05` ‖ X25519 public key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionId(B256);

impl SessionId {
    /// The Session ID for an X25519 public key; `None` for the zero key.
    pub fn from_key(key: B256) -> Option<Self> {
        (key != B256::ZERO).then_some(Self(key))
    }

    /// Parses `05` + 64 hex characters (an optional `0x` is accepted).
    pub fn parse(input: &str) -> Result<Self, SessionIdError> {
        let text = input.trim();
        let text = text.strip_prefix("0x").unwrap_or(text);
        if text.len() != 66 {
            return Err(SessionIdError::Length(text.len()));
        }
        let bytes = hex::decode(text).map_err(|_| SessionIdError::NotHex(input.to_string()))?;
        if bytes[0] != SESSION_ID_PREFIX {
            return Err(SessionIdError::Prefix(bytes[0]));
        }
        Self::from_key(B256::from_slice(&bytes[1..])).ok_or(SessionIdError::Zero)
    }

    /// The 32-byte X25519 key (what the contracts store as `sessionKey`).
    pub fn key(&self) -> B256 {
        self.0
    }

    /// The 33 bytes `05 ‖ key`.
    pub fn to_bytes(&self) -> [u8; 33] {
        let mut bytes = [0u8; 33];
        bytes[0] = SESSION_ID_PREFIX;
        bytes[1..].copy_from_slice(self.0.as_slice());
        bytes
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "05{}", hex::encode(self.0))
    }
}

impl std::str::FromStr for SessionId {
    type Err = SessionIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for SessionId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for SessionId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "05d871fc80ca007eed9b2f4df72853e2a2d5465a92fcb1889fb5c84aa2833b3b40";

    #[test]
    fn round_trips_and_exposes_the_key() {
        let id = SessionId::parse(ID).unwrap();
        assert_eq!(id.to_string(), ID);
        assert_eq!(hex::encode(id.key()), &ID[2..]);
        assert_eq!(id.to_bytes()[0], 0x05);
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(serde_json::from_str::<SessionId>(&json).unwrap(), id);
    }

    #[test]
    fn refuses_malformed_ids() {
        assert_eq!(SessionId::parse("05ab"), Err(SessionIdError::Length(4)));
        assert_eq!(
            SessionId::parse(&format!("15{}", &ID[2..])),
            Err(SessionIdError::Prefix(0x15))
        );
        assert!(matches!(
            SessionId::parse(&format!("05{}", "zz".repeat(32))),
            Err(SessionIdError::NotHex(_))
        ));
        assert_eq!(
            SessionId::parse(&format!("05{}", "00".repeat(32))),
            Err(SessionIdError::Zero)
        );
    }
}
