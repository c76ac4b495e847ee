//! A client written outside our code speaks Session's storage protocol to a real registry
//! node: `scripts/storage-rpc-client.mjs` (Node's fetch and libsodium's JavaScript build,
//! written from session-storage-server's documented formats, importing nothing of ours)
//! stores, retrieves, expires and deletes through `POST /storage_rpc/v1`, checking every hash
//! and receipt itself. Here its hashes are checked against `sesh_core::storage_rpc`, what it
//! stores is read from Rust and what Rust stores is read by it, a wrong signature is refused
//! 401, and it reaches a node over https:// with a private CA and every receipt of a swarm.
//!
//! The script runs under the `node` on `PATH` or `SESH_NODE`, with libsodium-wrappers-sumo from
//! `contracts/node_modules` (`./just install`). Without them this test FAILS (it does not skip).

use alloy::signers::local::PrivateKeySigner;
use base64::Engine;
use serde_json::Value;
use sesh_core::envelope;
use sesh_core::storage_rpc::response::RetrieveResponse;
use sesh_core::storage_rpc::{
    Namespace, Retrieve, Store, StoreResponse, SubRequest, UserPubkey, message_hash, parse_response,
};
use sesh_e2e::node::{NodeTestbed, RegistryNode};
use sesh_e2e::storage::{now_ms, send as rpc};
use sesh_e2e::swarm::staked_nodes;
use sesh_e2e::tls::TestCa;
use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, Stdio};

const SCRIPT: &str = "scripts/storage-rpc-client.mjs";

/// What the script printed, and its exit status.
struct Run {
    out: Value,
    code: Option<i32>,
}

impl Run {
    /// The output of a run that succeeded.
    fn ok(self) -> Value {
        assert_eq!(self.code, Some(0), "{SCRIPT} failed: {}", self.out);
        self.out
    }
}

/// The `node` to run the script with: `SESH_NODE` or the one on `PATH`.
fn node_js() -> OsString {
    std::env::var_os("SESH_NODE").unwrap_or_else(|| "node".into())
}

/// Runs the script with `args` (and `env`) in a blocking thread: the node it talks to is
/// served by other processes, but the test's own requests share this runtime.
async fn client(args: &[&str], env: &[(&str, &Path)]) -> Run {
    let root = sesh_e2e::repo_root();
    let mut command = Command::new(node_js());
    command
        .arg(root.join(SCRIPT))
        .args(args)
        .envs(env.iter().map(|(k, v)| (*k, v.as_os_str())))
        .stdin(Stdio::null());
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("the script's thread")
        .unwrap_or_else(|e| {
            panic!("cannot run node ({e}): install Node.js 18 or later, or set SESH_NODE")
        });
    let text = String::from_utf8_lossy(&output.stdout);
    let out = serde_json::from_str(text.trim()).unwrap_or_else(|e| {
        panic!(
            "{SCRIPT} printed no JSON ({e}): {text}\nstderr: {}\n(run `./just install` for \
             libsodium-wrappers-sumo in contracts/node_modules)",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    Run {
        out,
        code: output.status.code(),
    }
}

fn account(seed: &[u8; 32]) -> UserPubkey {
    UserPubkey::from(&envelope::session_id_from_seed(seed))
}

/// Every message of `namespace` as a Rust client reads it.
async fn rust_retrieve(
    node: &RegistryNode,
    seed: &[u8; 32],
    namespace: Namespace,
) -> eyre::Result<RetrieveResponse> {
    let (status, body) = rpc(
        &node.url,
        SubRequest::Retrieve(Retrieve::signed(seed, namespace, now_ms(), None)),
    )
    .await;
    Ok(parse_response(status, &body)?)
}

/// The hash `sesh_core` computes for `data` in `namespace` of `seed`'s account.
fn rust_hash(seed: &[u8; 32], namespace: i16, data: &[u8]) -> String {
    message_hash(&account(seed), Namespace(namespace), data)
        .as_str()
        .to_owned()
}

fn b64(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

#[tokio::test]
async fn a_client_written_outside_our_code_stores_and_retrieves() -> eyre::Result<()> {
    let bed = NodeTestbed::new();
    let node = bed.start_node();

    // The whole tour, every answer checked by the script itself; here, its account and its
    // hashes are ours.
    let seed = [0x51u8; 32];
    let data = "a client written outside sesh";
    let out = client(
        &[
            "roundtrip",
            &node.url,
            "--seed",
            &hex::encode(seed),
            "--data",
            data,
        ],
        &[],
    )
    .await
    .ok();
    assert_eq!(out["ok"], true, "{out}");
    assert_eq!(
        out["session_id"],
        envelope::session_id_from_seed(&seed).to_string()
    );
    let stored = out["stored"].as_array().expect("stored");
    assert_eq!(stored.len(), 2, "{out}");
    for (entry, namespace) in stored.iter().zip([0i16, 5]) {
        assert_eq!(entry["namespace"], namespace);
        assert_eq!(
            entry["hash"],
            rust_hash(&seed, namespace, data.as_bytes()),
            "{out}"
        );
        assert_eq!(entry["verified"], serde_json::json!([node.node_key]));
        let messages = &out["retrieved"][namespace.to_string()];
        assert_eq!(messages[0]["hash"], entry["hash"], "{out}");
        assert_eq!(messages[0]["text"], data);
        assert_eq!(out["after_delete"][namespace.to_string()], 0, "{out}");
    }
    assert_eq!(
        out["expire"]["verified"],
        serde_json::json!([node.node_key])
    );
    assert_eq!(
        out["delete"]["verified"],
        serde_json::json!([node.node_key])
    );
    // What the script deleted is gone for Rust too.
    for namespace in [Namespace::DEFAULT, Namespace(5)] {
        assert!(
            rust_retrieve(&node, &seed, namespace)
                .await?
                .messages
                .is_empty()
        );
    }

    // The script stores (namespace 0 unsigned, 3 signed); a Rust client reads both.
    let dave = [0x52u8; 32];
    for namespace in [0i16, 3] {
        let text = format!("from javascript to namespace {namespace}");
        let out = client(
            &[
                "store",
                &node.url,
                "--seed",
                &hex::encode(dave),
                "--namespace",
                &namespace.to_string(),
                "--data",
                &text,
            ],
            &[],
        )
        .await
        .ok();
        let hash = rust_hash(&dave, namespace, text.as_bytes());
        assert_eq!(out["hash"], hash, "{out}");
        let page = rust_retrieve(&node, &dave, Namespace(namespace)).await?;
        assert_eq!(page.messages.len(), 1, "{page:?}");
        assert_eq!(page.messages[0].hash.as_str(), hash);
        assert_eq!(page.messages[0].data.0, text.as_bytes());
    }

    // A Rust client stores (namespace 0 unsigned, 7 signed, binary data); the script reads
    // both and recomputes their hashes.
    let erin = [0x53u8; 32];
    for namespace in [0i16, 7] {
        let data = [namespace as u8, 0x00, 0xff, 0x80, 0x05];
        let mut store = Store::new(
            account(&erin),
            Namespace(namespace),
            data.to_vec(),
            now_ms(),
            60_000,
        );
        if namespace != 0 {
            store = store.signed(&erin, now_ms());
        }
        let (status, body) = rpc(&node.url, SubRequest::Store(store.clone())).await;
        let answer: StoreResponse = parse_response(status, &body)?;
        assert_eq!(answer.hash.as_ref(), Some(&store.hash()));
        let out = client(
            &[
                "retrieve",
                &node.url,
                "--seed",
                &hex::encode(erin),
                "--namespace",
                &namespace.to_string(),
            ],
            &[],
        )
        .await
        .ok();
        let messages = out["messages"].as_array().expect("messages");
        assert_eq!(messages.len(), 1, "{out}");
        assert_eq!(messages[0]["hash"], store.hash().as_str());
        assert_eq!(messages[0]["data_base64"], b64(&data));
    }

    // Signed by another key than the account's: the node refuses 401, the script says so.
    for args in [
        vec!["retrieve", &node.url],
        vec!["store", &node.url, "--namespace", "3"],
        vec!["roundtrip", &node.url],
    ] {
        let seed = hex::encode(erin);
        let mut args = args;
        args.extend(["--seed", &seed, "--wrong-signature"]);
        let run = client(&args, &[]).await;
        assert_eq!(run.code, Some(1), "{args:?}: {}", run.out);
        assert_eq!(run.out["status"], 401, "{args:?}: {}", run.out);
        let body = run.out["body"].as_str().unwrap_or_default();
        assert!(body.contains("signature"), "{args:?}: {}", run.out);
    }
    // Nothing the refused store carried reached the mailbox.
    assert!(
        rust_retrieve(&node, &erin, Namespace(3))
            .await?
            .messages
            .is_empty()
    );
    Ok(())
}

#[tokio::test]
async fn the_client_reaches_a_node_over_https_with_a_private_ca() -> eyre::Result<()> {
    let bed = NodeTestbed::new();
    let node = bed.start_node();
    let port: u16 = node.url.rsplit(':').next().unwrap().parse()?;
    let ca = TestCa::new("sesh test CA");
    let proxy = ca.proxy(([127, 0, 0, 1], port).into());
    let ca_file = ca.ca_file();

    let out = client(
        &["roundtrip", &proxy.https_url()],
        &[("NODE_EXTRA_CA_CERTS", &ca_file)],
    )
    .await
    .ok();
    assert_eq!(out["ok"], true, "{out}");

    // Without the CA, Node refuses the certificate, and the script says it could not reach it.
    let run = client(&["retrieve", &proxy.https_url()], &[]).await;
    assert_eq!(run.code, Some(1), "{}", run.out);
    let error = run.out["error"].as_str().unwrap_or_default();
    assert!(error.starts_with("cannot reach"), "{}", run.out);
    assert!(error.to_lowercase().contains("cert"), "{}", run.out);
    Ok(())
}

#[tokio::test]
async fn the_client_checks_the_receipt_of_every_swarm_member() -> eyre::Result<()> {
    let chain = sesh_e2e::deployed_chain();
    let keys = chain.anvil.keys().to_vec();
    let signer = |i: usize| -> PrivateKeySigner { keys[i].clone().into() };
    let nodes = staked_nodes(
        &chain.anvil.endpoint(),
        &chain.deployment,
        &[signer(2), signer(3), signer(4)],
    )
    .await?;

    // Three active nodes: one swarm of all three; a store on one carries three receipts,
    // each checked by the script with the member's key.
    let seed = [0x54u8; 32];
    let text = "to the whole swarm";
    let out = client(
        &[
            "store",
            &nodes[1].url,
            "--seed",
            &hex::encode(seed),
            "--data",
            text,
        ],
        &[],
    )
    .await
    .ok();
    let mut verified: Vec<String> = serde_json::from_value(out["verified"].clone())?;
    verified.sort();
    let mut members: Vec<String> = nodes.iter().map(|n| n.node_key.clone()).collect();
    members.sort();
    assert_eq!(verified, members, "{out}");
    assert_eq!(out["failed"], serde_json::json!({}), "{out}");
    // Each member holds it, and the script reads it from each.
    for node in &nodes {
        let out = client(&["retrieve", &node.url, "--seed", &hex::encode(seed)], &[])
            .await
            .ok();
        assert_eq!(
            out["messages"][0]["hash"],
            rust_hash(&seed, 0, text.as_bytes())
        );
    }
    Ok(())
}
