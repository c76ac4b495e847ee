//! `sesh msg inbox`.

use super::{Message, Refused, open_all};
use crate::context::Context;
use crate::mailbox::{NodeReport, Swarm, require_one};
use crate::output::Report;
use clap::Args;
use serde::Serialize;
use sesh_core::SessionId;
use std::collections::HashMap;

/// Read the wallet's messages
///
/// Reads the wallet's mailbox from up to 3 members of its swarm of registry
/// nodes through Session's storage protocol (`/storage_rpc/v1`; a member that
/// does not answer is replaced by the next), signing each request with the
/// wallet's Session key, and keeps one copy of each message; then
/// decrypts it, checks the sender's signature and, for a text over 2,000
/// characters, the sender's premium proofs, and shows the sender's primary
/// name as the registry nodes agree on it (not the display name the message
/// carries, which is only the sender's claim). Messages are Session's
/// one-to-one format, so what the Session app sends is read too: texts are
/// shown, every other kind (typing, receipts, calls, attachments, ...) is
/// listed as "unsupported: KIND". Messages that fail a check are listed as
/// refused, with the reason. Messages stay on the nodes until they
/// expire or `sesh msg delete` removes them; when the active node set
/// changes, the nodes hand them over to the mailbox's new members.
///
/// Examples:
///   sesh msg inbox
///   sesh msg inbox --json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct InboxArgs {}

/// What `sesh msg inbox` reports.
#[derive(Debug, Serialize)]
pub(crate) struct Inbox {
    /// Whose mailbox: the wallet's Session ID.
    pub(crate) session_id: SessionId,
    /// The messages that passed every check, oldest first.
    pub(crate) messages: Vec<Message>,
    /// The messages that did not, and why.
    pub(crate) refused: Vec<Refused>,
    /// What each registry node asked (members of the mailbox's swarm) did.
    pub(crate) nodes: Vec<NodeReport>,
}

impl Report for Inbox {
    fn text(&self) -> String {
        let mut text = match self.messages.len() {
            0 => format!("no messages for {}", self.session_id),
            1 => "1 message\n".to_string(),
            n => format!("{n} messages\n"),
        };
        for message in &self.messages {
            text.push('\n');
            text.push_str(&message.text());
            text.push('\n');
        }
        text
    }
}

impl InboxArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let file = ctx.wallet_file()?;
        let keys = ctx.unlock(&file)?;
        let session = keys.session();
        let swarm = Swarm::discover(ctx, session.session_id()).await?;
        let merged = swarm.retrieve(session, &HashMap::new()).await;
        require_one(ctx, "read the mailbox", &merged.nodes)?;
        let (received, refused) = open_all(ctx, session, &merged, &mut HashMap::new()).await?;
        for item in &refused {
            ctx.out
                .warn(&format!("refused message {}: {}", item.hash, item.reason));
        }
        ctx.out.print(&Inbox {
            session_id: session.session_id(),
            messages: received.iter().map(|m| m.report()).collect(),
            refused,
            nodes: swarm.with_paths(NodeReport::all(&merged.nodes)),
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sesh_core::storage_rpc::MessageHash;

    #[test]
    fn json_is_pinned() {
        crate::output::golden::check(
            "msg-inbox",
            &Inbox {
                session_id: crate::output::golden::session_id(),
                messages: vec![Message::sample(), Message::sample_unsupported()],
                refused: vec![Refused {
                    hash: MessageHash::parse("7VQCKZpiCAFOD18lrmyjut3cldtn3OFky4qghr1Il4o")
                        .unwrap(),
                    reason: "cannot be opened: sealed to another recipient, or tampered with"
                        .into(),
                }],
                nodes: vec![
                    NodeReport::sample(1, None),
                    NodeReport::sample(2, None),
                    NodeReport::sample(3, Some("cannot reach it: connection refused")),
                ],
            },
        );
    }
}
