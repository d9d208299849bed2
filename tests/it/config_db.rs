//! Rows written straight into a daemon's config database (`data/wurker-remote.db`) the way
//! Wurker 0.1 wrote them, as the run reports and other nodes of a Colony sharing the database
//! would be: `app_id` as 16 raw bytes, `created_at`/`updated_at` to the second,
//! `hive_timestamp` to the microsecond, durations as floats, foreign keys not enforced. The
//! daemon keeps running meanwhile; SQLite's WAL lets both use the file.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use tokio::runtime::Runtime;
use uuid::Uuid;
use wurker_e2e::Daemon;

use crate::fixtures::{by_slug, write_script};

/// One run report as a test writes it.
#[derive(Debug, Clone)]
pub struct Run {
    pub id: i64,
    /// The node the report belongs to; `None` is the daemon's own node.
    pub app_id: Option<Uuid>,
    pub bee_id: i64,
    pub cron_id: Option<i64>,
    pub status: &'static str,
    /// Seconds; Wurker 0.1 stored a float in the INTEGER column.
    pub duration: f64,
    /// `created_at` and `updated_at`, in either stored form.
    pub created_at: &'static str,
    pub hive_timestamp: &'static str,
    pub status_info: &'static str,
}

/// A connection to a daemon's config database, with a runtime to drive it from a plain test.
pub struct ConfigDb {
    runtime: Runtime,
    pool: SqlitePool,
    app_id: Uuid,
}

impl ConfigDb {
    /// Opens the daemon's config database, with foreign keys off as Wurker 0.1 had them.
    ///
    /// # Panics
    /// When the runtime cannot start or the database cannot be opened.
    pub fn open(daemon: &Daemon) -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a test runtime starts");
        let pool = runtime.block_on(connect(&daemon.home().join("data/wurker-remote.db")));
        let app_id = Uuid::parse_str(&daemon.app_id()).expect("app_id is a UUID");
        Self {
            runtime,
            pool,
            app_id,
        }
    }

    /// Writes report rows.
    ///
    /// # Panics
    /// When a row cannot be written.
    pub fn insert(&self, runs: &[Run]) {
        for run in runs {
            let app_id = run.app_id.unwrap_or(self.app_id);
            let query = sqlx::query(
                "INSERT INTO wurker_bee_report (id, app_id, wurker_bee_id, wurker_cron_id, args, \
                 hive_pid, hive_timestamp, hive_runcount, hive_duration, status, status_info, \
                 created_at, updated_at) VALUES (?, ?, ?, ?, NULL, ?, ?, 1, ?, ?, ?, ?, ?)",
            )
            .bind(run.id)
            .bind(app_id.as_bytes().to_vec())
            .bind(run.bee_id)
            .bind(run.cron_id)
            .bind(20_000 + run.id)
            .bind(run.hive_timestamp)
            .bind(run.duration)
            .bind(run.status)
            .bind(run.status_info)
            .bind(run.created_at)
            .bind(run.created_at);
            self.runtime
                .block_on(query.execute(&self.pool))
                .unwrap_or_else(|err| panic!("cannot write report {}: {err}", run.id));
        }
    }

    /// Deletes a row by id without touching what refers to it, as Wurker 0.1 deleted Bees and
    /// Crons on SQLite.
    ///
    /// # Panics
    /// When the row cannot be deleted.
    pub fn delete_leaving_reports(&self, table: Table, id: i64) {
        let sql = match table {
            Table::Bee => "DELETE FROM wurker_bee WHERE id = ?",
            Table::Cron => "DELETE FROM wurker_cron WHERE id = ?",
        };
        self.runtime
            .block_on(sqlx::query(sql).bind(id).execute(&self.pool))
            .unwrap_or_else(|err| panic!("cannot delete {table:?} {id}: {err}"));
    }

    /// Registers another node in the shared database, as a Drone's Wurker 0.1 did: a control
    /// row and a status row.
    ///
    /// # Panics
    /// When a row cannot be written.
    pub fn insert_node(&self, app_id: Uuid, slug: &str, private_ip: &str) {
        let bytes = app_id.as_bytes().to_vec();
        let control = sqlx::query(
            "INSERT INTO wurker_control (app_id, seed, reload, pause) VALUES (?, 2, 1, 0)",
        )
        .bind(bytes.clone());
        self.runtime
            .block_on(control.execute(&self.pool))
            .unwrap_or_else(|err| panic!("cannot write the control row of {slug}: {err}"));
        let status = sqlx::query(
            "INSERT INTO wurker_status (app_id, slug, name, is_queen, env, private_ip, \
             public_ip, server_domain) VALUES (?, ?, ?, 0, 'production', ?, NULL, '')",
        )
        .bind(bytes)
        .bind(slug)
        .bind(slug.to_uppercase())
        .bind(private_ip);
        self.runtime
            .block_on(status.execute(&self.pool))
            .unwrap_or_else(|err| panic!("cannot write the status row of {slug}: {err}"));
    }

    /// The daemon's own `wurker_status` row: slug, env and private address.
    ///
    /// # Panics
    /// When the row cannot be read or does not exist.
    pub fn own_status(&self) -> (String, String, Option<String>) {
        let query =
            sqlx::query_as("SELECT slug, env, private_ip FROM wurker_status WHERE app_id = ?")
                .bind(self.app_id.as_bytes().to_vec());
        self.runtime
            .block_on(query.fetch_one(&self.pool))
            .unwrap_or_else(|err| panic!("cannot read this node's status row: {err}"))
    }
}

/// The definition tables a test deletes from.
#[derive(Debug, Clone, Copy)]
pub enum Table {
    Bee,
    Cron,
}

async fn connect(path: &Path) -> SqlitePool {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .foreign_keys(false)
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(Duration::from_secs(10));
    SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .unwrap_or_else(|err| panic!("cannot open {}: {err}", path.display()))
}

/// The ids of the definitions [`add_definitions`] made.
#[derive(Debug, Clone, Copy)]
pub struct Ids {
    pub zulu: i64,
    pub alpha: i64,
    pub mike: i64,
    pub minutely: i64,
    pub nightly: i64,
}

/// Adds, through `wurk add`, three disabled Bees (so that no runtime ever runs them): `zulu`
/// on Cron `minutely`, `alpha` on Cron `nightly`, and `mike` with no Cron. Bees are added in
/// an order that is not their slug order, so that sorting by slug is not sorting by id.
pub fn add_definitions(daemon: &Daemon) -> Ids {
    let script = write_script(daemon.workdir(), "job.sh");
    let script = script.to_str().expect("temp paths are UTF-8");
    daemon.add(
        "command",
        &serde_json::json!({"slug": "job", "name": "Job", "command": script}),
    );
    for (slug, cron) in [("minutely", "*/1 * * * *"), ("nightly", "0 3 * * *")] {
        daemon.add(
            "cron",
            &serde_json::json!({"slug": slug, "name": slug, "cron": cron}),
        );
    }
    for (slug, cron) in [
        ("zulu", Value::from("minutely")),
        ("alpha", Value::from("nightly")),
        ("mike", Value::Null),
    ] {
        let bee = serde_json::json!({"slug": slug, "name": format!("Bee {slug}"),
            "command_slug": "job", "cron_slug": cron, "enabled": false});
        daemon.add("bee", &bee);
    }
    let bees = daemon.show(&["bee"]);
    let crons = daemon.show(&["cron"]);
    let id = |list: &Value, slug: &str| {
        by_slug(list, slug)["id"]
            .as_i64()
            .expect("ids are integers")
    };
    Ids {
        zulu: id(&bees, "zulu"),
        alpha: id(&bees, "alpha"),
        mike: id(&bees, "mike"),
        minutely: id(&crons, "minutely"),
        nightly: id(&crons, "nightly"),
    }
}

/// Seven reports: six of this node (ids 1-5 and 7) in both stored forms, and one (id 6) of
/// another node that shares the database.
pub fn runs(ids: Ids) -> Vec<Run> {
    let run = |id, bee_id, cron_id, status, duration, created_at, hive_timestamp| Run {
        id,
        app_id: None,
        bee_id,
        cron_id,
        status,
        duration,
        created_at,
        hive_timestamp,
        status_info: r#"{"runcount": 1}"#,
    };
    let (minutely, nightly) = (Some(ids.minutely), Some(ids.nightly));
    let one = "2026-12-03 18:43:25";
    vec![
        run(
            1,
            ids.zulu,
            minutely,
            "COMPLETED",
            1.5,
            one,
            "2026-12-03 18:43:26.583045",
        ),
        Run {
            status_info: r#"{"runcount": 1, "errors": ["oops"], "exit_code": 3}"#,
            ..run(
                2,
                ids.alpha,
                nightly,
                "ERROR",
                7.25,
                "2026-12-03 18:43:25.500000",
                one,
            )
        },
        run(
            3,
            ids.zulu,
            minutely,
            "COMPLETED",
            0.25,
            "2026-12-03 18:44:00",
            one,
        ),
        run(
            4,
            ids.mike,
            None,
            "OVERRUN",
            0.0,
            "2026-12-03 18:44:00.000001",
            one,
        ),
        run(
            5,
            ids.alpha,
            nightly,
            "TIMEOUT",
            3.75,
            "2026-12-04 00:00:00",
            one,
        ),
        Run {
            app_id: Some(Uuid::from_u128(7)),
            ..run(
                6,
                ids.zulu,
                minutely,
                "COMPLETED",
                9.0,
                "2026-12-03 18:43:30",
                one,
            )
        },
        run(
            7,
            ids.mike,
            None,
            "ERROR",
            2.0,
            "2026-12-04 09:15:00.250000",
            one,
        ),
    ]
}
