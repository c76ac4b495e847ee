//! `sesh stake ...`: staking SESH in registry nodes and claiming rewards
//! (see docs/staking.md). Stakes go in by ERC-20 approval (staking has no
//! permit path): the approval is its own transaction, confirmed separately.

pub mod cancel;
pub mod claim;
pub mod contribute;
pub mod create_node;
pub mod exit;
pub mod nodes;
pub mod status;
pub mod withdraw;

use crate::cmd::market::call;
use crate::context::Context;
use crate::tx::{self, Plan};
use alloy::primitives::{Address, U256};
use alloy::providers::DynProvider;
use clap::Subcommand;
use eyre::{WrapErr, bail};
use sesh_core::Sesh;
use sesh_core::bindings::{NodeStaking, TestSESH};

/// Staking commands.
#[derive(Debug, Subcommand)]
// The variants' help is each Args struct's doc comment (a variant doc would replace
// the long help with its one line), so the variants themselves carry none.
#[allow(missing_docs)]
pub enum StakeCommand {
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
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
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

/// Node states, in the contract's `NodeState` order.
pub const STATES: [&str; 6] = [
    "unknown",
    "open",
    "active",
    "exited",
    "deregistered",
    "cancelled",
];

/// `NodeState::Open`.
pub const OPEN: u8 = 1;
/// `NodeState::Active`.
pub const ACTIVE: u8 = 2;
/// `NodeState::Cancelled`.
pub const CANCELLED: u8 = 5;

/// A node state in words.
pub fn state_name(state: u8) -> &'static str {
    STATES.get(usize::from(state)).copied().unwrap_or("unknown")
}

/// Basis points as a percentage: 250 -> "2.5%".
pub fn percent(bps: U256) -> String {
    let bps: u64 = bps.try_into().unwrap_or(u64::MAX);
    let whole = bps / 100;
    let fraction = bps % 100;
    if fraction == 0 {
        format!("{whole}%")
    } else {
        format!(
            "{whole}.{}%",
            format!("{fraction:02}").trim_end_matches('0')
        )
    }
}

/// Node `node_id`'s record on chain (`NodeStaking.nodeInfo`).
pub async fn node_info(
    staking: &NodeStaking::NodeStakingInstance<&DynProvider>,
    node_id: U256,
) -> eyre::Result<sesh_core::bindings::node_staking::INodeStaking::NodeInfo> {
    staking
        .nodeInfo(node_id)
        .call()
        .await
        .map_err(crate::cmd::market::read_error("the node"))
}

/// The staking contract.
pub fn staking<'p>(
    ctx: &Context<'_>,
    provider: &'p DynProvider,
) -> eyre::Result<NodeStaking::NodeStakingInstance<&'p DynProvider>> {
    Ok(NodeStaking::new(
        ctx.deployment()?.contracts.node_staking,
        provider,
    ))
}

/// Refuses when `owner` holds less than `amount` SESH, before anything is sent.
pub async fn require_balance(
    ctx: &Context<'_>,
    provider: &DynProvider,
    owner: Address,
    amount: Sesh,
) -> eyre::Result<()> {
    let token = TestSESH::new(ctx.deployment()?.contracts.sesh, provider);
    let balance = Sesh::from_units(
        token
            .balanceOf(owner)
            .call()
            .await
            .wrap_err("cannot read the SESH balance")?,
    );
    if balance < amount {
        bail!("not enough SESH: {owner} holds {balance} SESH but {amount} SESH are needed");
    }
    Ok(())
}

/// Approves the staking contract for `amount` SESH when the allowance is
/// smaller (its own transaction, with its own confirmation). `Ok(false)` when
/// the user declined.
pub async fn ensure_allowance(
    ctx: &Context<'_>,
    provider: &DynProvider,
    owner: Address,
    amount: Sesh,
) -> eyre::Result<bool> {
    let contracts = &ctx.deployment()?.contracts;
    let token = TestSESH::new(contracts.sesh, provider);
    let allowance = token
        .allowance(owner, contracts.node_staking)
        .call()
        .await
        .wrap_err("cannot read the SESH allowance")?;
    if allowance >= amount.units() {
        return Ok(true);
    }
    ctx.out.info(
        "Staking takes SESH by allowance: first approve the staking contract for the amount.",
    );
    let plan = Plan {
        action: format!("Allow the staking contract to take {amount} SESH"),
        details: vec![
            ("amount".into(), format!("{amount} SESH")),
            ("spender".into(), contracts.node_staking.to_string()),
        ],
        request: call(
            contracts.sesh,
            token
                .approve(contracts.node_staking, amount.units())
                .calldata(),
        ),
    };
    Ok(tx::execute(ctx, provider, owner, plan).await?.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_and_fees_read_naturally() {
        assert_eq!(state_name(OPEN), "open");
        assert_eq!(state_name(ACTIVE), "active");
        assert_eq!(state_name(9), "unknown");
        assert_eq!(percent(U256::from(250)), "2.5%");
        assert_eq!(percent(U256::from(1_000)), "10%");
        assert_eq!(percent(U256::from(5)), "0.05%");
    }
}
