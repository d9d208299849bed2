//! `wurker_bee_report`: one row per run of a Bee. This part reads them: pages of this node's
//! reports with their Bee and Cron resolved, filtered, and sorted over the whole result before
//! the page is cut (Wurker 0.1 sorted only within the page).
//!
//! A report may outlive its Bee or Cron (Wurker 0.1 deleted them without their reports): the
//! joins are outer, and such a report lists with `null` names instead of failing the page.
//! Rows without a value in the sorted column (a run without a Cron, a deleted Bee) come first
//! in ascending order and last in descending order on every backend; PostgreSQL alone would
//! put them the other way round.
//!
//! Date bounds compare the stored times in SQL: real timestamps on MySQL and PostgreSQL, naive
//! UTC text on SQLite, where [`Value::TimeBound`] keeps text order and time order in step.

use chrono::{DateTime, Utc};
use protocol::runtime::ReportRow;
use sqlx::AssertSqlSafe;
use uuid::Uuid;

use crate::store::{Conn, Query, Row, StoreError, Value, query};

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

const COLUMNS: &str = "SELECT r.id, r.wurker_bee_id AS bee_id, b.slug AS bee_slug, \
     b.name AS bee_name, r.wurker_cron_id AS cron_id, c.slug AS cron_slug, c.name AS cron_name, \
     r.hive_pid, r.hive_timestamp, r.hive_runcount, r.hive_duration, r.status, r.status_info, \
     r.created_at, r.updated_at";

/// The `WHERE` clause of a filter and the values of its placeholders, in order.
fn where_clause(filter: &ReportFilter) -> (String, Vec<Value>) {
    let mut conditions = vec!["r.app_id = ?"];
    let mut values = vec![Value::from(filter.app_id)];

    match &filter.slug {
        Some(SlugFilter::Bee(slug)) => {
            conditions.push("b.slug = ?");
            values.push(Value::from(slug));
        }
        Some(SlugFilter::Cron(slug)) => {
            conditions.push("c.slug = ?");
            values.push(Value::from(slug));
        }
        None => {}
    }
    if let Some(start) = filter.start {
        conditions.push("r.created_at >= ?");
        values.push(Value::time_bound(start));
    }
    if let Some(end) = filter.end {
        conditions.push("r.created_at < ?");
        values.push(Value::time_bound(end));
    }
    if let Some(status) = &filter.status {
        // A label: Wurker 0.1 made this column an ENUM on PostgreSQL.
        conditions.push("r.status = ?");
        values.push(Value::label(status));
    }
    (format!("WHERE {}", conditions.join(" AND ")), values)
}

/// The `ORDER BY` clause: rows without a value first (ascending), the whitelisted column, then
/// the id as the tie-breaker, all in the same direction.
fn order_clause(order: ReportOrder) -> String {
    let direction = if order.descending { "DESC" } else { "ASC" };
    let column = order.sort.expression();
    format!(
        "ORDER BY CASE WHEN {column} IS NULL THEN 0 ELSE 1 END {direction}, \
         {column} {direction}, r.id {direction}"
    )
}

fn with_values(sql: String, values: Vec<Value>) -> Query {
    values
        .into_iter()
        .fold(query(AssertSqlSafe(sql)), |statement, value| {
            statement.bind(value)
        })
}

/// How many of the node's reports the filter selects.
///
/// # Errors
/// On a database failure.
pub async fn count(conn: &mut Conn, filter: &ReportFilter) -> Result<i64, StoreError> {
    let (conditions, values) = where_clause(filter);
    let sql = format!("SELECT COUNT(*) AS total {FROM} {conditions}");
    with_values(sql, values).fetch_one(conn).await?.int("total")
}

/// One page of the reports the filter selects, sorted over all of them first.
///
/// # Errors
/// On a database failure, or a stored value that cannot be read.
pub async fn page(
    conn: &mut Conn,
    filter: &ReportFilter,
    order: ReportOrder,
    window: PageWindow,
) -> Result<Vec<ReportRow>, StoreError> {
    let (conditions, mut values) = where_clause(filter);
    let sql = format!(
        "{COLUMNS} {FROM} {conditions} {} LIMIT ? OFFSET ?",
        order_clause(order)
    );
    values.extend([Value::from(window.limit), Value::from(window.offset)]);
    let rows = with_values(sql, values).fetch_all(conn).await?;
    rows.iter().map(decode).collect()
}

fn decode(row: &Row) -> Result<ReportRow, StoreError> {
    Ok(ReportRow {
        id: row.int("id")?,
        bee_id: row.int("bee_id")?,
        bee_slug: row.opt_text("bee_slug")?,
        bee_name: row.opt_text("bee_name")?,
        cron_id: row.opt_int("cron_id")?,
        cron_slug: row.opt_text("cron_slug")?,
        cron_name: row.opt_text("cron_name")?,
        hive_pid: row.opt_int("hive_pid")?,
        hive_timestamp: time(row, "hive_timestamp")?,
        hive_runcount: row.opt_int("hive_runcount")?,
        // Wurker 0.1 stored float seconds in this INTEGER column (SQLite keeps them).
        hive_duration: row.opt_float("hive_duration")?,
        status: row.text("status")?,
        status_info: row.json("status_info")?,
        created_at: time(row, "created_at")?,
        updated_at: time(row, "updated_at")?,
    })
}

/// A stored time as Python's `isoformat` writes it in UTC: `2026-12-03T18:43:25+00:00`, with
/// `.ffffff` when the microseconds are not zero. SQLite text in no known form comes back as it
/// is stored, so that one odd row never hides the others.
fn time(row: &Row, column: &str) -> Result<Option<String>, StoreError> {
    match row.time(column) {
        Ok(moment) => Ok(moment.map(iso_utc)),
        Err(StoreError::Decode { .. }) => row.opt_text(column),
        Err(err) => Err(err),
    }
}

fn iso_utc(moment: DateTime<Utc>) -> String {
    let format = if moment.timestamp_subsec_micros() == 0 {
        "%Y-%m-%dT%H:%M:%S+00:00"
    } else {
        "%Y-%m-%dT%H:%M:%S%.6f+00:00"
    };
    moment.format(format).to_string()
}

#[cfg(test)]
#[path = "reports_tests.rs"]
mod tests;
