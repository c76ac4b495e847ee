//! `sesh wallet show`.

use super::WalletInfo;
use crate::context::Context;
use crate::output::Report;
use crate::registry::NodesSource;
use clap::Args;
use serde::Serialize;
use std::path::PathBuf;

/// Show a wallet's EVM address and Session ID
///
/// Reads only the public part of the wallet file; no password is needed.
/// "Session key" says where the Session account comes from, and whether the
/// Session app can open it (`sesh wallet export --session-recovery`).
/// The primary name is asked of the registry nodes (/v1/reverse of the
/// Session ID, accepted when they agree); it shows as "unknown" when no
/// node answers.
///
/// Examples:
///   sesh wallet show
///   sesh wallet show --wallet alice --json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct ShowArgs {}

/// What `sesh wallet show` reports.
#[derive(Debug, Serialize)]
pub(crate) struct WalletShown {
    /// The wallet.
    #[serde(flatten)]
    pub(crate) wallet: WalletInfo,
    /// Its Session ID's primary name as the registry nodes agree on it (`null`: none, or no
    /// node answered).
    pub(crate) primary_name: Option<String>,
    /// Which registry nodes answered and agreed (`null`: no node answered).
    pub(crate) primary_name_source: Option<NodesSource>,
    /// Its file.
    pub(crate) path: PathBuf,
}

impl Report for WalletShown {
    fn text(&self) -> String {
        let primary = match &self.primary_name_source {
            Some(source) => format!(
                "{} ({})",
                self.primary_name.as_deref().unwrap_or("(none)"),
                source.summary()
            ),
            None => "unknown".to_string(),
        };
        let wallet = &self.wallet;
        format!(
            "Wallet {}\n  EVM address   {}\n  Session ID    {}\n  Session key   {}\n  primary name  {primary}\n  created       {}\n  words         {}\n  keyring       {}",
            wallet.name,
            wallet.evm_address,
            wallet.session_id,
            super::session_key_text(wallet.session_key),
            wallet.created_text(),
            wallet.words,
            if wallet.password_remembered {
                "password remembered"
            } else {
                "not used"
            }
        )
    }
}

impl ShowArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let file = ctx.wallet_file()?;
        // Offline, or no node answering: "unknown", quietly.
        let primary = crate::registry::primary_via_nodes(ctx, file.session_id, true)
            .await
            .ok()
            .flatten();
        let (primary_name, primary_name_source) = match primary {
            Some((answer, agreed)) => (answer.name, Some(agreed.source())),
            None => (None, None),
        };
        ctx.out.print(&WalletShown {
            wallet: WalletInfo::of(&file),
            primary_name,
            primary_name_source,
            path: ctx.keystore().path_of(&file.name),
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
            "wallet-show",
            &WalletShown {
                wallet: WalletInfo::sample(),
                primary_name: Some("alice".into()),
                primary_name_source: Some(NodesSource::sample()),
                path: "/home/user/.local/share/sesh/wallets/alice.json".into(),
            },
        );
    }
}
