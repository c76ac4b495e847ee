//! SESH amounts: integers of the token's smallest unit (9 decimals), parsed and
//! printed exactly. Never floats.
//!
//! One format for people: [`Sesh`]'s `Display`, exact without trailing zeros
//! (`12.5`, `1000`, `0.000000001`), in every line of text the wallet prints, its
//! previews, results and refusals alike. Machine output (the wallet's `--json`)
//! gives all 9 decimals (`12.500000000`).

use alloy::primitives::U256;
use std::fmt;

/// SESH has 9 decimals: 1 SESH = 10^9 units.
pub const DECIMALS: usize = 9;
/// Units in one SESH.
pub const UNITS_PER_SESH: u64 = 1_000_000_000;

/// Why a string is not a SESH amount.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// Nothing was given.
    #[error("an amount cannot be empty")]
    Empty,
    /// A character that is not a digit or a single `.`.
    #[error("{input:?} is not an amount: use digits with at most one '.', like 12.5")]
    Malformed {
        /// The input as given.
        input: String,
    },
    /// More than 9 digits after the point.
    #[error("{input:?} has {digits} decimals; SESH has only {DECIMALS}")]
    TooPrecise {
        /// The input as given.
        input: String,
        /// The number of decimals given.
        digits: usize,
    },
    /// Larger than a uint256 can hold.
    #[error("{input:?} is too large")]
    Overflow {
        /// The input as given.
        input: String,
    },
}

/// An exact amount of SESH, in units of 10^-9 SESH.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Sesh(U256);

impl Sesh {
    /// Zero SESH.
    pub const ZERO: Self = Self(U256::ZERO);

    /// An amount from its raw units (what the contracts count).
    pub const fn from_units(units: U256) -> Self {
        Self(units)
    }

    /// An amount of whole SESH.
    pub fn from_whole(sesh: u64) -> Self {
        Self(U256::from(sesh) * U256::from(UNITS_PER_SESH))
    }

    /// The raw units, as passed to contracts.
    pub const fn units(self) -> U256 {
        self.0
    }

    /// Parses `"12"`, `"12.5"`, `"0.000000001"` or `".5"` exactly. Underscores
    /// and commas between digits are ignored (`"25_000"`, `"25,000"`).
    pub fn parse(input: &str) -> Result<Self, AmountError> {
        let trimmed = input.trim();
        let cleaned: String = trimmed.chars().filter(|c| *c != '_' && *c != ',').collect();
        if cleaned.is_empty() {
            return Err(AmountError::Empty);
        }
        let malformed = || AmountError::Malformed {
            input: input.to_string(),
        };
        let (whole, fraction) = match cleaned.split_once('.') {
            Some((whole, fraction)) => (whole, fraction),
            None => (cleaned.as_str(), ""),
        };
        if (whole.is_empty() && fraction.is_empty())
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !fraction.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(malformed());
        }
        if fraction.len() > DECIMALS {
            return Err(AmountError::TooPrecise {
                input: input.to_string(),
                digits: fraction.len(),
            });
        }
        let padded = format!("{whole}{fraction:0<width$}", width = DECIMALS);
        let units = U256::from_str_radix(&padded, 10).map_err(|_| AmountError::Overflow {
            input: input.to_string(),
        })?;
        Ok(Self(units))
    }

    /// Adds two amounts, `None` on overflow.
    pub fn checked_add(self, other: Self) -> Option<Self> {
        self.0.checked_add(other.0).map(Self)
    }

    /// Subtracts, `None` when `other` is larger.
    pub fn checked_sub(self, other: Self) -> Option<Self> {
        self.0.checked_sub(other.0).map(Self)
    }
}

impl fmt::Display for Sesh {
    /// Prints the exact amount with no trailing zeros: `12.5`, `0.000000001`, `100`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let units = U256::from(UNITS_PER_SESH);
        let whole = self.0 / units;
        let fraction = (self.0 % units).to::<u64>();
        if fraction == 0 {
            write!(f, "{whole}")
        } else {
            let digits = format!("{fraction:09}");
            write!(f, "{whole}.{}", digits.trim_end_matches('0'))
        }
    }
}

impl std::str::FromStr for Sesh {
    type Err = AmountError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl From<U256> for Sesh {
    fn from(units: U256) -> Self {
        Self(units)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn units(n: u128) -> Sesh {
        Sesh::from_units(U256::from(n))
    }

    #[test]
    fn parses_exactly() {
        assert_eq!(Sesh::parse("1").unwrap(), units(1_000_000_000));
        assert_eq!(Sesh::parse("12.5").unwrap(), units(12_500_000_000));
        assert_eq!(Sesh::parse("0.000000001").unwrap(), units(1));
        assert_eq!(Sesh::parse(".5").unwrap(), units(500_000_000));
        assert_eq!(Sesh::parse("25_000").unwrap(), Sesh::from_whole(25_000));
        assert_eq!(Sesh::parse("25,000.0").unwrap(), Sesh::from_whole(25_000));
        assert_eq!(Sesh::parse("7.").unwrap(), Sesh::from_whole(7));
    }

    #[test]
    fn refuses_what_is_not_an_exact_amount() {
        assert_eq!(Sesh::parse(""), Err(AmountError::Empty));
        assert!(matches!(
            Sesh::parse("."),
            Err(AmountError::Malformed { .. })
        ));
        assert!(matches!(
            Sesh::parse("-1"),
            Err(AmountError::Malformed { .. })
        ));
        assert!(matches!(
            Sesh::parse("1e9"),
            Err(AmountError::Malformed { .. })
        ));
        assert!(matches!(
            Sesh::parse("1.2.3"),
            Err(AmountError::Malformed { .. })
        ));
        assert_eq!(
            Sesh::parse("0.0000000001"),
            Err(AmountError::TooPrecise {
                input: "0.0000000001".into(),
                digits: 10
            })
        );
        assert!(matches!(
            Sesh::parse(&"9".repeat(80)),
            Err(AmountError::Overflow { .. })
        ));
    }

    #[test]
    fn prints_exactly_without_trailing_zeros() {
        assert_eq!(units(0).to_string(), "0");
        assert_eq!(units(1).to_string(), "0.000000001");
        assert_eq!(units(12_500_000_000).to_string(), "12.5");
        assert_eq!(Sesh::from_whole(25_000).to_string(), "25000");
    }

    proptest! {
        #[test]
        fn print_then_parse_round_trips(raw in any::<u128>()) {
            let amount = units(raw);
            prop_assert_eq!(Sesh::parse(&amount.to_string()).unwrap(), amount);
        }
    }
}
