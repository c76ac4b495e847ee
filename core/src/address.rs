//! EVM addresses as people type them, with their EIP-55 checksum checked.
//!
//! An address in mixed case carries a checksum in the case of its letters
//! (EIP-55): one mistyped character almost always breaks it, so a mixed-case
//! address must pass it. All-lowercase or all-uppercase hex carries no
//! checksum and is accepted unchecked, as other wallets accept it.

use alloy::primitives::Address;

/// Why a string is not an address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    /// Not `0x` and 40 hex digits.
    #[error("{0:?} is not an address: an address is 0x followed by 40 hex digits")]
    Format(String),
    /// Mixed case that is not the EIP-55 checksum of these hex digits.
    #[error(
        "{0} fails its EIP-55 checksum: the case of its letters does not match, so it was probably mistyped; copy it again from its source (all-lowercase skips the check)"
    )]
    Checksum(String),
}

/// Parses `0x` + 40 hex digits; a mixed-case address must pass its EIP-55 checksum.
pub fn parse_address(input: &str) -> Result<Address, AddressError> {
    let text = input.trim();
    let format_error = || AddressError::Format(input.to_string());
    let digits = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .ok_or_else(format_error)?;
    if digits.len() != 40 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format_error());
    }
    let address: Address = digits.parse().map_err(|_| format_error())?;
    let has_lower = digits.bytes().any(|b| b.is_ascii_lowercase());
    let has_upper = digits.bytes().any(|b| b.is_ascii_uppercase());
    if has_lower && has_upper && address.to_checksum(None)[2..] != *digits {
        return Err(AddressError::Checksum(text.to_string()));
    }
    Ok(address)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// EIP-55's own examples.
    const CHECKSUMMED: [&str; 4] = [
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ];

    #[test]
    fn checksummed_addresses_pass() {
        for text in CHECKSUMMED {
            assert_eq!(parse_address(text).unwrap().to_checksum(None), text);
        }
    }

    #[test]
    fn one_letter_in_the_wrong_case_is_refused() {
        for text in CHECKSUMMED {
            let position = text[2..]
                .bytes()
                .position(|b| b.is_ascii_alphabetic())
                .unwrap()
                + 2;
            let mut typo = text.to_string().into_bytes();
            typo[position] ^= 0x20; // flip the case of the first letter
            let typo = String::from_utf8(typo).unwrap();
            assert_eq!(
                parse_address(&typo),
                Err(AddressError::Checksum(typo.clone())),
                "{typo}"
            );
        }
    }

    #[test]
    fn a_wrong_digit_in_mixed_case_is_refused() {
        // One hex digit changed: the case pattern belongs to another address.
        let typo = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAee";
        assert!(matches!(
            parse_address(typo),
            Err(AddressError::Checksum(_))
        ));
    }

    #[test]
    fn single_case_is_accepted_unchecked() {
        for text in CHECKSUMMED {
            let lower = text.to_lowercase();
            let upper = format!("0x{}", text[2..].to_uppercase());
            let expected: Address = lower.parse().unwrap();
            assert_eq!(parse_address(&lower).unwrap(), expected);
            assert_eq!(parse_address(&upper).unwrap(), expected);
        }
    }

    #[test]
    fn malformed_input_is_refused() {
        for text in [
            "",
            "0x",
            "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed0",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg",
            "alice",
        ] {
            assert!(
                matches!(parse_address(text), Err(AddressError::Format(_))),
                "{text:?}"
            );
        }
    }
}
