//! `sesh name set-primary NAME` / `--clear`.

use super::common::{NameState, sign_consent};
use crate::context::Context;
use crate::tx::{self, Plan};
use alloy::network::TransactionBuilder;
use alloy::rpc::types::TransactionRequest;
use alloy::sol_types::SolCall;
use clap::Args;
use eyre::bail;
use sesh_core::Name;
use sesh_core::bindings::NameRegistry;

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
pub struct SetPrimaryArgs {
    /// The name to make primary.
    #[arg(required_unless_present = "clear", conflicts_with = "clear")]
    pub name: Option<String>,
    /// Clear the wallet's primary name instead.
    #[arg(long)]
    pub clear: bool,
}

impl SetPrimaryArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let name = self.name.as_deref().map(Name::parse).transpose()?;
        let registry_address = ctx.deployment()?.contracts.name_registry;
        let file = ctx.wallet_file()?;
        let provider = ctx.provider().await?;
        let mut details = vec![];
        // `Some(consent)`: the name to make primary, and whether its record holds the wallet's
        // Session ID (then the Session ID consents to it as its reverse name).
        let set = match &name {
            Some(name) => {
                let state = NameState::read(ctx, &provider, name).await?;
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
                let registry = NameRegistry::new(registry_address, &provider);
                let primary = registry.primaryNameOf(file.evm_address).call().await?;
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
        let (action, input) = match set {
            Some((name, true)) => (
                format!("Make {name} the primary name of {}", file.evm_address),
                NameRegistry::setPrimaryNameAndConsentCall {
                    tokenId: name.token_id(),
                    consent: sign_consent(ctx, &provider, &keys, name.token_id(), file.evm_address)
                        .await?,
                }
                .abi_encode(),
            ),
            Some((name, false)) => (
                format!("Make {name} the primary name of {}", file.evm_address),
                NameRegistry::setPrimaryNameCall {
                    tokenId: name.token_id(),
                }
                .abi_encode(),
            ),
            None => (
                format!("Clear the primary name of {}", file.evm_address),
                NameRegistry::clearPrimaryNameCall {}.abi_encode(),
            ),
        };
        let signer = ctx.signing_provider(&keys).await?;
        let plan = Plan {
            action,
            details,
            request: TransactionRequest::default()
                .with_to(registry_address)
                .with_input(input),
        };
        let Some(mut mined) = tx::execute(ctx, &signer, file.evm_address, plan).await? else {
            return Ok(());
        };
        mined
            .await_indexed(ctx, &file.evm_address.to_string())
            .await;
        let mut data = mined.json();
        data["primary_name"] = serde_json::json!(name.as_ref().map(|n| n.as_str()));
        let text = match &name {
            Some(name) => format!("{name} is now the primary name of {}", file.evm_address),
            None => format!("Cleared the primary name of {}", file.evm_address),
        };
        ctx.out
            .result(&format!("{text}\n  tx            {}", mined.hash), data)?;
        Ok(())
    }
}
