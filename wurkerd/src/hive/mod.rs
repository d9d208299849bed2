//! The Hive: the processes of the runs happening now. This module starts, watches, stops and
//! records them; the runtime decides when. Each run is one task that owns its process from
//! the PROCESSING report written before the start to the final report after the end, and
//! tells the runtime what happened through [`RunEvent`]s.

pub mod journal;
pub mod launch;
pub mod output;
pub mod process;
pub mod record;
mod run;
mod watch;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use protocol::JsonText;
use protocol::runtime::RunSummary;

use crate::runtime::settings::RuntimeSettings;
use crate::store::Store;

pub use launch::{LaunchEnv, Program};
pub use run::{Orphan, adopt, start};

/// Identifies a run inside the daemon from the moment it is asked for, before it has a run id.
pub type RunKey = u64;

/// Why a run was started; it decides the Cron id on its report and how it is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunKind {
    Scheduled,
    Supervised,
    Ondemand,
    /// Started by `wurk run`.
    Manual,
}

impl RunKind {
    /// The name stored in the Hive table.
    pub fn name(self) -> &'static str {
        match self {
            RunKind::Scheduled => "scheduled",
            RunKind::Supervised => "supervised",
            RunKind::Ondemand => "ondemand",
            RunKind::Manual => "manual",
        }
    }

    /// The kind a stored name means.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "scheduled" => Some(RunKind::Scheduled),
            "supervised" => Some(RunKind::Supervised),
            "ondemand" => Some(RunKind::Ondemand),
            "manual" => Some(RunKind::Manual),
            _ => None,
        }
    }
}

/// Everything a run needs to start.
#[derive(Debug, Clone)]
pub struct RunSpec {
    pub key: RunKey,
    pub bee_id: i64,
    pub bee_slug: String,
    pub cron_id: Option<i64>,
    pub kind: RunKind,
    /// What to execute, or why the definition cannot be executed (the run then ends as
    /// ERROR at once, saying so).
    pub program: Result<Program, String>,
    /// The args the run uses, as recorded on its report.
    pub args: Option<JsonText>,
    /// The run comes from the ondemand queue; its queue item goes when it ends.
    pub from_queue: bool,
    /// Said on the report when a supervised Bee is restarted after a back-off.
    pub restart_note: Option<serde_json::Value>,
    /// A supervised run of a Bee with `quiet_restart`: its routine restarts and exits are
    /// logged at debug level only.
    pub quiet: bool,
    /// The run restarts a supervised Bee that exited on its own.
    pub is_restart: bool,
}

impl RunSpec {
    fn is_pybee(&self) -> bool {
        matches!(self.program, Ok(Program::PyBee { .. }))
    }
}

/// Why the daemon stopped a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// An operator stopped it (kill, pause, reload, disable, removal): COMPLETED, "stopped".
    Operator,
    /// It outlived its time: TIMEOUT, "killed".
    Timeout,
    /// The daemon is shutting down: COMPLETED, "stopped"; an ondemand item stays queued.
    Shutdown,
}

/// What the runtime tells a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunControl {
    /// Stop it: SIGTERM to its process group, SIGKILL after the grace period.
    Stop(StopReason),
    /// It is still alive at a later fire time; it has now covered this many.
    Overrun(i64),
}

/// What a run tells the runtime.
#[derive(Debug, Clone)]
pub enum RunEvent {
    /// The process is running.
    Started {
        key: RunKey,
        run_id: i64,
        pid: u32,
        started_at: chrono::DateTime<chrono::Utc>,
    },
    /// It could not start; its report (when one could be written) says why.
    StartFailed { key: RunKey, summary: RunSummary },
    /// The process has ended; its report is being finalized.
    Exited { key: RunKey },
    /// The run is over; its report is final, or its ending waits in the local database for
    /// the config database to answer.
    Finished { key: RunKey, summary: RunSummary },
}

/// The logs being written now, by run id, for readers that follow them.
pub type LiveLogs = Arc<Mutex<HashMap<i64, LiveLog>>>;

/// A log being written now.
#[derive(Debug, Clone)]
pub struct LiveLog {
    pub path: PathBuf,
    pub progress: tokio::sync::watch::Receiver<output::Progress>,
}

/// What every run task shares.
#[derive(Debug)]
pub struct HiveContext {
    pub store: Store,
    /// Where runs write their reports.
    pub journal: journal::Journal,
    pub env: LaunchEnv,
    /// The home's `data/`.
    pub data: PathBuf,
    /// Where runs' pipes are made ([`output::pipe_dir`]).
    pub pipes: PathBuf,
    pub settings: RuntimeSettings,
    pub logs: LiveLogs,
    /// Woken when a run's ending had to be kept locally; see [`record::write_kept`].
    pub kept: Arc<tokio::sync::Notify>,
}
