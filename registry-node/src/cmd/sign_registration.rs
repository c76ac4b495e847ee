//! `registry-node sign-registration`: the proof-of-possession for `createNode`.

use crate::config::{Config, ConfigError, NodeArgs};
use crate::key;
use alloy::primitives::Address;
use eyre::WrapErr;
use sesh_core::bindings::NodeStaking;
use sesh_core::deployment::Deployment;

/// Arguments of `sign-registration`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The operator: the wallet address that will run `sesh stake create-node`.
    #[arg(long, value_name = "ADDR")]
    pub operator: Address,
    /// The EVM address the node votes with (signs deregistration votes); not the signer of
    /// another open or active node. Pass the same address to `sesh stake create-node --signer`.
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
        // The bytes every registry node and wallet check the proof against
        // (`sesh_core::key_proof`); the contract's copy must be the same, or the chain
        // is not the manifest's.
        let expected = sesh_core::key_proof::message(
            deployment.chain_id,
            deployment.contracts.node_staking,
            self.operator,
            self.signer,
        );
        if message.as_ref() != expected.as_slice() {
            return Err(ConfigError::StakingMismatch {
                node_staking: deployment.contracts.node_staking,
                chain_id: deployment.chain_id,
            }
            .into());
        }
        let signer = key::load(&config.key_file)?;
        let signature = signer.sign_raw(&expected);
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
