//! `sesh market buy NAME [--price AMOUNT]`.

use super::{call, chain_now, date, market, market_permit, read_error, secs};
use crate::format::sesh_fixed;
use crate::args::parse_amount;
use crate::cmd::stake::require_balance;
use crate::context::Context;
use crate::tx::{self, Plan};
use clap::Args;
use eyre::bail;
use sesh_core::{Name, Sesh};

/// Buy a listed name at its price
///
/// Shows the price, the network fee and what the seller receives, then asks.
/// Pays by permit (no separate approval), and sets the name's record to this
/// wallet's Session ID and EVM address in the same transaction, so the name
/// resolves to you at once. With --price the purchase goes through only at
/// exactly that price (the contract refuses when the seller changed it).
/// Expired or dead listings are refused in words and nothing is sent.
///
/// Examples:
///   sesh market buy alice
///   sesh market buy alice --price 500 --yes
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct BuyArgs {
    /// The name to buy.
    pub name: String,
    /// Buy only at exactly AMOUNT SESH (default: the listing's price now).
    #[arg(long, value_name = "AMOUNT", value_parser = parse_amount)]
    pub price: Option<Sesh>,
}

impl BuyArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let name = Name::parse(&self.name)?;
        let token_id = name.token_id();
        let file = ctx.wallet_file()?;
        let me = file.evm_address;
        let provider = ctx.provider().await?;
        let listing = market(ctx, &provider)?
            .listingOf(token_id)
            .call()
            .await
            .map_err(read_error("the listing"))?;
        if listing.seller.is_zero() {
            bail!("{name} is not listed for sale");
        }
        if listing.seller == me {
            bail!(
                "{me} is the seller of {name}; remove the listing with `sesh market unlist {name}` instead"
            );
        }
        let now = chain_now(&provider).await?;
        let end = secs(listing.endTime);
        if !listing.live && now < end {
            ctx.out.warn(&format!(
                "the listing of {name} is no longer valid (the name changed hands, expired, or the market may no longer move it)"
            ));
        }
        let price = self.price.unwrap_or(Sesh::from_units(listing.price));
        let fee = market(ctx, &provider)?
            .feeOf(price.units())
            .call()
            .await
            .map_err(read_error("the market fee"))?;
        let fee_sesh = Sesh::from_units(fee.fee);
        let proceeds = Sesh::from_units(fee.proceeds);
        require_balance(ctx, &provider, me, price).await?;

        let keys = ctx.unlock(&file)?;
        let provider = ctx.signing_provider(&keys).await?;
        let market = market(ctx, &provider)?;
        let permit = market_permit(ctx, &provider, &keys, price.units()).await?;
        let session_id = file.session_id;
        let plan = Plan {
            action: format!("Buy {name} for {price} SESH"),
            details: vec![
                ("price".into(), format!("{price} SESH")),
                ("network fee".into(), format!("{fee_sesh} SESH")),
                (
                    "seller gets".into(),
                    format!("{} SESH ({})", proceeds, listing.seller),
                ),
                ("listing ends".into(), date(end)),
                ("record".into(), format!("{session_id}, {me}")),
            ],
            request: call(
                *market.address(),
                market
                    .buy(token_id, price.units(), session_id.key(), me, permit)
                    .calldata(),
            ),
        };
        let Some(mut mined) = tx::execute(ctx, &provider, me, plan).await? else {
            return Ok(());
        };
        mined.await_indexed(ctx, name.as_str()).await;
        let mut data = mined.json();
        data["name"] = serde_json::json!(name.as_str());
        data["token_id"] = serde_json::json!(format!("{token_id:#x}"));
        data["seller"] = serde_json::json!(listing.seller.to_checksum(None));
        data["price"] = serde_json::json!(sesh_fixed(price));
        data["fee"] = serde_json::json!(sesh_fixed(fee_sesh));
        data["seller_proceeds"] = serde_json::json!(sesh_fixed(proceeds));
        data["session_id"] = serde_json::json!(session_id.to_string());
        ctx.out.result(
            &format!(
                "Bought {name} for {price} SESH; it now resolves to {session_id}\n  tx {}",
                mined.hash
            ),
            data,
        )?;
        Ok(())
    }
}
