//! `sesh wallet export`.

use crate::context::Context;
use clap::Args;
use eyre::bail;
use sesh_core::keystore::export_web3_keystore;
use std::path::PathBuf;

/// Show the recovery phrase, or write the EVM key as a Web3 keystore
///
/// Without --keystore: prints the recovery phrase after a confirmation
/// (anyone who sees it owns the wallet). With --keystore FILE: writes the EVM
/// account as a standard Web3 v3 keystore, encrypted with the wallet's
/// password, for `cast --keystore FILE`, geth or MetaMask.
///
/// Examples:
///   sesh wallet export
///   sesh wallet export --keystore alice.json
///   cast wallet address --keystore alice.json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ExportArgs {
    /// Write the EVM key to FILE as a Web3 v3 keystore instead.
    #[arg(long, value_name = "FILE")]
    pub keystore: Option<PathBuf>,
}

impl ExportArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let file = ctx.wallet_file()?;
        match self.keystore {
            Some(path) => {
                if path.exists() {
                    bail!("{} exists already; pick another path", path.display());
                }
                let keyring_user = file
                    .remember_password
                    .then(|| crate::password::keyring_user(&file.name, &file.evm_address));
                let password = crate::password::for_unlock(
                    ctx.password_file(),
                    &file.name,
                    keyring_user.as_deref(),
                )?;
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
            }
            None => {
                if !ctx.confirm(&format!(
                    "Show the recovery phrase of wallet {}? Anyone who sees it controls the wallet",
                    file.name
                ))? {
                    ctx.out.info("Nothing was shown.");
                    return Ok(());
                }
                let mnemonic = file.decrypt(&{
                    let keyring_user = file
                        .remember_password
                        .then(|| crate::password::keyring_user(&file.name, &file.evm_address));
                    crate::password::for_unlock(
                        ctx.password_file(),
                        &file.name,
                        keyring_user.as_deref(),
                    )?
                })?;
                let phrase = mnemonic.phrase();
                ctx.out.result(
                    phrase.as_str(),
                    serde_json::json!({ "name": file.name, "mnemonic": phrase.as_str() }),
                )?;
            }
        }
        Ok(())
    }
}
