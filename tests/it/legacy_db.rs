//! An existing Wurker 0.1 installation's SQLite config database, used by a real `wurkerd`
//! without conversion: the database is built from Wurker 0.1.33's exact schema and rows in its
//! format (`tests/fixtures/wurker-0.1`), the daemon shows its definitions, changes them, and
//! leaves the file in the form Wurker 0.1 reads, with the other node's rows untouched.

use std::path::Path;
use std::str::FromStr;

use serde_json::json;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, Row, SqliteConnection};
use wurker_e2e::{Daemon, block_on, home_with};

use crate::fixtures::slugs;

const SCHEMA: &str = include_str!("../fixtures/wurker-0.1/schema-remote.sql");
const ROWS: &str = include_str!("../fixtures/wurker-0.1/rows.sql");
/// The node the fixture's rows mostly belong to (Wurker 0.1's packaged default `app_id`).
const QUEEN: &str = "6b018c2b-77b7-40ca-bb82-cc8378252f67";
const QUEEN_APP_ID: [u8; 16] = [
    0x6b, 0x01, 0x8c, 0x2b, 0x77, 0xb7, 0x40, 0xca, 0xbb, 0x82, 0xcc, 0x83, 0x78, 0x25, 0x2f, 0x67,
];
const DRONE_APP_ID: [u8; 16] = [
    0x0d, 0x2d, 0x5f, 0x3a, 0x9c, 0x61, 0x4c, 0x55, 0x8f, 0x0e, 0x3a, 0x7b, 0x6f, 0x2b, 0x1c, 0x44,
];

async fn open(path: &Path) -> SqliteConnection {
    let url = format!("sqlite://{}", path.display());
    let options = SqliteConnectOptions::from_str(&url)
        .expect("a file URL")
        .create_if_missing(true);
    SqliteConnection::connect_with(&options)
        .await
        .expect("the fixture database opens")
}

fn write_fixture(path: &Path) {
    block_on(async {
        let mut conn = open(path).await;
        for sql in [SCHEMA, ROWS] {
            sqlx::raw_sql(sql)
                .execute(&mut conn)
                .await
                .expect("the fixture SQL runs");
        }
    });
}

/// Sets the pause flag of the fixture's node, as `wurk admin control pause` would.
fn pause_in_fixture(path: &Path) {
    block_on(async {
        let mut conn = open(path).await;
        sqlx::query("UPDATE wurker_control SET pause = 1 WHERE app_id = ?")
            .bind(QUEEN_APP_ID.as_slice())
            .execute(&mut conn)
            .await
            .expect("the pause flag is written");
    });
}

#[test]
fn a_wurker_0_1_sqlite_config_database_works_without_conversion() {
    let home = home_with(
        "Wurker",
        QUEEN,
        "[remote_db]\ndbdriver = \"sqlite\"\ndatabase = \"wurker-remote.db\"\n",
    );
    let db = home.path().join("data/wurker-remote.db");
    std::fs::create_dir_all(db.parent().expect("a data directory")).expect("writable home");
    write_fixture(&db);
    // Paused from its first moment, the node runs none of the fixture's Bees, so the queue stays
    // as it is written (a pause sent after the start would race the queued Bee, which exits at
    // once and leaves the queue).
    pause_in_fixture(&db);

    let mut daemon = Daemon::start_in(home.path());
    assert_eq!(
        daemon.show(&["hive"]),
        json!({}),
        "a paused node runs nothing"
    );
    let bees = daemon.show(&["bee"]);
    let listed = [
        "test_bee_sh_1",
        "test_bee_sh_2",
        "test_bee_sh_3",
        "test_pybee_1",
    ];
    assert_eq!(slugs(&bees), listed);
    assert_eq!(bees[0]["app_id"], QUEEN);
    assert_eq!(bees[0]["args"], json!(["-c", "sleep 300"]));
    assert_eq!(bees[0]["quiet_restart"], false, "NULL reads as false");
    assert_eq!(bees[3]["module"], "test_pybee");
    assert_eq!(bees[3]["args"], json!({"message": "hello", "count": 3}));

    let all = daemon.show(&[]);
    assert!(
        all["supervised"]["supervised"]["test_bee_sh_1"].is_object(),
        "{all}"
    );
    assert!(
        all["scheduled"]["every_5_minutes"]["test_pybee_1"].is_object(),
        "{all}"
    );
    assert!(
        all["disabled"]["every_5_minutes"]["test_bee_sh_2"].is_object(),
        "{all}"
    );
    assert!(
        all["ondemand"]["ondemand"]["test_bee_sh_3"].is_object(),
        "{all}"
    );
    assert!(
        all["orphaned"]["orphaned"]["test_bee_sh_3"].is_object(),
        "{all}"
    );

    daemon.add(
        "bee",
        &json!({"slug": "added", "name": "Added", "command_slug": "test_bee_sh",
                "cron_slug": "supervised", "args": ["-c", "true"], "quiet_restart": true}),
    );
    daemon.edit("cron", "every_5_minutes", &json!({"overrun": 3}));
    daemon.remove("ondemand", "test_bee_sh_3");
    daemon
        .wurk_stdin(&["add", "ondemand"], r#"[{"test_pybee_1": {"count": 4}}]"#)
        .assert_silent_ok();
    daemon.stop();

    check_stored_as_wurker_0_1_writes(&db);
    // A second start finds its migrations applied and the database as it left it.
    let mut again = Daemon::start_in(home.path());
    assert_eq!(slugs(&again.show(&["bee"])).len(), 5);
    again.stop();
}

fn check_stored_as_wurker_0_1_writes(db: &Path) {
    block_on(async {
        let mut conn = open(db).await;
        let revision: String = sqlx::query_scalar("SELECT version_num FROM alembic_version")
            .fetch_one(&mut conn)
            .await
            .expect("alembic_version is kept");
        assert_eq!(revision, "c7d9e2f4a801");

        let added = sqlx::query(
            "SELECT typeof(app_id) AS kind, length(app_id) AS len, quiet_restart, enabled, \
             args, cron_id FROM wurker_bee WHERE slug = 'added'",
        )
        .fetch_one(&mut conn)
        .await
        .expect("the new Bee is stored");
        assert_eq!(added.get::<String, _>("kind"), "blob");
        assert_eq!(added.get::<i64, _>("len"), 16);
        assert_eq!(added.get::<i64, _>("quiet_restart"), 1);
        assert_eq!(added.get::<i64, _>("enabled"), 1);
        assert_eq!(added.get::<i64, _>("cron_id"), 1);
        let args: String = added.get("args");
        let args: serde_json::Value = serde_json::from_str(&args).expect("args are JSON text");
        assert_eq!(args, json!(["-c", "true"]));

        let queued = sqlx::query("SELECT wurker_bee_id, args, created_at FROM wurker_queue")
            .fetch_all(&mut conn)
            .await
            .expect("the queue reads");
        assert_eq!(queued.len(), 1);
        assert_eq!(queued[0].get::<i64, _>("wurker_bee_id"), 2);
        let created: String = queued[0].get("created_at");
        assert!(
            chrono::NaiveDateTime::parse_from_str(&created, "%Y-%m-%d %H:%M:%S%.f").is_ok(),
            "created_at {created:?} is naive UTC text"
        );
        let overrun: i64 = sqlx::query_scalar("SELECT overrun FROM wurker_cron WHERE id = 2")
            .fetch_one(&mut conn)
            .await
            .expect("the Cron reads");
        assert_eq!(overrun, 3);

        // The Drone's rows in the same file are as Wurker 0.1 left them.
        let drone: Vec<(String, String)> = sqlx::query_as(
            "SELECT b.slug, b.name FROM wurker_bee b WHERE b.app_id = ? \
             UNION ALL SELECT target, \"key\" FROM wurker_kill_queue WHERE app_id = ?",
        )
        .bind(DRONE_APP_ID.as_slice())
        .bind(DRONE_APP_ID.as_slice())
        .fetch_all(&mut conn)
        .await
        .expect("the Drone's rows read");
        assert_eq!(
            drone,
            [
                ("test_bee_sh_1".to_string(), "Drone Bee".to_string()),
                ("bee".to_string(), "test_bee_sh_1".to_string())
            ]
        );
        let reports: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM wurker_bee_report WHERE id <= 2")
                .fetch_one(&mut conn)
                .await
                .expect("reports read");
        assert_eq!(reports, 2, "reports are kept");
    });
}
