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
