//! `sesh market list NAME PRICE [--days N]`.

use super::{DAY, call, chain_now, date, ensure_market_approved, market, read_error, secs};
use crate::format::sesh_fixed;
use crate::args::parse_amount;
use crate::context::Context;
use crate::tx::{self, Plan};
use alloy::primitives::U256;
use clap::Args;
use eyre::bail;
use sesh_core::bindings::NameRegistry;
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
pub struct ListArgs {
    /// The name to sell.
    pub name: String,
    /// The price in SESH, exactly.
    #[arg(value_parser = parse_amount)]
    pub price: Sesh,
    /// End the listing after DAYS days.
    #[arg(long, value_name = "DAYS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3650))]
    pub days: u64,
}

impl ListArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let name = Name::parse(&self.name)?;
        if self.price == Sesh::ZERO {
            bail!("the price is 0; give a price in SESH, like 500");
        }
        let token_id = name.token_id();
        let file = ctx.wallet_file()?;
        let me = file.evm_address;
        let provider = ctx.provider().await?;
        let deployment = ctx.deployment()?;
        let registry = NameRegistry::new(deployment.contracts.name_registry, &provider);
        let now = chain_now(&provider).await?;
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
        let market = market(ctx, &provider)?;
        let fee = market
            .feeOf(self.price.units())
            .call()
            .await
            .map_err(read_error("the market fee"))?;

        ctx.out.info(&format!(
            "Listing {name} for {} SESH: network fee {} SESH, you receive {} SESH.",
            self.price,
            Sesh::from_units(fee.fee),
            Sesh::from_units(fee.proceeds)
        ));
        let keys = ctx.unlock(&file)?;
        let provider = ctx.signing_provider(&keys).await?;
        if !ensure_market_approved(ctx, &provider, me, token_id).await? {
            return Ok(());
        }
        let plan = Plan {
            action: format!("List {name} for {} SESH", self.price),
            details: vec![
                ("price".into(), format!("{} SESH", self.price)),
                (
                    "network fee".into(),
                    format!("{} SESH", Sesh::from_units(fee.fee)),
                ),
                (
                    "you receive".into(),
                    format!("{} SESH", Sesh::from_units(fee.proceeds)),
                ),
                ("ends".into(), date(end)),
            ],
            request: call(
                *market.address(),
                market
                    .list(token_id, self.price.units(), U256::from(end))
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
        data["price"] = serde_json::json!(sesh_fixed(self.price));
        data["fee"] = serde_json::json!(sesh_fixed(Sesh::from_units(fee.fee)));
        data["proceeds"] = serde_json::json!(sesh_fixed(Sesh::from_units(fee.proceeds)));
        data["end_time"] = serde_json::json!(end);
        data["ends"] = serde_json::json!(date(end));
        ctx.out.result(
            &format!(
                "Listed {name} for {} SESH until {}\n  tx {}",
                self.price,
                date(end),
                mined.hash
            ),
            data,
        )?;
        Ok(())
    }
}
