//! `sesh market listings [--sort price|ends] [--limit N] [--page N]`.

use super::{chain_now, date, events_since, label_or_id, labels, market, read_error, secs};
use crate::format::sesh_fixed;
use crate::context::Context;
use crate::registry::{Registry, check_signed};
use alloy::primitives::U256;
use clap::{Args, ValueEnum};
use sesh_core::Sesh;
use sesh_core::api::ListingsResponse;
use std::collections::BTreeSet;

/// How to order listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Sort {
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
pub struct ListingsArgs {
    /// Order by price (cheapest first) or end time (soonest first).
    #[arg(long, value_enum, default_value_t = Sort::Price)]
    pub sort: Sort,
    /// Show at most N listings per page.
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub limit: u64,
    /// Show page N (from 1).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = crate::args::at_least_one::<u64>)]
    pub page: u64,
    /// Read the chain's logs directly through the RPC endpoint.
    #[arg(long)]
    pub rpc: bool,
}

impl ListingsArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        if !self.rpc
            && let Some(registry) = Registry::discover(ctx, "listings").await?
        {
            return self.via_nodes(ctx, &registry).await;
        }
        let provider = ctx.provider().await?;
        let deployment = ctx.deployment()?;
        let market = market(ctx, &provider)?;
        let from = deployment.deploy_block;
        let mut tokens: BTreeSet<U256> = BTreeSet::new();
        let listed = events_since(market.Listed_filter(), from).await?;
        tokens.extend(listed.iter().map(|e| e.tokenId));
        // Unlisted and Sold only end listings; a name with no Listed log
        // has no listing, so reading them only confirms what listingOf says.
        let unlisted = events_since(market.Unlisted_filter(), from).await?;
        let sold = events_since(market.Sold_filter(), from).await?;
        tokens.extend(unlisted.iter().map(|e| e.tokenId));
        tokens.extend(sold.iter().map(|e| e.tokenId));

        let labels = labels(ctx, &provider).await?;
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
            rows.push((
                label_or_id(&labels, token_id),
                token_id,
                listing.seller,
                Sesh::from_units(listing.price),
                secs(listing.endTime),
            ));
        }
        match self.sort {
            Sort::Price => rows.sort_by(|a, b| a.3.cmp(&b.3).then(a.0.cmp(&b.0))),
            Sort::Ends => rows.sort_by(|a, b| a.4.cmp(&b.4).then(a.0.cmp(&b.0))),
        }
        let total = rows.len();
        let pages = page_count(total as u64, self.limit, self.page)?;
        let limit = usize::try_from(self.limit).unwrap_or(usize::MAX);
        let skip = usize::try_from(self.page - 1)
            .unwrap_or(usize::MAX)
            .saturating_mul(limit);
        let page: Vec<_> = rows.into_iter().skip(skip).take(limit).collect();
        let now = chain_now(&provider).await?;

        let mut text = String::new();
        if page.is_empty() {
            text.push_str(if total == 0 {
                "No names are listed.\n"
            } else {
                "No listings on this page.\n"
            });
        }
        for (name, _, seller, price, end) in &page {
            text.push_str(&format!(
                "{name:<20} {:>20}  seller {seller}  ends {} ({})\n",
                format!("{price} SESH"),
                date(*end),
                super::days_left(*end, now)
            ));
        }
        text.push_str(&format!(
            "\n{total} live listing(s), page {} of {pages} (source: chain logs since block {from})",
            self.page,
        ));
        let listings: Vec<_> = page
            .iter()
            .map(|(name, token_id, seller, price, end)| {
                serde_json::json!({
                    "name": name,
                    "token_id": format!("{token_id:#x}"),
                    "seller": seller.to_checksum(None),
                    "price": sesh_fixed(*price),
                    "end_time": end,
                    "ends": date(*end),
                })
            })
            .collect();
        ctx.out.result(
            &text,
            serde_json::json!({
                "source": "chain",
                "from_block": from,
                "total": total,
                "page": self.page,
                "limit": self.limit,
                "listings": listings,
            }),
        )?;
        Ok(())
    }
}

impl ListingsArgs {
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
        let pages = page_count(total, limit, self.page)?;
        let mut text = String::new();
        if listings.is_empty() {
            text.push_str(if total == 0 {
                "No names are listed.\n"
            } else {
                "No listings on this page.\n"
            });
        }
        for listing in &listings {
            let l = &listing.answer;
            text.push_str(&format!(
                "{:<20} {:>20}  seller {}  ends {}\n",
                l.name,
                format!("{} SESH", Sesh::from_units(l.price)),
                l.seller,
                date(l.end_time),
            ));
        }
        text.push_str(&format!(
            "\n{total} live listing(s), page {} of {pages} (source: {})",
            self.page,
            agreed.summary()
        ));
        let rows: Vec<_> = listings
            .iter()
            .map(|listing| {
                let l = &listing.answer;
                serde_json::json!({
                    "name": l.name,
                    "token_id": format!("{:#x}", l.token_id),
                    "seller": l.seller.to_checksum(None),
                    "price": sesh_fixed(Sesh::from_units(l.price)),
                    "end_time": l.end_time,
                    "ends": date(l.end_time),
                })
            })
            .collect();
        ctx.out.result(
            &text,
            serde_json::json!({
                "source": agreed.json(),
                "total": total,
                "page": self.page,
                "limit": limit,
                "listings": rows,
            }),
        )?;
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
    use super::page_count;
    use crate::args::Cli;
    use clap::Parser;

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
