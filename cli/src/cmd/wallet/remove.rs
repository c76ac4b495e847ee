//! `sesh wallet remove`.

use crate::context::Context;
use clap::Args;

/// Delete a wallet file
///
/// Asks first (or pass --yes). Without the recovery phrase, whatever the
/// wallet holds is lost: `sesh wallet export` shows it.
///
/// Examples:
///   sesh wallet remove --wallet old
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct RemoveArgs {}

impl RemoveArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let file = ctx.wallet_file()?;
        if !ctx.confirm(&format!(
            "Remove wallet {} ({})? Without its recovery phrase its funds and names are lost",
            file.name, file.evm_address
        ))? {
            ctx.out.info("Nothing was removed.");
            return Ok(());
        }
        let path = ctx.keystore().remove(&file.name)?;
        if file.remember_password {
            crate::password::keyring_delete(&crate::password::keyring_user(
                &file.name,
                &file.evm_address,
            ));
        }
        ctx.out.result(
            &format!("Removed wallet {} ({})", file.name, path.display()),
            serde_json::json!({ "name": file.name, "evm_address": file.evm_address.to_checksum(None), "path": path }),
        )?;
        Ok(())
    }
}
