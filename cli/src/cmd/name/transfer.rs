//! `sesh name transfer NAME TO`.

use super::common::{NameState, key_of, parse_session_id};
use crate::chain::Chain;
use crate::context::Context;
use crate::format::Checksummed;
use crate::output::Report;
use crate::parse::parse_address;
use crate::tx::{self, Mined, Plan};
use alloy::primitives::Address;
use clap::Args;
use eyre::bail;
use serde::Serialize;
use sesh_core::{Name, SessionId};

/// Give a name to another account, setting its new record at once
///
/// Uses `transferWithRecord`, so with --session-id (and --evm-address) the
/// name resolves to the recipient from the same transaction. Without them
/// the record is cleared and the name resolves to nothing until the new
/// owner sets it. If it was the wallet's primary name, that is cleared too.
///
/// TO is an address (a mixed-case one must pass its EIP-55 checksum) or a
/// name whose record holds an EVM address (shown before you confirm). A name
/// is never sent to this deployment's own contracts, and a contract address
/// only after a confirmation.
///
/// Examples:
///   sesh name transfer alice 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --session-id 05ab...
///   sesh name transfer alice bob --session-id 05cd...
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct TransferArgs {
    /// The name to give away.
    pub(crate) name: String,
    /// The recipient: an address, or a name whose record holds an EVM address.
    #[arg(value_name = "TO")]
    pub(crate) to: String,
    /// The recipient's Session ID, for the new record.
    #[arg(long, value_name = "ID", value_parser = parse_session_id)]
    pub(crate) session_id: Option<SessionId>,
    /// The EVM address for the new record.
    #[arg(long, value_name = "ADDR", value_parser = parse_address)]
    pub(crate) evm_address: Option<Address>,
}

/// What `sesh name transfer` reports: who has the name now and its new record.
#[derive(Debug, Serialize)]
pub(crate) struct Transfer {
    pub(crate) name: String,
    /// The new owner.
    pub(crate) to: Checksummed,
    /// The name TO was given as, if any.
    pub(crate) to_name: Option<String>,
    /// The new record's Session ID (`null`: the record was cleared).
    pub(crate) session_id: Option<SessionId>,
    /// The new record's EVM address.
    pub(crate) evm_address: Option<Checksummed>,
    #[serde(flatten)]
    pub(crate) tx: Mined,
}

impl Transfer {
    /// The recipient in words: "bob (0x…)" or the address.
    fn recipient(&self) -> String {
        crate::recipient::Recipient {
            address: self.to.0,
            name: self.to_name.clone(),
        }
        .describe()
    }
}

/// The Session ID line.
fn session_line(session_id: Option<SessionId>) -> String {
    session_id.map_or_else(|| "(none: record cleared)".into(), |id| id.to_string())
}

impl Report for Transfer {
    fn text(&self) -> String {
        format!(
            "Transferred {} to {}\n  Session ID    {}\n  tx            {}",
            self.name,
            self.recipient(),
            session_line(self.session_id),
            self.tx.hash
        )
    }
}

impl TransferArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let name = Name::parse(&self.name)?;
        let file = ctx.wallet_file()?;
        let chain = Chain::read(ctx).await?;
        let recipient = crate::recipient::resolve(ctx, chain.provider(), &self.to).await?;
        let to = recipient.address;
        if to == file.evm_address {
            bail!(
                "{name} already belongs to this wallet ({}); nothing was sent",
                recipient.describe()
            );
        }
        let state = NameState::read(&chain, &name).await?;
        state.ensure_owned_by(file.evm_address)?;
        if !crate::recipient::check(
            ctx,
            chain.provider(),
            &recipient,
            &format!("the name {name}"),
        )
        .await?
        {
            return Ok(());
        }
        if self.session_id.is_none() && self.evm_address.is_none() {
            ctx.out.warn(&format!(
                "no --session-id: the record of {name} is cleared, so it resolves to nothing until {} sets one",
                recipient.describe()
            ));
        }
        if state.primary {
            ctx.out.warn(&format!(
                "{name} is this wallet's primary name; the wallet will have none after the transfer"
            ));
        }
        let evm_address = self.evm_address.unwrap_or(Address::ZERO);
        let keys = ctx.unlock(&file)?;
        let signer = chain.signing(&keys).await?;
        let mut details = vec![
            ("to".to_string(), recipient.describe()),
            ("Session ID".to_string(), session_line(self.session_id)),
        ];
        if !evm_address.is_zero() {
            details.push(("EVM address".into(), evm_address.to_string()));
        }
        let plan = Plan {
            action: format!("Transfer {name} to {}", recipient.describe()),
            details,
            request: tx::call(
                chain.contracts().name_registry,
                signer
                    .registry()
                    .transferWithRecord(
                        file.evm_address,
                        to,
                        name.token_id(),
                        key_of(self.session_id),
                        evm_address,
                    )
                    .calldata(),
            ),
        };
        let Some(mut mined) = signer.send(file.evm_address, plan).await? else {
            return Ok(());
        };
        mined.await_indexed(ctx, name.as_str()).await;
        ctx.out.print(&Transfer {
            name: name.to_string(),
            to: to.into(),
            to_name: recipient.name,
            session_id: self.session_id,
            evm_address: (!evm_address.is_zero()).then_some(Checksummed(evm_address)),
            tx: mined,
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
            "name-transfer",
            &Transfer {
                name: "alice".into(),
                to: golden::account(1),
                to_name: Some("bob".into()),
                session_id: Some(golden::session_id()),
                evm_address: None,
                tx: crate::tx::Mined::sample(),
            },
        );
    }
}
