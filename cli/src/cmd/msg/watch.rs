//! `sesh msg watch`.

use super::open_all;
use super::send::parse_duration;
use crate::context::Context;
use crate::mailbox::{Merged, Swarm};
use clap::Args;
use sesh_core::envelope::MessageHash;
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

/// The first poll interval, and the interval right after a message arrives.
const MIN_INTERVAL: Duration = Duration::from_secs(1);

/// Print messages as they arrive
///
/// Polls the wallet's registry nodes (those `sesh msg inbox` reads, former
/// swarm members included) for messages stored since the last poll,
/// every second at first; while nothing arrives the interval doubles up to
/// --max-interval, and drops back to a second when a message comes. Each
/// message is decrypted and checked as `sesh msg inbox` does. With --json,
/// one JSON document per message, one per line. Stops on Ctrl-C, after
/// --count messages, or after --timeout.
///
/// Examples:
///   sesh msg watch
///   sesh msg watch --all --count 1 --timeout 2m --json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct WatchArgs {
    /// Print the messages already in the mailbox first.
    #[arg(long)]
    pub all: bool,
    /// Stop after N messages.
    #[arg(long, value_name = "N")]
    pub count: Option<usize>,
    /// Stop after DURATION (30s, 45m, 12h, 3d).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<u64>,
    /// Poll at least every SECS seconds while nothing arrives.
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub max_interval: u64,
}

impl WatchArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let file = ctx.wallet_file()?;
        let keys = ctx.unlock(&file)?;
        let session = keys.session();
        let swarm = Swarm::discover_own(ctx, session.session_id()).await?;
        let deadline = self
            .timeout
            .map(|ms| Instant::now() + Duration::from_millis(ms));
        let max_interval = Duration::from_secs(self.max_interval).max(MIN_INTERVAL);
        let mut since: HashMap<String, MessageHash> = HashMap::new();
        let mut seen: HashSet<MessageHash> = HashSet::new();
        let mut down: HashSet<String> = HashSet::new();
        let mut names = HashMap::new();
        let mut printed = 0usize;
        let mut interval = MIN_INTERVAL;
        let mut first = true;
        loop {
            let merged = swarm.retrieve(session, &since).await;
            since.extend(merged.last_hashes.clone());
            for (node, result) in &merged.nodes {
                match result {
                    Err(error) if down.insert(node.url.clone()) => ctx
                        .out
                        .warn(&format!("registry node {} is down: {error}", node.url)),
                    Ok(_) if down.remove(&node.url) => {
                        ctx.out.info(&format!("registry node {} is back", node.url))
                    }
                    _ => {}
                }
            }
            let fresh = Merged {
                messages: merged
                    .messages
                    .into_iter()
                    .filter(|(hash, _)| seen.insert(*hash))
                    .collect(),
                ..Merged::default()
            };
            let mut arrived = false;
            if !first || self.all {
                let (received, refused) = open_all(ctx, session, &fresh, &mut names).await?;
                for item in &refused {
                    ctx.out
                        .warn(&format!("refused message {}: {}", item.hash, item.reason));
                }
                for item in received {
                    ctx.out
                        .result_line(&format!("{}\n", item.text()), item.json())?;
                    printed += 1;
                    arrived = true;
                    if self.count.is_some_and(|count| printed >= count) {
                        return Ok(());
                    }
                }
            }
            if first {
                ctx.out.info(&format!(
                    "watching {} registry node{} for messages to {} (Ctrl-C to stop)",
                    swarm.nodes().len(),
                    if swarm.nodes().len() == 1 { "" } else { "s" },
                    session.session_id()
                ));
                first = false;
            }
            interval = if arrived {
                MIN_INTERVAL
            } else {
                (interval * 2).min(max_interval)
            };
            let wait = match deadline {
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        ctx.out.info(&format!(
                            "stopped at the timeout after {printed} message(s)"
                        ));
                        return Ok(());
                    }
                    interval.min(left)
                }
                None => interval,
            };
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                _ = tokio::signal::ctrl_c() => {
                    ctx.out.info(&format!("stopped after {printed} message(s)"));
                    return Ok(());
                }
            }
        }
    }
}
