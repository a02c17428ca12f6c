//! Times: the clock for local facts, and the one place dates and times given by people or
//! files are read.
//!
//! - [`now_rfc3339`]: now, for local facts only (never inside an object, but for the `at` of
//!   a person's judgement, which is when it was made). `CLAIMS_NOW`
//!   (RFC 3339) fixes the clock, so tests and reproducible runs are hermetic.
//! - [`normalize`]: a publication or modification time as an article gives it, kept as
//!   RFC 3339 (or a bare date), never failing.
//! - [`utc_bound`]: a date or time a person types as a bound (`--since`, `--as-of`), as UTC
//!   text that compares correctly with the times `claims` writes.

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat};

/// Offset date-time layouts tried after RFC 3339 (ISO 8601 variants seen in `<meta>` tags).
const OFFSET_LAYOUTS: [&str; 4] = [
    "%Y-%m-%dT%H:%M:%S%.f%z",
    "%Y-%m-%d %H:%M:%S%.f%z",
    "%Y-%m-%dT%H:%M%z",
    "%Y-%m-%d %H:%M%z",
];

/// Date-time layouts without an offset; these are taken as UTC.
const NAIVE_LAYOUTS: [&str; 4] = [
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
];

/// Normalises a time to RFC 3339, or a bare date to `YYYY-MM-DD`.
///
/// Accepted: RFC 3339 (the offset is kept; `+00:00` is written `Z`), ISO 8601 with a `+hhmm`
/// offset or without seconds, `YYYY-MM-DD HH:MM[:SS]` without an offset (taken as UTC),
/// `YYYY-MM-DD`, and RFC 2822 (`Mon, 19 Feb 2024 10:00:00 +0000`). Anything else is
/// returned trimmed, unchanged: an odd date never fails a file.
pub fn normalize(value: &str) -> String {
    let value = value.trim();
    let rfc3339 = |t: DateTime<chrono::FixedOffset>| t.to_rfc3339_opts(SecondsFormat::AutoSi, true);
    if let Ok(t) = DateTime::parse_from_rfc3339(value) {
        return rfc3339(t);
    }
    for layout in OFFSET_LAYOUTS {
        if let Ok(t) = DateTime::parse_from_str(value, layout) {
            return rfc3339(t);
        }
    }
    for layout in NAIVE_LAYOUTS {
        if let Ok(t) = NaiveDateTime::parse_from_str(value, layout) {
            return t.and_utc().to_rfc3339_opts(SecondsFormat::AutoSi, true);
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        return d.format("%Y-%m-%d").to_string();
    }
    if let Ok(t) = DateTime::parse_from_rfc2822(value) {
        return rfc3339(t);
    }
    value.to_string()
}

/// Now, as RFC 3339 UTC with second precision, or `CLAIMS_NOW` when set.
pub fn now_rfc3339() -> String {
    if let Ok(fixed) = std::env::var("CLAIMS_NOW") {
        if !fixed.trim().is_empty() {
            return fixed.trim().to_string();
        }
    }
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Now, as RFC 3339 UTC with millisecond precision, or `CLAIMS_NOW` when set: when a person
/// recorded a judgement.
pub fn now_precise() -> String {
    if let Ok(fixed) = std::env::var("CLAIMS_NOW") {
        if !fixed.trim().is_empty() {
            return fixed.trim().to_string();
        }
    }
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

/// Which end of a day a bare date stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayEdge {
    /// `YYYY-MM-DD` is the first second of that day (UTC): "since".
    Start,
    /// `YYYY-MM-DD` is the last second of that day (UTC): "as of".
    End,
}

/// Reads a bound typed by a person: `YYYY-MM-DD` (one edge of that day, UTC) or an RFC 3339 time
/// (converted to UTC, second precision). The result compares as text with the times `claims`
/// writes. `None` for anything else.
pub fn utc_bound(value: &str, edge: DayEdge) -> Option<String> {
    let v = value.trim();
    if let Ok(d) = NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        let time = match edge {
            DayEdge::Start => "00:00:00",
            DayEdge::End => "23:59:59",
        };
        return Some(format!("{}T{time}Z", d.format("%Y-%m-%d")));
    }
    DateTime::parse_from_rfc3339(v).ok().map(|t| {
        t.with_timezone(&chrono::Utc)
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_known_layouts() {
        let cases = [
            ("2024-02-19T10:00:00Z", "2024-02-19T10:00:00Z"),
            ("2024-02-19T10:00:00+00:00", "2024-02-19T10:00:00Z"),
            ("2024-02-19T12:30:00+02:00", "2024-02-19T12:30:00+02:00"),
            (
                "2024-02-19T12:30:00.250-05:00",
                "2024-02-19T12:30:00.250-05:00",
            ),
            ("2024-02-19T12:30:00+0200", "2024-02-19T12:30:00+02:00"),
            ("2024-02-19T12:30+02:00", "2024-02-19T12:30:00+02:00"),
            ("2024-02-19 10:00", "2024-02-19T10:00:00Z"),
            ("2024-02-19 10:00:05", "2024-02-19T10:00:05Z"),
            ("2024-02-19T10:00:05", "2024-02-19T10:00:05Z"),
            ("  2024-02-19 ", "2024-02-19"),
            ("Mon, 19 Feb 2024 10:00:00 +0000", "2024-02-19T10:00:00Z"),
            (
                "Mon, 19 Feb 2024 10:00:00 +0100",
                "2024-02-19T10:00:00+01:00",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize(input), expected, "input {input:?}");
        }
    }

    #[test]
    fn keeps_unparseable_values_trimmed() {
        assert_eq!(normalize("  last Tuesday "), "last Tuesday");
        assert_eq!(normalize("2024-02-30"), "2024-02-30");
        assert_eq!(normalize(""), "");
        assert_eq!(normalize("February 2024"), "February 2024");
    }

    #[test]
    fn bounds_read_dates_as_one_edge_of_the_day_and_times_as_utc() {
        assert_eq!(
            utc_bound("2026-03-02", DayEdge::End).as_deref(),
            Some("2026-03-02T23:59:59Z")
        );
        assert_eq!(
            utc_bound(" 2026-03-02 ", DayEdge::Start).as_deref(),
            Some("2026-03-02T00:00:00Z")
        );
        assert_eq!(
            utc_bound("2026-03-02T12:00:00+02:00", DayEdge::Start).as_deref(),
            Some("2026-03-02T10:00:00Z")
        );
        assert_eq!(utc_bound("last week", DayEdge::Start), None);
    }
}
