//! Username rules, shared by the CLI, the registry node and (in Solidity) the
//! `NameRegistry` contract.
//!
//! A name is 1 to 64 characters of lowercase ASCII letters, digits, `_` and
//! `-`, and does not start or end with `-`. Input is lowercased first, so
//! `Alice` and `alice` are the same name.

use alloy::primitives::{U256, keccak256};
use std::fmt;

/// The longest name, in characters (= bytes: names are ASCII).
pub const MAX_NAME_LEN: usize = 64;

/// Why a string is not a valid name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// The name is empty.
    #[error("a name cannot be empty")]
    Empty,
    /// The name is longer than [`MAX_NAME_LEN`].
    #[error("name is {len} characters long; the limit is {MAX_NAME_LEN}")]
    TooLong {
        /// The length that was given.
        len: usize,
    },
    /// The name holds a character outside `a-z`, `0-9`, `_` and `-`.
    #[error(
        "name has {character:?} at position {position}; only letters a-z, digits, '_' and '-' are allowed"
    )]
    InvalidCharacter {
        /// 1-based position of the character, counted in characters.
        position: usize,
        /// The offending character.
        character: char,
    },
    /// The name starts or ends with `-`.
    #[error("a name cannot start or end with '-'")]
    EdgeHyphen,
}

/// A valid, lowercased username.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Name(String);

impl Name {
    /// Lowercases `input` and checks it against the name rules.
    ///
    /// Only ASCII letters are lowercased: a refused character is reported as it
    /// was typed (`ÄLICE` has 'Ä' at position 1), and no other character can
    /// become a letter by lowercasing (the Kelvin sign 'K' is not 'k').
    pub fn parse(input: &str) -> Result<Self, NameError> {
        if input.is_empty() {
            return Err(NameError::Empty);
        }
        for (index, character) in input.chars().enumerate() {
            let allowed = character.is_ascii_alphanumeric() || character == '_' || character == '-';
            if !allowed {
                return Err(NameError::InvalidCharacter {
                    position: index + 1,
                    character,
                });
            }
        }
        let lowered = input.to_ascii_lowercase();
        // Every character is ASCII now, so bytes and characters agree.
        if lowered.len() > MAX_NAME_LEN {
            return Err(NameError::TooLong { len: lowered.len() });
        }
        if lowered.starts_with('-') || lowered.ends_with('-') {
            return Err(NameError::EdgeHyphen);
        }
        Ok(Self(lowered))
    }

    /// The name as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Length in characters; rent depends on it.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false: a valid name has at least one character.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The ERC-721 token id: `uint256(keccak256(label))`.
    pub fn token_id(&self) -> U256 {
        U256::from_be_bytes(keccak256(self.0.as_bytes()).0)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Name {
    type Err = NameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn lowercases_input() {
        assert_eq!(Name::parse("Alice_01").unwrap().as_str(), "alice_01");
    }

    #[test]
    fn accepts_the_edges_of_the_rules() {
        for ok in ["a", "0", "_", "a-b", "_-_", &"x".repeat(64)] {
            assert!(Name::parse(ok).is_ok(), "{ok} should be valid");
        }
    }

    #[test]
    fn refuses_with_the_rule_that_was_broken() {
        assert_eq!(Name::parse(""), Err(NameError::Empty));
        assert_eq!(
            Name::parse(&"x".repeat(65)),
            Err(NameError::TooLong { len: 65 })
        );
        assert_eq!(Name::parse("-ab"), Err(NameError::EdgeHyphen));
        assert_eq!(Name::parse("ab-"), Err(NameError::EdgeHyphen));
        assert_eq!(
            Name::parse("al ice"),
            Err(NameError::InvalidCharacter {
                position: 3,
                character: ' '
            })
        );
        assert_eq!(
            Name::parse("café"),
            Err(NameError::InvalidCharacter {
                position: 4,
                character: 'é'
            })
        );
        assert_eq!(
            Name::parse("a.b"),
            Err(NameError::InvalidCharacter {
                position: 2,
                character: '.'
            })
        );
    }

    #[test]
    fn a_refused_character_is_reported_as_typed() {
        assert_eq!(
            Name::parse("ÄLICE"),
            Err(NameError::InvalidCharacter {
                position: 1,
                character: 'Ä'
            })
        );
        let error = Name::parse("ÄLICE").unwrap_err().to_string();
        assert!(error.contains("'Ä' at position 1"), "{error}");
        assert_eq!(
            Name::parse("BOB.X"),
            Err(NameError::InvalidCharacter {
                position: 4,
                character: '.'
            })
        );
        // The Kelvin sign lowercases to an ASCII 'k', but it is not a letter a-z.
        assert_eq!(
            Name::parse("\u{212A}im"),
            Err(NameError::InvalidCharacter {
                position: 1,
                character: '\u{212A}'
            })
        );
    }

    #[test]
    fn token_id_is_keccak_of_the_label() {
        // keccak256("alice"), as `cast keccak alice` prints it.
        let expected: U256 = "0x9c0257114eb9399a2985f8e75dad7600c5d89fe3824ffa99ec1c3eb8bf3b0501"
            .parse()
            .unwrap();
        assert_eq!(Name::parse("ALICE").unwrap().token_id(), expected);
    }

    proptest! {
        #[test]
        fn valid_names_round_trip(s in "[a-z0-9_]([a-z0-9_-]{0,62}[a-z0-9_])?") {
            let name = Name::parse(&s).unwrap();
            prop_assert_eq!(name.as_str(), s.as_str());
        }

        #[test]
        fn parse_never_panics_and_only_yields_valid_names(s in "\\PC{0,80}") {
            if let Ok(name) = Name::parse(&s) {
                prop_assert!(name.len() <= MAX_NAME_LEN);
                prop_assert!(name.as_str().bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-'));
            }
        }
    }
}
