//! Prometheus metrics, written in the text exposition format by hand (a few
//! counters, gauges and one histogram need no metrics library).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds of the request latency histogram, in seconds.
const BUCKETS: [f64; 10] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.0,
];

/// Requests of one route: counts by status and a latency histogram, updated without locks
/// once the route and status have been seen. Requests run on every core at once, so each one
/// touches as few shared counters as it can: its status's, one bucket (the exposition's
/// cumulative counts are summed when rendered) and the sum.
#[derive(Debug, Default)]
struct RouteStats {
    ok: AtomicU64,
    statuses: RwLock<BTreeMap<u16, AtomicU64>>,
    /// Requests per bucket, not cumulative; the last counts those above every bound.
    buckets: [AtomicU64; BUCKETS.len() + 1],
    sum_nanos: AtomicU64,
}

impl RouteStats {
    fn observe(&self, status: u16, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let bucket = BUCKETS
            .iter()
            .position(|bound| seconds <= *bound)
            .unwrap_or(BUCKETS.len());
        self.buckets[bucket].fetch_add(1, Ordering::Relaxed);
        self.sum_nanos.fetch_add(
            u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
        if status == 200 {
            self.ok.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let counted = self
            .statuses
            .read()
            .expect("metrics lock")
            .get(&status)
            .map(|count| count.fetch_add(1, Ordering::Relaxed))
            .is_some();
        if !counted {
            *self
                .statuses
                .write()
                .expect("metrics lock")
                .entry(status)
                .or_default()
                .get_mut() += 1;
        }
    }

    /// Requests by status, in status order.
    fn by_status(&self) -> BTreeMap<u16, u64> {
        let mut out: BTreeMap<u16, u64> = self
            .statuses
            .read()
            .expect("metrics lock")
            .iter()
            .map(|(status, count)| (*status, count.load(Ordering::Relaxed)))
            .collect();
        let ok = self.ok.load(Ordering::Relaxed);
        if ok > 0 {
            out.insert(200, ok);
        }
        out
    }
}

/// The node's metrics.
#[derive(Debug, Default)]
pub(crate) struct Metrics {
    /// Logs applied to the index.
    pub events_indexed: AtomicU64,
    /// Paid events flagged.
    pub events_flagged: AtomicU64,
    /// Batches committed.
    pub batches: AtomicU64,
    /// Reorgs rewound.
    pub reorgs: AtomicU64,
    /// RPC calls that failed.
    pub rpc_errors: AtomicU64,
    /// Messages handed over to new swarm members (accepted by them, held already or not).
    pub handover_messages_sent: AtomicU64,
    /// Accounts whose live messages a new swarm member has all been handed.
    pub handover_accounts_sent: AtomicU64,
    /// Handover requests that failed (the peer is tried again later).
    pub handover_failures: AtomicU64,
    /// Messages other members handed over that this node did not hold yet.
    pub handover_messages_received: AtomicU64,
    /// Writes handed on to another swarm member that it did not carry out.
    pub forward_failures: AtomicU64,
    /// Deletes and expires a member missed and carried out when sent again.
    pub writes_redelivered: AtomicU64,
    routes: RwLock<BTreeMap<String, RouteStats>>,
}

impl Metrics {
    /// Counts one HTTP request.
    pub(crate) fn observe_request(&self, route: &str, status: u16, elapsed: Duration) {
        if let Some(stats) = self.routes.read().expect("metrics lock").get(route) {
            stats.observe(status, elapsed);
            return;
        }
        self.routes
            .write()
            .expect("metrics lock")
            .entry(route.to_string())
            .or_default()
            .observe(status, elapsed);
    }

    /// The exposition text; `gauges` are (name, help, value) read at scrape time.
    pub(crate) fn render(&self, gauges: &[(&str, &str, u64)]) -> String {
        let mut out = String::new();
        for (name, help, value) in gauges {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
            );
        }
        for (name, help, counter) in [
            (
                "registry_events_indexed_total",
                "Contract events applied to the index.",
                &self.events_indexed,
            ),
            (
                "registry_events_flagged_total",
                "Paid events whose payment did not reach the rewards pool.",
                &self.events_flagged,
            ),
            (
                "registry_batches_total",
                "Index batches committed.",
                &self.batches,
            ),
            (
                "registry_reorgs_total",
                "Chain reorganisations rewound.",
                &self.reorgs,
            ),
            (
                "registry_rpc_errors_total",
                "RPC calls that failed.",
                &self.rpc_errors,
            ),
            (
                "registry_handover_messages_sent_total",
                "Messages handed over to nodes that joined an account's swarm.",
                &self.handover_messages_sent,
            ),
            (
                "registry_handover_accounts_sent_total",
                "Accounts whose live messages were all handed to a new swarm member.",
                &self.handover_accounts_sent,
            ),
            (
                "registry_handover_failures_total",
                "Handover requests that failed; the peer is tried again after a back-off.",
                &self.handover_failures,
            ),
            (
                "registry_handover_messages_received_total",
                "Messages other swarm members handed over that this node did not hold yet.",
                &self.handover_messages_received,
            ),
            (
                "registry_forward_failures_total",
                "Writes handed on to another swarm member that it did not carry out.",
                &self.forward_failures,
            ),
            (
                "registry_writes_redelivered_total",
                "Deletes and expires a swarm member missed and carried out when they were sent again.",
                &self.writes_redelivered,
            ),
        ] {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                counter.load(Ordering::Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "# HELP registry_http_requests_total HTTP requests by route and status.\n# TYPE registry_http_requests_total counter"
        );
        let routes = self.routes.read().expect("metrics lock");
        for (route, stats) in routes.iter() {
            for (status, count) in stats.by_status() {
                let _ = writeln!(
                    out,
                    "registry_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {count}"
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP registry_http_request_duration_seconds HTTP request latency by route.\n# TYPE registry_http_request_duration_seconds histogram"
        );
        for (route, stats) in routes.iter() {
            let name = "registry_http_request_duration_seconds";
            let mut count = 0;
            for (bucket, bound) in stats.buckets.iter().zip(BUCKETS) {
                count += bucket.load(Ordering::Relaxed);
                let _ = writeln!(
                    out,
                    "{name}_bucket{{route=\"{route}\",le=\"{bound}\"}} {count}"
                );
            }
            count += stats.buckets[BUCKETS.len()].load(Ordering::Relaxed);
            let sum = stats.sum_nanos.load(Ordering::Relaxed) as f64 / 1e9;
            let _ = writeln!(
                out,
                "{name}_bucket{{route=\"{route}\",le=\"+Inf\"}} {count}\n{name}_sum{{route=\"{route}\"}} {sum}\n{name}_count{{route=\"{route}\"}} {count}",
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_gauges_and_a_cumulative_histogram() {
        let metrics = Metrics::default();
        metrics.events_indexed.fetch_add(3, Ordering::Relaxed);
        metrics.observe_request("/v1/names/{name}", 200, Duration::from_micros(700));
        metrics.observe_request("/v1/names/{name}", 404, Duration::from_millis(30));
        metrics.observe_request("/v1/names/{name}", 200, Duration::from_secs(2));
        let text = metrics.render(&[("registry_head_lag_blocks", "Lag.", 2)]);
        assert!(text.contains("registry_head_lag_blocks 2"));
        assert!(text.contains("registry_events_indexed_total 3"));
        assert!(
            text.contains(
                "registry_http_requests_total{route=\"/v1/names/{name}\",status=\"404\"} 1"
            )
        );
        assert!(text.contains("registry_http_request_duration_seconds_bucket{route=\"/v1/names/{name}\",le=\"0.001\"} 1"));
        assert!(text.contains("registry_http_request_duration_seconds_bucket{route=\"/v1/names/{name}\",le=\"0.05\"} 2"));
        assert!(text.contains(
            "registry_http_request_duration_seconds_bucket{route=\"/v1/names/{name}\",le=\"1\"} 2"
        ));
        assert!(text.contains("registry_http_request_duration_seconds_bucket{route=\"/v1/names/{name}\",le=\"+Inf\"} 3"));
        assert!(text.contains(
            "registry_http_request_duration_seconds_count{route=\"/v1/names/{name}\"} 3"
        ));
        assert!(
            text.contains(
                "registry_http_requests_total{route=\"/v1/names/{name}\",status=\"200\"} 2"
            )
        );
        assert!(text.contains(
            "registry_http_request_duration_seconds_sum{route=\"/v1/names/{name}\"} 2.0307"
        ));
    }
}
