//! Opening the databases: connection options for each backend (TLS, MySQL's session modes),
//! creating a server database that does not exist yet, and the embedded migrations, one folder
//! per backend.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::{Context, Result};
use sqlx::migrate::Migrator;
use sqlx::mysql::{MySqlConnectOptions, MySqlDatabaseError, MySqlPoolOptions, MySqlSslMode};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgSslMode};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{AssertSqlSafe, Connection, MySqlConnection, PgConnection};

use crate::config::{ServerDb, ServerKind, TlsMode};
use crate::store::{Dialect, Health, Pool};

/// How long a request waits for a server connection before the database counts as unavailable.
const SERVER_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);
/// Connections per server pool; the server is shared by a Colony, so each node keeps few.
const SERVER_CONNECTIONS: u32 = 5;

/// MySQL sessions accept `"quoted"` identifiers (so one statement text serves every backend)
/// and refuse over-long or mistyped values rather than cut or coerce them.
const MYSQL_SESSION: &str =
    "SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES,STRICT_TRANS_TABLES')";

/// Opens a SQLite database, creating the file when absent. Another process opening the same
/// file at the same moment (nodes sharing a config file, starting together) may hold the lock
/// that switching to WAL needs; that is retried for a few seconds.
pub(crate) async fn sqlite(path: &Path, connections: u32, health: Health) -> Result<Pool> {
    let url = format!("sqlite://{}", path.display());
    let options = SqliteConnectOptions::from_str(&url)
        .with_context(|| format!("opening database {}", path.display()))?
        .create_if_missing(true)
        .foreign_keys(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(10));
    let mut attempt = 0;
    let pool = loop {
        let opened = SqlitePoolOptions::new()
            .max_connections(connections)
            .min_connections(1)
            .connect_with(options.clone())
            .await;
        match opened {
            Err(err) if attempt < SQLITE_OPEN_ATTEMPTS && is_locked(&err) => {
                attempt += 1;
                tokio::time::sleep(SQLITE_OPEN_BACKOFF * attempt).await;
            }
            opened => {
                break opened.with_context(|| format!("opening database {}", path.display()))?;
            }
        }
    };
    Ok(Pool::sqlite(pool, health))
}

/// How often, and how far apart (growing), a locked SQLite file is tried again at opening.
const SQLITE_OPEN_ATTEMPTS: u32 = 8;
const SQLITE_OPEN_BACKOFF: Duration = Duration::from_millis(50);

/// Whether SQLite answered BUSY or LOCKED.
fn is_locked(err: &sqlx::Error) -> bool {
    err.as_database_error()
        .and_then(|db| db.code())
        .and_then(|code| code.parse::<i64>().ok())
        .is_some_and(|code| matches!(code & 0xff, 5 | 6))
}

/// Opens a pool on a server database, creating the database first when it does not exist and
/// the account may create it. Connections are made lazily, and remade after the server drops
/// them.
///
/// # Errors
/// When the server cannot be reached or refuses the account, or the database is missing and
/// cannot be created.
pub(crate) async fn server(db: &ServerDb, health: Health) -> Result<Pool> {
    match db.kind {
        ServerKind::MySql => {
            let options = mysql_options(db)?;
            ensure_mysql_database(&options, &db.database).await?;
            let pool = MySqlPoolOptions::new()
                .max_connections(SERVER_CONNECTIONS)
                .acquire_timeout(SERVER_ACQUIRE_TIMEOUT)
                .after_connect(|conn, _| {
                    Box::pin(
                        async move { sqlx::raw_sql(MYSQL_SESSION).execute(conn).await.map(drop) },
                    )
                })
                .connect_lazy_with(options);
            Ok(Pool::mysql(pool, health))
        }
        ServerKind::Postgres => {
            let options = postgres_options(db)?;
            ensure_postgres_database(&options, &db.database).await?;
            let pool = PgPoolOptions::new()
                .max_connections(SERVER_CONNECTIONS)
                .acquire_timeout(SERVER_ACQUIRE_TIMEOUT)
                .connect_lazy_with(options);
            Ok(Pool::postgres(pool, health))
        }
    }
}

/// Brings the config database's schema up to date with the migrations of its backend.
pub(crate) async fn migrate_config(pool: &Pool) -> Result<(), sqlx::migrate::MigrateError> {
    let migrator: Migrator = match pool.dialect() {
        Dialect::Sqlite => sqlx::migrate!("./migrations/config-sqlite"),
        Dialect::MySql => sqlx::migrate!("./migrations/config-mysql"),
        Dialect::Postgres => sqlx::migrate!("./migrations/config-postgres"),
    };
    pool.migrate(migrator).await
}

/// Brings the local database's schema up to date. Its migrations are recorded in a table of
/// their own, so that a config database kept in the same SQLite file (an empty
/// `[remote_db] dbdriver`, as the original allowed) keeps its own record in `_sqlx_migrations`.
pub(crate) async fn migrate_local(pool: &Pool) -> Result<(), sqlx::migrate::MigrateError> {
    let mut migrator = sqlx::migrate!("./migrations/local-sqlite");
    migrator.dangerous_set_table_name(LOCAL_MIGRATIONS_TABLE);
    pool.migrate(migrator).await
}

/// Where the local database records its applied migrations.
const LOCAL_MIGRATIONS_TABLE: &str = "_wurker_local_migrations";

fn mysql_options(db: &ServerDb) -> Result<MySqlConnectOptions> {
    let mut options = match &db.url {
        Some(url) => {
            MySqlConnectOptions::from_str(url.expose()).context("reading remote_db.url")?
        }
        None => {
            let mut options = MySqlConnectOptions::new()
                .host(&db.host)
                .port(db.port)
                .database(&db.database);
            if !db.username.is_empty() {
                options = options.username(&db.username);
            }
            if !db.password.expose().is_empty() {
                options = options.password(db.password.expose());
            }
            options
        }
    };
    if let Some(mode) = db.tls.mode {
        options = options.ssl_mode(match mode {
            TlsMode::Disable => MySqlSslMode::Disabled,
            TlsMode::Prefer => MySqlSslMode::Preferred,
            TlsMode::Require => MySqlSslMode::Required,
            TlsMode::VerifyCa => MySqlSslMode::VerifyCa,
            TlsMode::VerifyFull => MySqlSslMode::VerifyIdentity,
        });
    }
    if let Some(ca) = &db.tls.ca {
        options = options.ssl_ca(ca);
    }
    if let Some((cert, key)) = &db.tls.client {
        options = options.ssl_client_cert(cert).ssl_client_key(key);
    }
    Ok(options)
}

fn postgres_options(db: &ServerDb) -> Result<PgConnectOptions> {
    let mut options = match &db.url {
        Some(url) => PgConnectOptions::from_str(url.expose()).context("reading remote_db.url")?,
        None => {
            let mut options = PgConnectOptions::new()
                .host(&db.host)
                .port(db.port)
                .database(&db.database);
            if !db.username.is_empty() {
                options = options.username(&db.username);
            }
            if !db.password.expose().is_empty() {
                options = options.password(db.password.expose());
            }
            options
        }
    };
    options = options.application_name("wurkerd");
    if let Some(mode) = db.tls.mode {
        options = options.ssl_mode(match mode {
            TlsMode::Disable => PgSslMode::Disable,
            TlsMode::Prefer => PgSslMode::Prefer,
            TlsMode::Require => PgSslMode::Require,
            TlsMode::VerifyCa => PgSslMode::VerifyCa,
            TlsMode::VerifyFull => PgSslMode::VerifyFull,
        });
    }
    if let Some(ca) = &db.tls.ca {
        options = options.ssl_root_cert(ca);
    }
    if let Some((cert, key)) = &db.tls.client {
        options = options.ssl_client_cert(cert).ssl_client_key(key);
    }
    Ok(options)
}

/// MySQL's error number for "unknown database".
const MYSQL_UNKNOWN_DATABASE: u16 = 1049;

async fn ensure_mysql_database(options: &MySqlConnectOptions, name: &str) -> Result<()> {
    let err = match MySqlConnection::connect_with(options).await {
        Ok(conn) => return conn.close().await.map_err(Into::into),
        Err(err) => err,
    };
    let missing = err
        .as_database_error()
        .and_then(|db| db.try_downcast_ref::<MySqlDatabaseError>())
        .is_some_and(|db| db.number() == MYSQL_UNKNOWN_DATABASE);
    if !missing {
        return Err(err).context("connecting to the config database");
    }
    // Every account may open information_schema, so this works before the database exists.
    let mut admin = MySqlConnection::connect_with(&options.clone().database("information_schema"))
        .await
        .context("connecting to the server to create the config database")?;
    let create = format!(
        "CREATE DATABASE IF NOT EXISTS `{}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
        name.replace('`', "``")
    );
    sqlx::raw_sql(AssertSqlSafe(create))
        .execute(&mut admin)
        .await
        .with_context(|| {
            format!("creating the database '{name}' (or create it and grant access)")
        })?;
    tracing::info!(db.name = %name, "config database created");
    admin.close().await.map_err(Into::into)
}

/// PostgreSQL's SQLSTATEs for "no such database" and "database already exists" (the second,
/// or a unique violation in its catalog, when another node creates it at the same moment).
const PG_UNKNOWN_DATABASE: &str = "3D000";
const PG_CREATED_MEANWHILE: [&str; 2] = ["42P04", "23505"];

async fn ensure_postgres_database(options: &PgConnectOptions, name: &str) -> Result<()> {
    let err = match PgConnection::connect_with(options).await {
        Ok(conn) => return conn.close().await.map_err(Into::into),
        Err(err) => err,
    };
    let missing = err
        .as_database_error()
        .is_some_and(|db| db.code().as_deref() == Some(PG_UNKNOWN_DATABASE));
    if !missing {
        return Err(err).context("connecting to the config database");
    }
    let mut admin = PgConnection::connect_with(&options.clone().database("postgres"))
        .await
        .context("connecting to the server's 'postgres' database to create the config database")?;
    let create = format!("CREATE DATABASE \"{}\"", name.replace('"', "\"\""));
    match sqlx::raw_sql(AssertSqlSafe(create))
        .execute(&mut admin)
        .await
    {
        Ok(_) => tracing::info!(db.name = %name, "config database created"),
        // Another node created it at the same moment.
        Err(sqlx::Error::Database(err))
            if err
                .code()
                .is_some_and(|code| PG_CREATED_MEANWHILE.contains(&code.as_ref())) => {}
        Err(err) => {
            return Err(err).with_context(|| {
                format!("creating the database '{name}' (or create it and grant access)")
            });
        }
    }
    admin.close().await.map_err(Into::into)
}
