//! `sesh stake withdraw NODE_ID`.

use super::{ACTIVE, OPEN, staking, state_name};
use crate::format::sesh_fixed;
use crate::cmd::market::{call, chain_now, date, days_left, read_error, secs};
use crate::context::Context;
use crate::tx::{self, Plan};
use alloy::primitives::U256;
use clap::Args;
use eyre::bail;
use sesh_core::Sesh;

/// Take your unlocked stake out of node NODE_ID
///
/// From an open node: 1 day after you contributed (its operator cancels the
/// node instead, with `sesh stake cancel`). From an exited, deregistered or
/// cancelled node: from its unlock date (at once for a cancelled node).
/// Before that it is refused with the date, and nothing is sent.
///
/// Examples:
///   sesh stake status
///   sesh stake withdraw 1
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct WithdrawArgs {
    /// The node to withdraw from.
    pub node_id: u64,
}

impl WithdrawArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let id = self.node_id;
        let node_id = U256::from(id);
        let file = ctx.wallet_file()?;
        let me = file.evm_address;
        let provider = ctx.provider().await?;
        let staking = staking(ctx, &provider)?;
        let position = staking
            .contributionOf(node_id, me)
            .call()
            .await
            .map_err(read_error("your stake"))?;
        if position.stake.is_zero() {
            bail!("{me} has no stake in node {id}");
        }
        let info = super::node_info(&staking, node_id).await?;
        if info.state == ACTIVE {
            bail!(
                "node {id} is active, so its stakes are locked; `sesh stake exit {id}` unlocks them 15 days later"
            );
        }
        let unlock = secs(position.unlockTime);
        if info.state == OPEN && unlock == 0 {
            bail!(
                "the operator of open node {id} cannot withdraw; cancel the node instead with `sesh stake cancel {id}` (your stake comes back at once and the other contributors withdraw theirs); nothing was sent"
            );
        }
        let now = chain_now(&provider).await?;
        if now < unlock {
            bail!(
                "the stake in node {id} is locked until {} ({}); nothing was sent",
                date(unlock),
                days_left(unlock, now)
            );
        }
        let stake = Sesh::from_units(position.stake);

        let keys = ctx.unlock(&file)?;
        let provider = ctx.signing_provider(&keys).await?;
        let staking = super::staking(ctx, &provider)?;
        let input = if info.state == OPEN {
            staking.withdrawContribution(node_id).calldata().clone()
        } else {
            staking.withdrawStake(node_id).calldata().clone()
        };
        let plan = Plan {
            action: format!("Withdraw {stake} SESH from node {id}"),
            details: vec![
                ("amount".into(), format!("{stake} SESH")),
                ("node".into(), state_name(info.state).into()),
            ],
            request: call(*staking.address(), &input),
        };
        let Some(mined) = tx::execute(ctx, &provider, me, plan).await? else {
            return Ok(());
        };
        let mut data = mined.json();
        data["node_id"] = serde_json::json!(id);
        data["amount"] = serde_json::json!(sesh_fixed(stake));
        ctx.out.result(
            &format!("Withdrew {stake} SESH from node {id}\n  tx {}", mined.hash),
            data,
        )?;
        Ok(())
    }
}
