//! The databases: the config database (definitions, queue, reports; shared by a Colony and
//! scoped by `app_id`) and the node's local database (the Hive, API users). SQL lives here and
//! nowhere else.
//!
//! The config database is SQLite (the default), MySQL/MariaDB or PostgreSQL, chosen at run time
//! by `[remote_db] dbdriver`; the local database is always SQLite. All three backends are
//! driven through one interface, so each table's functions are written once.
//!
//! # Writing store code
//!
//! One module per table family (`commands.rs`, `bees.rs`, …). A function takes `conn: &mut
//! Conn` (a pooled connection or a transaction, of any backend), and returns
//! `Result<_, StoreError>`:
//!
//! ```ignore
//! pub async fn find(conn: &mut Conn, app_id: Uuid, slug: &str) -> Result<Option<Cron>, StoreError> {
//!     let row = query("SELECT id, app_id, slug, name, cron, overrun FROM wurker_cron \
//!                      WHERE app_id = ? AND slug = ?")
//!         .bind(app_id)          // a Uuid binds as its 16 bytes
//!         .bind(slug)
//!         .fetch_optional(conn)
//!         .await?;
//!     row.as_ref().map(decode).transpose()
//! }
//!
//! fn decode(row: &Row) -> Result<Cron, StoreError> {
//!     Ok(Cron { id: row.int("id")?, app_id: row.uuid("app_id")?, slug: row.text("slug")?, … })
//! }
//! ```
//!
//! - Write each statement once, with `?` markers and SQL the three backends share (see
//!   [`dialect`] for what to avoid). `query.insert(conn)` returns the new `id`.
//! - Bind Wurker's types ([`Value`] says how each is stored: UUIDs as 16 bytes, JSON text with
//!   [`Value::json`], times as `DateTime<Utc>`); read them back with the [`Row`] getters, which
//!   also read what Wurker 0.1 wrote (NULL booleans, INTEGER columns holding floats, …).
//!   Bind a report status as [`Value::label`]: Wurker 0.1 made that column a native ENUM on
//!   PostgreSQL, which refuses text. Compare stored times with [`Value::time_bound`], which
//!   SQLite's text times need.
//! - Callers read with `store.read.acquire()` and write in `store.write.begin()` … `commit()`;
//!   both coerce to `&mut Conn`. Reads that must agree with each other (a count and its page)
//!   share `store.read.begin_read()`. Every query is scoped by `app_id`.
//! - [`StoreError::Unavailable`] means "the database cannot be reached now": retry later
//!   (`Pool::ping` tells when it is back). Unique and foreign-key violations arrive as
//!   `Conflict` and `Reference`.
//!
//! Writes to a SQLite config database go through a pool of one connection, so that
//! transactions never race each other for SQLite's write lock; reads use a separate pool. On a
//! server, reads and writes share one pool.

pub mod accounts;
pub mod bees;
pub mod commands;
mod conn;
pub mod control;
pub mod crons;
pub mod dialect;
mod error;
mod health;
pub mod hive;
mod open;
pub mod plans;
mod pool;
mod query;
pub mod queue;
pub mod reports;
mod row;
pub mod runs;
pub mod seeds;
pub mod status;
mod value;

use anyhow::{Context, Result};
use uuid::Uuid;

use crate::config::{Config, ConfigDb};

pub use conn::{Backend, Conn, Handle, PooledConn, Tx};
pub use dialect::Dialect;
pub use error::StoreError;
pub use health::Health;
pub use pool::Pool;
pub use query::{Query, query};
pub use row::Row;
pub use value::Value;

/// The daemon's handles on both databases.
#[derive(Debug, Clone)]
pub struct Store {
    /// This node's identity; every query is scoped by it.
    pub app_id: Uuid,
    /// Readers of the config database.
    pub read: Pool,
    /// The writer of the config database (on SQLite, a single connection).
    pub write: Pool,
    /// The node's local database (SQLite).
    pub local: Pool,
}

impl Store {
    /// Opens both databases (creating a missing SQLite file or server database), brings their
    /// schemas up to date, and makes sure this node has its control and status rows.
    ///
    /// # Errors
    /// When a database cannot be opened, created or migrated; the message names the database
    /// (never its password).
    pub async fn open(config: &Config) -> Result<Self> {
        let health = Health::new("config");
        let (read, write) = match &config.config_db {
            ConfigDb::Sqlite(path) => {
                let write = open::sqlite(path, 1, health.clone()).await?;
                let read = open::sqlite(path, 2, health).await?;
                (read, write)
            }
            ConfigDb::Server(server) => {
                let pool = open::server(server, health)
                    .await
                    .with_context(|| format!("opening the config database {}", config.config_db))?;
                (pool.clone(), pool)
            }
        };
        open::migrate_config(&write).await.with_context(|| {
            format!(
                "updating the schema of the config database {}",
                config.config_db
            )
        })?;
        let local = open::sqlite(&config.local_db, 2, Health::new("local")).await?;
        open::migrate_local(&local).await.with_context(|| {
            format!(
                "updating the schema of the local database {}",
                config.local_db.display()
            )
        })?;

        let store = Self {
            app_id: config.app_id,
            read,
            write,
            local,
        };
        let mut tx = store.write.begin().await?;
        control::register(&mut tx, config, crate::host::private_ipv4())
            .await
            .context("registering this node in the config database")?;
        tx.commit().await?;
        Ok(store)
    }

    /// Whether the config database answered the last statement.
    pub fn is_available(&self) -> bool {
        self.write.health().is_up() && self.read.health().is_up()
    }

    /// Checks cheaply that the config database answers; see [`Pool::ping`].
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] while it cannot be reached.
    pub async fn check(&self) -> Result<(), StoreError> {
        self.write.ping().await
    }

    /// Closes every pool, waiting for connections in use to be returned.
    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
        self.local.close().await;
    }
}
