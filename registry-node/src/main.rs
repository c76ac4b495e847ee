//! `registry-node`: the daemon a Session Node operator runs beside the node.

use clap::Parser;
use sesh_registry_node::cmd::Cli;
use std::process::ExitCode;

// Lookups allocate a few small buffers each (path, body, headers) on every core at once;
// mimalloc's per-thread heaps serve them faster than glibc's arenas (see docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    sesh_registry_node::telemetry::init();
    match cli.execute().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("registry-node: {error:#}");
            ExitCode::FAILURE
        }
    }
}
