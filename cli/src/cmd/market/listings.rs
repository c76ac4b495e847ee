//! `sesh market listings [--sort price|ends] [--limit N] [--page N]`.

use super::{chain_now, date, label_or_id, labels, market, read_error, secs};
use crate::cmd::balance::sesh_fixed;
use crate::context::Context;
use alloy::primitives::U256;
use clap::{Args, ValueEnum};
use eyre::WrapErr;
use sesh_core::Sesh;
use std::collections::BTreeSet;

/// How to order listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Sort {
    /// Cheapest first.
    Price,
    /// Ending soonest first.
    Ends,
}

/// Show the names for sale, read from the chain.
///
/// Finds every listing since the deployment (Listed, Unlisted and Sold
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
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    pub page: u64,
}

impl ListingsArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let provider = ctx.provider().await?;
        let deployment = ctx.deployment()?;
        let market = market(ctx, &provider)?;
        let from = deployment.deploy_block;
        let mut tokens: BTreeSet<U256> = BTreeSet::new();
        let listed = market
            .Listed_filter()
            .from_block(from)
            .query()
            .await
            .wrap_err("cannot read the Listed logs")?;
        tokens.extend(listed.iter().map(|(e, _)| e.tokenId));
        // Unlisted and Sold only end listings; a name with no Listed log
        // has no listing, so reading them only confirms what listingOf says.
        let unlisted = market
            .Unlisted_filter()
            .from_block(from)
            .query()
            .await
            .wrap_err("cannot read the Unlisted logs")?;
        let sold = market
            .Sold_filter()
            .from_block(from)
            .query()
            .await
            .wrap_err("cannot read the Sold logs")?;
        tokens.extend(unlisted.iter().map(|(e, _)| e.tokenId));
        tokens.extend(sold.iter().map(|(e, _)| e.tokenId));

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
            "\n{total} live listing(s), page {} of {} (source: chain logs since block {from})",
            self.page,
            total.div_ceil(limit).max(1)
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

#[cfg(test)]
mod tests {
    use crate::args::Cli;
    use clap::Parser;

    #[test]
    fn sort_limit_and_page_are_checked_by_the_parser() {
        assert!(Cli::try_parse_from(["sesh", "market", "listings", "--sort", "ends"]).is_ok());
        assert!(Cli::try_parse_from(["sesh", "market", "listings", "--sort", "name"]).is_err());
        assert!(Cli::try_parse_from(["sesh", "market", "listings", "--page", "0"]).is_err());
        assert!(Cli::try_parse_from(["sesh", "market", "listings", "--limit", "0"]).is_err());
    }
}
