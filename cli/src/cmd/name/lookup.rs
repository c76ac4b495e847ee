//! `sesh name lookup NAME [--rpc]`.

use super::common::{NameState, Phase, State, describe};
use crate::chain::Chain;
use crate::context::Context;
use crate::format::{Checksummed, Timestamp};
use crate::output::Report;
use crate::registry::{NodesSource, Registry, ask_name};
use clap::Args;
use serde::Serialize;
use sesh_core::{Name, SessionId};

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
pub(crate) struct LookupArgs {
    /// The name to look up.
    pub(crate) name: String,
    /// Read the chain directly through the RPC endpoint.
    #[arg(long)]
    pub(crate) rpc: bool,
    /// Resolve through the registry nodes' ONS endpoint, as Session does:
    /// only the name's hash is sent, the answer is decrypted locally.
    #[arg(long, conflicts_with = "rpc")]
    pub(crate) private: bool,
}

/// What `sesh name lookup` reports: what the registry nodes agree on, or (`--rpc`) what the
/// chain says.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(crate) enum Lookup {
    /// Through registry nodes.
    Nodes(Box<ViaNodes>),
    /// Through the RPC.
    Rpc(Box<ViaRpc>),
}

/// `sesh name lookup` through registry nodes.
#[derive(Debug, Serialize)]
pub(crate) struct ViaNodes {
    pub(crate) name: String,
    /// Whether the nodes know it (`false`: never registered).
    pub(crate) registered: bool,
    /// Its state at the nodes' indexed head (`chain_time`): the word `--rpc` gives at that time.
    pub(crate) state: State,
    /// Its holder.
    pub(crate) owner: Option<Checksummed>,
    /// When it expires (expired).
    pub(crate) expiry: Option<Timestamp>,
    /// The last second of its grace period.
    pub(crate) grace_end: Option<Timestamp>,
    /// When its premium reaches zero.
    pub(crate) premium_end: Option<Timestamp>,
    /// Its record's Session ID.
    pub(crate) session_id: Option<SessionId>,
    /// Its record's EVM address.
    pub(crate) evm_address: Option<Checksummed>,
    /// Whether it is its owner's primary name.
    pub(crate) primary: bool,
    /// `false` when its payment did not verify (`state` is then `flagged`).
    pub(crate) valid: bool,
    /// Whether the nodes say their index may be out of date.
    pub(crate) stale: bool,
    /// The time of the nodes' indexed head, which the state is judged at.
    pub(crate) chain_time: Option<Timestamp>,
    /// Which nodes answered and agreed.
    pub(crate) source: NodesSource,
}

/// `sesh name lookup --rpc`.
#[derive(Debug, Serialize)]
pub(crate) struct ViaRpc {
    /// The name as the chain has it.
    #[serde(flatten)]
    pub(crate) state: NameState,
    /// Where the answer came from.
    pub(crate) source: RpcSource,
}

/// The chain read through an RPC: `{"kind": "rpc", ...}`.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename = "rpc")]
pub(crate) struct RpcSource {
    pub(crate) rpc_url: String,
    /// The block read at.
    pub(crate) block: u64,
}

impl Report for Lookup {
    fn text(&self) -> String {
        match self {
            Self::Nodes(nodes) => nodes.text(),
            Self::Rpc(rpc) => {
                let source = format!(
                    "the chain, through the RPC at {} (block {})",
                    rpc.source.rpc_url, rpc.source.block
                );
                let state = &rpc.state;
                let mut text = format!("{}: {}\n", state.name, state.describe());
                if !state.registrant.is_zero() && matches!(state.phase, Phase::Live | Phase::Grace)
                {
                    text.push_str(&format!("  owner         {}\n", state.registrant));
                    text.push_str(&format!("  expires       {}\n", Timestamp(state.expiry)));
                }
                if state.phase == Phase::Live {
                    record_lines(
                        &mut text,
                        state.session_id,
                        state.evm_address,
                        state.primary,
                    );
                }
                text.push_str(&format!("  source        {source}"));
                text
            }
        }
    }
}

impl ViaNodes {
    fn text(&self) -> String {
        let mut text = match (self.state, self.expiry, self.chain_time) {
            (_, None, _) | (_, _, None) => format!("{}: not registered\n", self.name),
            (State::Flagged, _, _) => format!(
                "{}: flagged: its payment did not verify (not valid)\n",
                self.name
            ),
            (_, Some(expiry), Some(now)) => format!(
                "{}: {}\n",
                self.name,
                describe(Phase::at(expiry.0, now.0), expiry.0)
            ),
        };
        if self.registered {
            if let Some(owner) = self.owner {
                text.push_str(&format!("  owner         {owner}\n"));
            }
            if let Some(expiry) = self.expiry {
                text.push_str(&format!("  expires       {expiry}\n"));
            }
        }
        if self.state == State::Live {
            record_lines(
                &mut text,
                self.session_id,
                self.evm_address.map(|a| a.0),
                self.primary,
            );
        }
        text.push_str(&format!("  source        {}", self.source.summary()));
        text
    }
}

/// The record's lines of a live name.
fn record_lines(
    text: &mut String,
    session_id: Option<SessionId>,
    evm_address: Option<alloy::primitives::Address>,
    primary: bool,
) {
    text.push_str(&format!(
        "  Session ID    {}\n",
        session_id
            .map(|id| id.to_string())
            .unwrap_or_else(|| "(none)".into())
    ));
    text.push_str(&format!(
        "  EVM address   {}\n",
        evm_address
            .map(|a| a.to_string())
            .unwrap_or_else(|| "(none)".into())
    ));
    text.push_str(&format!(
        "  primary name  {}\n",
        if primary { "yes" } else { "no" }
    ));
}

impl LookupArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let name = Name::parse(&self.name)?;
        if self.private {
            return super::lookup_private::run(ctx, &name).await;
        }
        if !self.rpc
            && let Some(registry) = Registry::discover(ctx, name.as_str()).await?
        {
            return lookup_via_nodes(ctx, &registry, &name).await;
        }
        let chain = Chain::read(ctx).await?;
        let state = NameState::read(&chain, &name).await?;
        ctx.out.print(&Lookup::Rpc(Box::new(ViaRpc {
            source: RpcSource {
                rpc_url: ctx.rpc_url.to_string(),
                block: state.block,
            },
            state,
        })))?;
        Ok(())
    }
}

/// The lookup through registry nodes.
async fn lookup_via_nodes(ctx: &Context<'_>, registry: &Registry, name: &Name) -> eyre::Result<()> {
    let agreed = ask_name(ctx, registry, name).await?;
    let source = agreed.source();
    let report = match &agreed.value {
        None => ViaNodes {
            name: name.to_string(),
            registered: false,
            state: State::Available,
            owner: None,
            expiry: None,
            grace_end: None,
            premium_end: None,
            session_id: None,
            evm_address: None,
            primary: false,
            valid: true,
            stale: false,
            chain_time: None,
            source,
        },
        Some(response) => {
            let answer = &response.name.answer;
            let now = response.freshness.head.answer.timestamp;
            if response.freshness.stale {
                ctx.out
                    .warn("the registry nodes say their index may be out of date");
            }
            ViaNodes {
                name: answer.name.clone(),
                registered: true,
                state: State::of_node(answer.valid, answer.expiry, now),
                owner: Some(answer.owner.into()),
                expiry: Some(Timestamp(answer.expiry)),
                grace_end: Some(Timestamp(sesh_core::lifecycle::grace_end(answer.expiry))),
                premium_end: Some(Timestamp(sesh_core::lifecycle::premium_end(answer.expiry))),
                session_id: answer.session_id,
                evm_address: answer.evm_address.map(Checksummed),
                primary: answer.primary,
                valid: answer.valid,
                stale: response.freshness.stale,
                chain_time: Some(Timestamp(now)),
                source,
            }
        }
    };
    ctx.out.print(&Lookup::Nodes(Box::new(report)))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::golden;

    #[test]
    fn json_is_pinned() {
        let state = NameState::sample();
        crate::output::golden::check(
            "name-lookup",
            &Lookup::Nodes(Box::new(ViaNodes {
                name: "alice".into(),
                registered: true,
                state: State::Live,
                owner: Some(golden::account(0)),
                expiry: Some(Timestamp(state.expiry)),
                grace_end: Some(Timestamp(state.grace_end())),
                premium_end: Some(Timestamp(state.premium_end())),
                session_id: Some(golden::session_id()),
                evm_address: Some(golden::account(1)),
                primary: true,
                valid: true,
                stale: false,
                chain_time: Some(Timestamp(state.now)),
                source: NodesSource::sample(),
            })),
        );
        crate::output::golden::check(
            "name-lookup.rpc",
            &Lookup::Rpc(Box::new(ViaRpc {
                source: RpcSource {
                    rpc_url: "http://127.0.0.1:8545".into(),
                    block: state.block,
                },
                state,
            })),
        );
    }
}
