//! Latency percentiles from every sample (sorted, nearest rank: exact, no histogram error).

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Percentiles of a set of latencies, in microseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    /// How many samples.
    pub samples: u64,
    /// Median.
    pub p50_us: f64,
    /// 90th percentile.
    pub p90_us: f64,
    /// 99th percentile.
    pub p99_us: f64,
    /// 99.9th percentile.
    pub p999_us: f64,
    /// Largest.
    pub max_us: f64,
    /// Mean.
    pub mean_us: f64,
}

/// The nearest-rank percentile of sorted `values`, `per_mille` in tenths of a percent
/// (990 = p99), in integer arithmetic.
fn nearest_rank(sorted: &[u64], per_mille: usize) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (per_mille * sorted.len()).div_ceil(1_000);
    sorted[rank.clamp(1, sorted.len()) - 1]
}

impl Latency {
    /// Summarises `nanos` (sorted in place).
    pub fn from_nanos(nanos: &mut [u64]) -> Self {
        nanos.sort_unstable();
        let us = |n: u64| n as f64 / 1_000.0;
        let sum: u128 = nanos.iter().map(|n| u128::from(*n)).sum();
        Self {
            samples: nanos.len() as u64,
            p50_us: us(nearest_rank(nanos, 500)),
            p90_us: us(nearest_rank(nanos, 900)),
            p99_us: us(nearest_rank(nanos, 990)),
            p999_us: us(nearest_rank(nanos, 999)),
            max_us: us(nanos.last().copied().unwrap_or(0)),
            mean_us: if nanos.is_empty() {
                0.0
            } else {
                sum as f64 / nanos.len() as f64 / 1_000.0
            },
        }
    }

    /// Summarises durations.
    pub fn from_durations(durations: &[Duration]) -> Self {
        let mut nanos: Vec<u64> = durations
            .iter()
            .map(|d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
            .collect();
        Self::from_nanos(&mut nanos)
    }
}

/// The median of `values` (the lower middle for an even count); 0 when empty.
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted
        .get(sorted.len().saturating_sub(1) / 2)
        .copied()
        .unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let mut nanos: Vec<u64> = (1..=1_000).rev().map(|n| n * 1_000).collect();
        let latency = Latency::from_nanos(&mut nanos);
        assert_eq!(latency.samples, 1_000);
        assert_eq!(latency.p50_us, 500.0);
        assert_eq!(latency.p99_us, 990.0);
        assert_eq!(latency.p999_us, 999.0);
        assert_eq!(latency.max_us, 1_000.0);
        assert_eq!(latency.mean_us, 500.5);
        assert_eq!(Latency::from_nanos(&mut []).p99_us, 0.0);
    }

    #[test]
    fn median_of_few() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.0);
        assert_eq!(median(&[]), 0.0);
    }
}
