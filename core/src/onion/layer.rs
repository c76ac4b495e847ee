//! The frame of every layer, `u32 little-endian N ‖ N bytes of ciphertext ‖ JSON`, and the
//! JSON a node reads beside the ciphertext it receives.

use super::{EncType, MAX_HOPS, OnionError};
use serde_json::{Map, Value};

/// Splits a layer into its ciphertext and the JSON bytes after it (not yet parsed).
pub fn split(layer: &[u8]) -> Result<(&[u8], &[u8]), OnionError> {
    let (length, rest) = layer
        .split_first_chunk::<4>()
        .ok_or(OnionError::TooShort { len: layer.len() })?;
    let declared = u32::from_le_bytes(*length);
    let n = usize::try_from(declared)
        .ok()
        .filter(|n| *n <= rest.len())
        .ok_or(OnionError::LengthOverrun {
            declared,
            available: rest.len(),
        })?;
    Ok(rest.split_at(n))
}

/// Frames `ciphertext` and `json` into a layer.
pub fn join(ciphertext: &[u8], json: &[u8]) -> Result<Vec<u8>, OnionError> {
    let n = u32::try_from(ciphertext.len()).map_err(|_| OnionError::TooLong {
        len: ciphertext.len(),
    })?;
    let mut out = Vec::with_capacity(4 + ciphertext.len() + json.len());
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(ciphertext);
    out.extend_from_slice(json);
    Ok(out)
}

/// A layer as a node receives it: the ciphertext and how to open it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming<'a> {
    /// The ciphertext for this node.
    pub ciphertext: &'a [u8],
    /// The ephemeral X25519 key it is encrypted with.
    pub ephemeral_key: [u8; 32],
    /// The cipher (AES-GCM when `enc_type` is absent).
    pub enc: EncType,
    /// This node's place on the path: 0 at the first node, unless the client starts higher
    /// to hide where a relay is.
    pub hop_no: usize,
}

impl<'a> Incoming<'a> {
    /// Reads `[N][ciphertext]{"ephemeral_key": hex, "enc_type"?: …, "hop_no"?: n}`; refuses a
    /// `hop_no` of [`MAX_HOPS`] or more.
    pub fn parse(body: &'a [u8]) -> Result<Self, OnionError> {
        let (ciphertext, json) = split(body)?;
        let json = object(json)?;
        let ephemeral_key = key_field(&json, "ephemeral_key")?;
        let enc = enc_type(&json)?;
        let hop_no = match json.get("hop_no") {
            None => 0,
            // The storage server reads a negative hop number as 0.
            Some(value) => value
                .as_i64()
                .map(|n| usize::try_from(n.max(0)).unwrap_or(usize::MAX))
                .ok_or(OnionError::BadHopNumber)?,
        };
        if hop_no >= MAX_HOPS {
            return Err(OnionError::TooManyHops {
                hops: hop_no.saturating_add(1),
            });
        }
        Ok(Self {
            ciphertext,
            ephemeral_key,
            enc,
            hop_no,
        })
    }
}

/// The JSON object of a layer.
pub(crate) fn object(json: &[u8]) -> Result<Map<String, Value>, OnionError> {
    serde_json::from_slice(json).map_err(OnionError::Json)
}

/// A 32-byte key written as 64 hex characters.
pub(crate) fn key_field(
    json: &Map<String, Value>,
    field: &'static str,
) -> Result<[u8; 32], OnionError> {
    let mut key = [0u8; 32];
    json.get(field)
        .and_then(Value::as_str)
        .filter(|text| text.len() == 64)
        .and_then(|text| hex::decode_to_slice(text, &mut key).ok())
        .ok_or(OnionError::BadKey { field })?;
    Ok(key)
}

/// The `enc_type` field; AES-GCM when absent.
pub(crate) fn enc_type(json: &Map<String, Value>) -> Result<EncType, OnionError> {
    match json.get("enc_type") {
        None => Ok(EncType::AesGcm),
        Some(Value::String(text)) => EncType::parse(text),
        Some(other) => Err(OnionError::UnknownEncType(other.to_string())),
    }
}

/// The JSON beside a ciphertext sent to a node: its ephemeral key, the cipher and (when not
/// the first) its hop number.
pub(crate) fn header(ephemeral_key: &[u8; 32], enc: EncType, hop_no: Option<usize>) -> Vec<u8> {
    let mut json = serde_json::json!({
        "ephemeral_key": hex::encode(ephemeral_key),
        "enc_type": enc.as_str(),
    });
    if let Some(hop_no) = hop_no {
        json["hop_no"] = hop_no.into();
    }
    json.to_string().into_bytes()
}
