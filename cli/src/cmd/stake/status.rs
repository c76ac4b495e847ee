//! `sesh stake status`.

use crate::chain::{Chain, read_error};
use crate::context::Context;
use crate::format::{Checksummed, SeshAmount, Timestamp, days_left, duration, secs};
use crate::output::Report;
use crate::police::{PeerView, Standings, Witness};
use alloy::primitives::U256;
use clap::Args;
use serde::Serialize;
use sesh_core::Sesh;
use sesh_core::protocol::{EXIT_UNLOCK_DELAY, NodeState};

/// Show your stakes per node, when they unlock, and your pending rewards
///
/// Unlock dates are shown with the days left: stakes in an open node can be
/// withdrawn 1 day after they went in, stakes of an exited node 15 days
/// after the exit, of a deregistered node 30 days after. Stakes in an active
/// node stay until someone asks it to exit. No password needed.
///
/// For each active node you stake in: its health as its peers see it (up to
/// 3 registry nodes, onion paths unless --direct): healthy, or failing since
/// when and why with the downtime credit it has left, and any deregistration
/// vote under way. Once its credit is spent its peers vote it out: 0.2% of
/// your stake goes to the pool and the rest unlocks 30 days later
/// (docs/staking.md). Tell its operator, who can bring it back within its
/// credit; your stake cannot be withdrawn while the node is active.
///
/// Examples:
///   sesh stake status
///   sesh stake status --json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct StatusArgs {}

/// What `sesh stake status` reports.
#[derive(Debug, Serialize)]
pub(crate) struct Stakes {
    /// The wallet's account.
    pub(crate) address: Checksummed,
    /// Its stakes, by node id.
    pub(crate) stakes: Vec<Stake>,
    /// The rewards it could claim now.
    pub(crate) pending_rewards: SeshAmount,
    /// The chain's clock when it was read.
    pub(crate) chain_time: Timestamp,
    /// The registry nodes asked how the active nodes' peers see them.
    pub(crate) standings_from: Vec<Witness>,
}

/// One stake in `sesh stake status`.
#[derive(Debug, Serialize)]
pub(crate) struct Stake {
    pub(crate) node_id: u64,
    /// The node's state.
    pub(crate) state: NodeState,
    /// The SESH staked.
    pub(crate) stake: SeshAmount,
    /// When it can be withdrawn (`null` while the node is active, and for an open node's
    /// operator, whose stake comes back when the node is cancelled).
    pub(crate) unlock_time: Option<Timestamp>,
    /// Whether it can be withdrawn now.
    pub(crate) unlocked: bool,
    /// How the node's peers see it (`null`: not active, or no registry node answered).
    pub(crate) peers: Option<PeerView>,
}

impl Report for Stakes {
    fn text(&self) -> String {
        let now = self.chain_time.0;
        let mut text = format!("Stakes of {}\n", self.address);
        for stake in &self.stakes {
            let unlock = match stake.unlock_time {
                _ if stake.state == NodeState::Active => format!(
                    "locked while the node is active (`sesh stake exit` starts the {})",
                    duration(EXIT_UNLOCK_DELAY)
                ),
                None => "the operator's stake returns when the node is cancelled".to_string(),
                Some(unlock) if stake.unlocked => format!("unlocked since {unlock}"),
                Some(unlock) => format!("unlocks {unlock} ({})", days_left(unlock.0, now)),
            };
            text.push_str(&format!(
                "  node {}  {}  {}  {unlock}\n",
                stake.node_id, stake.state, stake.stake
            ));
            for line in stake.peers.iter().flat_map(PeerView::lines) {
                text.push_str(&format!("    {line}\n"));
            }
        }
        if self.stakes.is_empty() {
            text.push_str("  no stakes\n");
        }
        text.push_str(&format!("Pending rewards: {}", self.pending_rewards));
        text
    }
}

impl StatusArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let me = ctx.wallet_file()?.evm_address;
        let chain = Chain::read(ctx).await?;
        let staking = chain.staking();
        let now = chain.now().await?;
        let count = super::node_count(&chain).await?;
        let mut stakes = Vec::new();
        let mut standings = None;
        for id in 1..=count {
            let position = staking
                .contributionOf(U256::from(id), me)
                .call()
                .await
                .map_err(read_error("a stake"))?;
            if position.stake.is_zero() {
                continue;
            }
            let state = super::state(id, &chain.node(id).await?)?;
            let unlock = secs(position.unlockTime);
            let unlock_time = (unlock != 0 && state != NodeState::Active).then_some(unlock);
            let peers = Standings::of_active(&mut standings, ctx, id, state).await;
            stakes.push(Stake {
                node_id: id,
                state,
                stake: Sesh::from_units(position.stake).into(),
                unlock_time: unlock_time.map(Timestamp),
                unlocked: unlock_time.is_some_and(|unlock| unlock <= now),
                peers,
            });
        }
        let pending = staking
            .pendingRewards(me)
            .call()
            .await
            .map_err(read_error("the pending rewards"))?;
        ctx.out.print(&Stakes {
            address: me.into(),
            stakes,
            pending_rewards: pending.into(),
            chain_time: Timestamp(now),
            standings_from: standings.map(|s| s.asked).unwrap_or_default(),
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
            "stake-status",
            &Stakes {
                address: golden::account(1),
                stakes: vec![
                    Stake {
                        node_id: 1,
                        state: NodeState::Active,
                        stake: Sesh::parse("25").unwrap().into(),
                        unlock_time: None,
                        unlocked: false,
                        peers: Some(crate::police::sample_view()),
                    },
                    Stake {
                        node_id: 2,
                        state: NodeState::Exited,
                        stake: Sesh::parse("12.5").unwrap().into(),
                        unlock_time: Some(Timestamp(1_796_000_000)),
                        unlocked: false,
                        peers: None,
                    },
                ],
                pending_rewards: Sesh::parse("0.75").unwrap().into(),
                chain_time: Timestamp(1_795_000_000),
                standings_from: crate::police::sample_witnesses(),
            },
        );
    }
}
