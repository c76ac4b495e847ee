//! Values in words, the one way the wallet and the contract-error messages write them: dates,
//! durations, percentages. Exact: no floats, nothing rounded that a user would act on.

use crate::protocol::{DAY, YEAR};

/// A Unix time as a date: `2026-12-12 09:30:00 UTC`.
pub fn date(unix_secs: u64) -> String {
    crate::keystore::rfc3339(unix_secs)
        .replace('T', " ")
        .replace('Z', " UTC")
}

/// "1 day", "2 days".
pub fn plural(count: u64, unit: &str) -> String {
    if count == 1 {
        format!("1 {unit}")
    } else {
        format!("{count} {unit}s")
    }
}

/// A duration, exactly: "1 year", "2 years", "30 days", "90 seconds", "1 day, 2 hours and
/// 5 seconds". Whole years only when it is whole years (of 365 days), whole days likewise.
pub fn duration(seconds: u64) -> String {
    if seconds >= YEAR && seconds.is_multiple_of(YEAR) {
        return plural(seconds / YEAR, "year");
    }
    if seconds >= DAY && seconds.is_multiple_of(DAY) {
        return plural(seconds / DAY, "day");
    }
    let parts: Vec<String> = [
        (seconds / DAY, "day"),
        (seconds % DAY / 3_600, "hour"),
        (seconds % 3_600 / 60, "minute"),
        (seconds % 60, "second"),
    ]
    .into_iter()
    .filter(|(count, _)| *count > 0)
    .map(|(count, unit)| plural(count, unit))
    .collect();
    match parts.as_slice() {
        [] => "0 seconds".into(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Basis points as a percentage: 250 -> "2.5%".
pub fn percent(bps: u64) -> String {
    let whole = bps / 100;
    let fraction = bps % 100;
    if fraction == 0 {
        format!("{whole}%")
    } else {
        format!(
            "{whole}.{}%",
            format!("{fraction:02}").trim_end_matches('0')
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_durations_and_percentages_read_naturally_and_exactly() {
        assert_eq!(date(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(date(1_785_585_600), "2026-08-01 12:00:00 UTC");
        assert_eq!(duration(2 * YEAR), "2 years");
        assert_eq!(duration(YEAR), "1 year");
        assert_eq!(duration(30 * DAY), "30 days");
        assert_eq!(duration(DAY), "1 day");
        assert_eq!(duration(90), "1 minute and 30 seconds");
        assert_eq!(
            duration(DAY + 2 * 3_600 + 5),
            "1 day, 2 hours and 5 seconds"
        );
        assert_eq!(duration(0), "0 seconds");
        assert_eq!(percent(250), "2.5%");
        assert_eq!(percent(1_000), "10%");
        assert_eq!(percent(5), "0.05%");
        assert_eq!(percent(0), "0%");
    }
}
