//! `sesh name transfer NAME TO`.

use super::common::{NameState, key_of, parse_session_id};
use crate::args::parse_address;
use crate::context::Context;
use crate::tx::{self, Plan};
use alloy::network::TransactionBuilder;
use alloy::primitives::Address;
use alloy::rpc::types::TransactionRequest;
use alloy::sol_types::SolCall;
use clap::Args;
use eyre::bail;
use sesh_core::bindings::NameRegistry;
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
pub struct TransferArgs {
    /// The name to give away.
    pub name: String,
    /// The recipient: an address, or a name whose record holds an EVM address.
    #[arg(value_name = "TO")]
    pub to: String,
    /// The recipient's Session ID, for the new record.
    #[arg(long, value_name = "ID", value_parser = parse_session_id)]
    pub session_id: Option<SessionId>,
    /// The EVM address for the new record.
    #[arg(long, value_name = "ADDR", value_parser = parse_address)]
    pub evm_address: Option<Address>,
}

impl TransferArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let name = Name::parse(&self.name)?;
        let registry_address = ctx.deployment()?.contracts.name_registry;
        let file = ctx.wallet_file()?;
        let provider = ctx.provider().await?;
        let recipient = crate::recipient::resolve(ctx, &provider, &self.to).await?;
        let to = recipient.address;
        if to == file.evm_address {
            bail!(
                "{name} already belongs to this wallet ({}); nothing was sent",
                recipient.describe()
            );
        }
        let state = NameState::read(ctx, &provider, &name).await?;
        state.ensure_owned_by(file.evm_address)?;
        if !crate::recipient::check(ctx, &provider, &recipient, &format!("the name {name}")).await?
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
        let show_id = self
            .session_id
            .map(|id| id.to_string())
            .unwrap_or_else(|| "(none: record cleared)".into());
        let keys = ctx.unlock(&file)?;
        let signer = ctx.signing_provider(&keys).await?;
        let mut details = vec![
            ("to".to_string(), recipient.describe()),
            ("Session ID".to_string(), show_id.clone()),
        ];
        if !evm_address.is_zero() {
            details.push(("EVM address".into(), evm_address.to_string()));
        }
        let plan = Plan {
            action: format!("Transfer {name} to {}", recipient.describe()),
            details,
            request: TransactionRequest::default()
                .with_to(registry_address)
                .with_input(
                    NameRegistry::transferWithRecordCall {
                        from: file.evm_address,
                        to,
                        tokenId: name.token_id(),
                        sessionKey: key_of(self.session_id),
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
        data["to"] = serde_json::json!(to.to_checksum(None));
        data["to_name"] = serde_json::json!(recipient.name);
        data["session_id"] = serde_json::json!(self.session_id.map(|id| id.to_string()));
        data["evm_address"] =
            serde_json::json!((!evm_address.is_zero()).then(|| evm_address.to_checksum(None)));
        ctx.out.result(
            &format!(
                "Transferred {name} to {}\n  Session ID    {show_id}\n  tx            {}",
                recipient.describe(),
                mined.hash
            ),
            data,
        )?;
        Ok(())
    }
}
