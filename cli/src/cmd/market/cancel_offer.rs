//! `sesh market cancel-offer NAME`.

use crate::chain::Chain;
use crate::context::Context;
use crate::format::SeshAmount;
use crate::output::Report;
use crate::tx::{Mined, Plan, call};
use clap::Args;
use serde::Serialize;
use sesh_core::{Name, Sesh};

/// Withdraw your offer on a name; the escrowed SESH comes back
///
/// Works also after the offer ended.
///
/// Examples:
///   sesh market cancel-offer alice
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct CancelOfferArgs {
    /// The name you offered for.
    pub(crate) name: String,
}

/// What `sesh market cancel-offer` reports.
#[derive(Debug, Serialize)]
pub(crate) struct OfferCancelled {
    pub(crate) name: String,
    pub(crate) token_id: String,
    /// The SESH that came back from escrow.
    pub(crate) refund: SeshAmount,
    #[serde(flatten)]
    pub(crate) tx: Mined,
}

impl Report for OfferCancelled {
    fn text(&self) -> String {
        format!(
            "Cancelled your offer for {}; {} came back\n  tx {}",
            self.name, self.refund, self.tx.hash
        )
    }
}

impl CancelOfferArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let name = Name::parse(&self.name)?;
        let token_id = name.token_id();
        let file = ctx.wallet_file()?;
        let me = file.evm_address;
        let chain = Chain::read(ctx).await?;
        let offer = super::offer(&chain, &name, me).await?;
        let refund = SeshAmount(Sesh::from_units(offer.amount));
        let keys = ctx.unlock(&file)?;
        let chain = chain.signing(&keys).await?;
        let market = chain.market();
        let plan = Plan {
            action: format!("Cancel your offer of {refund} for {name}"),
            details: vec![("refund".into(), refund.to_string())],
            request: call(*market.address(), market.cancelOffer(token_id).calldata()),
        };
        let Some(mut tx) = chain.send(me, plan).await? else {
            return Ok(());
        };
        tx.await_indexed(ctx, name.as_str()).await;
        ctx.out.print(&OfferCancelled {
            name: name.to_string(),
            token_id: super::token_id(&name),
            refund,
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
            "market-cancel-offer",
            &OfferCancelled {
                name: "alice".into(),
                token_id: super::super::token_id(&Name::parse("alice").unwrap()),
                refund: Sesh::parse("120").unwrap().into(),
                tx: crate::tx::Mined::sample(),
            },
        );
    }
}
