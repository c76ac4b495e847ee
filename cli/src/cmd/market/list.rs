//! `sesh market list NAME PRICE [--days N]`.

use crate::chain::{Chain, read_error};
use crate::context::Context;
use crate::format::{SeshAmount, Timestamp, date, secs};
use crate::output::Report;
use crate::parse::parse_amount;
use crate::tx::{Mined, Plan, call};
use alloy::primitives::U256;
use clap::Args;
use eyre::bail;
use serde::Serialize;
use sesh_core::protocol::DAY;
use sesh_core::{Name, Sesh};

/// List a name you own for sale at a fixed PRICE in SESH
///
/// The name stays yours until someone buys it. The market must be allowed to
/// move your names: if it is not yet, `setApprovalForAll` is sent first, with
/// its own confirmation. The listing ends after --days days (default 30), or
/// when the name expires if that is sooner; it dies for good if the name
/// changes hands. Listing again replaces the earlier listing. Each sale pays
/// the network fee (2.5% by default) to the rewards pool.
///
/// Examples:
///   sesh market list alice 500
///   sesh market list alice 1_250.5 --days 7 --yes
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct ListArgs {
    /// The name to sell.
    pub(crate) name: String,
    /// The price in SESH, exactly.
    #[arg(value_parser = parse_amount)]
    pub(crate) price: Sesh,
    /// End the listing after DAYS days.
    #[arg(long, value_name = "DAYS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3650))]
    pub(crate) days: u64,
}

/// What `sesh market list` reports.
#[derive(Debug, Serialize)]
pub(crate) struct Listed {
    pub(crate) name: String,
    pub(crate) token_id: String,
    pub(crate) price: SeshAmount,
    /// The network fee a sale at that price pays.
    pub(crate) fee: SeshAmount,
    /// What the seller receives from such a sale.
    pub(crate) proceeds: SeshAmount,
    /// When the listing ends.
    pub(crate) expiry: Timestamp,
    #[serde(flatten)]
    pub(crate) tx: Mined,
}

impl Report for Listed {
    fn text(&self) -> String {
        format!(
            "Listed {} for {} until {}\n  tx {}",
            self.name, self.price, self.expiry, self.tx.hash
        )
    }
}

impl ListArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let name = Name::parse(&self.name)?;
        if self.price == Sesh::ZERO {
            bail!("the price is 0; give a price in SESH, like 500");
        }
        let token_id = name.token_id();
        let file = ctx.wallet_file()?;
        let me = file.evm_address;
        let chain = Chain::read(ctx).await?;
        let registry = chain.registry();
        let now = chain.now().await?;
        let expiry = secs(
            registry
                .expiryOf(token_id)
                .call()
                .await
                .map_err(read_error("the name's expiry"))?,
        );
        if expiry <= now {
            bail!("the name {name} is not registered or has expired, so it cannot be listed");
        }
        let owner = registry
            .ownerOf(token_id)
            .call()
            .await
            .map_err(read_error("the name's owner"))?;
        if owner != me {
            bail!("{me} does not own {name}; {owner} does");
        }
        let mut end = now + self.days * DAY;
        if end > expiry {
            end = expiry;
            ctx.out.warn(&format!(
                "{name} expires at {}, so the listing ends then",
                date(expiry)
            ));
        }
        let split = super::split(&chain, self.price).await?;
        let (price, fee, proceeds) = (
            SeshAmount(self.price),
            SeshAmount(split.fee),
            SeshAmount(split.proceeds),
        );

        ctx.out.info(&format!(
            "Listing {name} for {price}: network fee {fee}, you receive {proceeds}."
        ));
        let keys = ctx.unlock(&file)?;
        let chain = chain.signing(&keys).await?;
        if !chain.ensure_market_approved(me, token_id).await? {
            return Ok(());
        }
        let market = chain.market();
        let plan = Plan {
            action: format!("List {name} for {price}"),
            details: vec![
                ("price".into(), price.to_string()),
                ("network fee".into(), fee.to_string()),
                ("you receive".into(), proceeds.to_string()),
                ("ends".into(), date(end)),
            ],
            request: call(
                *market.address(),
                market
                    .list(token_id, self.price.units(), U256::from(end))
                    .calldata(),
            ),
        };
        let Some(mut tx) = chain.send(me, plan).await? else {
            return Ok(());
        };
        tx.await_indexed(ctx, name.as_str()).await;
        ctx.out.print(&Listed {
            name: name.to_string(),
            token_id: super::token_id(&name),
            price,
            fee,
            proceeds,
            expiry: Timestamp(end),
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
            "market-list",
            &Listed {
                name: "alice".into(),
                token_id: super::super::token_id(&Name::parse("alice").unwrap()),
                price: Sesh::parse("200").unwrap().into(),
                fee: Sesh::parse("5").unwrap().into(),
                proceeds: Sesh::parse("195").unwrap().into(),
                expiry: Timestamp(1_796_000_000),
                tx: crate::tx::Mined::sample(),
            },
        );
    }
}
