//! What the `sesh` wallet puts inside an envelope (the `M` of
//! [`crate::envelope`]): the text, when it was written, and the premium proofs
//! that allow a long text, padded so the node storing the envelope learns the
//! length only to within [`PADDING_BLOCK`] bytes.
//!
//! ```text
//! offset      size    content
//! 0           4       "SESH"
//! 4           1       version (1)
//! 5           8       sent_ms: the sender's clock, ms since the Unix epoch (u64 BE)
//! 13          4       n: the text's length in bytes (u32 BE)
//! 17          n       the text (UTF-8)
//! 17+n        1       k: the number of premium proofs (at most MAX_PROOFS)
//! 18+n        112·k   the proofs: node key (32) ‖ block (u64 BE) ‖ premium expiry (u64 BE) ‖ signature (64)
//! …           …       zero bytes up to the next multiple of PADDING_BLOCK
//! ```
//!
//! A proof is a registry node's premium attestation (`GET
//! /v1/premium/{session_id}/proof`) with what the recipient already knows left
//! out: the Session ID is the sender's (from the envelope), the chain and the
//! `Premium` contract are the recipient's deployment.
//!
//! A text of up to [`MAX_TEXT_CHARS`] characters (Unicode scalar values) needs
//! nothing; up to [`MAX_PREMIUM_TEXT_CHARS`] it needs valid proofs from
//! [`required_proofs`] distinct active nodes, each saying the sender's premium
//! lasts past the time the message was stored. [`check_length`] is the
//! recipient's rule; the sender's wallet applies it before sending.

use crate::api::{PremiumAnswer, Signed};
use crate::attestation::{Attestation, AttestationError, Kind, NodeKey};
use crate::session_id::SessionId;
use alloy::primitives::Address;
use std::collections::BTreeSet;

/// The first bytes of a message.
pub const MAGIC: &[u8; 4] = b"SESH";
/// The format version written and read.
pub const VERSION: u8 = 1;
/// The longest text anyone may send, in characters.
pub const MAX_TEXT_CHARS: usize = 2_000;
/// The longest text a sender with premium may send, in characters.
pub const MAX_PREMIUM_TEXT_CHARS: usize = 10_000;
/// Messages are padded to a multiple of this many bytes.
pub const PADDING_BLOCK: usize = 256;
/// The most proofs a message carries.
pub const MAX_PROOFS: usize = 8;
/// The size of one encoded proof.
pub const PROOF_LEN: usize = 32 + 8 + 8 + 64;

const HEADER_LEN: usize = 4 + 1 + 8 + 4;

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

/// A decoded message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content {
    /// When the sender wrote it (ms since the Unix epoch, the sender's clock).
    pub sent_ms: u64,
    /// The text.
    pub text: String,
    /// Premium proofs for a long text.
    pub proofs: Vec<PremiumProof>,
}

/// Why bytes are not a message, or a message is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContentError {
    /// Not this format (or another version of it).
    #[error("not a sesh message (unknown format or version)")]
    Format,
    /// Cut short or with bytes where padding should be.
    #[error("the message is malformed: {0}")]
    Malformed(&'static str),
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
    /// More proofs than the format allows.
    #[error("at most {MAX_PROOFS} premium proofs fit in a message")]
    TooManyProofs,
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

impl Content {
    /// A message written now (`sent_ms`) with no proofs.
    pub fn text(text: impl Into<String>, sent_ms: u64) -> Self {
        Self {
            sent_ms,
            text: text.into(),
            proofs: Vec::new(),
        }
    }

    /// The text's length in characters (Unicode scalar values).
    pub fn chars(&self) -> usize {
        self.text.chars().count()
    }

    /// The padded bytes.
    pub fn encode(&self) -> Result<Vec<u8>, ContentError> {
        if self.proofs.len() > MAX_PROOFS {
            return Err(ContentError::TooManyProofs);
        }
        let text_len = u32::try_from(self.text.len()).map_err(|_| ContentError::TooLong {
            chars: self.chars(),
            max: MAX_PREMIUM_TEXT_CHARS,
        })?;
        let mut out = Vec::with_capacity(HEADER_LEN + self.text.len() + 1 + PADDING_BLOCK);
        out.extend_from_slice(MAGIC);
        out.push(VERSION);
        out.extend_from_slice(&self.sent_ms.to_be_bytes());
        out.extend_from_slice(&text_len.to_be_bytes());
        out.extend_from_slice(self.text.as_bytes());
        out.push(self.proofs.len() as u8);
        for proof in &self.proofs {
            out.extend_from_slice(&proof.node_key.0);
            out.extend_from_slice(&proof.block.to_be_bytes());
            out.extend_from_slice(&proof.expiry.to_be_bytes());
            out.extend_from_slice(&proof.signature);
        }
        out.resize(out.len().div_ceil(PADDING_BLOCK) * PADDING_BLOCK, 0);
        Ok(out)
    }

    /// Reads padded bytes; refuses anything else, including non-zero padding.
    pub fn decode(bytes: &[u8]) -> Result<Self, ContentError> {
        if bytes.len() < 5 || &bytes[..4] != MAGIC || bytes[4] != VERSION {
            return Err(ContentError::Format);
        }
        if !bytes.len().is_multiple_of(PADDING_BLOCK) {
            return Err(ContentError::Malformed("not padded to whole blocks"));
        }
        let mut reader = Reader(&bytes[5..]);
        let sent_ms = u64::from_be_bytes(reader.array("sent time")?);
        let text_len = u32::from_be_bytes(reader.array("text length")?) as usize;
        let text = std::str::from_utf8(reader.take(text_len, "text")?)
            .map_err(|_| ContentError::Malformed("the text is not UTF-8"))?
            .to_string();
        let [count] = reader.array::<1>("proof count")?;
        if usize::from(count) > MAX_PROOFS {
            return Err(ContentError::TooManyProofs);
        }
        let mut proofs = Vec::with_capacity(count.into());
        for _ in 0..count {
            proofs.push(PremiumProof {
                node_key: NodeKey(reader.array("proof key")?),
                block: u64::from_be_bytes(reader.array("proof block")?),
                expiry: u64::from_be_bytes(reader.array("proof expiry")?),
                signature: reader.array("proof signature")?,
            });
        }
        if reader.0.iter().any(|byte| *byte != 0) {
            return Err(ContentError::Malformed(
                "bytes after the proofs are not padding",
            ));
        }
        Ok(Self {
            sent_ms,
            text,
            proofs,
        })
    }
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], ContentError> {
        if self.0.len() < n {
            return Err(ContentError::Malformed(what));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], ContentError> {
        Ok(self.take(N, what)?.try_into().expect("N bytes taken"))
    }
}

/// How many distinct active nodes must prove premium: the wallet's agreement rule
/// ([`crate::agreement::needed`]) over the [`SWARM_SIZE`](crate::swarm::SWARM_SIZE) nodes a
/// sender asks, i.e. 2, or all of them when fewer are active (so one dishonest node cannot
/// sell long messages).
pub fn required_proofs(active_nodes: usize) -> usize {
    crate::agreement::needed(active_nodes.min(crate::swarm::SWARM_SIZE))
}

/// The recipient's rule: `content`, sent by `sender`, may be as long as it is.
///
/// Proofs count when they are signed by a key in `active` (each key once), are
/// about `sender` on `chain_id`'s `premium` contract, and say the premium lasts
/// past `at` (Unix seconds: when the message was stored).
pub fn check_length(
    content: &Content,
    sender: SessionId,
    chain_id: u64,
    premium: Address,
    active: &[NodeKey],
    at: u64,
) -> Result<(), ContentError> {
    let chars = content.chars();
    if chars <= MAX_TEXT_CHARS {
        return Ok(());
    }
    if chars > MAX_PREMIUM_TEXT_CHARS {
        return Err(ContentError::TooLong {
            chars,
            max: MAX_PREMIUM_TEXT_CHARS,
        });
    }
    let valid: BTreeSet<NodeKey> = content
        .proofs
        .iter()
        .filter(|proof| active.contains(&proof.node_key))
        .filter(|proof| proof.expiry > at)
        .filter(|proof| proof.verify(sender, chain_id, premium).is_ok())
        .map(|proof| proof.node_key)
        .collect();
    let needed = required_proofs(active.len());
    if valid.len() < needed {
        return Err(ContentError::NeedsPremium {
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
    use proptest::prelude::*;

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
    fn encodes_padded_and_decodes_back() {
        let nodes: Vec<_> = (1..=2).map(|b| NodeSigner::from_seed([b; 32])).collect();
        let content = Content {
            sent_ms: 1_700_000_000_123,
            text: "héllo 👋".into(),
            proofs: nodes.iter().map(|n| proof(n, sender(), 99)).collect(),
        };
        let bytes = content.encode().unwrap();
        assert_eq!(bytes.len() % PADDING_BLOCK, 0);
        assert_eq!(&bytes[..5], b"SESH\x01");
        assert_eq!(&bytes[5..13], &1_700_000_000_123u64.to_be_bytes());
        assert_eq!(&bytes[13..17], &(content.text.len() as u32).to_be_bytes());
        assert_eq!(Content::decode(&bytes).unwrap(), content);
    }

    #[test]
    fn refuses_other_formats_and_tampered_padding() {
        let mut bytes = Content::text("hi", 1).encode().unwrap();
        assert_eq!(Content::decode(b"hello"), Err(ContentError::Format));
        let mut other_version = bytes.clone();
        other_version[4] = 2;
        assert_eq!(Content::decode(&other_version), Err(ContentError::Format));
        assert!(matches!(
            Content::decode(&bytes[..18]),
            Err(ContentError::Malformed(_))
        ));
        let mut unpadded = bytes.clone();
        unpadded.push(0);
        assert_eq!(
            Content::decode(&unpadded),
            Err(ContentError::Malformed("not padded to whole blocks"))
        );
        let last = bytes.len() - 1;
        bytes[last] = 1;
        assert!(matches!(
            Content::decode(&bytes),
            Err(ContentError::Malformed(_))
        ));
    }

    #[test]
    fn a_long_text_needs_two_valid_proofs_from_active_nodes() {
        let nodes: Vec<_> = (1..=3).map(|b| NodeSigner::from_seed([b; 32])).collect();
        let active: Vec<_> = nodes.iter().map(NodeSigner::node_key).collect();
        let long = "x".repeat(MAX_TEXT_CHARS + 1);
        let check = |proofs: Vec<PremiumProof>| {
            let content = Content {
                sent_ms: 0,
                text: long.clone(),
                proofs,
            };
            check_length(&content, sender(), CHAIN, PREMIUM, &active, 50)
        };
        let needs = |valid| {
            Err(ContentError::NeedsPremium {
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
        let too_long = Content::text("x".repeat(MAX_PREMIUM_TEXT_CHARS + 1), 0);
        assert!(matches!(
            check_length(&too_long, sender(), CHAIN, PREMIUM, &active, 0),
            Err(ContentError::TooLong { .. })
        ));
        assert_eq!(
            check_length(
                &Content::text("x".repeat(MAX_TEXT_CHARS), 0),
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

    proptest! {
        #[test]
        fn any_text_round_trips(text in ".{0,300}", sent_ms in any::<u64>()) {
            let content = Content::text(text, sent_ms);
            let bytes = content.encode().unwrap();
            prop_assert_eq!(bytes.len() % PADDING_BLOCK, 0);
            prop_assert_eq!(Content::decode(&bytes).unwrap(), content);
        }

        #[test]
        fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = Content::decode(&bytes);
        }
    }
}
