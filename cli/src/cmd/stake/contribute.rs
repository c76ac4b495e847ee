//! `sesh stake contribute NODE_ID AMOUNT`.

use super::{OPEN, ensure_allowance, require_balance, staking, state_name};
use crate::format::sesh_fixed;
use crate::cmd::market::{call, read_error};
use crate::args::parse_amount;
use crate::context::Context;
use crate::tx::{self, Plan};
use alloy::primitives::U256;
use clap::Args;
use eyre::bail;
use sesh_core::Sesh;

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
pub struct ContributeArgs {
    /// The node to stake in.
    pub node_id: u64,
    /// How much SESH to stake, exactly.
    #[arg(value_parser = parse_amount)]
    pub amount: Sesh,
}

impl ContributeArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let id = self.node_id;
        let node_id = U256::from(id);
        let file = ctx.wallet_file()?;
        let me = file.evm_address;
        let provider = ctx.provider().await?;
        let staking = staking(ctx, &provider)?;
        let info = super::node_info(&staking, node_id).await?;
        if info.state != OPEN {
            bail!(
                "node {id} is {}, so it takes no contributions; `sesh stake nodes` shows the open ones",
                state_name(info.state)
            );
        }
        let limits = staking
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
        require_balance(ctx, &provider, me, self.amount).await?;

        let keys = ctx.unlock(&file)?;
        let provider = ctx.signing_provider(&keys).await?;
        if !ensure_allowance(ctx, &provider, me, self.amount).await? {
            return Ok(());
        }
        let staking = super::staking(ctx, &provider)?;
        let after = Sesh::from_units(info.totalStaked).checked_add(self.amount);
        let plan = Plan {
            action: format!("Stake {} SESH in node {id}", self.amount),
            details: vec![
                ("amount".into(), format!("{} SESH", self.amount)),
                ("limits".into(), format!("{min} to {max} SESH")),
                (
                    "node stake".into(),
                    format!(
                        "{} of {} SESH after this",
                        after.unwrap_or_default(),
                        Sesh::from_units(info.requirement)
                    ),
                ),
                ("url".into(), info.url.clone()),
            ],
            request: call(
                *staking.address(),
                staking.contribute(node_id, self.amount.units()).calldata(),
            ),
        };
        let Some(mined) = tx::execute(ctx, &provider, me, plan).await? else {
            return Ok(());
        };
        let now = super::node_info(&staking, node_id).await?;
        let mut data = mined.json();
        data["node_id"] = serde_json::json!(id);
        data["amount"] = serde_json::json!(sesh_fixed(self.amount));
        data["state"] = serde_json::json!(state_name(now.state));
        let activated = if now.state == super::ACTIVE {
            "; the node is fully staked and active"
        } else {
            ""
        };
        ctx.out.result(
            &format!(
                "Staked {} SESH in node {id}{activated}\n  tx {}",
                self.amount, mined.hash
            ),
            data,
        )?;
        Ok(())
    }
}
