//! Mailboxes: stores and retrievals per second on one node (`sesh-load`), and the latency of
//! sending one message to a recipient's 3 nodes until it can be read from the recipient's inbox.

use crate::load::LoadReport;
use crate::phases::{LoadShape, Target, load, require_clean};
use crate::process::Paths;
use crate::stats::Latency;
use crate::workload::Mailbox;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use eyre::{WrapErr, bail, eyre};
use serde::{Deserialize, Serialize};
use sesh_core::SessionId;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Payload of a stored message: a sealed envelope of a 256-byte message (144 bytes of overhead).
pub const PAYLOAD_BYTES: usize = 400;
/// Messages put in each mailbox before the retrieval run.
pub const PREFILL: usize = 10;
/// Mailboxes of the store run (numbered from [`STORE_OFFSET`]).
const STORE_MAILBOXES: u64 = 1_000;
const STORE_OFFSET: u64 = 1_000_000;
const SEND_OFFSET: u64 = 2_000_000;
/// Mailboxes of the baseline store run (on node 2).
const BASELINE_OFFSET: u64 = 3_000_000;
/// The node's environment variable that makes it commit each store alone (the baseline:
/// `registry-node`'s `mailbox::COMMIT_EACH_ENV`).
pub const COMMIT_EACH_ENV: &str = "SESH_NODE_MAILBOX_COMMIT";

/// What the message phase measured.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Messages {
    /// Whether the node serves the mailbox API.
    pub available: bool,
    /// Why not, when it does not.
    pub note: String,
    /// Stores on one node (concurrent stores committed together).
    pub store: Option<LoadReport>,
    /// The same stores on node 2, started to commit each store in its own write transaction
    /// (how every node stored before group commit): the baseline of [`Messages::store`].
    #[serde(default)]
    pub store_baseline: Option<LoadReport>,
    /// Retrievals on one node (each mailbox holds [`PREFILL`] messages).
    pub retrieve: Option<LoadReport>,
    /// Seal and store on all 3 nodes.
    pub send: Latency,
    /// Seal, store on all 3 nodes, and read back from one of them.
    pub send_to_inbox: Latency,
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

fn store_body(data: &[u8]) -> serde_json::Value {
    serde_json::json!({"namespace": 0, "ttl_ms": 3_600_000u64, "data": STANDARD.encode(data)})
}

async fn store(
    client: &reqwest::Client,
    node: &str,
    recipient: &str,
    data: &[u8],
) -> eyre::Result<(u16, String)> {
    let response = client
        .post(format!("{node}/v1/messages/{recipient}"))
        .json(&store_body(data))
        .send()
        .await?;
    let status = response.status().as_u16();
    Ok((status, response.text().await?))
}

async fn retrieve(
    client: &reqwest::Client,
    node: &str,
    mailbox: &Mailbox,
    timestamp_ms: u64,
) -> eyre::Result<serde_json::Value> {
    let signature = sesh_core::envelope::sign_retrieve(&mailbox.seed, 0, timestamp_ms);
    let key = sesh_core::envelope::ed25519_public(&mailbox.seed);
    let response = client
        .post(format!(
            "{node}/v1/messages/{}/retrieve",
            mailbox.session_id
        ))
        .json(&serde_json::json!({
            "namespace": 0,
            "timestamp_ms": timestamp_ms,
            "ed25519_key": hex::encode(key),
            "signature": hex::encode(signature),
            "last_hash": null,
        }))
        .send()
        .await?;
    let status = response.status();
    let text = response.text().await?;
    if !status.is_success() {
        bail!("retrieve answered {status}: {text}");
    }
    serde_json::from_str(&text).wrap_err("retrieve answered no JSON")
}

/// Whether `node` serves `POST /v1/messages/{session_id}`; `Err` explains why not.
pub async fn probe(node: &str) -> Result<(), String> {
    let client = reqwest::Client::new();
    let mailbox = Mailbox::bench(SEND_OFFSET - 1);
    match store(&client, node, &mailbox.session_id, &[7u8; PAYLOAD_BYTES]).await {
        Ok((200, _)) => Ok(()),
        Ok((status, body)) => Err(format!(
            "the registry node answers POST /v1/messages/{{session_id}} with HTTP {status} ({})",
            body.chars().take(200).collect::<String>()
        )),
        Err(error) => Err(format!("the registry node did not answer a store: {error}")),
    }
}

/// Measures sending `samples` messages, one at a time, to the 3 `nodes`.
async fn send_latency(nodes: &[String], samples: usize) -> eyre::Result<(Latency, Latency)> {
    let client = reqwest::Client::new();
    let sender = alloy::primitives::keccak256(b"bench sender").0;
    let mut sent = Vec::new();
    let mut inbox = Vec::new();
    let mut last_ms = 0;
    for k in 0..samples {
        let recipient = Mailbox::bench(SEND_OFFSET + k as u64);
        let session_id: SessionId = recipient
            .session_id
            .parse()
            .map_err(|e| eyre!("bad Session ID: {e:?}"))?;
        let text = format!("benchmark message {k}: {}", "x".repeat(200));
        let started = Instant::now();
        let envelope = sesh_core::envelope::seal(text.as_bytes(), &sender, &session_id)
            .map_err(|e| eyre!("seal: {e}"))?;
        let stores: Vec<_> = nodes
            .iter()
            .map(|node| {
                let (client, node) = (client.clone(), node.clone());
                let (to, envelope) = (recipient.session_id.clone(), envelope.clone());
                tokio::spawn(async move { store(&client, &node, &to, &envelope).await })
            })
            .collect();
        let mut hash = None;
        for handle in stores {
            let (status, body) = handle.await.wrap_err("a store task failed")??;
            if status != 200 {
                bail!("store answered {status}: {body}");
            }
            let json: serde_json::Value = serde_json::from_str(&body)?;
            hash = json["hash"].as_str().map(str::to_string);
        }
        sent.push(started.elapsed());
        let hash = hash.ok_or_else(|| eyre!("a store answered no hash"))?;
        let reader = &nodes[k % nodes.len()];
        let timestamp = now_ms().max(last_ms + 1);
        last_ms = timestamp;
        let answer = retrieve(&client, reader, &recipient, timestamp).await?;
        let found = answer["messages"]
            .as_array()
            .is_some_and(|m| m.iter().any(|m| m["hash"].as_str() == Some(hash.as_str())));
        if !found {
            bail!("the message stored on 3 nodes is not in the inbox on {reader}: {answer}");
        }
        inbox.push(started.elapsed());
    }
    Ok((
        Latency::from_durations(&sent),
        Latency::from_durations(&inbox),
    ))
}

/// Runs the message benchmarks: load on `nodes[0]`, sends across all of `nodes`.
pub async fn run(
    paths: &Paths,
    nodes: &[(String, Target)],
    shape: LoadShape,
    samples: usize,
) -> eyre::Result<Messages> {
    let Some((first_url, first_addr)) = nodes.first() else {
        bail!("no registry node to store messages on");
    };
    if let Err(note) = probe(first_url).await {
        return Ok(Messages {
            available: false,
            note,
            ..Messages::default()
        });
    }
    let store_args = |offset: u64| {
        [
            "--kind".into(),
            "msg-store".into(),
            "--mailboxes".into(),
            STORE_MAILBOXES.to_string(),
            "--mailbox-offset".into(),
            offset.to_string(),
            "--payload-bytes".into(),
            PAYLOAD_BYTES.to_string(),
        ]
    };
    // The baseline first (node 2 commits each store alone), then the same load on node 1.
    let store_baseline = match nodes.get(1) {
        Some((url, addr)) if probe(url).await.is_ok() => {
            let report = load(paths, *addr, shape, &store_args(BASELINE_OFFSET)).await?;
            require_clean(&report)?;
            Some(report)
        }
        _ => None,
    };
    let store_report = load(paths, *first_addr, shape, &store_args(STORE_OFFSET)).await?;
    require_clean(&store_report)?;

    let client = reqwest::Client::new();
    let mailboxes = shape.concurrency as u64;
    for i in 0..mailboxes {
        let mailbox = Mailbox::bench(i);
        for m in 0..PREFILL {
            let mut data = vec![0u8; PAYLOAD_BYTES];
            data[..8].copy_from_slice(&i.to_be_bytes());
            data[8..16].copy_from_slice(&(m as u64).to_be_bytes());
            let (status, body) = store(&client, first_url, &mailbox.session_id, &data).await?;
            if status != 200 {
                bail!("prefilling mailboxes: store answered {status}: {body}");
            }
        }
    }
    tokio::time::sleep(Duration::from_millis(10)).await;
    let retrieve_report = load(
        paths,
        *first_addr,
        shape,
        &[
            "--kind".into(),
            "msg-retrieve".into(),
            "--mailboxes".into(),
            mailboxes.to_string(),
        ],
    )
    .await?;
    require_clean(&retrieve_report)?;

    let urls: Vec<String> = nodes.iter().map(|(url, _)| url.clone()).collect();
    let (send, send_to_inbox) = send_latency(&urls, samples).await?;
    Ok(Messages {
        available: true,
        note: String::new(),
        store: Some(store_report),
        store_baseline,
        retrieve: Some(retrieve_report),
        send,
        send_to_inbox,
    })
}
