//! `sesh stake cancel NODE_ID`.

use crate::chain::{Chain, read_error};
use crate::context::Context;
use crate::format::{Checksummed, SeshAmount, duration};
use crate::output::Report;
use crate::tx::{Mined, Plan, call};
use alloy::primitives::U256;
use clap::Args;
use eyre::bail;
use serde::Serialize;
use sesh_core::Sesh;
use sesh_core::protocol::{EXIT_UNLOCK_DELAY, NodeState};

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
pub(crate) struct CancelArgs {
    /// The open node to cancel (you must be its operator).
    pub(crate) node_id: u64,
}

/// What `sesh stake cancel` reports.
#[derive(Debug, Serialize)]
pub(crate) struct Cancelled {
    pub(crate) node_id: u64,
    /// Its operator: this wallet.
    pub(crate) operator: Checksummed,
    /// The operator's stake, back in this transaction.
    pub(crate) returned: SeshAmount,
    /// The other contributors, who each take their stake back with `sesh stake withdraw`.
    pub(crate) others: Vec<Contribution>,
    #[serde(flatten)]
    pub(crate) tx: Mined,
}

/// A contributor's stake.
#[derive(Debug, Serialize)]
pub(crate) struct Contribution {
    /// The contributor.
    pub(crate) account: Checksummed,
    /// Its stake.
    pub(crate) stake: SeshAmount,
}

impl Report for Cancelled {
    fn text(&self) -> String {
        let id = self.node_id;
        let mut text = format!(
            "Cancelled node {id}; {} came back to {}\n",
            self.returned, self.operator
        );
        if !self.others.is_empty() {
            let total: Sesh = self
                .others
                .iter()
                .map(|other| other.stake.0)
                .fold(Sesh::ZERO, |sum, stake| {
                    sum.checked_add(stake).unwrap_or(sum)
                });
            text.push_str(&format!(
                "  the other {} contributor(s) take back their {} with `sesh stake withdraw {id}`\n",
                self.others.len(),
                SeshAmount(total)
            ));
        }
        text.push_str(&format!("  tx {}", self.tx.hash));
        text
    }
}

impl CancelArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let id = self.node_id;
        let node_id = U256::from(id);
        let file = ctx.wallet_file()?;
        let me = file.evm_address;
        let chain = Chain::read(ctx).await?;
        let info = chain.node(id).await?;
        let Some(state) = NodeState::from_u8(info.state) else {
            bail!("there is no node {id}; `sesh stake nodes --all` lists every node");
        };
        if info.operator != me {
            bail!(
                "only node {id}'s operator, {}, can cancel it, and this wallet is {me}; nothing was sent (a contributor takes its own stake back with `sesh stake withdraw {id}` a day after contributing)",
                info.operator
            );
        }
        match state {
            NodeState::Open => {}
            NodeState::Active => bail!(
                "node {id} is active (fully staked), so it cannot be cancelled; `sesh stake exit {id}` takes it out of the active set and its stakes unlock {} later",
                duration(EXIT_UNLOCK_DELAY)
            ),
            NodeState::Cancelled => bail!(
                "node {id} is already cancelled; each contributor takes a stake still in it back with `sesh stake withdraw {id}`"
            ),
            state => bail!("node {id} is {state}; only an open node can be cancelled"),
        }
        let contributors = chain
            .staking()
            .contributorsOf(node_id)
            .call()
            .await
            .map_err(read_error("the node's contributors"))?;
        let returned = SeshAmount::from(
            contributors
                .iter()
                .find(|c| c.account == me)
                .map(|c| c.stake)
                .unwrap_or_default(),
        );
        let others: Vec<Contribution> = contributors
            .iter()
            .filter(|c| c.account != me)
            .map(|c| Contribution {
                account: c.account.into(),
                stake: c.stake.into(),
            })
            .collect();
        let others_total = SeshAmount::from(
            contributors
                .iter()
                .filter(|c| c.account != me)
                .map(|c| c.stake)
                .sum::<U256>(),
        );

        let keys = ctx.unlock(&file)?;
        let chain = chain.signing(&keys).await?;
        let staking = chain.staking();
        let details = vec![
            (
                "your stake".into(),
                format!("{returned}, back in this transaction"),
            ),
            (
                "others".into(),
                if others.is_empty() {
                    "none".into()
                } else {
                    format!(
                        "{} contributor(s), {others_total}: each withdraws at once with `sesh stake withdraw {id}`",
                        others.len(),
                    )
                },
            ),
            (
                "note".into(),
                "the node's Ed25519 key and signer are freed".into(),
            ),
        ];
        let plan = Plan {
            action: format!("Cancel open node {id} and take back your {returned}"),
            details,
            request: call(*staking.address(), staking.cancelNode(node_id).calldata()),
        };
        let Some(tx) = chain.send(me, plan).await? else {
            return Ok(());
        };
        ctx.out.print(&Cancelled {
            node_id: id,
            operator: me.into(),
            returned,
            others,
            tx,
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::Cli;
    use crate::output::golden;
    use clap::Parser;

    #[test]
    fn json_is_pinned() {
        golden::check(
            "stake-cancel",
            &Cancelled {
                node_id: 3,
                operator: golden::account(0),
                returned: Sesh::parse("25").unwrap().into(),
                others: vec![Contribution {
                    account: golden::account(1),
                    stake: Sesh::parse("12.5").unwrap().into(),
                }],
                tx: crate::tx::Mined::sample(),
            },
        );
    }

    #[test]
    fn cancel_takes_one_node_id() {
        assert!(Cli::try_parse_from(["sesh", "stake", "cancel", "3"]).is_ok());
        assert!(Cli::try_parse_from(["sesh", "stake", "cancel"]).is_err());
        assert!(Cli::try_parse_from(["sesh", "stake", "cancel", "x"]).is_err());
    }
}
