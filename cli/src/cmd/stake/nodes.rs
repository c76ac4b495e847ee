//! `sesh stake nodes [--all]`.

use crate::chain::{Chain, read_error};
use crate::context::Context;
use crate::format::{Checksummed, SeshAmount, percent};
use crate::logs;
use crate::output::Report;
use crate::police::{PeerView, Standings, Witness};
use alloy::primitives::{B256, U256};
use alloy::rpc::types::Filter;
use alloy::sol_types::SolEvent;
use clap::Args;
use serde::Serialize;
use sesh_core::Sesh;
use sesh_core::bindings::NodeStaking;
use sesh_core::key_proof;
use sesh_core::protocol::{MAX_CONTRIBUTORS, NodeState};
use std::collections::BTreeMap;

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
/// Each active node's health as its peers see it: up to 3 registry nodes
/// (onion paths unless --direct) say whether their last test of it passed,
/// since when it fails and why, the downtime credit it has left, and any
/// deregistration vote they hold against it. A node failing for longer than
/// its credit is voted out: 0.2% of every stake in it goes to the pool and
/// the stakes stay locked 30 days (docs/staking.md). While it is active no
/// contributor can withdraw; tell its operator, who can bring it back within
/// its credit. A registry node that cannot be reached is a warning only.
///
/// Examples:
///   sesh stake nodes
///   sesh stake nodes --all --json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct NodesArgs {
    /// Show nodes in every state.
    #[arg(long)]
    pub(crate) all: bool,
}

/// What `sesh stake nodes` reports.
#[derive(Debug, Serialize)]
pub(crate) struct Nodes {
    /// The nodes, by id.
    pub(crate) nodes: Vec<Node>,
    /// The registry nodes asked how the active nodes' peers see them.
    pub(crate) standings_from: Vec<Witness>,
    /// Whether nodes in every state were asked for (for the text).
    #[serde(skip)]
    pub(crate) all: bool,
}

/// One node in `sesh stake nodes`.
#[derive(Debug, Serialize)]
pub(crate) struct Node {
    /// Its id (from 1).
    pub(crate) id: u64,
    /// Its operator.
    pub(crate) operator: Checksummed,
    /// Its state.
    pub(crate) state: NodeState,
    /// The SESH staked in it.
    pub(crate) staked: SeshAmount,
    /// The stake it needs to be active.
    pub(crate) requirement: SeshAmount,
    /// The operator's fee on contributors' rewards.
    pub(crate) fee_bps: u64,
    /// Contributor slots still open to anyone (0 unless the node is open).
    pub(crate) open_slots: u64,
    /// How many contributors it has, the operator included.
    pub(crate) contributors: u64,
    /// Its public URL.
    pub(crate) url: String,
    /// Its Ed25519 key.
    pub(crate) ed25519_key: B256,
    /// The address it votes with.
    pub(crate) signer: Checksummed,
    /// Whether its key proof verifies (`null`: not checked).
    pub(crate) key_proof_valid: Option<bool>,
    /// How its peers see it (`null`: not active, or no registry node answered).
    pub(crate) peers: Option<PeerView>,
}

impl Report for Nodes {
    fn text(&self) -> String {
        let mut text = String::new();
        for node in &self.nodes {
            text.push_str(&format!(
                "node {}  {}  operator {}\n  stake {} / {}  fee {}  open slots {}  contributors {}\n  {}\n",
                node.id,
                node.state,
                node.operator,
                node.staked.0,
                node.requirement,
                percent(node.fee_bps),
                node.open_slots,
                node.contributors,
                node.url,
            ));
            if node.key_proof_valid == Some(false) {
                text.push_str(&format!(
                    "  INVALID KEY PROOF: registry nodes ignore this node{}\n",
                    advice(node.state)
                ));
            }
            for line in node.peers.iter().flat_map(PeerView::lines) {
                text.push_str(&format!("  {line}\n"));
            }
        }
        if self.nodes.is_empty() {
            text.push_str(if self.all {
                "No nodes yet."
            } else {
                "No active or open nodes (--all shows the others)."
            });
        }
        text
    }
}

/// What to do about a node with an invalid key proof in `state`.
fn advice(state: NodeState) -> &'static str {
    if state == NodeState::Open {
        "; do not contribute to it"
    } else {
        ""
    }
}

impl NodesArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let chain = Chain::read(ctx).await?;
        let staking = chain.staking();
        let chain_id = chain.deployment().chain_id;
        let staking_address = *staking.address();
        let count = super::node_count(&chain).await?;
        let proofs = match key_proofs(&chain).await {
            Ok(proofs) => Some(proofs),
            Err(error) => {
                ctx.out.warn(&format!(
                    "the nodes' key proofs were not checked ({}); run again before contributing",
                    crate::error::chain(&error).join(": ")
                ));
                None
            }
        };
        let mut nodes = Vec::new();
        let mut standings = None;
        for id in 1..=count {
            let info = chain.node(id).await?;
            let state = super::state(id, &info)?;
            if !self.all && state != NodeState::Open && state != NodeState::Active {
                continue;
            }
            let contributors: u64 = info.contributorCount.try_into().unwrap_or(u64::MAX);
            let open_slots = if state == NodeState::Open {
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
            // None: not checked (the logs could not be read, or no NodeCreated was found).
            let key_proof_valid = proofs
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
            if key_proof_valid == Some(false) {
                ctx.out.warn(&format!(
                    "node {id}'s Ed25519 key proof does not verify for its operator {} and signer {}, so registry nodes ignore it: it never serves, and its stake risks deregistration{}",
                    info.operator,
                    info.signer,
                    advice(state)
                ));
            }
            let peers = Standings::of_active(&mut standings, ctx, id, state).await;
            nodes.push(Node {
                id,
                operator: info.operator.into(),
                state,
                staked: Sesh::from_units(info.totalStaked).into(),
                requirement: Sesh::from_units(info.requirement).into(),
                fee_bps: info.feeBps.try_into().unwrap_or(u64::MAX),
                open_slots,
                contributors,
                url: info.url,
                ed25519_key: info.ed25519Key,
                signer: info.signer.into(),
                key_proof_valid,
                peers,
            });
        }
        ctx.out.print(&Nodes {
            nodes,
            standings_from: standings.map(|s| s.asked).unwrap_or_default(),
            all: self.all,
        })?;
        Ok(())
    }
}

/// Every node's Ed25519 key proof, by node id, from the `NodeCreated` events (the
/// contract keeps the key but not its signature).
async fn key_proofs(chain: &Chain<'_>) -> eyre::Result<BTreeMap<u64, alloy::primitives::Bytes>> {
    let deployment = chain.deployment();
    let filter = Filter::new()
        .address(deployment.contracts.node_staking)
        .event_signature(NodeStaking::NodeCreated::SIGNATURE_HASH);
    let mut proofs = BTreeMap::new();
    for log in logs::fetch(chain.provider(), filter, deployment.deploy_block).await? {
        if let Ok(event) = log.log_decode::<NodeStaking::NodeCreated>() {
            let event = event.inner.data;
            if let Ok(id) = u64::try_from(event.nodeId) {
                proofs.insert(id, event.ed25519Signature);
            }
        }
    }
    Ok(proofs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::golden;

    #[test]
    fn json_is_pinned() {
        golden::check(
            "stake-nodes",
            &Nodes {
                nodes: vec![Node {
                    id: 1,
                    operator: golden::account(0),
                    state: NodeState::Open,
                    staked: Sesh::parse("25").unwrap().into(),
                    requirement: Sesh::parse("100").unwrap().into(),
                    fee_bps: 500,
                    open_slots: 9,
                    contributors: 1,
                    url: "https://node-1.example".into(),
                    ed25519_key: B256::repeat_byte(0x5a),
                    signer: golden::account(2),
                    key_proof_valid: Some(true),
                    peers: None,
                }],
                standings_from: Vec::new(),
                all: false,
            },
        );
    }

    #[test]
    fn json_of_an_active_node_with_its_peers_view_is_pinned() {
        golden::check(
            "stake-nodes.peers",
            &Nodes {
                nodes: vec![Node {
                    id: 3,
                    operator: golden::account(0),
                    state: NodeState::Active,
                    staked: Sesh::parse("100").unwrap().into(),
                    requirement: Sesh::parse("100").unwrap().into(),
                    fee_bps: 500,
                    open_slots: 0,
                    contributors: 2,
                    url: "https://node3.example".into(),
                    ed25519_key: B256::repeat_byte(0x5a),
                    signer: golden::account(2),
                    key_proof_valid: Some(true),
                    peers: Some(crate::police::sample_view()),
                }],
                standings_from: crate::police::sample_witnesses(),
                all: false,
            },
        );
    }
}
