//! The length rule of one-to-one texts, and the premium proofs that lift it.
//!
//! A text of up to [`MAX_TEXT_CHARS`] characters (Unicode scalar values) needs
//! nothing; up to [`MAX_PREMIUM_TEXT_CHARS`] it needs valid proofs from
//! [`required_proofs`] distinct active nodes, each saying the sender's premium
//! lasts past the time the message was stored. [`check_length`] is the
//! recipient's rule; the sender's wallet applies it before sending.
//!
//! A proof is a registry node's premium attestation (`GET
//! /v1/premium/{session_id}/proof`) with what the recipient already knows left
//! out: the Session ID is the sender's (from the sealed box), the chain and the
//! `Premium` contract are the recipient's deployment. Proofs travel in
//! `Content.seshPremium` (field [`PREMIUM_FIELD`](super::PREMIUM_FIELD)), which
//! Session clients skip.

use super::Text;
use crate::api::{PremiumAnswer, Signed};
use crate::attestation::{Attestation, AttestationError, Kind, NodeKey};
use crate::session_id::SessionId;
use alloy::primitives::Address;
use std::collections::BTreeSet;

/// The longest text anyone may send, in characters.
pub const MAX_TEXT_CHARS: usize = 2_000;
/// The longest text a sender with premium may send, in characters.
pub const MAX_PREMIUM_TEXT_CHARS: usize = 10_000;
/// The most proofs a message carries.
pub const MAX_PROOFS: usize = 8;

/// A registry node's statement that a Session ID has premium until `expiry`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PremiumProof {
    /// The node that signed.
    pub node_key: NodeKey,
    /// The block the statement is true at.
    pub block: u64,
    /// Unix time the premium ends.
    pub expiry: u64,
    /// The node's Ed25519 signature (an attestation of kind `premium`).
    pub signature: [u8; 64],
}

/// Why a text is too long to accept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LengthError {
    /// Longer than anyone may send.
    #[error("the text is {chars} characters; the most anyone may send is {max}")]
    TooLong {
        /// Its length in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// Longer than 2,000 characters without enough valid premium proofs.
    #[error(
        "the text is {chars} characters; over {MAX_TEXT_CHARS} needs premium proved by {needed} registry nodes, and {valid} valid proofs came with it"
    )]
    NeedsPremium {
        /// Its length in characters.
        chars: usize,
        /// Valid proofs from distinct active nodes.
        valid: usize,
        /// Proofs needed.
        needed: usize,
    },
}

impl PremiumProof {
    /// The compact form of a node's signed premium answer.
    pub fn from_signed(signed: &Signed<PremiumAnswer>) -> Result<Self, AttestationError> {
        let signature = hex::decode(&signed.attestation.signature)
            .ok()
            .and_then(|bytes| <[u8; 64]>::try_from(bytes).ok())
            .ok_or(AttestationError::MalformedSignature)?;
        Ok(Self {
            node_key: signed.attestation.node_key,
            block: signed.attestation.block,
            expiry: signed.answer.expiry,
            signature,
        })
    }

    /// The signed answer this proof stands for, about `session_id` on `chain_id`'s `premium` contract.
    pub fn to_signed(
        &self,
        session_id: SessionId,
        chain_id: u64,
        premium: Address,
    ) -> Signed<PremiumAnswer> {
        Signed {
            answer: PremiumAnswer {
                session_id,
                expiry: self.expiry,
            },
            attestation: Attestation {
                kind: Kind::Premium,
                chain_id,
                contract: premium,
                block: self.block,
                node_key: self.node_key,
                signature: hex::encode(self.signature),
            },
        }
    }

    /// Checks the signature over (`session_id`, expiry) on `chain_id`'s `premium` contract.
    pub fn verify(
        &self,
        session_id: SessionId,
        chain_id: u64,
        premium: Address,
    ) -> Result<(), AttestationError> {
        self.to_signed(session_id, chain_id, premium)
            .verify(chain_id, premium)
    }
}

/// How many distinct active nodes must prove premium: the wallet's agreement rule
/// ([`crate::agreement::needed`]) over the [`ASK`](crate::agreement::ASK) nodes a
/// sender asks, i.e. 2, or all of them when fewer are active (so one dishonest node cannot
/// sell long messages).
pub fn required_proofs(active_nodes: usize) -> usize {
    crate::agreement::needed(active_nodes.min(crate::agreement::ASK))
}

/// The recipient's rule: `text`, sent by `sender`, may be as long as it is.
///
/// Proofs count when they are signed by a key in `active` (each key once), are
/// about `sender` on `chain_id`'s `premium` contract, and say the premium lasts
/// past `at` (Unix seconds: when the message was stored).
pub fn check_length(
    text: &Text,
    sender: SessionId,
    chain_id: u64,
    premium: Address,
    active: &[NodeKey],
    at: u64,
) -> Result<(), LengthError> {
    let chars = text.chars();
    if chars <= MAX_TEXT_CHARS {
        return Ok(());
    }
    if chars > MAX_PREMIUM_TEXT_CHARS {
        return Err(LengthError::TooLong {
            chars,
            max: MAX_PREMIUM_TEXT_CHARS,
        });
    }
    let valid: BTreeSet<NodeKey> = text
        .proofs
        .iter()
        .filter(|proof| active.contains(&proof.node_key))
        .filter(|proof| proof.expiry > at)
        .filter(|proof| proof.verify(sender, chain_id, premium).is_ok())
        .map(|proof| proof.node_key)
        .collect();
    let needed = required_proofs(active.len());
    if valid.len() < needed {
        return Err(LengthError::NeedsPremium {
            chars,
            valid: valid.len(),
            needed,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attestation::NodeSigner;

    const CHAIN: u64 = 31337;
    const PREMIUM: Address = Address::repeat_byte(0x77);

    fn sender() -> SessionId {
        crate::envelope::session_id_from_seed(&[9; 32])
    }

    fn proof(signer: &NodeSigner, who: SessionId, expiry: u64) -> PremiumProof {
        let answer = PremiumAnswer {
            session_id: who,
            expiry,
        };
        let attestation = signer.attest(Kind::Premium, CHAIN, PREMIUM, 12, &answer);
        PremiumProof::from_signed(&Signed {
            answer,
            attestation,
        })
        .unwrap()
    }

    #[test]
    fn a_proof_verifies_as_the_signed_answer_it_came_from() {
        let node = NodeSigner::from_seed([1; 32]);
        let proof = proof(&node, sender(), 99);
        assert_eq!(proof.verify(sender(), CHAIN, PREMIUM), Ok(()));
        let other = crate::envelope::session_id_from_seed(&[4; 32]);
        assert!(proof.verify(other, CHAIN, PREMIUM).is_err());
        assert!(proof.verify(sender(), CHAIN + 1, PREMIUM).is_err());
    }

    #[test]
    fn a_long_text_needs_two_valid_proofs_from_active_nodes() {
        let nodes: Vec<_> = (1..=3).map(|b| NodeSigner::from_seed([b; 32])).collect();
        let active: Vec<_> = nodes.iter().map(NodeSigner::node_key).collect();
        let long = "x".repeat(MAX_TEXT_CHARS + 1);
        let check = |proofs: Vec<PremiumProof>| {
            let text = Text {
                proofs,
                ..Text::new(long.clone(), 0)
            };
            check_length(&text, sender(), CHAIN, PREMIUM, &active, 50)
        };
        let needs = |valid| {
            Err(LengthError::NeedsPremium {
                chars: MAX_TEXT_CHARS + 1,
                valid,
                needed: 2,
            })
        };
        assert_eq!(check(vec![]), needs(0));
        assert_eq!(check(vec![proof(&nodes[0], sender(), 99)]), needs(1));
        assert_eq!(
            check(vec![
                proof(&nodes[0], sender(), 99),
                proof(&nodes[0], sender(), 99)
            ]),
            needs(1),
            "one node counts once"
        );
        assert_eq!(
            check(vec![
                proof(&nodes[0], sender(), 99),
                proof(&nodes[1], sender(), 99)
            ]),
            Ok(())
        );
        // Expired at the time of storing, about someone else, from a node outside
        // the active set, or with a forged signature: none counts.
        let stranger = NodeSigner::from_seed([8; 32]);
        let mut forged = proof(&nodes[2], sender(), 99);
        forged.expiry = 1_000;
        let other = crate::envelope::session_id_from_seed(&[4; 32]);
        assert_eq!(
            check(vec![
                proof(&nodes[0], sender(), 50),
                proof(&nodes[1], other, 99),
                proof(&stranger, sender(), 99),
                forged,
            ]),
            needs(0)
        );
        let too_long = Text::new("x".repeat(MAX_PREMIUM_TEXT_CHARS + 1), 0);
        assert!(matches!(
            check_length(&too_long, sender(), CHAIN, PREMIUM, &active, 0),
            Err(LengthError::TooLong { .. })
        ));
        assert_eq!(
            check_length(
                &Text::new("x".repeat(MAX_TEXT_CHARS), 0),
                sender(),
                CHAIN,
                PREMIUM,
                &[],
                0
            ),
            Ok(())
        );
    }

    #[test]
    fn one_active_node_is_enough_when_it_is_the_only_one() {
        assert_eq!(required_proofs(0), 1);
        assert_eq!(required_proofs(1), 1);
        assert_eq!(required_proofs(3), 2);
    }
}
