//! `sesh-bench run`: every phase in order, each timed; a failed phase is reported and the
//! independent ones still run.

use crate::machine::{CpuMeter, Machine, busy, load_average};
use crate::node::Node;
use crate::phases::lookups::LookupSpec;
use crate::phases::network::{self, Network};
use crate::phases::{LoadShape, Target, cli, gas, indexing, lookups, messages, onion};
use crate::populate;
use crate::process::{Paths, output_of};
use crate::report;
use crate::results::{Phase, Results, Sizes};
use eyre::{WrapErr, eyre};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

/// What to run and where to write.
#[derive(Debug, Clone)]
pub struct Options {
    /// The sizes.
    pub sizes: Sizes,
    /// The repository root.
    pub root: PathBuf,
    /// The report.
    pub out: PathBuf,
    /// Other concurrencies for the node alone.
    pub sweep: Vec<usize>,
    /// Measuring window of the sweep runs, ms.
    pub sweep_duration_ms: u64,
    /// Only the lookup chain, its indexing and the lookup runs.
    pub lookups_only: bool,
    /// Only the lookup chain, its 3 nodes, the CLI and the onion paths.
    pub onion_only: bool,
}

impl Options {
    /// The full or quick sizes for the repository at `root`.
    pub fn new(quick: bool, root: PathBuf) -> Self {
        let sizes = if quick {
            Sizes {
                quick,
                names: 5_000,
                per_tx: 250,
                single_names: 2_000,
                concurrency: 64,
                threads: 2,
                warmup_s: 1.0,
                duration_s: 3.0,
                cli_runs: 5,
                send_samples: 50,
                onion_samples: 200,
            }
        } else {
            Sizes {
                quick,
                names: 100_000,
                per_tx: 250,
                single_names: 20_000,
                concurrency: 64,
                threads: 2,
                warmup_s: 2.0,
                duration_s: 10.0,
                cli_runs: 21,
                send_samples: 200,
                onion_samples: 1_000,
            }
        };
        let out = if quick {
            root.join("target/bench/benchmarks-quick.md")
        } else {
            root.join("docs/benchmarks.md")
        };
        Self {
            sweep: if quick {
                vec![1, 16]
            } else {
                vec![1, 4, 16, 256]
            },
            sweep_duration_ms: if quick { 2_000 } else { 5_000 },
            lookups_only: false,
            onion_only: false,
            sizes,
            root,
            out,
        }
    }

    fn shape(&self) -> LoadShape {
        LoadShape {
            concurrency: self.sizes.concurrency,
            threads: self.sizes.threads,
            warmup_ms: (self.sizes.warmup_s * 1_000.0) as u64,
            duration_ms: (self.sizes.duration_s * 1_000.0) as u64,
        }
    }
}

/// Runs `future` as the phase `name`: prints, times, records its error.
async fn phase<T>(
    results: &mut Results,
    name: &str,
    future: impl Future<Output = eyre::Result<T>>,
) -> Option<T> {
    eprintln!("==> {name}");
    let started = Instant::now();
    let outcome = future.await;
    let seconds = started.elapsed().as_secs_f64();
    let error = outcome.as_ref().err().map(|e| format!("{e:#}"));
    match &error {
        None => eprintln!("    done in {seconds:.1} s"),
        Some(error) => eprintln!("    FAILED after {seconds:.1} s: {error}"),
    }
    results.phases.push(Phase {
        name: name.to_string(),
        seconds,
        error,
    });
    outcome.ok()
}

fn shell(root: &std::path::Path, program: &str, args: &[&str]) -> String {
    let mut command = Command::new(program);
    command.current_dir(root).args(args);
    output_of(command, program)
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "unknown".into())
}

fn header(options: &Options, paths: &Paths) -> eyre::Result<Results> {
    for binary in ["sesh-load", "sesh-bare-server", "registry-node", "sesh"] {
        paths.binary(binary)?;
    }
    let (cpu, busy_before) = busy(Duration::from_secs(1));
    let dirty = !shell(&options.root, "git", &["status", "--porcelain"]).is_empty();
    let commit = format!(
        "`{}`{}",
        shell(&options.root, "git", &["rev-parse", "--short", "HEAD"]),
        if dirty {
            " (with uncommitted changes)"
        } else {
            ""
        }
    );
    eprintln!(
        "sesh-bench: {} sizes; CPU {cpu:.0}% busy before starting{}",
        if options.sizes.quick { "quick" } else { "full" },
        if busy_before.is_empty() {
            String::new()
        } else {
            format!(" ({})", busy_before.join(", "))
        }
    );
    Ok(Results {
        sizes: options.sizes.clone(),
        date: shell(&options.root, "date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
        commit,
        machine: Machine::detect(&paths.foundry("anvil")?),
        load_before: format!(
            "{} (CPU {cpu:.0}% busy in the second before)",
            load_average()
        ),
        busy_before,
        ..Results::default()
    })
}

async fn start_other_nodes(paths: &Paths, network: &Network) -> eyre::Result<Vec<Node>> {
    let client = reqwest::Client::new();
    let mut nodes = Vec::new();
    for (k, staked) in network.nodes.iter().enumerate().skip(1) {
        // Node 2 commits each store alone, as nodes did before group commit: the baseline of
        // the store run (messages::run), measured in the same run. Node 3 commits stores
        // together without the write-ahead log, as nodes did before it.
        let env: &[(&str, &str)] = match k {
            1 => &[(messages::COMMIT_EACH_ENV, "each")],
            2 => &[(messages::COMMIT_EACH_ENV, "group")],
            _ => &[],
        };
        nodes.push(Node::start_with_env(
            paths,
            &staked.data_dir,
            &network.anvil.url(),
            &network.manifest,
            staked.port,
            env,
        )?);
    }
    for node in &mut nodes {
        node.wait_indexed(&client, network.head, Duration::from_secs(900))
            .await?;
    }
    Ok(nodes)
}

async fn lookup_network(options: &Options, paths: &Paths, results: &mut Results) {
    let Some(artifact) = phase(
        results,
        "compile contracts/bench/BenchRegistrar.sol",
        async { populate::compile(paths) },
    )
    .await
    else {
        return;
    };
    let sizes = options.sizes.clone();
    let name = format!(
        "chain: deploy, stake 3 nodes, register {} names ({} a transaction)",
        report::thousands(sizes.names),
        sizes.per_tx
    );
    let Some(network) = phase(
        results,
        &name,
        network::build(paths, &artifact, "lookups", sizes.names, sizes.per_tx, 3),
    )
    .await
    else {
        return;
    };
    results.populated = Some(network.populated.clone());
    let Some((node, indexed)) = phase(
        results,
        "indexing: one node backfills the chain",
        indexing::run(paths, &network, &network.nodes[0], Duration::from_secs(900)),
    )
    .await
    else {
        return;
    };
    results.indexing = Some(indexed);
    let spec = LookupSpec {
        names: sizes.names,
        shape: options.shape(),
        sweep: options.sweep.clone(),
        sweep_duration_ms: options.sweep_duration_ms,
    };
    let rpc_addr = format!("127.0.0.1:{}", network.anvil.port)
        .parse()
        .map_err(|e| eyre!("anvil address: {e}"));
    if let Ok(addr) = rpc_addr
        && !options.onion_only
    {
        let anvil = Target {
            addr,
            pid: network.anvil.process.pid(),
        };
        results.lookups = phase(
            results,
            "lookups: node vs eth_call vs bare axum",
            lookups::run(
                paths,
                &node,
                anvil,
                network.deployment.contracts.name_registry,
                &spec,
            ),
        )
        .await;
    }
    if options.lookups_only {
        return;
    }
    let Some(others) = phase(
        results,
        "start registry nodes 2 and 3",
        start_other_nodes(paths, &network),
    )
    .await
    else {
        return;
    };
    results.cli = phase(results, "cli: sesh name lookup", async {
        cli::run(paths, &network, sizes.cli_runs)
    })
    .await;
    results.onion = phase(
        results,
        "onion: a lookup and a mailbox read, direct vs 3 hops",
        async {
            // The path is the run's 3 nodes in order; the destination is the last.
            let mut path = Vec::new();
            for (running, staked) in std::iter::once(&node)
                .chain(others.iter())
                .zip(&network.nodes)
            {
                path.push(onion::PathNode::new(running.url.clone(), staked.key)?);
            }
            onion::run(&path, sizes.names, sizes.onion_samples).await
        },
    )
    .await;
    if options.onion_only {
        return;
    }
    let mut endpoints = Vec::new();
    for (n, staked) in std::iter::once(&node)
        .chain(others.iter())
        .zip(&network.nodes)
    {
        if let Ok(addr) = n.addr() {
            let pid = n.process.pid();
            endpoints.push(messages::MessageNode {
                url: n.url.clone(),
                target: Target { addr, pid },
                key: staked.key,
                key_file: staked.data_dir.join("node.key"),
            });
        }
    }
    results.messages = phase(
        results,
        "messages: mailboxes",
        messages::run(paths, &endpoints, options.shape(), sizes.send_samples),
    )
    .await;
    results.node_peak_rss = endpoints
        .iter()
        .map(|node| peak_rss(node.target.pid))
        .collect();
}

/// The peak resident memory of process `pid` (`VmHWM` in `/proc/PID/status`), bytes.
fn peak_rss(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kib: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))?
        .trim()
        .strip_suffix("kB")?
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

async fn single_indexing(options: &Options, paths: &Paths, results: &mut Results) {
    let Ok(artifact) = populate::compile(paths) else {
        return;
    };
    let names = options.sizes.single_names;
    if names == 0 {
        return;
    }
    let name = format!(
        "indexing, one registration per transaction ({} names)",
        report::thousands(names)
    );
    results.indexing_single = phase(results, &name, async {
        let network = network::build(paths, &artifact, "single", names, 1, 1).await?;
        let (_node, indexed) =
            indexing::run(paths, &network, &network.nodes[0], Duration::from_secs(900)).await?;
        Ok(indexed)
    })
    .await;
}

/// Runs everything; `Ok(false)` when a phase failed (the report is written anyway).
pub async fn run(options: Options) -> eyre::Result<bool> {
    let started = Instant::now();
    let paths = Paths::new(options.root.clone())?;
    let mut results = header(&options, &paths)?;
    let meter = CpuMeter::start();
    if !options.lookups_only && !options.onion_only {
        results.gas = phase(
            &mut results,
            "gas: whole transactions on anvil",
            gas::run(&paths),
        )
        .await;
    }
    lookup_network(&options, &paths, &mut results).await;
    if !options.lookups_only && !options.onion_only {
        single_indexing(&options, &paths, &mut results).await;
    }
    results.load_after = load_average();
    results.others_cpu_percent = meter.others_percent();
    results.total_seconds = started.elapsed().as_secs_f64();

    let json = paths.scratch.parent().map_or_else(
        || paths.scratch.join("results.json"),
        |bench| {
            bench.join(if options.lookups_only {
                "results-lookups.json"
            } else if options.onion_only {
                "results-onion.json"
            } else if options.sizes.quick {
                "results-quick.json"
            } else {
                "results.json"
            })
        },
    );
    std::fs::write(&json, serde_json::to_string_pretty(&results)?)
        .wrap_err_with(|| format!("cannot write {}", json.display()))?;
    if let Some(dir) = options.out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&options.out, report::markdown(&results))
        .wrap_err_with(|| format!("cannot write {}", options.out.display()))?;
    println!("{}", report::console(&results));
    println!(
        "report: {}\nraw figures: {}\ntotal: {:.1} minutes",
        options.out.display(),
        json.display(),
        results.total_seconds / 60.0
    );
    Ok(results.phases.iter().all(|p| p.error.is_none()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_peak_resident_memory_of_this_process_is_read() {
        let rss = super::peak_rss(std::process::id()).expect("VmHWM on Linux");
        assert!(rss > 1 << 20, "{rss}");
        assert_eq!(super::peak_rss(u32::MAX), None);
    }
}
