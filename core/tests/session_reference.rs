//! Session's one-to-one format checked against a reference made outside our
//! code, both directions: `scripts/session-reference.mjs` builds and parses
//! messages with npm's `protobufjs` (loading `core/proto/session.proto`) and
//! libsodium's own JavaScript build (`libsodium-wrappers-sumo`), both pinned in
//! `contracts/package.json`.
//!
//! - A Session-format message the script builds (text with or without a name
//!   and timer, every padding Session clients have used, and the other kinds:
//!   typing, receipts, calls, …) opens here; for a text, our `Content` and our
//!   wrapping are byte for byte the script's.
//! - What `seal_text` writes, the script unwraps, opens with libsodium, checks
//!   the signature of, unpads and decodes field by field.
//!
//! The script runs under the `node` on `PATH` or `SESH_NODE` (a bare name is
//! looked up on `PATH`; a relative path is taken from the repository root).
//! Without Node.js or the npm packages (`./just install`) this test FAILS (it
//! does not skip).

use serde_json::{Value, json};
use sesh_core::attestation::NodeKey;
use sesh_core::envelope;
use sesh_core::session_message::{
    self, Disappearing, Incoming, Kind, PADDING_BLOCK, PremiumProof, Text, from_base64, to_base64,
};
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

const HELPER: &str = "scripts/session-reference.mjs";
const PACKAGES: [&str; 2] = [
    "contracts/node_modules/protobufjs",
    "contracts/node_modules/libsodium-wrappers-sumo",
];

/// The `node` to run the helper with, checked to run and to find its packages.
fn node() -> OsString {
    let root = repo_root();
    let (node, origin) = match std::env::var_os("SESH_NODE") {
        Some(value) => {
            let path = PathBuf::from(&value);
            let node = if path.is_relative() && path.components().count() > 1 {
                root.join(path).into_os_string()
            } else {
                value
            };
            (node, "SESH_NODE")
        }
        None => (OsString::from("node"), "PATH"),
    };
    for package in PACKAGES {
        assert!(
            root.join(package).join("package.json").is_file(),
            "{package} is missing: run `./just install` (npm ci in contracts/) to install the \
             pinned protobufjs and libsodium-wrappers-sumo"
        );
    }
    let probe = Command::new(&node)
        .arg(root.join(HELPER))
        .arg("version")
        .stdin(Stdio::null())
        .output();
    match probe {
        Ok(out) if out.status.success() => node,
        Ok(out) => panic!(
            "{} ({origin}) cannot run {HELPER} version: {}{}\nRun `./just install` (npm ci in \
             contracts/)",
            Path::new(&node).display(),
            String::from_utf8_lossy(&out.stdout).trim(),
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Err(e) => panic!(
            "cannot run {} ({origin}): {e}\nInstall Node.js (20 or later) or set SESH_NODE",
            Path::new(&node).display()
        ),
    }
}

/// Runs the helper with `args` and `stdin`; its JSON and exit status.
fn script(node: &OsString, args: &[&str], stdin: &str) -> (Value, Option<i32>) {
    let mut child = Command::new(node)
        .arg(repo_root().join(HELPER))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the Session reference helper");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let json = serde_json::from_str(text.trim()).unwrap_or_else(|e| {
        panic!(
            "helper printed no JSON ({e}): {text}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (json, out.status.code())
}

fn seed(label: u8) -> [u8; 32] {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).unwrap();
    seed[0] = label;
    seed
}

/// The script builds a message from `sender` to `recipient`; the stored bytes and the Content.
fn build(
    node: &OsString,
    sender: &[u8; 32],
    recipient: &[u8; 32],
    request: Value,
) -> (Vec<u8>, String) {
    let mut request = request;
    request["sender_seed"] = json!(hex::encode(sender));
    request["recipient"] = json!(envelope::session_id_from_seed(recipient).to_string());
    let (answer, status) = script(node, &["build"], &request.to_string());
    assert_eq!(status, Some(0), "{answer}");
    (
        from_base64(answer["stored"].as_str().unwrap()).unwrap(),
        answer["content"].as_str().unwrap().to_string(),
    )
}

const SENT_MS: u64 = 1_765_000_000_123;

#[test]
fn a_session_client_s_text_opens_here_byte_for_byte() {
    let node = node();
    let long: String = "é🦀x".repeat(1_700);
    let cases = [
        (json!({"body": "hello"}), Text::new("hello", SENT_MS)),
        (
            json!({"body": "hi bob", "display_name": "alice"}),
            Text {
                display_name: Some("alice".into()),
                ..Text::new("hi bob", SENT_MS)
            },
        ),
        (
            json!({"body": "gone in an hour", "display_name": "alice", "expire_after_send": 3600}),
            Text {
                display_name: Some("alice".into()),
                disappearing: Some(Disappearing::AfterSend(3600)),
                ..Text::new("gone in an hour", SENT_MS)
            },
        ),
        (json!({"body": long}), Text::new(long.clone(), SENT_MS)),
    ];
    for (request, expected) in cases {
        let (sender, recipient) = (seed(1), seed(2));
        let mut request = request;
        request["sent_ms"] = json!(SENT_MS);
        let (stored, content) = build(&node, &sender, &recipient, request);
        // Our Content for the same text is the client's, byte for byte.
        assert_eq!(hex::encode(expected.encode().unwrap()), content);
        let received = session_message::open_stored(&stored, &recipient).unwrap();
        assert_eq!(received.sender, envelope::session_id_from_seed(&sender));
        assert_eq!(received.envelope_timestamp_ms, SENT_MS);
        assert_eq!(received.message, Incoming::Text(expected));
        // Our wrapping of the same sealed box and proSig is the client's, byte for byte.
        let unwrapped = session_message::unwrap(&stored).unwrap();
        assert_eq!(
            session_message::wire::wrap_with_pro_sig(
                &unwrapped.sealed,
                unwrapped.timestamp_ms,
                &unwrapped.pro_sig.unwrap()
            ),
            stored
        );
        // The padded plaintext is a multiple of 160.
        let opened = envelope::open(&unwrapped.sealed, &recipient).unwrap();
        assert_eq!(opened.plaintext.len() % PADDING_BLOCK, 0);
        // And not with anyone else's key.
        assert!(session_message::open_stored(&stored, &sender).is_err());
    }
}

#[test]
fn older_paddings_and_a_profile_timestamp_are_read() {
    let node = node();
    for padding in ["old", "none", "libsession"] {
        let (sender, recipient) = (seed(3), seed(4));
        let (stored, _) = build(
            &node,
            &sender,
            &recipient,
            json!({"body": "from an older client", "display_name": "carol",
                   "profile_updated_s": 1_765_000_000, "sent_ms": SENT_MS, "padding": padding}),
        );
        let received = session_message::open_stored(&stored, &recipient).unwrap();
        assert_eq!(
            received.message,
            Incoming::Text(Text {
                display_name: Some("carol".into()),
                ..Text::new("from an older client", SENT_MS)
            }),
            "padding {padding}"
        );
    }
}

#[test]
fn every_other_kind_is_unsupported_not_an_error() {
    let node = node();
    let cases = [
        (
            json!({"typingMessage": {"timestamp": 5, "action": "STARTED"}}),
            Kind::Typing,
        ),
        (
            json!({"receiptMessage": {"type": "READ", "timestamp": [5, 6]}}),
            Kind::Receipt,
        ),
        (
            json!({"callMessage": {"type": "PRE_OFFER", "uuid": "u", "sdps": ["v=0"]}}),
            Kind::Call,
        ),
        (
            json!({"dataExtractionNotification": {"type": "SCREENSHOT", "timestamp": 5}}),
            Kind::DataExtraction,
        ),
        (
            json!({"unsendRequest": {"timestamp": 5, "author": "05aa"}}),
            Kind::Unsend,
        ),
        (
            json!({"messageRequestResponse": {"isApproved": true}}),
            Kind::MessageRequestResponse,
        ),
        (
            json!({"dataMessage": {"body": "look", "attachments": [{"deprecated_id": 1, "contentType": "image/png", "url": "http://x"}]}}),
            Kind::Attachment,
        ),
        (
            json!({"dataMessage": {"reaction": {"id": 5, "author": "05aa", "emoji": "👍", "action": "REACT"}}}),
            Kind::Reaction,
        ),
        (
            json!({"dataMessage": {"flags": 2}, "expirationType": "DELETE_AFTER_SEND", "expirationTimer": 60}),
            Kind::ExpirationTimerUpdate,
        ),
        (json!({}), Kind::Unknown),
    ];
    for (content, kind) in cases {
        let (sender, recipient) = (seed(5), seed(6));
        let (stored, _) = build(
            &node,
            &sender,
            &recipient,
            json!({"content": content, "sent_ms": SENT_MS}),
        );
        let received = session_message::open_stored(&stored, &recipient)
            .unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!(received.message, Incoming::Unsupported(kind), "{content}");
        assert_eq!(received.sender, envelope::session_id_from_seed(&sender));
    }
}

fn proof(n: u8) -> PremiumProof {
    PremiumProof {
        node_key: NodeKey([n; 32]),
        block: 1_000 + u64::from(n),
        expiry: 1_900_000_000,
        signature: [n; 64],
    }
}

#[test]
fn a_session_client_reads_what_we_write() {
    let node = node();
    let texts = [
        Text::new("hello", SENT_MS),
        Text {
            display_name: Some("alice".into()),
            disappearing: Some(Disappearing::AfterSend(86_400)),
            ..Text::new("named, disappearing", SENT_MS)
        },
        Text {
            display_name: Some("alice".into()),
            proofs: vec![proof(1), proof(2)],
            ..Text::new("ß🦀".repeat(2_500), SENT_MS)
        },
    ];
    for text in texts {
        let (sender, recipient) = (seed(7), seed(8));
        let stored =
            session_message::seal_text(&text, &sender, &envelope::session_id_from_seed(&recipient))
                .unwrap();
        let (parsed, status) = script(
            &node,
            &["parse", "--recipient-seed", &hex::encode(recipient)],
            &to_base64(&stored),
        );
        assert_eq!(status, Some(0), "{parsed}");
        // WebSocketMessage and Envelope, field for field.
        let ws = &parsed["websocket"];
        assert_eq!(ws["type"], "REQUEST");
        assert_eq!(ws["verb"], "");
        assert_eq!(ws["path"], "");
        assert_eq!(ws["request_id"], "0");
        let env = &parsed["envelope"];
        assert_eq!(env["type"], "SESSION_MESSAGE");
        assert_eq!(env["timestamp"], SENT_MS.to_string());
        assert_eq!(env["source_device"], 1);
        assert_eq!(env["has_source"], false);
        assert_eq!(env["pro_sig"].as_str().unwrap().len(), 128);
        assert_eq!(env["pro_sig_r_is_point"], true);
        // The box and signature, by libsodium.
        assert_eq!(parsed["signature_valid"], true);
        assert_eq!(
            parsed["sender_session_id"],
            envelope::session_id_from_seed(&sender).to_string()
        );
        assert_eq!(parsed["libsession_padded"], true);
        assert_eq!(parsed["padded_len"].as_u64().unwrap() % 160, 0);
        assert_eq!(
            parsed["content_hex"].as_str().unwrap(),
            hex::encode(text.encode().unwrap())
        );
        // The Content, by protobufjs: with our schema, and as a Session client sees it.
        for view in ["content", "session_client_sees"] {
            let content = &parsed[view];
            assert_eq!(content["dataMessage"]["body"], text.body.as_str(), "{view}");
            assert_eq!(content["sigTimestamp"], SENT_MS.to_string(), "{view}");
            match &text.display_name {
                Some(name) => assert_eq!(
                    content["dataMessage"]["profile"]["displayName"],
                    name.as_str()
                ),
                None => assert!(content["dataMessage"].get("profile").is_none(), "{view}"),
            }
            match text.disappearing {
                Some(Disappearing::AfterSend(secs)) => {
                    assert_eq!(content["expirationType"], "DELETE_AFTER_SEND");
                    assert_eq!(content["expirationTimer"], secs);
                }
                _ => {
                    assert_eq!(content["expirationType"], "UNKNOWN");
                    assert_eq!(content["expirationTimer"], 0);
                }
            }
        }
        assert!(parsed["session_client_sees"].get("seshPremium").is_none());
        let proofs = parsed["content"]["seshPremium"]["proofs"].as_array();
        assert_eq!(proofs.map_or(0, Vec::len), text.proofs.len(), "{parsed}");
        if let Some(proofs) = proofs {
            for (seen, proof) in proofs.iter().zip(&text.proofs) {
                assert_eq!(seen["block"], proof.block.to_string());
                assert_eq!(seen["expiry"], proof.expiry.to_string());
            }
        }
    }
}

#[test]
fn the_reference_refuses_a_message_for_someone_else() {
    let node = node();
    let (sender, recipient, other) = (seed(9), seed(10), seed(11));
    let stored = session_message::seal_text(
        &Text::new("not for you", SENT_MS),
        &sender,
        &envelope::session_id_from_seed(&recipient),
    )
    .unwrap();
    let (answer, status) = script(
        &node,
        &["parse", "--recipient-seed", &hex::encode(other)],
        &to_base64(&stored),
    );
    assert_eq!(status, Some(1), "{answer}");
    assert!(answer["error"].is_string(), "{answer}");
}
