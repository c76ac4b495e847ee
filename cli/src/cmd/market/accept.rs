//! `sesh market accept NAME BIDDER`.

use super::{call, date, ensure_market_approved, market, read_error, secs};
use crate::args::parse_address;
use crate::format::sesh_fixed;
use crate::context::Context;
use crate::tx::{self, Plan};
use alloy::primitives::Address;
use clap::Args;
use eyre::bail;
use sesh_core::{Name, Sesh};

/// Sell your name to BIDDER for its escrowed offer
///
/// Shows the offer, the network fee and your proceeds, then asks. The market
/// must be allowed to move your names: if it is not yet, `setApprovalForAll`
/// is sent first, with its own confirmation. The name goes to the bidder
/// with the record it gave with its offer; any listing of the name ends.
///
/// Examples:
///   sesh market offers alice
///   sesh market accept alice 0x70997970C51812dc3A010C7d01b50e0d17dc79C8
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct AcceptArgs {
    /// Your name.
    pub name: String,
    /// The bidder whose offer to accept.
    #[arg(value_parser = parse_address)]
    pub bidder: Address,
}

impl AcceptArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let name = Name::parse(&self.name)?;
        let token_id = name.token_id();
        let file = ctx.wallet_file()?;
        let me = file.evm_address;
        let provider = ctx.provider().await?;
        let offer = market(ctx, &provider)?
            .offerOf(token_id, self.bidder)
            .call()
            .await
            .map_err(read_error("the offer"))?;
        if offer.amount.is_zero() {
            bail!(
                "{} has no offer on {name}; see the offers with `sesh market offers {name}`",
                self.bidder
            );
        }
        let amount = Sesh::from_units(offer.amount);
        let fee = market(ctx, &provider)?
            .feeOf(offer.amount)
            .call()
            .await
            .map_err(read_error("the market fee"))?;
        let fee_sesh = Sesh::from_units(fee.fee);
        let proceeds = Sesh::from_units(fee.proceeds);

        ctx.out.info(&format!(
            "{} offers {amount} SESH for {name}: network fee {fee_sesh} SESH, you receive {proceeds} SESH.",
            self.bidder
        ));
        let keys = ctx.unlock(&file)?;
        let provider = ctx.signing_provider(&keys).await?;
        if !ensure_market_approved(ctx, &provider, me, token_id).await? {
            return Ok(());
        }
        let market = market(ctx, &provider)?;
        let plan = Plan {
            action: format!("Sell {name} to {} for {amount} SESH", self.bidder),
            details: vec![
                ("offer".into(), format!("{amount} SESH")),
                ("network fee".into(), format!("{fee_sesh} SESH")),
                ("you receive".into(), format!("{proceeds} SESH")),
                ("offer ends".into(), date(secs(offer.endTime))),
            ],
            request: call(
                *market.address(),
                market
                    .acceptOffer(token_id, self.bidder, offer.amount)
                    .calldata(),
            ),
        };
        let Some(mut mined) = tx::execute(ctx, &provider, me, plan).await? else {
            return Ok(());
        };
        mined.await_indexed(ctx, name.as_str()).await;
        let mut data = mined.json();
        data["name"] = serde_json::json!(name.as_str());
        data["bidder"] = serde_json::json!(self.bidder.to_checksum(None));
        data["amount"] = serde_json::json!(sesh_fixed(amount));
        data["fee"] = serde_json::json!(sesh_fixed(fee_sesh));
        data["proceeds"] = serde_json::json!(sesh_fixed(proceeds));
        ctx.out.result(
            &format!(
                "Sold {name} to {} for {amount} SESH; you received {proceeds} SESH\n  tx {}",
                self.bidder, mined.hash
            ),
            data,
        )?;
        Ok(())
    }
}
