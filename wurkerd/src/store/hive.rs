//! `wurker_hive` in the local database (always SQLite, so `INSERT OR REPLACE` is fine here):
//! one row per process running now, written when a run starts and deleted when it ends, so
//! that a daemon that was killed finds, on its next start, the runs it left behind. Also
//! `wurker_daemon`, the facts the daemon keeps between starts.

use chrono::{DateTime, Utc};

use crate::store::{Conn, Pool, Row, StoreError, query};

/// A run as the Hive table records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HiveRow {
    pub run_id: i64,
    pub bee_id: i64,
    pub bee_slug: String,
    /// The Cron it runs under; `None` for ondemand and one-off runs.
    pub cron_id: Option<i64>,
    pub pid: u32,
    /// The process group its processes run in.
    pub pgid: u32,
    /// The kernel's start time of the process, in clock ticks since boot.
    pub proc_start: u64,
    /// `scheduled`, `supervised`, `ondemand` or `manual`.
    pub kind: String,
    pub runcount: i64,
    pub started_at: DateTime<Utc>,
    pub log_path: String,
}

/// Records a started run.
pub async fn insert(conn: &mut Conn, row: &HiveRow) -> Result<(), StoreError> {
    query(
        "INSERT OR REPLACE INTO wurker_hive (wurker_bee_id, wurker_cron_id, pid, runcount, \
         timestamp, run_id, pgid, proc_start, kind, bee_slug, log_path) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(row.bee_id)
    .bind(row.cron_id)
    .bind(row.pid)
    .bind(row.runcount)
    .bind(row.started_at)
    .bind(row.run_id)
    .bind(row.pgid)
    .bind(i64::try_from(row.proc_start).unwrap_or(i64::MAX))
    .bind(&row.kind)
    .bind(&row.bee_slug)
    .bind(&row.log_path)
    .execute(conn)
    .await?;
    Ok(())
}

/// Updates how many fire times a run has covered.
pub async fn set_runcount(pool: &Pool, run_id: i64, runcount: i64) -> Result<(), StoreError> {
    query("UPDATE wurker_hive SET runcount = ? WHERE run_id = ?")
        .bind(runcount)
        .bind(run_id)
        .execute(&mut pool.acquire().await?)
        .await?;
    Ok(())
}

/// Forgets an ended run.
pub async fn delete(conn: &mut Conn, run_id: i64) -> Result<(), StoreError> {
    query("DELETE FROM wurker_hive WHERE run_id = ?")
        .bind(run_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Every recorded run. Rows without a run id (written by Wurker 0.1, which shares this table's
/// name) cannot be traced to a report and are dropped by [`clear_untracked`].
pub async fn list(pool: &Pool) -> Result<Vec<HiveRow>, StoreError> {
    let rows = query(
        "SELECT run_id, wurker_bee_id, bee_slug, wurker_cron_id, pid, pgid, proc_start, kind, \
         runcount, timestamp, log_path FROM wurker_hive \
         WHERE run_id IS NOT NULL AND ending IS NULL ORDER BY run_id",
    )
    .fetch_all(&mut pool.acquire().await?)
    .await?;
    rows.iter().map(decode).collect()
}

fn decode(row: &Row) -> Result<HiveRow, StoreError> {
    let number =
        |column: &str| -> Result<i64, StoreError> { Ok(row.opt_int(column)?.unwrap_or(0)) };
    let text = |column: &str| -> Result<String, StoreError> {
        Ok(row.opt_text(column)?.unwrap_or_default())
    };
    Ok(HiveRow {
        run_id: number("run_id")?,
        bee_id: number("wurker_bee_id")?,
        bee_slug: text("bee_slug")?,
        cron_id: row.opt_int("wurker_cron_id")?,
        pid: u32::try_from(number("pid")?).unwrap_or(0),
        pgid: u32::try_from(number("pgid")?).unwrap_or(0),
        proc_start: u64::try_from(number("proc_start")?).unwrap_or(0),
        kind: text("kind")?,
        runcount: number("runcount")?.max(1),
        started_at: row.time("timestamp")?.unwrap_or_else(Utc::now),
        log_path: text("log_path")?,
    })
}

/// Drops rows that name no run.
pub async fn clear_untracked(pool: &Pool) -> Result<u64, StoreError> {
    let result = query("DELETE FROM wurker_hive WHERE run_id IS NULL")
        .execute(&mut pool.acquire().await?)
        .await?;
    Ok(result)
}

/// A fact the daemon keeps between starts.
pub async fn fact(pool: &Pool, key: &str) -> Result<Option<String>, StoreError> {
    let row = query("SELECT value FROM wurker_daemon WHERE key = ?")
        .bind(key)
        .fetch_optional(&mut pool.acquire().await?)
        .await?;
    row.map(|row| row.text("value")).transpose()
}

/// Records a fact the daemon keeps between starts.
pub async fn set_fact(pool: &Pool, key: &str, value: &str) -> Result<(), StoreError> {
    query("INSERT OR REPLACE INTO wurker_daemon (key, value) VALUES (?, ?)")
        .bind(key)
        .bind(value)
        .execute(&mut pool.acquire().await?)
        .await?;
    Ok(())
}

/// Keeps the ending of a run (JSON) until the config database can take it.
pub async fn keep_ending(pool: &Pool, run_id: i64, ending: &str) -> Result<(), StoreError> {
    query("UPDATE wurker_hive SET ending = ? WHERE run_id = ?")
        .bind(ending)
        .bind(run_id)
        .execute(&mut pool.acquire().await?)
        .await?;
    Ok(())
}

/// Runs that have ended but whose ending the config database has not taken yet, each with
/// its ending's JSON.
pub async fn kept_endings(pool: &Pool) -> Result<Vec<(HiveRow, String)>, StoreError> {
    let rows = query(
        "SELECT run_id, wurker_bee_id, bee_slug, wurker_cron_id, pid, pgid, proc_start, kind, \
         runcount, timestamp, log_path, ending FROM wurker_hive WHERE ending IS NOT NULL",
    )
    .fetch_all(&mut pool.acquire().await?)
    .await?;
    rows.iter()
        .map(|row| Ok((decode(row)?, row.text("ending")?)))
        .collect()
}
