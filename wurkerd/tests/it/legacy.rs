//! A config database written by Wurker 0.1.33 (its exact SQLite schema and rows in its format)
//! is opened as it is: its definitions, queue and reports read back right, new rows are added,
//! and what Wurker writes is in the form Wurker 0.1 reads (16-byte UUIDs, 0/1 booleans, JSON
//! text, naive UTC times), with its Alembic revision untouched.

use std::path::Path;
use std::str::FromStr;

use protocol::JsonText;
use protocol::model::CronField;
use serde_json::json;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, Row as _, SqliteConnection};
use uuid::Uuid;
use wurkerd::store::{bees, commands, crons, query, queue};

use crate::backends::{Kind, TestDb};
use crate::story::bee;

const SCHEMA: &str = include_str!("../../../tests/fixtures/wurker-0.1/schema-remote.sql");
const ROWS: &str = include_str!("../../../tests/fixtures/wurker-0.1/rows.sql");
const QUEEN: &str = "6b018c2b-77b7-40ca-bb82-cc8378252f67";
const DRONE: &str = "0d2d5f3a-9c61-4c55-8f0e-3a7b6f2b1c44";

async fn raw(path: &Path) -> SqliteConnection {
    let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
        .unwrap()
        .create_if_missing(true);
    SqliteConnection::connect_with(&options).await.unwrap()
}

async fn write_fixture(path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut conn = raw(path).await;
    sqlx::raw_sql(SCHEMA).execute(&mut conn).await.unwrap();
    sqlx::raw_sql(ROWS).execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wurker_0_1_database_is_read_as_it_is() {
    let db = TestDb::new(Kind::Sqlite).unwrap();
    write_fixture(&db.sqlite_path()).await;
    let queen = Uuid::from_str(QUEEN).unwrap();
    let store = db.open(queen).await;
    let mut conn = store.read.acquire().await.unwrap();

    let commands = commands::list(&mut conn, queen, None).await.unwrap();
    let described: Vec<(&str, bool)> = commands
        .iter()
        .map(|c| (c.slug.as_str(), c.is_module))
        .collect();
    assert_eq!(described, [("test_bee_sh", false), ("test_pybee", true)]);
    let every = crons::find(&mut conn, queen, "every_5_minutes")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (every.cron.as_deref(), every.overrun),
        (Some("*/5 * * * *"), 1)
    );

    let bees = bees::list(&mut conn, queen, None).await.unwrap();
    let slugs: Vec<&str> = bees.iter().map(|b| b.slug.as_str()).collect();
    assert_eq!(
        slugs,
        [
            "test_bee_sh_1",
            "test_bee_sh_2",
            "test_bee_sh_3",
            "test_pybee_1"
        ]
    );
    let shell = &bees[0];
    assert_eq!(shell.app_id, queen);
    assert!(!shell.quiet_restart, "a NULL quiet_restart reads as false");
    assert_eq!(shell.cron, Some(CronField::Supervised));
    assert_eq!(
        shell.args.as_ref().map(JsonText::to_value),
        Some(json!(["-c", "sleep 300"]))
    );
    assert!(!bees[1].enabled && bees[1].quiet_restart);
    assert_eq!(bees[2].args, None, "JSON null is no args");
    assert_eq!(bees[2].cron_slug, None);
    let pybee = &bees[3];
    assert_eq!(pybee.module.as_deref(), Some("test_pybee"));
    assert_eq!(
        pybee.args.as_ref().map(JsonText::to_value),
        Some(json!({"message": "hello", "count": 3}))
    );

    let queued = queue::list(&mut conn, queen).await.unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!(
        (queued[0].bee_slug.as_str(), &queued[0].args),
        ("test_bee_sh_3", &None)
    );

    let report = query(
        "SELECT hive_timestamp, hive_duration, status, status_info, created_at \
         FROM wurker_bee_report WHERE id = 1",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(report.opt_float("hive_duration").unwrap(), Some(1.5));
    assert_eq!(report.text("status").unwrap(), "COMPLETED");
    let at = report.time("hive_timestamp").unwrap().unwrap();
    assert_eq!(at.to_rfc3339(), "2024-05-01T10:05:01.504311+00:00");
    assert!(report.time("created_at").unwrap().is_some());

    // The Drone's rows are in the same file, and stay out of the Queen's view.
    let drone = Uuid::from_str(DRONE).unwrap();
    let drone_bees = bees::list(&mut conn, drone, None).await.unwrap();
    assert_eq!(drone_bees.len(), 1);
    assert_eq!(drone_bees[0].name, "Drone Bee");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_wurker_writes_stays_readable_by_wurker_0_1() {
    let db = TestDb::new(Kind::Sqlite).unwrap();
    let path = db.sqlite_path();
    write_fixture(&path).await;
    let queen = Uuid::from_str(QUEEN).unwrap();
    let store = db.open(queen).await;

    let mut tx = store.write.begin().await.unwrap();
    let sh = commands::find(&mut tx, queen, "test_bee_sh")
        .await
        .unwrap()
        .unwrap();
    let mut row = bee(queen, "added_by_wurker", sh.id, Some(1));
    row.quiet_restart = true;
    let id = bees::insert(&mut tx, &row).await.unwrap();
    queue::insert(&mut tx, queen, id, Some(&JsonText("[\"now\"]".into())))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    store.close().await;

    let mut conn = raw(&path).await;
    let revision: String = sqlx::query_scalar("SELECT version_num FROM alembic_version")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(revision, "c7d9e2f4a801");
    let stored = sqlx::query(
        "SELECT typeof(app_id) AS kind, length(app_id) AS len, quiet_restart, enabled, args \
         FROM wurker_bee WHERE id = ?",
    )
    .bind(id)
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(stored.get::<String, _>("kind"), "blob");
    assert_eq!(stored.get::<i64, _>("len"), 16);
    assert_eq!(stored.get::<i64, _>("quiet_restart"), 1);
    assert_eq!(stored.get::<i64, _>("enabled"), 1);
    let args: String = stored.get("args");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&args).unwrap(),
        json!(["-c", "echo \"hi\" ünïcode"])
    );

    // SQLAlchemy reads DATETIME text as `YYYY-MM-DD HH:MM:SS[.ffffff]`, without a zone.
    let created: String =
        sqlx::query_scalar("SELECT created_at FROM wurker_queue WHERE wurker_bee_id = ?")
            .bind(id)
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert!(
        chrono::NaiveDateTime::parse_from_str(&created, "%Y-%m-%d %H:%M:%S%.f").is_ok(),
        "created_at {created:?} is naive UTC text"
    );
    let status: (i64, String) =
        sqlx::query_as("SELECT is_queen, slug FROM wurker_status WHERE app_id = ?")
            .bind(queen.as_bytes().as_slice())
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(status.0, 1);
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    assert!(
        tables.contains(&"_sqlx_migrations".to_string()),
        "{tables:?}"
    );
    assert!(
        !tables.iter().any(|t| t == "wurker_hive"),
        "local tables stay out: {tables:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_config_database_in_the_local_file_opens_as_in_the_original() {
    // An empty `[remote_db] dbdriver` means "the [local_db] table": both databases are then
    // one SQLite file, and each keeps its own record of applied migrations.
    let db = TestDb::new(Kind::Sqlite).unwrap();
    let app_id = Uuid::new_v4();
    let config = db.config_with(app_id, "[remote_db]\ndbdriver = \"\"\n");
    for _ in 0..2 {
        let store = wurkerd::store::Store::open(&config).await.unwrap();
        let mut conn = store.write.acquire().await.unwrap();
        let slug = format!(
            "c{}",
            commands::list(&mut conn, app_id, None).await.unwrap().len()
        );
        commands::insert(&mut conn, &crate::story::command(app_id, &slug, false))
            .await
            .unwrap();
        drop(conn);
        store.close().await;
    }
    let mut conn = raw(&config.local_db).await;
    let commands: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM wurker_command")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        commands,
        2,
        "both tables sets live in {}",
        config.local_db.display()
    );
}
