//! Config databases for end-to-end tests: a home whose `wurker.toml` points at a given
//! `[remote_db]`, and, when `WURKER_TEST_MYSQL_URL` / `WURKER_TEST_POSTGRES_URL` name a server,
//! a database of the test's own on it (a unique name; dropped when the guard is dropped).
//!
//! The calls are blocking: each runs on a small runtime of its own, as the tests are plain
//! `#[test]` functions.

use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::{AssertSqlSafe, Connection, MySqlConnection, PgConnection};
use tempfile::TempDir;
use url::Url;

/// Which server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Server {
    MySql,
    Postgres,
}

/// A database of the test's own on a server.
pub struct ServerDatabase {
    pub server: Server,
    admin: Url,
    pub name: String,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl ServerDatabase {
    /// A fresh name on the server, or `None` (the test says it is skipped) when the server's
    /// URL is not set. The database itself is left for Wurker to create.
    ///
    /// # Panics
    /// When the URL is set but not a URL.
    pub fn new(server: Server) -> Option<Self> {
        let var = match server {
            Server::MySql => "WURKER_TEST_MYSQL_URL",
            Server::Postgres => "WURKER_TEST_POSTGRES_URL",
        };
        let Ok(text) = std::env::var(var) else {
            eprintln!("skipped: {var} is not set");
            return None;
        };
        let admin = Url::parse(&text).unwrap_or_else(|err| panic!("{var}: {err}"));
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        let name = format!("wurker_e2e_{}_{count}_{nanos}", std::process::id());
        Some(Self {
            server,
            admin,
            name,
        })
    }

    /// The database's URL, with `password` added to the account when given.
    pub fn url(&self, password: Option<&str>) -> Url {
        let mut url = self.admin.clone();
        url.set_path(&format!("/{}", self.name));
        if let Some(password) = password {
            url.set_password(Some(password))
                .expect("a server URL can carry a password");
        }
        url
    }

    /// The `[remote_db]` table naming this database by URL.
    pub fn remote_db(&self, password: Option<&str>) -> String {
        let driver = match self.server {
            Server::MySql => "mysql",
            Server::Postgres => "postgresql",
        };
        format!(
            "[remote_db]\ndbdriver = \"{driver}\"\nurl = \"{}\"\n",
            self.url(password)
        )
    }

    /// Runs statements as the server's administrator, connected to the server's own database.
    ///
    /// # Panics
    /// When a statement fails.
    pub fn admin(&self, sql: &str) {
        let (server, admin, sql) = (self.server, self.admin.to_string(), sql.to_string());
        block_on(async move {
            let result = match server {
                Server::MySql => match MySqlConnection::connect(&admin).await {
                    Ok(mut conn) => sqlx::raw_sql(AssertSqlSafe(sql.clone()))
                        .execute(&mut conn)
                        .await
                        .map(drop),
                    Err(err) => Err(err),
                },
                Server::Postgres => match PgConnection::connect(&admin).await {
                    Ok(mut conn) => sqlx::raw_sql(AssertSqlSafe(sql.clone()))
                        .execute(&mut conn)
                        .await
                        .map(drop),
                    Err(err) => Err(err),
                },
            };
            result.unwrap_or_else(|err| panic!("{sql}: {err}"));
        });
    }
}

impl Drop for ServerDatabase {
    fn drop(&mut self) {
        let sql = match self.server {
            Server::MySql => format!("DROP DATABASE IF EXISTS `{}`", self.name),
            Server::Postgres => format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name),
        };
        // Never panic in drop: a failing test would abort instead of reporting.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.admin(&sql)));
        if result.is_err() {
            eprintln!("cannot drop the test database {}", self.name);
        }
    }
}

/// Runs a future to completion on a runtime of its own.
///
/// # Panics
/// When no runtime can be built.
pub fn block_on<T>(future: impl Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime can be built")
        .block_on(future)
}

/// A temporary home whose `etc/wurker.toml` names the node and its config database; the daemon
/// fills in everything else on its first start.
///
/// # Panics
/// When the home cannot be written.
pub fn home_with(name: &str, app_id: &str, remote_db: &str) -> TempDir {
    let home = tempfile::Builder::new()
        .prefix("wurker-home-")
        .tempdir()
        .expect("the temp directory is writable");
    write_config(home.path(), name, app_id, remote_db);
    home
}

/// Writes `etc/wurker.toml` of a home.
///
/// # Panics
/// When the file cannot be written.
pub fn write_config(home: &Path, name: &str, app_id: &str, remote_db: &str) {
    let etc = home.join("etc");
    std::fs::create_dir_all(&etc).expect("the home is writable");
    let text = format!("[wurker]\nname = \"{name}\"\napp_id = \"{app_id}\"\n\n{remote_db}");
    std::fs::write(etc.join("wurker.toml"), text).expect("the home is writable");
}
