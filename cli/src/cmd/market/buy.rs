//! `sesh market buy NAME [--price AMOUNT]`.

use crate::chain::Chain;
use crate::context::Context;
use crate::format::{Checksummed, SeshAmount, date, secs};
use crate::output::Report;
use crate::parse::parse_amount;
use crate::tx::{Mined, Plan, call};
use clap::Args;
use eyre::bail;
use serde::Serialize;
use sesh_core::{Name, Sesh, SessionId};

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
pub(crate) struct BuyArgs {
    /// The name to buy.
    pub(crate) name: String,
    /// Buy only at exactly AMOUNT SESH (default: the listing's price now).
    #[arg(long, value_name = "AMOUNT", value_parser = parse_amount)]
    pub(crate) price: Option<Sesh>,
}

/// What `sesh market buy` reports.
#[derive(Debug, Serialize)]
pub(crate) struct Bought {
    pub(crate) name: String,
    pub(crate) token_id: String,
    /// Who sold it.
    pub(crate) seller: Checksummed,
    /// The price paid.
    pub(crate) price: SeshAmount,
    /// The network fee out of the price.
    pub(crate) fee: SeshAmount,
    /// What the seller received.
    pub(crate) seller_proceeds: SeshAmount,
    /// The Session ID the name now resolves to (this wallet's).
    pub(crate) session_id: SessionId,
    #[serde(flatten)]
    pub(crate) tx: Mined,
}

impl Report for Bought {
    fn text(&self) -> String {
        format!(
            "Bought {} for {}; it now resolves to {}\n  tx {}",
            self.name, self.price, self.session_id, self.tx.hash
        )
    }
}

impl BuyArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let name = Name::parse(&self.name)?;
        let token_id = name.token_id();
        let file = ctx.wallet_file()?;
        let me = file.evm_address;
        let chain = Chain::read(ctx).await?;
        let listing = super::listing(&chain, &name).await?;
        if listing.seller == me {
            bail!(
                "{me} is the seller of {name}; remove the listing with `sesh market unlist {name}` instead"
            );
        }
        let now = chain.now().await?;
        let end = secs(listing.endTime);
        if !listing.live && now < end {
            ctx.out.warn(&format!(
                "the listing of {name} is no longer valid (the name changed hands, expired, or the market may no longer move it)"
            ));
        }
        let price = self.price.unwrap_or(Sesh::from_units(listing.price));
        let split = super::split(&chain, price).await?;
        chain.ensure_balance(me, price).await?;

        let keys = ctx.unlock(&file)?;
        let chain = chain.signing(&keys).await?;
        let market = chain.market();
        let permit = chain
            .permit(&keys, *market.address(), price.units())
            .await?;
        let session_id = file.session_id;
        let (price, fee, proceeds) = (
            SeshAmount(price),
            SeshAmount(split.fee),
            SeshAmount(split.proceeds),
        );
        let plan = Plan {
            action: format!("Buy {name} for {price}"),
            details: vec![
                ("price".into(), price.to_string()),
                ("network fee".into(), fee.to_string()),
                (
                    "seller gets".into(),
                    format!("{proceeds} ({})", listing.seller),
                ),
                ("listing ends".into(), date(end)),
                ("record".into(), format!("{session_id}, {me}")),
            ],
            request: call(
                *market.address(),
                market
                    .buy(
                        token_id,
                        price.0.units(),
                        session_id.key(),
                        me,
                        permit.into(),
                    )
                    .calldata(),
            ),
        };
        let Some(mut tx) = chain.send(me, plan).await? else {
            return Ok(());
        };
        tx.await_indexed(ctx, name.as_str()).await;
        ctx.out.print(&Bought {
            name: name.to_string(),
            token_id: super::token_id(&name),
            seller: listing.seller.into(),
            price,
            fee,
            seller_proceeds: proceeds,
            session_id,
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
            "market-buy",
            &Bought {
                name: "alice".into(),
                token_id: super::super::token_id(&Name::parse("alice").unwrap()),
                seller: golden::account(0),
                price: Sesh::parse("200").unwrap().into(),
                fee: Sesh::parse("5").unwrap().into(),
                seller_proceeds: Sesh::parse("195").unwrap().into(),
                session_id: golden::session_id(),
                tx: crate::tx::Mined::sample(),
            },
        );
    }
}
