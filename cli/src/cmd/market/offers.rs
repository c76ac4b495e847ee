//! `sesh market offers [NAME] [--all]`.

use super::{chain_now, date, events_since, label_or_id, labels, market, read_error, secs};
use crate::format::sesh_fixed;
use crate::context::Context;
use alloy::primitives::{Address, U256};
use clap::Args;
use sesh_core::{Name, Sesh};
use std::collections::BTreeSet;

/// Show the offers on names, read from the chain
///
/// Finds every offer made since the deployment (OfferMade, OfferCancelled,
/// OfferAccepted logs), then reads each one's current state. Without NAME,
/// all names; by default only offers that can still be accepted.
///
/// Examples:
///   sesh market offers
///   sesh market offers alice --all --json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct OffersArgs {
    /// Only offers on NAME.
    pub name: Option<String>,
    /// Include offers that ended but were not cancelled yet.
    #[arg(long)]
    pub all: bool,
}

impl OffersArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let only = self.name.as_deref().map(Name::parse).transpose()?;
        let provider = ctx.provider().await?;
        let deployment = ctx.deployment()?;
        let market = market(ctx, &provider)?;
        let from = deployment.deploy_block;
        let mut seen: BTreeSet<(U256, Address)> = BTreeSet::new();
        let made = events_since(market.OfferMade_filter(), from).await?;
        seen.extend(made.iter().map(|e| (e.tokenId, e.bidder)));
        let cancelled = events_since(market.OfferCancelled_filter(), from).await?;
        seen.extend(cancelled.iter().map(|e| (e.tokenId, e.bidder)));
        let accepted = events_since(market.OfferAccepted_filter(), from).await?;
        seen.extend(accepted.iter().map(|e| (e.tokenId, e.bidder)));
        if let Some(name) = &only {
            seen.retain(|(token_id, _)| *token_id == name.token_id());
        }

        let labels = labels(ctx, &provider).await?;
        let now = chain_now(&provider).await?;
        let mut rows = Vec::new();
        for (token_id, bidder) in seen {
            let offer = market
                .offerOf(token_id, bidder)
                .call()
                .await
                .map_err(read_error("an offer"))?;
            if offer.amount.is_zero() {
                continue;
            }
            let end = secs(offer.endTime);
            let live = now < end;
            if !live && !self.all {
                continue;
            }
            rows.push((
                label_or_id(&labels, token_id),
                token_id,
                bidder,
                Sesh::from_units(offer.amount),
                end,
                live,
            ));
        }
        rows.sort_by(|a, b| a.0.cmp(&b.0).then(b.3.cmp(&a.3)));

        let mut text = String::new();
        if rows.is_empty() {
            text.push_str("No offers");
            if let Some(name) = &only {
                text.push_str(&format!(" on {name}"));
            }
            text.push('.');
        }
        for (name, _, bidder, amount, end, live) in &rows {
            let state = if *live { "ends" } else { "ended" };
            text.push_str(&format!(
                "{name:<20} {:>20}  from {bidder}  {state} {}\n",
                format!("{amount} SESH"),
                date(*end)
            ));
        }
        text.push_str(&format!("\n(source: chain logs since block {from})"));
        let offers: Vec<_> = rows
            .iter()
            .map(|(name, token_id, bidder, amount, end, live)| {
                serde_json::json!({
                    "name": name,
                    "token_id": format!("{token_id:#x}"),
                    "bidder": bidder.to_checksum(None),
                    "amount": sesh_fixed(*amount),
                    "end_time": end,
                    "ends": date(*end),
                    "live": live,
                })
            })
            .collect();
        ctx.out.result(
            &text,
            serde_json::json!({
                "source": "chain",
                "from_block": from,
                "offers": offers,
            }),
        )?;
        Ok(())
    }
}
