//! `sesh-bench`: runs every benchmark on this machine, prints the tables and writes
//! `docs/benchmarks.md` (see that file for the method). `just bench` builds and runs it.

use clap::{Parser, Subcommand};
use sesh_bench::run::{Options, run};
use std::path::PathBuf;
use std::process::ExitCode;

/// Benchmarks of the Session name system.
#[derive(Debug, Parser)]
#[command(name = "sesh-bench", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run every benchmark, print the tables, write the report.
    Run(RunArgs),
    /// Write the report again from a run's raw figures (after a change to the report's text).
    Report {
        /// The raw figures of a run.
        #[arg(long, default_value = "target/bench/results.json")]
        results: PathBuf,
        /// Where to write the report.
        #[arg(long, default_value = "docs/benchmarks.md")]
        out: PathBuf,
    },
}

/// What `run` measures and where it writes.
#[derive(Debug, clap::Args)]
struct RunArgs {
    /// Small sizes for development (a few minutes); the report goes to
    /// target/bench/benchmarks-quick.md unless --out is given.
    #[arg(long)]
    quick: bool,
    /// Where to write the report (default: docs/benchmarks.md, or the quick file).
    #[arg(long)]
    out: Option<PathBuf>,
    /// The repository root (default: the current folder).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Connections of the main load runs.
    #[arg(long)]
    concurrency: Option<usize>,
    /// Load generator threads.
    #[arg(long)]
    threads: Option<usize>,
    /// Names on the lookup chain (at most 10,000,000).
    #[arg(long)]
    names: Option<u64>,
    /// Registrations per transaction on the lookup chain (1 to 2,000).
    #[arg(long)]
    per_tx: Option<u64>,
    /// Names registered one per transaction for the second indexing run (0 skips it).
    #[arg(long)]
    single_names: Option<u64>,
    /// Only the lookup chain, its indexing and the lookup runs (for work on the node's
    /// read path); the report goes to target/bench/ unless --out is given.
    #[arg(long)]
    lookups_only: bool,
    /// Only the lookup chain, its 3 nodes, `sesh name lookup` and the onion paths (a lookup and
    /// a mailbox read, direct against 3 hops); the report goes to target/bench/ unless --out
    /// is given.
    #[arg(long, conflicts_with = "lookups_only")]
    onion_only: bool,
}

impl RunArgs {
    /// The options for the repository at `root` (already checked).
    fn options(self, root: PathBuf) -> Options {
        let mut options = Options::new(self.quick, root);
        if self.lookups_only {
            options.lookups_only = true;
            options.out = options.root.join("target/bench/benchmarks-lookups.md");
        }
        if self.onion_only {
            options.onion_only = true;
            options.out = options.root.join("target/bench/benchmarks-onion.md");
        }
        if let Some(out) = self.out {
            options.out = out;
        }
        if let Some(c) = self.concurrency {
            options.sizes.concurrency = c.clamp(1, 10_000);
        }
        if let Some(t) = self.threads {
            options.sizes.threads = t.clamp(1, 64);
        }
        if let Some(n) = self.names {
            options.sizes.names = n.clamp(1, sesh_bench::names::MAX_NAMES);
        }
        if let Some(k) = self.per_tx {
            options.sizes.per_tx = k.clamp(1, 2_000);
        }
        if let Some(n) = self.single_names {
            options.sizes.single_names = n.min(sesh_bench::names::MAX_NAMES);
        }
        options
    }
}

fn rewrite_report(results: &std::path::Path, out: &std::path::Path) -> ExitCode {
    let text = match std::fs::read_to_string(results) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("sesh-bench: cannot read {}: {error}", results.display());
            return ExitCode::FAILURE;
        }
    };
    let parsed: sesh_bench::results::Results = match serde_json::from_str(&text) {
        Ok(parsed) => parsed,
        Err(error) => {
            eprintln!(
                "sesh-bench: {} is not a run's results: {error}",
                results.display()
            );
            return ExitCode::FAILURE;
        }
    };
    if let Err(error) = std::fs::write(out, sesh_bench::report::markdown(&parsed)) {
        eprintln!("sesh-bench: cannot write {}: {error}", out.display());
        return ExitCode::FAILURE;
    }
    println!("{}", sesh_bench::report::console(&parsed));
    ExitCode::SUCCESS
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match Cli::parse().command {
        Command::Report { results, out } => return rewrite_report(&results, &out),
        Command::Run(args) => args,
    };
    let root = match std::fs::canonicalize(&args.root) {
        Ok(root) if root.join("contracts/bench/BenchRegistrar.sol").exists() => root,
        _ => {
            eprintln!(
                "sesh-bench: {} is not the repository root (no contracts/bench/BenchRegistrar.sol); pass --root",
                args.root.display()
            );
            return ExitCode::FAILURE;
        }
    };
    let options = args.options(root);
    match run(options).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("sesh-bench: some phases failed; see the report");
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("sesh-bench: {error:#}");
            ExitCode::FAILURE
        }
    }
}
