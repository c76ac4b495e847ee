//! HTTP handlers, one file per resource.

pub mod health;
pub mod market;
pub mod messages;
pub mod names;
pub mod nodes;
pub mod ons;
pub mod premium;

use crate::error::ApiError;
use alloy::primitives::Address;

/// Parses an EVM address path or query parameter (a mixed-case one must pass its EIP-55
/// checksum, as everywhere an address is read).
pub(crate) fn parse_address(input: &str) -> Result<Address, ApiError> {
    sesh_core::parse_address(input).map_err(|error| ApiError::BadRequest(error.to_string()))
}
