//! Connections as store functions see them: `&mut Conn`, one type whatever the backend, whether
//! a plain pooled connection or a transaction. [`Handle`] hands the statement runner the
//! backend's own connection; the runner (in `query.rs`) is the only code that looks at it.

use std::fmt;

use sqlx::pool::PoolConnection;
use sqlx::{MySql, MySqlConnection, PgConnection, Postgres, Sqlite, SqliteConnection, Transaction};

use crate::store::{Dialect, Health, StoreError};

/// A backend's own connection, borrowed for one statement.
pub enum Backend<'c> {
    Sqlite(&'c mut SqliteConnection),
    MySql(&'c mut MySqlConnection),
    Postgres(&'c mut PgConnection),
}

impl Backend<'_> {
    /// The SQL dialect this connection speaks.
    pub fn dialect(&self) -> Dialect {
        match self {
            Backend::Sqlite(_) => Dialect::Sqlite,
            Backend::MySql(_) => Dialect::MySql,
            Backend::Postgres(_) => Dialect::Postgres,
        }
    }
}

/// Anything a statement can run on: a connection or a transaction of any backend.
pub trait Handle: Send {
    /// The backend connection, for the statement runner.
    fn backend(&mut self) -> Backend<'_>;

    /// Where to report whether the database answered; `None` for a connection outside a
    /// [`crate::store::Pool`] (tests, one-off tools).
    fn health(&self) -> Option<&Health> {
        None
    }
}

/// What every store function takes: `conn: &mut Conn`. A `&mut PooledConn`, a `&mut Tx` or a
/// plain sqlx connection of any of the three backends coerces to it.
pub type Conn = dyn Handle;

macro_rules! plain_handles {
    ($($variant:ident: $db:ty, $conn:ty;)*) => {$(
        impl Handle for $conn {
            fn backend(&mut self) -> Backend<'_> {
                Backend::$variant(self)
            }
        }

        impl Handle for PoolConnection<$db> {
            fn backend(&mut self) -> Backend<'_> {
                Backend::$variant(&mut **self)
            }
        }

        impl Handle for Transaction<'_, $db> {
            fn backend(&mut self) -> Backend<'_> {
                Backend::$variant(&mut **self)
            }
        }
    )*};
}

plain_handles! {
    Sqlite: Sqlite, SqliteConnection;
    MySql: MySql, MySqlConnection;
    Postgres: Postgres, PgConnection;
}

/// A connection taken from a [`crate::store::Pool`]; it goes back to the pool when dropped.
pub struct PooledConn {
    pub(crate) inner: Pooled,
    pub(crate) health: Health,
}

pub(crate) enum Pooled {
    Sqlite(PoolConnection<Sqlite>),
    MySql(PoolConnection<MySql>),
    Postgres(PoolConnection<Postgres>),
}

impl Handle for PooledConn {
    fn backend(&mut self) -> Backend<'_> {
        match &mut self.inner {
            Pooled::Sqlite(conn) => Backend::Sqlite(conn),
            Pooled::MySql(conn) => Backend::MySql(conn),
            Pooled::Postgres(conn) => Backend::Postgres(conn),
        }
    }

    fn health(&self) -> Option<&Health> {
        Some(&self.health)
    }
}

impl fmt::Debug for PooledConn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PooledConn")
    }
}

/// A transaction on a connection taken from a [`crate::store::Pool`]. Dropping it without
/// [`Tx::commit`] rolls it back, so a failed request changes nothing.
pub struct Tx {
    pub(crate) inner: Transactional,
    pub(crate) health: Health,
}

pub(crate) enum Transactional {
    Sqlite(Transaction<'static, Sqlite>),
    MySql(Transaction<'static, MySql>),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    /// Makes the transaction's changes permanent.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the connection is lost; the changes may then or may
    /// not have been applied (the server decides), so a retry must be safe to repeat.
    pub async fn commit(self) -> Result<(), StoreError> {
        let result = match self.inner {
            Transactional::Sqlite(tx) => tx.commit().await,
            Transactional::MySql(tx) => tx.commit().await,
            Transactional::Postgres(tx) => tx.commit().await,
        }
        .map_err(StoreError::from);
        self.health.observe(&result);
        result
    }
}

impl Handle for Tx {
    fn backend(&mut self) -> Backend<'_> {
        match &mut self.inner {
            Transactional::Sqlite(tx) => Backend::Sqlite(tx),
            Transactional::MySql(tx) => Backend::MySql(tx),
            Transactional::Postgres(tx) => Backend::Postgres(tx),
        }
    }

    fn health(&self) -> Option<&Health> {
        Some(&self.health)
    }
}

impl fmt::Debug for Tx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Tx")
    }
}
