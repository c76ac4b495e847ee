//! `sesh wallet remove`.

use crate::context::Context;
use crate::format::Checksummed;
use crate::output::Report;
use clap::Args;
use serde::Serialize;
use std::path::PathBuf;

/// Delete a wallet file
///
/// Asks first (or pass --yes). Without the recovery phrase, whatever the
/// wallet holds is lost: `sesh wallet export` shows it.
///
/// Examples:
///   sesh wallet remove --wallet old
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct RemoveArgs {}

/// What `sesh wallet remove` reports.
#[derive(Debug, Serialize)]
pub(crate) struct WalletRemoved {
    /// The wallet's name.
    pub(crate) name: String,
    /// Its EVM account.
    pub(crate) evm_address: Checksummed,
    /// The file that was deleted.
    pub(crate) path: PathBuf,
}

impl Report for WalletRemoved {
    fn text(&self) -> String {
        format!("Removed wallet {} ({})", self.name, self.path.display())
    }
}

impl RemoveArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
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
        ctx.out.print(&WalletRemoved {
            name: file.name,
            evm_address: file.evm_address.into(),
            path,
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
            "wallet-remove",
            &WalletRemoved {
                name: "old".into(),
                evm_address: crate::output::golden::account(0),
                path: "/home/user/.local/share/sesh/wallets/old.json".into(),
            },
        );
    }
}
