//! Policing: registry nodes test each other and vote misbehaving nodes out
//! (`NodeStaking.deregister`), as docs/policing.md describes.
//!
//! The decisions are pure and tested here, apart from the network:
//! - [`schedule`]: which peers test which node in a period (rendezvous);
//! - [`credit`]: the downtime ledger (Session's decommission credits) that
//!   says when an offline node has failed for longer than its credit;
//! - [`evidence`]: whether a peer's signed answer is proven false by this
//!   node's own index;
//! - [`vote`]: the contract's EIP-712 vote, signed and checked, and the
//!   stake-weighted tally the contract applies.

// The tester task, the routes and the submission that use these are not built yet
// (docs/policing.md, "Status"); until then only the tests call them.
#![allow(dead_code)]

pub(crate) mod credit;
pub(crate) mod evidence;
pub(crate) mod schedule;
pub(crate) mod vote;
