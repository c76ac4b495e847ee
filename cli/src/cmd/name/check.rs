//! `sesh name check NAME [--years N | --days N]`.

use super::common::{DurationOpts, NameState, Phase};
use crate::chain::{Chain, read_error};
use crate::context::{Context, Unreachable};
use crate::format::{SeshAmount, Timestamp, duration};
use crate::output::Report;
use alloy::primitives::U256;
use clap::Args;
use serde::Serialize;
use sesh_core::{Name, Sesh};

/// Check a name: valid, available, what it costs, who holds it
///
/// Names are 1 to 64 characters: letters a-z, digits, '_' and '-', not
/// starting or ending with '-'. Input is lowercased first. With the chain
/// reachable it also shows the state (available, live, in grace,
/// premium auction), the price for the duration (rent and any premium, with
/// why), and the owner and expiry of a registered name. When the RPC does
/// not answer it checks only the name rules, and says so ("online": false);
/// a network without a known deployment is an error.
///
/// Examples:
///   sesh name check alice
///   sesh name check bob --years 3 --json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct CheckArgs {
    /// The name to check.
    pub(crate) name: String,
    /// How long to price it for.
    #[command(flatten)]
    pub(crate) duration: DurationOpts,
}

/// What `sesh name check` reports: with the chain, the name's state and price; without it,
/// only that the name is valid.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(crate) enum Check {
    /// The chain answered.
    Online(Box<Online>),
    /// The RPC did not answer: only the name rules were checked.
    Offline(Offline),
}

/// `sesh name check` with the chain reachable.
#[derive(Debug, Serialize)]
pub(crate) struct Online {
    /// The name as the chain has it.
    #[serde(flatten)]
    pub(crate) state: NameState,
    /// Always `true` (an invalid name is an error).
    pub(crate) valid: bool,
    /// Always `true` here.
    pub(crate) online: bool,
    /// Whether anyone may register it now.
    pub(crate) available: bool,
    /// The duration priced.
    pub(crate) duration_secs: u64,
    /// The rent for the duration.
    pub(crate) rent: SeshAmount,
    /// The premium on a recently lapsed name (else 0).
    pub(crate) premium: SeshAmount,
    /// Rent plus premium.
    pub(crate) total: SeshAmount,
    /// The premium explained in words (only in the premium phase).
    pub(crate) premium_explanation: Option<String>,
}

/// `sesh name check` without the chain.
#[derive(Debug, Serialize)]
pub(crate) struct Offline {
    /// The name, normalized.
    pub(crate) name: String,
    pub(crate) token_id: String,
    /// Always `true` (an invalid name is an error).
    pub(crate) valid: bool,
    /// Always `false` here.
    pub(crate) online: bool,
}

impl Report for Check {
    fn text(&self) -> String {
        match self {
            Self::Offline(offline) => format!(
                "{} is a valid name (token id {})\n  availability and price not checked: the chain is not reachable",
                offline.name, offline.token_id
            ),
            Self::Online(online) => online.text(),
        }
    }
}

impl Online {
    fn text(&self) -> String {
        let state = &self.state;
        let mut text = format!(
            "{} is a valid name (token id {:#x})\n",
            state.name,
            state.name.token_id()
        );
        text.push_str(&format!("  state         {}\n", state.describe()));
        if !state.registrant.is_zero() && !self.available {
            text.push_str(&format!("  owner         {}\n", state.registrant));
            text.push_str(&format!("  expires       {}\n", Timestamp(state.expiry)));
        }
        if let Some(id) = state.session_id.filter(|_| state.phase == Phase::Live) {
            text.push_str(&format!("  Session ID    {id}\n"));
        }
        let what = if self.available { "register" } else { "renew" };
        text.push_str(&format!(
            "  price         {} to {what} for {}",
            self.total,
            duration(self.duration_secs)
        ));
        if self.premium.0 > Sesh::ZERO {
            text.push_str(&format!(" ({} rent + {} premium)", self.rent, self.premium));
        }
        text.push('\n');
        if let Some(explanation) = &self.premium_explanation {
            text.push_str(&format!("  premium       {explanation}\n"));
        }
        if let Some(reason) = state.unavailable_reason() {
            text.push_str(&format!("  {reason}\n"));
        }
        text
    }
}

impl CheckArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let name = Name::parse(&self.name)?;
        let duration_secs = self.duration.seconds()?;
        // A missing deployment or a bad setting is an error; only an RPC that does not
        // answer leaves the name rules as all that can be checked.
        ctx.deployment()?;
        let chain = match Chain::read(ctx).await {
            Ok(chain) => chain,
            Err(error) if error.downcast_ref::<Unreachable>().is_none() => return Err(error),
            Err(error) => {
                ctx.out.warn(&format!(
                    "offline: only the name rules were checked, not availability or price ({})",
                    crate::error::chain(&error).join(": ")
                ));
                ctx.out.print(&Check::Offline(Offline {
                    name: name.to_string(),
                    token_id: format!("{:#x}", name.token_id()),
                    valid: true,
                    online: false,
                }))?;
                return Ok(());
            }
        };
        let state = NameState::read(&chain, &name).await?;
        let registry = chain.registry();
        let price = registry
            .rentPrice(name.to_string(), U256::from(duration_secs))
            .call()
            .await
            .map_err(|error| match crate::error::decode_contract_error(&error) {
                Some(revert) => eyre::eyre!("cannot price {name}: {}", revert.message),
                None => eyre::Report::new(error).wrap_err(format!("cannot price {name}")),
            })?;
        let premium_start = registry
            .premiumStart()
            .call()
            .await
            .map_err(read_error("the premium start"))?;
        let premium_explanation = state.premium_explanation(premium_start, price.premium);
        let available = state.phase.is_registrable();
        ctx.out.print(&Check::Online(Box::new(Online {
            state,
            valid: true,
            online: true,
            available,
            duration_secs,
            rent: price.rent.into(),
            premium: price.premium.into(),
            total: (price.rent + price.premium).into(),
            premium_explanation,
        })))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sesh_core::protocol::{DAY, GRACE_PERIOD, YEAR};

    #[test]
    fn json_is_pinned() {
        let mut state = NameState::sample();
        state.now = state.expiry + GRACE_PERIOD + DAY;
        state.phase = Phase::at(state.expiry, state.now);
        state.primary = false;
        let rent = Sesh::parse("100").unwrap();
        let premium = Sesh::parse("50").unwrap();
        crate::output::golden::check(
            "name-check",
            &Check::Online(Box::new(Online {
                premium_explanation: state
                    .premium_explanation(Sesh::parse("100").unwrap().units(), premium.units()),
                state,
                valid: true,
                online: true,
                available: true,
                duration_secs: YEAR,
                rent: rent.into(),
                premium: premium.into(),
                total: Sesh::from_units(rent.units() + premium.units()).into(),
            })),
        );
        crate::output::golden::check(
            "name-check.offline",
            &Check::Offline(Offline {
                name: "alice".into(),
                token_id: format!("{:#x}", Name::parse("alice").unwrap().token_id()),
                valid: true,
                online: false,
            }),
        );
    }
}
