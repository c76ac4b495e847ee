//! `sesh send TO AMOUNT`.

use crate::chain::Chain;
use crate::context::Context;
use crate::format::{Checksummed, SeshAmount, sesh};
use crate::output::Report;
use crate::parse::parse_amount;
use crate::tx::{self, Mined, Plan};
use clap::Args;
use serde::Serialize;
use sesh_core::Sesh;

/// Send SESH to an address or a name
///
/// TO is an address (a mixed-case one must pass its EIP-55 checksum), or a
/// name whose record holds an EVM address. SESH is never sent to this
/// deployment's own contracts, and a contract address is sent to only after
/// a confirmation. AMOUNT is
/// exact SESH (up to 9 decimals, "25_000" and "12.5" work). The transfer is
/// simulated first: if it would fail (for instance more than the balance),
/// the reason is shown and nothing is sent.
///
/// Examples:
///   sesh send 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 12.5
///   sesh send alice 100 --yes
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct SendArgs {
    /// The recipient: an address or a name.
    pub(crate) to: String,
    /// How much SESH, exactly.
    #[arg(value_parser = parse_amount)]
    pub(crate) amount: Sesh,
}

/// What `sesh send` reports.
#[derive(Debug, Serialize)]
pub(crate) struct Sent {
    /// The recipient's address.
    pub(crate) to: Checksummed,
    /// The name it was given as, if any.
    pub(crate) name: Option<String>,
    /// How much SESH was sent.
    pub(crate) amount: SeshAmount,
    /// The recipient as the text names it: "alice (0x…)" or the address.
    #[serde(skip)]
    pub(crate) recipient: String,
    #[serde(flatten)]
    pub(crate) tx: Mined,
}

impl Report for Sent {
    fn text(&self) -> String {
        format!(
            "Sent {} to {}\n  tx {}",
            self.amount, self.recipient, self.tx.hash
        )
    }
}

impl SendArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        if self.amount == Sesh::ZERO {
            eyre::bail!("the amount is 0; give how much SESH to send, like 12.5");
        }
        let file = ctx.wallet_file()?;
        let chain = Chain::read(ctx).await?;
        let recipient = crate::recipient::resolve(ctx, chain.provider(), &self.to).await?;
        if !crate::recipient::check(ctx, chain.provider(), &recipient, "SESH").await? {
            return Ok(());
        }
        let (to, name) = (recipient.address, recipient.name.clone());
        let recipient = recipient.describe();
        let keys = ctx.unlock(&file)?;
        let signer = chain.signing(&keys).await?;
        let plan = Plan {
            action: format!("Send {} to {recipient}", sesh(self.amount)),
            details: vec![("amount".into(), sesh(self.amount))],
            request: tx::call(
                chain.contracts().sesh,
                signer.token().transfer(to, self.amount.units()).calldata(),
            ),
        };
        let Some(mined) = signer.send(file.evm_address, plan).await? else {
            return Ok(());
        };
        ctx.out.print(&Sent {
            tx: mined,
            to: to.into(),
            name,
            amount: self.amount.into(),
            recipient,
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
            "send",
            &Sent {
                tx: crate::tx::Mined::sample(),
                to: golden::account(1),
                name: Some("alice".into()),
                amount: Sesh::parse("12.5").unwrap().into(),
                recipient: format!("alice ({})", golden::account(1)),
            },
        );
    }
}
