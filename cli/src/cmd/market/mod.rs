//! `sesh market ...`: listings and offers of names, in SESH. Listings are not
//! escrowed (the seller keeps the name and lets the market move it); offers
//! are (the SESH sits in the market until accepted or cancelled). Every sale
//! pays the network fee (`feeOf`) to the rewards pool.

pub(crate) mod accept;
pub(crate) mod buy;
pub(crate) mod cancel_offer;
pub(crate) mod list;
pub(crate) mod listings;
pub(crate) mod offer;
pub(crate) mod offers;
pub(crate) mod unlist;

use crate::chain::{Chain, read_error};
use crate::context::Context;
use alloy::primitives::Address;
use clap::Subcommand;
use eyre::bail;
use sesh_core::bindings::NameMarket;
use sesh_core::{Name, Sesh};

/// Market commands.
#[derive(Debug, Subcommand)]
// The variants' help is each Args struct's doc comment (a variant doc would replace
// the long help with its one line), so the variants themselves carry none.
#[allow(missing_docs)]
pub(crate) enum MarketCommand {
    List(list::ListArgs),
    Unlist(unlist::UnlistArgs),
    Buy(buy::BuyArgs),
    Offer(offer::OfferArgs),
    CancelOffer(cancel_offer::CancelOfferArgs),
    Offers(offers::OffersArgs),
    Accept(accept::AcceptArgs),
    Listings(listings::ListingsArgs),
}

impl MarketCommand {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        match self {
            Self::List(args) => args.run(ctx).await,
            Self::Unlist(args) => args.run(ctx).await,
            Self::Buy(args) => args.run(ctx).await,
            Self::Offer(args) => args.run(ctx).await,
            Self::CancelOffer(args) => args.run(ctx).await,
            Self::Offers(args) => args.run(ctx).await,
            Self::Accept(args) => args.run(ctx).await,
            Self::Listings(args) => args.run(ctx).await,
        }
    }
}

/// A sale at some price, split (`feeOf`): the network fee and what the seller receives.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Split {
    /// The network fee, to the rewards pool.
    pub(crate) fee: Sesh,
    /// What the seller receives.
    pub(crate) proceeds: Sesh,
}

/// How a sale at `price` splits under the market's current fee.
pub(crate) async fn split(chain: &Chain<'_>, price: Sesh) -> eyre::Result<Split> {
    let split = chain
        .market()
        .feeOf(price.units())
        .call()
        .await
        .map_err(read_error("the market fee"))?;
    Ok(Split {
        fee: Sesh::from_units(split.fee),
        proceeds: Sesh::from_units(split.proceeds),
    })
}

/// `name`'s listing, refused in words when it has none.
pub(crate) async fn listing(
    chain: &Chain<'_>,
    name: &Name,
) -> eyre::Result<NameMarket::listingOfReturn> {
    let listing = chain
        .market()
        .listingOf(name.token_id())
        .call()
        .await
        .map_err(read_error("the listing"))?;
    if listing.seller.is_zero() {
        bail!("{name} is not listed for sale");
    }
    Ok(listing)
}

/// `bidder`'s offer on `name`, refused in words when it has none.
pub(crate) async fn offer(
    chain: &Chain<'_>,
    name: &Name,
    bidder: Address,
) -> eyre::Result<NameMarket::offerOfReturn> {
    let offer = chain
        .market()
        .offerOf(name.token_id(), bidder)
        .call()
        .await
        .map_err(read_error("the offer"))?;
    if offer.amount.is_zero() {
        bail!("{bidder} has no offer on {name}; see the offers with `sesh market offers {name}`");
    }
    Ok(offer)
}

/// A name's token id as the JSON has it: `0x` and hex.
pub(crate) fn token_id(name: &Name) -> String {
    format!("{:#x}", name.token_id())
}
