//! `sesh stake claim`.

use crate::chain::{Chain, read_error};
use crate::context::Context;
use crate::format::SeshAmount;
use crate::output::Report;
use crate::tx::{Mined, Plan, call};
use clap::Args;
use eyre::bail;
use serde::Serialize;
use sesh_core::Sesh;

/// Claim every staking reward you have earned, over all your nodes
///
/// Works also after a node exited, for what was earned before.
///
/// Examples:
///   sesh stake claim --yes
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct ClaimArgs {}

/// What `sesh stake claim` reports.
#[derive(Debug, Serialize)]
pub(crate) struct Claimed {
    /// The SESH the wallet received.
    pub(crate) claimed: SeshAmount,
    #[serde(flatten)]
    pub(crate) tx: Mined,
}

impl Report for Claimed {
    fn text(&self) -> String {
        format!("Claimed {} of rewards\n  tx {}", self.claimed, self.tx.hash)
    }
}

impl ClaimArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let file = ctx.wallet_file()?;
        let me = file.evm_address;
        let chain = Chain::read(ctx).await?;
        let pending = SeshAmount::from(
            chain
                .staking()
                .pendingRewards(me)
                .call()
                .await
                .map_err(read_error("the pending rewards"))?,
        );
        if pending.0 == Sesh::ZERO {
            bail!("{me} has no rewards to claim");
        }
        let before = chain.sesh_balance(me).await?;
        let keys = ctx.unlock(&file)?;
        let chain = chain.signing(&keys).await?;
        let staking = chain.staking();
        let plan = Plan {
            action: format!("Claim about {pending} of staking rewards"),
            details: vec![("pending".into(), pending.to_string())],
            request: call(*staking.address(), staking.claimRewards().calldata()),
        };
        let Some(tx) = chain.send(me, plan).await? else {
            return Ok(());
        };
        let after = chain.sesh_balance(me).await?;
        ctx.out.print(&Claimed {
            claimed: after.checked_sub(before).unwrap_or(Sesh::ZERO).into(),
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
            "stake-claim",
            &Claimed {
                claimed: Sesh::parse("0.75").unwrap().into(),
                tx: crate::tx::Mined::sample(),
            },
        );
    }
}
