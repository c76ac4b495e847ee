//! `sesh stake exit NODE_ID`.

use crate::chain::{Chain, read_error};
use crate::context::Context;
use crate::format::{SeshAmount, Timestamp, date, days_left, duration, secs};
use crate::output::Report;
use crate::tx::{Mined, Plan, call};
use alloy::primitives::U256;
use clap::Args;
use eyre::bail;
use serde::Serialize;
use sesh_core::protocol::{DAY, EXIT_UNLOCK_DELAY, NodeState};

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
pub(crate) struct ExitArgs {
    /// The node to exit.
    pub(crate) node_id: u64,
}

/// What `sesh stake exit` reports.
#[derive(Debug, Serialize)]
pub(crate) struct Exited {
    pub(crate) node_id: u64,
    /// When its stakes unlock.
    pub(crate) unlock_time: Timestamp,
    #[serde(flatten)]
    pub(crate) tx: Mined,
}

impl Report for Exited {
    fn text(&self) -> String {
        format!(
            "Node {} exited; its stakes unlock on {}\n  tx {}",
            self.node_id, self.unlock_time, self.tx.hash
        )
    }
}

impl ExitArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let id = self.node_id;
        let node_id = U256::from(id);
        let file = ctx.wallet_file()?;
        let me = file.evm_address;
        let chain = Chain::read(ctx).await?;
        let info = chain
            .node_in(
                id,
                &[NodeState::Active],
                "cannot exit; only an active node can",
            )
            .await?;
        let position = super::stake_of(&chain, id, me).await?;
        let now = chain.now().await?;
        let allowed = secs(
            chain
                .staking()
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
                "you hold {} of node {id}, under a quarter of its {}, and the node \
                 activated {ago} ({}): you can request its exit from {} ({}); until then only \
                 a contributor holding a quarter or more, such as the operator, can",
                SeshAmount::from(position.stake),
                SeshAmount::from(info.requirement),
                date(activated),
                date(allowed),
                days_left(allowed, now),
            );
        }
        let unlock = now + EXIT_UNLOCK_DELAY;

        let keys = ctx.unlock(&file)?;
        let chain = chain.signing(&keys).await?;
        let staking = chain.staking();
        let plan = Plan {
            action: format!(
                "Take node {id} out of the active set; its stakes unlock on {}",
                date(unlock)
            ),
            details: vec![
                (
                    "your stake".into(),
                    SeshAmount::from(position.stake).to_string(),
                ),
                (
                    "unlocks".into(),
                    format!("{} ({})", date(unlock), duration(EXIT_UNLOCK_DELAY)),
                ),
                ("note".into(), "the node earns no more rewards".into()),
            ],
            request: call(*staking.address(), staking.requestExit(node_id).calldata()),
        };
        let Some(tx) = chain.send(me, plan).await? else {
            return Ok(());
        };
        let unlock = secs(chain.node(id).await?.unlockTime);
        ctx.out.print(&Exited {
            node_id: id,
            unlock_time: Timestamp(unlock),
            tx,
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::golden;

    #[test]
    fn json_is_pinned() {
        golden::check(
            "stake-exit",
            &Exited {
                node_id: 1,
                unlock_time: Timestamp(1_796_000_000),
                tx: crate::tx::Mined::sample(),
            },
        );
    }
}
