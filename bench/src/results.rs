//! Everything one `sesh-bench run` measured (also written as JSON beside the scratch data).

use crate::machine::Machine;
use crate::phases::cli::CliTimes;
use crate::phases::gas::GasResults;
use crate::phases::indexing::Indexing;
use crate::phases::lookups::Lookups;
use crate::phases::messages::Messages;
use crate::phases::onion::OnionTimes;
use crate::populate::Populated;
use serde::{Deserialize, Serialize};

/// How long a phase took, and why it failed if it did.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Phase {
    /// Its name.
    pub name: String,
    /// Wall time, seconds.
    pub seconds: f64,
    /// The error that stopped it.
    pub error: Option<String>,
}

/// The sizes a run used.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Sizes {
    /// Quick (development) sizes.
    pub quick: bool,
    /// Names on the lookup chain.
    pub names: u64,
    /// Registrations per transaction there.
    pub per_tx: u64,
    /// Names registered one per transaction for the second indexing run.
    pub single_names: u64,
    /// Connections of the main load runs.
    pub concurrency: usize,
    /// Load generator threads.
    pub threads: usize,
    /// Warm-up of each load run, seconds.
    pub warmup_s: f64,
    /// Measuring window of each main load run, seconds.
    pub duration_s: f64,
    /// Runs of each CLI lookup.
    pub cli_runs: usize,
    /// Messages sent one at a time for the send latency.
    pub send_samples: usize,
    /// Requests of each kind sent each way (direct, one hop, 3 hops) in the onion phase.
    #[serde(default)]
    pub onion_samples: usize,
}

/// The whole run.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Results {
    /// The sizes used.
    pub sizes: Sizes,
    /// UTC date and time of the start.
    pub date: String,
    /// The git commit measured (and whether the tree had changes).
    pub commit: String,
    /// The machine.
    pub machine: Machine,
    /// Load averages at the start.
    pub load_before: String,
    /// Load averages at the end.
    pub load_after: String,
    /// The busiest other processes at the start.
    pub busy_before: Vec<String>,
    /// Percent of the machine's CPU that other processes used during the run.
    pub others_cpu_percent: Option<f64>,
    /// Wall time of the whole run, seconds.
    pub total_seconds: f64,
    /// Each phase.
    pub phases: Vec<Phase>,
    /// Gas per operation.
    pub gas: Option<GasResults>,
    /// Filling the lookup chain.
    pub populated: Option<Populated>,
    /// Backfill of the lookup chain (batched registrations).
    pub indexing: Option<Indexing>,
    /// Backfill of a chain with one registration per transaction.
    pub indexing_single: Option<Indexing>,
    /// Lookups.
    pub lookups: Option<Lookups>,
    /// The CLI.
    pub cli: Option<CliTimes>,
    /// Mailboxes.
    pub messages: Option<Messages>,
    /// Onion paths against direct requests.
    #[serde(default)]
    pub onion: Option<OnionTimes>,
    /// Each registry node's peak resident memory (VmHWM) after the message loads, bytes, in
    /// node order (node 1 also served the lookups).
    #[serde(default)]
    pub node_peak_rss: Vec<Option<u64>>,
}
