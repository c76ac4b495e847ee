//! `sesh market ...`: listings and offers of names, in SESH. Listings are not
//! escrowed (the seller keeps the name and lets the market move it); offers
//! are (the SESH sits in the market until accepted or cancelled). Every sale
//! pays the network fee (`feeOf`) to the rewards pool.

pub mod accept;
pub mod buy;
pub mod cancel_offer;
pub mod list;
pub mod listings;
pub mod offer;
pub mod offers;
pub mod unlist;

use crate::context::Context;
use crate::tx::{self, Plan};
use alloy::contract::Event;
use alloy::network::TransactionBuilder;
use alloy::primitives::{Address, Bytes, U256};
use alloy::providers::{DynProvider, Provider};
use alloy::rpc::types::TransactionRequest;
use alloy::sol_types::SolEvent;
use clap::Subcommand;
use eyre::{WrapErr, eyre};
use sesh_core::bindings::name_market::INameRegistry::Permit;
use sesh_core::bindings::{NameMarket, NameRegistry, TestSESH};
use sesh_core::keys::WalletKeys;
use sesh_core::permit::{PermitDomain, sign_permit};
use std::collections::HashMap;

/// Market commands.
#[derive(Debug, Subcommand)]
// The variants' help is each Args struct's doc comment (a variant doc would replace
// the long help with its one line), so the variants themselves carry none.
#[allow(missing_docs)]
pub enum MarketCommand {
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
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
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

/// Seconds in a day.
pub const DAY: u64 = 86_400;

/// How long a signed permit stays valid, from the chain's clock.
const PERMIT_VALIDITY: u64 = 3_600;

/// The chain's clock: the latest block's timestamp (tests and forks move it,
/// so the wall clock is never used for contract times).
pub async fn chain_now(provider: &DynProvider) -> eyre::Result<u64> {
    let block = provider
        .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
        .await
        .wrap_err("cannot read the latest block")?
        .ok_or_else(|| eyre!("the node returned no latest block"))?;
    Ok(block.header.timestamp)
}

/// A contract time as a date: `2026-12-12 09:30:00 UTC`.
pub fn date(unix_secs: u64) -> String {
    sesh_core::keystore::rfc3339(unix_secs)
        .replace('T', " ")
        .replace('Z', " UTC")
}

/// How far `unix_secs` is from `now`, in whole days rounded up: "15 days
/// left", "1 day left", or "passed".
pub fn days_left(unix_secs: u64, now: u64) -> String {
    if unix_secs <= now {
        return "passed".into();
    }
    match (unix_secs - now).div_ceil(DAY) {
        1 => "1 day left".into(),
        days => format!("{days} days left"),
    }
}

/// A U256 contract time as seconds (times beyond u64 are "never").
pub fn secs(time: U256) -> u64 {
    time.try_into().unwrap_or(u64::MAX)
}

/// A transaction calling `to` with `input`.
pub fn call(to: Address, input: &Bytes) -> TransactionRequest {
    TransactionRequest::default()
        .with_to(to)
        .with_input(input.clone())
}

/// Makes sure the market may move the wallet's names: sends
/// `setApprovalForAll(market, true)` first (with its own confirmation) when
/// neither that nor an approval of `token_id` is in place. `Ok(false)` when
/// the user declined.
pub async fn ensure_market_approved(
    ctx: &Context<'_>,
    provider: &DynProvider,
    owner: Address,
    token_id: U256,
) -> eyre::Result<bool> {
    let contracts = &ctx.deployment()?.contracts;
    let registry = NameRegistry::new(contracts.name_registry, provider);
    let for_all = registry
        .isApprovedForAll(owner, contracts.name_market)
        .call()
        .await
        .wrap_err("cannot read the market's approval")?;
    let single = registry
        .getApproved(token_id)
        .call()
        .await
        .unwrap_or_default();
    if for_all || single == contracts.name_market {
        return Ok(true);
    }
    ctx.out.info(
        "The market may not move your names yet: first approve it on the name registry (once for all your names).",
    );
    let plan = Plan {
        action: format!(
            "Let the market ({}) move your names when they sell",
            contracts.name_market
        ),
        details: vec![(
            "call".into(),
            "setApprovalForAll(market, true) on the name registry".into(),
        )],
        request: call(
            contracts.name_registry,
            registry
                .setApprovalForAll(contracts.name_market, true)
                .calldata(),
        ),
    };
    Ok(tx::execute(ctx, provider, owner, plan).await?.is_some())
}

/// Signs a permit letting the market take `value` SESH from the wallet.
pub async fn market_permit(
    ctx: &Context<'_>,
    provider: &DynProvider,
    keys: &WalletKeys,
    value: U256,
) -> eyre::Result<Permit> {
    let contracts = &ctx.deployment()?.contracts;
    let token = TestSESH::new(contracts.sesh, provider);
    let domain = PermitDomain {
        token_name: token
            .name()
            .call()
            .await
            .wrap_err("cannot read the SESH token's name")?,
        chain_id: ctx.network.chain_id(),
        token: contracts.sesh,
    };
    let nonce = token
        .nonces(keys.evm_address())
        .call()
        .await
        .wrap_err("cannot read the permit nonce")?;
    let deadline = U256::from(chain_now(provider).await? + PERMIT_VALIDITY);
    let signed = sign_permit(
        keys.evm_signer(),
        &domain,
        contracts.name_market,
        value,
        nonce,
        deadline,
    )
    .await
    .wrap_err("cannot sign the SESH permit")?;
    Ok(signed.into())
}

/// Every `E` event logged since block `from` (in practice the deployment block), in
/// chain order, read over block ranges an RPC accepts ([`crate::logs`]). A failed read
/// says which event it was: "cannot read the Listed logs".
pub async fn events_since<P: Provider, E: SolEvent>(
    event: Event<P, E>,
    from: u64,
) -> eyre::Result<Vec<E>> {
    let name = E::SIGNATURE.split('(').next().unwrap_or(E::SIGNATURE);
    let logs = crate::logs::fetch(&event.provider, event.filter, from)
        .await
        .wrap_err_with(|| format!("cannot read the {name} logs"))?;
    logs.iter()
        .map(|log| {
            E::decode_log_data(log.data()).wrap_err_with(|| format!("a {name} log does not decode"))
        })
        .collect()
}

/// The labels of every name registered since the deployment, by token id
/// (market events carry only token ids).
pub async fn labels(
    ctx: &Context<'_>,
    provider: &DynProvider,
) -> eyre::Result<HashMap<U256, String>> {
    let deployment = ctx.deployment()?;
    let registry = NameRegistry::new(deployment.contracts.name_registry, provider);
    let registered =
        events_since(registry.NameRegistered_filter(), deployment.deploy_block).await?;
    Ok(registered
        .into_iter()
        .map(|event| (event.tokenId, event.label))
        .collect())
}

/// A name's label if known, else its token id in hex.
pub fn label_or_id(labels: &HashMap<U256, String>, token_id: U256) -> String {
    labels
        .get(&token_id)
        .cloned()
        .unwrap_or_else(|| format!("{token_id:#x}"))
}

/// The market contract.
pub fn market<'p>(
    ctx: &Context<'_>,
    provider: &'p DynProvider,
) -> eyre::Result<NameMarket::NameMarketInstance<&'p DynProvider>> {
    Ok(NameMarket::new(
        ctx.deployment()?.contracts.name_market,
        provider,
    ))
}

/// Reads a value from a contract, telling a refusal in words.
pub fn read_error(what: &str) -> impl FnOnce(alloy::contract::Error) -> eyre::Report + '_ {
    move |error| match crate::error::decode_contract_error(&error) {
        Some(revert) => eyre!("cannot read {what}: {}", revert.message),
        None => eyre::Report::new(error).wrap_err(format!("cannot read {what}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_days_left_read_naturally() {
        assert_eq!(date(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(days_left(100, 200), "passed");
        assert_eq!(days_left(15 * DAY, 0), "15 days left");
        assert_eq!(days_left(DAY + 1, 0), "2 days left");
        assert_eq!(days_left(5, 0), "1 day left");
        assert_eq!(secs(U256::MAX), u64::MAX);
    }
}
