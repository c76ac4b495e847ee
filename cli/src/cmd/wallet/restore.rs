//! `sesh wallet restore`.

use super::{remember, wallet_json};
use crate::context::Context;
use crate::password::{self, PASSWORD_ENV};
use clap::Args;
use eyre::{WrapErr, bail};
use sesh_core::keys::Mnemonic;
use sesh_core::keystore::{WalletFile, check_name};
use std::io::IsTerminal;
use std::path::PathBuf;
use zeroize::Zeroizing;

/// Restore a wallet from its recovery phrase
///
/// The words are read from a hidden prompt or from --mnemonic-file. A word
/// that is not in the BIP-39 list is named, with suggestions; a phrase whose
/// words are all valid but do not fit together fails its checksum.
///
/// Examples:
///   sesh wallet restore --name alice
///   SESH_PASSWORD=... sesh wallet restore --mnemonic-file words.txt
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct RestoreArgs {
    /// Name the wallet NAME.
    #[arg(long, default_value = "default", value_name = "NAME")]
    pub name: String,
    /// Read the recovery phrase from FILE.
    #[arg(long, value_name = "FILE")]
    pub mnemonic_file: Option<PathBuf>,
    /// Keep the password in the OS keyring (where one is available).
    #[arg(long)]
    pub remember: bool,
}

impl RestoreArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let name = check_name(&self.name)?;
        let store = ctx.keystore();
        if store.exists(&name) {
            bail!("a wallet named {name:?} exists already; pick another name with --name");
        }
        let phrase = match &self.mnemonic_file {
            Some(path) => Zeroizing::new(std::fs::read_to_string(path).wrap_err_with(|| {
                format!("cannot read the recovery phrase from {}", path.display())
            })?),
            None => {
                if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
                    bail!(
                        "there is no terminal to type the recovery phrase; pass --mnemonic-file FILE"
                    );
                }
                Zeroizing::new(
                    dialoguer::Password::new()
                        .with_prompt("Recovery phrase (words separated by spaces)")
                        .interact()
                        .wrap_err("cannot read the recovery phrase")?,
                )
            }
        };
        let mnemonic =
            Mnemonic::parse(&phrase).wrap_err("this recovery phrase cannot be restored")?;
        let password = password::for_new(
            ctx.password_file(),
            PASSWORD_ENV,
            "Password for the restored wallet",
        )?;
        let mut file = WalletFile::encrypt(&name, &mnemonic, &password)?;
        remember(
            ctx,
            &mut file,
            &password,
            self.remember || ctx.config.remember_password,
        );
        let path = store.create(&file)?;
        let mut data = wallet_json(&file);
        data["path"] = serde_json::json!(path);
        ctx.out.result(
            &format!(
                "Restored wallet {}\n  EVM address  {}\n  Session ID   {}",
                file.name, file.evm_address, file.session_id
            ),
            data,
        )?;
        Ok(())
    }
}
