//! `registry-node init`: make the node key.

use crate::config::{Config, NodeArgs};
use crate::key;
use eyre::WrapErr;

/// Arguments of `init`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Replace an existing key (the node's identity changes; re-register it on chain).
    #[arg(long)]
    pub force: bool,
}

impl Args {
    /// Makes the key and prints the public key on stdout.
    pub fn execute(self, node: &NodeArgs) -> eyre::Result<()> {
        let config = Config::resolve(node)?;
        let signer =
            key::create(&config.key_file, self.force).wrap_err("cannot make the node key")?;
        eprintln!(
            "node key written to {} (mode 0600)",
            config.key_file.display()
        );
        println!("{}", signer.node_key());
        Ok(())
    }
}
