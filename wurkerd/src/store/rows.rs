//! Decoding the columns whose storage differs from our types: UUIDs kept as 16 raw bytes (or,
//! in databases written by other software, as text), booleans that may be NULL, JSON text.

use sqlx::Row;
use sqlx::sqlite::SqliteRow;
use uuid::Uuid;

use protocol::JsonText;

/// Reads a UUID column stored as 16 bytes or as its 36-character text.
pub fn uuid(row: &SqliteRow, column: &str) -> Result<Uuid, sqlx::Error> {
    let bytes: Vec<u8> = row.try_get(column)?;
    let parsed = match bytes.len() {
        16 => Uuid::from_slice(&bytes).ok(),
        _ => std::str::from_utf8(&bytes)
            .ok()
            .and_then(|text| Uuid::parse_str(text).ok()),
    };
    parsed.ok_or_else(|| sqlx::Error::ColumnDecode {
        index: column.to_string(),
        source: format!("{} bytes are not a UUID", bytes.len()).into(),
    })
}

/// Reads a JSON column; SQL NULL and JSON `null` are both "no value".
pub fn json(row: &SqliteRow, column: &str) -> Result<Option<JsonText>, sqlx::Error> {
    let text: Option<String> = row.try_get(column)?;
    Ok(text.filter(|text| text.trim() != "null").map(JsonText))
}

/// Reads a boolean column that may be NULL, taking NULL as false.
pub fn flag(row: &SqliteRow, column: &str) -> Result<bool, sqlx::Error> {
    Ok(row.try_get::<Option<bool>, _>(column)?.unwrap_or(false))
}

/// The bytes a UUID is stored as.
pub fn uuid_bytes(id: Uuid) -> Vec<u8> {
    id.as_bytes().to_vec()
}
