//! The registry node: follows the chain, verifies every paid event against its
//! receipt, keeps an index in redb and serves signed lookups over HTTP.
//!
//! - [`config`]: TOML file, environment variables and flags;
//! - [`store`]: the redb index (crash-safe batches, undo log for reorgs);
//! - [`indexer`]: backfill, follow, reorg handling; [`verify`]: payment checks;
//! - [`mailbox`]: message mailboxes (their own redb file), pruning, replay refusal;
//!   [`ratelimit`]: per-address limits on the mailbox routes;
//! - [`app`], [`router`], [`handlers`], [`error`]: the HTTP API;
//! - [`status`], [`metrics`], [`telemetry`], [`shutdown`]: operations;
//! - [`cmd`]: the `init`, `run` and `sign-registration` subcommands.

pub mod app;
pub mod cache;
pub mod cmd;
pub mod config;
pub mod error;
pub mod handlers;
pub mod indexer;
pub mod key;
pub mod mailbox;
pub mod metrics;
pub mod model;
pub mod ratelimit;
pub mod router;
pub mod shutdown;
pub mod status;
pub mod store;
pub mod telemetry;
pub mod verify;

pub use error::NodeError;
