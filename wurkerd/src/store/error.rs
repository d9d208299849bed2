//! What can go wrong in storage, in Wurker's terms. Every sqlx error is sorted here, once, into
//! the cases callers act on differently: the database is out of reach for now (retry later), a
//! unique key or a reference would be broken (tell the user), a row is missing, a stored value
//! cannot be read, or anything else (log it).

use sqlx::error::DatabaseError;
use sqlx::mysql::MySqlDatabaseError;

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be reached now: the server refused or dropped the connection, is
    /// shutting down, has no free connection, or (SQLite) the file is locked or unreadable.
    /// Nothing was changed; the same call may succeed later, so callers may retry it.
    #[error("the database is unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),
    /// A row with the same unique key (a slug on this node, a queued Bee) already exists.
    #[error("a row with the same key already exists ({constraint})")]
    Conflict { constraint: String },
    /// The change would leave a row pointing at one that does not exist, or delete a row that
    /// others still point at.
    #[error("the change would break a reference between rows ({constraint})")]
    Reference { constraint: String },
    /// The row that the call needs does not exist.
    #[error("{what} not found")]
    NotFound { what: String },
    /// A stored value cannot be read as the type Wurker expects.
    #[error("cannot read column '{column}': {message}")]
    Decode { column: String, message: String },
    /// Any other failure of the database or of the statement.
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
}

impl StoreError {
    /// Whether the failure is a lost or refused connection that a later retry may get past.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, StoreError::Unavailable(_))
    }

    /// Sorts an error that occurred while getting a connection or starting a transaction: at
    /// that point any failure means the database cannot be used now.
    pub(crate) fn connecting(err: sqlx::Error) -> Self {
        match err {
            sqlx::Error::Configuration(_) => StoreError::Database(err),
            err => StoreError::Unavailable(err),
        }
    }

    /// The error for a column whose value cannot be decoded.
    pub(crate) fn decode(column: &str, message: impl std::fmt::Display) -> Self {
        StoreError::Decode {
            column: column.to_string(),
            message: message.to_string(),
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed
            | sqlx::Error::BeginFailed => StoreError::Unavailable(err),
            sqlx::Error::RowNotFound => StoreError::NotFound {
                what: "the row".to_string(),
            },
            sqlx::Error::ColumnDecode { index, source } => StoreError::decode(index, source),
            sqlx::Error::Database(db) if is_connection_loss(db.as_ref()) => {
                StoreError::Unavailable(err)
            }
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict {
                constraint: constraint_of(db.as_ref()),
            },
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::Reference {
                constraint: constraint_of(db.as_ref()),
            },
            _ => StoreError::Database(err),
        }
    }
}

fn constraint_of(db: &dyn DatabaseError) -> String {
    db.constraint().unwrap_or("unnamed").to_string()
}

/// Whether a server-reported error means the connection or the server is going away.
fn is_connection_loss(db: &dyn DatabaseError) -> bool {
    if let Some(mysql) = db.try_downcast_ref::<MySqlDatabaseError>() {
        // Server shutdown, too many connections, connection killed, lost or gone away.
        return matches!(
            mysql.number(),
            1040 | 1053 | 1077 | 1152 | 1159 | 1161 | 1927 | 2006 | 2013
        );
    }
    let Some(code) = db.code() else {
        return false;
    };
    match code.parse::<i64>() {
        // SQLite result codes (the low byte is the primary code): BUSY, LOCKED, IOERR,
        // CANTOPEN. A file held by another writer or gone is a state that passes.
        Ok(number) => matches!(number & 0xff, 5 | 6 | 10 | 14),
        // PostgreSQL SQLSTATEs: class 08 (connection exception), 53300 (too many
        // connections), 57P01..57P03 (the server is shutting down or starting).
        Err(_) => {
            code.starts_with("08") || matches!(code.as_ref(), "53300" | "57P01" | "57P02" | "57P03")
        }
    }
}
