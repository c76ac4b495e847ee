//! `sesh wallet new`.

use super::{
    WalletInfo, confirm_words, interactive, parse_session_recovery, read_secret_file, remember,
    session_key_text, show_words,
};
use crate::context::Context;
use crate::output::Report;
use crate::password::{self, PASSWORD_ENV};
use clap::Args;
use eyre::bail;
use serde::Serialize;
use sesh_core::keys::{Mnemonic, WordCount};
use sesh_core::keystore::{WalletFile, WalletSecrets, check_name};
use std::path::PathBuf;

/// Create a wallet with a new recovery phrase
///
/// The recovery phrase (12 or 24 words) is shown once: write it down, it is
/// the only way to restore the wallet. You are then asked to type two of the
/// words back (skipped with --yes). The wallet file keeps the phrase
/// encrypted under your password.
///
/// The phrase gives an EVM account and a Session account; `sesh wallet export
/// --session-recovery` shows the Session account's 13-word recovery password,
/// which opens it in the Session app. With --session-recovery-file the wallet
/// uses the Session account of that recovery password instead (one you have in
/// the Session app), paired with the new EVM account.
///
/// Headless: SESH_PASSWORD=... sesh wallet new --yes (add --json
/// --show-mnemonic to receive the words in the JSON envelope).
///
/// Examples:
///   sesh wallet new --name alice
///   sesh wallet new --words 24 --remember
///   sesh wallet new --name alice --session-recovery-file session-words.txt
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct NewArgs {
    /// Name the wallet NAME (letters, digits, '_' and '-').
    #[arg(long, default_value = "default", value_name = "NAME")]
    pub(crate) name: String,
    /// Use 12 or 24 words.
    #[arg(long, default_value_t = 12, value_parser = parse_words)]
    pub(crate) words: usize,
    /// Use the Session account of the 13-word Session recovery password in FILE.
    #[arg(long, value_name = "FILE")]
    pub(crate) session_recovery_file: Option<PathBuf>,
    /// Put the words in the --json envelope too.
    #[arg(long)]
    pub(crate) show_mnemonic: bool,
    /// Keep the password in the OS keyring (where one is available).
    #[arg(long)]
    pub(crate) remember: bool,
}

/// What `sesh wallet new` reports.
#[derive(Debug, Serialize)]
pub(crate) struct WalletCreated {
    /// The new wallet.
    #[serde(flatten)]
    pub(crate) wallet: WalletInfo,
    /// Its file.
    pub(crate) path: PathBuf,
    /// Its recovery phrase, with --show-mnemonic only (else `null`).
    pub(crate) mnemonic: Option<String>,
}

impl Report for WalletCreated {
    fn text(&self) -> String {
        format!(
            "Created wallet {}\n  EVM address  {}\n  Session ID   {}\n  Session key  {}\n  file         {}",
            self.wallet.name,
            self.wallet.evm_address,
            self.wallet.session_id,
            session_key_text(self.wallet.session_key),
            self.path.display()
        )
    }
}

fn parse_words(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(words @ (12 | 24)) => Ok(words),
        _ => Err(format!("{text:?} words: a new wallet has 12 or 24 words")),
    }
}

impl NewArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let name = check_name(&self.name)?;
        let store = ctx.keystore();
        if store.exists(&name) {
            bail!(
                "a wallet named {name:?} exists already; pick another name with --name, or `sesh wallet remove --wallet {name}` first"
            );
        }
        let interactive = interactive();
        if !ctx.yes && !interactive {
            bail!(
                "there is no terminal to confirm the recovery phrase; pass --yes (and {PASSWORD_ENV}) to create the wallet headless"
            );
        }
        // Read everything that can be wrong before anything is made or asked.
        let session = match &self.session_recovery_file {
            Some(path) => Some(parse_session_recovery(&read_secret_file(
                path,
                "Session recovery password",
            )?)?),
            None => None,
        };
        let password = password::for_new(
            ctx.password_file(),
            PASSWORD_ENV,
            "Password for the new wallet",
        )?;
        let words = WordCount::from_words(self.words)
            .ok_or_else(|| eyre::eyre!("a new wallet has 12 or 24 words"))?;
        let mnemonic = Mnemonic::generate(words);
        let secrets = NewPhrase {
            show_mnemonic: self.show_mnemonic,
            interactive,
        }
        .present(ctx, mnemonic, session)?;

        let mut file = WalletFile::encrypt(&name, &secrets, &password)?;
        remember(
            ctx,
            &mut file,
            &password,
            self.remember || ctx.config.remember_password,
        );
        let path = store.create(&file)?;
        ctx.out.print(&WalletCreated {
            wallet: WalletInfo::of(&file),
            path,
            mnemonic: self
                .show_mnemonic
                .then(|| secrets.phrase().as_str().to_string()),
        })?;
        Ok(())
    }
}

/// How a freshly generated recovery phrase is handed to the user: shown on
/// the terminal, two words asked back (not with --yes), and a warning when
/// --json output leaves it out.
pub(crate) struct NewPhrase {
    /// --show-mnemonic: the words go into the JSON envelope.
    pub(crate) show_mnemonic: bool,
    /// Whether there is a terminal.
    pub(crate) interactive: bool,
}

impl NewPhrase {
    /// Shows (and confirms) `mnemonic`, then pairs it with the imported
    /// Session account, if any.
    pub(crate) fn present(
        &self,
        ctx: &Context<'_>,
        mnemonic: Mnemonic,
        session: Option<sesh_core::keys::RecoveryPassword>,
    ) -> eyre::Result<WalletSecrets> {
        if !ctx.out.is_json() || self.interactive {
            show_words(&mnemonic);
        }
        if !ctx.yes {
            confirm_words(&mnemonic)?;
        }
        if ctx.out.is_json() && !self.show_mnemonic {
            ctx.out.warn("the recovery phrase is not in this output; pass --show-mnemonic to include it, or run `sesh wallet export` later");
        }
        Ok(match session {
            Some(session) => WalletSecrets::imported(mnemonic, session),
            None => WalletSecrets::derived(mnemonic),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_pinned() {
        crate::output::golden::check(
            "wallet-new",
            &WalletCreated {
                wallet: WalletInfo::sample(),
                path: "/home/user/.local/share/sesh/wallets/alice.json".into(),
                mnemonic: Some(
                    "test test test test test test test test test test test junk".into(),
                ),
            },
        );
    }
}
