//! A pool of connections to one database of any backend, and the health it reports to.
//! Connections are checked before they are handed out (`test_before_acquire`), so a connection
//! the server dropped is replaced by a new one: once the server is back, the next request works.

use std::fmt;

use sqlx::migrate::{MigrateError, Migrator};
use sqlx::{Connection as _, MySqlPool, PgPool, SqlitePool};

use crate::store::conn::{Pooled, Transactional};
use crate::store::{Dialect, Health, PooledConn, StoreError, Tx, query};

/// Takes the MySQL lock that serializes migrations of one database (waiting up to 10 minutes).
const MYSQL_MIGRATION_LOCK: &str =
    "SELECT GET_LOCK(LEFT(CONCAT('wurker_migrations_', DATABASE()), 64), 600)";
const MYSQL_MIGRATION_UNLOCK: &str =
    "SELECT RELEASE_LOCK(LEFT(CONCAT('wurker_migrations_', DATABASE()), 64))";

/// A pool of connections to one database.
#[derive(Clone)]
pub struct Pool {
    kind: PoolKind,
    health: Health,
}

#[derive(Clone)]
enum PoolKind {
    Sqlite(SqlitePool),
    MySql(MySqlPool),
    Postgres(PgPool),
}

impl Pool {
    pub(crate) fn sqlite(pool: SqlitePool, health: Health) -> Self {
        Self {
            kind: PoolKind::Sqlite(pool),
            health,
        }
    }

    pub(crate) fn mysql(pool: MySqlPool, health: Health) -> Self {
        Self {
            kind: PoolKind::MySql(pool),
            health,
        }
    }

    pub(crate) fn postgres(pool: PgPool, health: Health) -> Self {
        Self {
            kind: PoolKind::Postgres(pool),
            health,
        }
    }

    /// The SQL dialect of the database.
    pub fn dialect(&self) -> Dialect {
        match self.kind {
            PoolKind::Sqlite(_) => Dialect::Sqlite,
            PoolKind::MySql(_) => Dialect::MySql,
            PoolKind::Postgres(_) => Dialect::Postgres,
        }
    }

    /// Whether the database answered the last statement run through this pool.
    pub fn health(&self) -> &Health {
        &self.health
    }

    /// A connection for statements outside a transaction (reads).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when no connection can be had within the pool's timeout.
    pub async fn acquire(&self) -> Result<PooledConn, StoreError> {
        let inner = match &self.kind {
            PoolKind::Sqlite(pool) => pool.acquire().await.map(Pooled::Sqlite),
            PoolKind::MySql(pool) => pool.acquire().await.map(Pooled::MySql),
            PoolKind::Postgres(pool) => pool.acquire().await.map(Pooled::Postgres),
        }
        .map_err(StoreError::connecting);
        self.health.observe(&inner);
        Ok(PooledConn {
            inner: inner?,
            health: self.health.clone(),
        })
    }

    /// A connection in a new transaction; see [`Tx`]. On SQLite the transaction holds the
    /// file's write lock from the start, so use it for writes and read through
    /// [`Pool::acquire`].
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when no connection can be had or the transaction cannot
    /// be started.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        let inner = match &self.kind {
            // Take SQLite's write lock at once: a transaction that reads and then writes
            // would otherwise fail with BUSY, without waiting, when another process (a node
            // sharing the file, Wurker 0.1) wrote in between.
            PoolKind::Sqlite(pool) => pool
                .begin_with("BEGIN IMMEDIATE")
                .await
                .map(Transactional::Sqlite),
            PoolKind::MySql(pool) => pool.begin().await.map(Transactional::MySql),
            PoolKind::Postgres(pool) => pool.begin().await.map(Transactional::Postgres),
        }
        .map_err(StoreError::connecting);
        self.health.observe(&inner);
        Ok(Tx {
            inner: inner?,
            health: self.health.clone(),
        })
    }

    /// A read-only transaction whose statements all see the database as it was at its first
    /// read (a count and the page it counts, for instance). On SQLite it takes no write lock;
    /// on a server it asks for a snapshot, which PostgreSQL's default isolation does not give.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when no connection can be had or the transaction cannot
    /// be started.
    pub async fn begin_read(&self) -> Result<Tx, StoreError> {
        let inner = match &self.kind {
            // A deferred transaction: in WAL mode its first read fixes what it sees.
            PoolKind::Sqlite(pool) => pool.begin().await.map(Transactional::Sqlite),
            PoolKind::MySql(pool) => pool
                .begin_with("START TRANSACTION READ ONLY, WITH CONSISTENT SNAPSHOT")
                .await
                .map(Transactional::MySql),
            PoolKind::Postgres(pool) => pool
                .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .await
                .map(Transactional::Postgres),
        }
        .map_err(StoreError::connecting);
        self.health.observe(&inner);
        Ok(Tx {
            inner: inner?,
            health: self.health.clone(),
        })
    }

    /// Checks that the database answers, cheaply (`SELECT 1`). A caller waiting for the
    /// database to come back calls this before retrying its work; the recovery is logged here.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] while the database cannot be reached.
    pub async fn ping(&self) -> Result<(), StoreError> {
        let mut conn = self.acquire().await?;
        query("SELECT 1").fetch_one(&mut conn).await.map(drop)
    }

    /// Applies the migrations of `migrator` that the database has not seen yet. Nodes that
    /// start together on one server database take turns.
    pub(crate) async fn migrate(&self, mut migrator: Migrator) -> Result<(), MigrateError> {
        match &self.kind {
            PoolKind::Sqlite(pool) => {
                // sqlx takes no lock on SQLite, so nodes sharing one file would both apply a
                // migration. Hold the file's write lock for the whole run; the migrations' own
                // transactions nest inside it.
                let mut conn = pool.acquire().await?;
                let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
                migrator.run(&mut *tx).await?;
                tx.commit().await.map_err(MigrateError::Execute)
            }
            PoolKind::Postgres(pool) => migrator.run(pool).await,
            PoolKind::MySql(pool) => {
                // sqlx's own lock asks for GET_LOCK(name, -1), which MariaDB answers at once
                // with NULL rather than waiting, so two nodes would both apply the same
                // migration. Hold a lock with a real timeout instead, on the connection that
                // migrates.
                let mut conn = pool.acquire().await?;
                let got: Option<i64> = sqlx::query_scalar(MYSQL_MIGRATION_LOCK)
                    .fetch_one(&mut *conn)
                    .await?;
                if got != Some(1) {
                    return Err(MigrateError::Execute(sqlx::Error::Protocol(
                        "another node held the migration lock for too long".into(),
                    )));
                }
                migrator.set_locking(false);
                let result = migrator.run(&mut *conn).await;
                sqlx::query(MYSQL_MIGRATION_UNLOCK)
                    .execute(&mut *conn)
                    .await?;
                result
            }
        }
    }

    /// Closes the pool, waiting for connections in use to be returned.
    pub async fn close(&self) {
        match &self.kind {
            PoolKind::Sqlite(pool) => pool.close().await,
            PoolKind::MySql(pool) => pool.close().await,
            PoolKind::Postgres(pool) => pool.close().await,
        }
    }
}

/// Shows the backend only: connection options hold the password.
impl fmt::Debug for Pool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pool")
            .field("dialect", &self.dialect())
            .field("is_up", &self.health.is_up())
            .finish()
    }
}
