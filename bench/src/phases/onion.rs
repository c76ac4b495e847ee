//! Onion paths (issue 19): a name lookup and a mailbox read sent straight to a node, to the
//! same node as a one-hop onion request (its layer only), and through a 3-hop path of the
//! run's nodes ending at it, one request at a time, the three ways interleaved so a slow
//! moment of a shared machine falls on all of them. The client's own work (building the
//! layers, opening the answer) is timed apart, so the extra time splits into the client's
//! cryptography, the destination's layer and the two relays.

use crate::names::{Rng, label_of};
use crate::phases::messages::{self, PREFILL};
use crate::stats::Latency;
use crate::workload::Mailbox;
use eyre::{WrapErr, bail, eyre};
use serde::{Deserialize, Serialize};
use sesh_core::onion::{self, EncType, Hop, OnionRequest};
use sesh_core::storage_rpc::response::RetrieveResponse;
use sesh_core::storage_rpc::{Namespace, Request, Retrieve, SubRequest, parse_response};
use std::time::{Duration, Instant};

/// The mailbox the reads go to (beyond every mailbox of the message phase).
const READ_MAILBOX: u64 = 5_000_000;
/// Unmeasured rounds first (connections opened, caches warm).
pub const WARMUP: usize = 20;

/// One request sent three ways.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Ways {
    /// Straight to the destination (`--direct`).
    pub direct: Latency,
    /// An onion request of one hop: the destination peels its layer and seals the answer.
    pub one_hop: Latency,
    /// Through 3 hops: guard, relay, destination.
    pub three_hops: Latency,
    /// The client's part of each 3-hop request: building the layers and opening the answer.
    pub client: Latency,
}

/// What the onion phase measured.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct OnionTimes {
    /// The cipher of the layers (the wallet's default).
    pub enc: String,
    /// `GET /v1/names/NAME`, a random name each time.
    pub lookup: Ways,
    /// A signed `retrieve` of a mailbox holding [`PREFILL`] messages.
    pub retrieve: Ways,
}

/// A node of the path: its URL and its hop.
#[derive(Debug, Clone)]
pub struct PathNode {
    /// Its base URL.
    pub url: String,
    /// Its keys.
    pub hop: Hop,
}

impl PathNode {
    /// The node at `url` whose Ed25519 identity key is `key`.
    pub fn new(url: String, key: [u8; 32]) -> eyre::Result<Self> {
        let hop = Hop::from_ed25519(key).wrap_err("a node key that maps to no onion key")?;
        Ok(Self { url, hop })
    }
}

/// Sends `request` as an onion request along `path` (first node first); the destination's
/// status and body, and the time the client spent building and opening.
async fn through(
    client: &reqwest::Client,
    path: &[PathNode],
    request: &[u8],
    enc: EncType,
) -> eyre::Result<(u16, Vec<u8>, Duration)> {
    let first = path.first().ok_or_else(|| eyre!("an empty path"))?;
    let hops: Vec<Hop> = path.iter().map(|node| node.hop).collect();
    let started = Instant::now();
    let OnionRequest { body, reply } = onion::build(&hops, request, enc)?;
    let mut own = started.elapsed();
    let response = client
        .post(format!("{}{}", first.url, onion::PATH))
        .body(body)
        .send()
        .await
        .wrap_err_with(|| format!("POST {}{}", first.url, onion::PATH))?;
    let status = response.status();
    let sealed = response.bytes().await?;
    if !status.is_success() {
        bail!(
            "{} answered {status}: {}",
            first.url,
            String::from_utf8_lossy(&sealed)
        );
    }
    let opened = Instant::now();
    let answer = reply.open(&sealed).wrap_err("opening the sealed answer")?;
    own += opened.elapsed();
    Ok((answer.status, answer.body_bytes(), own))
}

/// The samples of one request sent three ways.
#[derive(Default)]
struct Samples {
    direct: Vec<Duration>,
    one_hop: Vec<Duration>,
    three_hops: Vec<Duration>,
    client: Vec<Duration>,
}

impl Samples {
    fn summary(&self) -> Ways {
        Ways {
            direct: Latency::from_durations(&self.direct),
            one_hop: Latency::from_durations(&self.one_hop),
            three_hops: Latency::from_durations(&self.three_hops),
            client: Latency::from_durations(&self.client),
        }
    }
}

async fn lookup_direct(client: &reqwest::Client, node: &str, label: &str) -> eyre::Result<()> {
    let response = client
        .get(format!("{node}/v1/names/{label}"))
        .send()
        .await?;
    let status = response.status();
    let body = response.bytes().await?;
    if !status.is_success() {
        bail!(
            "{node} answered {status} for {label}: {}",
            String::from_utf8_lossy(&body)
        );
    }
    Ok(())
}

/// Checks a name answer that came through a path.
fn check_lookup(way: &str, label: &str, status: u16, body: &[u8]) -> eyre::Result<()> {
    let json: serde_json::Value = serde_json::from_slice(body)
        .wrap_err_with(|| format!("{way}: the answer for {label} is not JSON"))?;
    if status != 200 || json["state"] != "live" {
        bail!("{way}: the answer for {label} is {status} {json}");
    }
    Ok(())
}

/// Checks a retrieve answer that came through a path.
fn check_retrieve(way: &str, status: u16, body: &[u8]) -> eyre::Result<()> {
    let answer: RetrieveResponse =
        parse_response(status, body).wrap_err_with(|| format!("retrieve {way}"))?;
    if answer.messages.len() < PREFILL {
        bail!(
            "retrieve {way}: {} messages, not {PREFILL}",
            answer.messages.len()
        );
    }
    Ok(())
}

/// Runs the onion phase on `path` (3 nodes; the last is the destination), `samples` of each
/// request each way, names drawn from the first `names` of the benchmark.
pub async fn run(path: &[PathNode], names: u64, samples: usize) -> eyre::Result<OnionTimes> {
    let [_, _, destination] = path else {
        bail!("a path of 3 nodes is needed, the run has {}", path.len());
    };
    let enc = EncType::XChaCha20;
    let client = reqwest::Client::new();
    let one_hop = std::slice::from_ref(destination);
    let dest = destination.url.as_str();

    let mut rng = Rng::new(19);
    let mut lookups = Samples::default();
    for k in 0..WARMUP + samples {
        let label = label_of(rng.below(names.max(1)));
        let request = serde_json::json!({
            "endpoint": format!("/v1/names/{label}"),
            "method": "GET",
        })
        .to_string();
        let started = Instant::now();
        lookup_direct(&client, dest, &label).await?;
        let direct = started.elapsed();
        let started = Instant::now();
        let (status, body, _) = through(&client, one_hop, request.as_bytes(), enc).await?;
        let single = started.elapsed();
        check_lookup("one hop", &label, status, &body)?;
        let started = Instant::now();
        let (status, body, own) = through(&client, path, request.as_bytes(), enc).await?;
        let three = started.elapsed();
        check_lookup("3 hops", &label, status, &body)?;
        if k >= WARMUP {
            lookups.direct.push(direct);
            lookups.one_hop.push(single);
            lookups.three_hops.push(three);
            lookups.client.push(own);
        }
    }

    // The mailbox read: PREFILL messages stored through the destination (which hands them
    // on to the run's other nodes, its swarm).
    let mailbox = Mailbox::bench(READ_MAILBOX);
    for m in 0..PREFILL {
        let mut data = vec![0u8; messages::PAYLOAD_BYTES];
        data[..8].copy_from_slice(&(m as u64).to_be_bytes());
        messages::store(&client, dest, &mailbox, data, None)
            .await
            .wrap_err("filling the mailbox the onion reads go to")?;
    }
    let mut reads = Samples::default();
    // Each read is signed at a later millisecond than the one before.
    let mut last_ms = 0;
    let mut timestamp = || {
        last_ms = messages::now_ms().max(last_ms + 1);
        last_ms
    };
    let signed = |timestamp_ms: u64| {
        let retrieve = Retrieve::signed(&mailbox.seed, Namespace::DEFAULT, timestamp_ms, None);
        Request::One(SubRequest::Retrieve(retrieve))
            .to_json()
            .to_string()
    };
    for k in 0..WARMUP + samples {
        let started = Instant::now();
        let answer = messages::retrieve(&client, dest, &mailbox, timestamp()).await?;
        let direct = started.elapsed();
        if answer.messages.len() < PREFILL {
            bail!(
                "retrieve direct: {} messages, not {PREFILL}",
                answer.messages.len()
            );
        }
        let request = signed(timestamp());
        let started = Instant::now();
        let (status, body, _) = through(&client, one_hop, request.as_bytes(), enc).await?;
        let single = started.elapsed();
        check_retrieve("one hop", status, &body)?;
        let request = signed(timestamp());
        let started = Instant::now();
        let (status, body, own) = through(&client, path, request.as_bytes(), enc).await?;
        let three = started.elapsed();
        check_retrieve("3 hops", status, &body)?;
        if k >= WARMUP {
            reads.direct.push(direct);
            reads.one_hop.push(single);
            reads.three_hops.push(three);
            reads.client.push(own);
        }
    }
    Ok(OnionTimes {
        enc: enc.as_str().to_string(),
        lookup: lookups.summary(),
        retrieve: reads.summary(),
    })
}
