//! What a node recorded about its runs, read straight from its SQLite config database
//! (`data/wurker-remote.db`): the run reports (`wurker_bee_report`) and the ondemand queue
//! (`wurker_queue`), as Wurker 0.1's tools and `wurk report` read them.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::Value;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, Row, SqliteConnection};

use super::databases::block_on;

/// The config database of a home that uses the default `[remote_db]`.
const CONFIG_DB: &str = "data/wurker-remote.db";

/// One row of `wurker_bee_report`, with the slug of its Bee.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The run id.
    pub id: i64,
    pub bee: String,
    pub cron_id: Option<i64>,
    pub pid: Option<i64>,
    /// `hive_timestamp`: when the run started.
    pub started_at: Option<DateTime<Utc>>,
    pub runcount: Option<i64>,
    /// `hive_duration`, in seconds.
    pub duration: f64,
    pub status: String,
    pub status_info: Value,
    pub args: Value,
}

impl Report {
    /// `status_info.exit_code`.
    pub fn exit_code(&self) -> Option<i64> {
        self.status_info["exit_code"].as_i64()
    }

    /// `status_info.errors`, joined by newlines (empty when there are none).
    pub fn errors(&self) -> String {
        self.status_info["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .map(|error| error.as_str().unwrap_or_default())
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default()
    }

    /// `status_info.message`.
    pub fn message(&self) -> Option<&str> {
        self.status_info["message"].as_str()
    }

    /// Whether the report is final (neither PROCESSING nor OVERRUN).
    pub fn is_final(&self) -> bool {
        !matches!(self.status.as_str(), "PROCESSING" | "OVERRUN")
    }
}

/// One item of the ondemand queue.
#[derive(Debug, Clone, PartialEq)]
pub struct Queued {
    pub bee: String,
    pub args: Value,
}

/// Every run report of the home's config database, oldest first.
///
/// # Panics
/// When the database cannot be read.
pub fn reports(home: &Path) -> Vec<Report> {
    let path = config_db(home);
    block_on(async move {
        let mut conn = open(&path).await;
        let rows = sqlx::query(
            "SELECT r.id, b.slug, r.wurker_cron_id, r.hive_pid, \
             CAST(r.hive_timestamp AS TEXT) AS started, r.hive_runcount, \
             CAST(r.hive_duration AS REAL) AS duration, CAST(r.status AS TEXT) AS status, \
             CAST(r.status_info AS TEXT) AS info, CAST(r.args AS TEXT) AS args \
             FROM wurker_bee_report r LEFT JOIN wurker_bee b ON b.id = r.wurker_bee_id \
             ORDER BY r.id",
        )
        .fetch_all(&mut conn)
        .await
        .unwrap_or_else(|err| panic!("cannot read the reports of {}: {err}", path.display()));
        rows.iter()
            .map(|row| Report {
                id: row.get("id"),
                bee: row.get::<Option<String>, _>("slug").unwrap_or_default(),
                cron_id: row.get("wurker_cron_id"),
                pid: row.get("hive_pid"),
                started_at: row
                    .get::<Option<String>, _>("started")
                    .map(|text| parse_time(&text)),
                runcount: row.get("hive_runcount"),
                duration: row.get::<Option<f64>, _>("duration").unwrap_or_default(),
                status: row.get("status"),
                status_info: json(row.get("info")),
                args: json(row.get("args")),
            })
            .collect()
    })
}

/// The ondemand queue of the home's config database, by Bee slug.
///
/// # Panics
/// When the database cannot be read.
pub fn queue(home: &Path) -> Vec<Queued> {
    let path = config_db(home);
    block_on(async move {
        let mut conn = open(&path).await;
        let rows = sqlx::query(
            "SELECT b.slug, CAST(q.args AS TEXT) AS args FROM wurker_queue q \
             JOIN wurker_bee b ON b.id = q.wurker_bee_id ORDER BY b.slug",
        )
        .fetch_all(&mut conn)
        .await
        .unwrap_or_else(|err| panic!("cannot read the queue of {}: {err}", path.display()));
        rows.iter()
            .map(|row| Queued {
                bee: row.get("slug"),
                args: json(row.get("args")),
            })
            .collect()
    })
}

fn config_db(home: &Path) -> PathBuf {
    home.join(CONFIG_DB)
}

async fn open(path: &Path) -> SqliteConnection {
    let url = format!("sqlite://{}", path.display());
    let options = SqliteConnectOptions::from_str(&url)
        .expect("a file URL")
        .busy_timeout(std::time::Duration::from_secs(10));
    SqliteConnection::connect_with(&options)
        .await
        .unwrap_or_else(|err| panic!("cannot open {}: {err}", path.display()))
}

fn json(text: Option<String>) -> Value {
    text.map_or(Value::Null, |text| {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    })
}

/// A time as Wurker stores it in SQLite (`2026-12-04 07:19:58.002122`, UTC).
fn parse_time(text: &str) -> DateTime<Utc> {
    let trimmed = text.trim_end_matches("+00:00").trim_end_matches('Z');
    let naive = NaiveDateTime::parse_from_str(trimmed, "%Y-%m-%d %H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(trimmed, "%Y-%m-%dT%H:%M:%S%.f"))
        .unwrap_or_else(|err| panic!("a stored time {text:?} does not parse: {err}"));
    naive.and_utc()
}
