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

/// Parses an EVM address path or query parameter.
pub(crate) fn parse_address(input: &str) -> Result<Address, ApiError> {
    input.parse().map_err(|_| {
        ApiError::BadRequest(format!(
            "{input:?} is not an EVM address (0x and 40 hex digits)"
        ))
    })
}
