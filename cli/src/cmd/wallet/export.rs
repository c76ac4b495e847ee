//! `sesh wallet export`.

use crate::context::Context;
use crate::format::Checksummed;
use crate::output::Report;
use clap::Args;
use eyre::bail;
use serde::Serialize;
use sesh_core::SessionId;
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
pub(crate) struct ExportArgs {
    /// Write the EVM key to FILE as a Web3 v3 keystore instead.
    #[arg(long, value_name = "FILE")]
    pub(crate) keystore: Option<PathBuf>,
    /// Show the Session recovery password (13 words, for the Session app) instead.
    #[arg(long, conflicts_with = "keystore")]
    pub(crate) session_recovery: bool,
}

/// What `sesh wallet export` reports: the recovery phrase (a secret, on stdout).
#[derive(Debug, Serialize)]
pub(crate) struct PhraseExported {
    /// The wallet's name.
    pub(crate) name: String,
    /// Its BIP-39 recovery phrase.
    pub(crate) mnemonic: String,
}

impl Report for PhraseExported {
    fn text(&self) -> String {
        self.mnemonic.clone()
    }
}

/// What `sesh wallet export --session-recovery` reports: the Session recovery password (a
/// secret, on stdout).
#[derive(Debug, Serialize)]
pub(crate) struct SessionRecoveryExported {
    /// The wallet's name.
    pub(crate) name: String,
    /// The Session ID the recovery password restores.
    pub(crate) session_id: SessionId,
    /// The 13 words for the Session app.
    pub(crate) session_recovery_password: String,
}

impl Report for SessionRecoveryExported {
    fn text(&self) -> String {
        self.session_recovery_password.clone()
    }
}

/// What `sesh wallet export --keystore FILE` reports: where the keystore was written.
#[derive(Debug, Serialize)]
pub(crate) struct KeystoreExported {
    /// The wallet's name.
    pub(crate) name: String,
    /// The EVM account in the keystore.
    pub(crate) evm_address: Checksummed,
    /// The keystore file written.
    pub(crate) keystore: PathBuf,
}

impl Report for KeystoreExported {
    fn text(&self) -> String {
        format!(
            "Wrote the EVM key of {} ({}) to {}\n  it opens with the wallet's password: cast wallet address --keystore {}",
            self.name,
            self.evm_address,
            self.keystore.display(),
            self.keystore.display()
        )
    }
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
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let file = ctx.wallet_file()?;
        if let Some(path) = self.keystore {
            if path.exists() {
                bail!("{} exists already; pick another path", path.display());
            }
            let password = wallet_password(ctx, &file)?;
            let keys = file.decrypt(&password)?.derive();
            export_web3_keystore(keys.evm_signer(), &password, &path)?;
            ctx.out.print(&KeystoreExported {
                name: file.name,
                evm_address: file.evm_address.into(),
                keystore: path,
            })?;
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
            ctx.out.print(&SessionRecoveryExported {
                session_id: file.session_id,
                name: file.name,
                session_recovery_password: recovery.phrase().as_str().to_string(),
            })?;
        } else {
            if !ctx.confirm(&format!(
                "Show the recovery phrase of wallet {}? Anyone who sees it controls the wallet",
                file.name
            ))? {
                ctx.out.info("Nothing was shown.");
                return Ok(());
            }
            let secrets = file.decrypt(&wallet_password(ctx, &file)?)?;
            ctx.out.print(&PhraseExported {
                name: file.name,
                mnemonic: secrets.phrase().as_str().to_string(),
            })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::golden;

    // Obviously fake secrets: the shapes are what is pinned.
    #[test]
    fn json_is_pinned() {
        golden::check(
            "wallet-export",
            &PhraseExported {
                name: "alice".into(),
                mnemonic: "test test test test test test test test test test test junk".into(),
            },
        );
        golden::check(
            "wallet-export.session-recovery",
            &SessionRecoveryExported {
                name: "alice".into(),
                session_id: golden::session_id(),
                session_recovery_password:
                    "sample sample sample sample sample sample sample sample sample sample sample sample sample"
                        .into(),
            },
        );
        golden::check(
            "wallet-export.keystore",
            &KeystoreExported {
                name: "alice".into(),
                evm_address: golden::account(0),
                keystore: "alice.json".into(),
            },
        );
    }
}
