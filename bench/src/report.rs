//! The report: tables for the terminal and `docs/benchmarks.md`.

use crate::load::LoadReport;
use crate::results::Results;
use crate::stats::Latency;
use std::fmt::Write;

/// One target and whether it was met.
#[derive(Debug, Clone)]
pub struct Target {
    /// The target, in words.
    pub what: String,
    /// What was measured.
    pub measured: String,
    /// Met (`None`: not measured).
    pub met: Option<bool>,
}

/// `1234567` → `1,234,567`.
pub fn thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn rate(value: f64) -> String {
    thousands(value.round().max(0.0) as u64)
}

fn ms(us: f64) -> String {
    format!("{:.2} ms", us / 1_000.0)
}

fn mib(bytes: u64) -> String {
    format!("{:.0} MiB", bytes as f64 / (1024.0 * 1024.0))
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { 0.0 }
}

fn verdict(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "**met**",
        Some(false) => "**missed**",
        None => "not measured",
    }
}

/// Every target of issue 9, judged.
pub fn targets(results: &Results) -> Vec<Target> {
    let mut out = Vec::new();
    let lookups = results.lookups.as_ref();
    let node_vs_eth = lookups.map(|l| ratio(l.node.requests_per_s, l.eth_call.requests_per_s));
    out.push(Target {
        what: "single-name lookups ≥ 3× eth_call throughput".into(),
        measured: node_vs_eth.map_or("—".into(), |r| format!("{r:.2}×")),
        met: node_vs_eth.map(|r| r >= 3.0),
    });
    let node_vs_bare = lookups.map(|l| ratio(l.node.requests_per_s, l.bare.requests_per_s));
    out.push(Target {
        what: "single-name lookups ≥ 80% of the bare axum server".into(),
        measured: node_vs_bare.map_or("—".into(), |r| format!("{:.0}%", r * 100.0)),
        met: node_vs_bare.map(|r| r >= 0.8),
    });
    out.push(Target {
        what: "lookup p99 < 3 ms at peak load".into(),
        measured: lookups.map_or("—".into(), |l| {
            format!(
                "{} at {} connections",
                ms(l.node.latency.p99_us),
                l.concurrency
            )
        }),
        met: lookups.map(|l| l.node.latency.p99_us < 3_000.0),
    });
    if let Some(l) = lookups {
        let mut points: Vec<&LoadReport> = l
            .sweep
            .iter()
            .map(|p| &p.node)
            .chain(std::iter::once(&l.node))
            .collect();
        points.sort_by_key(|r| r.concurrency);
        let top = points.iter().map(|r| r.requests_per_s).fold(0.0, f64::max);
        let best = points.into_iter().find(|r| r.requests_per_s >= 0.95 * top);
        if let Some(best) = best {
            out.push(Target {
                what: "(for information) lookup p99 at the fewest connections that reach 95% \
                       of the node's best throughput"
                    .into(),
                measured: format!(
                    "{} at {} connections ({} requests/s)",
                    ms(best.latency.p99_us),
                    best.concurrency,
                    rate(best.requests_per_s)
                ),
                met: None,
            });
        }
    }
    if let Some(l) = lookups {
        out.push(Target {
            what: "(for information) the bare server's own throughput as a multiple of eth_call \
                   (the most any HTTP server reaches here)"
                .into(),
            measured: format!(
                "{:.2}×",
                ratio(l.bare.requests_per_s, l.eth_call.requests_per_s)
            ),
            met: None,
        });
    }
    let onion = results.onion.as_ref().map(|o| &o.lookup);
    let added = onion.map(|w| (w.three_hops.p50_us - w.direct.p50_us) / 1_000.0);
    out.push(Target {
        what: "a name lookup through 3 hops adds < 5 ms locally (median against direct)".into(),
        measured: added.map_or("—".into(), |a| format!("{a:.2} ms")),
        met: added.map(|a| a < 5.0),
    });
    let cli = results.cli.as_ref().filter(|c| c.via_nodes.runs > 0);
    out.push(Target {
        what: "`sesh name lookup` (through 3-hop paths) < 50 ms at the median".into(),
        measured: cli.map_or("—".into(), |c| format!("{:.1} ms", c.via_nodes.median_ms)),
        met: cli.map(|c| c.via_nodes.median_ms < 50.0),
    });
    let batch = lookups.map(|l| ratio(l.node_batch.items_per_s, l.eth_call.items_per_s));
    out.push(Target {
        what: "batch lookups ≥ 30× eth_call, per name".into(),
        measured: batch.map_or("—".into(), |r| format!("{r:.1}×")),
        met: batch.map(|r| r >= 30.0),
    });
    for (what, indexing) in [
        (
            "indexing ≥ 5,000 events/s (backfill of the lookup chain, batched registrations)",
            results.indexing.as_ref(),
        ),
        (
            "indexing ≥ 5,000 events/s (one registration per transaction)",
            results.indexing_single.as_ref(),
        ),
    ] {
        out.push(Target {
            what: what.into(),
            measured: indexing.map_or("—".into(), |i| {
                format!(
                    "{} events/s ({} registrations)",
                    rate(i.events_per_s),
                    thousands(i.registrations)
                )
            }),
            met: indexing.map(|i| i.events_per_s >= 5_000.0),
        });
    }
    let stores = results
        .messages
        .as_ref()
        .and_then(|m| Some((m.store.as_ref()?, m.store_baseline.as_ref())));
    out.push(Target {
        what: "a node takes ≥ 10,000 durable stores/s of 400-byte envelopes at 64 connections \
               (each a forward from a swarm member, its MAC checked)"
            .into(),
        measured: stores.map_or("—".into(), |(store, baseline)| {
            let against = baseline
                .filter(|b| b.requests_per_s > 0.0)
                .map(|b| {
                    format!(
                        " ({:.2}× a transaction per store)",
                        store.requests_per_s / b.requests_per_s
                    )
                })
                .unwrap_or_default();
            format!(
                "{} at {} connections{against}",
                rate(store.requests_per_s),
                store.concurrency
            )
        }),
        met: stores.map(|(store, _)| store.requests_per_s >= 10_000.0),
    });
    if let Some(gas) = &results.gas {
        for row in gas.rows.iter().filter(|r| r.target.is_some()) {
            let target = row.target.unwrap_or(0);
            out.push(Target {
                what: format!(
                    "gas: {} ≤ {}",
                    row.operation.replace("**", ""),
                    thousands(target)
                ),
                measured: thousands(row.gas),
                met: Some(row.gas <= target),
            });
        }
    } else {
        out.push(Target {
            what: "gas targets".into(),
            measured: "—".into(),
            met: None,
        });
    }
    out
}

fn cores(value: Option<f64>) -> String {
    value.map_or("—".into(), |c| format!("{c:.2}"))
}

fn load_row(out: &mut String, label: &str, server: &str, r: &LoadReport, vs: &str) {
    let _ = writeln!(
        out,
        "| {label} | {server} | {} | {} | {} | {} | {} | {} | {} | {} / {} | {vs} |",
        r.concurrency,
        rate(r.requests_per_s),
        rate(r.items_per_s),
        ms(r.latency.p50_us),
        ms(r.latency.p99_us),
        ms(r.latency.p999_us),
        thousands(r.requests),
        cores(r.server_cpu_cores),
        cores(r.client_cpu_cores),
    );
}

fn section_targets(out: &mut String, results: &Results) {
    let _ = writeln!(out, "## Targets\n");
    let _ = writeln!(out, "| target | measured | verdict |\n| --- | --- | --- |");
    for t in targets(results) {
        let verdict = match t.met {
            None if t.measured != "—" => "—",
            met => verdict(met),
        };
        let _ = writeln!(out, "| {} | {} | {verdict} |", t.what, t.measured);
    }
    let _ = writeln!(out);
}

fn section_lookups(out: &mut String, results: &Results) {
    let _ = writeln!(out, "## Lookups\n");
    let Some(l) = &results.lookups else {
        let _ = writeln!(out, "Not measured (see the failures below).\n");
        return;
    };
    let _ = writeln!(
        out,
        "One registry node holding {} names, one anvil, the bare server; each loaded in turn by \
         `sesh-load` (a separate process: {} keep-alive connections, {} threads, {:.0} s warm-up, \
         {:.0} s measured, names picked uniformly at random). A node answer is {} bytes; the bare \
         server answers a constant body of the same size.\n",
        thousands(l.names),
        l.concurrency,
        l.threads,
        l.node.warmup_s,
        l.node.duration_s,
        thousands(l.answer_bytes as u64)
    );
    if !l.rounds.is_empty() {
        let list = |column: usize| {
            l.rounds
                .iter()
                .map(|round| rate(round[column]))
                .collect::<Vec<_>>()
                .join(" / ")
        };
        let _ = writeln!(
            out,
            "The three single-name workloads ran in {} alternating rounds (bare, node, eth_call); \
             each row below is the median round. Requests/s of every round: bare {}; node {}; \
             eth_call {}.\n",
            l.rounds.len(),
            list(0),
            list(1),
            list(2)
        );
    }
    let _ = writeln!(
        out,
        "| workload | server | connections | requests/s | names/s | p50 | p99 | p99.9 | requests | CPU cores: server / load generator | ratio |\n\
         | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
    );
    let eth = l.eth_call.items_per_s;
    load_row(
        out,
        "`GET /v1/names/{name}`",
        "registry node",
        &l.node,
        &format!(
            "{:.2}× eth_call, {:.0}% of bare",
            ratio(l.node.items_per_s, eth),
            100.0 * ratio(l.node.requests_per_s, l.bare.requests_per_s)
        ),
    );
    load_row(out, "constant body", "bare axum", &l.bare, "ceiling");
    load_row(
        out,
        "`eth_call` `resolve(name)`",
        "anvil",
        &l.eth_call,
        "baseline",
    );
    load_row(
        out,
        "`POST /v1/names/batch`, 100 names",
        "registry node",
        &l.node_batch,
        &format!(
            "{:.1}× eth_call per name",
            ratio(l.node_batch.items_per_s, eth)
        ),
    );
    load_row(
        out,
        "JSON-RPC batch of 100 `eth_call`",
        "anvil",
        &l.eth_call_batch,
        &format!(
            "{:.1}× eth_call per name (for reference)",
            ratio(l.eth_call_batch.items_per_s, eth)
        ),
    );
    if let Some(first) = l.sweep.first() {
        let _ = writeln!(
            out,
            "\nThe node and the bare server at other concurrencies ({:.0} s each; the row at {} \
             connections repeats the main runs):\n\n\
             | connections | node requests/s | node p50 | node p99 | node CPU cores | bare requests/s | bare p50 | bare p99 | node / bare |\n\
             | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            first.node.duration_s, l.concurrency
        );
        let mut points: Vec<(&LoadReport, &LoadReport)> =
            l.sweep.iter().map(|p| (&p.node, &p.bare)).collect();
        points.push((&l.node, &l.bare));
        points.sort_by_key(|(node, _)| node.concurrency);
        for (node, bare) in points {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {:.0}% |",
                node.concurrency,
                rate(node.requests_per_s),
                ms(node.latency.p50_us),
                ms(node.latency.p99_us),
                cores(node.server_cpu_cores),
                rate(bare.requests_per_s),
                ms(bare.latency.p50_us),
                ms(bare.latency.p99_us),
                100.0 * ratio(node.requests_per_s, bare.requests_per_s)
            );
        }
    }
    let _ = writeln!(
        out,
        "\nThe node's peak memory (VmHWM) after indexing and serving all of this: {}.\n",
        mib(l.node_peak_rss_bytes)
    );
}

fn section_indexing(out: &mut String, results: &Results) {
    let _ = writeln!(out, "## Indexing\n");
    let rows: Vec<_> = [
        ("batched", results.indexing.as_ref()),
        ("one per transaction", results.indexing_single.as_ref()),
    ]
    .into_iter()
    .filter_map(|(label, i)| i.map(|i| (label, i)))
    .collect();
    if rows.is_empty() {
        let _ = writeln!(out, "Not measured (see the failures below).\n");
        return;
    }
    let _ = writeln!(
        out,
        "A fresh registry node (release build, `--confirmations 0`, other settings default) \
         backfills the whole chain from the deploy block: `eth_getLogs` in adaptive ranges, each \
         paid event's transaction receipt fetched and checked (rent into the rewards pool), \
         everything committed to redb. Time from process start until `/health` reports the head \
         indexed; events are the node's `registry_events_indexed_total` (a registration is 2 \
         events: the ERC-721 `Transfer` and `NameRegistered`; none flagged).\n\n\
         | registrations | per transaction | blocks | events | seconds | events/s | registrations/s | peak memory |\n\
         | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    for (label, i) in rows {
        let _ = writeln!(
            out,
            "| {} | {} ({label}) | {} | {} | {:.1} | {} | {} | {} |",
            thousands(i.registrations),
            i.per_tx,
            thousands(i.blocks),
            thousands(i.events),
            i.seconds,
            rate(i.events_per_s),
            rate(i.registrations_per_s),
            mib(i.peak_rss_bytes)
        );
    }
    if let Some(p) = &results.populated {
        let _ = writeln!(
            out,
            "\nFilling the chain: {} names in {} transactions of {} registrations through \
             `contracts/bench/BenchRegistrar.sol` (the real `NameRegistry.register`, real rent), \
             {:.1} s, {} gas per registration on average.",
            thousands(p.names),
            thousands(p.transactions),
            p.per_tx,
            p.seconds,
            thousands(p.gas / p.names.max(1))
        );
    }
    let _ = writeln!(out);
}

fn section_gas(out: &mut String, results: &Results) {
    let _ = writeln!(out, "## Gas\n");
    let Some(gas) = &results.gas else {
        let _ = writeln!(out, "Not measured (see the failures below).\n");
        return;
    };
    let _ = writeln!(
        out,
        "Whole transactions: receipt `gasUsed` on anvil (hardfork `{}`), 21,000 base and \
         calldata included, refunds subtracted; contracts deployed by `script/Deploy.s.sol`, \
         TestSESH as the token.\n\n| operation | gas | comparison | target |\n| --- | ---: | --- | --- |",
        gas.hardfork
    );
    for row in &gas.rows {
        let target = row.target.map_or(String::new(), |t| {
            format!(
                "≤ {} {}",
                thousands(t),
                if row.gas <= t { "met" } else { "missed" }
            )
        });
        let _ = writeln!(
            out,
            "| {} | {} | {} | {target} |",
            row.operation,
            thousands(row.gas),
            row.comparison
        );
    }
    let _ = writeln!(out);
}

fn section_messages(out: &mut String, results: &Results) {
    let _ = writeln!(out, "## Messages\n");
    let Some(m) = &results.messages else {
        let _ = writeln!(out, "Not measured (see the failures below).\n");
        return;
    };
    if !m.available {
        let _ = writeln!(
            out,
            "Could not be run: {}. The benchmark speaks Session's storage protocol \
             (`POST /storage_rpc/v1`) and runs as soon as the node serves it.\n",
            m.note
        );
        return;
    }
    let _ = writeln!(
        out,
        "One registry node (the same one as above) under `sesh-load`, every request one of \
         Session's storage protocol. Stores: `store` of a new random 400-byte payload each (the \
         size of a sealed 256-byte message; the node never opens envelopes) to one of 1,000 \
         mailboxes, namespace 0, TTL one hour, sent as another member of the swarm hands a \
         client's store on (`POST /v1/storage_forward`, authenticated by the MAC under the two \
         nodes' link key, which the node checks), so that the node stores it and hands it on to \
         no one: the run measures what one node takes, not the 3 nodes of the run sharing the 2 \
         cores. Every store is durable before it is answered, \
         concurrent stores together (group commit), each batch made durable by one record of the \
         mailbox's write-ahead log while the next batch is applied. In the same run, each with \
         its own 1,000 mailboxes: the baseline, node 2, started with \
         `SESH_NODE_MAILBOX_COMMIT=each`, commits each store in its own write transaction, as \
         nodes did before group commit; node 3, started with `SESH_NODE_MAILBOX_COMMIT=group`, \
         commits stores together, each batch durably in redb, as nodes did before the log. Retrievals: `retrieve` of \
         one mailbox per connection holding 10 messages, each request signed with a fresh \
         timestamp (the load generator signs it, as a client does). \
         The node's per-address mailbox rate limit is off here (`--mailbox-requests-per-sec 0`): \
         every client is 127.0.0.1, and what is measured is what the node can take. \
         Durability: a store is answered only when its batch's log record is on disk (or the \
         batch was a durable redb commit); the e2e test \
         `mailbox_crash::answered_stores_survive_sigkill` kills a node with SIGKILL under \
         concurrent stores and finds every answered store after the restart. How the figures \
         got here, and what made each step: [benchmarks-history.md](benchmarks-history.md).\n"
    );
    let _ = writeln!(
        out,
        "| workload | connections | requests/s | p50 | p99 | p99.9 | node CPU cores |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    for (label, report) in [
        (
            "store a 400-byte envelope (baseline: a transaction per store, node 2)",
            &m.store_baseline,
        ),
        (
            "store a 400-byte envelope (committed together without the log, node 3)",
            &m.store_group,
        ),
        (
            "store a 400-byte envelope (committed together, write-ahead log)",
            &m.store,
        ),
        ("retrieve a mailbox of 10 messages (signed)", &m.retrieve),
    ] {
        if let Some(r) = report {
            let _ = writeln!(
                out,
                "| {label} | {} | {} | {} | {} | {} | {} |",
                r.concurrency,
                rate(r.requests_per_s),
                ms(r.latency.p50_us),
                ms(r.latency.p99_us),
                ms(r.latency.p999_us),
                cores(r.server_cpu_cores)
            );
        }
    }
    if let (Some(logged), Some(baseline)) = (&m.store, &m.store_baseline)
        && baseline.requests_per_s > 0.0
    {
        let _ = write!(
            out,
            "\nStores with the write-ahead log: {:.2}x the baseline's stores a second",
            logged.requests_per_s / baseline.requests_per_s
        );
        if let Some(group) = &m.store_group
            && group.requests_per_s > 0.0
        {
            let _ = write!(
                out,
                ", {:.2}x those committed together without the log",
                logged.requests_per_s / group.requests_per_s
            );
        }
        let _ = writeln!(out, ".");
    }
    let rss: Vec<String> = results
        .node_peak_rss
        .iter()
        .enumerate()
        .filter_map(|(i, bytes)| {
            bytes.map(|b| format!("node {} {:.0} MiB", i + 1, b as f64 / (1u64 << 20) as f64))
        })
        .collect();
    if !rss.is_empty() {
        let _ = writeln!(
            out,
            "\nPeak resident memory of each node after these loads (`VmHWM`; node 1 also served \
             the lookups above, its answer cache warm): {}.",
            rss.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "\nSending one message at a time ({} messages) through `/storage_rpc/v1`: seal, `store` \
         on one of the 3 nodes, which hands it on to the other 2 (its swarm) and answers with \
         the 3 receipts, checked; then `retrieve` the inbox from another node.\n\n\
         | | p50 | p99 | max |\n| --- | ---: | ---: | ---: |\n\
         | sealed, stored on one node and handed on to the other 2 | {} | {} | {} |\n\
         | ... and read back from the inbox | {} | {} | {} |\n",
        m.send.samples,
        ms(m.send.p50_us),
        ms(m.send.p99_us),
        ms(m.send.max_us),
        ms(m.send_to_inbox.p50_us),
        ms(m.send_to_inbox.p99_us),
        ms(m.send_to_inbox.max_us)
    );
}

fn section_cli(out: &mut String, results: &Results) {
    let _ = writeln!(out, "## CLI\n");
    let Some(c) = &results.cli else {
        let _ = writeln!(out, "Not measured (see the failures below).\n");
        return;
    };
    let _ = writeln!(
        out,
        "Wall time of `sesh name lookup NAME` (release build), from process start to exit, a \
         random name each run, after one unmeasured run.\n\n\
         | how | runs | median | fastest | slowest |\n| --- | ---: | ---: | ---: | ---: |\n\
         | 3 registry nodes of the active set (read from the chain), each through a 3-hop onion path, signatures checked, 3 of 3 agree | {} | {:.1} ms | {:.1} ms | {:.1} ms |\n\
         | the same with `--direct`: each node asked straight | {} | {:.1} ms | {:.1} ms | {:.1} ms |\n\
         | `--rpc`: straight from the chain | {} | {:.1} ms | {:.1} ms | {:.1} ms |\n",
        c.via_nodes.runs,
        c.via_nodes.median_ms,
        c.via_nodes.min_ms,
        c.via_nodes.max_ms,
        c.via_nodes_direct.runs,
        c.via_nodes_direct.median_ms,
        c.via_nodes_direct.min_ms,
        c.via_nodes_direct.max_ms,
        c.via_rpc.runs,
        c.via_rpc.median_ms,
        c.via_rpc.min_ms,
        c.via_rpc.max_ms
    );
}

fn onion_row(out: &mut String, what: &str, l: &Latency, direct: &Latency) {
    let _ = writeln!(
        out,
        "| {what} | {} | {} | {} | {} | +{:.2} ms | {:.2}× |",
        l.samples,
        ms(l.p50_us),
        ms(l.p90_us),
        ms(l.p99_us),
        (l.p50_us - direct.p50_us) / 1_000.0,
        ratio(l.p50_us, direct.p50_us)
    );
}

fn section_onion(out: &mut String, results: &Results) {
    let _ = writeln!(out, "## Onion paths\n");
    let Some(o) = &results.onion else {
        let _ = writeln!(out, "Not measured (see the failures below).\n");
        return;
    };
    let _ = writeln!(
        out,
        "The same requests sent one at a time to the run's third node: straight to it, as an \
         onion request of one hop (only its own layer: it peels it and seals the answer), and \
         through a 3-hop path (nodes 1 and 2 relay, node 3 answers), the three ways \
         interleaved, {} cipher, after {} unmeasured rounds; all on this machine. \
         \"client\" is the wallet's own part of each 3-hop request (building the 3 layers, \
         opening the answer), included in the 3-hop time. \"added\" and \"ratio\" compare \
         each median with the direct one.\n\n\
         | request | samples | p50 | p90 | p99 | added (p50) | ratio (p50) |\n\
         | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        o.enc,
        crate::phases::onion::WARMUP
    );
    for (name, w) in [
        ("name lookup (`GET /v1/names/NAME`)", &o.lookup),
        ("mailbox read (signed `retrieve`, 10 messages)", &o.retrieve),
    ] {
        onion_row(out, &format!("{name}, direct"), &w.direct, &w.direct);
        onion_row(out, &format!("{name}, 1 hop"), &w.one_hop, &w.direct);
        onion_row(out, &format!("{name}, 3 hops"), &w.three_hops, &w.direct);
        let _ = writeln!(
            out,
            "| {name}, client's part of 3 hops | {} | {} | {} | {} | | |",
            w.client.samples,
            ms(w.client.p50_us),
            ms(w.client.p90_us),
            ms(w.client.p99_us)
        );
    }
    let _ = writeln!(out);
    if let Some(c) = results.cli.as_ref().filter(|c| c.via_nodes.runs > 0) {
        let _ = writeln!(
            out,
            "`sesh name lookup` (the wallet asks 3 nodes, each through a path of 3): median \
             {:.1} ms through paths, {:.1} ms with `--direct` ({:+.1} ms, {:.2}×).\n",
            c.via_nodes.median_ms,
            c.via_nodes_direct.median_ms,
            c.via_nodes.median_ms - c.via_nodes_direct.median_ms,
            ratio(c.via_nodes.median_ms, c.via_nodes_direct.median_ms)
        );
    }
}

fn section_machine(out: &mut String, results: &Results) {
    let m = &results.machine;
    let _ = writeln!(
        out,
        "## Machine\n\n\
         - {} cores: {}\n- {:.1} GiB of memory\n- {}\n- {}\n- {}\n\
         - load average (1, 5, 15 min) at the start: {}; at the end: {}\n",
        m.cores,
        m.cpu,
        m.memory_bytes as f64 / (1u64 << 30) as f64,
        m.os,
        m.rustc,
        m.anvil,
        results.load_before,
        results.load_after
    );
    if let Some(others) = results.others_cpu_percent {
        let _ = writeln!(
            out,
            "Other processes (not this benchmark and its children) used {others:.0}% of the \
             machine's CPU during the run{}\n",
            if others > 10.0 {
                ": **the machine was not idle, so the absolute figures are lower than on a quiet \
                 machine** (the ratios suffer less)."
            } else {
                "."
            }
        );
    }
    if !results.busy_before.is_empty() {
        let _ = writeln!(
            out,
            "Other processes busy at the start (CPU %, command): {}.\n",
            results.busy_before.join("; ")
        );
    }
}

fn section_reproduce(out: &mut String, results: &Results) {
    let _ = writeln!(
        out,
        "## How to reproduce\n\n\
         ```sh\n\
         ./just bench          # release build, then every benchmark and this file (about {:.0} minutes here, plus the build)\n\
         ./just bench quick    # small sizes for development; writes target/bench/benchmarks-quick.md\n\
         ./just bench onion    # only sesh name lookup and the onion paths against direct requests; writes target/bench/benchmarks-onion.md\n\
         ```\n\n\
         `just bench` builds `sesh-bench`, `sesh-load`, `sesh-bare-server`, `registry-node` and \
         `sesh` in release mode, compiles `contracts/bench/BenchRegistrar.sol` into \
         `contracts/out-bench/`, and runs `target/release/sesh-bench run`, which starts everything \
         it needs on 127.0.0.1 (anvil from `contracts/node_modules`, registry nodes, the bare \
         server), prints the tables and writes this file; the raw figures go to \
         `target/bench/results.json`, logs and data folders to `target/bench/run-*/`. Run it on an \
         otherwise idle machine: the load generator, the server under test and anvil share the \
         cores. Benchmarks are not tests and do not run in CI.\n",
        (results.total_seconds / 60.0).ceil()
    );
}

fn section_method(out: &mut String) {
    let _ = writeln!(
        out,
        "## Method and caveats\n\n\
         - **One run, same machine.** Every ratio compares figures measured minutes apart in the \
         same run, with the same load generator and the same concurrency; absolute figures move \
         with the machine, the ratios much less.\n\
         - **Load generator.** `sesh-load` is a separate process with a hand-written HTTP/1.1 \
         client (keep-alive, one request in flight per connection, requests prepared in advance). \
         Latency is measured per request from the first byte written to the last byte read; \
         percentiles are exact (every sample sorted). Requests that fail count as errors, and a \
         run with any error fails the benchmark.\n\
         - **Same CPUs.** On a 2-core machine the load generator takes CPU from the server it \
         measures; this lowers every server's figure alike, the bare server's included.\n\
         - **Warm node.** Before measuring, every name is looked up once (batch route), as on a \
         node that has been serving for a while: each answer is then signed and kept rendered in \
         the node's answer cache (`answer_cache_mib`, 256 MiB by default, room for about \
         240,000 names), and a lookup is a map read and a copy. A commit that changes a name \
         drops its cached answer; the node signs again only when a record changes.\n\
         - **The ceiling.** The bare server is axum with one handler returning a constant body of \
         the node's answer size, on the same HTTP stack and allocator, so the two differ only in \
         the work the node does per request. Half of each request's CPU is the kernel's \
         TCP work, the same for both. A target set against `eth_call` can only be met where the \
         bare server itself clears it: the bare server's own multiple of `eth_call` is in the \
         targets table.\n\
         - **The eth_call baseline** is the cheapest chain read that resolves a name \
         (`NameRegistry.resolve(label)`: Session ID key and EVM address); the node's answer \
         carries more (owner, expiry, primary flag, state) and is signed. Anvil keeps its state in \
         memory; a production RPC provider adds a network round trip.\n\
         - **Filling the chain in batches.** 100,000 registrations one transaction at a time \
         would take too long, so the lookup chain gets them through a helper contract, many per \
         transaction. A node then fetches one receipt per batch instead of one per registration, \
         which flatters indexing; the second indexing row (one registration per transaction, \
         64 transactions a block, as on a real chain) is the realistic rate. Blocks are mined \
         on demand while filling (anvil slows down as one-transaction blocks pile up).\n\
         - **Gas** is measured on receipts, not by forge's function-level snapshots \
         (`contracts/snapshots/`, `just gas-snapshots`), so the figures compare with what a \
         wallet pays and with ENS's and Seaport's whole-transaction figures.\n"
    );
}

fn section_failures(out: &mut String, results: &Results) {
    let failed: Vec<_> = results
        .phases
        .iter()
        .filter(|p| p.error.is_some())
        .collect();
    let _ = writeln!(
        out,
        "## Phases\n\n| phase | seconds | outcome |\n| --- | ---: | --- |"
    );
    for p in &results.phases {
        let outcome = p.error.as_deref().map_or("ok".to_string(), |e| {
            format!("failed: {}", e.replace('\n', " "))
        });
        let _ = writeln!(out, "| {} | {:.1} | {outcome} |", p.name, p.seconds);
    }
    let _ = writeln!(
        out,
        "\nTotal: {:.1} minutes.{}\n",
        results.total_seconds / 60.0,
        if failed.is_empty() {
            ""
        } else {
            " Some phases failed; their figures are missing above."
        }
    );
}

/// `docs/benchmarks.md`.
pub fn markdown(results: &Results) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Benchmarks\n\n\
         Measured by `just bench` on {} at commit {}{}. Every figure below comes from that one \
         run; the ratios compare figures measured in it.\n",
        results.date,
        results.commit,
        if results.sizes.quick {
            " with **quick (development) sizes**: not the figures to quote"
        } else {
            ""
        }
    );
    section_targets(&mut out, results);
    section_lookups(&mut out, results);
    section_indexing(&mut out, results);
    section_gas(&mut out, results);
    section_messages(&mut out, results);
    section_cli(&mut out, results);
    section_onion(&mut out, results);
    section_machine(&mut out, results);
    section_reproduce(&mut out, results);
    section_method(&mut out);
    section_failures(&mut out, results);
    out
}

/// The tables for the terminal: the markdown tables are readable as they are.
pub fn console(results: &Results) -> String {
    let text = markdown(results);
    let mut out = String::new();
    let mut keep = false;
    for line in text.lines() {
        if line.starts_with("## How to reproduce") || line.starts_with("## Method") {
            keep = false;
        } else if line.starts_with("## ") {
            keep = true;
        }
        if keep
            && (line.starts_with('|')
                || line.starts_with("## ")
                || line.starts_with("- ")
                || line.is_empty())
        {
            let _ = writeln!(out, "{line}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(93_673), "93,673");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn an_empty_run_reports_nothing_measured() {
        let results = Results::default();
        let targets = targets(&results);
        assert!(targets.iter().all(|t| t.met.is_none()));
        let text = markdown(&results);
        assert!(text.contains("## Targets"));
        assert!(text.contains("not measured"));
    }

    #[test]
    fn onion_targets_are_judged_on_the_medians() {
        use crate::phases::cli::{CliTimes, Timing};
        use crate::phases::onion::{OnionTimes, Ways};
        let at = |p50_us: f64| Latency {
            samples: 10,
            p50_us,
            ..Latency::default()
        };
        let run = |three_hops_us: f64, wallet_ms: f64| Results {
            onion: Some(OnionTimes {
                enc: "xchacha20".into(),
                lookup: Ways {
                    direct: at(150.0),
                    three_hops: at(three_hops_us),
                    ..Ways::default()
                },
                retrieve: Ways::default(),
            }),
            cli: Some(CliTimes {
                via_nodes: Timing {
                    runs: 5,
                    median_ms: wallet_ms,
                    ..Timing::default()
                },
                ..CliTimes::default()
            }),
            ..Results::default()
        };
        let verdicts = |results: &Results| -> Vec<Option<bool>> {
            targets(results)
                .into_iter()
                .filter(|t| t.what.contains("3 hops") || t.what.contains("3-hop"))
                .map(|t| t.met)
                .collect()
        };
        assert_eq!(verdicts(&run(1_100.0, 20.8)), [Some(true), Some(true)]);
        // 5.05 ms added and a 50 ms median: both missed (the targets are strict).
        assert_eq!(verdicts(&run(5_200.0, 50.0)), [Some(false), Some(false)]);
        let text = markdown(&run(1_100.0, 20.8));
        assert!(text.contains("## Onion paths"));
        assert!(text.contains("| 0.95 ms | **met** |"), "{text}");
    }
}
