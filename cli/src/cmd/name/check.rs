//! `sesh name check NAME [--years N | --days N]`.

use super::common::{DurationOpts, NameState, Phase, date, describe_duration};
use crate::context::{Context, Unreachable};
use crate::payment::cost_line;
use alloy::primitives::U256;
use clap::Args;
use eyre::WrapErr;
use sesh_core::Name;
use sesh_core::bindings::NameRegistry;

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
pub struct CheckArgs {
    /// The name to check.
    pub name: String,
    /// How long to price it for.
    #[command(flatten)]
    pub duration: DurationOpts,
}

impl CheckArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let name = Name::parse(&self.name)?;
        let duration = self.duration.seconds()?;
        let token_id = format!("{:#x}", name.token_id());
        // A missing deployment or a bad setting is an error; only an RPC that does not
        // answer leaves the name rules as all that can be checked.
        let deployment = ctx.deployment()?;
        let provider = match ctx.provider().await {
            Ok(provider) => provider,
            Err(error) if error.downcast_ref::<Unreachable>().is_none() => return Err(error),
            Err(error) => {
                ctx.out.warn(&format!(
                    "offline: only the name rules were checked, not availability or price ({})",
                    crate::error::chain(&error).join(": ")
                ));
                return Ok(ctx.out.result(
                    &format!(
                        "{name} is a valid name (token id {token_id})\n  availability and price not checked: the chain is not reachable"
                    ),
                    serde_json::json!({
                        "name": name.as_str(),
                        "token_id": token_id,
                        "valid": true,
                        "online": false,
                    }),
                )?);
            }
        };
        let state = NameState::read(ctx, &provider, &name).await?;
        let registry = NameRegistry::new(deployment.contracts.name_registry, &provider);
        let price = registry
            .rentPrice(name.to_string(), U256::from(duration))
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
            .wrap_err("cannot read the premium start")?;
        let explanation = state.premium_explanation(premium_start, price.premium);
        let available = state.phase.is_registrable();

        let mut text = format!("{name} is a valid name (token id {token_id})\n");
        text.push_str(&format!("  state         {}\n", state.describe()));
        if !state.registrant.is_zero() && !available {
            text.push_str(&format!("  owner         {}\n", state.registrant));
            text.push_str(&format!("  expires       {}\n", date(state.expiry)));
        }
        if let Some(id) = state.session_id.filter(|_| state.phase == Phase::Live) {
            text.push_str(&format!("  Session ID    {id}\n"));
        }
        let what = if available { "register" } else { "renew" };
        text.push_str(&format!(
            "  price         {} to {what} for {}",
            cost_line(price.rent + price.premium),
            describe_duration(duration)
        ));
        if price.premium > U256::ZERO {
            text.push_str(&format!(
                " ({} rent + {} premium)",
                cost_line(price.rent),
                cost_line(price.premium)
            ));
        }
        text.push('\n');
        if let Some(explanation) = &explanation {
            text.push_str(&format!("  premium       {explanation}\n"));
        }
        if let Some(reason) = state.unavailable_reason() {
            text.push_str(&format!("  {reason}\n"));
        }
        let mut data = state.json();
        data["valid"] = serde_json::json!(true);
        data["online"] = serde_json::json!(true);
        data["available"] = serde_json::json!(available);
        data["duration_secs"] = serde_json::json!(duration);
        data["rent"] = serde_json::json!(crate::format::sesh_fixed(price.rent.into()));
        data["premium"] = serde_json::json!(crate::format::sesh_fixed(price.premium.into()));
        data["total"] = serde_json::json!(crate::format::sesh_fixed(
            (price.rent + price.premium).into()
        ));
        data["premium_explanation"] = serde_json::json!(explanation);
        ctx.out.result(&text, data)?;
        Ok(())
    }
}
