//! Adaptive `eth_getLogs` block ranges: shrink when the provider refuses or
//! fails, grow while answers come back quickly and small.

use std::time::Duration;

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

    /// An answer came back after `elapsed` with `logs` logs: grow when it was quick and small,
    /// shrink when it was slow.
    pub(crate) fn succeeded(&mut self, elapsed: Duration, logs: usize) {
        if elapsed < self.fast && logs < 5_000 {
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
        range.succeeded(Duration::from_millis(10), 3);
        assert_eq!(range.size(), 20);
        range.succeeded(Duration::from_millis(10), 3);
        range.succeeded(Duration::from_millis(10), 3);
        assert_eq!(range.size(), 50);
        range.succeeded(Duration::from_millis(700), 3);
        assert_eq!(range.size(), 50, "neither fast nor very slow: unchanged");
        range.succeeded(Duration::from_secs(3), 3);
        assert_eq!(range.size(), 25);
        range.succeeded(Duration::from_millis(10), 10_000);
        assert_eq!(range.size(), 25, "many logs: do not grow");
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
