//! `sesh market unlist NAME`.

use crate::chain::Chain;
use crate::context::Context;
use crate::format::Checksummed;
use crate::output::Report;
use crate::tx::{Mined, Plan, call};
use clap::Args;
use serde::Serialize;
use sesh_core::Name;

/// Remove your listing of a name
///
/// Only the seller can remove a live listing; a dead one (the name changed
/// hands) can be removed by anyone.
///
/// Examples:
///   sesh market unlist alice
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct UnlistArgs {
    /// The listed name.
    pub(crate) name: String,
}

/// What `sesh market unlist` reports.
#[derive(Debug, Serialize)]
pub(crate) struct Unlisted {
    pub(crate) name: String,
    pub(crate) token_id: String,
    /// The seller of the listing removed.
    pub(crate) seller: Checksummed,
    #[serde(flatten)]
    pub(crate) tx: Mined,
}

impl Report for Unlisted {
    fn text(&self) -> String {
        format!(
            "Removed the listing of {}\n  tx {}",
            self.name, self.tx.hash
        )
    }
}

impl UnlistArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let name = Name::parse(&self.name)?;
        let file = ctx.wallet_file()?;
        let chain = Chain::read(ctx).await?;
        let listing = super::listing(&chain, &name).await?;
        let keys = ctx.unlock(&file)?;
        let chain = chain.signing(&keys).await?;
        let market = chain.market();
        let plan = Plan {
            action: format!("Remove the listing of {name}"),
            details: vec![("seller".into(), listing.seller.to_string())],
            request: call(*market.address(), market.unlist(name.token_id()).calldata()),
        };
        let Some(mut tx) = chain.send(file.evm_address, plan).await? else {
            return Ok(());
        };
        tx.await_indexed(ctx, name.as_str()).await;
        ctx.out.print(&Unlisted {
            name: name.to_string(),
            token_id: super::token_id(&name),
            seller: listing.seller.into(),
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
            "market-unlist",
            &Unlisted {
                name: "alice".into(),
                token_id: super::super::token_id(&Name::parse("alice").unwrap()),
                seller: golden::account(0),
                tx: crate::tx::Mined::sample(),
            },
        );
    }
}
