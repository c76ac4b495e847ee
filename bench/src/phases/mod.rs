//! The benchmark's phases, in the order `sesh-bench run` runs them.

pub mod cli;
pub mod gas;
pub mod indexing;
pub mod lookups;
pub mod messages;
pub mod network;
pub mod onion;

use crate::load::LoadReport;
use crate::process::Paths;
use eyre::{WrapErr, bail};
use std::net::SocketAddr;

/// How long each load run lasts and how hard it pushes.
#[derive(Debug, Clone, Copy)]
pub struct LoadShape {
    /// Connections.
    pub concurrency: usize,
    /// Load generator threads.
    pub threads: usize,
    /// Warm-up, ms.
    pub warmup_ms: u64,
    /// Measuring window, ms.
    pub duration_ms: u64,
}

/// A server under load: its address and process id.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its process, to measure the CPU it uses.
    pub pid: u32,
}

/// Runs the load generator (`sesh-load`, a process of its own) against `target` and returns its
/// report; `args` adds the workload's arguments (`--kind …`).
pub async fn load(
    paths: &Paths,
    target: Target,
    shape: LoadShape,
    args: &[String],
) -> eyre::Result<LoadReport> {
    let output = tokio::process::Command::new(paths.binary("sesh-load")?)
        .args(["--addr", &target.addr.to_string()])
        .args(["--server-pid", &target.pid.to_string()])
        .args(["--concurrency", &shape.concurrency.to_string()])
        .args(["--threads", &shape.threads.to_string()])
        .args(["--warmup-ms", &shape.warmup_ms.to_string()])
        .args(["--duration-ms", &shape.duration_ms.to_string()])
        .args(args)
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output()
        .await
        .wrap_err("cannot run sesh-load")?;
    if !output.status.success() {
        bail!(
            "sesh-load {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let report: LoadReport =
        serde_json::from_slice(&output.stdout).wrap_err("sesh-load printed no report")?;
    Ok(report)
}

/// Fails when a load run saw errors (a benchmark of failing requests measures nothing).
pub fn require_clean(report: &LoadReport) -> eyre::Result<()> {
    if report.errors > 0 || report.requests == 0 {
        bail!(
            "{}: {} errors, {} correct requests; first error: {}",
            report.workload,
            report.errors,
            report.requests,
            report.first_error.as_deref().unwrap_or("none")
        );
    }
    Ok(())
}
