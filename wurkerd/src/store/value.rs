//! Values bound to a statement, typed by what the column holds rather than by backend. Each
//! backend then stores them the way Wurker 0.1 did: a UUID as 16 raw bytes, a boolean as
//! 0/1 (SQLite, MySQL) or `BOOLEAN` (PostgreSQL), JSON as text (or a `json` parameter on
//! PostgreSQL, which refuses text there), and a time as naive UTC text (SQLite), a naive UTC
//! `DATETIME` (MySQL) or a `TIMESTAMPTZ` (PostgreSQL).
//!
//! A NULL keeps its type too: PostgreSQL checks a parameter's type even when it is NULL.

use chrono::{DateTime, Utc};
use protocol::JsonText;
use uuid::Uuid;

/// One value bound to a `?` of a statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(Option<i64>),
    Float(Option<f64>),
    Bool(Option<bool>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
    /// JSON text, stored as given (callers hand over valid JSON).
    Json(Option<String>),
    Time(Option<DateTime<Utc>>),
    /// A time that stored times are compared with (`created_at >= ?`), never one to store. On
    /// SQLite, where times are text, it is written so that text order agrees with time order
    /// for every form a stored time may have (see [`sqlite_time_bound`]); elsewhere it is a
    /// [`Value::Time`].
    TimeBound(Option<DateTime<Utc>>),
    /// A name from a fixed set, such as a report status, compared with or stored in a column
    /// that is text, or (in a PostgreSQL database made by Wurker 0.1) a native ENUM. PostgreSQL
    /// gets it untyped and takes it as whatever the column is; use it only where a column gives
    /// it a type (`status = ?`, `VALUES (?)`), never in `? IS NULL`.
    Label(Option<String>),
}

impl Value {
    /// A JSON value from optional JSON text; `None` is SQL NULL.
    pub fn json(text: Option<&JsonText>) -> Self {
        Value::Json(text.map(|text| text.0.clone()))
    }

    /// A [`Value::Label`].
    pub fn label(name: &str) -> Self {
        Value::Label(Some(name.to_string()))
    }

    /// A [`Value::TimeBound`].
    pub fn time_bound(moment: DateTime<Utc>) -> Self {
        Value::TimeBound(Some(moment))
    }
}

impl From<i64> for Value {
    fn from(value: i64) -> Self {
        Value::Int(Some(value))
    }
}

impl From<Option<i64>> for Value {
    fn from(value: Option<i64>) -> Self {
        Value::Int(value)
    }
}

impl From<i32> for Value {
    fn from(value: i32) -> Self {
        Value::Int(Some(value.into()))
    }
}

impl From<u32> for Value {
    fn from(value: u32) -> Self {
        Value::Int(Some(value.into()))
    }
}

impl From<f64> for Value {
    fn from(value: f64) -> Self {
        Value::Float(Some(value))
    }
}

impl From<Option<f64>> for Value {
    fn from(value: Option<f64>) -> Self {
        Value::Float(value)
    }
}

impl From<bool> for Value {
    fn from(value: bool) -> Self {
        Value::Bool(Some(value))
    }
}

impl From<Option<bool>> for Value {
    fn from(value: Option<bool>) -> Self {
        Value::Bool(value)
    }
}

impl From<&str> for Value {
    fn from(value: &str) -> Self {
        Value::Text(Some(value.to_string()))
    }
}

impl From<String> for Value {
    fn from(value: String) -> Self {
        Value::Text(Some(value))
    }
}

impl From<&String> for Value {
    fn from(value: &String) -> Self {
        Value::Text(Some(value.clone()))
    }
}

impl From<Option<&str>> for Value {
    fn from(value: Option<&str>) -> Self {
        Value::Text(value.map(str::to_string))
    }
}

impl From<Option<String>> for Value {
    fn from(value: Option<String>) -> Self {
        Value::Text(value)
    }
}

impl From<&Option<String>> for Value {
    fn from(value: &Option<String>) -> Self {
        Value::Text(value.clone())
    }
}

/// A UUID is stored as its 16 raw bytes, as Wurker 0.1 stored `app_id`.
impl From<Uuid> for Value {
    fn from(value: Uuid) -> Self {
        Value::Bytes(Some(value.as_bytes().to_vec()))
    }
}

impl From<&JsonText> for Value {
    fn from(value: &JsonText) -> Self {
        Value::json(Some(value))
    }
}

impl From<Option<&JsonText>> for Value {
    fn from(value: Option<&JsonText>) -> Self {
        Value::json(value)
    }
}

impl From<DateTime<Utc>> for Value {
    fn from(value: DateTime<Utc>) -> Self {
        Value::Time(Some(value))
    }
}

impl From<Option<DateTime<Utc>>> for Value {
    fn from(value: Option<DateTime<Utc>>) -> Self {
        Value::Time(value)
    }
}

/// How a time is written into SQLite: naive UTC with microseconds, the text SQLAlchemy writes,
/// which sorts as text in time order and which Wurker 0.1 reads back.
pub const SQLITE_TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S%.6f";

/// The text a SQLite time is compared with: `YYYY-MM-DD HH:MM:SS` followed by the fraction of a
/// second without its trailing zeros (none when it is zero).
///
/// Times are stored as naive UTC text in two forms: Wurker 0.1's `created_at` to the second
/// (`CURRENT_TIMESTAMP`), and [`SQLITE_TIME_FORMAT`] to the microsecond. With trailing zeros
/// gone, text order and time order agree for both: a stored value that is a prefix of the bound
/// lacks only non-zero digits (it is earlier), and one that extends the bound adds digits or a
/// `+00:00` (it is at or after it). Comparing `2026-12-03 18:43:25` with
/// `2026-12-03 18:43:25.000000` instead would call the stored second earlier than itself, which
/// is how Wurker 0.1 lost rows at a start bound.
pub fn sqlite_time_bound(moment: DateTime<Utc>) -> String {
    let full = moment.format(SQLITE_TIME_FORMAT).to_string();
    full.trim_end_matches('0').trim_end_matches('.').to_string()
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
    fn sqlite_bounds_drop_trailing_zeros() {
        assert_eq!(sqlite_time_bound(at(0, 0)), "1970-01-01 00:00:00");
        assert_eq!(sqlite_time_bound(at(0, 500_000)), "1970-01-01 00:00:00.5");
        assert_eq!(
            sqlite_time_bound(at(0, 583_045)),
            "1970-01-01 00:00:00.583045"
        );
    }

    #[test]
    fn sqlite_text_order_matches_time_order_for_every_stored_form() {
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
            let text = sqlite_time_bound(bound);
            for (moment, form) in stored {
                assert_eq!(
                    form >= text.as_str(),
                    moment >= bound,
                    "{form} >= {text} must agree with the times"
                );
            }
        }
    }
}
