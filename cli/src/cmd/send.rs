//! `sesh send TO AMOUNT`.

use crate::format::sesh_fixed;
use crate::args::parse_amount;
use crate::context::Context;
use crate::tx::{self, Plan};
use alloy::network::TransactionBuilder;
use alloy::rpc::types::TransactionRequest;
use alloy::sol_types::SolCall;
use clap::Args;
use sesh_core::Sesh;
use sesh_core::bindings::test_sesh::TestSESH::transferCall;

/// Send SESH to an address or a name
///
/// TO is an address (a mixed-case one must pass its EIP-55 checksum), or a
/// name whose record holds an EVM address. SESH is never sent to this
/// deployment's own contracts, and a contract address is sent to only after
/// a confirmation. AMOUNT is
/// exact SESH (up to 9 decimals, "25_000" and "12.5" work). The transfer is
/// simulated first: if it would fail (for instance more than the balance),
/// the reason is shown and nothing is sent.
///
/// Examples:
///   sesh send 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 12.5
///   sesh send alice 100 --yes
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct SendArgs {
    /// The recipient: an address or a name.
    pub to: String,
    /// How much SESH, exactly.
    #[arg(value_parser = parse_amount)]
    pub amount: Sesh,
}

impl SendArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        if self.amount == Sesh::ZERO {
            eyre::bail!("the amount is 0; give how much SESH to send, like 12.5");
        }
        let file = ctx.wallet_file()?;
        let provider = ctx.provider().await?;
        let recipient = crate::recipient::resolve(ctx, &provider, &self.to).await?;
        if !crate::recipient::check(ctx, &provider, &recipient, "SESH").await? {
            return Ok(());
        }
        let (to, name) = (recipient.address, recipient.name.clone());
        let recipient = recipient.describe();
        let token = ctx.deployment()?.contracts.sesh;
        let keys = ctx.unlock(&file)?;
        let provider = ctx.signing_provider(&keys).await?;
        let plan = Plan {
            action: format!("Send {} SESH to {recipient}", self.amount),
            details: vec![("amount".into(), format!("{} SESH", self.amount))],
            request: TransactionRequest::default().with_to(token).with_input(
                transferCall {
                    to,
                    value: self.amount.units(),
                }
                .abi_encode(),
            ),
        };
        let Some(mined) = tx::execute(ctx, &provider, file.evm_address, plan).await? else {
            return Ok(());
        };
        let mut data = mined.json();
        data["to"] = serde_json::json!(to.to_checksum(None));
        data["name"] = serde_json::json!(name);
        data["amount"] = serde_json::json!(sesh_fixed(self.amount));
        ctx.out.result(
            &format!(
                "Sent {} SESH to {recipient}\n  tx {}",
                self.amount, mined.hash
            ),
            data,
        )?;
        Ok(())
    }
}
