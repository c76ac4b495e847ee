//! `sesh wallet show`.

use super::wallet_json;
use crate::context::Context;
use clap::Args;

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
pub struct ShowArgs {}

impl ShowArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let file = ctx.wallet_file()?;
        let mut data = wallet_json(&file);
        // Offline, or no node answering: "unknown", quietly.
        let primary = crate::registry::primary_via_nodes(ctx, file.session_id, true)
            .await
            .ok()
            .flatten();
        let (primary_text, source) = match &primary {
            Some((answer, agreed)) => (
                format!(
                    "{} ({})",
                    answer.name.as_deref().unwrap_or("(none)"),
                    agreed.summary()
                ),
                agreed.json(),
            ),
            None => ("unknown".to_string(), serde_json::Value::Null),
        };
        data["primary_name"] =
            serde_json::json!(primary.as_ref().and_then(|(a, _)| a.name.clone()));
        data["primary_name_source"] = source;
        data["path"] = serde_json::json!(ctx.keystore().path_of(&file.name));
        ctx.out.result(
            &format!(
                "Wallet {}\n  EVM address   {}\n  Session ID    {}\n  Session key   {}\n  primary name  {}\n  created       {}\n  words         {}\n  keyring       {}",
                file.name,
                file.evm_address,
                file.session_id,
                super::session_key_text(file.session_origin()),
                primary_text,
                file.created,
                file.words,
                if file.remember_password { "password remembered" } else { "not used" }
            ),
            data,
        )?;
        Ok(())
    }
}
