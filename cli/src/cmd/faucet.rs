//! `sesh faucet [AMOUNT]`.

use crate::format::sesh_fixed;
use crate::args::parse_amount;
use crate::context::Context;
use crate::network::Network;
use crate::tx::{self, Plan};
use alloy::network::TransactionBuilder;
use alloy::primitives::U256;
use alloy::primitives::utils::parse_ether;
use alloy::providers::Provider;
use alloy::rpc::types::TransactionRequest;
use alloy::sol_types::SolCall;
use clap::Args;
use eyre::{WrapErr, bail};
use sesh_core::Sesh;
use sesh_core::bindings::test_sesh::TestSESH::faucetCall;

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
pub struct FaucetArgs {
    /// How much test SESH.
    #[arg(default_value = "1000", value_parser = parse_amount)]
    pub amount: Sesh,
}

impl FaucetArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        if self.amount == Sesh::ZERO {
            bail!("the amount is 0; give how much test SESH to get, like 1000 (nothing was sent)");
        }
        if !ctx.network.is_test() {
            bail!(
                "{} uses real SESH and has no faucet; use --network arbitrum-sepolia or local for test SESH",
                ctx.network
            );
        }
        let deployment = ctx.deployment()?;
        if !deployment.parameters.test_token {
            bail!("the SESH token of this deployment is not the test token, so it has no faucet");
        }
        let token = deployment.contracts.sesh;
        let file = ctx.wallet_file()?;
        let provider = ctx.provider().await?;
        if ctx.network == Network::Local {
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
        let provider = ctx.signing_provider(&keys).await?;
        let plan = Plan {
            action: format!("Get {} test SESH from the faucet", self.amount),
            details: vec![("amount".into(), format!("{} SESH", self.amount))],
            request: TransactionRequest::default().with_to(token).with_input(
                faucetCall {
                    to: file.evm_address,
                    amount: self.amount.units(),
                }
                .abi_encode(),
            ),
        };
        let Some(mined) = tx::execute(ctx, &provider, file.evm_address, plan).await? else {
            return Ok(());
        };
        let mut data = mined.json();
        data["to"] = serde_json::json!(file.evm_address.to_checksum(None));
        data["amount"] = serde_json::json!(sesh_fixed(self.amount));
        ctx.out.result(
            &format!(
                "Received {} test SESH at {}\n  tx {}",
                self.amount, file.evm_address, mined.hash
            ),
            data,
        )?;
        Ok(())
    }
}
