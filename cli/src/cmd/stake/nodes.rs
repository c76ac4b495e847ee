//! `sesh stake nodes [--all]`.

use super::{ACTIVE, OPEN, percent, staking, state_name};
use crate::format::sesh_fixed;
use crate::cmd::market::read_error;
use crate::context::Context;
use crate::logs;
use alloy::primitives::U256;
use alloy::rpc::types::Filter;
use alloy::sol_types::SolEvent;
use clap::Args;
use sesh_core::Sesh;
use sesh_core::bindings::NodeStaking;
use sesh_core::key_proof;
use std::collections::BTreeMap;

/// Most contributors a node can have, the operator included.
const MAX_CONTRIBUTORS: u64 = 10;

/// Show the registry nodes: the active ones and the ones open to stakes
///
/// For each node: its id, operator, stake against its requirement, the
/// operator's fee on contributors' rewards, the open contributor slots, its
/// URL and state. --all also shows exited, deregistered and cancelled nodes.
///
/// Each node's Ed25519 key proof (from its NodeCreated event) is checked as
/// registry nodes check it. A node whose proof does not verify is marked
/// (`key_proof_valid: false` in --json) with a warning: registry nodes ignore
/// it, so it never serves or earns; do not contribute to it.
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
        let chain_id = ctx.deployment()?.chain_id;
        let staking_address = *staking.address();
        let count: u64 = staking
            .nodeCount()
            .call()
            .await
            .map_err(read_error("the node count"))?
            .try_into()
            .unwrap_or(u64::MAX);
        let proofs = match key_proofs(ctx, &provider).await {
            Ok(proofs) => Some(proofs),
            Err(error) => {
                ctx.out.warn(&format!(
                    "the nodes' key proofs were not checked ({}); run again before contributing",
                    crate::error::chain(&error).join(": ")
                ));
                None
            }
        };
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
            // None: not checked (the logs could not be read, or no NodeCreated was found).
            let proof_valid = proofs
                .as_ref()
                .and_then(|proofs| proofs.get(&id))
                .map(|proof| {
                    key_proof::is_valid(
                        chain_id,
                        staking_address,
                        info.operator,
                        info.signer,
                        info.ed25519Key,
                        proof,
                    )
                });
            text.push_str(&format!(
                "node {id}  {}  operator {}\n  stake {staked} / {requirement} SESH  fee {}  open slots {open_slots}  contributors {contributors}\n  {}\n",
                state_name(state),
                info.operator,
                percent(info.feeBps),
                info.url,
            ));
            if proof_valid == Some(false) {
                let advice = if state == OPEN {
                    "; do not contribute to it"
                } else {
                    ""
                };
                text.push_str(&format!(
                    "  INVALID KEY PROOF: registry nodes ignore this node{advice}\n"
                ));
                ctx.out.warn(&format!(
                    "node {id}'s Ed25519 key proof does not verify for its operator {} and signer {}, so registry nodes ignore it: it never serves, and its stake risks deregistration{advice}",
                    info.operator, info.signer
                ));
            }
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
                "key_proof_valid": proof_valid,
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

/// Every node's Ed25519 key proof, by node id, from the `NodeCreated` events (the
/// contract keeps the key but not its signature).
async fn key_proofs(
    ctx: &Context<'_>,
    provider: &alloy::providers::DynProvider,
) -> eyre::Result<BTreeMap<u64, alloy::primitives::Bytes>> {
    let deployment = ctx.deployment()?;
    let filter = Filter::new()
        .address(deployment.contracts.node_staking)
        .event_signature(NodeStaking::NodeCreated::SIGNATURE_HASH);
    let mut proofs = BTreeMap::new();
    for log in logs::fetch(provider, filter, deployment.deploy_block).await? {
        if let Ok(event) = log.log_decode::<NodeStaking::NodeCreated>() {
            let event = event.inner.data;
            if let Ok(id) = u64::try_from(event.nodeId) {
                proofs.insert(id, event.ed25519Signature);
            }
        }
    }
    Ok(proofs)
}
