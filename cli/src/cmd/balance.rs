//! `sesh balance [ACCOUNT]`.

use crate::chain::Chain;
use crate::context::Context;
use crate::format::{Checksummed, EthAmount, SeshAmount};
use crate::network::Network;
use crate::output::Report;
use alloy::providers::Provider;
use clap::Args;
use eyre::WrapErr;
use serde::Serialize;
#[cfg(test)]
use sesh_core::Sesh;

/// Show the SESH and ETH balance of an account
///
/// SESH is shown exactly (to the last of its 9 decimals, without trailing
/// zeros, as every amount in text; --json gives all 9); ETH pays for gas. ACCOUNT is
/// an address or a name with an EVM address record; without it, the
/// wallet's own account (no password needed).
///
/// Examples:
///   sesh balance
///   sesh balance 0x70997970C51812dc3A010C7d01b50e0d17dc79C8
///   sesh --network arbitrum-sepolia balance alice --json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct BalanceArgs {
    /// The address or name to look at (default: the wallet's account).
    #[arg(value_name = "ACCOUNT")]
    pub(crate) account: Option<String>,
}

/// What `sesh balance` reports.
#[derive(Debug, Serialize)]
pub(crate) struct Balance {
    pub(crate) address: Checksummed,
    /// The name it was given as, if any.
    pub(crate) name: Option<String>,
    /// The network.
    pub(crate) network: Network,
    /// Its SESH.
    pub(crate) sesh: SeshAmount,
    /// Its SESH in base units (10^-9 SESH), as a decimal string.
    pub(crate) sesh_units: String,
    /// Its ETH.
    pub(crate) eth: EthAmount,
    /// Its ETH in wei, as a decimal string.
    pub(crate) eth_wei: String,
}

impl Report for Balance {
    fn text(&self) -> String {
        let who = match &self.name {
            Some(name) => format!("{name} ({})", self.address),
            None => self.address.to_string(),
        };
        format!(
            "{who} on {}\n  SESH  {}\n  ETH   {}",
            self.network,
            self.sesh.0,
            crate::format::eth(self.eth.0)
        )
    }
}

impl BalanceArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let chain = Chain::read(ctx).await?;
        let (address, name) = match &self.account {
            Some(target) => {
                let recipient = crate::recipient::resolve(ctx, chain.provider(), target).await?;
                (recipient.address, recipient.name)
            }
            None => (ctx.wallet_file()?.evm_address, None),
        };
        let sesh = chain.sesh_balance(address).await?;
        let eth = chain
            .provider()
            .get_balance(address)
            .await
            .wrap_err("cannot read the ETH balance")?;
        ctx.out.print(&Balance {
            address: address.into(),
            name,
            network: ctx.network,
            sesh: sesh.into(),
            sesh_units: sesh.units().to_string(),
            eth: EthAmount(eth),
            eth_wei: eth.to_string(),
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_pinned() {
        crate::output::golden::check(
            "balance",
            &Balance {
                address: crate::output::golden::account(1),
                name: Some("alice".into()),
                network: Network::Local,
                sesh: Sesh::parse("1234.5").unwrap().into(),
                sesh_units: "1234500000000".into(),
                eth: EthAmount(alloy::primitives::U256::from(10u64.pow(18))),
                eth_wei: "1000000000000000000".into(),
            },
        );
    }
}
