//! `wurker_bee_report`: one row per run of a Bee. This part reads them: pages of this node's
//! reports with their Bee and Cron resolved, filtered, and sorted over the whole result before
//! the page is cut (Wurker 0.1 sorted only within the page).
//!
//! A report may outlive its Bee or Cron (Wurker 0.1 deleted them without their reports): the
//! joins are outer, and such a report lists with `null` names instead of failing the page.

use chrono::{DateTime, Utc};
use protocol::runtime::ReportRow;
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{Arguments as _, AssertSqlSafe, Row};
use uuid::Uuid;

use crate::store::Conn;
use crate::store::rows::{json, uuid_bytes};
use crate::store::timestamps::{comparable_text, iso_utc};

/// The statuses a report may have, in the order Wurker 0.1 numbered them.
pub const STATUSES: [&str; 5] = ["PROCESSING", "OVERRUN", "TIMEOUT", "ERROR", "COMPLETED"];

/// The columns a report listing can be sorted by, named as the listing's keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportSort {
    Id,
    BeeId,
    BeeSlug,
    BeeName,
    CronId,
    CronSlug,
    CronName,
    HivePid,
    HiveTimestamp,
    HiveRuncount,
    HiveDuration,
    Status,
    CreatedAt,
    UpdatedAt,
}

impl ReportSort {
    /// Every sort column, in the listing's key order.
    pub const ALL: [ReportSort; 14] = [
        ReportSort::Id,
        ReportSort::BeeId,
        ReportSort::BeeSlug,
        ReportSort::BeeName,
        ReportSort::CronId,
        ReportSort::CronSlug,
        ReportSort::CronName,
        ReportSort::HivePid,
        ReportSort::HiveTimestamp,
        ReportSort::HiveRuncount,
        ReportSort::HiveDuration,
        ReportSort::Status,
        ReportSort::CreatedAt,
        ReportSort::UpdatedAt,
    ];

    /// The sort column with this key name, if there is one.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|sort| sort.name() == name)
    }

    /// The key name of the column.
    pub fn name(self) -> &'static str {
        self.columns().0
    }

    /// The SQL expression sorted on; the only column text that reaches the SQL.
    fn expression(self) -> &'static str {
        self.columns().1
    }

    fn columns(self) -> (&'static str, &'static str) {
        match self {
            ReportSort::Id => ("id", "r.id"),
            ReportSort::BeeId => ("bee_id", "r.wurker_bee_id"),
            ReportSort::BeeSlug => ("bee_slug", "b.slug"),
            ReportSort::BeeName => ("bee_name", "b.name"),
            ReportSort::CronId => ("cron_id", "r.wurker_cron_id"),
            ReportSort::CronSlug => ("cron_slug", "c.slug"),
            ReportSort::CronName => ("cron_name", "c.name"),
            ReportSort::HivePid => ("hive_pid", "r.hive_pid"),
            ReportSort::HiveTimestamp => ("hive_timestamp", "r.hive_timestamp"),
            ReportSort::HiveRuncount => ("hive_runcount", "r.hive_runcount"),
            ReportSort::HiveDuration => ("hive_duration", "r.hive_duration"),
            ReportSort::Status => ("status", "r.status"),
            ReportSort::CreatedAt => ("created_at", "r.created_at"),
            ReportSort::UpdatedAt => ("updated_at", "r.updated_at"),
        }
    }
}

/// Whose reports a listing keeps, by slug.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlugFilter {
    /// Runs of the Bee with this slug.
    Bee(String),
    /// Runs made for the Cron with this slug.
    Cron(String),
}

/// Which of a node's reports a listing selects. Every condition given must hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFilter {
    pub app_id: Uuid,
    pub slug: Option<SlugFilter>,
    /// Reports created at or after this instant.
    pub start: Option<DateTime<Utc>>,
    /// Reports created before this instant.
    pub end: Option<DateTime<Utc>>,
    /// One of [`STATUSES`].
    pub status: Option<String>,
}

/// How a listing is ordered; rows that tie are ordered by id in the same direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportOrder {
    pub sort: ReportSort,
    pub descending: bool,
}

/// The page of a listing: `limit` rows after skipping `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageWindow {
    pub offset: i64,
    pub limit: i64,
}

const FROM: &str = "FROM wurker_bee_report r \
     LEFT JOIN wurker_bee b ON b.id = r.wurker_bee_id \
     LEFT JOIN wurker_cron c ON c.id = r.wurker_cron_id";

/// Numbers and times are read through `CASE`/`CAST`, as SQLite keeps whatever type was
/// written: Wurker 0.1 stored float durations in the INTEGER column.
const COLUMNS: &str = "SELECT r.id, r.wurker_bee_id AS bee_id, b.slug AS bee_slug, \
     b.name AS bee_name, r.wurker_cron_id AS cron_id, c.slug AS cron_slug, c.name AS cron_name, \
     CASE WHEN typeof(r.hive_pid) = 'integer' THEN r.hive_pid END AS hive_pid, \
     CAST(r.hive_timestamp AS TEXT) AS hive_timestamp, \
     CASE WHEN typeof(r.hive_runcount) = 'integer' THEN r.hive_runcount END AS hive_runcount, \
     CASE WHEN typeof(r.hive_duration) IN ('integer', 'real') \
     THEN CAST(r.hive_duration AS REAL) END AS hive_duration, \
     r.status, r.status_info, CAST(r.created_at AS TEXT) AS created_at, \
     CAST(r.updated_at AS TEXT) AS updated_at";

/// A value bound to a `?` of a built statement, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Bind {
    Bytes(Vec<u8>),
    Text(String),
    Int(i64),
}

fn arguments(binds: Vec<Bind>) -> Result<SqliteArguments, sqlx::Error> {
    let mut arguments = SqliteArguments::default();
    for bind in binds {
        let added = match bind {
            Bind::Bytes(bytes) => arguments.add(bytes),
            Bind::Text(text) => arguments.add(text),
            Bind::Int(number) => arguments.add(number),
        };
        added.map_err(sqlx::Error::Encode)?;
    }
    Ok(arguments)
}

/// The `WHERE` clause of a filter and the values of its placeholders.
fn where_clause(filter: &ReportFilter) -> (String, Vec<Bind>) {
    let mut conditions = vec!["r.app_id = ?"];
    let mut binds = vec![Bind::Bytes(uuid_bytes(filter.app_id))];

    match &filter.slug {
        Some(SlugFilter::Bee(slug)) => {
            conditions.push("b.slug = ?");
            binds.push(Bind::Text(slug.clone()));
        }
        Some(SlugFilter::Cron(slug)) => {
            conditions.push("c.slug = ?");
            binds.push(Bind::Text(slug.clone()));
        }
        None => {}
    }
    if let Some(start) = filter.start {
        conditions.push("r.created_at >= ?");
        binds.push(Bind::Text(comparable_text(start)));
    }
    if let Some(end) = filter.end {
        conditions.push("r.created_at < ?");
        binds.push(Bind::Text(comparable_text(end)));
    }
    if let Some(status) = &filter.status {
        conditions.push("r.status = ?");
        binds.push(Bind::Text(status.clone()));
    }
    (format!("WHERE {}", conditions.join(" AND ")), binds)
}

/// The `ORDER BY` clause: the whitelisted column, then the id as the tie-breaker.
fn order_clause(order: ReportOrder) -> String {
    let direction = if order.descending { "DESC" } else { "ASC" };
    format!(
        "ORDER BY {} {direction}, r.id {direction}",
        order.sort.expression()
    )
}

/// How many of the node's reports the filter selects.
pub async fn count(conn: &mut Conn, filter: &ReportFilter) -> Result<i64, sqlx::Error> {
    let (conditions, binds) = where_clause(filter);
    let sql = format!("SELECT COUNT(*) {FROM} {conditions}");
    sqlx::query_scalar_with(AssertSqlSafe(sql), arguments(binds)?)
        .fetch_one(conn)
        .await
}

/// One page of the reports the filter selects, sorted over all of them first.
pub async fn page(
    conn: &mut Conn,
    filter: &ReportFilter,
    order: ReportOrder,
    window: PageWindow,
) -> Result<Vec<ReportRow>, sqlx::Error> {
    let (conditions, mut binds) = where_clause(filter);
    let sql = format!(
        "{COLUMNS} {FROM} {conditions} {} LIMIT ? OFFSET ?",
        order_clause(order)
    );
    binds.extend([Bind::Int(window.limit), Bind::Int(window.offset)]);
    let rows = sqlx::query_with(AssertSqlSafe(sql), arguments(binds)?)
        .fetch_all(conn)
        .await?;
    rows.iter().map(decode).collect()
}

fn decode(row: &SqliteRow) -> Result<ReportRow, sqlx::Error> {
    let time = |column: &str| -> Result<Option<String>, sqlx::Error> {
        let text: Option<String> = row.try_get(column)?;
        Ok(text.map(|text| iso_utc(&text)))
    };
    Ok(ReportRow {
        id: row.try_get("id")?,
        bee_id: row.try_get("bee_id")?,
        bee_slug: row.try_get("bee_slug")?,
        bee_name: row.try_get("bee_name")?,
        cron_id: row.try_get("cron_id")?,
        cron_slug: row.try_get("cron_slug")?,
        cron_name: row.try_get("cron_name")?,
        hive_pid: row.try_get("hive_pid")?,
        hive_timestamp: time("hive_timestamp")?,
        hive_runcount: row.try_get("hive_runcount")?,
        hive_duration: row.try_get("hive_duration")?,
        status: row.try_get("status")?,
        status_info: json(row, "status_info")?,
        created_at: time("created_at")?,
        updated_at: time("updated_at")?,
    })
}

#[cfg(test)]
#[path = "reports_tests.rs"]
mod tests;
