//! `sesh wallet export`.

use crate::context::Context;
use clap::Args;
use eyre::bail;
use sesh_core::keystore::{WalletFile, export_web3_keystore};
use std::path::PathBuf;

/// Show the recovery phrase or the Session recovery password, or write the EVM key as a Web3 keystore
///
/// Without a flag: prints the recovery phrase after a confirmation (anyone
/// who sees it owns the wallet). With --session-recovery: prints the 13-word
/// Session recovery password of the wallet's Session account after a
/// confirmation; the Session app restores the same account, with the same
/// Session ID, from it. With --keystore FILE: writes the EVM account as a
/// standard Web3 v3 keystore, encrypted with the wallet's password, for
/// `cast --keystore FILE`, geth or MetaMask.
///
/// Examples:
///   sesh wallet export
///   sesh wallet export --session-recovery
///   sesh wallet export --keystore alice.json
///   cast wallet address --keystore alice.json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ExportArgs {
    /// Write the EVM key to FILE as a Web3 v3 keystore instead.
    #[arg(long, value_name = "FILE")]
    pub keystore: Option<PathBuf>,
    /// Show the Session recovery password (13 words, for the Session app) instead.
    #[arg(long, conflicts_with = "keystore")]
    pub session_recovery: bool,
}

fn wallet_password(
    ctx: &Context<'_>,
    file: &WalletFile,
) -> eyre::Result<crate::password::Password> {
    let keyring_user = file
        .remember_password
        .then(|| crate::password::keyring_user(&file.name, &file.evm_address));
    crate::password::for_unlock(ctx.password_file(), &file.name, keyring_user.as_deref())
}

impl ExportArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let file = ctx.wallet_file()?;
        if let Some(path) = self.keystore {
            if path.exists() {
                bail!("{} exists already; pick another path", path.display());
            }
            let password = wallet_password(ctx, &file)?;
            let keys = file.decrypt(&password)?.derive();
            export_web3_keystore(keys.evm_signer(), &password, &path)?;
            ctx.out.result(
                &format!(
                    "Wrote the EVM key of {} ({}) to {}\n  it opens with the wallet's password: cast wallet address --keystore {}",
                    file.name,
                    file.evm_address,
                    path.display(),
                    path.display()
                ),
                serde_json::json!({ "name": file.name, "evm_address": file.evm_address.to_checksum(None), "keystore": path }),
            )?;
        } else if self.session_recovery {
            // A legacy wallet has none: say so before asking anything.
            file.check_recovery_password()?;
            if !ctx.confirm(&format!(
                "Show the Session recovery password of wallet {} (Session ID {})? Anyone who sees it controls that Session account",
                file.name, file.session_id
            ))? {
                ctx.out.info("Nothing was shown.");
                return Ok(());
            }
            let secrets = file.decrypt(&wallet_password(ctx, &file)?)?;
            let Some(recovery) = secrets.session_recovery_password() else {
                file.check_recovery_password()?;
                bail!("wallet {:?} has no Session recovery password", file.name);
            };
            let phrase = recovery.phrase();
            ctx.out.result(
                phrase.as_str(),
                serde_json::json!({
                    "name": file.name,
                    "session_id": file.session_id,
                    "session_recovery_password": phrase.as_str(),
                }),
            )?;
        } else {
            if !ctx.confirm(&format!(
                "Show the recovery phrase of wallet {}? Anyone who sees it controls the wallet",
                file.name
            ))? {
                ctx.out.info("Nothing was shown.");
                return Ok(());
            }
            let secrets = file.decrypt(&wallet_password(ctx, &file)?)?;
            let phrase = secrets.phrase();
            ctx.out.result(
                phrase.as_str(),
                serde_json::json!({ "name": file.name, "mnemonic": phrase.as_str() }),
            )?;
        }
        Ok(())
    }
}
