//! Wurker's definitions as stored in the config database: Commands (what to execute), Crons
//! (when), Bees (a Command on a Cron with arguments), and the views derived from them.
//!
//! Free-form JSON (a Bee's args) travels as [`JsonText`], because the socket encoding is not
//! self-describing and cannot carry a `serde_json::Value`.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A JSON document kept as its text, valid by construction on the daemon's side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonText(pub String);

impl JsonText {
    /// Serializes a JSON value into its compact text.
    pub fn from_value(value: &serde_json::Value) -> Self {
        Self(value.to_string())
    }

    /// Parses the text back into a value; text that is not JSON (possible only in a database
    /// written by other software) comes back as a JSON string holding the raw text.
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::from_str(&self.0).unwrap_or_else(|_| serde_json::Value::String(self.0.clone()))
    }
}

/// What to execute: an executable path with optional arguments, or a Python module (PyBee).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Command {
    pub id: i64,
    pub app_id: Uuid,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub command: Option<String>,
    pub is_module: bool,
}

/// When to run: a cron expression, or none for a supervised (always running) Bee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cron {
    pub id: i64,
    pub app_id: Uuid,
    pub slug: String,
    pub name: String,
    pub cron: Option<String>,
    pub overrun: i64,
}

/// A Bee with its Command and Cron resolved, as `wurk show bee` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bee {
    pub id: i64,
    pub app_id: Uuid,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub command_id: i64,
    pub command_slug: Option<String>,
    pub cron_id: Option<i64>,
    pub cron_slug: Option<String>,
    pub args: Option<JsonText>,
    pub quiet_restart: bool,
    pub enabled: bool,
    /// The Command's text when it is a Python module (PyBee).
    pub module: Option<String>,
    /// The Command's text when it is an executable.
    pub command: Option<String>,
    /// The Cron row's expression; `None` when the Bee has no Cron at all.
    pub cron: Option<CronField>,
}

/// The `cron` of a Bee that has a Cron row: an expression, or supervised (no expression).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CronField {
    Expression(String),
    Supervised,
}

/// Where `wurk show` files a Bee, following the original's classification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Section {
    Disabled,
    Ondemand,
    Orphaned,
    Scheduled,
    Supervised,
}

impl Section {
    /// The section's key in `wurk show` output.
    pub fn key(self) -> &'static str {
        match self {
            Section::Disabled => "disabled",
            Section::Ondemand => "ondemand",
            Section::Orphaned => "orphaned",
            Section::Scheduled => "scheduled",
            Section::Supervised => "supervised",
        }
    }
}

/// A Bee as the runtime sees it: its argv or module, its schedule and derived timeout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuntimeBee {
    pub id: i64,
    pub app_id: Uuid,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub command_id: i64,
    pub command_slug: Option<String>,
    /// The executable and its leading words, split with shell rules; `None` for a PyBee.
    pub command: Option<Vec<String>>,
    /// The module name for a PyBee, empty for an executable.
    pub module_name: String,
    pub cron_id: Option<i64>,
    pub cron: RuntimeCron,
    pub args: Option<JsonText>,
    pub enabled: bool,
    pub quiet_restart: bool,
    /// Seconds a scheduled run may take before it is stopped.
    pub timeout: Option<i64>,
    /// The next fire time of a scheduled Bee, RFC 3339 in UTC.
    pub next_run: Option<String>,
}

/// The `cron` value of a runtime Bee: the expression, supervised, or none (orphan, ondemand).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RuntimeCron {
    Expression(String),
    Supervised,
    Unscheduled,
}

/// One Bee filed under a section and a group (a Cron slug, `ondemand` or `orphaned`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassifiedBee {
    pub section: Section,
    pub group: String,
    pub bee: RuntimeBee,
}

/// A process in the Hive: one run of a Bee happening now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HiveEntry {
    /// The Cron slug it runs under, or `ondemand`.
    pub group: String,
    pub bee_slug: String,
    pub pid: i64,
    pub runcount: i64,
    /// Start time, RFC 3339 with offset.
    pub timestamp: String,
    /// Microseconds since the start, when the daemon answered.
    pub duration_us: i64,
}

/// Everything `wurk show` (all) prints: every Bee classified, and the Hive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub bees: Vec<ClassifiedBee>,
    pub hive: Vec<HiveEntry>,
}
