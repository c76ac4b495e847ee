//! `sesh name renew NAME`.

use super::common::{DurationOpts, NameState, Phase, date, describe_duration};
use crate::format::sesh_fixed;
use crate::context::Context;
use crate::payment::{self, cost_line};
use crate::tx::{self, Plan};
use alloy::network::TransactionBuilder;
use alloy::primitives::U256;
use alloy::rpc::types::TransactionRequest;
use alloy::sol_types::SolCall;
use clap::Args;
use eyre::{WrapErr, bail};
use sesh_core::Name;
use sesh_core::bindings::NameRegistry;

/// Extend a name by a duration; anyone may pay
///
/// The time is added to the current expiry, so renewing early loses
/// nothing. A name in its grace period can still be renewed; after it, it
/// must be registered again. Rent only, never a premium; paid by permit.
///
/// Examples:
///   sesh name renew alice
///   sesh name renew alice --years 2 --yes
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct RenewArgs {
    /// The name to renew.
    pub name: String,
    /// How long to add.
    #[command(flatten)]
    pub duration: DurationOpts,
}

impl RenewArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let name = Name::parse(&self.name)?;
        let duration = self.duration.seconds()?;
        let deployment = ctx.deployment()?;
        let file = ctx.wallet_file()?;
        let provider = ctx.provider().await?;
        let state = NameState::read(ctx, &provider, &name).await?;
        match state.phase {
            Phase::Live | Phase::Grace => {}
            Phase::Unregistered => bail!(
                "{name} is not registered, so it cannot be renewed; register it with `sesh name register {name}`; nothing was sent"
            ),
            _ => bail!(
                "{name} expired on {} and its grace period ended on {}; it can no longer be renewed, register it instead; nothing was sent",
                date(state.expiry),
                date(state.grace_end())
            ),
        }
        let registry_address = deployment.contracts.name_registry;
        let registry = NameRegistry::new(registry_address, &provider);
        let rent = registry
            .rentPrice(name.to_string(), U256::from(duration))
            .call()
            .await
            .wrap_err_with(|| format!("cannot price {name}"))?
            .rent;
        let new_expiry = state.expiry + duration;
        let keys = ctx.unlock(&file)?;
        let signer = ctx.signing_provider(&keys).await?;
        let permit = payment::sign(&signer, deployment, &keys, registry_address, rent).await?;
        let plan = Plan {
            action: format!("Renew {name} for {}", describe_duration(duration)),
            details: vec![
                ("owner".into(), state.registrant.to_string()),
                ("expires now".into(), date(state.expiry)),
                ("new expiry".into(), date(new_expiry)),
                ("rent".into(), cost_line(rent)),
            ],
            request: TransactionRequest::default()
                .with_to(registry_address)
                .with_input(
                    NameRegistry::renewCall {
                        label: name.to_string(),
                        duration: U256::from(duration),
                        maxCost: rent,
                        permit: permit.into(),
                    }
                    .abi_encode(),
                ),
        };
        let Some(mut mined) = tx::execute(ctx, &signer, file.evm_address, plan).await? else {
            return Ok(());
        };
        mined.await_indexed(ctx, name.as_str()).await;
        let after = NameState::read(ctx, &provider, &name).await?;
        let mut data = mined.json();
        data["name"] = serde_json::json!(name.as_str());
        data["old_expiry"] = serde_json::json!(state.expiry);
        data["expiry"] = serde_json::json!(after.expiry);
        data["expiry_date"] = serde_json::json!(date(after.expiry));
        data["rent"] = serde_json::json!(sesh_fixed(rent.into()));
        ctx.out.result(
            &format!(
                "Renewed {name} until {} (was {})\n  paid          {}\n  tx            {}",
                date(after.expiry),
                date(state.expiry),
                cost_line(rent),
                mined.hash
            ),
            data,
        )?;
        Ok(())
    }
}
