//! `sesh stake cancel NODE_ID`.

use super::{ACTIVE, CANCELLED, OPEN, staking, state_name};
use crate::format::sesh_fixed;
use crate::cmd::market::{call, read_error};
use crate::context::Context;
use crate::tx::{self, Plan};
use alloy::primitives::U256;
use clap::Args;
use eyre::bail;
use sesh_core::Sesh;

/// Cancel your open node NODE_ID; every stake in it comes back
///
/// Only the node's operator may cancel it, and only while it is open (not
/// yet fully staked). Your own stake comes back in the same transaction;
/// every other contributor takes theirs back at once with `sesh stake
/// withdraw NODE_ID`. The node's Ed25519 key and signer are freed, so they
/// can be registered again (for example with a corrected key proof). An
/// active node cannot be cancelled: `sesh stake exit` takes it out.
///
/// Examples:
///   sesh stake nodes
///   sesh stake cancel 3
///   sesh stake cancel 3 --yes --json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct CancelArgs {
    /// The open node to cancel (you must be its operator).
    pub node_id: u64,
}

impl CancelArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let id = self.node_id;
        let node_id = U256::from(id);
        let file = ctx.wallet_file()?;
        let me = file.evm_address;
        let provider = ctx.provider().await?;
        let staking = staking(ctx, &provider)?;
        let info = super::node_info(&staking, node_id).await?;
        if info.state == 0 {
            bail!("there is no node {id}; `sesh stake nodes --all` lists every node");
        }
        if info.operator != me {
            bail!(
                "only node {id}'s operator, {}, can cancel it, and this wallet is {me}; nothing was sent (a contributor takes its own stake back with `sesh stake withdraw {id}` a day after contributing)",
                info.operator
            );
        }
        match info.state {
            OPEN => {}
            ACTIVE => bail!(
                "node {id} is active (fully staked), so it cannot be cancelled; `sesh stake exit {id}` takes it out of the active set and its stakes unlock 15 days later"
            ),
            CANCELLED => bail!(
                "node {id} is already cancelled; each contributor takes a stake still in it back with `sesh stake withdraw {id}`"
            ),
            state => bail!(
                "node {id} is {}; only an open node can be cancelled",
                state_name(state)
            ),
        }
        let contributors = staking
            .contributorsOf(node_id)
            .call()
            .await
            .map_err(read_error("the node's contributors"))?;
        let own = Sesh::from_units(
            contributors
                .iter()
                .find(|c| c.account == me)
                .map(|c| c.stake)
                .unwrap_or_default(),
        );
        let others: Vec<_> = contributors.iter().filter(|c| c.account != me).collect();
        let others_total = Sesh::from_units(others.iter().map(|c| c.stake).sum());

        let keys = ctx.unlock(&file)?;
        let provider = ctx.signing_provider(&keys).await?;
        let staking = super::staking(ctx, &provider)?;
        let mut details = vec![
            (
                "your stake".into(),
                format!("{own} SESH, back in this transaction"),
            ),
            (
                "others".into(),
                if others.is_empty() {
                    "none".into()
                } else {
                    format!(
                        "{} contributor(s), {} SESH: each withdraws at once with `sesh stake withdraw {id}`",
                        others.len(),
                        others_total
                    )
                },
            ),
        ];
        details.push((
            "note".into(),
            "the node's Ed25519 key and signer are freed".into(),
        ));
        let plan = Plan {
            action: format!("Cancel open node {id} and take back your {own} SESH"),
            details,
            request: call(*staking.address(), staking.cancelNode(node_id).calldata()),
        };
        let Some(mined) = tx::execute(ctx, &provider, me, plan).await? else {
            return Ok(());
        };
        let mut data = mined.json();
        data["node_id"] = serde_json::json!(id);
        data["returned"] = serde_json::json!(sesh_fixed(own));
        data["others"] = serde_json::json!(
            others
                .iter()
                .map(|c| serde_json::json!({
                    "account": c.account.to_checksum(None),
                    "stake": sesh_fixed(Sesh::from_units(c.stake)),
                }))
                .collect::<Vec<_>>()
        );
        let mut text = format!("Cancelled node {id}; {own} SESH came back to {me}\n");
        if !others.is_empty() {
            text.push_str(&format!(
                "  the other {} contributor(s) take back their {others_total} SESH with `sesh stake withdraw {id}`\n",
                others.len()
            ));
        }
        text.push_str(&format!("  tx {}", mined.hash));
        ctx.out.result(&text, data)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::args::Cli;
    use clap::Parser;

    #[test]
    fn cancel_takes_one_node_id() {
        assert!(Cli::try_parse_from(["sesh", "stake", "cancel", "3"]).is_ok());
        assert!(Cli::try_parse_from(["sesh", "stake", "cancel"]).is_err());
        assert!(Cli::try_parse_from(["sesh", "stake", "cancel", "x"]).is_err());
    }
}
