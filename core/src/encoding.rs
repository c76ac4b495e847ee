//! Base64 as Session's servers read it (oxenc): the standard or URL-safe
//! alphabet, padded or not. Both the storage protocol and onion answers use it.

use base64::Engine;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// Text that is not base64.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not base64")]
pub struct Base64Error;

const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const STANDARD_LENIENT: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const URL_SAFE_LENIENT: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

/// Decodes base64 as the storage server does: standard or URL-safe
/// alphabet, with or without padding.
pub fn decode_base64(text: &str) -> Result<Vec<u8>, Base64Error> {
    STANDARD_LENIENT
        .decode(text)
        .or_else(|_| URL_SAFE_LENIENT.decode(text))
        .map_err(|_| Base64Error)
}
