//! `sesh wallet ...`: keys. One BIP-39 recovery phrase per wallet gives its
//! EVM account and its Session account, whose 13-word Session recovery
//! password opens it in the Session app; a wallet may instead pair the phrase
//! with a Session account imported from its recovery password (see
//! docs/keys.md).

pub(crate) mod change_password;
pub(crate) mod export;
pub(crate) mod list;
pub(crate) mod new;
pub(crate) mod remove;
pub(crate) mod restore;
pub(crate) mod show;

use crate::context::Context;
use crate::format::{Checksummed, Timestamp};
use crate::password;
use clap::Subcommand;
use eyre::{WrapErr, bail};
use serde::Serialize;
use sesh_core::SessionId;
use sesh_core::keys::{Mnemonic, RecoveryPassword};
use sesh_core::keystore::{SessionKeyOrigin, WalletFile};
use std::path::Path;
use zeroize::Zeroizing;

/// Wallet commands.
#[derive(Debug, Subcommand)]
// The variants' help is each Args struct's doc comment (a variant doc would replace
// the long help with its one line), so the variants themselves carry none.
#[allow(missing_docs)]
pub(crate) enum WalletCommand {
    New(new::NewArgs),
    Restore(restore::RestoreArgs),
    List(list::ListArgs),
    Show(show::ShowArgs),
    Export(export::ExportArgs),
    Remove(remove::RemoveArgs),
    ChangePassword(change_password::ChangePasswordArgs),
}

impl WalletCommand {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
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

/// The public facts of a wallet, as every wallet command reports them.
#[derive(Debug, Serialize)]
pub(crate) struct WalletInfo {
    /// The wallet's name.
    pub(crate) name: String,
    /// Its EVM account.
    pub(crate) evm_address: Checksummed,
    /// Its Session ID.
    pub(crate) session_id: SessionId,
    /// When it was created or restored (`null` if the file's date does not read).
    pub(crate) created: Option<Timestamp>,
    /// How many words its recovery phrase has.
    pub(crate) words: usize,
    /// Where its Session account comes from: `derived`, `imported` or `legacy`.
    #[serde(serialize_with = "origin_str")]
    pub(crate) session_key: SessionKeyOrigin,
    /// Whether the Session app can open its Session account (a recovery password exists).
    pub(crate) session_recovery_password: bool,
    /// Whether the password is kept in the OS keyring.
    pub(crate) password_remembered: bool,
}

impl WalletInfo {
    /// The public facts of `file`.
    pub(crate) fn of(file: &WalletFile) -> Self {
        let origin = file.session_origin();
        Self {
            name: file.name.clone(),
            evm_address: file.evm_address.into(),
            session_id: file.session_id,
            created: sesh_core::keystore::parse_rfc3339(&file.created).map(Timestamp),
            words: file.words,
            session_key: origin,
            session_recovery_password: origin.has_recovery_password(),
            password_remembered: file.remember_password,
        }
    }

    /// A sample, for golden files.
    #[cfg(test)]
    pub(crate) fn sample() -> Self {
        Self {
            name: "alice".into(),
            evm_address: crate::output::golden::account(0),
            session_id: crate::output::golden::session_id(),
            created: Some(Timestamp(1_785_585_600)),
            words: 12,
            session_key: SessionKeyOrigin::Derived,
            session_recovery_password: true,
            password_remembered: false,
        }
    }

    /// "Created" in text: the date, or "unknown".
    pub(crate) fn created_text(&self) -> String {
        self.created
            .map_or_else(|| "unknown".to_string(), |created| created.to_string())
    }
}

fn origin_str<S: serde::Serializer>(
    origin: &SessionKeyOrigin,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(origin.as_str())
}

/// Where a wallet's Session account comes from, in words.
pub(crate) fn session_key_text(origin: SessionKeyOrigin) -> &'static str {
    match origin {
        SessionKeyOrigin::Derived => {
            "from the recovery phrase; `sesh wallet export --session-recovery` shows its recovery password for the Session app"
        }
        SessionKeyOrigin::Imported => {
            "imported from a Session recovery password (keep those 13 words too: the recovery phrase does not restore it)"
        }
        SessionKeyOrigin::Legacy => {
            "legacy (a wallet from before Session recovery passwords; the Session app cannot open it)"
        }
    }
}

/// Reads a secret (a recovery phrase or password) from a file.
pub(crate) fn read_secret_file(path: &Path, what: &str) -> eyre::Result<Zeroizing<String>> {
    Ok(Zeroizing::new(
        std::fs::read_to_string(path)
            .wrap_err_with(|| format!("cannot read the {what} from {}", path.display()))?,
    ))
}

/// Parses a BIP-39 recovery phrase; a Session recovery password given here is
/// pointed at --session-recovery-file.
pub(crate) fn parse_phrase(text: &str) -> eyre::Result<Mnemonic> {
    Mnemonic::parse(text).map_err(|error| {
        let hint = if RecoveryPassword::parse(text).is_ok() {
            "; these 13 words are a Session recovery password: pass it with --session-recovery-file FILE"
        } else {
            ""
        };
        eyre::eyre!("this recovery phrase cannot be restored: {error}{hint}")
    })
}

/// Parses a Session recovery password; a BIP-39 recovery phrase given here is
/// pointed at --mnemonic-file.
pub(crate) fn parse_session_recovery(text: &str) -> eyre::Result<RecoveryPassword> {
    RecoveryPassword::parse(text).map_err(|error| {
        let hint = if Mnemonic::parse(text).is_ok() {
            "; these words are a BIP-39 recovery phrase: pass it with --mnemonic-file FILE"
        } else {
            ""
        };
        eyre::eyre!("this Session recovery password cannot be restored: {error}{hint}")
    })
}

/// Whether stdin and stderr are a terminal (prompts can be shown and answered).
pub(crate) fn interactive() -> bool {
    use std::io::IsTerminal;
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// A hidden prompt for words; `optional` lets an empty answer through as `None`.
pub(crate) fn prompt_words(
    prompt: &str,
    optional: bool,
) -> eyre::Result<Option<Zeroizing<String>>> {
    let answer = Zeroizing::new(
        dialoguer::Password::new()
            .with_prompt(prompt)
            .allow_empty_password(optional)
            .interact()
            .wrap_err("cannot read the words")?,
    );
    Ok((!answer.trim().is_empty()).then_some(answer))
}

/// Prints the words of a new recovery phrase, numbered, on stderr (the
/// terminal), never into a pipe that might end in a file.
pub(crate) fn show_words(mnemonic: &Mnemonic) {
    let words = mnemonic.words();
    eprintln!(
        "Your recovery phrase ({} words). Write it down and keep it offline;",
        words.len()
    );
    eprintln!("it is the only way to restore this wallet and it is shown only now:\n");
    for (row, chunk) in words.chunks(4).enumerate() {
        let line: Vec<String> = chunk
            .iter()
            .enumerate()
            .map(|(i, word)| format!("{:>2}. {word:<10}", row * 4 + i + 1))
            .collect();
        eprintln!("  {}", line.join(" "));
    }
    eprintln!();
}

/// Asks for two random words of a new phrase back.
pub(crate) fn confirm_words(mnemonic: &Mnemonic) -> eyre::Result<()> {
    let words = mnemonic.words();
    let mut picks = [0u8; 2];
    getrandom::fill(&mut picks).expect("the operating system's RNG works");
    let first = usize::from(picks[0]) % words.len();
    let mut second = usize::from(picks[1]) % words.len();
    if second == first {
        second = (first + 1) % words.len();
    }
    for index in [first.min(second), first.max(second)] {
        let answer: String = dialoguer::Input::new()
            .with_prompt(format!("Word #{}", index + 1))
            .interact_text()
            .wrap_err("cannot read the answer")?;
        if answer.trim().to_lowercase() != words[index] {
            bail!(
                "word #{} does not match; nothing was saved. Run the command again and write the words down carefully",
                index + 1
            );
        }
    }
    Ok(())
}

/// Stores the password in the OS keyring when asked to; a missing keyring is
/// a warning, and the wallet then simply asks for its password.
pub(crate) fn remember(ctx: &Context<'_>, file: &mut WalletFile, password: &str, asked: bool) {
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
