//! Deregistration votes as `NodeStaking` takes them (docs/policing.md, "Votes").
//!
//! A vote is the EIP-712 signature of `DeregisterNode(uint256 nodeId,uint256 deadline)`
//! under the domain `{name: "NodeStaking", version: "1", chainId, verifyingContract}`:
//! [`digest`] is `NodeStaking.deregistrationDigest(nodeId, deadline)`. Votes are
//! counted as `_checkVotes` counts them ([`count`]): distinct signers of active
//! nodes other than the target, each weighing its node's stake, against two thirds
//! (rounded up, at least 1) of the other active stake.

use super::schedule::PERIOD_SECS;
use alloy::primitives::{Address, B256, Signature, U256};
use alloy::signers::SignerSync;
use alloy::signers::local::PrivateKeySigner;
use alloy::sol_types::{Eip712Domain, SolStruct, eip712_domain};
use serde::{Deserialize, Serialize};
use sesh_core::bindings::node_staking::INodeStaking::VoteSignature;

alloy::sol! {
    /// The signed struct; its type string is `NodeStaking.DEREGISTER_TYPEHASH`'s.
    struct DeregisterNode {
        uint256 nodeId;
        uint256 deadline;
    }
}

/// How far ahead a vote's deadline may be: honest nodes sign an hour ahead, and a vote
/// that lives longer could be held back against a node that recovered.
pub(crate) const MAX_DEADLINE_AHEAD_SECS: u64 = 2 * 3600;

/// How long a new vote lives: an hour of chain time (rounded up to a period).
pub(crate) const VOTE_LIFETIME_SECS: u64 = 3600;

/// The least time left for a held vote's deadline to be joined rather than replaced.
pub(crate) const JOIN_MARGIN_SECS: u64 = 900;

/// The deadline of a new vote at `now`, given the deadlines of the votes already held
/// against the same node: the latest of those with at least [`JOIN_MARGIN_SECS`] left
/// (every vote of one `deregister` call shares its deadline), else `now` +
/// [`VOTE_LIFETIME_SECS`] rounded up to a period, so that nodes starting a vote in
/// the same period pick the same deadline.
pub(crate) fn choose_deadline(held: impl IntoIterator<Item = u64>, now: u64) -> u64 {
    let fresh = (now + VOTE_LIFETIME_SECS).div_ceil(PERIOD_SECS) * PERIOD_SECS;
    held.into_iter()
        .filter(|deadline| {
            *deadline >= now.saturating_add(JOIN_MARGIN_SECS)
                && *deadline <= now.saturating_add(MAX_DEADLINE_AHEAD_SECS)
        })
        .max()
        .unwrap_or(fresh)
}

/// The EIP-712 domain of `NodeStaking` at `node_staking` on `chain_id`.
pub(crate) fn domain(chain_id: u64, node_staking: Address) -> Eip712Domain {
    eip712_domain! {
        name: "NodeStaking",
        version: "1",
        chain_id: chain_id,
        verifying_contract: node_staking,
    }
}

/// `NodeStaking.deregistrationDigest(node_id, deadline)`.
pub(crate) fn digest(chain_id: u64, node_staking: Address, node_id: u64, deadline: u64) -> B256 {
    DeregisterNode {
        nodeId: U256::from(node_id),
        deadline: U256::from(deadline),
    }
    .eip712_signing_hash(&domain(chain_id, node_staking))
}

/// One node's vote to deregister node `node_id`, as the nodes pass it on (`POST /v1/votes`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Vote {
    /// The node to deregister.
    pub node_id: u64,
    /// The vote's expiry, chain seconds.
    pub deadline: u64,
    /// The voting node's registered `signer`.
    pub signer: Address,
    /// The signature over [`digest`], as alloy writes one: `{"r", "s", "yParity", "v"}` (0x hex).
    pub signature: Signature,
}

/// Why a vote is refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub(crate) enum VoteError {
    /// The signature recovers to no address.
    #[error("the vote's signature is malformed")]
    Malformed,
    /// The signature is another key's than the signer it names.
    #[error("the vote names signer {claimed} but is signed by {recovered}")]
    WrongSigner {
        /// The signer the vote names.
        claimed: Address,
        /// The signer its signature recovers to.
        recovered: Address,
    },
    /// The signer is no active node's (or is the target's own).
    #[error("{signer} is not the signer of an active node other than node {node_id}")]
    NotActive {
        /// The signer.
        signer: Address,
        /// The target.
        node_id: u64,
    },
    /// The deadline passed.
    #[error("the vote expired at {deadline}; it is {now}")]
    Expired {
        /// The vote's deadline.
        deadline: u64,
        /// Chain time now.
        now: u64,
    },
    /// The deadline is further ahead than honest nodes sign.
    #[error("the vote's deadline {deadline} is more than {MAX_DEADLINE_AHEAD_SECS} s after {now}")]
    TooFarAhead {
        /// The vote's deadline.
        deadline: u64,
        /// Chain time now.
        now: u64,
    },
}

/// An active node as the contract weighs its vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ActiveNode {
    /// Its id.
    pub node_id: u64,
    /// The address its votes recover to.
    pub signer: Address,
    /// Its stake (the contract's `activeStake` of the signer), SESH base units.
    pub stake: U256,
}

impl Vote {
    /// Signs a vote against `node_id` expiring at `deadline` with the voting key `key`.
    pub(crate) fn sign(
        key: &PrivateKeySigner,
        chain_id: u64,
        node_staking: Address,
        node_id: u64,
        deadline: u64,
    ) -> Result<Self, alloy::signers::Error> {
        let signature = key.sign_hash_sync(&digest(chain_id, node_staking, node_id, deadline))?;
        Ok(Self {
            node_id,
            deadline,
            signer: key.address(),
            signature,
        })
    }

    /// Checks the vote as the contract will, and as this node accepts it from a peer:
    /// signed by the signer it names, an active node other than the target (`active`:
    /// the active set as the contract counts it), not expired, not too far ahead of `now`.
    pub(crate) fn check(
        &self,
        chain_id: u64,
        node_staking: Address,
        active: &[ActiveNode],
        now: u64,
    ) -> Result<(), VoteError> {
        let digest = digest(chain_id, node_staking, self.node_id, self.deadline);
        let recovered = self
            .signature
            .recover_address_from_prehash(&digest)
            .map_err(|_| VoteError::Malformed)?;
        if recovered != self.signer {
            return Err(VoteError::WrongSigner {
                claimed: self.signer,
                recovered,
            });
        }
        if !active
            .iter()
            .any(|node| node.signer == self.signer && node.node_id != self.node_id)
        {
            return Err(VoteError::NotActive {
                signer: self.signer,
                node_id: self.node_id,
            });
        }
        if now > self.deadline {
            return Err(VoteError::Expired {
                deadline: self.deadline,
                now,
            });
        }
        if self.deadline > now.saturating_add(MAX_DEADLINE_AHEAD_SECS) {
            return Err(VoteError::TooFarAhead {
                deadline: self.deadline,
                now,
            });
        }
        Ok(())
    }

    /// The ERC-2098 compact form `deregister` takes: `r` and `vs` (`s` with the parity
    /// of `v` in its top bit).
    pub(crate) fn compact(&self) -> VoteSignature {
        let bytes = self.signature.as_erc2098();
        VoteSignature {
            r: B256::from_slice(&bytes[..32]),
            vs: B256::from_slice(&bytes[32..]),
        }
    }
}

/// `NodeStaking.requiredVotingStake`: two thirds (rounded up, at least 1) of the stake of
/// the active nodes other than `node_id`.
pub(crate) fn required_stake(active: &[ActiveNode], node_id: u64) -> U256 {
    let others: U256 = active
        .iter()
        .filter(|node| node.node_id != node_id)
        .map(|node| node.stake)
        .fold(U256::ZERO, |sum, stake| sum.saturating_add(stake));
    if others.is_zero() {
        U256::from(1)
    } else {
        (others * U256::from(2)).div_ceil(U256::from(3))
    }
}

/// A set of votes against one node with one deadline, counted as the contract counts them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Count {
    /// The stake of the distinct active nodes (other than the target) that voted.
    pub voting: U256,
    /// The stake needed ([`required_stake`]).
    pub required: U256,
    /// The votes that count, sorted by signer, strictly ascending (as `deregister` takes them).
    pub votes: Vec<Vote>,
}

impl Count {
    /// Whether the votes reach the quorum.
    pub(crate) fn met(&self) -> bool {
        self.voting >= self.required
    }

    /// The votes as `deregister` takes them.
    pub(crate) fn signatures(&self) -> Vec<VoteSignature> {
        self.votes.iter().map(Vote::compact).collect()
    }
}

/// Counts `votes` against `node_id` expiring at `deadline`: votes for another node or
/// deadline, from signers not of an active node other than the target, and repeated
/// signers count nothing. The votes' signatures are checked before ([`Vote::check`]).
pub(crate) fn count(active: &[ActiveNode], node_id: u64, deadline: u64, votes: &[Vote]) -> Count {
    let mut counted: Vec<Vote> = votes
        .iter()
        .filter(|vote| vote.node_id == node_id && vote.deadline == deadline)
        .cloned()
        .collect();
    counted.sort_by_key(|vote| vote.signer);
    counted.dedup_by_key(|vote| vote.signer);
    let mut voting = U256::ZERO;
    counted.retain(|vote| {
        match active
            .iter()
            .find(|node| node.signer == vote.signer && node.node_id != node_id)
        {
            Some(node) => {
                voting = voting.saturating_add(node.stake);
                true
            }
            None => false,
        }
    });
    Count {
        voting,
        required: required_stake(active, node_id),
        votes: counted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::primitives::{address, b256, hex};

    const CHAIN: u64 = 31337;
    const STAKING: Address = address!("0x5FbDB2315678afecb367f032d93F642f64180aa3");
    /// anvil's first dev key.
    const KEY: B256 = b256!("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");

    fn key(i: u8) -> PrivateKeySigner {
        PrivateKeySigner::from_bytes(&B256::repeat_byte(i)).unwrap()
    }

    #[test]
    fn the_digest_and_signature_are_the_contracts() {
        // Computed with Foundry's cast, from the EIP-712 definition and nothing of ours:
        //   DS = keccak(abi.encode(keccak("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
        //        keccak("NodeStaking"), keccak("1"), 31337, 0x5FbD…0aa3))
        //   SH = keccak(abi.encode(keccak("DeregisterNode(uint256 nodeId,uint256 deadline)"), 7, 1700000000))
        //   digest = keccak(0x1901 ‖ DS ‖ SH); signature: cast wallet sign --no-hash
        assert_eq!(
            digest(CHAIN, STAKING, 7, 1_700_000_000),
            b256!("0x83eb9fa31acb7c5be338244ee6b7c4827c7690703ee492947ff45d2bc2d65c2b")
        );
        let signer = PrivateKeySigner::from_bytes(&KEY).unwrap();
        let vote = Vote::sign(&signer, CHAIN, STAKING, 7, 1_700_000_000).unwrap();
        assert_eq!(
            vote.signature.as_bytes().to_vec(),
            hex::decode("06d669062a5937c1fa8c81b8272e53ea11b39aa8c63dc9f317d754e74fc788f86346cb1ec2839c71af5dc9f4ec12932a88a5b5667582c62441b5a08761c4f2721b").unwrap()
        );
        // v = 27: vs is s as it is.
        let compact = vote.compact();
        assert_eq!(compact.r, B256::from(vote.signature.r()));
        assert_eq!(compact.vs, B256::from(vote.signature.s()));
        // Another node, deadline, chain or contract is another digest.
        let base = digest(CHAIN, STAKING, 7, 1_700_000_000);
        assert_ne!(digest(CHAIN, STAKING, 8, 1_700_000_000), base);
        assert_ne!(digest(CHAIN, STAKING, 7, 1_700_000_001), base);
        assert_ne!(digest(1, STAKING, 7, 1_700_000_000), base);
        assert_ne!(digest(CHAIN, Address::ZERO, 7, 1_700_000_000), base);
    }

    #[test]
    fn compact_signatures_carry_the_parity_in_the_top_bit() {
        // Some of these signatures have v = 28: their vs has the top bit set, s does not.
        let mut odd = 0;
        for i in 1..=16 {
            let vote = Vote::sign(&key(i), CHAIN, STAKING, 1, 1_000).unwrap();
            let compact = vote.compact();
            let s: B256 = vote.signature.s().into();
            assert_eq!(compact.vs[1..], s[1..]);
            assert_eq!(compact.vs[0] & 0x7f, s[0]);
            if vote.signature.v() {
                odd += 1;
                assert_eq!(compact.vs[0] & 0x80, 0x80);
            } else {
                assert_eq!(compact.vs, s);
            }
        }
        assert!(odd > 0 && odd < 16, "{odd}");
    }

    fn active(n: u8) -> Vec<ActiveNode> {
        (1..=n)
            .map(|i| ActiveNode {
                node_id: u64::from(i),
                signer: key(i).address(),
                stake: U256::from(25_000u64),
            })
            .collect()
    }

    #[test]
    fn votes_are_checked_as_peers_accept_them() {
        let active = active(6);
        let now = 1_000_000;
        let vote = Vote::sign(&key(2), CHAIN, STAKING, 1, now + 3600).unwrap();
        assert_eq!(vote.check(CHAIN, STAKING, &active, now), Ok(()));
        // Through JSON as peers send it.
        let json = serde_json::to_string(&vote).unwrap();
        let back: Vote = serde_json::from_str(&json).unwrap();
        assert_eq!(back, vote);

        let mut forged = vote.clone();
        forged.signer = key(3).address();
        assert_eq!(
            forged.check(CHAIN, STAKING, &active, now),
            Err(VoteError::WrongSigner {
                claimed: key(3).address(),
                recovered: key(2).address()
            })
        );
        // Moved to another target or deadline, the signature is another signer's.
        let mut moved = vote.clone();
        moved.node_id = 3;
        assert!(matches!(
            moved.check(CHAIN, STAKING, &active, now),
            Err(VoteError::WrongSigner { .. })
        ));
        // Another chain's or contract's vote does not hold here.
        assert!(vote.check(1, STAKING, &active, now).is_err());
        // A target voting for itself, an outsider, a stale vote, one signed too far ahead.
        let own = Vote::sign(&key(1), CHAIN, STAKING, 1, now + 60).unwrap();
        assert!(matches!(
            own.check(CHAIN, STAKING, &active, now),
            Err(VoteError::NotActive { .. })
        ));
        let outsider = Vote::sign(&key(9), CHAIN, STAKING, 1, now + 60).unwrap();
        assert!(matches!(
            outsider.check(CHAIN, STAKING, &active, now),
            Err(VoteError::NotActive { .. })
        ));
        assert_eq!(
            vote.check(CHAIN, STAKING, &active, now + 3601),
            Err(VoteError::Expired {
                deadline: now + 3600,
                now: now + 3601
            })
        );
        let far = Vote::sign(&key(2), CHAIN, STAKING, 1, now + 3 * 3600).unwrap();
        assert!(matches!(
            far.check(CHAIN, STAKING, &active, now),
            Err(VoteError::TooFarAhead { .. })
        ));
    }

    #[test]
    fn the_quorum_is_two_thirds_of_the_other_stake() {
        let active = active(6);
        // 5 others of 25,000: ceil(250,000 / 3) = 83,334, i.e. 4 votes.
        assert_eq!(required_stake(&active, 1), U256::from(83_334u64));
        let deadline = 5_000;
        let votes: Vec<Vote> = (2..=6)
            .map(|i| Vote::sign(&key(i), CHAIN, STAKING, 1, deadline).unwrap())
            .collect();
        assert!(!count(&active, 1, deadline, &votes[..3]).met());
        let four = count(&active, 1, deadline, &votes[..4]);
        assert!(four.met());
        assert_eq!(four.voting, U256::from(100_000u64));
        let signers: Vec<Address> = four.votes.iter().map(|v| v.signer).collect();
        let mut sorted = signers.clone();
        sorted.sort();
        assert_eq!(signers, sorted);
        assert_eq!(four.signatures().len(), 4);

        // An operator voting alone, or many times, or with a departed node's key, or with
        // a vote for another deadline: one node's stake at most.
        let mut alone = vec![votes[0].clone(); 5];
        alone.push(Vote::sign(&key(9), CHAIN, STAKING, 1, deadline).unwrap());
        alone.push(Vote::sign(&key(1), CHAIN, STAKING, 1, deadline).unwrap());
        alone.push(Vote::sign(&key(3), CHAIN, STAKING, 1, deadline + 600).unwrap());
        let count = count(&active, 1, deadline, &alone);
        assert_eq!(count.voting, U256::from(25_000u64));
        assert_eq!(count.votes.len(), 1);
        assert!(!count.met());
    }

    #[test]
    fn a_lone_node_cannot_be_voted_out() {
        let lone = active(1);
        assert_eq!(required_stake(&lone, 1), U256::from(1));
        assert!(!count(&lone, 1, 10, &[]).met());
        // Stakes weigh, not heads: one big node outweighs two small ones.
        let mut unequal = active(4);
        unequal[1].stake = U256::from(100_000u64);
        // Others of node 1: 100,000 + 25,000 + 25,000 = 150,000; two thirds: 100,000.
        assert_eq!(required_stake(&unequal, 1), U256::from(100_000u64));
        let small: Vec<Vote> = [3, 4]
            .iter()
            .map(|i| Vote::sign(&key(*i), CHAIN, STAKING, 1, 10).unwrap())
            .collect();
        assert!(!count(&unequal, 1, 10, &small).met());
        let big = [Vote::sign(&key(2), CHAIN, STAKING, 1, 10).unwrap()];
        assert!(count(&unequal, 1, 10, &big).met());
    }

    #[test]
    fn deadlines_are_shared() {
        let now = 1_000_000_100;
        // Nothing held: an hour ahead, rounded up to a period.
        assert_eq!(choose_deadline([], now), 1_000_003_800);
        assert_eq!(choose_deadline([], 1_000_000_200), 1_000_003_800);
        // A held vote with 20 minutes left is joined; one with 10 minutes is not, nor
        // one too far ahead.
        assert_eq!(choose_deadline([now + 1200], now), now + 1200);
        assert_eq!(choose_deadline([now + 600], now), 1_000_003_800);
        assert_eq!(choose_deadline([now + 3 * 3600], now), 1_000_003_800);
        assert_eq!(choose_deadline([now + 1200, now + 3000], now), now + 3000);
    }
}
