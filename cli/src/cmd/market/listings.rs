//! `sesh market listings [--sort price|ends] [--limit N] [--page N]`.

use crate::chain::{Chain, LogsSource, label_or_id, read_error};
use crate::context::Context;
use crate::format::{Checksummed, SeshAmount, Timestamp, days_left, secs};
use crate::output::Report;
use crate::registry::{NodesSource, Registry, check_signed};
use alloy::primitives::U256;
use clap::{Args, ValueEnum};
use serde::Serialize;
use sesh_core::Sesh;
use sesh_core::api::ListingsResponse;
use std::collections::BTreeSet;

/// How to order listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Sort {
    /// Cheapest first.
    Price,
    /// Ending soonest first.
    Ends,
}

/// Show the names for sale
///
/// By default asks registry nodes (--registry URLs, else 3 nodes of the
/// active set read from the chain) for /v1/listings and accepts the page only
/// when they agree (every listing signed, the same signed bytes on every
/// node). With --rpc, or when no registry node is known, it reads the chain:
/// it finds every listing since the deployment (Listed, Unlisted and Sold
/// logs), then keeps only the live ones (`listingOf`): not ended, still the
/// seller's, not expired, and movable by the market. The output says which
/// source answered.
///
/// Examples:
///   sesh market listings
///   sesh market listings --sort ends --limit 10 --page 2 --json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct ListingsArgs {
    /// Order by price (cheapest first) or end time (soonest first).
    #[arg(long, value_enum, default_value_t = Sort::Price)]
    pub(crate) sort: Sort,
    /// Show at most N listings per page.
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub(crate) limit: u64,
    /// Show page N (from 1).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = crate::parse::at_least_one::<u64>)]
    pub(crate) page: u64,
    /// Read the chain's logs directly through the RPC endpoint.
    #[arg(long)]
    pub(crate) rpc: bool,
}

/// What `sesh market listings` reports.
#[derive(Debug, Serialize)]
pub(crate) struct Listings {
    /// Who answered: the registry nodes' agreement, or the chain's logs (with --rpc).
    pub(crate) source: Source,
    /// From the chain: its clock when it was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) chain_time: Option<Timestamp>,
    /// How many live listings there are in all.
    pub(crate) total: u64,
    /// This page (from 1).
    pub(crate) page: u64,
    /// Listings per page.
    pub(crate) limit: u64,
    /// This page's listings.
    pub(crate) listings: Vec<Listing>,
    /// The source in words, for the text.
    #[serde(skip)]
    pub(crate) source_text: String,
}

/// Where the listings came from.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(crate) enum Source {
    /// The registry nodes' agreement.
    Nodes(NodesSource),
    /// The market's logs, then `listingOf` for each.
    Logs(LogsSource),
}

/// One listing in `sesh market listings`.
#[derive(Debug, Serialize)]
pub(crate) struct Listing {
    /// The name (its token id in hex when its registration was not found).
    pub(crate) name: String,
    pub(crate) token_id: String,
    /// Who sells it.
    pub(crate) seller: Checksummed,
    pub(crate) price: SeshAmount,
    /// When the listing ends.
    pub(crate) expiry: Timestamp,
}

impl Report for Listings {
    fn text(&self) -> String {
        let mut text = String::new();
        if self.listings.is_empty() {
            text.push_str(if self.total == 0 {
                "No names are listed.\n"
            } else {
                "No listings on this page.\n"
            });
        }
        for listing in &self.listings {
            let left = match self.chain_time {
                Some(now) => format!(" ({})", days_left(listing.expiry.0, now.0)),
                None => String::new(),
            };
            text.push_str(&format!(
                "{:<20} {:>20}  seller {}  ends {}{left}\n",
                listing.name,
                listing.price.to_string(),
                listing.seller,
                listing.expiry,
            ));
        }
        let pages = self.total.div_ceil(self.limit.max(1)).max(1);
        text.push_str(&format!(
            "\n{} live listing(s), page {} of {pages} (source: {})",
            self.total, self.page, self.source_text
        ));
        text
    }
}

impl ListingsArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        if !self.rpc
            && let Some(registry) = Registry::discover(ctx, "listings").await?
        {
            return self.via_nodes(ctx, &registry).await;
        }
        let chain = Chain::read(ctx).await?;
        let market = chain.market();
        let from = chain.deployment().deploy_block;
        let mut tokens: BTreeSet<U256> = BTreeSet::new();
        let listed = chain.events(market.Listed_filter()).await?;
        tokens.extend(listed.iter().map(|e| e.tokenId));
        // Unlisted and Sold only end listings; a name with no Listed log
        // has no listing, so reading them only confirms what listingOf says.
        let unlisted = chain.events(market.Unlisted_filter()).await?;
        let sold = chain.events(market.Sold_filter()).await?;
        tokens.extend(unlisted.iter().map(|e| e.tokenId));
        tokens.extend(sold.iter().map(|e| e.tokenId));

        let labels = chain.labels().await?;
        let mut rows = Vec::new();
        for token_id in tokens {
            let listing = market
                .listingOf(token_id)
                .call()
                .await
                .map_err(read_error("a listing"))?;
            if !listing.live {
                continue;
            }
            rows.push(Listing {
                name: label_or_id(&labels, token_id),
                token_id: format!("{token_id:#x}"),
                seller: listing.seller.into(),
                price: Sesh::from_units(listing.price).into(),
                expiry: Timestamp(secs(listing.endTime)),
            });
        }
        match self.sort {
            Sort::Price => rows.sort_by(|a, b| a.price.cmp(&b.price).then(a.name.cmp(&b.name))),
            Sort::Ends => rows.sort_by(|a, b| a.expiry.cmp(&b.expiry).then(a.name.cmp(&b.name))),
        }
        let total = rows.len() as u64;
        page_count(total, self.limit, self.page)?;
        let limit = usize::try_from(self.limit).unwrap_or(usize::MAX);
        let skip = usize::try_from(self.page - 1)
            .unwrap_or(usize::MAX)
            .saturating_mul(limit);
        let listings: Vec<_> = rows.into_iter().skip(skip).take(limit).collect();
        let now = chain.now().await?;
        ctx.out.print(&Listings {
            source: Source::Logs(LogsSource::of(&chain)),
            chain_time: Some(Timestamp(now)),
            total,
            page: self.page,
            limit: self.limit,
            listings,
            source_text: format!("chain logs since block {from}"),
        })?;
        Ok(())
    }

    /// The listings through registry nodes (at most 500 a page).
    async fn via_nodes(&self, ctx: &Context<'_>, registry: &Registry) -> eyre::Result<()> {
        let contract = ctx.deployment()?.contracts.name_market;
        let limit = self.limit.min(500);
        let offset = (self.page - 1).saturating_mul(limit);
        let sort = match self.sort {
            Sort::Price => "price",
            Sort::Ends => "end_time",
        };
        let path = format!("/v1/listings?sort={sort}&order=asc&limit={limit}&offset={offset}");
        let agreed = registry
            .ask::<ListingsResponse>(ctx, &path, |r, chain_id| {
                let mut digest = r.total.to_be_bytes().to_vec();
                let mut block = None;
                let mut keys = Vec::new();
                for listing in &r.listings {
                    let (b, key) = check_signed(listing, chain_id, contract, &mut digest)?;
                    block = block.max(Some(b));
                    keys.push(key);
                }
                Ok((digest, block, keys))
            })
            .await?;
        let (listings, total) = match &agreed.value {
            Some(r) => (r.listings.clone(), r.total),
            None => (Vec::new(), 0),
        };
        page_count(total, limit, self.page)?;
        let listings = listings
            .iter()
            .map(|listing| {
                let l = &listing.answer;
                Listing {
                    name: l.name.clone(),
                    token_id: format!("{:#x}", l.token_id),
                    seller: l.seller.into(),
                    price: Sesh::from_units(l.price).into(),
                    expiry: Timestamp(l.end_time),
                }
            })
            .collect();
        ctx.out.print(&Listings {
            source: Source::Nodes(agreed.source()),
            chain_time: None,
            total,
            page: self.page,
            limit,
            listings,
            source_text: agreed.summary(),
        })?;
        Ok(())
    }
}

/// How many pages `total` listings make at `limit` a page (at least 1: an empty first
/// page); refuses a `page` past the last.
fn page_count(total: u64, limit: u64, page: u64) -> eyre::Result<u64> {
    let pages = total.div_ceil(limit.max(1)).max(1);
    if page > pages {
        let listings = match total {
            0 => "there are no live listings".to_string(),
            1 => "1 live listing makes".to_string(),
            n => format!("{n} live listings make"),
        };
        let made = if total == 0 {
            format!("{listings}, so page 1 is the only one")
        } else {
            format!(
                "{listings} {pages} page{} of {limit}; ask for --page {pages} or less",
                if pages == 1 { "" } else { "s" }
            )
        };
        eyre::bail!("page {page} is past the end: {made}");
    }
    Ok(pages)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::Cli;
    use crate::output::golden;
    use clap::Parser;

    fn sample() -> Vec<Listing> {
        vec![Listing {
            name: "alice".into(),
            token_id: format!("{:#x}", sesh_core::Name::parse("alice").unwrap().token_id()),
            seller: golden::account(0),
            price: Sesh::parse("200").unwrap().into(),
            expiry: Timestamp(1_796_000_000),
        }]
    }

    #[test]
    fn json_is_pinned() {
        golden::check(
            "market-listings",
            &Listings {
                source: Source::Nodes(NodesSource::sample()),
                chain_time: None,
                total: 1,
                page: 1,
                limit: 20,
                listings: sample(),
                source_text: "3 of 3 registry nodes agree (signed at block 42)".into(),
            },
        );
        golden::check(
            "market-listings.rpc",
            &Listings {
                source: Source::Logs(LogsSource::sample()),
                chain_time: Some(Timestamp(1_795_000_000)),
                total: 1,
                page: 1,
                limit: 20,
                listings: sample(),
                source_text: "chain logs since block 1".into(),
            },
        );
    }

    #[test]
    fn a_page_past_the_end_is_refused_in_words() {
        assert_eq!(page_count(0, 20, 1).unwrap(), 1);
        assert_eq!(page_count(3, 20, 1).unwrap(), 1);
        assert_eq!(page_count(41, 20, 3).unwrap(), 3);
        assert_eq!(
            page_count(3, 20, 5).unwrap_err().to_string(),
            "page 5 is past the end: 3 live listings make 1 page of 20; ask for --page 1 or less"
        );
        assert_eq!(
            page_count(41, 20, 4).unwrap_err().to_string(),
            "page 4 is past the end: 41 live listings make 3 pages of 20; ask for --page 3 or less"
        );
        assert_eq!(
            page_count(0, 20, 2).unwrap_err().to_string(),
            "page 2 is past the end: there are no live listings, so page 1 is the only one"
        );
    }

    #[test]
    fn sort_limit_and_page_are_checked_by_the_parser() {
        assert!(Cli::try_parse_from(["sesh", "market", "listings", "--sort", "ends"]).is_ok());
        assert!(Cli::try_parse_from(["sesh", "market", "listings", "--sort", "name"]).is_err());
        assert!(Cli::try_parse_from(["sesh", "market", "listings", "--page", "0"]).is_err());
        assert!(Cli::try_parse_from(["sesh", "market", "listings", "--limit", "0"]).is_err());
    }
}
