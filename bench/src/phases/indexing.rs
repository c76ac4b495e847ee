//! Indexing: a fresh registry node backfills the whole chain (every registration verified
//! against its transaction's receipt); events per second and the node's peak memory.

use crate::node::Node;
use crate::phases::network::{Network, StakedNode};
use crate::process::Paths;
use eyre::bail;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// What one backfill measured.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Indexing {
    /// Names on the chain.
    pub registrations: u64,
    /// Registrations per transaction.
    pub per_tx: u64,
    /// Blocks indexed.
    pub blocks: u64,
    /// Events applied (`registry_events_indexed_total`).
    pub events: u64,
    /// Events flagged (must be 0).
    pub flagged: u64,
    /// From process start to the head indexed, seconds.
    pub seconds: f64,
    /// Events per second.
    pub events_per_s: f64,
    /// Registrations per second.
    pub registrations_per_s: f64,
    /// `VmHWM` when caught up, bytes.
    pub peak_rss_bytes: u64,
}

/// Starts `staked` as a registry node on `network` and measures its backfill.
pub async fn run(
    paths: &Paths,
    network: &Network,
    staked: &StakedNode,
    timeout: Duration,
) -> eyre::Result<(Node, Indexing)> {
    let client = reqwest::Client::new();
    let mut node = Node::start(
        paths,
        &staked.data_dir,
        &network.anvil.url(),
        &network.manifest,
        staked.port,
    )?;
    let elapsed = node.wait_indexed(&client, network.head, timeout).await?;
    let peak = node.peak_rss().unwrap_or(0);
    let events = node
        .metric(&client, "registry_events_indexed_total")
        .await? as u64;
    let flagged = node
        .metric(&client, "registry_events_flagged_total")
        .await? as u64;
    if flagged != 0 {
        bail!(
            "the node flagged {flagged} events: the benchmark's registrations did not verify (see {})",
            node.log.display()
        );
    }
    let seconds = elapsed.as_secs_f64();
    let registrations = network.populated.names;
    Ok((
        node,
        Indexing {
            registrations,
            per_tx: network.populated.per_tx,
            blocks: network.head,
            events,
            flagged,
            seconds,
            events_per_s: events as f64 / seconds,
            registrations_per_s: registrations as f64 / seconds,
            peak_rss_bytes: peak,
        },
    ))
}
