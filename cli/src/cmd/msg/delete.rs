//! `sesh msg delete HASH...`.

use crate::context::Context;
use crate::format::plural;
use crate::mailbox::{NodeReport, Swarm, require_one};
use crate::output::Report;
use clap::Args;
use serde::Serialize;
use sesh_core::api::MAX_RETRIEVE;
use sesh_core::storage_rpc::MessageHash;
use std::collections::BTreeSet;

/// Delete messages from the wallet's mailbox
///
/// Asks every registry node of the mailbox's swarm to delete the messages
/// (by the hashes `sesh msg inbox` shows), through Session's storage protocol
/// (`delete`, signed with the wallet's Session key). Each node deletes its own
/// copy and signs a receipt of what it deleted, which the wallet checks.
///
/// Examples:
///   sesh msg delete iSiq5jyE2H6gmFZNHgOtgT8Qet1HTlau3ShjScDAPqQ
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct DeleteArgs {
    /// The message hashes (the storage server's: 43 base64 characters each).
    #[arg(value_name = "HASH", required = true, num_args = 1..=MAX_RETRIEVE, value_parser = parse_hash)]
    pub(crate) hashes: Vec<MessageHash>,
}

/// Parses a message hash as `sesh msg inbox` shows it.
fn parse_hash(text: &str) -> Result<MessageHash, String> {
    MessageHash::parse(text).ok_or_else(|| {
        format!("{text:?} is not a message hash: 43 base64 characters, as `sesh msg inbox` shows")
    })
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
    /// How many hashes were given.
    #[serde(skip)]
    pub(crate) asked: usize,
}

impl Report for Deleted {
    fn text(&self) -> String {
        let answered = self.nodes.iter().filter(|n| n.ok).count();
        let mut text = format!(
            "deleted {} of {} ({} of {} registry nodes answered)",
            self.deleted.len(),
            plural(self.asked as u64, "message"),
            answered,
            self.nodes.len()
        );
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
        let swarm = Swarm::discover(ctx, session.session_id()).await?;
        let results = swarm.delete(session, &self.hashes).await;
        require_one(ctx, "delete the messages", &results)?;
        let deleted: BTreeSet<MessageHash> = results
            .iter()
            .filter_map(|(_, r)| r.as_ref().ok())
            .flatten()
            .cloned()
            .collect();
        let not_found = self
            .hashes
            .iter()
            .filter(|h| !deleted.contains(h))
            .cloned()
            .collect();
        ctx.out.print(&Deleted {
            deleted: deleted.into_iter().collect(),
            not_found,
            nodes: swarm.with_paths(NodeReport::all(&results)),
            asked: self.hashes.len(),
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Deleted {
        let hash = |text: &str| parse_hash(text).unwrap();
        Deleted {
            deleted: vec![hash("iSiq5jyE2H6gmFZNHgOtgT8Qet1HTlau3ShjScDAPqQ")],
            not_found: vec![hash("7VQCKZpiCAFOD18lrmyjut3cldtn3OFky4qghr1Il4o")],
            nodes: vec![
                NodeReport::sample(1, None),
                NodeReport::sample(2, None),
                NodeReport::sample(3, Some("cannot reach it: connection refused")),
            ],
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
            "deleted 1 of 2 messages (2 of 3 registry nodes answered)\n  not found on any node: 7VQCKZpiCAFOD18lrmyjut3cldtn3OFky4qghr1Il4o"
        );
    }

    #[test]
    fn hashes_are_the_storage_servers() {
        assert!(parse_hash("iSiq5jyE2H6gmFZNHgOtgT8Qet1HTlau3ShjScDAPqQ").is_ok());
        let old = "2637e82f0f76955ce3e0966ff5246a23f4ad717ab757768ce025ad765d743669";
        assert!(
            parse_hash(old)
                .unwrap_err()
                .contains("43 base64 characters")
        );
    }
}
