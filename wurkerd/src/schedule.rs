//! Cron expressions: which ones Wurker accepts, when they fire next, and the timeout a
//! scheduled run gets from its Cron's interval.
//!
//! Accepted: the five crontab fields (POSIX semantics: day of week 0-7 with 0 and 7 for
//! Sunday, day of month OR day of week when both are restricted), an optional sixth field in
//! front for seconds, and the macros `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`,
//! `@midnight` and `@hourly`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;
use croner::Cron;
use croner::parser::{CronParser, Seconds};

/// A parsed, valid cron expression. Cheap to clone: Bees sharing an expression share one
/// parsed pattern (a pattern holds a bit for every possible year, about 10 KiB).
#[derive(Debug, Clone)]
pub struct Schedule {
    cron: Arc<Cron>,
}

impl Schedule {
    /// Parses and checks an expression; it must also fire at least once in the future.
    ///
    /// # Errors
    /// A message saying what is wrong with the expression, in Wurker's words.
    pub fn parse(expression: &str) -> Result<Self, String> {
        let trimmed = expression.trim();
        if !trimmed.starts_with('@') {
            let fields = trimmed.split_whitespace().count();
            if !(5..=6).contains(&fields) {
                return Err(format!(
                    "expected 5 fields (minute hour day-of-month month day-of-week), or 6 with \
                     seconds first, but found {fields}"
                ));
            }
        }
        let parser = CronParser::builder().seconds(Seconds::Optional).build();
        let cron = parser.parse(trimmed).map_err(|err| err.to_string())?;
        let schedule = Self {
            cron: Arc::new(cron),
        };
        if schedule.next_after(&chrono::Utc::now()).is_none() {
            return Err("it never fires (no such date exists)".to_string());
        }
        Ok(schedule)
    }

    /// The first fire time strictly after `time`, or `None` if there is none.
    pub fn next_after<Tz: TimeZone>(&self, time: &DateTime<Tz>) -> Option<DateTime<Tz>>
    where
        DateTime<Tz>: croner::CronDateTime,
    {
        self.cron.find_next_occurrence(time, false).ok()
    }

    /// The timeout of a run, in seconds, derived from the interval between the next two fire
    /// times after `now`, as the original Wurker derived it: the interval less 10 s under five
    /// minutes, less 30 s under ten minutes, less 60 s from then on. Under a minute, where that
    /// rule would leave nothing, a run gets five sixths of the interval (at least one second).
    pub fn timeout_secs<Tz: TimeZone>(&self, now: &DateTime<Tz>) -> Option<i64>
    where
        DateTime<Tz>: croner::CronDateTime,
    {
        let first = self.next_after(now)?;
        let second = self.next_after(&first)?;
        Some(timeout_for_interval((second - first).num_seconds()))
    }
}

/// How many parsed expressions [`Schedule::parse_shared`] keeps.
const SHARED_LIMIT: usize = 4096;

impl Schedule {
    /// As [`Schedule::parse`], remembering the outcome: many Bees share few expressions, and
    /// parsing is what planning and `wurk show` would otherwise spend their time on.
    ///
    /// # Errors
    /// As [`Schedule::parse`].
    pub fn parse_shared(expression: &str) -> Result<Self, String> {
        static SHARED: OnceLock<Mutex<HashMap<String, Result<Schedule, String>>>> = OnceLock::new();
        let shared = SHARED.get_or_init(Mutex::default);
        if let Ok(known) = shared.lock() {
            if let Some(outcome) = known.get(expression) {
                return outcome.clone();
            }
        }
        let outcome = Self::parse(expression);
        if let Ok(mut known) = shared.lock() {
            if known.len() >= SHARED_LIMIT {
                known.clear();
            }
            known.insert(expression.to_string(), outcome.clone());
        }
        outcome
    }

    /// The first fire time strictly after `time`, reading the expression in time zone `tz`
    /// (daylight saving gaps and repeats as cronie handles them: a fixed time that falls in a
    /// gap fires at the end of the gap, a fixed time that repeats fires once, and intervals run
    /// through both).
    pub fn next_in(&self, tz: Tz, time: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.next_after(&time.with_timezone(&tz))
            .map(|next| next.with_timezone(&Utc))
    }

    /// The timeout of a run started at fire time `fire`: the rule of [`Schedule::timeout_secs`]
    /// applied to the interval until the following fire time.
    pub fn timeout_after_fire(&self, tz: Tz, fire: DateTime<Utc>) -> Option<std::time::Duration> {
        let next = self.next_in(tz, fire)?;
        let secs = timeout_for_interval((next - fire).num_seconds().max(1));
        Some(std::time::Duration::from_secs(
            u64::try_from(secs).unwrap_or(1),
        ))
    }
}

fn timeout_for_interval(interval: i64) -> i64 {
    match interval {
        ..60 => (interval * 5 / 6).max(1),
        60..300 => interval - 10,
        300..600 => interval - 30,
        _ => interval - 60,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn timeouts_follow_the_original_rule() {
        let now = at("2026-12-03T10:00:30Z");
        let cases = [
            ("*/1 * * * *", 50),
            ("*/5 * * * *", 270),
            ("*/7 * * * 1-5", 390),
            ("@hourly", 3540),
            ("@daily", 86340),
            ("*/10 * * * * *", 8),
            ("* * * * * *", 1),
        ];
        for (expression, expected) in cases {
            let schedule = Schedule::parse(expression).unwrap();
            assert_eq!(schedule.timeout_secs(&now), Some(expected), "{expression}");
        }
    }

    #[test]
    fn next_fire_is_strictly_after() {
        let schedule = Schedule::parse("*/5 * * * *").unwrap();
        let next = schedule.next_after(&at("2026-12-03T10:05:00Z")).unwrap();
        assert_eq!(next, at("2026-12-03T10:10:00Z"));
        let seconds = Schedule::parse("*/15 * * * * *").unwrap();
        assert_eq!(
            seconds.next_after(&at("2026-12-03T10:05:01Z")),
            Some(at("2026-12-03T10:05:15Z"))
        );
    }

    #[test]
    fn sunday_is_zero_and_seven() {
        // 2026-12-06 is a Sunday.
        for expression in ["0 9 * * 0", "0 9 * * 7", "0 9 * * SUN"] {
            let schedule = Schedule::parse(expression).unwrap();
            let next = schedule.next_after(&at("2026-12-03T10:00:00Z")).unwrap();
            assert_eq!(next, at("2026-12-06T09:00:00Z"), "{expression}");
        }
    }

    #[test]
    fn daylight_saving_follows_cronie() {
        let paris: Tz = "Europe/Paris".parse().unwrap();
        // 2026-03-29: clocks go from 02:00 to 03:00 in Paris (01:00 UTC).
        let fixed = Schedule::parse("30 2 * * *").unwrap();
        let next = fixed.next_in(paris, at("2026-03-28T23:00:00Z")).unwrap();
        assert_eq!(
            next,
            at("2026-03-29T01:00:00Z"),
            "a fixed time in the gap runs after it"
        );
        // 2026-10-25: clocks go back from 03:00 to 02:00 (01:00 UTC); 02:30 happens twice.
        let first = fixed.next_in(paris, at("2026-10-24T23:00:00Z")).unwrap();
        assert_eq!(first, at("2026-10-25T00:30:00Z"));
        let again = fixed.next_in(paris, first).unwrap();
        assert_eq!(
            again,
            at("2026-10-26T01:30:00Z"),
            "a fixed time that repeats runs once"
        );
        let hourly = Schedule::parse("30 * * * *").unwrap();
        let both = hourly.next_in(paris, at("2026-10-25T00:30:00Z")).unwrap();
        assert_eq!(
            both,
            at("2026-10-25T01:30:00Z"),
            "an interval runs in the repeated hour"
        );
    }

    #[test]
    fn timeouts_count_from_the_fire_time() {
        let utc: Tz = "UTC".parse().unwrap();
        let schedule = Schedule::parse("*/5 * * * * *").unwrap();
        let timeout = schedule.timeout_after_fire(utc, at("2026-12-03T10:00:05Z"));
        assert_eq!(timeout, Some(std::time::Duration::from_secs(4)));
        let daily = Schedule::parse("0 9 * * 1-5").unwrap();
        // Friday 09:00 to Monday 09:00: three days less a minute.
        let timeout = daily.timeout_after_fire(utc, at("2026-12-04T09:00:00Z"));
        assert_eq!(
            timeout,
            Some(std::time::Duration::from_secs(3 * 86_400 - 60))
        );
    }

    #[test]
    fn bad_expressions_are_explained() {
        for expression in [
            "not a cron",
            "61 * * * *",
            "* * *",
            "0 0 31 2 *",
            "",
            "1 2 3 4 5 6 7",
        ] {
            assert!(
                Schedule::parse(expression).is_err(),
                "{expression} should be refused"
            );
        }
    }
}
