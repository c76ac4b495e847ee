//! `sesh market offer NAME AMOUNT [--days N]`.

use crate::chain::{Chain, read_error};
use crate::context::Context;
use crate::format::{SeshAmount, Timestamp, date};
use crate::output::Report;
use crate::parse::parse_amount;
use crate::tx::{Mined, Plan, call};
use alloy::primitives::U256;
use clap::Args;
use eyre::bail;
use serde::Serialize;
use sesh_core::protocol::DAY;
use sesh_core::{Name, Sesh};

/// Offer AMOUNT SESH for a name, held in escrow until it ends
///
/// The SESH moves into the market now (by permit, no separate approval) and
/// comes back with `sesh market cancel-offer`. If the owner accepts, the name
/// comes to this wallet with its record set to this wallet's Session ID and
/// EVM address. A new offer on the same name replaces the earlier one. The
/// offer can be accepted for --days days (default 7).
///
/// Examples:
///   sesh market offer alice 250
///   sesh market offer alice 300 --days 30 --yes
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct OfferArgs {
    /// The name you want.
    pub(crate) name: String,
    /// How much SESH to offer, exactly.
    #[arg(value_parser = parse_amount)]
    pub(crate) amount: Sesh,
    /// Let the offer be accepted for DAYS days.
    #[arg(long, value_name = "DAYS", default_value_t = 7, value_parser = clap::value_parser!(u64).range(1..=3650))]
    pub(crate) days: u64,
}

/// What `sesh market offer` reports.
#[derive(Debug, Serialize)]
pub(crate) struct OfferMade {
    pub(crate) name: String,
    pub(crate) token_id: String,
    /// The SESH offered, now in escrow.
    pub(crate) amount: SeshAmount,
    /// Until when the offer can be accepted.
    pub(crate) expiry: Timestamp,
    #[serde(flatten)]
    pub(crate) tx: Mined,
}

impl Report for OfferMade {
    fn text(&self) -> String {
        format!(
            "Offered {} for {} until {} (escrowed)\n  tx {}",
            self.amount, self.name, self.expiry, self.tx.hash
        )
    }
}

impl OfferArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let name = Name::parse(&self.name)?;
        if self.amount == Sesh::ZERO {
            bail!("the amount is 0; give how much SESH to offer, like 250");
        }
        let token_id = name.token_id();
        let file = ctx.wallet_file()?;
        let me = file.evm_address;
        let chain = Chain::read(ctx).await?;
        let end = chain.now().await? + self.days * DAY;
        let previous = Sesh::from_units(
            chain
                .market()
                .offerOf(token_id, me)
                .call()
                .await
                .map_err(read_error("your current offer"))?
                .amount,
        );
        let topup = self.amount.checked_sub(previous).unwrap_or(Sesh::ZERO);
        chain.ensure_balance(me, topup).await?;

        let keys = ctx.unlock(&file)?;
        let chain = chain.signing(&keys).await?;
        let market = chain.market();
        let permit = chain
            .permit(&keys, *market.address(), self.amount.units())
            .await?;
        let session_id = file.session_id;
        let amount = SeshAmount(self.amount);
        let mut details = vec![
            ("escrowed".into(), amount.to_string()),
            ("ends".into(), date(end)),
            ("record".into(), format!("{session_id}, {me}")),
        ];
        if previous != Sesh::ZERO {
            details.push((
                "replaces".into(),
                format!("your offer of {} (refunded)", SeshAmount(previous)),
            ));
        }
        let plan = Plan {
            action: format!("Offer {amount} for {name}"),
            details,
            request: call(
                *market.address(),
                market
                    .makeOffer(
                        token_id,
                        self.amount.units(),
                        U256::from(end),
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
        ctx.out.print(&OfferMade {
            name: name.to_string(),
            token_id: super::token_id(&name),
            amount,
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
            "market-offer",
            &OfferMade {
                name: "alice".into(),
                token_id: super::super::token_id(&Name::parse("alice").unwrap()),
                amount: Sesh::parse("120").unwrap().into(),
                expiry: Timestamp(1_796_000_000),
                tx: crate::tx::Mined::sample(),
            },
        );
    }
}
