//! `sesh wallet new`.

use super::{remember, wallet_json};
use crate::context::Context;
use crate::password::{self, PASSWORD_ENV};
use clap::Args;
use eyre::{WrapErr, bail};
use sesh_core::keys::{Mnemonic, WordCount};
use sesh_core::keystore::{WalletFile, check_name};
use std::io::IsTerminal;

/// Create a wallet with a new recovery phrase
///
/// The recovery phrase (12 or 24 words) is shown once: write it down, it is
/// the only way to restore the wallet. You are then asked to type two of the
/// words back (skipped with --yes). The wallet file keeps the phrase
/// encrypted under your password.
///
/// Headless: SESH_PASSWORD=... sesh wallet new --yes (add --json
/// --show-mnemonic to receive the words in the JSON envelope).
///
/// Examples:
///   sesh wallet new --name alice
///   sesh wallet new --words 24 --remember
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct NewArgs {
    /// Name the wallet NAME (letters, digits, '_' and '-').
    #[arg(long, default_value = "default", value_name = "NAME")]
    pub name: String,
    /// Use 12 or 24 words.
    #[arg(long, default_value_t = 12, value_parser = parse_words)]
    pub words: usize,
    /// Put the words in the --json envelope too.
    #[arg(long)]
    pub show_mnemonic: bool,
    /// Keep the password in the OS keyring (where one is available).
    #[arg(long)]
    pub remember: bool,
}

fn parse_words(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(words @ (12 | 24)) => Ok(words),
        _ => Err(format!("{text:?} words: a new wallet has 12 or 24 words")),
    }
}

impl NewArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let name = check_name(&self.name)?;
        let store = ctx.keystore();
        if store.exists(&name) {
            bail!(
                "a wallet named {name:?} exists already; pick another name with --name, or `sesh wallet remove --wallet {name}` first"
            );
        }
        let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
        if !ctx.yes && !interactive {
            bail!(
                "there is no terminal to confirm the recovery phrase; pass --yes (and {PASSWORD_ENV}) to create the wallet headless"
            );
        }
        let password = password::for_new(
            ctx.password_file(),
            PASSWORD_ENV,
            "Password for the new wallet",
        )?;
        let mnemonic =
            Mnemonic::generate(WordCount::from_words(self.words).expect("clap allows 12 or 24"));

        if !ctx.out.is_json() || interactive {
            show_words(&mnemonic);
        }
        if !ctx.yes {
            confirm_words(&mnemonic)?;
        }

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
        if self.show_mnemonic {
            data["mnemonic"] = serde_json::json!(mnemonic.phrase().as_str());
        } else if ctx.out.is_json() {
            ctx.out.warn("the recovery phrase is not in this output; pass --show-mnemonic to include it, or run `sesh wallet export` later");
        }
        ctx.out.result(
            &format!(
                "Created wallet {}\n  EVM address  {}\n  Session ID   {}\n  file         {}",
                file.name,
                file.evm_address,
                file.session_id,
                path.display()
            ),
            data,
        )?;
        Ok(())
    }
}

/// Prints the words, numbered, on stderr (the terminal), never into a pipe
/// that might end in a file.
fn show_words(mnemonic: &Mnemonic) {
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

/// Asks for two random words back.
fn confirm_words(mnemonic: &Mnemonic) -> eyre::Result<()> {
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
                "word #{} does not match; nothing was saved. Run `sesh wallet new` again and write the words down carefully",
                index + 1
            );
        }
    }
    Ok(())
}
