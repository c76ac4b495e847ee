//! `sesh wallet list`.

use super::wallet_json;
use crate::context::Context;
use clap::Args;

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
pub struct ListArgs {}

impl ListArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let store = ctx.keystore();
        let (wallets, problems) = store.list()?;
        for problem in &problems {
            ctx.out.warn(&problem.to_string());
        }
        let text = if wallets.is_empty() {
            format!(
                "No wallets in {}. Create one with `sesh wallet new`.",
                store.dir().display()
            )
        } else {
            wallets
                .iter()
                .map(|w| format!("{:<16} {} {}", w.name, w.evm_address, w.session_id))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let data: Vec<_> = wallets.iter().map(wallet_json).collect();
        ctx.out
            .result(&text, serde_json::json!({ "wallets": data }))?;
        Ok(())
    }
}
