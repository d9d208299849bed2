//! What a client may ask of `wurkerd`. New variants go at the end: the order is the encoding.

use serde::{Deserialize, Serialize};

use crate::admin::{ExtractRequest, InitRequest, SeedRequest, StingerSource};
use crate::runtime::{ControlAction, ReportQuery, Target};

/// The kinds of definition that `add`, `edit` and `remove` act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DefKind {
    Command,
    Cron,
    Bee,
    /// The ondemand queue; `edit` does not take it.
    Ondemand,
}

impl DefKind {
    /// The word the CLI and messages use for this kind.
    pub fn word(self) -> &'static str {
        match self {
            DefKind::Command => "command",
            DefKind::Cron => "cron",
            DefKind::Bee => "bee",
            DefKind::Ondemand => "ondemand",
        }
    }
}

/// One request; the daemon answers each with one [`crate::Response`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Request {
    /// Commands, all or the one with this slug.
    ShowCommands { slug: Option<String> },
    /// Crons, all or the one with this slug.
    ShowCrons { slug: Option<String> },
    /// Bees, all or the one with this slug.
    ShowBees { slug: Option<String> },
    /// Every Bee classified (scheduled, supervised, ondemand, orphaned, disabled) and the Hive.
    ShowOverview,
    /// Adds definitions from a JSON document (an object, or for `Ondemand` a list).
    Add { kind: DefKind, json: String },
    /// Changes the definition named `key` with the fields of a JSON object.
    Edit {
        kind: DefKind,
        key: String,
        json: String,
    },
    /// Removes the definition named `key` (for `Ondemand`: the Bee's queue item).
    Remove { kind: DefKind, key: String },
    /// Runs the targeted Bees once now; with `wait`, answers when every run has ended.
    Run {
        target: Target,
        slug: Option<String>,
        wait: bool,
    },
    /// Stops the targeted running Bees (SIGTERM to each process group, then SIGKILL).
    Kill {
        target: Target,
        slug: Option<String>,
    },
    /// A page of run reports.
    Report(ReportQuery),
    /// The node's status document (the original's `admin status` shape).
    Status,
    /// Pauses, resumes or reloads the node.
    Control(ControlAction),
    /// A run's output log: the Bee's latest run, or the run with this id. With `follow`, the
    /// connection then streams [`crate::Response::Log`] chunks until the run ends.
    Logs {
        bee: String,
        run: Option<i64>,
        follow: bool,
    },
    /// Layers a stinger into the home (`wurk admin stinger sting`).
    Sting(StingerSource),
    /// Removes what stings injected; with `drop_schema`, also this node's seeded rows.
    Unsting { drop_schema: bool },
    /// Unsting, then sting.
    Resting {
        source: StingerSource,
        drop_schema: bool,
    },
    /// Copies the home's injected resources into a stinger tree.
    Extract(ExtractRequest),
    /// Converts a legacy stinger tree in place; `None` is the home's `etc/stingers`.
    Refactor { root: Option<String> },
    /// Applies the home's seed files and loads its users (`wurk admin seed`).
    Seed(SeedRequest),
    /// Validates one seed file without applying it; `name` is how messages call it.
    SeedCheck { name: String, json: String },
    /// Stings, seeds and secures a home on demand (`wurk admin init`).
    Init(InitRequest),
    /// Reads `wurker.toml` again after `wurk admin config` changed it.
    ReloadConfig,
}
