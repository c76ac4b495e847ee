//! Adaptive `eth_getLogs` block ranges: shrink when the provider refuses or
//! fails, or when a range brings more than [`TARGET_LOGS`] logs; grow while answers come
//! back quickly and small.
//!
//! A range is one batch: its logs, their decoded events and the index transaction that
//! applies them are in memory together, so the logs a range brings bound the node's
//! memory while it catches up. Ranges start at [`INITIAL`] blocks, not at the most
//! allowed, so that the first batch of a dense stretch of chain is small as well.

use std::time::Duration;

/// The first range, in blocks: small, since nothing is known yet of how dense the chain
/// is; doubling reaches 10,000 blocks in ten quick answers.
pub(crate) const INITIAL: u64 = 16;

/// The most logs a range should bring (about 10,000 registrations): past it the next
/// range shrinks in proportion, and below half of it a quick answer doubles the range.
pub(crate) const TARGET_LOGS: usize = 20_000;

/// The size of the next `eth_getLogs` range.
#[derive(Debug, Clone)]
pub(crate) struct AdaptiveRange {
    size: u64,
    min: u64,
    max: u64,
    fast: Duration,
}

impl AdaptiveRange {
    /// Starts at `initial` blocks, never below 1 nor above `max`; an answer quicker than `fast`
    /// doubles the range.
    pub(crate) fn new(initial: u64, max: u64, fast: Duration) -> Self {
        let max = max.max(1);
        Self {
            size: initial.clamp(1, max),
            min: 1,
            max,
            fast,
        }
    }

    /// How many blocks to ask for next.
    pub(crate) fn size(&self) -> u64 {
        self.size
    }

    /// The inclusive range to ask for after `cursor`, up to `target`; `None` when caught up.
    pub(crate) fn next(&self, cursor: u64, target: u64) -> Option<(u64, u64)> {
        let from = cursor.checked_add(1)?;
        (from <= target).then(|| (from, target.min(from.saturating_add(self.size - 1))))
    }

    /// The provider refused or failed: halve the range.
    pub(crate) fn failed(&mut self) {
        self.size = (self.size / 2).max(self.min);
    }

    /// An answer for a range of `blocks` came back after `elapsed` with `logs` logs: shrink
    /// in proportion to that range when it brought more than [`TARGET_LOGS`] (a range cut
    /// short at the head may be far smaller than the size), grow when it was quick and
    /// small, halve when it was slow.
    pub(crate) fn succeeded(&mut self, blocks: u64, elapsed: Duration, logs: usize) {
        if logs > TARGET_LOGS {
            let scaled = u128::from(blocks.min(self.size)) * TARGET_LOGS as u128 / logs as u128;
            self.size = u64::try_from(scaled).unwrap_or(self.max).max(self.min);
        } else if elapsed < self.fast && logs <= TARGET_LOGS / 2 {
            self.size = self.size.saturating_mul(2).min(self.max);
        } else if elapsed > self.fast * 4 {
            self.size = (self.size / 2).max(self.min);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAST: Duration = Duration::from_millis(500);

    #[test]
    fn shrinks_on_failure_down_to_one_block() {
        let mut range = AdaptiveRange::new(8, 100, FAST);
        for expected in [4, 2, 1, 1] {
            range.failed();
            assert_eq!(range.size(), expected);
        }
    }

    #[test]
    fn grows_when_fast_up_to_the_cap_and_shrinks_when_slow() {
        let mut range = AdaptiveRange::new(10, 50, FAST);
        range.succeeded(range.size(), Duration::from_millis(10), 3);
        assert_eq!(range.size(), 20);
        range.succeeded(range.size(), Duration::from_millis(10), 3);
        range.succeeded(range.size(), Duration::from_millis(10), 3);
        assert_eq!(range.size(), 50);
        range.succeeded(range.size(), Duration::from_millis(700), 3);
        assert_eq!(range.size(), 50, "neither fast nor very slow: unchanged");
        range.succeeded(range.size(), Duration::from_secs(3), 3);
        assert_eq!(range.size(), 25);
        range.succeeded(range.size(), Duration::from_millis(10), TARGET_LOGS);
        assert_eq!(range.size(), 25, "many logs: do not grow");
    }

    #[test]
    fn a_range_that_brought_too_many_logs_shrinks_in_proportion() {
        let mut range = AdaptiveRange::new(100, 10_000, FAST);
        // Four times the target: a quarter of the blocks next time, however quick.
        range.succeeded(range.size(), Duration::from_millis(10), TARGET_LOGS * 4);
        assert_eq!(range.size(), 25);
        // A range cut short at the head: the next is scaled from the blocks it held.
        let mut range = AdaptiveRange::new(10_000, 10_000, FAST);
        range.succeeded(2, Duration::from_millis(10), TARGET_LOGS * 2);
        assert_eq!(range.size(), 1);
        // One block can bring any number of logs: the range stays at one block.
        let mut range = AdaptiveRange::new(3, 10_000, FAST);
        range.succeeded(range.size(), Duration::from_millis(10), TARGET_LOGS * 1_000);
        assert_eq!(range.size(), 1);
        // Between half the target and the target: kept.
        let mut range = AdaptiveRange::new(40, 10_000, FAST);
        range.succeeded(range.size(), Duration::from_millis(10), TARGET_LOGS / 2 + 1);
        assert_eq!(range.size(), 40);
    }

    #[test]
    fn ranges_start_small_and_reach_the_most_allowed_in_a_few_quick_empty_answers() {
        let mut range = AdaptiveRange::new(INITIAL, 10_000, FAST);
        let mut answers = 0;
        while range.size() < 10_000 {
            range.succeeded(range.size(), Duration::from_millis(10), 0);
            answers += 1;
        }
        assert!(answers <= 10, "{answers}");
    }

    #[test]
    fn next_range_stops_at_the_target() {
        let range = AdaptiveRange::new(10, 100, FAST);
        assert_eq!(range.next(0, 100), Some((1, 10)));
        assert_eq!(range.next(95, 100), Some((96, 100)));
        assert_eq!(range.next(100, 100), None);
        assert_eq!(range.next(120, 100), None);
        assert_eq!(range.next(u64::MAX, u64::MAX), None);
    }
}
