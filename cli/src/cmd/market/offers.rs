//! `sesh market offers [NAME] [--all]`.

use crate::chain::{Chain, LogsSource, label_or_id, read_error};
use crate::context::Context;
use crate::format::{Checksummed, SeshAmount, Timestamp, secs};
use crate::output::Report;
use alloy::primitives::{Address, U256};
use clap::Args;
use serde::Serialize;
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
pub(crate) struct OffersArgs {
    /// Only offers on NAME.
    pub(crate) name: Option<String>,
    /// Include offers that ended but were not cancelled yet.
    #[arg(long)]
    pub(crate) all: bool,
}

/// What `sesh market offers` reports.
#[derive(Debug, Serialize)]
pub(crate) struct Offers {
    /// Where the offers were read: the market's logs, through the RPC.
    pub(crate) source: LogsSource,
    /// The offers, by name, then largest first.
    pub(crate) offers: Vec<Offer>,
    /// The name asked about, if any (for the text).
    #[serde(skip)]
    pub(crate) only: Option<String>,
}

/// One offer in `sesh market offers`.
#[derive(Debug, Serialize)]
pub(crate) struct Offer {
    /// The name (its token id in hex when its registration was not found).
    pub(crate) name: String,
    pub(crate) token_id: String,
    /// Who offers.
    pub(crate) bidder: Checksummed,
    /// The SESH in escrow.
    pub(crate) amount: SeshAmount,
    /// Until when the offer can be accepted.
    pub(crate) expiry: Timestamp,
    /// Whether it can still be accepted.
    pub(crate) live: bool,
}

impl Report for Offers {
    fn text(&self) -> String {
        let mut text = String::new();
        if self.offers.is_empty() {
            text.push_str("No offers");
            if let Some(name) = &self.only {
                text.push_str(&format!(" on {name}"));
            }
            text.push('.');
        }
        for offer in &self.offers {
            let state = if offer.live { "ends" } else { "ended" };
            text.push_str(&format!(
                "{:<20} {:>20}  from {}  {state} {}\n",
                offer.name,
                offer.amount.to_string(),
                offer.bidder,
                offer.expiry
            ));
        }
        text.push_str(&format!(
            "\n(source: chain logs since block {})",
            self.source.from_block
        ));
        text
    }
}

impl OffersArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let only = self.name.as_deref().map(Name::parse).transpose()?;
        let chain = Chain::read(ctx).await?;
        let market = chain.market();
        let mut seen: BTreeSet<(U256, Address)> = BTreeSet::new();
        let made = chain.events(market.OfferMade_filter()).await?;
        seen.extend(made.iter().map(|e| (e.tokenId, e.bidder)));
        let cancelled = chain.events(market.OfferCancelled_filter()).await?;
        seen.extend(cancelled.iter().map(|e| (e.tokenId, e.bidder)));
        let accepted = chain.events(market.OfferAccepted_filter()).await?;
        seen.extend(accepted.iter().map(|e| (e.tokenId, e.bidder)));
        if let Some(name) = &only {
            seen.retain(|(token_id, _)| *token_id == name.token_id());
        }

        let labels = chain.labels().await?;
        let now = chain.now().await?;
        let mut offers = Vec::new();
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
            offers.push(Offer {
                name: label_or_id(&labels, token_id),
                token_id: format!("{token_id:#x}"),
                bidder: bidder.into(),
                amount: Sesh::from_units(offer.amount).into(),
                expiry: Timestamp(end),
                live,
            });
        }
        offers.sort_by(|a, b| a.name.cmp(&b.name).then(b.amount.cmp(&a.amount)));
        ctx.out.print(&Offers {
            source: LogsSource::of(&chain),
            offers,
            only: only.map(|name| name.to_string()),
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
            "market-offers",
            &Offers {
                source: LogsSource::sample(),
                offers: vec![Offer {
                    name: "alice".into(),
                    token_id: format!("{:#x}", Name::parse("alice").unwrap().token_id()),
                    bidder: golden::account(1),
                    amount: Sesh::parse("120").unwrap().into(),
                    expiry: Timestamp(1_796_000_000),
                    live: true,
                }],
                only: None,
            },
        );
    }
}
