//! `registry-node`: the daemon a Session Node operator runs beside the node.

use clap::Parser;
use sesh_registry_node::cmd::Cli;
use std::process::ExitCode;

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
