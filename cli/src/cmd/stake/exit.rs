//! `sesh stake exit NODE_ID`.

use super::{ACTIVE, staking, state_name};
use crate::cmd::market::{DAY, call, chain_now, date, days_left, read_error, secs};
use crate::context::Context;
use crate::tx::{self, Plan};
use alloy::primitives::U256;
use clap::Args;
use eyre::bail;
use sesh_core::Sesh;

/// Days between an exit request and the stakes unlocking.
const EXIT_UNLOCK_DAYS: u64 = 15;

/// Ask the active node NODE_ID to exit; its stakes unlock 15 days later
///
/// Any contributor of the node may ask. The node leaves the active set at
/// once and earns nothing more; every contributor's stake can be withdrawn
/// with `sesh stake withdraw` from the unlock date shown. A contributor
/// holding less than a quarter of the node's stake may ask only from 30 days
/// after the node activated (so a small stake cannot take everyone else's
/// rewards away); the command says from when.
///
/// Examples:
///   sesh stake exit 1
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ExitArgs {
    /// The node to exit.
    pub node_id: u64,
}

impl ExitArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let id = self.node_id;
        let node_id = U256::from(id);
        let file = ctx.wallet_file()?;
        let me = file.evm_address;
        let provider = ctx.provider().await?;
        let staking = staking(ctx, &provider)?;
        let info = super::node_info(&staking, node_id).await?;
        if info.state != ACTIVE {
            bail!(
                "node {id} is {}; only an active node can exit",
                state_name(info.state)
            );
        }
        let position = staking
            .contributionOf(node_id, me)
            .call()
            .await
            .map_err(read_error("your stake"))?;
        if position.stake.is_zero() {
            bail!("{me} has no stake in node {id}");
        }
        let now = chain_now(&provider).await?;
        let allowed = secs(
            staking
                .exitAllowedFrom(node_id, me)
                .call()
                .await
                .map_err(read_error("when you may ask for an exit"))?,
        );
        if now < allowed {
            let activated = secs(info.activatedAt);
            let ago = match now.saturating_sub(activated) / DAY {
                0 => "today".to_string(),
                1 => "1 day ago".to_string(),
                days => format!("{days} days ago"),
            };
            bail!(
                "you hold {} SESH of node {id}, under a quarter of its {} SESH, and the node \
                 activated {ago} ({}): you can request its exit from {} ({}); until then only \
                 a contributor holding a quarter or more, such as the operator, can",
                Sesh::from_units(position.stake),
                Sesh::from_units(info.requirement),
                date(activated),
                date(allowed),
                days_left(allowed, now),
            );
        }
        let unlock = now + EXIT_UNLOCK_DAYS * DAY;

        let keys = ctx.unlock(&file)?;
        let provider = ctx.signing_provider(&keys).await?;
        let staking = super::staking(ctx, &provider)?;
        let plan = Plan {
            action: format!(
                "Take node {id} out of the active set; its stakes unlock on {}",
                date(unlock)
            ),
            details: vec![
                (
                    "your stake".into(),
                    format!("{} SESH", Sesh::from_units(position.stake)),
                ),
                (
                    "unlocks".into(),
                    format!("{} ({EXIT_UNLOCK_DAYS} days)", date(unlock)),
                ),
                ("note".into(), "the node earns no more rewards".into()),
            ],
            request: call(*staking.address(), staking.requestExit(node_id).calldata()),
        };
        let Some(mined) = tx::execute(ctx, &provider, me, plan).await? else {
            return Ok(());
        };
        let info = super::node_info(&staking, node_id).await?;
        let unlock = crate::cmd::market::secs(info.unlockTime);
        let mut data = mined.json();
        data["node_id"] = serde_json::json!(id);
        data["unlock_time"] = serde_json::json!(unlock);
        data["unlocks"] = serde_json::json!(date(unlock));
        ctx.out.result(
            &format!(
                "Node {id} exited; its stakes unlock on {}\n  tx {}",
                date(unlock),
                mined.hash
            ),
            data,
        )?;
        Ok(())
    }
}
