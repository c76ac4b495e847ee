//! `sesh name lookup NAME [--rpc]`.

use super::common::{NameState, Phase, date};
use crate::context::Context;
use clap::Args;
use sesh_core::Name;

/// Look a name up: owner, Session ID, EVM address, expiry, state.
///
/// --rpc reads the chain directly through the RPC endpoint. It is also the
/// default for now: asking several registry nodes and comparing their signed
/// answers is not available in this version. The output says which source
/// answered and at which block.
///
/// Examples:
///   sesh name lookup alice --rpc
///   sesh name lookup alice --json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct LookupArgs {
    /// The name to look up.
    pub name: String,
    /// Read the chain directly through the RPC endpoint.
    #[arg(long)]
    pub rpc: bool,
}

impl LookupArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let name = Name::parse(&self.name)?;
        if !self.rpc && !ctx.registries.is_empty() {
            ctx.out.warn(
                "registry-node lookups are not available in this version; reading the chain over RPC",
            );
        }
        let provider = ctx.provider().await?;
        let state = NameState::read(ctx, &provider, &name).await?;
        let source = format!(
            "the chain, through the RPC at {} (block {})",
            ctx.rpc_url, state.block
        );
        let mut text = format!("{name}: {}\n", state.describe());
        if !state.registrant.is_zero() && matches!(state.phase, Phase::Registered | Phase::Grace) {
            text.push_str(&format!("  owner         {}\n", state.registrant));
            text.push_str(&format!("  expires       {}\n", date(state.expiry)));
        }
        if state.phase == Phase::Registered {
            text.push_str(&format!(
                "  Session ID    {}\n",
                state
                    .session_id
                    .map(|id| id.to_string())
                    .unwrap_or_else(|| "(none)".into())
            ));
            text.push_str(&format!(
                "  EVM address   {}\n",
                state
                    .evm_address
                    .map(|a| a.to_string())
                    .unwrap_or_else(|| "(none)".into())
            ));
            text.push_str(&format!(
                "  primary name  {}\n",
                if state.primary { "yes" } else { "no" }
            ));
        }
        text.push_str(&format!("  source        {source}"));
        let mut data = state.json();
        data["source"] = serde_json::json!({
            "kind": "rpc",
            "rpc_url": ctx.rpc_url,
            "block": state.block,
        });
        ctx.out.result(&text, data)?;
        Ok(())
    }
}
