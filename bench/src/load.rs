//! The load generator's engine: a fixed number of keep-alive connections, each with one request
//! in flight; a warm-up whose requests are not counted; then a fixed measuring window in which
//! every request that starts and ends is counted and timed.

use crate::http1::Connection;
use crate::machine::cpu_ticks_of;
use crate::names::Rng;
use crate::stats::Latency;
use crate::workload::Workload;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

const WARMING: u8 = 0;
const MEASURING: u8 = 1;
const STOPPED: u8 = 2;

/// How to load a server.
#[derive(Debug, Clone)]
pub struct LoadSpec {
    /// The server.
    pub addr: SocketAddr,
    /// Connections, each with one request in flight.
    pub concurrency: usize,
    /// Runtime worker threads of the load generator.
    pub threads: usize,
    /// Requests before measuring (not counted).
    pub warmup: Duration,
    /// The measuring window.
    pub duration: Duration,
    /// Seed of the random choices.
    pub seed: u64,
    /// The server's process id, to measure the CPU it uses in the window.
    pub server_pid: Option<u32>,
}

/// What one load run measured.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LoadReport {
    /// The workload's name.
    pub workload: String,
    /// Connections.
    pub concurrency: usize,
    /// Load generator threads.
    pub threads: usize,
    /// Warm-up, seconds.
    pub warmup_s: f64,
    /// The measuring window actually used, seconds.
    pub duration_s: f64,
    /// Requests answered correctly in the window.
    pub requests: u64,
    /// Requests that failed (transport error, unexpected status, error body) in the window.
    pub errors: u64,
    /// The first failure, as an example.
    pub first_error: Option<String>,
    /// Items (names, messages) per request.
    pub items_per_request: u64,
    /// Correct requests per second.
    pub requests_per_s: f64,
    /// Items per second.
    pub items_per_s: f64,
    /// Latency of the correct requests.
    pub latency: Latency,
    /// Connections opened (more than `concurrency` means the server closed some).
    pub connections_opened: u64,
    /// CPU the server used in the window, in cores (1.0 = one core busy), when its pid was given.
    pub server_cpu_cores: Option<f64>,
    /// CPU the load generator used in the window, in cores.
    pub client_cpu_cores: Option<f64>,
}

struct TaskResult {
    nanos: Vec<u64>,
    errors: u64,
    first_error: Option<String>,
    opened: u64,
}

async fn connection_task(
    spec: LoadSpec,
    workload: Arc<Workload>,
    index: usize,
    phase: Arc<AtomicU8>,
) -> TaskResult {
    let mut connection = Connection::new(spec.addr);
    let mut rng = Rng::new(spec.seed ^ ((index as u64 + 1) * 0x9e37_79b9_7f4a_7c15));
    let mut state = workload.connection_state(index);
    let mut request = Vec::with_capacity(4096);
    let mut result = TaskResult {
        nanos: Vec::with_capacity(1 << 16),
        errors: 0,
        first_error: None,
        opened: 0,
    };
    loop {
        let before = phase.load(Ordering::Acquire);
        if before == STOPPED {
            break;
        }
        request.clear();
        workload.fill(&mut rng, &mut state, &mut request);
        let started = Instant::now();
        let outcome = match connection.send(&request).await {
            Ok(response) => workload.check(&response),
            Err(error) => Err(error.to_string()),
        };
        let elapsed = started.elapsed();
        let failed = outcome.is_err();
        if before == MEASURING && phase.load(Ordering::Acquire) == MEASURING {
            match outcome {
                Ok(()) => result
                    .nanos
                    .push(u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX)),
                Err(error) => {
                    result.errors += 1;
                    result.first_error.get_or_insert(error);
                }
            }
        }
        if failed {
            // Do not spin on a server that refuses connections.
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
    result.opened = connection.opened;
    result
}

/// Runs `workload` against `spec.addr` on the current runtime and reports.
pub async fn run(spec: LoadSpec, workload: Workload) -> LoadReport {
    let workload = Arc::new(workload);
    let phase = Arc::new(AtomicU8::new(WARMING));
    let tasks: Vec<_> = (0..spec.concurrency.max(1))
        .map(|index| {
            tokio::spawn(connection_task(
                spec.clone(),
                workload.clone(),
                index,
                phase.clone(),
            ))
        })
        .collect();
    tokio::time::sleep(spec.warmup).await;
    let ticks = |pid: Option<u32>| pid.and_then(cpu_ticks_of);
    let server_before = ticks(spec.server_pid);
    let client_before = ticks(Some(std::process::id()));
    phase.store(MEASURING, Ordering::Release);
    let started = Instant::now();
    tokio::time::sleep(spec.duration).await;
    phase.store(STOPPED, Ordering::Release);
    let window = started.elapsed();
    // Clock ticks are 1/100 s on Linux.
    let cores = |before: Option<u64>, after: Option<u64>| match (before, after) {
        (Some(b), Some(a)) => Some(a.saturating_sub(b) as f64 / 100.0 / window.as_secs_f64()),
        _ => None,
    };
    let server_cpu_cores = cores(server_before, ticks(spec.server_pid));
    let client_cpu_cores = cores(client_before, ticks(Some(std::process::id())));

    let mut nanos = Vec::new();
    let mut errors = 0;
    let mut first_error = None;
    let mut opened = 0;
    for task in tasks {
        match task.await {
            Ok(result) => {
                nanos.extend_from_slice(&result.nanos);
                errors += result.errors;
                opened += result.opened;
                if first_error.is_none() {
                    first_error = result.first_error;
                }
            }
            Err(error) => {
                errors += 1;
                first_error.get_or_insert(format!("a connection task failed: {error}"));
            }
        }
    }
    let seconds = window.as_secs_f64();
    let requests = nanos.len() as u64;
    let items = workload.items_per_request();
    LoadReport {
        workload: workload.name().to_string(),
        concurrency: spec.concurrency.max(1),
        threads: spec.threads,
        warmup_s: spec.warmup.as_secs_f64(),
        duration_s: seconds,
        requests,
        errors,
        first_error,
        items_per_request: items,
        requests_per_s: requests as f64 / seconds,
        items_per_s: (requests * items) as f64 / seconds,
        latency: Latency::from_nanos(&mut nanos),
        connections_opened: opened,
        server_cpu_cores,
        client_cpu_cores,
    }
}
