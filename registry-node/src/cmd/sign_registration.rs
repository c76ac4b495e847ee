//! `registry-node sign-registration`: the proof-of-possession for `createNode`.

use crate::config::{Config, NodeArgs};
use crate::key;
use alloy::primitives::Address;
use eyre::WrapErr;
use sesh_core::bindings::NodeStaking;
use sesh_core::deployment::Deployment;

/// Arguments of `sign-registration`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The operator address that will call createNode.
    #[arg(long, value_name = "ADDR")]
    pub operator: Address,
    /// The signer address the node votes with.
    #[arg(long, value_name = "ADDR")]
    pub signer: Address,
}

impl Args {
    /// Reads `ed25519Message(operator, signer)` from the staking contract, signs it with the
    /// node key and prints `{"ed25519_key": …, "ed25519_signature": …}`.
    pub async fn execute(self, node: &NodeArgs) -> eyre::Result<()> {
        let config = Config::resolve(node)?;
        let deployment = Deployment::load(config.require_deployment()?)?;
        let provider = config.provider()?;
        let staking = NodeStaking::new(deployment.contracts.node_staking, &provider);
        let message = staking
            .ed25519Message(self.operator, self.signer)
            .call()
            .await
            .wrap_err("cannot read ed25519Message from NodeStaking")?;
        let signer = key::load(&config.key_file)?;
        let signature = signer.sign_raw(&message);
        println!(
            "{}",
            serde_json::json!({
                "ed25519_key": format!("0x{}", signer.node_key()),
                "ed25519_signature": format!("0x{}", hex::encode(signature)),
            })
        );
        Ok(())
    }
}
