//! `sesh faucet [AMOUNT]`.

use crate::chain::Chain;
use crate::context::Context;
use crate::format::{Checksummed, SeshAmount, sesh};
use crate::network::Network;
use crate::output::Report;
use crate::parse::parse_amount;
use crate::tx::{self, Mined, Plan};
use alloy::primitives::U256;
use alloy::primitives::utils::parse_ether;
use alloy::providers::Provider;
use clap::Args;
use eyre::{WrapErr, bail};
use serde::Serialize;
use sesh_core::Sesh;

/// Get test SESH on a test network (at most 100,000 per call)
///
/// Only test networks (local, arbitrum-sepolia) have a faucet; SESH on
/// arbitrum-one is real. The wallet pays the gas; on the local chain an
/// account without ETH is first given 100 test ETH (anvil only).
///
/// Examples:
///   sesh faucet
///   sesh faucet 25_000 --yes
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct FaucetArgs {
    /// How much test SESH.
    #[arg(default_value = "1000", value_parser = parse_amount)]
    pub(crate) amount: Sesh,
}

/// What `sesh faucet` reports.
#[derive(Debug, Serialize)]
pub(crate) struct Received {
    /// The wallet's account, which received it.
    pub(crate) to: Checksummed,
    /// How much test SESH.
    pub(crate) amount: SeshAmount,
    #[serde(flatten)]
    pub(crate) tx: Mined,
}

impl Report for Received {
    fn text(&self) -> String {
        format!(
            "Received {} test SESH at {}\n  tx {}",
            self.amount.0, self.to, self.tx.hash
        )
    }
}

impl FaucetArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        if self.amount == Sesh::ZERO {
            bail!("the amount is 0; give how much test SESH to get, like 1000 (nothing was sent)");
        }
        if !ctx.network.is_test() {
            bail!(
                "{} uses real SESH and has no faucet; use --network arbitrum-sepolia or local for test SESH",
                ctx.network
            );
        }
        if !ctx.deployment()?.parameters.test_token {
            bail!("the SESH token of this deployment is not the test token, so it has no faucet");
        }
        let file = ctx.wallet_file()?;
        let chain = Chain::read(ctx).await?;
        if ctx.network == Network::Local {
            let provider = chain.provider();
            let eth = provider
                .get_balance(file.evm_address)
                .await
                .wrap_err("cannot read the ETH balance")?;
            if eth < parse_ether("1").expect("a constant") {
                let topped: U256 = parse_ether("100").expect("a constant");
                provider
                    .raw_request::<_, ()>("anvil_setBalance".into(), (file.evm_address, topped))
                    .await
                    .wrap_err("cannot give test ETH: the local chain is not anvil")?;
                ctx.out.info(&format!(
                    "Gave {} test ETH for gas to {}",
                    crate::format::eth(topped),
                    file.evm_address
                ));
            }
        }
        let keys = ctx.unlock(&file)?;
        let signer = chain.signing(&keys).await?;
        let plan = Plan {
            action: format!("Get {} test SESH from the faucet", self.amount),
            details: vec![("amount".into(), sesh(self.amount))],
            request: tx::call(
                chain.contracts().sesh,
                signer
                    .token()
                    .faucet(file.evm_address, self.amount.units())
                    .calldata(),
            ),
        };
        let Some(mined) = signer.send(file.evm_address, plan).await? else {
            return Ok(());
        };
        ctx.out.print(&Received {
            tx: mined,
            to: file.evm_address.into(),
            amount: self.amount.into(),
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::golden;

    #[test]
    fn json_is_pinned() {
        golden::check(
            "faucet",
            &Received {
                tx: crate::tx::Mined::sample(),
                to: golden::account(0),
                amount: Sesh::parse("1000").unwrap().into(),
            },
        );
    }
}
