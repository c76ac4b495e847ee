//! The subcommands; each file holds one.

mod init;
mod run;
mod sign_registration;

use crate::config::NodeArgs;
use clap::{Parser, Subcommand};

/// Follows the chain, verifies every paid event and serves signed lookups.
#[derive(Debug, Parser)]
#[command(name = "registry-node", version, about, long_about = None)]
pub struct Cli {
    /// Options shared by every subcommand.
    #[command(flatten)]
    pub node: NodeArgs,
    /// What to do (default: run).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Make the node's Ed25519 key and print its public key.
    Init(init::Args),
    /// Run the node: index the chain and serve the HTTP API.
    Run(run::Args),
    /// Print the key and the proof-of-possession signature NodeStaking.createNode needs.
    SignRegistration(sign_registration::Args),
}

impl Cli {
    /// Runs the chosen subcommand.
    pub async fn execute(self) -> eyre::Result<()> {
        match self.command {
            None => run::Args::default().execute(&self.node).await,
            Some(Command::Run(args)) => args.execute(&self.node).await,
            Some(Command::Init(args)) => args.execute(&self.node),
            Some(Command::SignRegistration(args)) => args.execute(&self.node).await,
        }
    }
}
