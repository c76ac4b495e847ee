//! `sesh name set-record NAME`.

use super::common::{NameState, key_of, parse_session_id};
use crate::chain::Chain;
use crate::context::Context;
use crate::format::Checksummed;
use crate::output::Report;
use crate::parse::parse_address;
use crate::tx::{self, Mined, Plan};
use alloy::primitives::Address;
use clap::Args;
use serde::Serialize;
use sesh_core::{Name, SessionId};

/// Set what a name resolves to: a Session ID and an EVM address
///
/// Without --session-id the wallet's own Session ID is used; --clear
/// removes the Session ID (and, without --evm-address, the EVM address).
/// Without --evm-address (and without --clear) the current EVM address is
/// kept. Only the owner of a live name may set its record.
///
/// Examples:
///   sesh name set-record alice
///   sesh name set-record alice --evm-address 0x70997970C51812dc3A010C7d01b50e0d17dc79C8
///   sesh name set-record alice --clear --yes
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct SetRecordArgs {
    /// The name.
    pub(crate) name: String,
    /// The Session ID to put in the record (default: the wallet's).
    #[arg(long, value_name = "ID", value_parser = parse_session_id, conflicts_with = "clear")]
    pub(crate) session_id: Option<SessionId>,
    /// Remove the Session ID (and the EVM address unless --evm-address is given).
    #[arg(long)]
    pub(crate) clear: bool,
    /// The EVM address to put in the record.
    #[arg(long, value_name = "ADDR", value_parser = parse_address)]
    pub(crate) evm_address: Option<Address>,
}

/// What `sesh name set-record` reports: the record the name has now.
#[derive(Debug, Serialize)]
pub(crate) struct SetRecord {
    pub(crate) name: String,
    /// Its record's Session ID (`null`: none).
    pub(crate) session_id: Option<SessionId>,
    /// Its record's EVM address (`null`: none).
    pub(crate) evm_address: Option<Checksummed>,
    #[serde(flatten)]
    pub(crate) tx: Mined,
}

/// "(none)" for an empty record field.
fn or_none(value: Option<impl std::fmt::Display>) -> String {
    value.map_or_else(|| "(none)".into(), |v| v.to_string())
}

impl Report for SetRecord {
    fn text(&self) -> String {
        format!(
            "Set the record of {}\n  Session ID    {}\n  EVM address   {}\n  tx            {}",
            self.name,
            or_none(self.session_id),
            or_none(self.evm_address),
            self.tx.hash
        )
    }
}

impl SetRecordArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let name = Name::parse(&self.name)?;
        let file = ctx.wallet_file()?;
        let chain = Chain::read(ctx).await?;
        let state = NameState::read(&chain, &name).await?;
        state.ensure_owned_by(file.evm_address)?;
        let session_id = if self.clear {
            None
        } else {
            Some(self.session_id.unwrap_or(file.session_id))
        };
        let evm_address = match (self.evm_address, self.clear) {
            (Some(address), _) => address,
            (None, true) => Address::ZERO,
            (None, false) => state.evm_address.unwrap_or(Address::ZERO),
        };
        let shown_evm = (!evm_address.is_zero()).then_some(Checksummed(evm_address));
        let keys = ctx.unlock(&file)?;
        let signer = chain.signing(&keys).await?;
        let plan = Plan {
            action: format!("Set the record of {name}"),
            details: vec![
                ("Session ID".into(), or_none(session_id)),
                ("EVM address".into(), or_none(shown_evm)),
            ],
            request: tx::call(
                chain.contracts().name_registry,
                signer
                    .registry()
                    .setRecord(name.token_id(), key_of(session_id), evm_address)
                    .calldata(),
            ),
        };
        let Some(mut mined) = signer.send(file.evm_address, plan).await? else {
            return Ok(());
        };
        mined.await_indexed(ctx, name.as_str()).await;
        ctx.out.print(&SetRecord {
            name: name.to_string(),
            session_id,
            evm_address: shown_evm,
            tx: mined,
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_pinned() {
        crate::output::golden::check(
            "name-set-record",
            &SetRecord {
                name: "alice".into(),
                session_id: Some(crate::output::golden::session_id()),
                evm_address: Some(crate::output::golden::account(1)),
                tx: crate::tx::Mined::sample(),
            },
        );
    }
}
