//! `sesh name set-primary NAME` / `--clear`.

use super::common::{NameState, sign_consent};
use crate::chain::{Chain, read_error};
use crate::context::Context;
use crate::format::Checksummed;
use crate::output::Report;
use crate::tx::{self, Mined, Plan};
use clap::Args;
use eyre::bail;
use serde::Serialize;
use sesh_core::Name;

/// Make a name the wallet's primary name (its reverse record), or clear it
///
/// The account's primary name is what others see for its Session ID. Only
/// the owner of a live name may make it primary; an account has at most one.
/// When the name's record holds the wallet's Session ID, the wallet's Session
/// key also signs the Session ID's consent to the name as its reverse name
/// (in the same transaction): a name counts as a Session ID's reverse name
/// only with that consent. Clearing the primary name leaves the Session ID
/// without a reverse name.
///
/// Examples:
///   sesh name set-primary alice
///   sesh name set-primary --clear --yes
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct SetPrimaryArgs {
    /// The name to make primary.
    #[arg(required_unless_present = "clear", conflicts_with = "clear")]
    pub(crate) name: Option<String>,
    /// Clear the wallet's primary name instead.
    #[arg(long)]
    pub(crate) clear: bool,
}

/// What `sesh name set-primary` reports.
#[derive(Debug, Serialize)]
pub(crate) struct SetPrimary {
    pub(crate) owner: Checksummed,
    /// Its primary name now (`null`: cleared).
    pub(crate) primary_name: Option<String>,
    #[serde(flatten)]
    pub(crate) tx: Mined,
}

impl Report for SetPrimary {
    fn text(&self) -> String {
        let text = match &self.primary_name {
            Some(name) => format!("{name} is now the primary name of {}", self.owner),
            None => format!("Cleared the primary name of {}", self.owner),
        };
        format!("{text}\n  tx            {}", self.tx.hash)
    }
}

impl SetPrimaryArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let name = self.name.as_deref().map(Name::parse).transpose()?;
        let file = ctx.wallet_file()?;
        let chain = Chain::read(ctx).await?;
        let registry_address = chain.contracts().name_registry;
        let mut details = vec![];
        // `Some(consent)`: the name to make primary, and whether its record holds the wallet's
        // Session ID (then the Session ID consents to it as its reverse name).
        let set = match &name {
            Some(name) => {
                let state = NameState::read(&chain, name).await?;
                state.ensure_owned_by(file.evm_address)?;
                let consent = state.session_id == Some(file.session_id);
                details.push((
                    "reverse name".to_string(),
                    if consent {
                        format!("{name} for {}, which signs its consent", file.session_id)
                    } else {
                        format!(
                            "none: the record of {name} does not hold this wallet's Session ID, so no Session ID is named by it"
                        )
                    },
                ));
                Some((name, consent))
            }
            None => {
                let primary = chain
                    .registry()
                    .primaryNameOf(file.evm_address)
                    .call()
                    .await
                    .map_err(read_error("the primary name"))?;
                if !primary.set {
                    bail!(
                        "{} has no primary name to clear; nothing was sent",
                        file.evm_address
                    );
                }
                None
            }
        };
        let keys = ctx.unlock(&file)?;
        let signer = chain.signing(&keys).await?;
        let registry = signer.registry();
        let (action, input) = match set {
            Some((name, true)) => (
                format!("Make {name} the primary name of {}", file.evm_address),
                registry
                    .setPrimaryNameAndConsent(
                        name.token_id(),
                        sign_consent(&chain, &keys, name.token_id(), file.evm_address).await?,
                    )
                    .calldata()
                    .clone(),
            ),
            Some((name, false)) => (
                format!("Make {name} the primary name of {}", file.evm_address),
                registry.setPrimaryName(name.token_id()).calldata().clone(),
            ),
            None => (
                format!("Clear the primary name of {}", file.evm_address),
                registry.clearPrimaryName().calldata().clone(),
            ),
        };
        let plan = Plan {
            action,
            details,
            request: tx::call(registry_address, &input),
        };
        let Some(mut mined) = signer.send(file.evm_address, plan).await? else {
            return Ok(());
        };
        mined
            .await_indexed(ctx, &file.evm_address.to_string())
            .await;
        ctx.out.print(&SetPrimary {
            owner: file.evm_address.into(),
            primary_name: name.map(|n| n.to_string()),
            tx: mined,
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_pinned() {
        crate::output::golden::check(
            "name-set-primary",
            &SetPrimary {
                owner: crate::output::golden::account(0),
                primary_name: Some("alice".into()),
                tx: crate::tx::Mined::sample(),
            },
        );
    }
}
