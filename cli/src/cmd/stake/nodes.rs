//! `sesh stake nodes [--all]`.

use super::{ACTIVE, OPEN, percent, staking, state_name};
use crate::cmd::balance::sesh_fixed;
use crate::cmd::market::read_error;
use crate::context::Context;
use alloy::primitives::U256;
use clap::Args;
use sesh_core::Sesh;

/// Most contributors a node can have, the operator included.
const MAX_CONTRIBUTORS: u64 = 10;

/// Show the registry nodes: the active ones and the ones open to stakes
///
/// For each node: its id, operator, stake against its requirement, the
/// operator's fee on contributors' rewards, the open contributor slots, its
/// URL and state. --all also shows exited, deregistered and cancelled nodes.
///
/// Examples:
///   sesh stake nodes
///   sesh stake nodes --all --json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct NodesArgs {
    /// Show nodes in every state.
    #[arg(long)]
    pub all: bool,
}

impl NodesArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let provider = ctx.provider().await?;
        let staking = staking(ctx, &provider)?;
        let count: u64 = staking
            .nodeCount()
            .call()
            .await
            .map_err(read_error("the node count"))?
            .try_into()
            .unwrap_or(u64::MAX);
        let mut text = String::new();
        let mut nodes = Vec::new();
        for id in 1..=count {
            let info = staking
                .nodeInfo(U256::from(id))
                .call()
                .await
                .map_err(read_error("a node"))?;
            let state: u8 = info.state;
            if !self.all && state != OPEN && state != ACTIVE {
                continue;
            }
            let contributors: u64 = info.contributorCount.try_into().unwrap_or(u64::MAX);
            let open_slots = if state == OPEN {
                let reserved = staking
                    .reservationsOf(U256::from(id))
                    .call()
                    .await
                    .map_err(read_error("a node's reservations"))?;
                let unfilled = reserved.filled.iter().filter(|filled| !**filled).count() as u64;
                MAX_CONTRIBUTORS.saturating_sub(contributors + unfilled)
            } else {
                0
            };
            let staked = Sesh::from_units(info.totalStaked);
            let requirement = Sesh::from_units(info.requirement);
            text.push_str(&format!(
                "node {id}  {}  operator {}\n  stake {staked} / {requirement} SESH  fee {}  open slots {open_slots}  contributors {contributors}\n  {}\n",
                state_name(state),
                info.operator,
                percent(info.feeBps),
                info.url,
            ));
            nodes.push(serde_json::json!({
                "id": id,
                "operator": info.operator.to_checksum(None),
                "state": state_name(state),
                "staked": sesh_fixed(staked),
                "requirement": sesh_fixed(requirement),
                "fee_bps": info.feeBps.to_string(),
                "open_slots": open_slots,
                "contributors": contributors,
                "url": info.url,
                "ed25519_key": info.ed25519Key,
                "signer": info.signer.to_checksum(None),
            }));
        }
        if nodes.is_empty() {
            text.push_str(if self.all {
                "No nodes yet."
            } else {
                "No active or open nodes (--all shows the others)."
            });
        }
        ctx.out
            .result(&text, serde_json::json!({ "nodes": nodes }))?;
        Ok(())
    }
}
