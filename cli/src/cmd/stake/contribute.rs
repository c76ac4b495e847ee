//! `sesh stake contribute NODE_ID AMOUNT`.

use crate::chain::{Chain, read_error};
use crate::context::Context;
use crate::format::SeshAmount;
use crate::output::Report;
use crate::parse::parse_amount;
use crate::tx::{Mined, Plan, call};
use alloy::primitives::U256;
use clap::Args;
use eyre::bail;
use serde::Serialize;
use sesh_core::Sesh;
use sesh_core::protocol::NodeState;

/// Stake AMOUNT SESH in the open node NODE_ID
///
/// Shows the least and the most you may contribute now (every contributor
/// puts in at least the remaining stake divided by the open slots; a reserved
/// slot at least its reserved amount) and refuses amounts outside them
/// before anything is sent. Then approves the staking contract (its own
/// transaction) and contributes. The node is active once fully staked.
///
/// Examples:
///   sesh stake nodes
///   sesh stake contribute 1 12.5
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct ContributeArgs {
    /// The node to stake in.
    pub(crate) node_id: u64,
    /// How much SESH to stake, exactly.
    #[arg(value_parser = parse_amount)]
    pub(crate) amount: Sesh,
}

/// What `sesh stake contribute` reports.
#[derive(Debug, Serialize)]
pub(crate) struct Contributed {
    pub(crate) node_id: u64,
    /// The SESH staked.
    pub(crate) amount: SeshAmount,
    /// The node's state after it (`active` once fully staked).
    pub(crate) state: NodeState,
    #[serde(flatten)]
    pub(crate) tx: Mined,
}

impl Report for Contributed {
    fn text(&self) -> String {
        let activated = if self.state == NodeState::Active {
            "; the node is fully staked and active"
        } else {
            ""
        };
        format!(
            "Staked {} in node {}{activated}\n  tx {}",
            self.amount, self.node_id, self.tx.hash
        )
    }
}

impl ContributeArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let id = self.node_id;
        let node_id = U256::from(id);
        let file = ctx.wallet_file()?;
        let me = file.evm_address;
        let chain = Chain::read(ctx).await?;
        let info = chain
            .node_in(
                id,
                &[NodeState::Open],
                "takes no contributions; `sesh stake nodes` shows the open ones",
            )
            .await?;
        let limits = chain
            .staking()
            .contributionLimits(node_id, me)
            .call()
            .await
            .map_err(read_error("the contribution limits"))?;
        let (min, max) = (Sesh::from_units(limits.min), Sesh::from_units(limits.max));
        if max == Sesh::ZERO {
            bail!(
                "{me} cannot contribute to node {id}: it already holds a stake there, or no slot is open to it"
            );
        }
        ctx.out.info(&format!(
            "Node {id} takes between {min} and {max} SESH from {me}."
        ));
        if self.amount < min || self.amount > max {
            bail!(
                "a contribution to node {id} must be between {min} SESH and {max} SESH, not {} SESH; nothing was sent",
                self.amount
            );
        }
        chain.ensure_balance(me, self.amount).await?;

        let keys = ctx.unlock(&file)?;
        let chain = chain.signing(&keys).await?;
        if !chain.ensure_staking_allowance(me, self.amount).await? {
            return Ok(());
        }
        let staking = chain.staking();
        let amount = SeshAmount(self.amount);
        let after = Sesh::from_units(info.totalStaked).checked_add(self.amount);
        let plan = Plan {
            action: format!("Stake {amount} in node {id}"),
            details: vec![
                ("amount".into(), amount.to_string()),
                ("limits".into(), format!("{min} to {max} SESH")),
                (
                    "node stake".into(),
                    format!(
                        "{} of {} after this",
                        after.unwrap_or_default(),
                        SeshAmount::from(info.requirement)
                    ),
                ),
                ("url".into(), info.url.clone()),
            ],
            request: call(
                *staking.address(),
                staking.contribute(node_id, self.amount.units()).calldata(),
            ),
        };
        let Some(tx) = chain.send(me, plan).await? else {
            return Ok(());
        };
        let state = super::state(id, &chain.node(id).await?)?;
        ctx.out.print(&Contributed {
            node_id: id,
            amount,
            state,
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
            "stake-contribute",
            &Contributed {
                node_id: 1,
                amount: Sesh::parse("12.5").unwrap().into(),
                state: NodeState::Active,
                tx: crate::tx::Mined::sample(),
            },
        );
    }
}
