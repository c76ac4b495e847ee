//! Network profiles: which chain, which default RPC, which deployment.

use clap::ValueEnum;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A chain `sesh` knows.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, ValueEnum, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Network {
    /// anvil on this machine (chain 31337), as `just up` starts it.
    Local,
    /// Arbitrum Sepolia testnet (chain 421614).
    ArbitrumSepolia,
    /// Arbitrum One (chain 42161): real SESH.
    ArbitrumOne,
}

impl Network {
    /// The chain id.
    pub(crate) const fn chain_id(self) -> u64 {
        match self {
            Self::Local => 31337,
            Self::ArbitrumSepolia => 421_614,
            Self::ArbitrumOne => 42161,
        }
    }

    /// The public RPC used when neither --rpc-url nor the config names one.
    pub(crate) const fn default_rpc_url(self) -> &'static str {
        match self {
            Self::Local => "http://127.0.0.1:8545",
            Self::ArbitrumSepolia => "https://sepolia-rollup.arbitrum.io/rpc",
            Self::ArbitrumOne => "https://arb1.arbitrum.io/rpc",
        }
    }

    /// Whether SESH here is the test token, with a faucet.
    pub(crate) const fn is_test(self) -> bool {
        !matches!(self, Self::ArbitrumOne)
    }

    /// The name used on the command line and in the config.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Self::Local => "local",
            Self::ArbitrumSepolia => "arbitrum-sepolia",
            Self::ArbitrumOne => "arbitrum-one",
        }
    }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Deployment manifests committed under `contracts/deployments/`, embedded at
/// build time by `build.rs` (local chains are never embedded: their manifest
/// changes with every `just up`).
pub(crate) fn embedded_manifest(chain_id: u64) -> Option<&'static str> {
    include!(concat!(env!("OUT_DIR"), "/embedded_deployments.rs"))
        .iter()
        .find(|(id, _)| *id == chain_id)
        .map(|(_, text)| *text)
}
