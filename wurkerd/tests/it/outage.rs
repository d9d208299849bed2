//! The config server going away under an open store and coming back: while it refuses
//! connections every call fails with `StoreError::Unavailable` (nothing else, and nothing
//! panics), and once it is back the same store works again without being reopened.
//!
//! The outage is made on the test's own database only, never on the shared server: PostgreSQL
//! stops accepting connections to that database and its sessions are terminated; MariaDB/MySQL
//! locks the test's own account and kills its sessions.

use sqlx::{AssertSqlSafe, Connection, MySqlConnection};
use uuid::Uuid;
use wurkerd::store::{Store, StoreError, commands};

use crate::backends::{Kind, TestDb, admin_execute};
use crate::story::command;

async fn slugs(store: &Store, app_id: Uuid) -> Result<Vec<String>, StoreError> {
    let mut conn = store.read.acquire().await?;
    let list = commands::list(&mut conn, app_id, None).await?;
    Ok(list.into_iter().map(|c| c.slug).collect())
}

async fn add(store: &Store, app_id: Uuid, slug: &str) -> Result<(), StoreError> {
    let mut tx = store.write.begin().await?;
    commands::insert(&mut tx, &command(app_id, slug, false)).await?;
    tx.commit().await
}

/// Checks the store across an outage that `down` starts and `up` ends.
async fn survives(store: &Store, app_id: Uuid, down: impl Future, up: impl Future) {
    add(store, app_id, "before").await.unwrap();
    down.await;

    let read = slugs(store, app_id).await;
    assert!(
        matches!(read, Err(StoreError::Unavailable(_))),
        "read during the outage: {read:?}"
    );
    let write = add(store, app_id, "during").await;
    assert!(
        matches!(write, Err(StoreError::Unavailable(_))),
        "write during the outage: {write:?}"
    );
    assert!(!store.is_available());
    assert!(store.check().await.unwrap_err().is_unavailable());

    up.await;
    store.check().await.unwrap();
    assert!(store.is_available());
    add(store, app_id, "after").await.unwrap();
    assert_eq!(slugs(store, app_id).await.unwrap(), ["after", "before"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_store_survives_its_database_going_away() {
    let Some(db) = TestDb::new(Kind::Postgres) else {
        return;
    };
    let app_id = Uuid::new_v4();
    let store = db.open(app_id).await;
    let name = db.name().unwrap().to_string();

    let down = async {
        admin_execute(
            &db,
            format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false"),
        )
        .await;
        admin_execute(
            &db,
            format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
            ),
        )
        .await;
    };
    let up = admin_execute(
        &db,
        format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true"),
    );
    survives(&store, app_id, down, up).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mysql_store_survives_its_database_going_away() {
    let Some(db) = TestDb::new(Kind::MySql) else {
        return;
    };
    let name = db.name().unwrap().to_string();
    let admin = db.admin_url().unwrap();
    // An account of the test's own, so that locking it touches nobody else.
    let user = format!("{}_u", &name[..name.len().min(24)]);
    let password = "p@ss:word/1";
    admin_execute(
        &db,
        format!("CREATE USER '{user}'@'%' IDENTIFIED BY '{password}'"),
    )
    .await;
    admin_execute(
        &db,
        format!("GRANT ALL PRIVILEGES ON `{name}`.* TO '{user}'@'%'"),
    )
    .await;
    let _account = DropUser(admin.to_string(), user.clone());

    let remote_db = format!(
        "[remote_db]\ndbdriver = \"mysql\"\nhostname = \"{}\"\nport = {}\nusername = \"{user}\"\n\
         password = \"{password}\"\ndatabase = \"{name}\"\n",
        admin.host_str().unwrap(),
        admin.port().unwrap_or(3306),
    );
    let app_id = Uuid::new_v4();
    let config = db.config_with(app_id, &remote_db);
    assert!(
        !format!("{config:?}").contains(password),
        "the password shows in {config:?}"
    );
    let store = Store::open(&config).await.unwrap();

    let down = async {
        admin_execute(&db, format!("ALTER USER '{user}'@'%' ACCOUNT LOCK")).await;
        kill_sessions(admin.as_str(), &user).await;
    };
    let up = admin_execute(&db, format!("ALTER USER '{user}'@'%' ACCOUNT UNLOCK"));
    survives(&store, app_id, down, up).await;
}

async fn kill_sessions(admin: &str, user: &str) {
    let mut conn = MySqlConnection::connect(admin).await.unwrap();
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM information_schema.processlist WHERE user = ?")
            .bind(user)
            .fetch_all(&mut conn)
            .await
            .unwrap();
    assert!(!ids.is_empty(), "the store holds a session to kill");
    for id in ids {
        sqlx::raw_sql(AssertSqlSafe(format!("KILL CONNECTION {id}")))
            .execute(&mut conn)
            .await
            .unwrap();
    }
}

/// Drops the test's MySQL account when the test ends.
struct DropUser(String, String);

impl Drop for DropUser {
    fn drop(&mut self) {
        let (admin, user) = (self.0.clone(), self.1.clone());
        let cleanup = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime can be built");
            runtime.block_on(async {
                if let Ok(mut conn) = MySqlConnection::connect(&admin).await {
                    let sql = format!("DROP USER IF EXISTS '{user}'@'%'");
                    let _ = sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut conn).await;
                }
            });
        });
        let _ = cleanup.join();
    }
}
