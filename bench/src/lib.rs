//! Benchmarks of the Session name system (`just bench`); the results and the method are in
//! `docs/benchmarks.md`.
//!
//! Three binaries: `sesh-bench` (runs everything and writes the report), `sesh-load` (the load
//! generator, always a process of its own) and `sesh-bare-server` (the HTTP ceiling).
//!
//! - [`names`]: the benchmark's names, as the helper contract registers them;
//! - [`http1`], [`workload`], [`load`], [`stats`]: the load generator;
//! - [`bare`]: the bare axum server;
//! - [`process`], [`chain`], [`populate`], [`node`]: anvil, the contracts, registry nodes;
//! - [`phases`]: gas, the benchmark network, indexing, lookups, the CLI, messages;
//! - [`run`], [`results`], [`report`], [`machine`]: the run and its report.

pub mod bare;
pub mod chain;
pub mod http1;
pub mod load;
pub mod machine;
pub mod names;
pub mod node;
pub mod phases;
pub mod populate;
pub mod process;
pub mod report;
pub mod results;
pub mod run;
pub mod stats;
pub mod workload;
