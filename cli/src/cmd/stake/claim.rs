//! `sesh stake claim`.

use super::staking;
use crate::format::sesh_fixed;
use crate::cmd::market::{call, read_error};
use crate::context::Context;
use crate::tx::{self, Plan};
use clap::Args;
use eyre::{WrapErr, bail};
use sesh_core::Sesh;
use sesh_core::bindings::TestSESH;

/// Claim every staking reward you have earned, over all your nodes
///
/// Works also after a node exited, for what was earned before.
///
/// Examples:
///   sesh stake claim --yes
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ClaimArgs {}

impl ClaimArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let file = ctx.wallet_file()?;
        let me = file.evm_address;
        let provider = ctx.provider().await?;
        let pending = Sesh::from_units(
            staking(ctx, &provider)?
                .pendingRewards(me)
                .call()
                .await
                .map_err(read_error("the pending rewards"))?,
        );
        if pending == Sesh::ZERO {
            bail!("{me} has no rewards to claim");
        }
        let token = TestSESH::new(ctx.deployment()?.contracts.sesh, &provider);
        let before = token
            .balanceOf(me)
            .call()
            .await
            .wrap_err("cannot read the SESH balance")?;
        let keys = ctx.unlock(&file)?;
        let provider = ctx.signing_provider(&keys).await?;
        let staking = staking(ctx, &provider)?;
        let plan = Plan {
            action: format!("Claim about {pending} SESH of staking rewards"),
            details: vec![("pending".into(), format!("{pending} SESH"))],
            request: call(*staking.address(), staking.claimRewards().calldata()),
        };
        let Some(mined) = tx::execute(ctx, &provider, me, plan).await? else {
            return Ok(());
        };
        let after = token
            .balanceOf(me)
            .call()
            .await
            .wrap_err("cannot read the SESH balance")?;
        let claimed = Sesh::from_units(after.saturating_sub(before));
        let mut data = mined.json();
        data["claimed"] = serde_json::json!(sesh_fixed(claimed));
        ctx.out.result(
            &format!("Claimed {claimed} SESH of rewards\n  tx {}", mined.hash),
            data,
        )?;
        Ok(())
    }
}
