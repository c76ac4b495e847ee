//! The deployment manifest, `contracts/deployments/<chainId>.json`, written by
//! the deploy script and read by the wallet and the registry node.

use alloy::primitives::{Address, U256};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Where the contracts of one chain live and how they were configured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    /// The chain id (31337 anvil, 421614 Arbitrum Sepolia, 42161 Arbitrum One).
    pub chain_id: u64,
    /// A block at or before the first deployment transaction: indexers start here.
    pub deploy_block: u64,
    /// Contract addresses.
    pub contracts: Contracts,
    /// Deployment parameters, as set at deployment time.
    pub parameters: Parameters,
}

/// Contract addresses of one deployment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Contracts {
    /// The SESH token (TestSESH on local and test chains).
    pub sesh: Address,
    /// Where every fee goes.
    pub rewards_pool: Address,
    /// Usernames (ERC-721).
    pub name_registry: Address,
    /// Listings and offers.
    pub name_market: Address,
    /// Session Pro periods.
    pub premium: Address,
    /// Session Node staking and reward distribution.
    pub node_staking: Address,
}

/// Parameters chosen at deployment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Parameters {
    /// Seconds a commitment must wait before it can be revealed (0: one-transaction registration).
    pub min_commitment_age: u64,
    /// Seconds after which a commitment is stale.
    pub max_commitment_age: u64,
    /// Stake a new node needs, in SESH units.
    pub staking_requirement: U256,
    /// Whether the SESH token is the test token (it has a faucet).
    pub test_token: bool,
}

/// Why a manifest could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DeploymentError {
    /// The file could not be read.
    #[error("cannot read deployment manifest {path}: {source}")]
    Read {
        /// The manifest path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a valid manifest.
    #[error("deployment manifest {path} is malformed: {source}")]
    Parse {
        /// The manifest path.
        path: String,
        /// The JSON error.
        source: serde_json::Error,
    },
}

impl Deployment {
    /// Reads a manifest file.
    pub fn load(path: &Path) -> Result<Self, DeploymentError> {
        let text = std::fs::read_to_string(path).map_err(|source| DeploymentError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_json(&text).map_err(|source| DeploymentError::Parse {
            path: path.display().to_string(),
            source,
        })
    }

    /// Parses a manifest from JSON text.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_the_deploy_script_writes() {
        let text = r#"{
          "chainId": 31337,
          "deployBlock": 3,
          "contracts": {
            "sesh": "0x5FbDB2315678afecb367f032d93F642f64180aa3",
            "rewardsPool": "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
            "nameRegistry": "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
            "nameMarket": "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9",
            "premium": "0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9",
            "nodeStaking": "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707"
          },
          "parameters": {
            "minCommitmentAge": 60,
            "maxCommitmentAge": 86400,
            "stakingRequirement": "100000000000",
            "testToken": true
          }
        }"#;
        let deployment = Deployment::from_json(text).unwrap();
        assert_eq!(deployment.chain_id, 31337);
        assert_eq!(
            deployment.parameters.staking_requirement,
            U256::from(100_000_000_000u64)
        );
        assert!(Deployment::from_json("{}").is_err());
    }
}
