//! `sesh msg ...`: end-to-end encrypted messages to names and Session IDs,
//! kept in the recipient's swarm of registry nodes.

pub(crate) mod delete;
pub(crate) mod inbox;
pub(crate) mod send;
pub(crate) mod watch;

use crate::context::Context;
use crate::format::Timestamp;
use crate::mailbox::Merged;
use crate::output::Report;
use crate::recipient::resolve_session_id;
use crate::registry::Registry;
use crate::registry::primary_via_nodes;
use clap::Subcommand;
use eyre::{WrapErr, bail};
use serde::Serialize;
use sesh_core::api::NameState;
use sesh_core::attestation::NodeKey;
use sesh_core::envelope;
use sesh_core::keys::SessionKeys;
use sesh_core::session_message::{self as session, Incoming, MAX_TEXT_CHARS, Text};
use sesh_core::storage_rpc::MessageHash;
use sesh_core::storage_rpc::response::RetrievedMessage;
use sesh_core::{Name, SessionId};
use std::collections::HashMap;

/// Message commands.
#[derive(Debug, Subcommand)]
// The variants' help is each Args struct's doc comment (a variant doc would replace
// the long help with its one line), so the variants themselves carry none.
#[allow(missing_docs)]
pub(crate) enum MsgCommand {
    Send(send::SendArgs),
    Inbox(inbox::InboxArgs),
    Watch(watch::WatchArgs),
    Delete(delete::DeleteArgs),
}

impl MsgCommand {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        match self {
            Self::Send(args) => args.run(ctx).await,
            Self::Inbox(args) => args.run(ctx).await,
            Self::Watch(args) => args.run(ctx).await,
            Self::Delete(args) => args.run(ctx).await,
        }
    }
}

/// A name's Session ID as the registry nodes agree on it (the chain when no
/// node is known), or the Session ID given.
pub(crate) async fn resolve_recipient(
    ctx: &Context<'_>,
    target: &str,
) -> eyre::Result<(SessionId, Option<Name>)> {
    if let Ok(id) = SessionId::parse(target) {
        return Ok((id, None));
    }
    let Ok(name) = Name::parse(target) else {
        // Let the chain path produce the precise error (bad Session ID or bad name).
        let provider = ctx.provider().await?;
        return resolve_session_id(ctx, &provider, target).await;
    };
    let Some(registry) = Registry::discover(ctx, name.as_str()).await? else {
        let provider = ctx.provider().await?;
        return resolve_session_id(ctx, &provider, target).await;
    };
    let agreed = crate::registry::ask_name(ctx, &registry, &name).await?;
    let Some(response) = agreed.value else {
        bail!("the name {name} is not registered");
    };
    if response.state != NameState::Live {
        bail!(
            "the name {name} does not resolve (its state is {:?}); send to a Session ID instead",
            response.state
        );
    }
    match response.name.answer.session_id {
        Some(id) => Ok((id, Some(name))),
        None => bail!("the name {name} has no Session ID record; ask its owner to set one"),
    }
}

/// A message that opened and passed every check.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    /// Its hash (the storage server's).
    pub(crate) hash: MessageHash,
    /// Who sent it (proved by the signature inside the envelope).
    pub(crate) sender: SessionId,
    /// The sender's primary name, as the registry nodes agree on it.
    pub(crate) sender_name: Option<String>,
    /// What it is: a text, or another kind of Session message.
    pub(crate) message: Incoming,
    /// When the sender sent it (ms, the sender's clock): the text's `sigTimestamp`, else
    /// the envelope's timestamp.
    pub(crate) sent_ms: u64,
    /// When it was stored (ms; the latest time the nodes report).
    pub(crate) stored_ms: u64,
    /// When it expires (ms).
    pub(crate) expiry_ms: u64,
}

/// Opens, checks and names the messages of `merged`, oldest first.
pub(crate) async fn open_all(
    ctx: &Context<'_>,
    keys: &SessionKeys,
    merged: &Merged,
    names: &mut HashMap<SessionId, Option<String>>,
) -> eyre::Result<(Vec<Received>, Vec<Refused>)> {
    let mut stored: Vec<&RetrievedMessage> = merged.messages.values().collect();
    stored.sort_by(|a, b| (a.timestamp, &a.hash).cmp(&(b.timestamp, &b.hash)));
    let mut active: Option<Vec<NodeKey>> = None;
    let mut received = Vec::new();
    let mut refused = Vec::new();
    for message in stored {
        match open_one(ctx, keys, message, &mut active).await? {
            Ok(item) => received.push(item),
            Err(reason) => refused.push(Refused {
                hash: message.hash.clone(),
                reason,
            }),
        }
    }
    for item in &mut received {
        if let std::collections::hash_map::Entry::Vacant(entry) = names.entry(item.sender) {
            let name = match primary_via_nodes(ctx, item.sender, true).await {
                Ok(found) => found.and_then(|(answer, _)| answer.name),
                Err(error) => {
                    ctx.out.warn(&format!(
                        "cannot look up the name of {}: {error:#}",
                        item.sender
                    ));
                    None
                }
            };
            entry.insert(name);
        }
        item.sender_name = names[&item.sender].clone();
    }
    Ok((received, refused))
}

/// One message: `Ok(Err(reason))` when it is refused. Stored bytes are Session's
/// wrapping (`WebSocketMessage` → `Envelope`) around the sealed box; inside is a padded
/// `Content` ([`sesh_core::session_message`]), a text or another kind.
async fn open_one(
    ctx: &Context<'_>,
    keys: &SessionKeys,
    message: &RetrievedMessage,
    active: &mut Option<Vec<NodeKey>>,
) -> eyre::Result<Result<Received, String>> {
    let unwrapped = match session::unwrap(&message.data.0) {
        Ok(unwrapped) => unwrapped,
        Err(error) => return Ok(Err(format!("not a Session message: {error}"))),
    };
    let opened = match envelope::open(&unwrapped.sealed, keys.ed25519_signing_key().as_bytes()) {
        Ok(opened) => opened,
        Err(error) => return Ok(Err(format!("cannot be opened: {error}"))),
    };
    let incoming = match session::parse_content(session::unpad(&opened.plaintext)) {
        Ok(incoming) => incoming,
        Err(error) => return Ok(Err(format!("from {}: {error}", opened.sender))),
    };
    let mut sent_ms = unwrapped.timestamp_ms;
    if let Incoming::Text(text) = &incoming {
        if text.sent_ms != 0 {
            sent_ms = text.sent_ms;
        }
        if text.chars() > MAX_TEXT_CHARS {
            if active.is_none() {
                *active =
                    Some(crate::registry::active_keys(ctx).await.wrap_err(
                        "cannot read the active registry nodes to check premium proofs",
                    )?);
            }
            let deployment = ctx.deployment()?;
            if let Err(error) = session::check_length(
                text,
                opened.sender,
                deployment.chain_id,
                deployment.contracts.premium,
                active.as_deref().unwrap_or_default(),
                message.timestamp / 1000,
            ) {
                return Ok(Err(format!("from {}: refused: {error}", opened.sender)));
            }
        }
    }
    Ok(Ok(Received {
        hash: message.hash.clone(),
        sender: opened.sender,
        sender_name: None,
        message: incoming,
        sent_ms,
        stored_ms: message.timestamp,
        expiry_ms: message.expiration,
    }))
}

impl Received {
    /// The message as the `msg` commands report it.
    pub(crate) fn report(&self) -> Message {
        let (kind, text) = match &self.message {
            Incoming::Text(text) => ("text".to_string(), Some(text)),
            Incoming::Unsupported(kind) => (kind.to_string(), None),
        };
        Message {
            hash: self.hash.clone(),
            sender: self.sender,
            sender_name: self.sender_name.clone(),
            claimed_name: text.and_then(|text| text.display_name.clone()),
            kind,
            sent_at: Timestamp(self.sent_ms / 1000),
            stored_at: Timestamp(self.stored_ms / 1000),
            expiry: Timestamp(self.expiry_ms / 1000),
            text: text.map(|text| text.body.clone()).unwrap_or_default(),
            chars: text.map_or(0, Text::chars),
            premium_proofs: text.map_or(0, |text| text.proofs.len()),
        }
    }
}

/// A received message, as `msg inbox` lists it and `msg watch` prints it (one per line).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Message {
    /// Its hash, the storage server's (43 base64 characters): what `sesh msg delete` takes.
    pub(crate) hash: MessageHash,
    /// Who sent it (proved by the signature inside the envelope).
    pub(crate) sender: SessionId,
    /// The sender's primary name, as the registry nodes agree on it.
    pub(crate) sender_name: Option<String>,
    /// The display name the sender put in the message (Session's `profile.displayName`):
    /// its own claim, unverified; `sender_name` is the name to trust.
    pub(crate) claimed_name: Option<String>,
    /// `text`, or the kind of Session message it is and `sesh` does not show
    /// (`typing`, `receipt`, `call`, `config`, `attachment`, …; see docs/messages.md).
    pub(crate) kind: String,
    /// When the sender wrote it (the sender's clock).
    pub(crate) sent_at: Timestamp,
    /// When it was stored (the latest time the nodes report).
    pub(crate) stored_at: Timestamp,
    /// When the nodes drop it.
    pub(crate) expiry: Timestamp,
    /// The text (empty when `kind` is not `text`).
    pub(crate) text: String,
    /// How many characters the text has (over 2,000 needs premium proofs).
    pub(crate) chars: usize,
    /// How many premium proofs it carries.
    pub(crate) premium_proofs: usize,
}

impl Message {
    /// The sender as people read it: "alice (05ab…)" or the Session ID, and the display
    /// name the sender claims when it is not the verified one.
    pub(crate) fn from(&self) -> String {
        let from = match &self.sender_name {
            Some(name) => format!("{name} ({})", self.sender),
            None => self.sender.to_string(),
        };
        match &self.claimed_name {
            Some(claimed) if self.sender_name.as_ref() != Some(claimed) => {
                format!("{from}, calling itself {claimed:?} (unverified)")
            }
            _ => from,
        }
    }

    /// A sample, for golden files.
    #[cfg(test)]
    pub(crate) fn sample() -> Self {
        Self {
            hash: MessageHash::parse("iSiq5jyE2H6gmFZNHgOtgT8Qet1HTlau3ShjScDAPqQ")
                .expect("a sample hash"),
            sender: crate::output::golden::session_id(),
            sender_name: Some("alice".into()),
            claimed_name: Some("alice".into()),
            kind: "text".into(),
            sent_at: Timestamp(1_796_000_000),
            stored_at: Timestamp(1_796_000_001),
            expiry: Timestamp(1_797_209_601),
            text: "hi bob".into(),
            chars: 6,
            premium_proofs: 0,
        }
    }

    /// A sample of a kind `sesh` does not show, for golden files.
    #[cfg(test)]
    pub(crate) fn sample_unsupported() -> Self {
        Self {
            hash: MessageHash::parse("blwfRcuvGflCMLo1AcN4pTNa9xozG1ta7WJ5IzIojcM")
                .expect("a sample hash"),
            claimed_name: None,
            kind: "typing".into(),
            sent_at: Timestamp(1_796_000_100),
            stored_at: Timestamp(1_796_000_101),
            expiry: Timestamp(1_797_209_701),
            text: String::new(),
            chars: 0,
            ..Self::sample()
        }
    }
}

impl Report for Message {
    /// A header line, the message hash (what `sesh msg delete` takes, in full) and the
    /// text, indented further.
    fn text(&self) -> String {
        let premium = if self.chars > MAX_TEXT_CHARS {
            " [premium]"
        } else {
            ""
        };
        let body: Vec<String> = if self.kind == "text" {
            self.text
                .lines()
                .map(|line| format!("    {line}"))
                .collect()
        } else {
            vec![format!("    unsupported: {}", self.kind)]
        };
        format!(
            "{}  from {}{premium}\n  hash {}\n{}",
            self.sent_at,
            self.from(),
            self.hash,
            body.join("\n")
        )
    }
}

/// A message that was refused, and why.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Refused {
    /// Its hash.
    pub(crate) hash: MessageHash,
    /// Why.
    pub(crate) reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_form_shows_the_full_hash_that_msg_delete_takes() {
        let hash = MessageHash::parse("iSiq5jyE2H6gmFZNHgOtgT8Qet1HTlau3ShjScDAPqQ").unwrap();
        let received = Received {
            hash: hash.clone(),
            sender: SessionId::from_key(alloy::primitives::B256::repeat_byte(0xab)).unwrap(),
            sender_name: Some("alice".into()),
            message: Incoming::Text(Text::new("hi bob\nsecond line", 1_700_000_000_000)),
            sent_ms: 1_700_000_000_000,
            stored_ms: 1_700_000_000_000,
            expiry_ms: 1_700_000_100_000,
        };
        let text = received.report().text();
        assert!(text.contains(&format!("\n  hash {hash}\n")), "{text}");
        // What the inbox shows is what `msg delete` parses.
        let shown = text
            .lines()
            .find_map(|line| line.trim().strip_prefix("hash "))
            .unwrap();
        assert_eq!(MessageHash::parse(shown), Some(hash));
        assert!(text.contains("\n    hi bob\n    second line"), "{text}");
    }

    fn received(message: Incoming, sender_name: Option<&str>) -> Message {
        Received {
            hash: MessageHash::from_digest(&[7; 32]),
            sender: SessionId::from_key(alloy::primitives::B256::repeat_byte(0xab)).unwrap(),
            sender_name: sender_name.map(Into::into),
            message,
            sent_ms: 1_700_000_000_000,
            stored_ms: 1_700_000_000_000,
            expiry_ms: 1_700_000_100_000,
        }
        .report()
    }

    #[test]
    fn other_kinds_are_listed_as_unsupported() {
        let report = received(Incoming::Unsupported(session::Kind::Typing), Some("alice"));
        assert_eq!(report.kind, "typing");
        assert_eq!((report.text.as_str(), report.chars), ("", 0));
        assert!(
            report.text().ends_with("\n    unsupported: typing"),
            "{}",
            report.text()
        );
    }

    #[test]
    fn the_verified_name_is_shown_and_a_different_claim_is_marked() {
        let text = |name: &str| Text {
            display_name: Some(name.into()),
            ..Text::new("hi", 1_700_000_000_000)
        };
        let same = received(Incoming::Text(text("alice")), Some("alice"));
        assert_eq!(same.kind, "text");
        assert!(!same.text().contains("calling itself"), "{}", same.text());
        let other = received(Incoming::Text(text("bob")), Some("alice"));
        assert_eq!(other.sender_name.as_deref(), Some("alice"));
        assert_eq!(other.claimed_name.as_deref(), Some("bob"));
        assert!(
            other.text().contains("from alice (05abab"),
            "{}",
            other.text()
        );
        assert!(
            other
                .text()
                .contains(", calling itself \"bob\" (unverified)"),
            "{}",
            other.text()
        );
        let unnamed = received(Incoming::Text(text("bob")), None);
        assert!(
            unnamed.text().contains("calling itself \"bob\""),
            "{}",
            unnamed.text()
        );
    }
}
