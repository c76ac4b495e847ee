//! Value parsers for command-line arguments: each refuses a bad value with words that say
//! what is wrong, before the command runs.

/// Reads an EVM address argument: `0x` and 40 hex digits, and a mixed-case
/// address must pass its EIP-55 checksum ([`sesh_core::parse_address`]).
pub(crate) fn parse_address(text: &str) -> Result<alloy::primitives::Address, String> {
    sesh_core::parse_address(text).map_err(|error| error.to_string())
}

/// Parses a SESH amount argument (the error says what is wrong).
pub(crate) fn parse_amount(text: &str) -> Result<sesh_core::Sesh, String> {
    sesh_core::Sesh::parse(text).map_err(|error| error.to_string())
}

/// Parses a whole number of at least 1, for counts and page numbers. (clap's own
/// `range(1..)` would word its error "not in 1..18446744073709551615".)
pub(crate) fn at_least_one<T>(text: &str) -> Result<T, String>
where
    T: std::str::FromStr + PartialOrd + From<u8>,
{
    let value: T = text
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a whole number; give one of at least 1"))?;
    if value < T::from(1) {
        return Err(format!("it must be at least 1, not {text}"));
    }
    Ok(value)
}
