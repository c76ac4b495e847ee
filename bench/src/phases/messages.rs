//! Mailboxes, through Session's storage protocol (`POST /storage_rpc/v1`): stores and
//! retrievals per second on one node (`sesh-load`), and the latency of sending one message
//! (stored on one node, which hands it on to the other members of the swarm, the run's 3
//! nodes) until it can be read from the recipient's inbox on another node.

use crate::load::LoadReport;
use crate::phases::{LoadShape, Target, load, require_clean};
use crate::process::Paths;
use crate::stats::Latency;
use crate::workload::{Forwarder, Mailbox};
use eyre::{WrapErr, bail, eyre};
use serde::{Deserialize, Serialize};
use sesh_core::SessionId;
use sesh_core::storage_rpc::response::{MemberResult, RetrieveResponse};
use sesh_core::storage_rpc::{
    self, Namespace, Request, Retrieve, Store, StoreResponse, SubRequest, forward, parse_response,
};
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Payload of a stored message: a sealed envelope of a 256-byte message (144 bytes of overhead).
pub const PAYLOAD_BYTES: usize = 400;
/// Messages put in each mailbox before the retrieval run.
pub const PREFILL: usize = 10;
/// TTL of every stored message: an hour.
const TTL_MS: u64 = 3_600_000;
/// Mailboxes of the store run (numbered from [`STORE_OFFSET`]).
const STORE_MAILBOXES: u64 = 1_000;
const STORE_OFFSET: u64 = 1_000_000;
const SEND_OFFSET: u64 = 2_000_000;
/// Mailboxes of the baseline store run (on node 2).
const BASELINE_OFFSET: u64 = 3_000_000;
/// Mailboxes of the store run without the write-ahead log (on node 3).
const GROUP_OFFSET: u64 = 4_000_000;
/// The node's environment variable that makes it commit each store alone (the baseline:
/// `registry-node`'s `mailbox::COMMIT_EACH_ENV`).
pub const COMMIT_EACH_ENV: &str = "SESH_NODE_MAILBOX_COMMIT";

/// A node the message phase loads.
#[derive(Debug, Clone)]
pub struct MessageNode {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// Where it listens, and its process.
    pub target: Target,
    /// Its Ed25519 key.
    pub key: [u8; 32],
    /// Its key file (its Ed25519 seed, hex): the stores loaded on the node before it in the
    /// run come as forwards from it.
    pub key_file: PathBuf,
}

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
    /// The same stores on node 3, started with `SESH_NODE_MAILBOX_COMMIT=group`: committed
    /// together, each batch durably in redb, without the write-ahead log (how nodes stored
    /// before it).
    #[serde(default)]
    pub store_group: Option<LoadReport>,
    /// Retrievals on one node (each mailbox holds [`PREFILL`] messages).
    pub retrieve: Option<LoadReport>,
    /// Seal and store on one node, which hands the message on to the other 2 (the answer
    /// carries the 3 receipts).
    pub send: Latency,
    /// The same, then read back from another node.
    pub send_to_inbox: Latency,
}

pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Sends `request` to `POST /storage_rpc/v1` of `node`, or as `forwarder` hands it on
/// (the node carries it out and hands it on to no one), and reads the answer as `T`.
async fn rpc<T: serde::de::DeserializeOwned>(
    client: &reqwest::Client,
    node: &str,
    request: &Request,
    forwarder: Option<&Forwarder>,
) -> eyre::Result<T> {
    let body = request.to_json().to_string();
    let path = if forwarder.is_some() {
        forward::PATH
    } else {
        storage_rpc::PATH
    };
    let mut post = client.post(format!("{node}{path}"));
    if let Some(forwarder) = forwarder {
        for (name, value) in forwarder.headers(body.as_bytes()) {
            post = post.header(name, value);
        }
    }
    let response = post
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await?;
    let status = response.status().as_u16();
    let body = response.bytes().await?;
    parse_response(status, &body).wrap_err_with(|| format!("{} on {node}", method(request)))
}

fn method(request: &Request) -> &'static str {
    match request {
        Request::One(sub) => sub.method(),
        Request::Batch(_) => "batch",
        Request::Sequence(_) => "sequence",
    }
}

/// Stores `data` for `recipient` in namespace 0 on `node`; an error unless every member
/// that answered stored it.
pub(crate) async fn store(
    client: &reqwest::Client,
    node: &str,
    recipient: &Mailbox,
    data: Vec<u8>,
    forwarder: Option<&Forwarder>,
) -> eyre::Result<StoreResponse> {
    let store = Store::new(recipient.pubkey, Namespace::DEFAULT, data, now_ms(), TTL_MS);
    let answer: StoreResponse = rpc(
        client,
        node,
        &Request::One(SubRequest::Store(store)),
        forwarder,
    )
    .await?;
    if let Some((member, MemberResult::Failed(failure))) = answer
        .swarm
        .iter()
        .find(|(_, result)| matches!(result, MemberResult::Failed(_)))
    {
        bail!("member {member} did not store the message: {failure:?}");
    }
    Ok(answer)
}

/// Retrieves namespace 0 of `mailbox` from `node`, signed at `timestamp_ms`.
pub(crate) async fn retrieve(
    client: &reqwest::Client,
    node: &str,
    mailbox: &Mailbox,
    timestamp_ms: u64,
) -> eyre::Result<RetrieveResponse> {
    let retrieve = Retrieve::signed(&mailbox.seed, Namespace::DEFAULT, timestamp_ms, None);
    rpc(
        client,
        node,
        &Request::One(SubRequest::Retrieve(retrieve)),
        None,
    )
    .await
}

/// Whether `node` takes a `store` through `POST /storage_rpc/v1`; `Err` explains why not.
pub async fn probe(node: &str) -> Result<(), String> {
    let client = reqwest::Client::new();
    let mailbox = Mailbox::bench(SEND_OFFSET - 1);
    store(&client, node, &mailbox, vec![7u8; PAYLOAD_BYTES], None)
        .await
        .map(drop)
        .map_err(|error| format!("the registry node did not take a store: {error:#}"))
}

/// Measures sending `samples` messages, one at a time, each stored on one of `nodes` (which
/// hands it on to the others, its swarm) and read back from the next node.
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
        let entry = &nodes[k % nodes.len()];
        let answer = store(&client, entry, &recipient, envelope, None).await?;
        let hash = answer
            .hash
            .clone()
            .ok_or_else(|| eyre!("the store on {entry} answered no hash"))?;
        let stored = answer
            .verify_receipts(&hash)
            .values()
            .filter(|checked| checked.is_ok())
            .count();
        if stored != nodes.len() {
            bail!(
                "a store on {entry} carries {stored} valid receipts, not {}: {answer:?}",
                nodes.len()
            );
        }
        sent.push(started.elapsed());
        let reader = &nodes[(k + 1) % nodes.len()];
        let timestamp = now_ms().max(last_ms + 1);
        last_ms = timestamp;
        let answer = retrieve(&client, reader, &recipient, timestamp).await?;
        if !answer.messages.iter().any(|m| m.hash == hash) {
            bail!("the message stored through {entry} is not in the inbox on {reader}");
        }
        inbox.push(started.elapsed());
    }
    Ok((
        Latency::from_durations(&sent),
        Latency::from_durations(&inbox),
    ))
}

/// Runs the message benchmarks: load on `nodes[0]`, sends across all of `nodes`. The stores
/// loaded on node `i` come as forwards from node `i + 1` (the next, round).
pub async fn run(
    paths: &Paths,
    nodes: &[MessageNode],
    shape: LoadShape,
    samples: usize,
) -> eyre::Result<Messages> {
    let Some(first) = nodes.first() else {
        bail!("no registry node to store messages on");
    };
    if let Err(note) = probe(&first.url).await {
        return Ok(Messages {
            available: false,
            note,
            ..Messages::default()
        });
    }
    let from = |index: usize| &nodes[(index + 1) % nodes.len()];
    let store_args = |index: usize, offset: u64| -> Vec<String> {
        vec![
            "--kind".into(),
            "msg-store".into(),
            "--mailboxes".into(),
            STORE_MAILBOXES.to_string(),
            "--mailbox-offset".into(),
            offset.to_string(),
            "--payload-bytes".into(),
            PAYLOAD_BYTES.to_string(),
            "--forward-key-file".into(),
            from(index).key_file.display().to_string(),
            "--node-key".into(),
            hex::encode(nodes[index].key),
        ]
    };
    // The baseline first (node 2 commits each store alone), then the same load on node 1.
    let other_run = async |index: usize, offset: u64| -> eyre::Result<Option<LoadReport>> {
        match nodes.get(index) {
            Some(node) if probe(&node.url).await.is_ok() => {
                let report = load(paths, node.target, shape, &store_args(index, offset)).await?;
                require_clean(&report)?;
                Ok(Some(report))
            }
            _ => Ok(None),
        }
    };
    let store_baseline = other_run(1, BASELINE_OFFSET).await?;
    let store_group = other_run(2, GROUP_OFFSET).await?;
    let store_report = load(paths, first.target, shape, &store_args(0, STORE_OFFSET)).await?;
    require_clean(&store_report)?;
    let forwarder =
        Forwarder::from_key_file(&from(0).key_file, &first.key).map_err(|e| eyre!(e))?;

    let client = reqwest::Client::new();
    let mailboxes = shape.concurrency as u64;
    for i in 0..mailboxes {
        let mailbox = Mailbox::bench(i);
        for m in 0..PREFILL {
            let mut data = vec![0u8; PAYLOAD_BYTES];
            data[..8].copy_from_slice(&i.to_be_bytes());
            data[8..16].copy_from_slice(&(m as u64).to_be_bytes());
            store(&client, &first.url, &mailbox, data, Some(&forwarder))
                .await
                .wrap_err("prefilling mailboxes")?;
        }
    }
    tokio::time::sleep(Duration::from_millis(10)).await;
    let retrieve_report = load(
        paths,
        first.target,
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

    let urls: Vec<String> = nodes.iter().map(|node| node.url.clone()).collect();
    let (send, send_to_inbox) = send_latency(&urls, samples).await?;
    Ok(Messages {
        available: true,
        note: String::new(),
        store: Some(store_report),
        store_baseline,
        store_group,
        retrieve: Some(retrieve_report),
        send,
        send_to_inbox,
    })
}
