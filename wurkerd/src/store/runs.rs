//! Writing `wurker_bee_report`: one row per run, created PROCESSING before the process starts
//! and brought to its final status when it ends. Times are bound as UTC times, which each
//! backend stores as Wurker 0.1 did, so both versions read each other's rows.

use chrono::{DateTime, Utc};
use protocol::JsonText;
use uuid::Uuid;

use crate::store::{Conn, StoreError, Value, query};

/// The report statuses, stored by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Processing,
    Overrun,
    Timeout,
    Error,
    Completed,
}

impl Status {
    /// The stored name.
    pub fn name(self) -> &'static str {
        match self {
            Status::Processing => "PROCESSING",
            Status::Overrun => "OVERRUN",
            Status::Timeout => "TIMEOUT",
            Status::Error => "ERROR",
            Status::Completed => "COMPLETED",
        }
    }
}

/// A run about to start.
#[derive(Debug, Clone)]
pub struct NewRun<'a> {
    pub app_id: Uuid,
    pub bee_id: i64,
    /// The Cron it runs under; `None` for ondemand and one-off runs.
    pub cron_id: Option<i64>,
    /// The args the run uses.
    pub args: Option<&'a JsonText>,
    pub started_at: DateTime<Utc>,
}

/// Creates the PROCESSING row of a run and returns its id, the run id.
pub async fn begin(
    conn: &mut Conn,
    run: &NewRun<'_>,
    status_info: &JsonText,
) -> Result<i64, StoreError> {
    query(
        "INSERT INTO wurker_bee_report (app_id, wurker_bee_id, wurker_cron_id, args, \
         hive_timestamp, hive_runcount, hive_duration, status, status_info, created_at, \
         updated_at) VALUES (?, ?, ?, ?, ?, 1, 0, ?, ?, ?, ?)",
    )
    .bind(run.app_id)
    .bind(run.bee_id)
    .bind(run.cron_id)
    .bind(run.args)
    .bind(run.started_at)
    .bind(Value::label(Status::Processing.name()))
    .bind(status_info)
    .bind(run.started_at)
    .bind(run.started_at)
    .insert(conn)
    .await
}

/// Records the pid of a run that has started.
pub async fn set_pid(conn: &mut Conn, run_id: i64, pid: u32) -> Result<(), StoreError> {
    query("UPDATE wurker_bee_report SET hive_pid = ?, updated_at = ? WHERE id = ?")
        .bind(pid)
        .bind(Utc::now())
        .bind(run_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records that a run is still alive at a later fire time of its Cron: status OVERRUN and
/// `runcount` fire times covered so far.
pub async fn mark_overrun(
    conn: &mut Conn,
    run_id: i64,
    runcount: i64,
    status_info: &JsonText,
) -> Result<(), StoreError> {
    query(
        "UPDATE wurker_bee_report SET status = ?, hive_runcount = ?, status_info = ?, \
         updated_at = ? WHERE id = ?",
    )
    .bind(Value::label(Status::Overrun.name()))
    .bind(runcount)
    .bind(status_info)
    .bind(Utc::now())
    .bind(run_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// How a run ended.
#[derive(Debug, Clone)]
pub struct Ending {
    pub status: Status,
    pub runcount: i64,
    /// Seconds from the start to the end of the process.
    pub duration: f64,
    pub status_info: JsonText,
}

/// Brings a run's row to its final status. A row that no longer exists (its Bee was removed
/// while it ran) is not an error.
pub async fn finish(conn: &mut Conn, run_id: i64, ending: &Ending) -> Result<(), StoreError> {
    query(
        "UPDATE wurker_bee_report SET status = ?, hive_runcount = ?, hive_duration = ?, \
         status_info = ?, updated_at = ? WHERE id = ?",
    )
    .bind(Value::label(ending.status.name()))
    .bind(ending.runcount)
    .bind(ending.duration)
    .bind(&ending.status_info)
    .bind(Utc::now())
    .bind(run_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// A run whose row still says PROCESSING or OVERRUN.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenRun {
    pub id: i64,
    pub bee_id: i64,
    pub runcount: i64,
    pub started: Option<DateTime<Utc>>,
}

/// This node's runs that have no final status.
pub async fn open_runs(conn: &mut Conn, app_id: Uuid) -> Result<Vec<OpenRun>, StoreError> {
    let rows = query(
        "SELECT id, wurker_bee_id, hive_runcount, hive_timestamp FROM wurker_bee_report \
         WHERE app_id = ? AND (status = ? OR status = ?) ORDER BY id",
    )
    .bind(app_id)
    .bind(Value::label(Status::Processing.name()))
    .bind(Value::label(Status::Overrun.name()))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(OpenRun {
                id: row.int("id")?,
                bee_id: row.int("wurker_bee_id")?,
                runcount: row.opt_int("hive_runcount")?.unwrap_or(1),
                started: row.time("hive_timestamp")?,
            })
        })
        .collect()
}

/// The id of a Bee's latest run, if it has any.
pub async fn latest(conn: &mut Conn, app_id: Uuid, bee_id: i64) -> Result<Option<i64>, StoreError> {
    let row =
        query("SELECT MAX(id) AS id FROM wurker_bee_report WHERE app_id = ? AND wurker_bee_id = ?")
            .bind(app_id)
            .bind(bee_id)
            .fetch_one(conn)
            .await?;
    row.opt_int("id")
}

/// The Bee a run belongs to, if the run is this node's.
pub async fn bee_of(conn: &mut Conn, app_id: Uuid, run_id: i64) -> Result<Option<i64>, StoreError> {
    let row = query("SELECT wurker_bee_id FROM wurker_bee_report WHERE app_id = ? AND id = ?")
        .bind(app_id)
        .bind(run_id)
        .fetch_optional(conn)
        .await?;
    row.map(|row| row.int("wurker_bee_id")).transpose()
}

/// A run that started while the config database could not take its PROCESSING row: what the
/// row needs, to be written whole once the run has ended and the database answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Opening {
    pub app_id: Uuid,
    pub bee_id: i64,
    pub cron_id: Option<i64>,
    pub args: Option<JsonText>,
    pub started_at: DateTime<Utc>,
    pub pid: u32,
}

/// Writes the whole report of an ended run that has none yet, and returns its run id.
pub async fn insert_ended(
    conn: &mut Conn,
    opening: &Opening,
    ending: &Ending,
) -> Result<i64, StoreError> {
    query(
        "INSERT INTO wurker_bee_report (app_id, wurker_bee_id, wurker_cron_id, args, hive_pid, \
         hive_timestamp, hive_runcount, hive_duration, status, status_info, created_at, \
         updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(opening.app_id)
    .bind(opening.bee_id)
    .bind(opening.cron_id)
    .bind(opening.args.as_ref())
    .bind(opening.pid)
    .bind(opening.started_at)
    .bind(ending.runcount)
    .bind(ending.duration)
    .bind(Value::label(ending.status.name()))
    .bind(&ending.status_info)
    .bind(opening.started_at)
    .bind(Utc::now())
    .insert(conn)
    .await
}
