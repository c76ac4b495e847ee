//! The policing routes' wire types that wallets read or send (docs/policing.md):
//! what one node says of every active node's standing as its peer
//! (`GET /v1/police/standings`), and a signed answer reported as false
//! (`POST /v1/evidence`).
//!
//! A standing is one node's opinion, unsigned: a wallet asks several nodes and shows
//! how many agree; only the chain's state (and the votes the contract counts) decide.

use super::{NameAnswer, Signed, decimal};
use alloy::primitives::U256;
use serde::{Deserialize, Serialize};

/// `GET /v1/police/standings`: every active node as this node sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandingsResponse {
    /// Chain time of the node's indexed head (the clock every figure is in).
    pub chain_time: u64,
    /// Chain time of the node's last round of tests (`None`: none yet, e.g. just started
    /// or not serving).
    pub last_round_at: Option<u64>,
    /// Each active node (as the contract counts them), by id.
    pub standings: Vec<PeerStanding>,
}

/// Where one active node stands, in the eyes of the node answering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerStanding {
    /// The node.
    pub node_id: u64,
    /// Its standing.
    pub standing: Standing,
    /// The first failed test of the outage under way (chain time), when failing.
    pub failing_since: Option<u64>,
    /// The downtime credit it has left, seconds (`None`: untested).
    pub credit_secs: Option<u64>,
    /// The answering node's last test of it (`None`: not tested in its last round).
    pub last_test: Option<PeerTest>,
    /// The deregistration votes the answering node holds against it, by deadline.
    pub votes: Vec<VoteTally>,
}

/// A node's standing with one peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Its last test passed.
    Healthy,
    /// Failing since `failing_since`, still within its credit.
    Failing,
    /// Failing for longer than its credit: the peer votes to deregister it.
    OutOfCredit,
    /// Not tested by this peer (the peer itself, or a node activated since its last round).
    Untested,
}

/// The answering node's last test of a peer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerTest {
    /// Chain time of the round.
    pub at: u64,
    /// Whether it passed.
    pub passed: bool,
    /// Why it failed ("no answer: ...", "wrong key", ...).
    pub failure: Option<String>,
}

/// Deregistration votes held against a node with one deadline, counted as the contract
/// counts them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteTally {
    /// Chain time after which these votes are void.
    pub deadline: u64,
    /// How many distinct active signers voted.
    pub voters: u64,
    /// Their nodes' stake, SESH base units.
    #[serde(with = "decimal")]
    pub voting_stake: U256,
    /// The stake a `deregister` needs (two thirds of the other active stake).
    #[serde(with = "decimal")]
    pub required_stake: U256,
    /// Whether the quorum is met (any node holding these votes may submit them).
    pub quorum: bool,
}

/// `POST /v1/evidence`: node `node_id` signed `answer` to a lookup of `name`, and the
/// sender finds it false (e.g. it disagrees with the other nodes asked). The receiver
/// judges it against its own index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameEvidence {
    /// The node accused.
    pub node_id: u64,
    /// The name looked up.
    pub name: String,
    /// What the node answered, with its signature, exactly as `/v1/names/{name}` served it.
    pub answer: Signed<NameAnswer>,
}

/// What `POST /v1/evidence` concluded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceVerdict {
    /// `proven_false`, `agrees` or `undecided`.
    pub verdict: String,
    /// Whether the node signed a vote on it now.
    pub voted: bool,
}
