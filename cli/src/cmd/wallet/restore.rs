//! `sesh wallet restore`.

use super::new::NewPhrase;
use super::{
    WalletInfo, interactive, parse_phrase, parse_session_recovery, prompt_words, read_secret_file,
    remember, session_key_text,
};
use crate::context::Context;
use crate::output::Report;
use crate::password::{self, PASSWORD_ENV};
use clap::Args;
use eyre::bail;
use serde::Serialize;
use sesh_core::SessionId;
use sesh_core::keys::{Mnemonic, RecoveryPassword, WordCount};
use sesh_core::keystore::{WalletFile, WalletSecrets, check_name};
use std::path::PathBuf;

/// Restore a wallet from its recovery phrase, a Session recovery password, or both
///
/// A recovery phrase (12 to 24 BIP-39 words, from --mnemonic-file) restores
/// the EVM account and the Session account it derives. A Session recovery
/// password (the 13 words the Session app shows, from
/// --session-recovery-file) brings that Session account, with its Session ID:
/// given alone, the wallet gets a new recovery phrase for its EVM account
/// (shown once, as `sesh wallet new` does; --yes headless); given with a
/// recovery phrase, the two are paired.
///
/// Without either flag the words are asked at a hidden prompt, which takes
/// either kind; a second prompt then offers to pair it with the other kind
/// (Enter skips).
///
/// A word that is not in its list is named, with suggestions; words that are
/// all valid but do not fit together fail their checksum. Nothing is written
/// on an error.
///
/// --legacy-session restores the Session ID a wallet made by sesh before
/// Session recovery passwords had for the phrase (wallet file version 1).
///
/// Examples:
///   sesh wallet restore --name alice
///   SESH_PASSWORD=... sesh wallet restore --mnemonic-file words.txt
///   SESH_PASSWORD=... sesh wallet restore --name s --session-recovery-file session-words.txt --yes
///   sesh wallet restore --name both --mnemonic-file words.txt --session-recovery-file session-words.txt
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct RestoreArgs {
    /// Name the wallet NAME.
    #[arg(long, default_value = "default", value_name = "NAME")]
    pub(crate) name: String,
    /// Read the recovery phrase (BIP-39 words) from FILE.
    #[arg(long, value_name = "FILE")]
    pub(crate) mnemonic_file: Option<PathBuf>,
    /// Read a 13-word Session recovery password from FILE.
    #[arg(long, value_name = "FILE")]
    pub(crate) session_recovery_file: Option<PathBuf>,
    /// Give the phrase the legacy Session ID of wallets made before Session recovery passwords.
    #[arg(long, conflicts_with = "session_recovery_file")]
    pub(crate) legacy_session: bool,
    /// Put a newly made recovery phrase in the --json envelope too.
    #[arg(long)]
    pub(crate) show_mnemonic: bool,
    /// Keep the password in the OS keyring (where one is available).
    #[arg(long)]
    pub(crate) remember: bool,
}

/// What `sesh wallet restore` reports.
#[derive(Debug, Serialize)]
pub(crate) struct WalletRestored {
    /// The restored wallet.
    #[serde(flatten)]
    pub(crate) wallet: WalletInfo,
    /// Its file.
    pub(crate) path: PathBuf,
    /// Whether its EVM account got a new recovery phrase (a Session recovery password was
    /// restored alone).
    pub(crate) new_mnemonic: bool,
    /// That new recovery phrase, with --show-mnemonic only (else `null`).
    pub(crate) mnemonic: Option<String>,
    /// The Session ID a wallet made by sesh before Session recovery passwords had for this
    /// phrase (`--legacy-session` restores it); `null` unless the Session account was derived
    /// from a recovery phrase given.
    pub(crate) legacy_session_id: Option<SessionId>,
}

impl Report for WalletRestored {
    fn text(&self) -> String {
        let mut text = format!(
            "Restored wallet {}\n  EVM address  {}{}\n  Session ID   {}\n  Session key  {}",
            self.wallet.name,
            self.wallet.evm_address,
            if self.new_mnemonic {
                " (a new recovery phrase)"
            } else {
                ""
            },
            self.wallet.session_id,
            session_key_text(self.wallet.session_key)
        );
        if let Some(legacy_id) = self.legacy_session_id {
            text.push_str(&format!(
                "\n  (a wallet made by sesh before Session recovery passwords had Session ID {legacy_id} for this phrase; if that one was yours, remove this wallet and restore it with --legacy-session)"
            ));
        }
        text
    }
}

impl RestoreArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let name = check_name(&self.name)?;
        let store = ctx.keystore();
        if store.exists(&name) {
            bail!("a wallet named {name:?} exists already; pick another name with --name");
        }
        let interactive = interactive();
        // Every word is read and checked before a password is asked or anything written.
        let (mnemonic, session) = self.read_words(interactive)?;
        if self.legacy_session && mnemonic.is_none() {
            bail!(
                "--legacy-session needs the recovery phrase (BIP-39 words) of the old wallet, not a Session recovery password"
            );
        }
        if mnemonic.is_none() && !ctx.yes && !interactive {
            bail!(
                "a Session recovery password alone gets a new recovery phrase for the wallet's EVM account, and there is no terminal to confirm it; pass --yes (and {PASSWORD_ENV}) to restore headless, or --mnemonic-file FILE to pair it with an existing phrase"
            );
        }
        let password = password::for_new(
            ctx.password_file(),
            PASSWORD_ENV,
            "Password for the restored wallet",
        )?;
        let new_phrase = mnemonic.is_none();
        let secrets = match (mnemonic, session) {
            (Some(mnemonic), Some(session)) => WalletSecrets::imported(mnemonic, session),
            (Some(mnemonic), None) if self.legacy_session => WalletSecrets::legacy(mnemonic),
            (Some(mnemonic), None) => WalletSecrets::derived(mnemonic),
            (None, session) => NewPhrase {
                show_mnemonic: self.show_mnemonic,
                interactive,
            }
            .present(ctx, Mnemonic::generate(WordCount::Twelve), session)?,
        };
        let legacy_id = (!new_phrase
            && secrets.origin() == sesh_core::keystore::SessionKeyOrigin::Derived)
            .then(|| secrets.mnemonic().legacy_session_keys().session_id());

        let mut file = WalletFile::encrypt(&name, &secrets, &password)?;
        remember(
            ctx,
            &mut file,
            &password,
            self.remember || ctx.config.remember_password,
        );
        let path = store.create(&file)?;
        ctx.out.print(&WalletRestored {
            wallet: WalletInfo::of(&file),
            path,
            new_mnemonic: new_phrase,
            mnemonic: (new_phrase && self.show_mnemonic)
                .then(|| secrets.phrase().as_str().to_string()),
            legacy_session_id: legacy_id,
        })?;
        Ok(())
    }

    /// The recovery phrase and the Session recovery password, from their
    /// files or, with neither, from hidden prompts.
    fn read_words(
        &self,
        interactive: bool,
    ) -> eyre::Result<(Option<Mnemonic>, Option<RecoveryPassword>)> {
        let from_file = |path: &PathBuf, what| read_secret_file(path, what);
        match (&self.mnemonic_file, &self.session_recovery_file) {
            (None, None) => {}
            (mnemonic, session) => {
                let mnemonic = match mnemonic {
                    Some(path) => Some(parse_phrase(&from_file(path, "recovery phrase")?)?),
                    None => None,
                };
                let session = match session {
                    Some(path) => Some(parse_session_recovery(&from_file(
                        path,
                        "Session recovery password",
                    )?)?),
                    None => None,
                };
                return Ok((mnemonic, session));
            }
        }
        if !interactive {
            bail!(
                "there is no terminal to type the words; pass --mnemonic-file FILE (a recovery phrase) or --session-recovery-file FILE (a Session recovery password), or both"
            );
        }
        let Some(words) = prompt_words(
            "Recovery phrase (12 or 24 words) or Session recovery password (13 words)",
            false,
        )?
        else {
            bail!("no words were typed; nothing was restored");
        };
        if words.split_whitespace().count() == sesh_core::keys::recovery_password::WORDS {
            let session = parse_session_recovery(&words)?;
            if self.legacy_session {
                return Ok((None, Some(session)));
            }
            let mnemonic = prompt_words(
                "Recovery phrase of the EVM account to pair with it (Enter for a new one)",
                true,
            )?
            .map(|phrase| parse_phrase(&phrase))
            .transpose()?;
            Ok((mnemonic, Some(session)))
        } else {
            let mnemonic = parse_phrase(&words)?;
            if self.legacy_session {
                return Ok((Some(mnemonic), None));
            }
            let session = prompt_words(
                "Session recovery password to pair with it (13 words; Enter for the Session account the phrase derives)",
                true,
            )?
            .map(|password| parse_session_recovery(&password))
            .transpose()?;
            Ok((Some(mnemonic), session))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_pinned() {
        crate::output::golden::check(
            "wallet-restore",
            &WalletRestored {
                wallet: WalletInfo::sample(),
                path: "/home/user/.local/share/sesh/wallets/alice.json".into(),
                new_mnemonic: false,
                mnemonic: None,
                legacy_session_id: Some(
                    SessionId::from_key(alloy::primitives::B256::repeat_byte(0xab)).unwrap(),
                ),
            },
        );
    }
}
