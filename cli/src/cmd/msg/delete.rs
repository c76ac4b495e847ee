//! `sesh msg delete HASH...`.

use crate::context::Context;
use crate::format::plural;
use crate::mailbox::{NodeReport, Swarm, require_one};
use crate::output::Report;
use clap::Args;
use serde::Serialize;
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
pub(crate) struct DeleteArgs {
    /// The message hashes (64 hex characters each).
    #[arg(value_name = "HASH", required = true, num_args = 1..=MAX_RETRIEVE)]
    pub(crate) hashes: Vec<MessageHash>,
}

/// What `sesh msg delete` reports.
#[derive(Debug, Serialize)]
pub(crate) struct Deleted {
    /// The hashes some node deleted.
    pub(crate) deleted: Vec<MessageHash>,
    /// The hashes asked for that no node had.
    pub(crate) not_found: Vec<MessageHash>,
    /// What each registry node of the mailbox's swarm did.
    pub(crate) nodes: Vec<NodeReport>,
    /// What each former member of the swarm did.
    pub(crate) former_nodes: Vec<NodeReport>,
    /// How many hashes were given.
    #[serde(skip)]
    pub(crate) asked: usize,
}

impl Report for Deleted {
    fn text(&self) -> String {
        let answered = |nodes: &[NodeReport]| nodes.iter().filter(|n| n.ok).count();
        let mut text = format!(
            "deleted {} of {} ({} of {} registry nodes answered)",
            self.deleted.len(),
            plural(self.asked as u64, "message"),
            answered(&self.nodes),
            self.nodes.len()
        );
        if !self.former_nodes.is_empty() {
            text.push_str(&format!(
                "; also asked {} ({} answered)",
                plural(self.former_nodes.len() as u64, "former swarm node"),
                answered(&self.former_nodes)
            ));
        }
        if !self.not_found.is_empty() {
            let missing: Vec<String> = self.not_found.iter().map(|h| h.to_string()).collect();
            text.push_str(&format!(
                "\n  not found on any node: {}",
                missing.join(", ")
            ));
        }
        text
    }
}

impl DeleteArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let file = ctx.wallet_file()?;
        let keys = ctx.unlock(&file)?;
        let session = keys.session();
        let swarm = Swarm::discover_own(ctx, session.session_id()).await?;
        let (results, former) = swarm.delete(session, &self.hashes).await;
        require_one(ctx, "delete the messages", &results)?;
        let deleted: BTreeSet<MessageHash> = results
            .iter()
            .chain(&former)
            .filter_map(|(_, r)| r.as_ref().ok())
            .flat_map(|r| r.deleted.iter().copied())
            .collect();
        let not_found = self
            .hashes
            .iter()
            .filter(|h| !deleted.contains(h))
            .copied()
            .collect();
        ctx.out.print(&Deleted {
            deleted: deleted.into_iter().collect(),
            not_found,
            nodes: NodeReport::all(&results),
            former_nodes: NodeReport::all(&former),
            asked: self.hashes.len(),
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Deleted {
        let hash = |text: &str| text.parse::<MessageHash>().unwrap();
        Deleted {
            deleted: vec![hash(
                "2637e82f0f76955ce3e0966ff5246a23f4ad717ab757768ce025ad765d743669",
            )],
            not_found: vec![hash(
                "9c1e0f6cf3d6a0f7e2b0f1f3a9c4d5e6b7a8091a2b3c4d5e6f708192a3b4c5d6",
            )],
            nodes: vec![
                NodeReport::sample(1, None),
                NodeReport::sample(2, None),
                NodeReport::sample(3, None),
            ],
            former_nodes: vec![NodeReport::sample(4, Some("connection refused"))],
            asked: 2,
        }
    }

    #[test]
    fn json_is_pinned() {
        crate::output::golden::check("msg-delete", &sample());
    }

    #[test]
    fn the_text_counts_messages_and_nodes() {
        assert_eq!(
            sample().text(),
            "deleted 1 of 2 messages (3 of 3 registry nodes answered); also asked 1 former swarm node (0 answered)\n  not found on any node: 9c1e0f6cf3d6a0f7e2b0f1f3a9c4d5e6b7a8091a2b3c4d5e6f708192a3b4c5d6"
        );
    }
}
