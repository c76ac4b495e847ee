//! How a sealed one-to-one message is wrapped for storage, exactly as Session
//! clients wrap it (libsession-util's `encode_for_1o1`, which session-desktop,
//! -ios and -android call):
//!
//! ```text
//! WebSocketMessage {
//!   type    = REQUEST (1)
//!   request = WebSocketRequestMessage {
//!     verb = "", path = "", requestId = 0          (required by old clients, unused)
//!     body = Envelope {
//!       type         = SESSION_MESSAGE (6)
//!       timestamp    = the sent time, ms            (= Content.sigTimestamp)
//!       sourceDevice = 1
//!       content      = the sealed box
//!       proSig       = 64 bytes: a Session Pro signature over `content`, or a decoy
//!     }
//!   }
//! }
//! ```
//!
//! The storage server is given these bytes in base64 ([`to_base64`]). A sender
//! without Session Pro (every `sesh` sender) attaches a decoy `proSig`, as
//! libsession does, so Pro and non-Pro messages look alike: an Ed25519-shaped
//! signature `R ‖ s` with `R = r·B` and `r`, `s` random scalars, which verifies
//! against nothing and is never checked without a `Content.proMessage`.

use super::proto::{
    Envelope, WebSocketMessage, WebSocketRequestMessage, envelope, web_socket_message,
};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use curve25519_dalek::Scalar;
use curve25519_dalek::edwards::EdwardsPoint;
use prost::Message;
use zeroize::Zeroizing;

/// The length of an envelope's `proSig`.
pub const PRO_SIG_LEN: usize = 64;
/// `Envelope.sourceDevice` as Session clients write it.
pub const SOURCE_DEVICE: u32 = 1;

/// Why stored bytes are not a wrapped one-to-one message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// Not base64.
    #[error("the stored message is not base64")]
    Base64,
    /// Not a `WebSocketMessage` protobuf.
    #[error("the stored message is not a Session WebSocketMessage: {0}")]
    WebSocketMessage(String),
    /// A `WebSocketMessage` that is not a request with a body.
    #[error("the stored message is a WebSocketMessage of type {kind} without a request body")]
    NotARequest {
        /// Its `type` (1 is REQUEST).
        kind: i32,
    },
    /// The request body is not an `Envelope` protobuf.
    #[error("the stored message's body is not a Session Envelope: {0}")]
    Envelope(String),
    /// An envelope of another type than SESSION_MESSAGE (6).
    #[error("the envelope is of type {kind}, not a one-to-one SESSION_MESSAGE (6)")]
    NotOneToOne {
        /// Its `type`.
        kind: i32,
    },
    /// An envelope without content.
    #[error("the envelope has no content")]
    NoContent,
    /// A `proSig` that is not 64 bytes (Session clients refuse these too).
    #[error("the envelope's proSig is {len} bytes, not 64")]
    ProSigLength {
        /// Its length.
        len: usize,
    },
    /// The operating system's random number generator failed.
    #[error("the system random number generator failed")]
    Rng,
}

/// What [`unwrap`] finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unwrapped {
    /// The sealed box (`Envelope.content`).
    pub sealed: Vec<u8>,
    /// `Envelope.timestamp`: the sent time the sender claims, ms since the Unix epoch.
    pub timestamp_ms: u64,
    /// `Envelope.proSig`, when there is one (older clients send none).
    pub pro_sig: Option<[u8; PRO_SIG_LEN]>,
}

/// A decoy `proSig`: `R ‖ s` with `R = r·B`, `r` and `s` random nonzero
/// scalars (libsession's `crypto_core_ed25519_scalar_random` twice).
pub fn decoy_pro_sig() -> Result<[u8; PRO_SIG_LEN], WireError> {
    let r = random_scalar()?;
    let s = random_scalar()?;
    let mut sig = [0u8; PRO_SIG_LEN];
    sig[..32].copy_from_slice(EdwardsPoint::mul_base(&r).compress().as_bytes());
    sig[32..].copy_from_slice(s.as_bytes());
    Ok(sig)
}

fn random_scalar() -> Result<Scalar, WireError> {
    loop {
        let mut wide = Zeroizing::new([0u8; 64]);
        getrandom::fill(wide.as_mut()).map_err(|_| WireError::Rng)?;
        let scalar = Scalar::from_bytes_mod_order_wide(&wide);
        if scalar != Scalar::ZERO {
            return Ok(scalar);
        }
    }
}

/// Wraps a sealed box sent at `timestamp_ms` with a decoy `proSig` (see the module docs).
pub fn wrap(sealed: &[u8], timestamp_ms: u64) -> Result<Vec<u8>, WireError> {
    Ok(wrap_with_pro_sig(sealed, timestamp_ms, &decoy_pro_sig()?))
}

/// Wraps a sealed box with a given `proSig` (a real one, or a fixed one for tests).
pub fn wrap_with_pro_sig(sealed: &[u8], timestamp_ms: u64, pro_sig: &[u8; PRO_SIG_LEN]) -> Vec<u8> {
    let envelope = Envelope {
        r#type: envelope::Type::SessionMessage as i32,
        source: None,
        timestamp: timestamp_ms,
        source_device: Some(SOURCE_DEVICE),
        content: Some(sealed.to_vec()),
        server_timestamp: None,
        pro_sig: Some(pro_sig.to_vec()),
    };
    WebSocketMessage {
        r#type: Some(web_socket_message::Type::Request as i32),
        request: Some(WebSocketRequestMessage {
            verb: Some(String::new()),
            path: Some(String::new()),
            body: Some(envelope.encode_to_vec()),
            request_id: Some(0),
            headers: Vec::new(),
        }),
    }
    .encode_to_vec()
}

/// The sealed box and envelope fields inside stored bytes: a `WebSocketMessage`
/// REQUEST whose body is a SESSION_MESSAGE `Envelope` with content.
pub fn unwrap(stored: &[u8]) -> Result<Unwrapped, WireError> {
    let message =
        WebSocketMessage::decode(stored).map_err(|e| WireError::WebSocketMessage(e.to_string()))?;
    let kind = message.r#type.unwrap_or_default();
    let body = match message.request.and_then(|request| request.body) {
        Some(body) if kind == web_socket_message::Type::Request as i32 => body,
        _ => return Err(WireError::NotARequest { kind }),
    };
    let envelope =
        Envelope::decode(body.as_slice()).map_err(|e| WireError::Envelope(e.to_string()))?;
    if envelope.r#type != envelope::Type::SessionMessage as i32 {
        return Err(WireError::NotOneToOne {
            kind: envelope.r#type,
        });
    }
    let pro_sig = match envelope.pro_sig {
        None => None,
        Some(sig) => Some(
            <[u8; PRO_SIG_LEN]>::try_from(sig.as_slice())
                .map_err(|_| WireError::ProSigLength { len: sig.len() })?,
        ),
    };
    Ok(Unwrapped {
        sealed: envelope.content.ok_or(WireError::NoContent)?,
        timestamp_ms: envelope.timestamp,
        pro_sig,
    })
}

/// Standard base64 with padding, as the storage server takes and returns message data.
pub fn to_base64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// The bytes of standard base64 (padding required).
pub fn from_base64(text: &str) -> Result<Vec<u8>, WireError> {
    STANDARD.decode(text.trim()).map_err(|_| WireError::Base64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn wraps_as_libsession_does() {
        let wrapped = wrap_with_pro_sig(b"box", 1_700_000_000_123, &[9; 64]);
        // Field for field, in field-number order as protobuf writers emit them.
        let mut envelope = vec![0x08, 0x06, 0x28];
        let mut ts = 1_700_000_000_123u64;
        while ts >= 0x80 {
            envelope.push((ts as u8) | 0x80);
            ts >>= 7;
        }
        envelope.push(ts as u8);
        envelope.extend_from_slice(&[0x38, 0x01, 0x42, 0x03, b'b', b'o', b'x', 0x5a, 64]);
        envelope.extend_from_slice(&[9; 64]);
        let mut expected = vec![0x08, 0x01, 0x12, (envelope.len() + 8) as u8];
        expected.extend_from_slice(&[0x0a, 0x00, 0x12, 0x00, 0x1a, envelope.len() as u8]);
        expected.extend_from_slice(&envelope);
        expected.extend_from_slice(&[0x20, 0x00]);
        assert_eq!(wrapped, expected);
        let unwrapped = unwrap(&wrapped).unwrap();
        assert_eq!(unwrapped.sealed, b"box");
        assert_eq!(unwrapped.timestamp_ms, 1_700_000_000_123);
        assert_eq!(unwrapped.pro_sig, Some([9; 64]));
    }

    #[test]
    fn decoy_pro_sig_is_a_point_and_a_scalar() {
        let sig = decoy_pro_sig().unwrap();
        assert_ne!(sig, decoy_pro_sig().unwrap());
        let r = curve25519_dalek::edwards::CompressedEdwardsY(sig[..32].try_into().unwrap())
            .decompress()
            .unwrap();
        assert!(r.is_torsion_free());
        let s: [u8; 32] = sig[32..].try_into().unwrap();
        assert!(bool::from(Scalar::from_canonical_bytes(s).is_some()));
    }

    #[test]
    fn refuses_what_is_not_a_one_to_one_envelope() {
        assert!(matches!(
            unwrap(&[0xff]),
            Err(WireError::WebSocketMessage(_))
        ));
        // A RESPONSE.
        assert_eq!(
            unwrap(&[0x08, 0x02]),
            Err(WireError::NotARequest { kind: 2 })
        );
        // A closed-group envelope.
        let envelope = Envelope {
            r#type: envelope::Type::ClosedGroupMessage as i32,
            timestamp: 1,
            content: Some(vec![1]),
            ..Default::default()
        };
        let stored = WebSocketMessage {
            r#type: Some(1),
            request: Some(WebSocketRequestMessage {
                body: Some(envelope.encode_to_vec()),
                ..Default::default()
            }),
        }
        .encode_to_vec();
        assert_eq!(unwrap(&stored), Err(WireError::NotOneToOne { kind: 7 }));
        assert_eq!(from_base64("not base64!"), Err(WireError::Base64));
        assert_eq!(from_base64(&to_base64(b"abc")).unwrap(), b"abc");
    }

    proptest! {
        #[test]
        fn unwrap_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = unwrap(&bytes);
        }

        #[test]
        fn wrap_then_unwrap(sealed in proptest::collection::vec(any::<u8>(), 0..400), ts in any::<u64>()) {
            let unwrapped = unwrap(&wrap(&sealed, ts).unwrap()).unwrap();
            prop_assert_eq!(unwrapped.sealed, sealed);
            prop_assert_eq!(unwrapped.timestamp_ms, ts);
        }
    }
}
