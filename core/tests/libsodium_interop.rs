//! Live interoperability with libsodium, both directions, through libsodium's
//! official JavaScript build (`libsodium-wrappers-sumo` from npm, pinned in
//! `contracts/package.json`): libsodium seals → we open; we seal → libsodium
//! opens and checks the inner signature with its own Ed25519.
//!
//! The helper is `scripts/libsodium.mjs`, run by the `node` on `PATH` or by
//! `SESH_NODE` (a bare name is looked up on `PATH`; a relative path is taken
//! from the repository root). The npm package comes with the rest of the
//! pinned toolchain:
//!
//! ```sh
//! ./just install
//! ```
//!
//! Without Node.js or without `contracts/node_modules/libsodium-wrappers-sumo`
//! this test FAILS (it does not skip): the interop guarantee is only as good as
//! the run that checks it.

use serde_json::Value;
use sesh_core::SessionId;
use sesh_core::envelope;
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

const HELPER: &str = "scripts/libsodium.mjs";
const PACKAGE: &str = "contracts/node_modules/libsodium-wrappers-sumo";

/// The `node` to run the helper with, checked to run and to find libsodium.
fn node() -> OsString {
    let root = repo_root();
    let (node, origin) = match std::env::var_os("SESH_NODE") {
        Some(value) => {
            let path = PathBuf::from(&value);
            // A bare name ("node") is looked up on PATH; a path is taken from the root.
            let node = if path.is_relative() && path.components().count() > 1 {
                root.join(path).into_os_string()
            } else {
                value
            };
            (node, "SESH_NODE")
        }
        None => (OsString::from("node"), "PATH"),
    };
    assert!(
        root.join(PACKAGE).join("package.json").is_file(),
        "{PACKAGE} is missing: run `./just install` (npm ci in contracts/) to install \
         libsodium's JavaScript build with the rest of the pinned toolchain"
    );
    let probe = Command::new(&node)
        .arg(root.join(HELPER))
        .arg("version")
        .stdin(Stdio::null())
        .output();
    match probe {
        Ok(out) if out.status.success() => node,
        Ok(out) => panic!(
            "{} ({origin}) cannot run {HELPER} version: {}{}\nRun `./just install` (npm ci in \
             contracts/) to install libsodium-wrappers-sumo",
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

/// Runs `scripts/libsodium.mjs args…` with `stdin`, returns its JSON and exit status.
fn script(node: &OsString, args: &[&str], stdin: &str) -> (Value, Option<i32>) {
    let mut child = Command::new(node)
        .arg(repo_root().join(HELPER))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the libsodium helper");
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

fn message(len: usize) -> Vec<u8> {
    let mut m = vec![0u8; len];
    getrandom::fill(&mut m).unwrap();
    m
}

/// Lengths around the edges, up to the mailbox limit (76,800 bytes of
/// envelope: 76,656 of plaintext).
const LENGTHS: [usize; 6] = [0, 1, 31, 1000, 10_000, 76_800 - envelope::ENVELOPE_OVERHEAD];

#[test]
fn libsodium_seals_and_we_open() {
    let node = node();
    for len in LENGTHS {
        let (sender, recipient) = (seed(1), seed(2));
        let plaintext = message(len);
        let request = serde_json::json!({
            "sender_seed": hex::encode(sender),
            "recipient": envelope::session_id_from_seed(&recipient).to_string(),
            "message": hex::encode(&plaintext),
        });
        let (answer, status) = script(&node, &["seal"], &request.to_string());
        assert_eq!(status, Some(0), "{answer}");
        let sealed = hex::decode(answer["envelope"].as_str().unwrap()).unwrap();
        assert_eq!(sealed.len(), len + envelope::ENVELOPE_OVERHEAD);
        let opened = envelope::open(&sealed, &recipient).expect("open a libsodium envelope");
        assert_eq!(opened.plaintext, plaintext);
        assert_eq!(opened.sender, envelope::session_id_from_seed(&sender));
        assert_eq!(opened.sender_ed25519, envelope::ed25519_public(&sender));
        // And not with anyone else's key.
        assert_eq!(
            envelope::open(&sealed, &sender),
            Err(envelope::EnvelopeError::Unseal)
        );
    }
}

#[test]
fn we_seal_and_libsodium_opens() {
    let node = node();
    for len in LENGTHS {
        let (sender, recipient) = (seed(3), seed(4));
        let plaintext = message(len);
        let to: SessionId = envelope::session_id_from_seed(&recipient);
        let sealed = envelope::seal(&plaintext, &sender, &to).unwrap();
        let (answer, status) = script(
            &node,
            &["open", "--recipient-seed", &hex::encode(recipient), "-"],
            &hex::encode(&sealed),
        );
        assert_eq!(status, Some(0), "{answer}");
        assert_eq!(answer["signature_valid"], Value::Bool(true), "{answer}");
        assert_eq!(
            answer["plaintext"].as_str().unwrap(),
            hex::encode(&plaintext)
        );
        assert_eq!(
            answer["sender_session_id"].as_str().unwrap(),
            envelope::session_id_from_seed(&sender).to_string()
        );
        assert_eq!(
            answer["sender_ed25519"].as_str().unwrap(),
            hex::encode(envelope::ed25519_public(&sender))
        );
    }
}

#[test]
fn libsodium_refuses_what_we_refuse() {
    let node = node();
    let (sender, recipient, other) = (seed(5), seed(6), seed(7));
    let sealed = envelope::seal(
        b"not for you",
        &sender,
        &envelope::session_id_from_seed(&recipient),
    )
    .unwrap();
    // Wrong recipient.
    let (answer, status) = script(
        &node,
        &["open", "--recipient-seed", &hex::encode(other), "-"],
        &hex::encode(&sealed),
    );
    assert_ne!(status, Some(0), "{answer}");
    assert!(answer["error"].is_string(), "{answer}");
    // Tampered.
    let mut tampered = sealed.clone();
    tampered[60] ^= 1;
    let (answer, status) = script(
        &node,
        &["open", "--recipient-seed", &hex::encode(recipient), "-"],
        &hex::encode(&tampered),
    );
    assert_ne!(status, Some(0), "{answer}");
    // The envelope as sealed opens (so the refusals above are about the change).
    let (answer, status) = script(
        &node,
        &[
            "open",
            "--recipient-seed",
            &hex::encode(recipient),
            &hex::encode(&sealed),
        ],
        "",
    );
    assert_eq!(status, Some(0), "{answer}");
}

#[test]
fn committed_vectors_are_current() {
    // The vectors the offline tests assert are what libsodium computes today.
    let node = node();
    let (answer, status) = script(&node, &["vectors", "--check"], "");
    assert_eq!(
        status,
        Some(0),
        "{answer}: rerun `node scripts/libsodium.mjs vectors`"
    );
}
