//! `sesh name lookup NAME [--rpc]`.

use super::common::{NameState, Phase, date};
use crate::context::Context;
use crate::registry::{Registry, ask_name};
use clap::Args;
use sesh_core::Name;
use sesh_core::api::NameState as NodeNameState;

/// Look a name up: owner, Session ID, EVM address, expiry, state
///
/// By default asks registry nodes (--registry URLs, else 3 nodes of the
/// active set read from the chain), checks their signed answers and accepts
/// the answer only when they agree; it fails, listing the disagreement, when
/// they don't. Without registry nodes, or with --rpc, reads the chain
/// directly through the RPC endpoint. The output says which source answered
/// and at which block.
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
    /// Resolve through the registry nodes' ONS endpoint, as Session does:
    /// only the name's hash is sent, the answer is decrypted locally.
    #[arg(long, conflicts_with = "rpc")]
    pub private: bool,
}

impl LookupArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let name = Name::parse(&self.name)?;
        if self.private {
            return super::lookup_private::run(ctx, &name).await;
        }
        if !self.rpc
            && let Some(registry) = Registry::discover(ctx, name.as_str()).await?
        {
            return lookup_via_nodes(ctx, &registry, &name).await;
        }
        let provider = ctx.provider().await?;
        let state = NameState::read(ctx, &provider, &name).await?;
        let source = format!(
            "the chain, through the RPC at {} (block {})",
            ctx.rpc_url, state.block
        );
        let mut text = format!("{name}: {}\n", state.describe());
        if !state.registrant.is_zero() && matches!(state.phase, Phase::Live | Phase::Grace) {
            text.push_str(&format!("  owner         {}\n", state.registrant));
            text.push_str(&format!("  expires       {}\n", date(state.expiry)));
        }
        if state.phase == Phase::Live {
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

/// The lookup through registry nodes.
async fn lookup_via_nodes(ctx: &Context<'_>, registry: &Registry, name: &Name) -> eyre::Result<()> {
    let agreed = ask_name(ctx, registry, name).await?;
    let source = agreed.summary();
    let mut text;
    let mut data;
    match &agreed.value {
        None => {
            text = format!("{name}: not registered\n");
            data = serde_json::json!({"name": name.as_str(), "state": "available", "registered": false});
        }
        Some(response) => {
            let answer = &response.name.answer;
            let state = match response.state {
                NodeNameState::Live => "live",
                NodeNameState::Grace => "in its grace period (does not resolve)",
                NodeNameState::Expired => "expired (available)",
                NodeNameState::Flagged => "flagged: its payment did not verify (not valid)",
            };
            text = format!("{name}: {state}\n");
            text.push_str(&format!("  owner         {}\n", answer.owner));
            text.push_str(&format!("  expires       {}\n", date(answer.expiry)));
            if response.state == NodeNameState::Live {
                text.push_str(&format!(
                    "  Session ID    {}\n",
                    answer
                        .session_id
                        .map(|id| id.to_string())
                        .unwrap_or_else(|| "(none)".into())
                ));
                text.push_str(&format!(
                    "  EVM address   {}\n",
                    answer
                        .evm_address
                        .map(|a| a.to_string())
                        .unwrap_or_else(|| "(none)".into())
                ));
                text.push_str(&format!(
                    "  primary name  {}\n",
                    if answer.primary { "yes" } else { "no" }
                ));
            }
            data = serde_json::json!({
                "name": answer.name,
                "registered": true,
                "state": response.state,
                "owner": answer.owner.to_checksum(None),
                "expiry": answer.expiry,
                "expires": date(answer.expiry),
                "session_id": answer.session_id.map(|id| id.to_string()),
                "evm_address": answer.evm_address.map(|a| a.to_checksum(None)),
                "primary": answer.primary,
                "valid": answer.valid,
                "stale": response.freshness.stale,
            });
            if response.freshness.stale {
                ctx.out
                    .warn("the registry nodes say their index may be out of date");
            }
        }
    }
    text.push_str(&format!("  source        {source}"));
    data["source"] = agreed.json();
    ctx.out.result(&text, data)?;
    Ok(())
}
