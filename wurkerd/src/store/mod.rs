//! The databases: the config database (definitions, queue, reports; shared by a Colony and
//! scoped by `app_id`) and the node's local database (the Hive, API users). SQL lives here and
//! nowhere else.
//!
//! Writes to the config database go through a pool of one connection, so that transactions
//! never race each other for SQLite's write lock; reads use a separate pool.

pub mod bees;
pub mod commands;
pub mod control;
pub mod crons;
pub mod queue;
mod rows;
pub mod seeds;
pub mod users;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::{Context, Result};
use sqlx::SqlitePool;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use uuid::Uuid;

use crate::config::Config;

pub use sqlx::SqliteConnection as Conn;

static CONFIG_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/config-sqlite");
static LOCAL_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/local-sqlite");

/// The daemon's handles on both databases.
#[derive(Debug, Clone)]
pub struct Store {
    /// This node's identity; every query is scoped by it.
    pub app_id: Uuid,
    /// Readers of the config database.
    pub read: SqlitePool,
    /// The single writer of the config database.
    pub write: SqlitePool,
    /// The node's local database.
    pub local: SqlitePool,
}

impl Store {
    /// Opens (creating when absent) both databases, brings their schemas up to date, and makes
    /// sure this node has its control and status rows.
    ///
    /// # Errors
    /// When a database cannot be opened or migrated; the message names the file.
    pub async fn open(config: &Config) -> Result<Self> {
        let write = pool(&config.config_db, 1).await?;
        CONFIG_MIGRATIONS.run(&write).await.with_context(|| {
            format!(
                "updating the schema of the config database {}",
                config.config_db.display()
            )
        })?;
        let read = pool(&config.config_db, 4).await?;
        let local = pool(&config.local_db, 2).await?;
        LOCAL_MIGRATIONS.run(&local).await.with_context(|| {
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
        let mut conn = store
            .write
            .acquire()
            .await
            .context("connecting to the config database")?;
        control::register(&mut conn, config)
            .await
            .context("registering this node in the config database")?;
        Ok(store)
    }

    /// Closes every pool, waiting for connections in use to be returned.
    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
        self.local.close().await;
    }
}

async fn pool(path: &Path, connections: u32) -> Result<SqlitePool> {
    let url = format!("sqlite://{}", path.display());
    let options = SqliteConnectOptions::from_str(&url)
        .with_context(|| format!("opening database {}", path.display()))?
        .create_if_missing(true)
        .foreign_keys(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(10));
    SqlitePoolOptions::new()
        .max_connections(connections)
        .min_connections(1)
        .connect_with(options)
        .await
        .with_context(|| format!("opening database {}", path.display()))
}
