//! Prometheus metrics, written in the text exposition format by hand (a few
//! counters, gauges and one histogram need no metrics library).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds of the request latency histogram, in seconds.
const BUCKETS: [f64; 10] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.0,
];

#[derive(Debug, Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// The node's metrics.
#[derive(Debug, Default)]
pub struct Metrics {
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
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
}

impl Metrics {
    /// Counts one HTTP request.
    pub fn observe_request(&self, route: &str, status: u16, elapsed: Duration) {
        *self
            .requests
            .lock()
            .expect("metrics lock")
            .entry((route.to_string(), status))
            .or_default() += 1;
        let seconds = elapsed.as_secs_f64();
        let mut latency = self.latency.lock().expect("metrics lock");
        let histogram = latency.entry(route.to_string()).or_default();
        for (bucket, bound) in histogram.counts.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
        histogram.count += 1;
        histogram.sum += seconds;
    }

    /// The exposition text; `gauges` are (name, help, value) read at scrape time.
    pub fn render(&self, gauges: &[(&str, &str, u64)]) -> String {
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
        for ((route, status), count) in self.requests.lock().expect("metrics lock").iter() {
            let _ = writeln!(
                out,
                "registry_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {count}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP registry_http_request_duration_seconds HTTP request latency by route.\n# TYPE registry_http_request_duration_seconds histogram"
        );
        for (route, histogram) in self.latency.lock().expect("metrics lock").iter() {
            let name = "registry_http_request_duration_seconds";
            for (count, bound) in histogram.counts.iter().zip(BUCKETS) {
                let _ = writeln!(
                    out,
                    "{name}_bucket{{route=\"{route}\",le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "{name}_bucket{{route=\"{route}\",le=\"+Inf\"}} {}\n{name}_sum{{route=\"{route}\"}} {}\n{name}_count{{route=\"{route}\"}} {}",
                histogram.count, histogram.sum, histogram.count
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
            "registry_http_request_duration_seconds_count{route=\"/v1/names/{name}\"} 2"
        ));
    }
}
