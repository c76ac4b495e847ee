//! `sesh stake withdraw NODE_ID`.

use crate::chain::Chain;
use crate::context::Context;
use crate::format::{SeshAmount, date, days_left, duration, secs};
use crate::output::Report;
use crate::tx::{Mined, Plan, call};
use clap::Args;
use eyre::bail;
use serde::Serialize;
use sesh_core::protocol::{EXIT_UNLOCK_DELAY, NodeState};

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
pub(crate) struct WithdrawArgs {
    /// The node to withdraw from.
    pub(crate) node_id: u64,
}

/// What `sesh stake withdraw` reports.
#[derive(Debug, Serialize)]
pub(crate) struct Withdrawn {
    pub(crate) node_id: u64,
    /// The SESH that came back.
    pub(crate) amount: SeshAmount,
    #[serde(flatten)]
    pub(crate) tx: Mined,
}

impl Report for Withdrawn {
    fn text(&self) -> String {
        format!(
            "Withdrew {} from node {}\n  tx {}",
            self.amount, self.node_id, self.tx.hash
        )
    }
}

impl WithdrawArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let id = self.node_id;
        let file = ctx.wallet_file()?;
        let me = file.evm_address;
        let chain = Chain::read(ctx).await?;
        let position = super::stake_of(&chain, id, me).await?;
        let state = super::state(id, &chain.node(id).await?)?;
        if state == NodeState::Active {
            bail!(
                "node {id} is active, so its stakes are locked; `sesh stake exit {id}` unlocks them {} later",
                duration(EXIT_UNLOCK_DELAY)
            );
        }
        let unlock = secs(position.unlockTime);
        if state == NodeState::Open && unlock == 0 {
            bail!(
                "the operator of open node {id} cannot withdraw; cancel the node instead with `sesh stake cancel {id}` (your stake comes back at once and the other contributors withdraw theirs); nothing was sent"
            );
        }
        let now = chain.now().await?;
        if now < unlock {
            bail!(
                "the stake in node {id} is locked until {} ({}); nothing was sent",
                date(unlock),
                days_left(unlock, now)
            );
        }
        let amount = SeshAmount::from(position.stake);

        let keys = ctx.unlock(&file)?;
        let chain = chain.signing(&keys).await?;
        let staking = chain.staking();
        let node_id = alloy::primitives::U256::from(id);
        let input = if state == NodeState::Open {
            staking.withdrawContribution(node_id).calldata().clone()
        } else {
            staking.withdrawStake(node_id).calldata().clone()
        };
        let plan = Plan {
            action: format!("Withdraw {amount} from node {id}"),
            details: vec![
                ("amount".into(), amount.to_string()),
                ("node".into(), state.to_string()),
            ],
            request: call(*staking.address(), &input),
        };
        let Some(tx) = chain.send(me, plan).await? else {
            return Ok(());
        };
        ctx.out.print(&Withdrawn {
            node_id: id,
            amount,
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
            "stake-withdraw",
            &Withdrawn {
                node_id: 1,
                amount: sesh_core::Sesh::parse("12.5").unwrap().into(),
                tx: crate::tx::Mined::sample(),
            },
        );
    }
}
