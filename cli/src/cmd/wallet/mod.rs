//! `sesh wallet ...`: keys. One BIP-39 recovery phrase per wallet gives its
//! EVM account and its Session ID (see docs/keys.md).

pub mod change_password;
pub mod export;
pub mod list;
pub mod new;
pub mod remove;
pub mod restore;
pub mod show;

use crate::context::Context;
use crate::password;
use clap::Subcommand;
use sesh_core::keystore::WalletFile;

/// Wallet commands.
#[derive(Debug, Subcommand)]
// The variants' help is each Args struct's doc comment (a variant doc would replace
// the long help with its one line), so the variants themselves carry none.
#[allow(missing_docs)]
pub enum WalletCommand {
    New(new::NewArgs),
    Restore(restore::RestoreArgs),
    List(list::ListArgs),
    Show(show::ShowArgs),
    Export(export::ExportArgs),
    Remove(remove::RemoveArgs),
    ChangePassword(change_password::ChangePasswordArgs),
}

impl WalletCommand {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        match self {
            Self::New(args) => args.run(ctx).await,
            Self::Restore(args) => args.run(ctx).await,
            Self::List(args) => args.run(ctx).await,
            Self::Show(args) => args.run(ctx).await,
            Self::Export(args) => args.run(ctx).await,
            Self::Remove(args) => args.run(ctx).await,
            Self::ChangePassword(args) => args.run(ctx).await,
        }
    }
}

/// The public facts of a wallet, as JSON.
pub fn wallet_json(file: &WalletFile) -> serde_json::Value {
    serde_json::json!({
        "name": file.name,
        "evm_address": file.evm_address.to_checksum(None),
        "session_id": file.session_id,
        "created": file.created,
        "words": file.words,
        "password_remembered": file.remember_password,
    })
}

/// Stores the password in the OS keyring when asked to; a missing keyring is
/// a warning, and the wallet then simply asks for its password.
pub fn remember(ctx: &Context<'_>, file: &mut WalletFile, password: &str, asked: bool) {
    if !asked {
        return;
    }
    match password::keyring_set(
        &password::keyring_user(&file.name, &file.evm_address),
        password,
    ) {
        Ok(()) => file.remember_password = true,
        Err(reason) => ctx.out.warn(&format!(
            "the password was not remembered: {reason}; sesh will ask for it"
        )),
    }
}
