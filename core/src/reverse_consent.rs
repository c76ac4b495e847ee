//! A Session ID's consent to a name as its reverse name.
//!
//! A name's record may point at any Session ID (as ENS `addr` may point
//! anywhere), so pointing is not naming: a name is the reverse name of a
//! Session ID only when the Session ID's Ed25519 key signed its consent. The
//! registry relays the consent in a `ReverseConsentGiven` event without
//! checking it (there is no Ed25519 on chain); registry nodes check it when they
//! index the event, and wallets check it again in every reverse answer. Both
//! call [`Consent::check`], so they cannot disagree.
//!
//! The signed message is 132 bytes:
//!
//! ```text
//! "sesh-reverse-consent" (20 bytes) ‖ chain id (uint256, 32 bytes BE)
//!   ‖ NameRegistry (20) ‖ token id (32, BE) ‖ owner (20) ‖ nonce (u64, 8 bytes BE)
//! ```
//!
//! - the chain id and the registry bind it to one deployment: it cannot be
//!   replayed on another chain or registry;
//! - the token id (`keccak256(label)`) and the owner bind it to one name held by
//!   one account: a name that changes hands no longer counts, and token id 0
//!   with owner 0 consents to no name (it withdraws the last consent);
//! - the nonce orders a Session ID's consents: a consent counts only when its
//!   nonce is above that of the Session ID's last counted consent, so an older
//!   consent, public in the chain's logs, cannot be replayed over a newer one.
//!   `sesh` uses the time in milliseconds, its own clock's or the chain's,
//!   whichever is later.
//!
//! The signer proves it holds the Session ID the way Session's storage server
//! checks `pubkey_ed25519`: the consent carries the Ed25519 public key, which
//! must convert (Edwards to Montgomery, as libsodium's
//! `crypto_sign_ed25519_pk_to_curve25519`) to the Session ID's X25519 key, and
//! the signature must verify under it (strict RFC 8032 verification).
//! Known answers computed with libsodium: `core/tests/vectors/reverse_consent.json`.

use crate::envelope;
use crate::keys::SessionKeys;
use crate::session_id::SessionId;
use alloy::primitives::{Address, B256, U256};
use ed25519_dalek::{Signature, Signer, VerifyingKey};
use serde::{Deserialize, Serialize};

/// The first bytes of the message.
pub const DOMAIN: &[u8] = b"sesh-reverse-consent";

/// The length of the message.
pub const MESSAGE_LEN: usize = 20 + 32 + 20 + 32 + 20 + 8;

/// The bytes a Session ID signs to consent to `token_id`, held by `owner`, as its reverse name,
/// at the registry `registry` on `chain_id`, with `nonce`.
pub fn message(
    chain_id: u64,
    registry: Address,
    token_id: U256,
    owner: Address,
    nonce: u64,
) -> [u8; MESSAGE_LEN] {
    let mut out = [0u8; MESSAGE_LEN];
    out[..20].copy_from_slice(DOMAIN);
    out[20..52].copy_from_slice(&U256::from(chain_id).to_be_bytes::<32>());
    out[52..72].copy_from_slice(registry.as_slice());
    out[72..104].copy_from_slice(&token_id.to_be_bytes::<32>());
    out[104..124].copy_from_slice(owner.as_slice());
    out[124..].copy_from_slice(&nonce.to_be_bytes());
    out
}

/// What the Session ID proves with a consent: its Ed25519 key, the nonce and the signature.
/// The rest of the message (chain, registry, name, owner) is what it is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentProof {
    /// The Session ID's Ed25519 public key.
    pub ed25519_key: B256,
    /// The consent's nonce.
    pub nonce: u64,
    /// The Ed25519 signature (R ‖ S), as 128 hex digits.
    #[serde(with = "signature_hex")]
    pub signature: [u8; 64],
}

mod signature_hex {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(value: &[u8; 64], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(value))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 64], D::Error> {
        let text = String::deserialize(d)?;
        hex::decode(text.trim_start_matches("0x"))
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or_else(|| serde::de::Error::custom("an Ed25519 signature is 128 hex digits"))
    }
}

impl ConsentProof {
    /// The signature's two halves, as the contract takes them (`signatureR`, `signatureS`).
    pub fn signature_halves(&self) -> (B256, B256) {
        (
            B256::from_slice(&self.signature[..32]),
            B256::from_slice(&self.signature[32..]),
        )
    }

    /// The proof from the contract's fields.
    pub fn from_halves(ed25519_key: B256, nonce: u64, r: B256, s: B256) -> Self {
        let mut signature = [0u8; 64];
        signature[..32].copy_from_slice(r.as_slice());
        signature[32..].copy_from_slice(s.as_slice());
        Self {
            ed25519_key,
            nonce,
            signature,
        }
    }
}

/// A Session ID's consent to a name (token id and owner) as its reverse name, or to none
/// (token id 0, owner 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Consent {
    /// The consenting Session ID.
    pub session_id: SessionId,
    /// The name's token id (0: no name).
    pub token_id: U256,
    /// The name's owner (0: no name).
    pub owner: Address,
    /// The key, nonce and signature.
    pub proof: ConsentProof,
}

/// Why a consent does not count.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConsentError {
    /// The Ed25519 key is not a valid key (not on the curve, of small order, or outside the
    /// prime-order subgroup), so it is no Session ID's key.
    #[error("the consent's Ed25519 key {0} is not a valid Ed25519 public key")]
    InvalidKey(B256),
    /// The Ed25519 key converts to another Session ID.
    #[error(
        "the consent's Ed25519 key {ed25519_key} is the key of Session ID {actual}, not of {claimed}"
    )]
    KeyMismatch {
        /// The key.
        ed25519_key: B256,
        /// The Session ID the consent claims to come from.
        claimed: SessionId,
        /// The Session ID the key belongs to.
        actual: SessionId,
    },
    /// The signature does not verify over the consent's message: it was made for another
    /// chain, registry, name, owner or nonce, or is no signature at all.
    #[error(
        "the consent signature of {session_id} does not verify for token {token_id:#x} held by {owner} with nonce {nonce} at registry {registry} on chain {chain_id}"
    )]
    BadSignature {
        /// The Session ID.
        session_id: SessionId,
        /// The chain the signature was checked for.
        chain_id: u64,
        /// The registry it was checked for.
        registry: Address,
        /// The name's token id.
        token_id: U256,
        /// The owner.
        owner: Address,
        /// The nonce.
        nonce: u64,
    },
}

impl From<Consent> for crate::bindings::name_registry::INameRegistry::ReverseConsent {
    fn from(consent: Consent) -> Self {
        let (signature_r, signature_s) = consent.proof.signature_halves();
        Self {
            sessionKey: consent.session_id.key(),
            ed25519Key: consent.proof.ed25519_key,
            nonce: consent.proof.nonce,
            signatureR: signature_r,
            signatureS: signature_s,
        }
    }
}

impl Consent {
    /// `keys`' consent to `token_id`, held by `owner`, as the reverse name of its Session ID at
    /// `registry` on `chain_id`, with `nonce`.
    pub fn sign(
        keys: &SessionKeys,
        chain_id: u64,
        registry: Address,
        token_id: U256,
        owner: Address,
        nonce: u64,
    ) -> Self {
        let bytes = message(chain_id, registry, token_id, owner, nonce);
        Self {
            session_id: keys.session_id(),
            token_id,
            owner,
            proof: ConsentProof {
                ed25519_key: B256::from(keys.ed25519_public().to_bytes()),
                nonce,
                signature: keys.ed25519_signing_key().sign(&bytes).to_bytes(),
            },
        }
    }

    /// Whether the consent withdraws consent to any name (token id 0 and owner 0).
    pub fn is_none(&self) -> bool {
        self.token_id.is_zero() && self.owner.is_zero()
    }

    /// Checks that the consent's Ed25519 key is the key of its Session ID and signed its message
    /// for `registry` on `chain_id`.
    pub fn check(&self, chain_id: u64, registry: Address) -> Result<(), ConsentError> {
        let key = self.proof.ed25519_key;
        let actual =
            envelope::session_id_from_ed25519(&key.0).map_err(|_| ConsentError::InvalidKey(key))?;
        if actual != self.session_id {
            return Err(ConsentError::KeyMismatch {
                ed25519_key: key,
                claimed: self.session_id,
                actual,
            });
        }
        let bad = || ConsentError::BadSignature {
            session_id: self.session_id,
            chain_id,
            registry,
            token_id: self.token_id,
            owner: self.owner,
            nonce: self.proof.nonce,
        };
        let verifying = VerifyingKey::from_bytes(&key.0).map_err(|_| bad())?;
        let bytes = message(
            chain_id,
            registry,
            self.token_id,
            self.owner,
            self.proof.nonce,
        );
        verifying
            .verify_strict(&bytes, &Signature::from_bytes(&self.proof.signature))
            .map_err(|_| bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Name;

    fn keys(seed: u8) -> SessionKeys {
        SessionKeys::from_seed(&[seed; 32])
    }

    #[test]
    fn the_message_is_laid_out_as_documented() {
        let registry = Address::repeat_byte(0x11);
        let owner = Address::repeat_byte(0x22);
        let token = Name::parse("alice").unwrap().token_id();
        let bytes = message(421614, registry, token, owner, 0x0102_0304_0506_0708);
        assert_eq!(bytes.len(), 132);
        assert_eq!(&bytes[..20], b"sesh-reverse-consent");
        assert_eq!(&bytes[20..49], &[0u8; 29]);
        assert_eq!(
            &bytes[49..52],
            &[0x06, 0x6e, 0xee],
            "421614 = 0x066eee, big-endian"
        );
        assert_eq!(&bytes[52..72], registry.as_slice());
        assert_eq!(&bytes[72..104], &token.to_be_bytes::<32>());
        assert_eq!(&bytes[104..124], owner.as_slice());
        assert_eq!(&bytes[124..], &[1, 2, 3, 4, 5, 6, 7, 8]);
    }

    #[test]
    fn a_consent_counts_only_for_its_chain_registry_name_owner_and_nonce() {
        let alice = keys(7);
        let (chain, registry) = (31337, Address::repeat_byte(0x11));
        let token = Name::parse("alice").unwrap().token_id();
        let owner = Address::repeat_byte(0x22);
        let consent = Consent::sign(&alice, chain, registry, token, owner, 1_000);
        assert_eq!(consent.session_id, alice.session_id());
        assert_eq!(consent.check(chain, registry), Ok(()));

        // Replayed on another chain or registry: refused.
        assert!(matches!(
            consent.check(1, registry),
            Err(ConsentError::BadSignature { chain_id: 1, .. })
        ));
        assert!(matches!(
            consent.check(chain, Address::repeat_byte(0x12)),
            Err(ConsentError::BadSignature { .. })
        ));
        // Moved to another name, owner or nonce: refused.
        let other_name = Consent {
            token_id: Name::parse("alicf").unwrap().token_id(),
            ..consent
        };
        let other_owner = Consent {
            owner: Address::repeat_byte(0x23),
            ..consent
        };
        let other_nonce = Consent {
            proof: ConsentProof {
                nonce: 1_001,
                ..consent.proof
            },
            ..consent
        };
        for replayed in [other_name, other_owner, other_nonce] {
            assert!(matches!(
                replayed.check(chain, registry),
                Err(ConsentError::BadSignature { .. })
            ));
        }
        // Claimed for another Session ID: the key is not that Session ID's.
        let bob = keys(8);
        let stolen = Consent {
            session_id: bob.session_id(),
            ..consent
        };
        assert_eq!(
            stolen.check(chain, registry),
            Err(ConsentError::KeyMismatch {
                ed25519_key: consent.proof.ed25519_key,
                claimed: bob.session_id(),
                actual: alice.session_id(),
            })
        );
        // Bob's key signing "alice's" consent: his key is not alice's Session ID's.
        let forged = Consent {
            session_id: alice.session_id(),
            ..Consent::sign(&bob, chain, registry, token, owner, 1_000)
        };
        assert!(matches!(
            forged.check(chain, registry),
            Err(ConsentError::KeyMismatch { .. })
        ));
        // A tampered signature.
        let mut tampered = consent;
        tampered.proof.signature[10] ^= 1;
        assert!(matches!(
            tampered.check(chain, registry),
            Err(ConsentError::BadSignature { .. })
        ));
        // A key that is no key (the identity point, of small order).
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let small = Consent {
            proof: ConsentProof {
                ed25519_key: B256::from(identity),
                ..consent.proof
            },
            ..consent
        };
        assert_eq!(
            small.check(chain, registry),
            Err(ConsentError::InvalidKey(B256::from(identity)))
        );
    }

    #[test]
    fn withdrawing_is_a_consent_to_no_name() {
        let alice = keys(7);
        let none = Consent::sign(&alice, 1, Address::ZERO, U256::ZERO, Address::ZERO, 5);
        assert!(none.is_none());
        assert_eq!(none.check(1, Address::ZERO), Ok(()));
        let token = Name::parse("alice").unwrap().token_id();
        assert!(!Consent::sign(&alice, 1, Address::ZERO, token, Address::ZERO, 5).is_none());
    }

    #[test]
    fn the_proof_travels_as_the_contract_takes_it_and_as_json() {
        let consent = Consent::sign(&keys(9), 1, Address::ZERO, U256::from(3), Address::ZERO, 1);
        let (r, s) = consent.proof.signature_halves();
        assert_eq!(
            ConsentProof::from_halves(consent.proof.ed25519_key, 1, r, s),
            consent.proof
        );
        let json = serde_json::to_value(consent.proof).unwrap();
        assert_eq!(
            json["signature"].as_str().unwrap(),
            hex::encode(consent.proof.signature)
        );
        let back: ConsentProof = serde_json::from_value(json).unwrap();
        assert_eq!(back, consent.proof);
        assert!(
            serde_json::from_value::<ConsentProof>(serde_json::json!({
                "ed25519_key": consent.proof.ed25519_key,
                "nonce": 1,
                "signature": "00",
            }))
            .is_err()
        );
    }
}
