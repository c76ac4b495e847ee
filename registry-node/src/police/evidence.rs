//! Proven faults: a peer's signed answer checked against this node's own index
//! (docs/policing.md: "a signed false answer is voted on at once").
//!
//! Answers are signed at the block of the last change of what they read, so a
//! node at any later head signs the same block for an unchanged entry. A peer's
//! answer signed at block `B` is **proven false** when this node's entry last
//! changed at `b ≤ B`, this node has indexed up to `B` or later, and the contents
//! differ: from `b` to this node's head the entry did not change, so at `B` it
//! was what this node holds. When `B < b` (the peer answered before a change this
//! node saw) or `B` is past this node's head, nothing is proven either way.

use alloy::primitives::Address;
use sesh_core::api::Signed;
use sesh_core::attestation::{AttestationError, Canonical, NodeKey};

/// A report that node `node_id` signed `answer` to a lookup of `name` (`POST /v1/evidence`,
/// from a wallet that received it or a peer that checked it): the wire type wallets send too.
pub(crate) use sesh_core::api::police::NameEvidence;

/// What a peer's answer shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// It says what this node's index says.
    Agrees,
    /// Nothing can be proven from this node's index.
    Undecided(Undecided),
    /// The peer signed something this node's index proves false: evidence for a vote.
    ProvenFalse,
}

/// Why an answer proves nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Undecided {
    /// Signed at a block this node has not indexed yet.
    AheadOfUs {
        /// The block the peer signed at.
        their_block: u64,
        /// This node's indexed head.
        our_head: u64,
    },
    /// Signed before the last change this node indexed: it may have been true then.
    BeforeOurChange {
        /// The block the peer signed at.
        their_block: u64,
        /// The block of this node's last change of the entry.
        our_block: u64,
    },
    /// This node's index holds no such entry (not judged: absence proves too little).
    NoEntry,
}

/// Why an answer cannot be judged at all.
#[derive(Debug, thiserror::Error)]
pub(crate) enum EvidenceError {
    /// The signature does not hold (or names another chain or contract): the answer
    /// proves nothing about anyone.
    #[error("the answer's signature does not hold: {0}")]
    Signature(#[from] AttestationError),
    /// Signed by another node than the one accused.
    #[error("the answer is signed by {signed_by}, not by the node accused ({accused})")]
    NotByAccused {
        /// The key that signed.
        signed_by: NodeKey,
        /// The key of the accused node.
        accused: NodeKey,
    },
    /// The peer's answer and this node's are of different kinds.
    #[error("the answer is of kind {theirs:?}, compared with one of kind {ours:?}")]
    KindMismatch {
        /// The peer's.
        theirs: sesh_core::attestation::Kind,
        /// This node's.
        ours: sesh_core::attestation::Kind,
    },
}

/// Judges `theirs`, signed by `accused`, against `ours` (this node's answer to the same
/// question, `None` when its index has no entry) with this node's head at `our_head`,
/// on `chain_id` and `contract`. The caller asks the same question of both: the
/// subject (the name, the Session ID) is part of each answer, so an answer about
/// another subject differs from ours and must not reach here.
pub(crate) fn judge<T: Canonical>(
    theirs: &Signed<T>,
    ours: Option<&Signed<T>>,
    accused: &NodeKey,
    our_head: u64,
    chain_id: u64,
    contract: Address,
) -> Result<Verdict, EvidenceError> {
    theirs.verify(chain_id, contract)?;
    let signed_by = theirs.attestation.node_key;
    if signed_by != *accused {
        return Err(EvidenceError::NotByAccused {
            signed_by,
            accused: *accused,
        });
    }
    let Some(ours) = ours else {
        return Ok(Verdict::Undecided(Undecided::NoEntry));
    };
    if ours.attestation.kind != theirs.attestation.kind {
        return Err(EvidenceError::KindMismatch {
            theirs: theirs.attestation.kind,
            ours: ours.attestation.kind,
        });
    }
    let their_block = theirs.attestation.block;
    let our_block = ours.attestation.block;
    if their_block > our_head {
        return Ok(Verdict::Undecided(Undecided::AheadOfUs {
            their_block,
            our_head,
        }));
    }
    if their_block < our_block {
        return Ok(Verdict::Undecided(Undecided::BeforeOurChange {
            their_block,
            our_block,
        }));
    }
    Ok(
        if theirs.answer.canonical_bytes() == ours.answer.canonical_bytes() {
            Verdict::Agrees
        } else {
            Verdict::ProvenFalse
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::primitives::{U256, address};
    use sesh_core::api::NameAnswer;
    use sesh_core::attestation::{Kind, NodeSigner};

    const CHAIN: u64 = 31337;
    const REGISTRY: Address = address!("0x5FbDB2315678afecb367f032d93F642f64180aa3");

    fn answer(owner: Address) -> NameAnswer {
        NameAnswer {
            name: "alice".into(),
            token_id: U256::from(42),
            owner,
            expiry: 1_800_000_000,
            session_id: None,
            evm_address: None,
            primary: true,
            valid: true,
        }
    }

    fn signed(signer: &NodeSigner, block: u64, answer: NameAnswer) -> Signed<NameAnswer> {
        Signed {
            attestation: signer.attest(Kind::Name, CHAIN, REGISTRY, block, &answer),
            answer,
        }
    }

    #[test]
    fn a_signed_answer_our_index_contradicts_is_proven_false() {
        let us = NodeSigner::from_seed([1; 32]);
        let peer = NodeSigner::from_seed([2; 32]);
        let truth = answer(Address::repeat_byte(0xaa));
        let ours = signed(&us, 100, truth.clone());
        let lie = signed(&peer, 100, answer(Address::repeat_byte(0xbb)));
        let judged = |theirs: &Signed<NameAnswer>, head| {
            judge(theirs, Some(&ours), &peer.node_key(), head, CHAIN, REGISTRY).unwrap()
        };
        assert_eq!(judged(&lie, 150), Verdict::ProvenFalse);
        // Signed later than our last change, still within our head: still false.
        let later_lie = signed(&peer, 140, answer(Address::repeat_byte(0xbb)));
        assert_eq!(judged(&later_lie, 150), Verdict::ProvenFalse);
        // The same content agrees, at our block or later.
        assert_eq!(
            judged(&signed(&peer, 100, truth.clone()), 150),
            Verdict::Agrees
        );
        assert_eq!(judged(&signed(&peer, 120, truth), 150), Verdict::Agrees);
    }

    #[test]
    fn what_our_index_cannot_check_proves_nothing() {
        let us = NodeSigner::from_seed([1; 32]);
        let peer = NodeSigner::from_seed([2; 32]);
        let ours = signed(&us, 100, answer(Address::repeat_byte(0xaa)));
        let other = answer(Address::repeat_byte(0xbb));
        // Before our last change: it may have been true then.
        let old = signed(&peer, 90, other.clone());
        assert_eq!(
            judge(&old, Some(&ours), &peer.node_key(), 150, CHAIN, REGISTRY).unwrap(),
            Verdict::Undecided(Undecided::BeforeOurChange {
                their_block: 90,
                our_block: 100
            })
        );
        // Past our head: the chain may have changed since.
        let ahead = signed(&peer, 200, other.clone());
        assert_eq!(
            judge(&ahead, Some(&ours), &peer.node_key(), 150, CHAIN, REGISTRY).unwrap(),
            Verdict::Undecided(Undecided::AheadOfUs {
                their_block: 200,
                our_head: 150
            })
        );
        let lie = signed(&peer, 100, other);
        assert_eq!(
            judge(&lie, None, &peer.node_key(), 150, CHAIN, REGISTRY).unwrap(),
            Verdict::Undecided(Undecided::NoEntry)
        );
    }

    #[test]
    fn only_a_valid_signature_by_the_accused_is_evidence() {
        let us = NodeSigner::from_seed([1; 32]);
        let peer = NodeSigner::from_seed([2; 32]);
        let ours = signed(&us, 100, answer(Address::repeat_byte(0xaa)));
        let mut forged = signed(&peer, 100, answer(Address::repeat_byte(0xbb)));
        forged.answer.owner = Address::repeat_byte(0xcc);
        assert!(matches!(
            judge(&forged, Some(&ours), &peer.node_key(), 150, CHAIN, REGISTRY),
            Err(EvidenceError::Signature(_))
        ));
        // A lie by someone else cannot be pinned on the peer.
        let third = NodeSigner::from_seed([3; 32]);
        let framed = signed(&third, 100, answer(Address::repeat_byte(0xbb)));
        assert!(matches!(
            judge(&framed, Some(&ours), &peer.node_key(), 150, CHAIN, REGISTRY),
            Err(EvidenceError::NotByAccused { .. })
        ));
        // Signed for another contract (or chain): no evidence here.
        let elsewhere = Signed {
            attestation: peer.attest(
                Kind::Name,
                CHAIN,
                Address::repeat_byte(1),
                100,
                &answer(Address::repeat_byte(0xbb)),
            ),
            answer: answer(Address::repeat_byte(0xbb)),
        };
        assert!(matches!(
            judge(
                &elsewhere,
                Some(&ours),
                &peer.node_key(),
                150,
                CHAIN,
                REGISTRY
            ),
            Err(EvidenceError::Signature(_))
        ));
    }
}
