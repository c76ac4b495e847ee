//! `sesh stake status`.

use super::{ACTIVE, staking, state_name};
use crate::format::sesh_fixed;
use crate::cmd::market::{chain_now, date, days_left, read_error, secs};
use crate::context::Context;
use alloy::primitives::U256;
use clap::Args;
use sesh_core::Sesh;

/// Show your stakes per node, when they unlock, and your pending rewards
///
/// Unlock dates are shown with the days left: stakes in an open node can be
/// withdrawn 1 day after they went in, stakes of an exited node 15 days
/// after the exit, of a deregistered node 30 days after. Stakes in an active
/// node stay until someone asks it to exit. No password needed.
///
/// Examples:
///   sesh stake status
///   sesh stake status --json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct StatusArgs {}

impl StatusArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let me = ctx.wallet_file()?.evm_address;
        let provider = ctx.provider().await?;
        let staking = staking(ctx, &provider)?;
        let now = chain_now(&provider).await?;
        let count: u64 = staking
            .nodeCount()
            .call()
            .await
            .map_err(read_error("the node count"))?
            .try_into()
            .unwrap_or(u64::MAX);
        let mut text = format!("Stakes of {me}\n");
        let mut stakes = Vec::new();
        for id in 1..=count {
            let position = staking
                .contributionOf(U256::from(id), me)
                .call()
                .await
                .map_err(read_error("a stake"))?;
            if position.stake.is_zero() {
                continue;
            }
            let info = staking
                .nodeInfo(U256::from(id))
                .call()
                .await
                .map_err(read_error("a node"))?;
            let stake = Sesh::from_units(position.stake);
            let unlock = secs(position.unlockTime);
            let unlock_text = if info.state == ACTIVE {
                "locked while the node is active (`sesh stake exit` starts the 15 days)".to_string()
            } else if unlock == 0 {
                "the operator's stake returns when the node is cancelled".to_string()
            } else if unlock <= now {
                format!("unlocked since {}", date(unlock))
            } else {
                format!("unlocks {} ({})", date(unlock), days_left(unlock, now))
            };
            text.push_str(&format!(
                "  node {id}  {}  {stake} SESH  {unlock_text}\n",
                state_name(info.state)
            ));
            stakes.push(serde_json::json!({
                "node_id": id,
                "state": state_name(info.state),
                "stake": sesh_fixed(stake),
                "unlock_time": (unlock != 0 && info.state != ACTIVE).then_some(unlock),
                "unlocks": (unlock != 0 && info.state != ACTIVE).then(|| date(unlock)),
                "unlocked": info.state != ACTIVE && unlock != 0 && unlock <= now,
            }));
        }
        if stakes.is_empty() {
            text.push_str("  no stakes\n");
        }
        let pending = Sesh::from_units(
            staking
                .pendingRewards(me)
                .call()
                .await
                .map_err(read_error("the pending rewards"))?,
        );
        text.push_str(&format!("Pending rewards: {pending} SESH"));
        ctx.out.result(
            &text,
            serde_json::json!({
                "address": me.to_checksum(None),
                "stakes": stakes,
                "pending_rewards": sesh_fixed(pending),
            }),
        )?;
        Ok(())
    }
}
