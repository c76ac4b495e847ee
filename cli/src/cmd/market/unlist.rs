//! `sesh market unlist NAME`.

use super::{call, market, read_error};
use crate::context::Context;
use crate::tx::{self, Plan};
use clap::Args;
use eyre::bail;
use sesh_core::Name;

/// Remove your listing of a name
///
/// Only the seller can remove a live listing; a dead one (the name changed
/// hands) can be removed by anyone.
///
/// Examples:
///   sesh market unlist alice
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct UnlistArgs {
    /// The listed name.
    pub name: String,
}

impl UnlistArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let name = Name::parse(&self.name)?;
        let token_id = name.token_id();
        let file = ctx.wallet_file()?;
        let provider = ctx.provider().await?;
        let listing = market(ctx, &provider)?
            .listingOf(token_id)
            .call()
            .await
            .map_err(read_error("the listing"))?;
        if listing.seller.is_zero() {
            bail!("{name} is not listed");
        }
        let keys = ctx.unlock(&file)?;
        let provider = ctx.signing_provider(&keys).await?;
        let market = market(ctx, &provider)?;
        let plan = Plan {
            action: format!("Remove the listing of {name}"),
            details: vec![("seller".into(), listing.seller.to_string())],
            request: call(*market.address(), market.unlist(token_id).calldata()),
        };
        let Some(mut mined) = tx::execute(ctx, &provider, file.evm_address, plan).await? else {
            return Ok(());
        };
        mined.await_indexed(ctx, name.as_str()).await;
        let mut data = mined.json();
        data["name"] = serde_json::json!(name.as_str());
        ctx.out.result(
            &format!("Removed the listing of {name}\n  tx {}", mined.hash),
            data,
        )?;
        Ok(())
    }
}
