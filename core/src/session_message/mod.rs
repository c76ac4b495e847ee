//! One-to-one messages in Session's format: what `sesh` stores in a
//! recipient's mailbox is what a Session client stores for the same text, and
//! what Session clients store is read here.
//!
//! ```text
//! Content (protobuf)             dataMessage.body, dataMessage.profile.displayName,
//!                                sigTimestamp, expirationType/expirationTimer, seshPremium
//!   → pad                        Content ‖ 0x80 ‖ 0x00… to a multiple of 160   [padding]
//!   → seal                       crypto_box_seal(M ‖ A ‖ SIG, Y)               [crate::envelope]
//!   → Envelope                   SESSION_MESSAGE, timestamp, sourceDevice 1, proSig
//!   → WebSocketMessage REQUEST   body = Envelope                               [wire]
//!   → base64                     what the storage server keeps
//! ```
//!
//! [`seal_text`] does all of it; [`open_stored`] undoes it and says what the
//! message is: a [`Text`], or [`Incoming::Unsupported`] with its [`Kind`] for
//! everything else a Session client sends (typing, receipts, calls,
//! attachments, …), never an error. The schema is `core/proto/session.proto`
//! (Session's field numbers; see docs/messages.md), compiled into [`proto`].
//!
//! Premium proofs, which let a text run past 2,000 characters, travel in
//! `Content.seshPremium` (field 7374), a field Session's schema does not have
//! and Session clients skip; [`premium`] has the length rule that checks them.

pub mod padding;
pub mod premium;
pub mod wire;

/// Session's protobuf messages, generated from `core/proto/session.proto` by
/// prost-build (see `core/build.rs`).
#[allow(missing_docs, unreachable_pub, clippy::all, clippy::pedantic)]
pub mod proto {
    include!(concat!(env!("OUT_DIR"), "/session_protos.rs"));
}

pub use padding::{PADDING_BLOCK, pad, unpad};
pub use premium::{
    LengthError, MAX_PREMIUM_TEXT_CHARS, MAX_PROOFS, MAX_TEXT_CHARS, PremiumProof, check_length,
    required_proofs,
};
pub use wire::{Unwrapped, WireError, from_base64, to_base64, unwrap, wrap};

use crate::attestation::NodeKey;
use crate::envelope::{self, EnvelopeError};
use crate::session_id::SessionId;
use prost::Message;
use proto::content::ExpirationType;
use std::fmt;

/// The field of `Content` that carries sesh's premium proofs.
pub const PREMIUM_FIELD: u32 = 7374;
/// How long a message is kept when no shorter TTL is asked for: 14 days, in ms
/// (Session's `TTL_DEFAULT.CONTENT_MESSAGE`).
pub const DEFAULT_TTL_MS: u64 = 14 * 24 * 60 * 60 * 1000;
/// The mailbox namespace of one-to-one messages.
pub const NAMESPACE: i16 = 0;

/// When a message disappears, as Session's disappearing messages say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disappearing {
    /// `DELETE_AFTER_SEND`: this many seconds after it was sent (what `--ttl` asks for).
    AfterSend(u32),
    /// `DELETE_AFTER_READ`: this many seconds after the recipient read it.
    AfterRead(u32),
}

/// A one-to-one text message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// The text (`dataMessage.body`).
    pub body: String,
    /// The sender's display name (`dataMessage.profile.displayName`): for a
    /// `sesh` sender, its primary name. Unverified as received: a reader shows
    /// the name the registry gives the sender's Session ID.
    pub display_name: Option<String>,
    /// When it was sent, ms since the Unix epoch (`sigTimestamp`, which is also
    /// the envelope's timestamp).
    pub sent_ms: u64,
    /// Disappearing-message setting (`expirationType`, `expirationTimer`).
    pub disappearing: Option<Disappearing>,
    /// Premium proofs for a long text (`seshPremium`); empty from Session clients.
    pub proofs: Vec<PremiumProof>,
}

/// Every other kind of message a Session client sends one to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `typingMessage`.
    Typing,
    /// `receiptMessage` (read receipts).
    Receipt,
    /// `callMessage`.
    Call,
    /// `configurationMessage` or `sharedConfigMessage` (legacy config sync).
    Config,
    /// `dataExtractionNotification` (screenshot, media saved).
    DataExtraction,
    /// `unsendRequest` (delete for everyone).
    Unsend,
    /// `messageRequestResponse` (a message request accepted).
    MessageRequestResponse,
    /// A `dataMessage` with attachments (with or without a caption).
    Attachment,
    /// A `dataMessage` reaction.
    Reaction,
    /// A `dataMessage` inviting to a community.
    CommunityInvitation,
    /// A `dataMessage` about a group (legacy or v2).
    GroupUpdate,
    /// A `dataMessage` changing the disappearing-messages timer.
    ExpirationTimerUpdate,
    /// A `dataMessage` without text: a profile update or something newer.
    EmptyData,
    /// A `Content` with none of the fields above (a newer kind).
    Unknown,
}

impl Kind {
    /// A short lowercase name ("typing", "receipt", …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Typing => "typing",
            Self::Receipt => "receipt",
            Self::Call => "call",
            Self::Config => "config",
            Self::DataExtraction => "data-extraction",
            Self::Unsend => "unsend",
            Self::MessageRequestResponse => "message-request-response",
            Self::Attachment => "attachment",
            Self::Reaction => "reaction",
            Self::CommunityInvitation => "community-invitation",
            Self::GroupUpdate => "group-update",
            Self::ExpirationTimerUpdate => "expiration-timer-update",
            Self::EmptyData => "empty-data",
            Self::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a `Content` is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incoming {
    /// A text message.
    Text(Text),
    /// Anything else, by kind.
    Unsupported(Kind),
}

/// Why a message cannot be built or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionMessageError {
    /// The unpadded plaintext is not a `Content` protobuf at all.
    #[error("the message is not a Session Content protobuf: {0}")]
    NotContent(String),
    /// More proofs than a message carries.
    #[error("at most {MAX_PROOFS} premium proofs fit in a message")]
    TooManyProofs,
    /// The storage wrapping is wrong.
    #[error(transparent)]
    Wire(#[from] WireError),
    /// The sealed box does not open or its signature does not verify.
    #[error(transparent)]
    Envelope(#[from] EnvelopeError),
}

impl Text {
    /// A text sent at `sent_ms`, without a name, timer or proofs.
    pub fn new(body: impl Into<String>, sent_ms: u64) -> Self {
        Self {
            body: body.into(),
            display_name: None,
            sent_ms,
            disappearing: None,
            proofs: Vec::new(),
        }
    }

    /// The text's length in characters (Unicode scalar values), the unit of the
    /// 2,000 / 10,000 limits (libsession counts code points too).
    pub fn chars(&self) -> usize {
        self.body.chars().count()
    }

    /// The `Content` protobuf as a Session client builds a visible message:
    /// `sigTimestamp` = `sent_ms`; `expirationType`/`expirationTimer` always
    /// written (`UNKNOWN`/0 when the text does not disappear); the profile only
    /// when there is a display name.
    pub fn to_proto(&self) -> Result<proto::Content, SessionMessageError> {
        if self.proofs.len() > MAX_PROOFS {
            return Err(SessionMessageError::TooManyProofs);
        }
        let (expiration_type, expiration_timer) = match self.disappearing {
            None => (ExpirationType::Unknown, 0),
            Some(Disappearing::AfterSend(secs)) => (ExpirationType::DeleteAfterSend, secs),
            Some(Disappearing::AfterRead(secs)) => (ExpirationType::DeleteAfterRead, secs),
        };
        let profile = self.display_name.as_ref().map(|name| proto::LokiProfile {
            display_name: Some(name.clone()),
            ..Default::default()
        });
        let premium = (!self.proofs.is_empty()).then(|| proto::SeshPremium {
            proofs: self
                .proofs
                .iter()
                .map(|proof| proto::SeshPremiumProof {
                    node_key: Some(proof.node_key.0.to_vec()),
                    block: Some(proof.block),
                    expiry: Some(proof.expiry),
                    signature: Some(proof.signature.to_vec()),
                })
                .collect(),
        });
        Ok(proto::Content {
            data_message: Some(proto::DataMessage {
                body: Some(self.body.clone()),
                profile,
                ..Default::default()
            }),
            expiration_type: Some(expiration_type as i32),
            expiration_timer: Some(expiration_timer),
            sig_timestamp: Some(self.sent_ms),
            sesh_premium: premium,
            ..Default::default()
        })
    }

    /// The serialized `Content` (unpadded).
    pub fn encode(&self) -> Result<Vec<u8>, SessionMessageError> {
        Ok(self.to_proto()?.encode_to_vec())
    }
}

/// What a serialized, unpadded `Content` is. An error only when the bytes are
/// not a `Content` protobuf at all; every kind but text is
/// [`Incoming::Unsupported`].
///
/// Malformed premium proofs (a key that is not 32 bytes, a signature that is
/// not 64) are dropped: they could not verify, and the premium rule then
/// counts only the good ones. `sent_ms` is `sigTimestamp`, or 0 when the
/// sender left it out (read the envelope's timestamp then).
pub fn parse_content(bytes: &[u8]) -> Result<Incoming, SessionMessageError> {
    let content = proto::Content::decode(bytes)
        .map_err(|e| SessionMessageError::NotContent(e.to_string()))?;
    let kind = if let Some(data) = &content.data_message {
        match data_kind(data) {
            None => return Ok(Incoming::Text(text_of(&content, data))),
            Some(kind) => kind,
        }
    } else if content.call_message.is_some() {
        Kind::Call
    } else if content.receipt_message.is_some() {
        Kind::Receipt
    } else if content.typing_message.is_some() {
        Kind::Typing
    } else if content.configuration_message.is_some() || content.shared_config_message.is_some() {
        Kind::Config
    } else if content.data_extraction_notification.is_some() {
        Kind::DataExtraction
    } else if content.unsend_request.is_some() {
        Kind::Unsend
    } else if content.message_request_response.is_some() {
        Kind::MessageRequestResponse
    } else {
        Kind::Unknown
    };
    Ok(Incoming::Unsupported(kind))
}

/// `None` for a text; the kind of any other data message.
fn data_kind(data: &proto::DataMessage) -> Option<Kind> {
    const EXPIRATION_TIMER_UPDATE: u32 = proto::data_message::Flags::ExpirationTimerUpdate as u32;
    if !data.attachments.is_empty() {
        Some(Kind::Attachment)
    } else if data.reaction.is_some() {
        Some(Kind::Reaction)
    } else if data.community_invitation.is_some() {
        Some(Kind::CommunityInvitation)
    } else if data.group_update_message.is_some() || data.closed_group_control_message.is_some() {
        Some(Kind::GroupUpdate)
    } else if data.flags.unwrap_or(0) & EXPIRATION_TIMER_UPDATE != 0 {
        Some(Kind::ExpirationTimerUpdate)
    } else if data.body.as_deref().is_none_or(str::is_empty) {
        Some(Kind::EmptyData)
    } else {
        None
    }
}

fn text_of(content: &proto::Content, data: &proto::DataMessage) -> Text {
    let timer = content.expiration_timer.unwrap_or(0);
    let disappearing = match content.expiration_type() {
        _ if timer == 0 => None,
        ExpirationType::DeleteAfterSend => Some(Disappearing::AfterSend(timer)),
        ExpirationType::DeleteAfterRead => Some(Disappearing::AfterRead(timer)),
        ExpirationType::Unknown => None,
    };
    let proofs = content
        .sesh_premium
        .iter()
        .flat_map(|premium| &premium.proofs)
        .filter_map(|proof| {
            Some(PremiumProof {
                node_key: NodeKey(proof.node_key.as_deref()?.try_into().ok()?),
                block: proof.block?,
                expiry: proof.expiry?,
                signature: proof.signature.as_deref()?.try_into().ok()?,
            })
        })
        .take(MAX_PROOFS)
        .collect();
    Text {
        body: data.body.clone().unwrap_or_default(),
        display_name: data
            .profile
            .as_ref()
            .and_then(|profile| profile.display_name.clone())
            .filter(|name| !name.is_empty()),
        sent_ms: content.sig_timestamp.unwrap_or(0),
        disappearing,
        proofs,
    }
}

/// A text sealed and wrapped for `recipient`, ready for the storage server as
/// [`to_base64`] of these bytes: pad → [`envelope::seal`] (a fresh ephemeral
/// key, as Session's `encrypt_for_recipient`) → [`wrap`] with the envelope
/// timestamp `text.sent_ms` and a decoy `proSig`.
pub fn seal_text(
    text: &Text,
    sender_ed25519_seed: &[u8; 32],
    recipient: &SessionId,
) -> Result<Vec<u8>, SessionMessageError> {
    let sealed = envelope::seal(&pad(&text.encode()?), sender_ed25519_seed, recipient)?;
    Ok(wrap(&sealed, text.sent_ms)?)
}

/// A stored message, opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The sender's Session ID (from the signed sealed box).
    pub sender: SessionId,
    /// The sender's Ed25519 key.
    pub sender_ed25519: [u8; 32],
    /// `Envelope.timestamp` (ms): the sent time the sender claims.
    pub envelope_timestamp_ms: u64,
    /// What it is. A text's `sent_ms` falls back to the envelope's timestamp
    /// when the Content has no `sigTimestamp`.
    pub message: Incoming,
}

/// Opens stored bytes (already base64-decoded) with the recipient's Ed25519
/// seed: [`unwrap`] → [`envelope::open`] (checks the sender's signature) →
/// [`unpad`] → [`parse_content`].
pub fn open_stored(
    stored: &[u8],
    recipient_ed25519_seed: &[u8; 32],
) -> Result<Received, SessionMessageError> {
    let unwrapped = unwrap(stored)?;
    let opened = envelope::open(&unwrapped.sealed, recipient_ed25519_seed)?;
    let mut message = parse_content(unpad(&opened.plaintext))?;
    if let Incoming::Text(text) = &mut message
        && text.sent_ms == 0
    {
        text.sent_ms = unwrapped.timestamp_ms;
    }
    Ok(Received {
        sender: opened.sender,
        sender_ed25519: opened.sender_ed25519,
        envelope_timestamp_ms: unwrapped.timestamp_ms,
        message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn proof(n: u8) -> PremiumProof {
        PremiumProof {
            node_key: NodeKey([n; 32]),
            block: 7,
            expiry: 1_900_000_000,
            signature: [n; 64],
        }
    }

    #[test]
    fn a_text_round_trips_with_name_timer_and_proofs() {
        let text = Text {
            body: "hello from sesh".into(),
            display_name: Some("alice".into()),
            sent_ms: 1_765_000_000_000,
            disappearing: Some(Disappearing::AfterSend(3600)),
            proofs: vec![proof(1), proof(2)],
        };
        assert_eq!(
            parse_content(&text.encode().unwrap()),
            Ok(Incoming::Text(text))
        );
    }

    #[test]
    fn content_bytes_are_session_s_field_numbers() {
        let text = Text::new("hi", 5);
        // dataMessage(1){ body(1) "hi" }, expirationType(12) 0, expirationTimer(13) 0, sigTimestamp(15) 5
        assert_eq!(
            text.encode().unwrap(),
            [
                0x0a, 0x04, 0x0a, 0x02, b'h', b'i', 0x60, 0x00, 0x68, 0x00, 0x78, 0x05
            ]
        );
        let named = Text {
            display_name: Some("a".into()),
            ..text
        };
        // profile = field 101 of DataMessage (tag 0xaa 0x06), displayName = 1.
        let bytes = named.encode().unwrap();
        assert!(
            bytes
                .windows(5)
                .any(|w| w == [0xaa, 0x06, 0x03, 0x0a, 0x01])
        );
        // The premium proofs are field 7374, length-delimited: tag varint of 7374 << 3 | 2.
        let long = Text {
            proofs: vec![proof(3)],
            ..named
        };
        let bytes = long.encode().unwrap();
        let tag = (PREMIUM_FIELD << 3) | 2;
        assert!(bytes.windows(3).any(|w| w
            == [
                (tag as u8) | 0x80,
                ((tag >> 7) as u8) | 0x80,
                (tag >> 14) as u8
            ]));
    }

    #[test]
    fn refuses_too_many_proofs() {
        let text = Text {
            proofs: (0..=MAX_PROOFS as u8).map(proof).collect(),
            ..Text::new("x", 1)
        };
        assert_eq!(text.encode(), Err(SessionMessageError::TooManyProofs));
    }

    #[test]
    fn classifies_every_other_kind() {
        let kinds = [
            (
                proto::Content {
                    typing_message: Some(proto::TypingMessage::default()),
                    ..Default::default()
                },
                Kind::Typing,
            ),
            (
                proto::Content {
                    receipt_message: Some(proto::ReceiptMessage::default()),
                    ..Default::default()
                },
                Kind::Receipt,
            ),
            (
                proto::Content {
                    call_message: Some(proto::CallMessage::default()),
                    ..Default::default()
                },
                Kind::Call,
            ),
            (
                proto::Content {
                    shared_config_message: Some(vec![8, 1]),
                    ..Default::default()
                },
                Kind::Config,
            ),
            (
                proto::Content {
                    data_extraction_notification: Some(Default::default()),
                    ..Default::default()
                },
                Kind::DataExtraction,
            ),
            (
                proto::Content {
                    unsend_request: Some(Default::default()),
                    ..Default::default()
                },
                Kind::Unsend,
            ),
            (
                proto::Content {
                    message_request_response: Some(Default::default()),
                    ..Default::default()
                },
                Kind::MessageRequestResponse,
            ),
            (
                proto::Content {
                    data_message: Some(proto::DataMessage {
                        body: Some("caption".into()),
                        attachments: vec![Default::default()],
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                Kind::Attachment,
            ),
            (
                proto::Content {
                    data_message: Some(proto::DataMessage {
                        flags: Some(2),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                Kind::ExpirationTimerUpdate,
            ),
            (
                proto::Content {
                    data_message: Some(proto::DataMessage {
                        group_update_message: Some(vec![]),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                Kind::GroupUpdate,
            ),
            (
                proto::Content {
                    data_message: Some(proto::DataMessage::default()),
                    ..Default::default()
                },
                Kind::EmptyData,
            ),
            (proto::Content::default(), Kind::Unknown),
        ];
        for (content, kind) in kinds {
            assert_eq!(
                parse_content(&content.encode_to_vec()),
                Ok(Incoming::Unsupported(kind)),
                "{kind}"
            );
        }
        assert!(matches!(
            parse_content(&[0xff, 0xff]),
            Err(SessionMessageError::NotContent(_))
        ));
    }

    #[test]
    fn seals_and_opens_end_to_end() {
        let alice = [1u8; 32];
        let bob = [2u8; 32];
        let text = Text {
            display_name: Some("alice".into()),
            ..Text::new("hi bob", 1_765_000_000_000)
        };
        let stored = seal_text(&text, &alice, &envelope::session_id_from_seed(&bob)).unwrap();
        let received = open_stored(&from_base64(&to_base64(&stored)).unwrap(), &bob).unwrap();
        assert_eq!(received.sender, envelope::session_id_from_seed(&alice));
        assert_eq!(received.envelope_timestamp_ms, 1_765_000_000_000);
        assert_eq!(received.message, Incoming::Text(text));
        // The padded plaintext is a multiple of 160.
        let sealed = unwrap(&stored).unwrap().sealed;
        assert_eq!(
            (sealed.len() - envelope::ENVELOPE_OVERHEAD) % PADDING_BLOCK,
            0
        );
        assert!(matches!(
            open_stored(&stored, &alice),
            Err(SessionMessageError::Envelope(EnvelopeError::Unseal))
        ));
    }

    #[test]
    fn the_largest_message_fits_what_a_node_stores() {
        let sender = [1u8; 32];
        let to = envelope::session_id_from_seed(&[2u8; 32]);
        let stored_len = |body: String, proofs: usize| {
            let text = Text {
                display_name: Some("n".repeat(64)),
                disappearing: Some(Disappearing::AfterSend(30 * 86_400)),
                proofs: (0..proofs as u8).map(proof).collect(),
                ..Text::new(body, 1_765_000_000_000)
            };
            seal_text(&text, &sender, &to).unwrap().len()
        };
        // 2,000 characters of 4 UTF-8 bytes, the longest text without premium, and
        // 10,000 with 8 proofs, the longest of all (docs/messages.md quotes these sizes).
        let longest_short = stored_len("😀".repeat(MAX_TEXT_CHARS), 0);
        let longest = stored_len("😀".repeat(MAX_PREMIUM_TEXT_CHARS), MAX_PROOFS);
        assert_eq!((longest_short, longest), (8_398, 41_361));
        assert!(longest <= crate::api::MAX_MESSAGE_BYTES);
    }

    proptest! {
        #[test]
        fn parse_content_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = parse_content(&bytes);
            let _ = parse_content(unpad(&bytes));
        }

        #[test]
        fn open_stored_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = open_stored(&bytes, &[5u8; 32]);
        }

        #[test]
        fn any_text_round_trips(body in ".{1,300}", name in proptest::option::of(".{1,40}"), sent in 1u64.., timer in proptest::option::of(1u32..)) {
            let text = Text {
                body,
                display_name: name,
                sent_ms: sent,
                disappearing: timer.map(Disappearing::AfterSend),
                proofs: vec![],
            };
            let padded = pad(&text.encode().unwrap());
            prop_assert_eq!(parse_content(unpad(&padded)), Ok(Incoming::Text(text)));
        }
    }
}
