//! `sesh name set-record NAME`.

use super::common::{NameState, key_of, parse_session_id};
use crate::args::parse_address;
use crate::context::Context;
use crate::tx::{self, Plan};
use alloy::network::TransactionBuilder;
use alloy::primitives::Address;
use alloy::rpc::types::TransactionRequest;
use alloy::sol_types::SolCall;
use clap::Args;
use sesh_core::bindings::NameRegistry;
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
pub struct SetRecordArgs {
    /// The name.
    pub name: String,
    /// The Session ID to put in the record (default: the wallet's).
    #[arg(long, value_name = "ID", value_parser = parse_session_id, conflicts_with = "clear")]
    pub session_id: Option<SessionId>,
    /// Remove the Session ID (and the EVM address unless --evm-address is given).
    #[arg(long)]
    pub clear: bool,
    /// The EVM address to put in the record.
    #[arg(long, value_name = "ADDR", value_parser = parse_address)]
    pub evm_address: Option<Address>,
}

impl SetRecordArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let name = Name::parse(&self.name)?;
        let registry_address = ctx.deployment()?.contracts.name_registry;
        let file = ctx.wallet_file()?;
        let provider = ctx.provider().await?;
        let state = NameState::read(ctx, &provider, &name).await?;
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
        let show_id = session_id
            .map(|id| id.to_string())
            .unwrap_or_else(|| "(none)".into());
        let show_evm = if evm_address.is_zero() {
            "(none)".to_string()
        } else {
            evm_address.to_string()
        };
        let keys = ctx.unlock(&file)?;
        let signer = ctx.signing_provider(&keys).await?;
        let plan = Plan {
            action: format!("Set the record of {name}"),
            details: vec![
                ("Session ID".into(), show_id.clone()),
                ("EVM address".into(), show_evm.clone()),
            ],
            request: TransactionRequest::default()
                .with_to(registry_address)
                .with_input(
                    NameRegistry::setRecordCall {
                        tokenId: name.token_id(),
                        sessionKey: key_of(session_id),
                        evmAddress: evm_address,
                    }
                    .abi_encode(),
                ),
        };
        let Some(mut mined) = tx::execute(ctx, &signer, file.evm_address, plan).await? else {
            return Ok(());
        };
        mined.await_indexed(ctx, name.as_str()).await;
        let mut data = mined.json();
        data["name"] = serde_json::json!(name.as_str());
        data["session_id"] = serde_json::json!(session_id.map(|id| id.to_string()));
        data["evm_address"] =
            serde_json::json!((!evm_address.is_zero()).then(|| evm_address.to_checksum(None)));
        ctx.out.result(
            &format!(
                "Set the record of {name}\n  Session ID    {show_id}\n  EVM address   {show_evm}\n  tx            {}",
                mined.hash
            ),
            data,
        )?;
        Ok(())
    }
}
