//! `sesh market accept NAME BIDDER`.

use crate::chain::Chain;
use crate::context::Context;
use crate::format::{Checksummed, SeshAmount, date, secs};
use crate::output::Report;
use crate::parse::parse_address;
use crate::tx::{Mined, Plan, call};
use alloy::primitives::Address;
use clap::Args;
use serde::Serialize;
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
pub(crate) struct AcceptArgs {
    /// Your name.
    pub(crate) name: String,
    /// The bidder whose offer to accept.
    #[arg(value_parser = parse_address)]
    pub(crate) bidder: Address,
}

/// What `sesh market accept` reports.
#[derive(Debug, Serialize)]
pub(crate) struct OfferAccepted {
    /// The name sold.
    pub(crate) name: String,
    pub(crate) token_id: String,
    /// Who bought it.
    pub(crate) bidder: Checksummed,
    /// The offer's amount: the price.
    pub(crate) amount: SeshAmount,
    /// The network fee out of it.
    pub(crate) fee: SeshAmount,
    /// What the seller (this wallet) received.
    pub(crate) proceeds: SeshAmount,
    #[serde(flatten)]
    pub(crate) tx: Mined,
}

impl Report for OfferAccepted {
    fn text(&self) -> String {
        format!(
            "Sold {} to {} for {}; you received {}\n  tx {}",
            self.name, self.bidder, self.amount, self.proceeds, self.tx.hash
        )
    }
}

impl AcceptArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let name = Name::parse(&self.name)?;
        let token_id = name.token_id();
        let bidder = self.bidder;
        let file = ctx.wallet_file()?;
        let me = file.evm_address;
        let chain = Chain::read(ctx).await?;
        let offer = super::offer(&chain, &name, bidder).await?;
        let split = super::split(&chain, Sesh::from_units(offer.amount)).await?;
        let (amount, fee, proceeds) = (
            SeshAmount(Sesh::from_units(offer.amount)),
            SeshAmount(split.fee),
            SeshAmount(split.proceeds),
        );

        ctx.out.info(&format!(
            "{bidder} offers {amount} for {name}: network fee {fee}, you receive {proceeds}."
        ));
        let keys = ctx.unlock(&file)?;
        let chain = chain.signing(&keys).await?;
        if !chain.ensure_market_approved(me, token_id).await? {
            return Ok(());
        }
        let market = chain.market();
        let plan = Plan {
            action: format!("Sell {name} to {bidder} for {amount}"),
            details: vec![
                ("offer".into(), amount.to_string()),
                ("network fee".into(), fee.to_string()),
                ("you receive".into(), proceeds.to_string()),
                ("offer ends".into(), date(secs(offer.endTime))),
            ],
            request: call(
                *market.address(),
                market
                    .acceptOffer(token_id, bidder, offer.amount)
                    .calldata(),
            ),
        };
        let Some(mut tx) = chain.send(me, plan).await? else {
            return Ok(());
        };
        tx.await_indexed(ctx, name.as_str()).await;
        ctx.out.print(&OfferAccepted {
            name: name.to_string(),
            token_id: super::token_id(&name),
            bidder: bidder.into(),
            amount,
            fee,
            proceeds,
            tx,
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
            "market-accept",
            &OfferAccepted {
                name: "alice".into(),
                token_id: super::super::token_id(&Name::parse("alice").unwrap()),
                bidder: golden::account(1),
                amount: Sesh::parse("120").unwrap().into(),
                fee: Sesh::parse("3").unwrap().into(),
                proceeds: Sesh::parse("117").unwrap().into(),
                tx: crate::tx::Mined::sample(),
            },
        );
    }
}
