//! How run times are kept in the config database as text, and how they are read back.
//!
//! Stored forms, all naive UTC: Wurker 0.1 wrote `created_at`/`updated_at` as
//! `YYYY-MM-DD HH:MM:SS` (SQLite's `CURRENT_TIMESTAMP`) and `hive_timestamp` as
//! `YYYY-MM-DD HH:MM:SS.ffffff`; this Wurker writes the latter everywhere ([`stored_text`]).
//! Both forms order correctly as text against a bound written by [`comparable_text`], so range
//! filters stay plain SQL comparisons that an index can serve.

use chrono::{DateTime, NaiveDateTime, Utc};

/// Naive formats a stored timestamp may have; `%.f` also matches no fraction.
const STORED: [&str; 2] = ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"];

/// The text an instant is stored as: `YYYY-MM-DD HH:MM:SS.ffffff`, UTC without an offset.
pub fn stored_text(moment: DateTime<Utc>) -> String {
    moment.format("%Y-%m-%d %H:%M:%S%.6f").to_string()
}

/// The text to compare stored timestamps with, in SQL, for an instant: `YYYY-MM-DD HH:MM:SS`
/// followed by the fraction of a second without trailing zeros (none when it is zero).
///
/// With trailing zeros gone, text order and time order agree for every stored form: a stored
/// value that is a prefix of the bound lacks only non-zero digits (it is earlier), and a stored
/// value that extends the bound adds digits or a `+00:00` (it is at or after it). Comparing
/// `2026-12-03 18:43:25` with `2026-12-03 18:43:25.000000` instead would call the stored
/// second earlier than itself, which is how Wurker 0.1 lost rows at the start bound.
pub fn comparable_text(moment: DateTime<Utc>) -> String {
    let full = moment.format("%Y-%m-%d %H:%M:%S%.6f").to_string();
    full.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A stored timestamp as ISO 8601 in UTC with its offset, as Python's `isoformat` writes it:
/// `2026-12-03T18:43:25+00:00`, with `.ffffff` when the microseconds are not zero. Text in no
/// known form comes back unchanged, so one odd row never hides the others.
pub fn iso_utc(stored: &str) -> String {
    match parse_stored(stored.trim()) {
        Some(moment) => {
            let format = if moment.timestamp_subsec_micros() == 0 {
                "%Y-%m-%dT%H:%M:%S+00:00"
            } else {
                "%Y-%m-%dT%H:%M:%S%.6f+00:00"
            };
            moment.format(format).to_string()
        }
        None => stored.to_string(),
    }
}

fn parse_stored(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(moment) = DateTime::parse_from_rfc3339(text) {
        return Some(moment.with_timezone(&Utc));
    }
    STORED
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .map(|moment| moment.and_utc())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(secs: i64, micros: u32) -> DateTime<Utc> {
        Utc.timestamp_opt(secs, micros * 1000)
            .single()
            .expect("valid test instant")
    }

    #[test]
    fn stored_form_has_microseconds() {
        assert_eq!(stored_text(at(0, 0)), "1970-01-01 00:00:00.000000");
        assert_eq!(stored_text(at(0, 583_045)), "1970-01-01 00:00:00.583045");
    }

    #[test]
    fn comparable_form_drops_trailing_zeros() {
        assert_eq!(comparable_text(at(0, 0)), "1970-01-01 00:00:00");
        assert_eq!(comparable_text(at(0, 500_000)), "1970-01-01 00:00:00.5");
        assert_eq!(
            comparable_text(at(0, 583_045)),
            "1970-01-01 00:00:00.583045"
        );
    }

    #[test]
    fn text_order_matches_time_order_for_every_stored_form() {
        let bounds = [at(100, 0), at(100, 500_000), at(100, 583_045)];
        let stored = [
            (at(99, 999_999), "1970-01-01 00:01:39.999999"),
            (at(100, 0), "1970-01-01 00:01:40"),
            (at(100, 0), "1970-01-01 00:01:40.000000"),
            (at(100, 500_000), "1970-01-01 00:01:40.5"),
            (at(100, 500_000), "1970-01-01 00:01:40.500000"),
            (at(100, 583_045), "1970-01-01 00:01:40.583045"),
            (at(100, 583_045), "1970-01-01 00:01:40.583045+00:00"),
            (at(100, 0), "1970-01-01 00:01:40+00:00"),
            (at(101, 0), "1970-01-01 00:01:41"),
        ];
        for bound in bounds {
            let text = comparable_text(bound);
            for (moment, form) in stored {
                assert_eq!(
                    form >= text.as_str(),
                    moment >= bound,
                    "{form} >= {text} must agree with the times"
                );
            }
        }
    }

    #[test]
    fn iso_output_has_the_offset() {
        assert_eq!(iso_utc("2026-12-03 18:43:25"), "2026-12-03T18:43:25+00:00");
        assert_eq!(
            iso_utc("2026-12-03 18:43:26.583045"),
            "2026-12-03T18:43:26.583045+00:00"
        );
        assert_eq!(
            iso_utc("2026-12-03 18:43:26.000000"),
            "2026-12-03T18:43:26+00:00"
        );
        assert_eq!(
            iso_utc("2026-12-03T20:43:26.5+02:00"),
            "2026-12-03T18:43:26.500000+00:00"
        );
        assert_eq!(iso_utc("not a time"), "not a time");
    }
}
