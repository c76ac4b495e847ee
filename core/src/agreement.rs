//! When the wallet accepts what several registry nodes say: one rule for every
//! answer it combines (lookups, reverse lookups, listings, the name a message is
//! sent to, ONS resolution, and the premium proofs a long message carries).
//!
//! **A strict majority of the nodes asked must answer, and every answer must be
//! valid and the same.** So 1 of 1, 2 of 2, 2 of 3, 3 of 4 and 3 of 5 are
//! enough; 1 of 2 and 2 of 4 are not. Any node that answers differently, or
//! whose answer does not verify, stops the command with the disagreement
//! listed, however many others agree.
//!
//! Why a majority of the nodes *asked*, and not of those that answered: a node
//! that stays silent may be the one that would have disagreed, so silence never
//! counts as agreement. Asking 3 nodes tolerates 1 down; asking 2 tolerates
//! none (either could be the honest one). When only one node is asked (a single
//! `--registry URL`, or an active set of one), its answer is accepted, since
//! that is the only node there is to trust, and the wallet says plainly that
//! nothing was cross-checked.
//!
//! Premium proofs follow the same count: a long message needs proofs from
//! [`needed`] of the [`ASK`] nodes a sender asks, i.e. 2, or 1 when only one
//! node is active ([`crate::session_message::required_proofs`]).

/// How many nodes of the active set the wallet asks for an answer it checks by
/// agreement (a lookup, a reverse lookup, premium proofs): the subject's
/// [`ASK`] highest rendezvous scores ([`crate::swarm::pick`]). Three tolerate
/// one node down or lying; mailboxes are kept by larger swarms
/// ([`crate::swarm::SWARM_SIZE`]).
pub const ASK: usize = 3;

/// How many of `asked` nodes must answer and agree: a strict majority (at least 1).
pub const fn needed(asked: usize) -> usize {
    asked / 2 + 1
}

/// What the wallet makes of the answers of the nodes it asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Accepted: `agree` of `asked` nodes gave the same valid answer and none
    /// disagreed.
    Accepted {
        /// Nodes that gave the answer.
        agree: usize,
        /// Nodes asked.
        asked: usize,
    },
    /// Refused: at least one node answered differently, or invalidly.
    Disagreement,
    /// Refused: no node disagreed, but fewer than [`needed`] answered.
    TooFew {
        /// Nodes that answered (and agree).
        agree: usize,
        /// Nodes asked.
        asked: usize,
    },
}

impl Verdict {
    /// Judges `asked` nodes of which `agree` gave the same valid answer and
    /// `disagree` gave another answer or an invalid one (the rest did not answer).
    pub const fn of(asked: usize, agree: usize, disagree: usize) -> Self {
        if disagree > 0 {
            Self::Disagreement
        } else if agree >= needed(asked) && agree > 0 {
            Self::Accepted { agree, asked }
        } else {
            Self::TooFew { agree, asked }
        }
    }

    /// What the user should be told about an accepted answer that is not
    /// every node's, or that nobody else checked (`None`: all asked agree, and
    /// they are several).
    pub fn caveat(&self) -> Option<String> {
        match *self {
            Self::Accepted { asked: 1, .. } => Some(
                "only one registry node was asked, so nothing was cross-checked: its answer is taken on its word (ask more with --registry, or read the chain with --rpc)".into(),
            ),
            Self::Accepted { agree, asked } if agree < asked => Some(format!(
                "only {agree} of {asked} registry nodes answered; accepting the answer they agree on ({} of {asked} are needed)",
                needed(asked)
            )),
            _ => None,
        }
    }

    /// Why too few answered, in words (for [`Verdict::TooFew`]).
    pub fn shortfall(&self) -> Option<String> {
        match *self {
            Self::TooFew { agree, asked } => Some(format!(
                "only {agree} of {asked} registry node{} answered; {} must answer and agree (a strict majority of the nodes asked, so that a silent node cannot hide a disagreement)",
                if asked == 1 { "" } else { "s" },
                needed(asked)
            )),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_strict_majority_of_the_nodes_asked_is_needed() {
        let expected = [
            (0, 1),
            (1, 1),
            (2, 2),
            (3, 2),
            (4, 3),
            (5, 3),
            (6, 4),
            (7, 4),
        ];
        for (asked, need) in expected {
            assert_eq!(needed(asked), need, "of {asked}");
        }
    }

    #[test]
    fn one_of_one_is_accepted_with_the_caveat_that_nothing_was_cross_checked() {
        let verdict = Verdict::of(1, 1, 0);
        assert_eq!(verdict, Verdict::Accepted { agree: 1, asked: 1 });
        assert!(
            verdict
                .caveat()
                .unwrap()
                .contains("nothing was cross-checked")
        );
    }

    #[test]
    fn one_of_two_is_refused_and_two_of_three_accepted_with_a_warning() {
        let refused = Verdict::of(2, 1, 0);
        assert_eq!(refused, Verdict::TooFew { agree: 1, asked: 2 });
        let why = refused.shortfall().unwrap();
        assert!(
            why.contains("only 1 of 2 registry nodes answered; 2 must"),
            "{why}"
        );
        let accepted = Verdict::of(3, 2, 0);
        assert_eq!(accepted, Verdict::Accepted { agree: 2, asked: 3 });
        assert!(accepted.caveat().unwrap().contains("only 2 of 3"));
        assert_eq!(Verdict::of(3, 3, 0).caveat(), None);
        assert_eq!(Verdict::of(2, 2, 0).caveat(), None);
        assert_eq!(Verdict::of(3, 1, 0), Verdict::TooFew { agree: 1, asked: 3 });
        assert_eq!(Verdict::of(4, 2, 0), Verdict::TooFew { agree: 2, asked: 4 });
        assert!(matches!(Verdict::of(4, 3, 0), Verdict::Accepted { .. }));
    }

    #[test]
    fn any_disagreement_refuses_however_many_agree() {
        assert_eq!(Verdict::of(3, 2, 1), Verdict::Disagreement);
        assert_eq!(Verdict::of(5, 4, 1), Verdict::Disagreement);
        assert_eq!(Verdict::of(1, 0, 1), Verdict::Disagreement);
    }

    #[test]
    fn nothing_asked_or_nothing_answered_is_too_few() {
        assert_eq!(Verdict::of(0, 0, 0), Verdict::TooFew { agree: 0, asked: 0 });
        assert_eq!(Verdict::of(1, 0, 0), Verdict::TooFew { agree: 0, asked: 1 });
        assert_eq!(
            Verdict::of(3, 0, 0).shortfall().unwrap().split(';').next(),
            Some("only 0 of 3 registry nodes answered")
        );
    }
}
