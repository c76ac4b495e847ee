//! `sesh name renew NAME`.

use super::common::{DurationOpts, NameState, Phase};
use crate::chain::Chain;
use crate::context::Context;
use crate::format::{SeshAmount, Timestamp, date, duration};
use crate::output::Report;
use crate::tx::{self, Mined, Plan};
use alloy::primitives::U256;
use clap::Args;
use eyre::{WrapErr, bail};
use serde::Serialize;
use sesh_core::Name;

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
pub(crate) struct RenewArgs {
    /// The name to renew.
    pub(crate) name: String,
    /// How long to add.
    #[command(flatten)]
    pub(crate) duration: DurationOpts,
}

/// What `sesh name renew` reports.
#[derive(Debug, Serialize)]
pub(crate) struct Renew {
    pub(crate) name: String,
    /// Its expiry before.
    pub(crate) old_expiry: Timestamp,
    /// Its expiry now.
    pub(crate) expiry: Timestamp,
    /// The rent paid.
    pub(crate) rent: SeshAmount,
    #[serde(flatten)]
    pub(crate) tx: Mined,
}

impl Report for Renew {
    fn text(&self) -> String {
        format!(
            "Renewed {} until {} (was {})\n  paid          {}\n  tx            {}",
            self.name, self.expiry, self.old_expiry, self.rent, self.tx.hash
        )
    }
}

impl RenewArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let name = Name::parse(&self.name)?;
        let duration_secs = self.duration.seconds()?;
        let file = ctx.wallet_file()?;
        let chain = Chain::read(ctx).await?;
        let state = NameState::read(&chain, &name).await?;
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
        let registry_address = chain.contracts().name_registry;
        let rent = chain
            .registry()
            .rentPrice(name.to_string(), U256::from(duration_secs))
            .call()
            .await
            .wrap_err_with(|| format!("cannot price {name}"))?
            .rent;
        let new_expiry = state.expiry + duration_secs;
        let keys = ctx.unlock(&file)?;
        let signer = chain.signing(&keys).await?;
        let permit = signer.permit(&keys, registry_address, rent).await?;
        let plan = Plan {
            action: format!("Renew {name} for {}", duration(duration_secs)),
            details: vec![
                ("owner".into(), state.registrant.to_string()),
                ("expires now".into(), date(state.expiry)),
                ("new expiry".into(), date(new_expiry)),
                ("rent".into(), SeshAmount::from(rent).to_string()),
            ],
            request: tx::call(
                registry_address,
                signer
                    .registry()
                    .renew(
                        name.to_string(),
                        U256::from(duration_secs),
                        rent,
                        permit.into(),
                    )
                    .calldata(),
            ),
        };
        let Some(mut mined) = signer.send(file.evm_address, plan).await? else {
            return Ok(());
        };
        mined.await_indexed(ctx, name.as_str()).await;
        let after = NameState::read(&chain, &name).await?;
        ctx.out.print(&Renew {
            name: name.to_string(),
            old_expiry: Timestamp(state.expiry),
            expiry: Timestamp(after.expiry),
            rent: rent.into(),
            tx: mined,
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sesh_core::Sesh;
    use sesh_core::protocol::YEAR;

    #[test]
    fn json_is_pinned() {
        let state = NameState::sample();
        crate::output::golden::check(
            "name-renew",
            &Renew {
                name: "alice".into(),
                old_expiry: Timestamp(state.expiry),
                expiry: Timestamp(state.expiry + YEAR),
                rent: Sesh::parse("100").unwrap().into(),
                tx: crate::tx::Mined::sample(),
            },
        );
    }
}
