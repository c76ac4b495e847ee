//! `sesh wallet show`.

use super::wallet_json;
use crate::context::Context;
use clap::Args;

/// Show a wallet's EVM address and Session ID.
///
/// Reads only the public part of the wallet file; no password is needed.
/// The primary name shows as "unknown" until registry lookups arrive.
///
/// Examples:
///   sesh wallet show
///   sesh wallet show --wallet alice --json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ShowArgs {}

impl ShowArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let file = ctx.wallet_file()?;
        let mut data = wallet_json(&file);
        data["primary_name"] = serde_json::Value::Null;
        data["path"] = serde_json::json!(ctx.keystore().path_of(&file.name));
        ctx.out.result(
            &format!(
                "Wallet {}\n  EVM address   {}\n  Session ID    {}\n  primary name  unknown\n  created       {}\n  words         {}\n  keyring       {}",
                file.name,
                file.evm_address,
                file.session_id,
                file.created,
                file.words,
                if file.remember_password { "password remembered" } else { "not used" }
            ),
            data,
        )?;
        Ok(())
    }
}
