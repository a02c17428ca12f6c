//! Normalising publication and modification times.

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
pub fn normalize_time(value: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::normalize_time;

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
            assert_eq!(normalize_time(input), expected, "input {input:?}");
        }
    }

    #[test]
    fn keeps_unparseable_values_trimmed() {
        assert_eq!(normalize_time("  last Tuesday "), "last Tuesday");
        assert_eq!(normalize_time("2024-02-30"), "2024-02-30");
        assert_eq!(normalize_time(""), "");
        assert_eq!(normalize_time("February 2024"), "February 2024");
    }
}
