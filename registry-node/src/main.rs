//! `registry-node`: the daemon a Session Node operator runs beside the node.

use clap::Parser;

/// Follows the chain, verifies every paid event and serves signed lookups.
#[derive(Debug, Parser)]
#[command(name = "registry-node", version, about, long_about = None)]
struct Cli {}

fn main() {
    let _cli = Cli::parse();
    eprintln!("registry-node: the indexer and HTTP API are not built yet (see issue 5)");
    std::process::exit(2);
}
