//! `sesh wallet list`.

use super::WalletInfo;
use crate::context::Context;
use crate::output::Report;
use clap::Args;
use serde::Serialize;
use std::path::PathBuf;

/// List the wallets
///
/// Shows each wallet's name, EVM address and Session ID. Nothing is
/// decrypted; no password is needed.
///
/// Examples:
///   sesh wallet list
///   sesh wallet list --json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct ListArgs {}

/// What `sesh wallet list` reports.
#[derive(Debug, Serialize)]
pub(crate) struct WalletList {
    /// Every wallet, by name.
    pub(crate) wallets: Vec<WalletInfo>,
    /// The folder they are in.
    #[serde(skip)]
    pub(crate) dir: PathBuf,
}

impl Report for WalletList {
    fn text(&self) -> String {
        if self.wallets.is_empty() {
            return format!(
                "No wallets in {}. Create one with `sesh wallet new`.",
                self.dir.display()
            );
        }
        self.wallets
            .iter()
            .map(|w| format!("{:<16} {} {}", w.name, w.evm_address, w.session_id))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl ListArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let store = ctx.keystore();
        let (wallets, problems) = store.list()?;
        for problem in &problems {
            ctx.out.warn(&problem.to_string());
        }
        ctx.out.print(&WalletList {
            wallets: wallets.iter().map(WalletInfo::of).collect(),
            dir: store.dir().to_path_buf(),
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
            "wallet-list",
            &WalletList {
                wallets: vec![WalletInfo::sample()],
                dir: "/home/user/.local/share/sesh/wallets".into(),
            },
        );
    }
}
