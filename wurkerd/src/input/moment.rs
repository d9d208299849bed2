//! Dates and times a client gives as bounds (`wurk report --start/--end`): every format the
//! original Wurker accepted, plus ISO 8601 with an offset or `Z`. A time without an offset is
//! UTC, as the original took it, and a date alone is its midnight.

use chrono::{DateTime, Datelike as _, FixedOffset, NaiveDate, NaiveDateTime, Utc};
use protocol::ErrorReply;

/// Date-and-time formats with an offset, tried in order.
const WITH_OFFSET: [&str; 4] = [
    "%Y-%m-%dT%H:%M:%S%.f%:z",
    "%Y-%m-%d %H:%M:%S%.f%:z",
    "%Y-%m-%dT%H:%M:%S%.f%z",
    "%Y-%m-%d %H:%M:%S%.f%z",
];

/// Date-and-time formats without an offset (taken as UTC), tried in order. `%.f` also matches
/// no fraction at all.
const NAIVE: [&str; 4] = [
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
];

/// Date-only formats (midnight UTC), tried in order; `%y` (two digits exactly) before `%Y`,
/// which would read `26` as the year 26.
const DATES: [&str; 3] = ["%Y-%m-%d", "%m/%d/%y", "%m/%d/%Y"];

/// chrono reads any number of digits as a year; a year before this is a typo, not a bound.
const FIRST_YEAR: i32 = 1000;

/// Reads the bound named `what` (`start`, `end`) as an instant.
///
/// # Errors
/// `Invalid`, naming the bound, the text and the accepted formats, when no format matches.
pub fn parse_moment(what: &str, text: &str) -> Result<DateTime<Utc>, ErrorReply> {
    parse(text.trim()).ok_or_else(|| {
        ErrorReply::invalid(format!(
            "{what} '{text}' is not a date or time; use YYYY-MM-DD, \
             YYYY-MM-DDTHH:MM:SS[.ffffff][+HH:MM|Z] (a space may replace the T; no offset \
             means UTC), MM/DD/YYYY or MM/DD/YY"
        ))
    })
}

fn parse(text: &str) -> Option<DateTime<Utc>> {
    // chrono's `%z` does not take `Z`; it means the same as +00:00.
    let zulu = text
        .strip_suffix(['Z', 'z'])
        .map(|rest| format!("{rest}+00:00"));
    let text = zulu.as_deref().unwrap_or(text);

    let with_offset = WITH_OFFSET
        .iter()
        .find_map(|format| DateTime::<FixedOffset>::parse_from_str(text, format).ok());
    if let Some(moment) = with_offset.filter(|moment| moment.year() >= FIRST_YEAR) {
        return Some(moment.with_timezone(&Utc));
    }
    let naive = NAIVE
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .or_else(|| {
            DATES
                .iter()
                .find_map(|format| NaiveDate::parse_from_str(text, format).ok())
                .and_then(|date| date.and_hms_opt(0, 0, 0))
        });
    naive
        .filter(|moment| moment.year() >= FIRST_YEAR)
        .map(|moment| moment.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> String {
        parse_moment("start", text)
            .map(|moment| moment.format("%Y-%m-%d %H:%M:%S%.6f").to_string())
            .unwrap_or_else(|err| panic!("{text}: {err}"))
    }

    #[test]
    fn original_formats_are_utc() {
        assert_eq!(utc("2026-12-03T18:43:25"), "2026-12-03 18:43:25.000000");
        assert_eq!(utc("2026-12-03 18:43:25"), "2026-12-03 18:43:25.000000");
        assert_eq!(
            utc("2026-12-03 18:43:26.583045"),
            "2026-12-03 18:43:26.583045"
        );
        assert_eq!(utc("2026-12-03"), "2026-12-03 00:00:00.000000");
        assert_eq!(utc("12/03/2026"), "2026-12-03 00:00:00.000000");
        assert_eq!(utc("12/03/26"), "2026-12-03 00:00:00.000000");
        assert_eq!(utc(" 2026-12-03 "), "2026-12-03 00:00:00.000000");
    }

    #[test]
    fn offsets_are_converted_to_utc() {
        assert_eq!(
            utc("2026-12-03T20:43:25+02:00"),
            "2026-12-03 18:43:25.000000"
        );
        assert_eq!(
            utc("2026-12-03T20:43:25+0200"),
            "2026-12-03 18:43:25.000000"
        );
        assert_eq!(
            utc("2026-12-03 13:43:25.5-05:00"),
            "2026-12-03 18:43:25.500000"
        );
        assert_eq!(utc("2026-12-03T18:43:25Z"), "2026-12-03 18:43:25.000000");
        assert_eq!(
            utc("2026-12-03T18:43:25.123456z"),
            "2026-12-03 18:43:25.123456"
        );
    }

    #[test]
    fn minutes_without_seconds_are_accepted() {
        assert_eq!(utc("2026-12-03T18:43"), "2026-12-03 18:43:00.000000");
    }

    #[test]
    fn other_text_is_refused_with_the_formats() {
        for bad in [
            "yesterday",
            "",
            "2026-13-01",
            "2026-12-03T25:00:00",
            "03.12.2026",
            "26-12-03",
        ] {
            let err = parse_moment("end", bad).expect_err(bad);
            assert!(
                err.message.starts_with(&format!("end '{bad}' is not")),
                "{err}"
            );
            assert!(err.message.contains("YYYY-MM-DD"), "{err}");
        }
    }
}
