//! `sesh market cancel-offer NAME`.

use super::{call, market, read_error};
use crate::format::sesh_fixed;
use crate::context::Context;
use crate::tx::{self, Plan};
use clap::Args;
use eyre::bail;
use sesh_core::{Name, Sesh};

/// Withdraw your offer on a name; the escrowed SESH comes back
///
/// Works also after the offer ended.
///
/// Examples:
///   sesh market cancel-offer alice
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct CancelOfferArgs {
    /// The name you offered for.
    pub name: String,
}

impl CancelOfferArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let name = Name::parse(&self.name)?;
        let token_id = name.token_id();
        let file = ctx.wallet_file()?;
        let me = file.evm_address;
        let provider = ctx.provider().await?;
        let offer = market(ctx, &provider)?
            .offerOf(token_id, me)
            .call()
            .await
            .map_err(read_error("your offer"))?;
        if offer.amount.is_zero() {
            bail!("{me} has no offer on {name}");
        }
        let amount = Sesh::from_units(offer.amount);
        let keys = ctx.unlock(&file)?;
        let provider = ctx.signing_provider(&keys).await?;
        let market = market(ctx, &provider)?;
        let plan = Plan {
            action: format!("Cancel your offer of {amount} SESH for {name}"),
            details: vec![("refund".into(), format!("{amount} SESH"))],
            request: call(*market.address(), market.cancelOffer(token_id).calldata()),
        };
        let Some(mut mined) = tx::execute(ctx, &provider, me, plan).await? else {
            return Ok(());
        };
        mined.await_indexed(ctx, name.as_str()).await;
        let mut data = mined.json();
        data["name"] = serde_json::json!(name.as_str());
        data["refund"] = serde_json::json!(sesh_fixed(amount));
        ctx.out.result(
            &format!(
                "Cancelled your offer for {name}; {amount} SESH came back\n  tx {}",
                mined.hash
            ),
            data,
        )?;
        Ok(())
    }
}
