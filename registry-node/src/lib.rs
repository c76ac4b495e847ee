//! The registry node: follows the chain, verifies every paid event against its
//! receipt, keeps an index in redb and serves signed lookups over HTTP.
//!
//! - `config`: TOML file, environment variables and flags;
//! - `store`: the redb index (crash-safe batches, undo log for reorgs);
//! - `indexer`: backfill, follow, reorg handling; `verify`: payment checks;
//! - `mailbox`: message mailboxes (their own redb file), pruning, replay refusal;
//!   `ratelimit`: per-address limits on the mailbox routes;
//! - `app`, `router`, `handlers` (with the HTTP error policy, `handlers/error.rs`): the HTTP
//!   API; `error`: why the node cannot start or keep running;
//! - `status`, `metrics`, `telemetry`, `shutdown`: operations;
//! - `cmd`: the `init`, `run` and `sign-registration` subcommands.

mod app;
mod cache;
mod cmd;
mod config;
mod error;
mod former_swarms;
mod handlers;
mod handover;
mod indexer;
mod key;
mod mailbox;
mod metrics;
mod missed_writes;
mod model;
mod peer_request;
mod police;
mod policing;
mod ratelimit;
mod router;
mod shutdown;
mod status;
mod store;
mod telemetry;
mod verify;

pub use cmd::Cli;
pub use error::describe;
pub use telemetry::{LogQueue, init as init_logs};
