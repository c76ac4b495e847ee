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
//! - [`vote`]: the contract's EIP-712 vote, signed and checked, and the
//!   stake-weighted tally the contract applies.
//!
//! Around them: [`state`] (what the node holds between rounds, the report),
//! [`task`] (the rounds: test, vote, share, submit), [`routes`] (`POST /v1/votes`,
//! `GET /v1/police`) and [`keyfile`] (the voting and operator keys).

pub(crate) mod credit;
pub(crate) mod evidence;
pub(crate) mod keyfile;
pub(crate) mod routes;
pub(crate) mod schedule;
pub(crate) mod state;
pub(crate) mod task;
pub(crate) mod vote;

pub(crate) use state::{Police, Submitter};
pub(crate) use task::police_forever;
