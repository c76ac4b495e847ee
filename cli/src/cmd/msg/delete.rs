//! `sesh msg delete HASH...`.

use crate::context::Context;
use crate::mailbox::{Swarm, nodes_json, require_one};
use clap::Args;
use sesh_core::api::MAX_RETRIEVE;
use sesh_core::envelope::MessageHash;
use std::collections::BTreeSet;

/// Delete messages from the wallet's mailbox
///
/// Asks every registry node that keeps the mailbox to delete the messages
/// (by the hashes `sesh msg inbox` shows), signing the request with the
/// wallet's Session key. Nodes that were in the mailbox's swarm in the last
/// 30 days are asked too: they may still hold the messages.
///
/// Examples:
///   sesh msg delete 2637e82f0f76955ce3e0966ff5246a23f4ad717ab757768ce025ad765d743669
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct DeleteArgs {
    /// The message hashes (64 hex characters each).
    #[arg(value_name = "HASH", required = true, num_args = 1..=MAX_RETRIEVE)]
    pub hashes: Vec<MessageHash>,
}

impl DeleteArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let file = ctx.wallet_file()?;
        let keys = ctx.unlock(&file)?;
        let session = keys.session();
        let swarm = Swarm::discover_own(ctx, session.session_id()).await?;
        let (results, former) = swarm.delete(session, &self.hashes).await;
        let answered = require_one(ctx, "delete the messages", &results)?;
        let deleted: BTreeSet<MessageHash> = results
            .iter()
            .chain(&former)
            .filter_map(|(_, r)| r.as_ref().ok())
            .flat_map(|r| r.deleted.iter().copied())
            .collect();
        let missing: Vec<_> = self
            .hashes
            .iter()
            .filter(|h| !deleted.contains(h))
            .map(|h| h.to_string())
            .collect();
        let mut text = format!(
            "deleted {} of {} message{} ({answered} of {} registry nodes answered)",
            deleted.len(),
            self.hashes.len(),
            if self.hashes.len() == 1 { "" } else { "s" },
            results.len()
        );
        if !former.is_empty() {
            let answered = former.iter().filter(|(_, r)| r.is_ok()).count();
            text.push_str(&format!(
                "; also asked {} former swarm node{} ({answered} answered)",
                former.len(),
                if former.len() == 1 { "" } else { "s" },
            ));
        }
        if !missing.is_empty() {
            text.push_str(&format!(
                "\n  not found on any node: {}",
                missing.join(", ")
            ));
        }
        ctx.out.result(
            &text,
            serde_json::json!({
                "deleted": deleted.iter().map(|h| h.to_string()).collect::<Vec<_>>(),
                "not_found": missing,
                "nodes": nodes_json(&results),
                "former_nodes": nodes_json(&former),
            }),
        )?;
        Ok(())
    }
}
