//! `sesh stake ...`: staking SESH in registry nodes and claiming rewards
//! (see docs/staking.md). Stakes go in by ERC-20 approval (staking has no
//! permit path): the approval is its own transaction, confirmed separately.

pub(crate) mod cancel;
pub(crate) mod claim;
pub(crate) mod contribute;
pub(crate) mod create_node;
pub(crate) mod exit;
pub(crate) mod nodes;
pub(crate) mod status;
pub(crate) mod withdraw;

use crate::chain::{Chain, read_error};
use crate::context::Context;
use alloy::primitives::{Address, U256};
use clap::Subcommand;
use eyre::{bail, eyre};
use sesh_core::bindings::NodeStaking;
use sesh_core::bindings::node_staking::INodeStaking::NodeInfo;
use sesh_core::protocol::NodeState;

/// Staking commands.
#[derive(Debug, Subcommand)]
// The variants' help is each Args struct's doc comment (a variant doc would replace
// the long help with its one line), so the variants themselves carry none.
#[allow(missing_docs)]
pub(crate) enum StakeCommand {
    Nodes(nodes::NodesArgs),
    CreateNode(create_node::CreateNodeArgs),
    Contribute(contribute::ContributeArgs),
    Status(status::StatusArgs),
    Claim(claim::ClaimArgs),
    Exit(exit::ExitArgs),
    Withdraw(withdraw::WithdrawArgs),
    Cancel(cancel::CancelArgs),
}

impl StakeCommand {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        match self {
            Self::Nodes(args) => args.run(ctx).await,
            Self::CreateNode(args) => args.run(ctx).await,
            Self::Contribute(args) => args.run(ctx).await,
            Self::Status(args) => args.run(ctx).await,
            Self::Claim(args) => args.run(ctx).await,
            Self::Exit(args) => args.run(ctx).await,
            Self::Withdraw(args) => args.run(ctx).await,
            Self::Cancel(args) => args.run(ctx).await,
        }
    }
}

/// How many nodes were ever created (their ids run from 1).
pub(crate) async fn node_count(chain: &Chain<'_>) -> eyre::Result<u64> {
    Ok(chain
        .staking()
        .nodeCount()
        .call()
        .await
        .map_err(read_error("the node count"))?
        .try_into()
        .unwrap_or(u64::MAX))
}

/// The state of node `node_id`, whose record is `info` (refused for a node that does not
/// exist).
pub(crate) fn state(node_id: u64, info: &NodeInfo) -> eyre::Result<NodeState> {
    NodeState::from_u8(info.state).ok_or_else(|| eyre!("there is no node {node_id}"))
}

/// `account`'s stake in node `node_id`, refused in words when it holds none.
pub(crate) async fn stake_of(
    chain: &Chain<'_>,
    node_id: u64,
    account: Address,
) -> eyre::Result<NodeStaking::contributionOfReturn> {
    let position = chain
        .staking()
        .contributionOf(U256::from(node_id), account)
        .call()
        .await
        .map_err(read_error("your stake"))?;
    if position.stake.is_zero() {
        bail!("{account} has no stake in node {node_id}");
    }
    Ok(position)
}
