//! Who a command sends to: an address (its EIP-55 checksum checked) or a name
//! whose record holds an EVM address; and whether sending there is safe.
//!
//! SESH or a name sent to one of this deployment's own contracts can never be
//! taken out again (none of them has a way to hand back what it was sent by
//! mistake), so that is refused. Any other address with code is a contract,
//! not a person's account: what it receives moves only as its code allows, so
//! the user is asked first (`--yes` answers for them, with a warning).

use crate::context::Context;
use alloy::primitives::Address;
use alloy::providers::{DynProvider, Provider};
use eyre::{WrapErr, bail, eyre};
use sesh_core::bindings::NameRegistry;
use sesh_core::{Name, SessionId};

/// A resolved recipient.
#[derive(Debug, Clone)]
pub(crate) struct Recipient {
    /// Its address.
    pub(crate) address: Address,
    /// The name it was given as, if any.
    pub(crate) name: Option<String>,
}

impl Recipient {
    /// "alice (0x…)" or "0x…".
    pub(crate) fn describe(&self) -> String {
        match &self.name {
            Some(name) => format!("{name} ({})", self.address),
            None => self.address.to_string(),
        }
    }
}

/// An address as given (a mixed-case one must pass its checksum), or a
/// name's EVM address record read from the chain.
pub(crate) async fn resolve(
    ctx: &Context<'_>,
    provider: &DynProvider,
    target: &str,
) -> eyre::Result<Recipient> {
    if target.trim().starts_with("0x") || target.trim().starts_with("0X") {
        let address = sesh_core::parse_address(target)?;
        return Ok(Recipient {
            address,
            name: None,
        });
    }
    let name = sesh_core::Name::parse(target).wrap_err_with(|| {
        format!("{target:?} is neither an address (0x and 40 hex digits) nor a name")
    })?;
    let registry =
        sesh_core::bindings::NameRegistry::new(ctx.deployment()?.contracts.name_registry, provider);
    let record = registry
        .resolve(name.to_string())
        .call()
        .await
        .map_err(|error| match crate::error::decode_contract_error(&error) {
            Some(revert) => eyre!("cannot resolve {name}: {}", revert.message),
            None => eyre::Report::new(error).wrap_err(format!("cannot resolve {name}")),
        })?;
    if record.sessionKey.is_zero() {
        bail!("the name {name} is not registered (or has expired)");
    }
    if record.evmAddress.is_zero() {
        bail!(
            "the name {name} has no EVM address record; ask its owner to set one, or use an address"
        );
    }
    Ok(Recipient {
        address: record.evmAddress,
        name: Some(name.to_string()),
    })
}

/// Refuses the zero address and this deployment's own contracts, and asks
/// before sending `what` ("SESH", "the name alice") to any other contract.
/// `Ok(false)`: the user said no.
pub(crate) async fn check(
    ctx: &Context<'_>,
    provider: &DynProvider,
    recipient: &Recipient,
    what: &str,
) -> eyre::Result<bool> {
    let address = recipient.address;
    if address.is_zero() {
        bail!("{what} cannot be sent to the zero address; nothing was sent");
    }
    if let Some(contract) = own_contract(ctx, address)? {
        bail!(
            "{} is this deployment's {contract} contract, not an account: {what} sent there could never be taken out again; nothing was sent",
            recipient.describe()
        );
    }
    let code = provider
        .get_code_at(address)
        .await
        .wrap_err_with(|| format!("cannot read whether {address} is a contract"))?;
    if code.is_empty() {
        return Ok(true);
    }
    let warning = format!(
        "{} is a contract, not a person's account: {what} sent to it can only be moved by its code",
        recipient.describe()
    );
    if ctx.yes {
        ctx.out.warn(&format!("{warning} (sending anyway: --yes)"));
        return Ok(true);
    }
    ctx.out.warn(&warning);
    if ctx.confirm(&format!("Send {what} to this contract?"))? {
        Ok(true)
    } else {
        ctx.out.info("Nothing was sent.");
        Ok(false)
    }
}

/// Which of the deployment's contracts `address` is, if any.
fn own_contract(ctx: &Context<'_>, address: Address) -> eyre::Result<Option<&'static str>> {
    let contracts = &ctx.deployment()?.contracts;
    Ok([
        (contracts.sesh, "SESH token"),
        (contracts.rewards_pool, "RewardsPool"),
        (contracts.name_registry, "NameRegistry"),
        (contracts.name_market, "NameMarket"),
        (contracts.premium, "Premium"),
        (contracts.node_staking, "NodeStaking"),
    ]
    .into_iter()
    .find(|(contract, _)| *contract == address)
    .map(|(_, label)| label))
}

/// A Session ID, or a name whose record holds one (read from the chain).
pub(crate) async fn resolve_session_id(
    ctx: &Context<'_>,
    provider: &DynProvider,
    target: &str,
) -> eyre::Result<(SessionId, Option<Name>)> {
    if let Ok(id) = SessionId::parse(target) {
        return Ok((id, None));
    }
    if target.starts_with("05") && target.len() == 66 {
        SessionId::parse(target)?;
    }
    let name = Name::parse(target).wrap_err_with(|| {
        format!("{target:?} is neither a Session ID (05 followed by 64 hex digits) nor a name")
    })?;
    let registry = NameRegistry::new(ctx.deployment()?.contracts.name_registry, provider);
    let record = registry
        .resolve(name.to_string())
        .call()
        .await
        .wrap_err_with(|| format!("cannot resolve {name}"))?;
    match SessionId::from_key(record.sessionKey) {
        Some(id) => Ok((id, Some(name))),
        None => bail!(
            "the name {name} has no Session ID record (not registered, expired, or its record is empty)"
        ),
    }
}
