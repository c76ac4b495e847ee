//! Policing: registry nodes test each other and vote misbehaving nodes out
//! (`NodeStaking.deregister`), as docs/policing.md describes.
//!
//! The decisions are pure and tested apart from the network:
//! - [`schedule`]: periods of chain time, and which peers run the deeper tests on
//!   which node in a period (rendezvous);
//! - [`credit`]: the downtime ledger (Session's decommission credits) that says
//!   when an offline node has failed for longer than its credit;
//! - [`evidence`]: whether a peer's signed answer is proven false by this node's
//!   own index;
//! - [`storage`]: which message each swarm peer is asked for in a storage test, and
//!   what its answer is worth;
//! - [`vote`]: the contract's EIP-712 vote, signed and checked, and the
//!   stake-weighted tally the contract applies.
//!
//! Around them: [`state`] (what the node holds between rounds, the report) and
//! [`keyfile`] (the voting and operator keys). The rounds (test, vote, share, submit) and
//! the routes (`POST /v1/votes`, `GET /v1/police`) use the app state, which holds this
//! module's, so they live apart, in `crate::policing`.

pub(crate) mod credit;
pub(crate) mod evidence;
pub(crate) mod keyfile;
pub(crate) mod schedule;
pub(crate) mod state;
pub(crate) mod storage;
pub(crate) mod vote;

pub(crate) use state::{Police, Submitter};
