//! `registry-node`: the daemon a Session Node operator runs beside the node.

use clap::Parser;
use sesh_registry_node::{Cli, describe};
use std::process::ExitCode;
use std::time::Duration;

/// mimalloc rather than the system's malloc: less CPU a request (see docs/benchmarks.md,
/// "Messages").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How long the last log lines may take to reach stderr before the process exits.
const LOG_FLUSH_TIMEOUT: Duration = Duration::from_secs(2);

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let logs = sesh_registry_node::init_logs();
    let code = match cli.execute().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // Through the log queue too: a closed or stuck stderr must not turn a clean
            // error into a panic or a hang.
            logs.push(format!("registry-node: {}\n", describe(&error)).into_bytes());
            ExitCode::FAILURE
        }
    };
    logs.flush(LOG_FLUSH_TIMEOUT);
    code
}
