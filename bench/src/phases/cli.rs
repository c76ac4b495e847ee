//! The wallet: wall time of `sesh name lookup NAME` (release build) from process start to the
//! answer, through the registry nodes found in the active set on chain (3 of 3 must agree), each
//! asked through a 3-hop onion path (the default) and directly (`--direct`), and straight from
//! the chain (`--rpc`).

use crate::names::{Rng, label_of};
use crate::phases::network::Network;
use crate::process::Paths;
use crate::stats::median;
use eyre::{WrapErr, bail};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// Wall times of one way of looking up, ms.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Timing {
    /// Runs measured (after one unmeasured run).
    pub runs: usize,
    /// Median.
    pub median_ms: f64,
    /// Fastest.
    pub min_ms: f64,
    /// Slowest.
    pub max_ms: f64,
}

/// What the CLI phase measured.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CliTimes {
    /// Through 3 registry nodes of the active set, each through a 3-hop onion path.
    pub via_nodes: Timing,
    /// The same with `--direct`: each node asked straight.
    #[serde(default)]
    pub via_nodes_direct: Timing,
    /// Through the RPC (`--rpc`).
    pub via_rpc: Timing,
}

fn sesh(paths: &Paths, home: &Path, network: &Network) -> eyre::Result<Command> {
    let mut command = Command::new(paths.binary("sesh")?);
    for var in [
        "SESH_PASSWORD",
        "SESH_WALLET",
        "SESH_NETWORK",
        "SESH_REGISTRY",
        "SESH_CONFIG",
        "SESH_DIRECT",
    ] {
        command.env_remove(var);
    }
    command
        .env("SESH_HOME", home)
        .env("SESH_RPC_URL", network.anvil.url())
        .env("SESH_DEPLOYMENT", &network.manifest)
        .stdin(Stdio::null());
    Ok(command)
}

fn time_lookups(
    paths: &Paths,
    home: &Path,
    network: &Network,
    extra: &[&str],
    expect: &str,
    runs: usize,
) -> eyre::Result<Timing> {
    let mut rng = Rng::new(42);
    let mut times = Vec::new();
    for run in 0..=runs {
        let label = label_of(rng.below(network.populated.names.max(1)));
        let mut command = sesh(paths, home, network)?;
        command.args(["name", "lookup", &label]).args(extra);
        let started = Instant::now();
        let output = command.output().wrap_err("cannot run sesh")?;
        let elapsed = started.elapsed();
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() || !stdout.contains(expect) {
            bail!(
                "sesh name lookup {label} {} did not answer as expected ({expect:?}):\n{stdout}{}",
                extra.join(" "),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        if run > 0 {
            times.push(elapsed.as_secs_f64() * 1_000.0);
        }
    }
    Ok(Timing {
        runs,
        median_ms: median(&times),
        min_ms: times.iter().copied().fold(f64::INFINITY, f64::min),
        max_ms: times.iter().copied().fold(0.0, f64::max),
    })
}

/// Times `runs` lookups each way (every node of the active set must be up and indexed).
pub fn run(paths: &Paths, network: &Network, runs: usize) -> eyre::Result<CliTimes> {
    let home = paths.scratch.join("sesh-home");
    std::fs::create_dir_all(&home)?;
    let runs = runs.max(1);
    Ok(CliTimes {
        via_nodes: time_lookups(
            paths,
            &home,
            network,
            &[],
            "3 of 3 registry nodes agree",
            runs,
        )?,
        via_nodes_direct: time_lookups(
            paths,
            &home,
            network,
            &["--direct"],
            "3 of 3 registry nodes agree",
            runs,
        )?,
        via_rpc: time_lookups(paths, &home, network, &["--rpc"], "the chain", runs)?,
    })
}
