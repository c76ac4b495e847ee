//! `sesh msg send NAME|SESSION_ID TEXT | --file FILE`.

use super::resolve_recipient;
use crate::context::Context;
use crate::format::Timestamp;
use crate::mailbox::{NodeReport, Swarm, now_ms};
use crate::output::Report;
use crate::registry::{Registry, active_keys, join_all, primary_via_nodes};
use clap::Args;
use eyre::{WrapErr, bail};
use serde::Serialize;
use sesh_core::SessionId;
use sesh_core::agreement;
use sesh_core::api::{PremiumAnswer, Signed};
use sesh_core::protocol::DAY;
use sesh_core::session_message::{
    DEFAULT_TTL_MS, Disappearing, MAX_PREMIUM_TEXT_CHARS, MAX_PROOFS, MAX_TEXT_CHARS, PremiumProof,
    Text, required_proofs, seal_text,
};
use sesh_core::storage_rpc::{
    MAX_MESSAGE_BODY, MessageHash, TTL_MAXIMUM_MS, TTL_MAXIMUM_PRIVATE_MS, TTL_MINIMUM_MS,
};
use std::io::Read;
use std::path::PathBuf;

/// Send an end-to-end encrypted message to a name or a Session ID
///
/// The text is written as a Session client writes a one-to-one message (a
/// `Content` protobuf with the wallet's primary name as display name, padded,
/// sealed, in an `Envelope`; see docs/messages.md), so the Session app reads it
/// too. It is sealed to the recipient's Session ID (only they can read it) and
/// signed with the wallet's Session key (they can tell it is from you).
/// It is stored as Session's clients store it (the storage protocol,
/// `/storage_rpc/v1`): on one member of the recipient's swarm (7 registry
/// nodes chosen from the active set by the Session ID), which hands it on to
/// the others and answers with each member's signed receipt. The wallet checks
/// the receipts; when that member is down or too few members signed (fewer
/// than a majority of the swarm), the same message goes to the next member.
/// A name is resolved through the registry nodes, which must agree.
///
/// Up to 2,000 characters; up to 10,000 with premium (`sesh premium buy`):
/// the message then carries premium proofs signed by registry nodes, which
/// the recipient checks.
///
/// Examples:
///   sesh msg send alice "hi alice"
///   sesh msg send 05d871fc80ca007eed9b2f4df72853e2a2d5465a92fcb1889fb5c84aa2833b3b40 "hi"
///   sesh msg send alice --file letter.txt --ttl 3d
///   echo "from a script" | sesh msg send alice --file - --json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct SendArgs {
    /// The recipient: a name or a Session ID.
    #[arg(value_name = "NAME|SESSION_ID")]
    pub(crate) to: String,
    /// The text to send.
    #[arg(
        value_name = "TEXT",
        required_unless_present = "file",
        conflicts_with = "file"
    )]
    pub(crate) text: Option<String>,
    /// Read the text from FILE (`-` for standard input).
    #[arg(long, value_name = "FILE")]
    pub(crate) file: Option<PathBuf>,
    /// Make the message disappear DURATION after it is sent: 30s, 45m, 12h, 3d
    /// (10 s to 14 days; up to 30 days when the recipient has premium). The
    /// nodes keep it that long, and Session clients delete it then
    /// (disappear after send). Without it: kept 14 days, no timer.
    #[arg(long, value_name = "DURATION", value_parser = parse_ttl)]
    pub(crate) ttl: Option<u64>,
}

/// What `sesh msg send` reports.
#[derive(Debug, Serialize)]
pub(crate) struct MessageSent {
    /// The recipient's Session ID.
    pub(crate) recipient: SessionId,
    /// The name it was given as, if any.
    pub(crate) name: Option<String>,
    /// The message's hash, the storage server's (43 base64 characters).
    pub(crate) hash: MessageHash,
    /// The size of what was stored: the sealed text in Session's `Envelope`.
    pub(crate) bytes: usize,
    /// The display name the message carries: the wallet's primary name, if it has one.
    pub(crate) display_name: Option<String>,
    /// How many characters the text has.
    pub(crate) chars: usize,
    /// How many premium proofs it carries (a text over 2,000 characters needs them).
    pub(crate) premium_proofs: usize,
    /// How long the nodes keep it unread.
    pub(crate) ttl_secs: u64,
    /// Whether it disappears after `ttl_secs` in Session clients too (`--ttl` given).
    pub(crate) disappearing: bool,
    /// When the nodes drop it.
    pub(crate) expiry: Timestamp,
    /// How many members of the recipient's swarm signed a receipt of it (checked).
    pub(crate) stored: usize,
    /// How many members the recipient's swarm has.
    pub(crate) swarm: usize,
    /// What each member of the recipient's swarm did (and any other node that answered).
    pub(crate) nodes: Vec<NodeReport>,
}

impl Report for MessageSent {
    fn text(&self) -> String {
        let who = match &self.name {
            Some(name) => format!("{name} ({})", self.recipient),
            None => self.recipient.to_string(),
        };
        let from = match &self.display_name {
            Some(name) => format!("\n  from     {name} (your primary name, as its display name)"),
            None => String::new(),
        };
        let disappears = if self.disappearing {
            " (and disappears then in Session clients)"
        } else {
            ""
        };
        format!(
            "sent to {who}{from}\n  message  {}\n  stored   on {} of {} registry nodes\n  expires  {}{disappears}",
            self.hash, self.stored, self.swarm, self.expiry
        )
    }
}

/// Parses a TTL (`30s` to `30d`, see [`parse_duration`]) into milliseconds.
pub(crate) fn parse_ttl(text: &str) -> Result<u64, String> {
    let ms = parse_duration(text)?;
    if !(TTL_MINIMUM_MS..=TTL_MAXIMUM_PRIVATE_MS).contains(&ms) {
        return Err(format!(
            "{text:?} is out of range: from 10s to 14d (30d when the recipient has premium)"
        ));
    }
    Ok(ms)
}

/// Parses `30s`, `45m`, `12h`, `3d` (or plain seconds) into milliseconds.
pub(crate) fn parse_duration(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => text.split_at(at),
        None => (text, "s"),
    };
    let number: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration like 30s, 45m, 12h or 3d"))?;
    let unit_ms = match unit {
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => DAY * 1_000,
        _ => return Err(format!("unknown unit {unit:?}: use s, m, h or d")),
    };
    number
        .checked_mul(unit_ms)
        .ok_or_else(|| format!("{text:?} is too long"))
}

impl SendArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let body = self.read_text()?;
        let chars = body.chars().count();
        if chars == 0 {
            bail!("the message is empty");
        }
        if chars > MAX_PREMIUM_TEXT_CHARS {
            bail!(
                "the text is {chars} characters; the most anyone may send is {MAX_PREMIUM_TEXT_CHARS}"
            );
        }
        let (recipient, name) = resolve_recipient(ctx, &self.to).await?;
        let file = ctx.wallet_file()?;
        let keys = ctx.unlock(&file)?;
        let session = keys.session();
        let ttl_ms = self.ttl.unwrap_or(DEFAULT_TTL_MS);
        let mut text = Text {
            display_name: display_name(ctx, session.session_id()).await,
            disappearing: self
                .ttl
                .map(|ms| Disappearing::AfterSend(u32::try_from(ms / 1000).unwrap_or(u32::MAX))),
            ..Text::new(body, now_ms())
        };
        if chars > MAX_TEXT_CHARS {
            text.proofs = premium_proofs(ctx, session.session_id(), chars).await?;
        }
        let stored = seal_text(&text, session.ed25519_signing_key().as_bytes(), &recipient)
            .wrap_err("cannot seal the message")?;
        if stored.len() > MAX_MESSAGE_BODY {
            bail!(
                "the sealed message is {} bytes; a node stores at most {MAX_MESSAGE_BODY}",
                stored.len()
            );
        }
        if ttl_ms > TTL_MAXIMUM_MS {
            ctx.out.info(
                "a TTL over 14 days is kept only when the recipient has premium; nodes refuse it otherwise",
            );
        }
        let bytes = stored.len();
        let swarm = Swarm::discover(ctx, recipient).await?;
        let done = swarm.store(ctx, stored, ttl_ms).await?;
        ctx.out.print(&MessageSent {
            recipient,
            name: name.map(|n| n.to_string()),
            hash: done.hash,
            bytes,
            display_name: text.display_name,
            chars,
            premium_proofs: text.proofs.len(),
            ttl_secs: ttl_ms / 1000,
            disappearing: self.ttl.is_some(),
            expiry: Timestamp(done.expiry_ms / 1000),
            stored: done.receipts,
            swarm: done.swarm,
            nodes: done.nodes,
        })?;
        Ok(())
    }

    fn read_text(&self) -> eyre::Result<String> {
        let text = match (&self.text, &self.file) {
            (Some(text), _) => text.clone(),
            (None, Some(path)) if path.as_os_str() == "-" => {
                let mut text = String::new();
                std::io::stdin()
                    .read_to_string(&mut text)
                    .wrap_err("cannot read the text from standard input (is it UTF-8?)")?;
                text
            }
            (None, Some(path)) => std::fs::read_to_string(path)
                .wrap_err_with(|| format!("cannot read {} (a UTF-8 text file)", path.display()))?,
            (None, None) => bail!("give the text, or --file FILE"),
        };
        Ok(text)
    }
}

/// The wallet's primary name as the registry nodes agree on it, for the message's
/// display name; none (with a warning when the nodes cannot say) otherwise.
async fn display_name(ctx: &Context<'_>, session_id: SessionId) -> Option<String> {
    match primary_via_nodes(ctx, session_id, true).await {
        Ok(found) => found.and_then(|(answer, _)| answer.name),
        Err(error) => {
            ctx.out.warn(&format!(
                "the message goes without your name: cannot look it up: {error:#}"
            ));
            None
        }
    }
}

/// Proofs of the sender's premium from its registry nodes, enough for a long message.
async fn premium_proofs(
    ctx: &Context<'_>,
    session_id: SessionId,
    chars: usize,
) -> eyre::Result<Vec<PremiumProof>> {
    let deployment = ctx.deployment()?;
    let (chain_id, contract) = (deployment.chain_id, deployment.contracts.premium);
    let Some(registry) = Registry::discover(ctx, &session_id.to_string()).await? else {
        bail!(
            "the text is {chars} characters; over {MAX_TEXT_CHARS} needs premium proofs from registry nodes, and none is known (pass --registry URL)"
        );
    };
    let active = active_keys(ctx).await?;
    let now = now_ms() / 1000;
    let path = format!("/v1/premium/{session_id}/proof");
    let answers = join_all(registry.nodes().iter().map(|node| async {
        // `None`: no answer; `Some(None)`: an answer that proves nothing.
        let reply = registry
            .transport()
            .send(node, crate::onion::Request::Get(&path))
            .await
            .ok()?;
        if reply.status == 404 {
            return Some(None);
        }
        if !(200..300).contains(&reply.status) {
            return None;
        }
        let Ok(signed) = serde_json::from_slice::<Signed<PremiumAnswer>>(&reply.body) else {
            return Some(None);
        };
        let valid = signed.verify(chain_id, contract).is_ok()
            && signed.answer.session_id == session_id
            && node
                .key
                .is_none_or(|key| key == signed.attestation.node_key)
            && signed.answer.expiry > now;
        Some(
            valid
                .then(|| PremiumProof::from_signed(&signed).ok())
                .flatten(),
        )
    }))
    .await;
    let answers_count = answers.iter().filter(|a| a.is_some()).count();
    let mut proofs: Vec<PremiumProof> = answers.into_iter().flatten().flatten().collect();
    proofs.retain(|p| active.contains(&p.node_key));
    proofs.sort_by_key(|p| p.node_key);
    proofs.dedup_by_key(|p| p.node_key);
    proofs.truncate(MAX_PROOFS);
    // The recipient's rule, and the wallet's agreement rule over the nodes asked (a strict
    // majority): with `--registry dead --registry A`, A alone is 1 of 2, not enough.
    let asked = registry.nodes().len();
    let needed = required_proofs(active.len())
        .max(agreement::needed(asked))
        .min(MAX_PROOFS);
    if proofs.len() < needed {
        let limit = MAX_TEXT_CHARS;
        if answers_count < needed {
            bail!(
                "the text is {chars} characters; over {limit} needs premium, proved by {needed} registry nodes, and only {answers_count} of the {asked} asked answered: try again when they are back{}, or shorten the text",
                if registry.keys_verified() {
                    ""
                } else {
                    " (or drop the unreachable ones from --registry)"
                }
            );
        }
        bail!(
            "the text is {chars} characters; over {limit} needs premium, proved by {needed} registry nodes, and {} did: buy premium with `sesh premium buy`, or shorten the text",
            proofs.len()
        );
    }
    Ok(proofs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_pinned() {
        crate::output::golden::check(
            "msg-send",
            &MessageSent {
                recipient: crate::output::golden::session_id(),
                name: Some("bob".into()),
                hash: MessageHash::parse("iSiq5jyE2H6gmFZNHgOtgT8Qet1HTlau3ShjScDAPqQ").unwrap(),
                bytes: 398,
                display_name: Some("alice".into()),
                chars: 6,
                premium_proofs: 0,
                ttl_secs: 14 * sesh_core::protocol::DAY,
                disappearing: false,
                expiry: Timestamp(1_797_209_601),
                stored: 2,
                swarm: 3,
                nodes: vec![
                    NodeReport::sample(1, None),
                    NodeReport::sample(2, None),
                    NodeReport::sample(3, Some("cannot reach it: connection refused")),
                ],
            },
        );
    }

    #[test]
    fn the_text_says_the_name_sent_and_whether_it_disappears() {
        let sent = |display_name: Option<&str>, disappearing| MessageSent {
            recipient: crate::output::golden::session_id(),
            name: None,
            hash: MessageHash::from_digest(&[1; 32]),
            bytes: 398,
            display_name: display_name.map(Into::into),
            chars: 2,
            premium_proofs: 0,
            ttl_secs: 3_600,
            disappearing,
            expiry: Timestamp(1_797_209_601),
            stored: 1,
            swarm: 1,
            nodes: vec![NodeReport::sample(1, None)],
        };
        let named = sent(Some("alice"), true).text();
        assert!(
            named.contains("\n  from     alice (your primary name"),
            "{named}"
        );
        assert!(
            named.ends_with("(and disappears then in Session clients)"),
            "{named}"
        );
        let plain = sent(None, false).text();
        assert!(
            !plain.contains("from") && !plain.contains("disappears"),
            "{plain}"
        );
    }

    #[test]
    fn ttls_parse_with_units_and_stay_in_range() {
        assert_eq!(parse_ttl("30s"), Ok(30_000));
        assert_eq!(parse_ttl("45m"), Ok(2_700_000));
        assert_eq!(parse_ttl("12h"), Ok(43_200_000));
        assert_eq!(parse_ttl("14d"), Ok(TTL_MAXIMUM_MS));
        assert_eq!(parse_ttl("30d"), Ok(TTL_MAXIMUM_PRIVATE_MS));
        assert_eq!(parse_ttl("60"), Ok(60_000));
        assert!(parse_ttl("9s").unwrap_err().contains("out of range"));
        assert!(parse_ttl("31d").unwrap_err().contains("out of range"));
        assert!(parse_ttl("3w").unwrap_err().contains("unknown unit"));
        assert!(parse_ttl("d").unwrap_err().contains("not a duration"));
        assert!(
            parse_ttl("99999999999999999d")
                .unwrap_err()
                .contains("too long")
        );
        assert_eq!(parse_duration("2s"), Ok(2_000));
    }
}
