//! `sesh msg inbox`.

use super::open_all;
use crate::context::Context;
use crate::mailbox::{Swarm, nodes_json, require_one};
use clap::Args;
use std::collections::HashMap;

/// Read the wallet's messages
///
/// Reads the wallet's mailbox from each of its registry nodes (signing each
/// request with the wallet's Session key), keeps one copy of each message,
/// decrypts it, checks the sender's signature and, for a text over 2,000
/// characters, the sender's premium proofs, and shows the sender's primary
/// name as the registry nodes agree on it. Messages that fail a check are
/// listed as refused, with the reason. Messages stay on the nodes until they
/// expire or `sesh msg delete` removes them. Nodes that were in the mailbox's
/// swarm in the last 30 days (before the active node set changed) are read
/// too: they keep what was stored on them.
///
/// Examples:
///   sesh msg inbox
///   sesh msg inbox --json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct InboxArgs {}

impl InboxArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let file = ctx.wallet_file()?;
        let keys = ctx.unlock(&file)?;
        let session = keys.session();
        let swarm = Swarm::discover_own(ctx, session.session_id()).await?;
        let merged = swarm.retrieve(session, &HashMap::new()).await;
        require_one(ctx, "read the mailbox", &merged.nodes)?;
        let (received, refused) = open_all(ctx, session, &merged, &mut HashMap::new()).await?;
        let mut text = match received.len() {
            0 => format!("no messages for {}", session.session_id()),
            1 => "1 message\n".to_string(),
            n => format!("{n} messages\n"),
        };
        for item in &received {
            text.push('\n');
            text.push_str(&item.text());
            text.push('\n');
        }
        for item in &refused {
            ctx.out
                .warn(&format!("refused message {}: {}", item.hash, item.reason));
        }
        ctx.out.result(
            &text,
            serde_json::json!({
                "session_id": session.session_id().to_string(),
                "messages": received.iter().map(|m| m.json()).collect::<Vec<_>>(),
                "refused": refused.iter().map(|m| m.json()).collect::<Vec<_>>(),
                "nodes": nodes_json(&merged.nodes),
                "former_nodes": nodes_json(&merged.former),
            }),
        )?;
        Ok(())
    }
}
