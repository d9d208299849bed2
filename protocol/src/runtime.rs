//! The runtime's side of the protocol: which Bees a `run` or `kill` targets, report queries
//! and their pages, run summaries, control actions and log output.

use serde::{Deserialize, Serialize};

use crate::model::JsonText;

/// Which Bees a `wurk run` or `wurk kill` acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Target {
    /// Every running Bee (kill only).
    Hive,
    /// The Bee named by the slug.
    Bee,
    /// Every Bee of the Cron named by the slug.
    Cron,
    /// The ondemand runs (kill), or the queued Bees (run).
    Ondemand,
    /// Every enabled Bee with a cron expression.
    Scheduled,
    /// Every enabled supervised Bee.
    Supervised,
}

impl Target {
    /// The word the CLI uses for this target.
    pub fn word(self) -> &'static str {
        match self {
            Target::Hive => "hive",
            Target::Bee => "bee",
            Target::Cron => "cron",
            Target::Ondemand => "ondemand",
            Target::Scheduled => "scheduled",
            Target::Supervised => "supervised",
        }
    }
}

/// What a run or a kill did to one Bee.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    pub bee_slug: String,
    /// The run's report id.
    pub run_id: i64,
    pub pid: Option<i64>,
    /// The report status: PROCESSING while it runs, then its final status.
    pub status: String,
    pub exit_code: Option<i64>,
    /// Seconds the run took, once it has ended.
    pub duration: Option<f64>,
}

/// `wurk admin control`: what to tell the node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ControlAction {
    /// Stop every Bee and start none until resumed.
    Pause,
    /// Undo a pause: supervised Bees start again, schedules and the queue resume.
    Resume,
    /// Stop every Bee and start again from the stored definitions.
    Reload,
}

/// Which reports `wurk report` asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportQuery {
    /// `bee` or `cron`: what the slug filters on.
    pub by_cron: bool,
    pub slug: Option<String>,
    /// Bounds on `created_at`, ISO 8601 (a date, or a date and time with optional offset).
    pub start: Option<String>,
    pub end: Option<String>,
    /// Only reports with this status (PROCESSING, OVERRUN, COMPLETED, TIMEOUT, ERROR).
    pub status: Option<String>,
    pub page: i64,
    pub limit: i64,
    /// The column to sort by (`id`, `bee_slug`, `hive_duration`, ...).
    pub sort: String,
    pub descending: bool,
}

/// One page of reports, as the original's `{total, page, limit, data}` envelope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportPage {
    pub total: i64,
    pub page: i64,
    pub limit: i64,
    pub rows: Vec<ReportRow>,
}

/// One run's report with its Bee and Cron resolved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportRow {
    pub id: i64,
    pub bee_id: i64,
    pub bee_slug: Option<String>,
    pub bee_name: Option<String>,
    pub cron_id: Option<i64>,
    pub cron_slug: Option<String>,
    pub cron_name: Option<String>,
    pub hive_pid: Option<i64>,
    /// Start of the run, ISO 8601 with offset.
    pub hive_timestamp: Option<String>,
    pub hive_runcount: Option<i64>,
    /// Seconds the run took (so far, while it runs).
    pub hive_duration: Option<f64>,
    pub status: String,
    pub status_info: Option<JsonText>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

/// A piece of a run's output log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogChunk {
    pub run_id: i64,
    pub bytes: Vec<u8>,
}
