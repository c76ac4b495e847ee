//! `sesh msg watch`.

use super::open_all;
use super::send::parse_duration;
use crate::context::Context;
use crate::mailbox::{Merged, Swarm};
use clap::Args;
use sesh_core::storage_rpc::MessageHash;
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

/// The first poll interval, and the interval right after a message arrives.
const MIN_INTERVAL: Duration = Duration::from_secs(1);

/// Print messages as they arrive
///
/// Polls the wallet's registry nodes (those `sesh msg inbox` reads) for
/// messages stored since the last poll (each node's `last_hash`),
/// every second at first; while nothing arrives the interval doubles up to
/// --max-interval, and drops back to a second when a message comes. Each
/// message is decrypted and checked as `sesh msg inbox` does. With --json,
/// one JSON document per message, one per line. Stops on Ctrl-C, after
/// --count messages, or after --timeout. When --count messages have not all
/// arrived by the --timeout, it fails (exit code 1) saying how many did; with
/// --json the last line is then the failure envelope.
///
/// Examples:
///   sesh msg watch
///   sesh msg watch --all --count 1 --timeout 2m --json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct WatchArgs {
    /// Print the messages already in the mailbox first.
    #[arg(long)]
    pub(crate) all: bool,
    /// Stop after N messages; with --timeout, fewer than N by then is a failure.
    #[arg(long, value_name = "N", value_parser = crate::parse::at_least_one::<usize>)]
    pub(crate) count: Option<usize>,
    /// Stop after DURATION (30s, 45m, 12h, 3d).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub(crate) timeout: Option<u64>,
    /// Poll at least every SECS seconds while nothing arrives.
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub(crate) max_interval: u64,
}

impl WatchArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let file = ctx.wallet_file()?;
        let keys = ctx.unlock(&file)?;
        let session = keys.session();
        let swarm = Swarm::discover(ctx, session.session_id()).await?;
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
                    .filter(|(hash, _)| seen.insert(hash.clone()))
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
                    ctx.out.print_line(&item.report())?;
                    printed += 1;
                    arrived = true;
                    if self.count.is_some_and(|count| printed >= count) {
                        return Ok(());
                    }
                }
            }
            if first {
                let asked = merged.nodes.len();
                ctx.out.info(&format!(
                    "watching {asked} registry node{} of {} in the mailbox's swarm for messages to {} (Ctrl-C to stop)",
                    if asked == 1 { "" } else { "s" },
                    swarm.nodes().len(),
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
                        ctx.out
                            .info(&at_timeout(printed, self.count, self.timeout)?);
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

/// The end at the timeout: a line to tell without --count, or the failure when fewer than
/// --count messages arrived.
fn at_timeout(
    printed: usize,
    count: Option<usize>,
    timeout_ms: Option<u64>,
) -> eyre::Result<String> {
    let timeout = match timeout_ms {
        Some(ms) if ms % 1000 == 0 => format!(" of {} s", ms / 1000),
        Some(ms) => format!(" of {ms} ms"),
        None => String::new(),
    };
    match count {
        Some(count) if printed < count => eyre::bail!(
            "only {printed} of the {count} message{} asked for (--count {count}) arrived before the timeout{timeout}; wait longer with a larger --timeout",
            if count == 1 { "" } else { "s" }
        ),
        _ => Ok(format!(
            "stopped at the timeout{timeout} after {printed} message(s)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each line's data is one message, as `msg inbox` lists them.
    #[test]
    fn json_is_pinned() {
        crate::output::golden::check("msg-watch", &super::super::Message::sample());
    }

    #[test]
    fn fewer_messages_than_the_count_by_the_timeout_is_a_failure() {
        let error = at_timeout(1, Some(3), Some(120_000))
            .unwrap_err()
            .to_string();
        assert_eq!(
            error,
            "only 1 of the 3 messages asked for (--count 3) arrived before the timeout of 120 s; wait longer with a larger --timeout"
        );
        assert!(
            at_timeout(0, Some(1), Some(500))
                .unwrap_err()
                .to_string()
                .contains("only 0 of the 1 message asked for")
        );
        assert!(
            at_timeout(3, None, Some(2_000))
                .unwrap()
                .contains("after 3 message(s)")
        );
        assert!(at_timeout(2, Some(2), Some(2_000)).is_ok());
    }

    #[test]
    fn the_count_is_at_least_one() {
        use clap::Parser;
        let error = crate::args::Cli::try_parse_from(["sesh", "msg", "watch", "--count", "0"])
            .unwrap_err()
            .to_string();
        assert!(error.contains("at least 1"), "{error}");
    }
}
