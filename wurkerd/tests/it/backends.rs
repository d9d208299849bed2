//! The backends a storage test runs on, each test in a database of its own.
//!
//! SQLite always runs, in a temporary directory. MySQL/MariaDB and PostgreSQL run when
//! `WURKER_TEST_MYSQL_URL` / `WURKER_TEST_POSTGRES_URL` name a server (the URL's database is
//! only used to connect as an administrator): each test gets a fresh database with a unique
//! name, which Wurker itself creates, and which is dropped when the test ends, pass or fail.
//! Parallel test processes therefore never share a database.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use protocol::home::Layout;
use sqlx::{AssertSqlSafe, Connection, MySqlConnection, PgConnection};
use tempfile::TempDir;
use url::Url;
use uuid::Uuid;
use wurkerd::config::Config;
use wurkerd::store::Store;

/// A backend under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    MySql,
    Postgres,
}

impl Kind {
    fn env(self) -> Option<&'static str> {
        match self {
            Kind::Sqlite => None,
            Kind::MySql => Some("WURKER_TEST_MYSQL_URL"),
            Kind::Postgres => Some("WURKER_TEST_POSTGRES_URL"),
        }
    }

    fn driver(self) -> &'static str {
        match self {
            Kind::Sqlite => "sqlite",
            Kind::MySql => "mysql",
            Kind::Postgres => "postgresql",
        }
    }
}

/// A config database for one test, and the temporary home its nodes live in.
pub struct TestDb {
    pub kind: Kind,
    pub home: TempDir,
    /// The server's administrator URL and the test database's name.
    server: Option<(Url, String)>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestDb {
    /// A fresh database on `kind`, or `None` (the test is skipped, and says so) when no server
    /// is configured for it.
    pub fn new(kind: Kind) -> Option<Self> {
        let home = tempfile::Builder::new()
            .prefix("wurker-store-")
            .tempdir()
            .expect("the temp directory is writable");
        let server = match kind.env() {
            None => None,
            Some(var) => {
                let Ok(text) = std::env::var(var) else {
                    eprintln!("skipped: {var} is not set");
                    return None;
                };
                let url = Url::parse(&text).unwrap_or_else(|err| panic!("{var}: {err}"));
                Some((url, unique_name()))
            }
        };
        Some(Self { kind, home, server })
    }

    /// The test database's name on the server (SQLite: `None`).
    pub fn name(&self) -> Option<&str> {
        self.server.as_ref().map(|(_, name)| name.as_str())
    }

    /// The `[remote_db]` table pointing at this database, as a URL.
    pub fn remote_db_toml(&self) -> String {
        match &self.server {
            None => "[remote_db]\ndbdriver = \"sqlite\"\ndatabase = \"config.db\"\n".to_string(),
            Some((admin, name)) => format!(
                "[remote_db]\ndbdriver = \"{}\"\nurl = \"{}\"\n",
                self.kind.driver(),
                url_for(admin, name)
            ),
        }
    }

    /// The configuration of one node on this database; each node has its own local database.
    pub fn config(&self, app_id: Uuid) -> Config {
        self.config_with(app_id, &self.remote_db_toml())
    }

    /// As [`TestDb::config`], with `remote_db` as the `[remote_db]` table.
    pub fn config_with(&self, app_id: Uuid, remote_db: &str) -> Config {
        let layout = Layout::new(self.home.path().to_path_buf());
        std::fs::create_dir_all(&layout.data).expect("the home is writable");
        let text = format!(
            "[wurker]\nname = \"Node {app_id}\"\napp_id = \"{app_id}\"\n\
             [local_db]\ndbdriver = \"sqlite\"\ndatabase = \"local-{app_id}.db\"\n{remote_db}"
        );
        Config::parse(&layout, &text).unwrap_or_else(|err| panic!("{err}\n{text}"))
    }

    /// Opens a node on this database.
    pub async fn open(&self, app_id: Uuid) -> Store {
        Store::open(&self.config(app_id))
            .await
            .unwrap_or_else(|err| panic!("opening the store on {:?}: {err:#}", self.kind))
    }

    /// An administrator URL of the server with `name` as its database.
    pub fn admin_url(&self) -> Option<Url> {
        self.server.as_ref().map(|(admin, _)| admin.clone())
    }

    /// Where a SQLite config database is.
    pub fn sqlite_path(&self) -> std::path::PathBuf {
        self.home.path().join("data/config.db")
    }
}

/// The administrator URL with another database.
pub fn url_for(admin: &Url, name: &str) -> Url {
    let mut url = admin.clone();
    url.set_path(&format!("/{name}"));
    url
}

fn unique_name() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("wurker_t_{}_{count}_{nanos}", std::process::id())
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin, name)) = self.server.clone() else {
            return;
        };
        let kind = self.kind;
        // Drop may run inside the test's runtime, which cannot be blocked on: clean up from a
        // thread of its own.
        let cleanup = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime can be built");
            runtime.block_on(drop_database(kind, &admin, &name));
        });
        let _ = cleanup.join();
    }
}

async fn drop_database(kind: Kind, admin: &Url, name: &str) {
    let result = match kind {
        Kind::Sqlite => Ok(()),
        Kind::MySql => match MySqlConnection::connect(admin.as_str()).await {
            Ok(mut conn) => {
                let sql = format!("DROP DATABASE IF EXISTS `{name}`");
                sqlx::raw_sql(AssertSqlSafe(sql))
                    .execute(&mut conn)
                    .await
                    .map(drop)
            }
            Err(err) => Err(err),
        },
        Kind::Postgres => match PgConnection::connect(admin.as_str()).await {
            Ok(mut conn) => {
                let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                sqlx::raw_sql(AssertSqlSafe(sql))
                    .execute(&mut conn)
                    .await
                    .map(drop)
            }
            Err(err) => Err(err),
        },
    };
    if let Err(err) = result {
        eprintln!("cannot drop the test database {name}: {err}");
    }
}

/// Runs one raw statement as the server's administrator.
pub async fn admin_execute(db: &TestDb, sql: String) {
    let admin = db.admin_url().expect("a server backend");
    let result = match db.kind {
        Kind::MySql => {
            let mut conn = MySqlConnection::connect(admin.as_str())
                .await
                .expect("the admin can connect");
            sqlx::raw_sql(AssertSqlSafe(sql.clone()))
                .execute(&mut conn)
                .await
                .map(drop)
        }
        Kind::Postgres => {
            let mut conn = PgConnection::connect(admin.as_str())
                .await
                .expect("the admin can connect");
            sqlx::raw_sql(AssertSqlSafe(sql.clone()))
                .execute(&mut conn)
                .await
                .map(drop)
        }
        Kind::Sqlite => panic!("no administrator on SQLite"),
    };
    result.unwrap_or_else(|err| panic!("{sql}: {err}"));
}

/// Defines, for each story function `name(kind)`, a test per backend: `name::sqlite`,
/// `name::mysql`, `name::postgres`.
#[macro_export]
macro_rules! on_every_backend {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            use $crate::backends::Kind;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(Kind::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn mysql() {
                super::$name(Kind::MySql).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(Kind::Postgres).await;
            }
        }
    )*};
}
