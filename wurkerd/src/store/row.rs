//! A result row of any backend, read column by column into Wurker's types. Each getter accepts
//! every way the column is stored by Wurker 0.1 or by Wurker on any backend: integers of any
//! width, UUIDs as 16 bytes (or, written by other software, as text), booleans that may be
//! NULL, JSON as text or as a json value, and times as naive UTC text (SQLite), `DATETIME` or
//! `TIMESTAMP(TZ)`.

use chrono::{DateTime, NaiveDateTime, Utc};
use protocol::JsonText;
use sqlx::mysql::MySqlRow;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::types::JsonRawValue;
use sqlx::{Row as _, TypeInfo, ValueRef};
use uuid::Uuid;

use crate::store::StoreError;

/// One row of a result.
#[derive(Debug)]
pub enum Row {
    Sqlite(SqliteRow),
    MySql(MySqlRow),
    Postgres(PgRow),
}

/// Runs the same typed read on whichever backend row this is.
macro_rules! each {
    ($row:expr, |$r:ident| $read:expr) => {
        match $row {
            Row::Sqlite($r) => $read,
            Row::MySql($r) => $read,
            Row::Postgres($r) => $read,
        }
    };
}

impl Row {
    /// A whole number that must be present.
    pub fn int(&self, column: &str) -> Result<i64, StoreError> {
        self.opt_int(column)?
            .ok_or_else(|| StoreError::decode(column, "unexpected NULL"))
    }

    /// A whole number or NULL.
    pub fn opt_int(&self, column: &str) -> Result<Option<i64>, StoreError> {
        let read = match self {
            Row::Postgres(row) => match pg_type(row, column)?.as_str() {
                "INT2" => row
                    .try_get::<Option<i16>, _>(column)
                    .map(|v| v.map(i64::from)),
                "INT4" => row
                    .try_get::<Option<i32>, _>(column)
                    .map(|v| v.map(i64::from)),
                _ => row.try_get::<Option<i64>, _>(column),
            },
            Row::Sqlite(row) => row.try_get(column),
            Row::MySql(row) => row.try_get(column),
        };
        read.map_err(|err| decode_error(column, err))
    }

    /// A number, stored as a float or a whole number, or NULL.
    pub fn opt_float(&self, column: &str) -> Result<Option<f64>, StoreError> {
        let float = each!(self, |row| row.try_get::<Option<f64>, _>(column));
        match float {
            Ok(value) => Ok(value),
            // Wurker 0.1 declared durations INTEGER and stored floats in them (SQLite), so
            // either may be found.
            Err(_) => Ok(self.opt_int(column)?.map(|whole| whole as f64)),
        }
    }

    /// Text that must be present.
    pub fn text(&self, column: &str) -> Result<String, StoreError> {
        self.opt_text(column)?
            .ok_or_else(|| StoreError::decode(column, "unexpected NULL"))
    }

    /// Text or NULL.
    pub fn opt_text(&self, column: &str) -> Result<Option<String>, StoreError> {
        let read = match self {
            // An ENUM column made by Wurker 0.1 holds its names as labels, sent as text.
            Row::Postgres(row) => row
                .try_get::<Option<String>, _>(column)
                .or_else(|_| row.try_get_unchecked::<Option<String>, _>(column)),
            Row::Sqlite(row) => row.try_get(column),
            Row::MySql(row) => row.try_get(column),
        };
        read.map_err(|err| decode_error(column, err))
    }

    /// A boolean; NULL (which Wurker 0.1 left in some columns) reads as false.
    pub fn flag(&self, column: &str) -> Result<bool, StoreError> {
        Ok(self.opt_flag(column)?.unwrap_or(false))
    }

    /// A boolean or NULL.
    pub fn opt_flag(&self, column: &str) -> Result<Option<bool>, StoreError> {
        each!(self, |row| row.try_get::<Option<bool>, _>(column))
            .map_err(|err| decode_error(column, err))
    }

    /// Bytes or NULL.
    pub fn opt_bytes(&self, column: &str) -> Result<Option<Vec<u8>>, StoreError> {
        each!(self, |row| row.try_get::<Option<Vec<u8>>, _>(column))
            .map_err(|err| decode_error(column, err))
    }

    /// A UUID stored as 16 bytes or as its 36-character text.
    pub fn uuid(&self, column: &str) -> Result<Uuid, StoreError> {
        let bytes = self
            .opt_bytes(column)?
            .ok_or_else(|| StoreError::decode(column, "unexpected NULL"))?;
        let parsed = match bytes.len() {
            16 => Uuid::from_slice(&bytes).ok(),
            _ => std::str::from_utf8(&bytes)
                .ok()
                .and_then(|text| Uuid::parse_str(text).ok()),
        };
        parsed.ok_or_else(|| {
            StoreError::decode(column, format!("{} bytes are not a UUID", bytes.len()))
        })
    }

    /// JSON text; SQL NULL and JSON `null` are both "no value".
    pub fn json(&self, column: &str) -> Result<Option<JsonText>, StoreError> {
        let read = match self {
            Row::Sqlite(row) => row.try_get::<Option<String>, _>(column),
            // A MySQL JSON column is sent as text but typed apart from text.
            Row::MySql(row) => row.try_get_unchecked::<Option<String>, _>(column),
            Row::Postgres(row) => row
                .try_get::<Option<Box<JsonRawValue>>, _>(column)
                .map(|value| value.map(|raw| raw.get().to_string()))
                .or_else(|_| row.try_get::<Option<String>, _>(column)),
        };
        let text = read.map_err(|err| decode_error(column, err))?;
        Ok(text.filter(|text| text.trim() != "null").map(JsonText))
    }

    /// A time or NULL. Times without a zone are UTC, as every writer of these databases used.
    pub fn time(&self, column: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
        let read = match self {
            Row::Sqlite(row) => {
                let text: Option<String> = row
                    .try_get(column)
                    .map_err(|err| decode_error(column, err))?;
                return text.map(|text| parse_time(column, &text)).transpose();
            }
            Row::MySql(row) => row
                .try_get::<Option<NaiveDateTime>, _>(column)
                .map(|t| t.map(|t| t.and_utc())),
            Row::Postgres(row) => match pg_type(row, column)?.as_str() {
                "TIMESTAMP" => row
                    .try_get::<Option<NaiveDateTime>, _>(column)
                    .map(|t| t.map(|t| t.and_utc())),
                _ => row.try_get::<Option<DateTime<Utc>>, _>(column),
            },
        };
        read.map_err(|err| decode_error(column, err))
    }
}

/// The PostgreSQL type name of a column (`INT4`, `TIMESTAMPTZ`, …).
fn pg_type(row: &PgRow, column: &str) -> Result<String, StoreError> {
    let raw = row
        .try_get_raw(column)
        .map_err(|err| decode_error(column, err))?;
    Ok(raw.type_info().name().to_string())
}

fn decode_error(column: &str, err: sqlx::Error) -> StoreError {
    match err {
        sqlx::Error::ColumnDecode { source, .. } => StoreError::decode(column, source),
        other => StoreError::decode(column, other),
    }
}

/// Reads a time as SQLite holds it: `YYYY-MM-DD HH:MM:SS[.ffffff]` in UTC (written by
/// `CURRENT_TIMESTAMP` or SQLAlchemy), with `T` or a zone offset when other software wrote it.
pub fn parse_time(column: &str, text: &str) -> Result<DateTime<Utc>, StoreError> {
    let text = text.trim();
    if let Ok(zoned) = DateTime::parse_from_rfc3339(text) {
        return Ok(zoned.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%d %H:%M:%S%.f%:z", "%Y-%m-%d %H:%M:%S%.f%#z"] {
        if let Ok(zoned) = DateTime::parse_from_str(text, format) {
            return Ok(zoned.with_timezone(&Utc));
        }
    }
    for format in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return Ok(naive.and_utc());
        }
    }
    Err(StoreError::decode(
        column,
        format!("'{text}' is not a date and time"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_time_text_found_in_sqlite() {
        let expect = |text: &str, rfc: &str| {
            assert_eq!(
                parse_time("t", text).unwrap().to_rfc3339(),
                rfc,
                "reading {text}"
            );
        };
        expect("2024-05-01 10:00:00", "2024-05-01T10:00:00+00:00");
        expect(
            "2024-05-01 10:00:00.250000",
            "2024-05-01T10:00:00.250+00:00",
        );
        expect("2024-05-01T10:00:00Z", "2024-05-01T10:00:00+00:00");
        expect("2024-05-01 12:00:00+02:00", "2024-05-01T10:00:00+00:00");
        expect("2024-05-01 10:00", "2024-05-01T10:00:00+00:00");
        assert!(parse_time("t", "yesterday").is_err());
    }
}
