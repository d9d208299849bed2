//! The command line `wurk` accepts, as a clap derive tree. Names, choices and defaults follow
//! the original Wurker's CLI exactly, so that scripts written for it parse the same way; the
//! `admin` subtree lives in [`admin`]. Parsing only: what each command does is in
//! [`crate::commands`].

pub mod admin;

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

use protocol::home::SOCKET_ENV;

/// `wurk`: the whole command line.
#[derive(Debug, Parser)]
#[command(
    name = "wurk",
    about = "Wurker CLI - manage resources, definitions, and bees",
    after_help = "First run: start the daemon with `wurkerd --home DIR`.",
    disable_version_flag = true,
    disable_help_subcommand = true,
    arg_required_else_help = true
)]
pub struct Cli {
    /// Show the version and exit.
    #[arg(long)]
    pub version: bool,

    /// Where to log (wurk logs to stderr, and only with -v or --debug)
    #[arg(long, value_name = "stderr", value_parser = ["stderr"])]
    pub log: Option<String>,

    /// Log debug details to stderr (same as -v)
    #[arg(long)]
    pub debug: bool,

    /// Log more to stderr (repeat for more detail)
    #[arg(short, long, action = ArgAction::Count)]
    pub verbose: u8,

    /// The node's home directory, to find the daemon's socket [env: WURKER_HOME] (default:
    /// '~/.config/wurker')
    #[arg(long, value_name = "DIR")]
    pub home: Option<PathBuf>,

    /// The daemon's socket; overrides the one configured in the home
    #[arg(long, value_name = "PATH", env = SOCKET_ENV, hide_env_values = true)]
    pub socket: Option<PathBuf>,

    /// The command to run; only `--version` may go without one.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add Wurker definitions
    Add(AddArgs),
    /// Administrate Wurker resources
    #[command(subcommand)]
    Admin(admin::AdminCommand),
    /// Edit Wurker definitions
    Edit(EditArgs),
    /// Kill Wurker Bees
    Kill(KillArgs),
    /// Show the output of a Bee's run
    Logs(LogsArgs),
    /// Remove Wurker definitions
    Remove(RemoveArgs),
    /// Report on Wurker Bees
    #[command(next_line_help = true)]
    Report(ReportArgs),
    /// Run Wurker Bees
    Run(RunArgs),
    /// Show Wurker definitions
    Show(ShowArgs),
}

/// `wurk show [VIEW]`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// What to show
    #[arg(
        value_enum,
        default_value_t = ShowView::All,
        value_name = "all|bee|cron|command|ondemand|scheduled|supervised|hive",
        hide_default_value = true,
        hide_possible_values = true
    )]
    pub view: ShowView,

    /// Filter by slug (only: command, cron, bee)
    #[arg(long, value_name = "TEXT")]
    pub slug: Option<String>,

    /// Slug or ID of drone(s) to show (repeatable)
    #[arg(short, long, value_name = "TEXT")]
    pub drone: Vec<String>,
}

/// The views of `wurk show`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowView {
    All,
    Bee,
    Cron,
    Command,
    Ondemand,
    Scheduled,
    Supervised,
    Hive,
}

/// `wurk add KIND [INFILE]`.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// What to add
    #[arg(
        value_enum,
        value_name = "bee|cron|command|ondemand",
        hide_possible_values = true
    )]
    pub kind: AddKind,

    /// JSON document to read ('-' for standard input)
    #[arg(default_value = "-", hide_default_value = true)]
    pub infile: PathBuf,

    /// Slug or ID of drone(s) to add to (repeatable)
    #[arg(short, long, value_name = "TEXT")]
    pub drone: Vec<String>,
}

/// What `add` and `remove` act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AddKind {
    Bee,
    Cron,
    Command,
    Ondemand,
}

impl AddKind {
    /// The protocol's name for this kind.
    pub fn def_kind(self) -> protocol::DefKind {
        match self {
            AddKind::Bee => protocol::DefKind::Bee,
            AddKind::Cron => protocol::DefKind::Cron,
            AddKind::Command => protocol::DefKind::Command,
            AddKind::Ondemand => protocol::DefKind::Ondemand,
        }
    }
}

/// `wurk edit KIND KEY [INFILE]`.
#[derive(Debug, Args)]
pub struct EditArgs {
    /// What to edit
    #[arg(
        value_enum,
        value_name = "bee|cron|command",
        hide_possible_values = true
    )]
    pub kind: EditKind,

    /// Slug of the definition to edit
    #[arg(value_name = "KEY")]
    pub key: String,

    /// JSON object of the fields to change ('-' for standard input)
    #[arg(default_value = "-", hide_default_value = true)]
    pub infile: PathBuf,

    /// Slug or ID of drone(s) to edit on (repeatable)
    #[arg(short, long, value_name = "TEXT")]
    pub drone: Vec<String>,
}

/// What `edit` acts on: the ondemand queue has nothing to edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EditKind {
    Bee,
    Cron,
    Command,
}

impl EditKind {
    /// The protocol's name for this kind.
    pub fn def_kind(self) -> protocol::DefKind {
        match self {
            EditKind::Bee => protocol::DefKind::Bee,
            EditKind::Cron => protocol::DefKind::Cron,
            EditKind::Command => protocol::DefKind::Command,
        }
    }
}

/// `wurk remove KIND SLUG`.
#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// What to remove
    #[arg(
        value_enum,
        value_name = "bee|cron|command|ondemand",
        hide_possible_values = true
    )]
    pub kind: AddKind,

    /// Slug of the definition (for ondemand: of the queued Bee)
    #[arg(value_name = "SLUG")]
    pub slug: String,

    /// Slug or ID of drone(s) to remove from (repeatable)
    #[arg(short, long, value_name = "TEXT")]
    pub drone: Vec<String>,
}

/// `wurk kill [TARGET]`.
#[derive(Debug, Args)]
pub struct KillArgs {
    /// Which Bees to kill
    #[arg(
        value_enum,
        default_value_t = KillTarget::Hive,
        value_name = "bee|cron|ondemand|scheduled|supervised|hive",
        hide_default_value = true,
        hide_possible_values = true
    )]
    pub target: KillTarget,

    /// Filter by slug (only: cron, bee)
    #[arg(long, value_name = "TEXT")]
    pub slug: Option<String>,

    /// Slug or ID of drone(s) to kill on (repeatable)
    #[arg(short, long, value_name = "TEXT")]
    pub drone: Vec<String>,
}

/// The targets of `wurk kill`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KillTarget {
    Bee,
    Cron,
    Ondemand,
    Scheduled,
    Supervised,
    Hive,
}

/// `wurk run [TARGET]`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Which Bees to run (default: all, as the worker)
    #[arg(
        value_enum,
        value_name = "bee|cron|ondemand|scheduled|supervised",
        hide_possible_values = true
    )]
    pub target: Option<RunTarget>,

    /// Filter by slug (only: cron, bee)
    #[arg(long, value_name = "TEXT")]
    pub slug: Option<String>,

    /// Wait for the runs to end; exit 0 only if every run completed
    #[arg(long)]
    pub wait: bool,
}

/// `wurk logs BEE`.
#[derive(Debug, Args)]
pub struct LogsArgs {
    /// The Bee whose run to show
    #[arg(value_name = "BEE")]
    pub bee: String,

    /// The run (its report id); default: the Bee's latest run
    #[arg(long, value_name = "ID")]
    pub run: Option<i64>,

    /// Keep printing the run's output as it comes, until the run ends
    #[arg(short, long)]
    pub follow: bool,
}

/// The targets of `wurk run`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RunTarget {
    Bee,
    Cron,
    Ondemand,
    Scheduled,
    Supervised,
}

/// `wurk report [bee|cron]`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// What the slug filter names
    #[arg(value_enum, value_name = "bee|cron", hide_possible_values = true)]
    pub target: Option<ReportTarget>,

    /// Filter by slug
    #[arg(long, value_name = "TEXT")]
    pub slug: Option<String>,

    /// Optional start date/time: reports created at or after it (YYYY-MM-DD[THH:MM:SS], UTC
    /// unless an offset is given)
    #[arg(long, value_name = "TEXT")]
    pub start: Option<String>,

    /// Optional end date/time: reports created before it
    #[arg(long, value_name = "TEXT")]
    pub end: Option<String>,

    /// Only reports with this status: PROCESSING, OVERRUN, TIMEOUT, ERROR or COMPLETED
    #[arg(long, value_name = "TEXT")]
    pub status: Option<String>,

    /// Pagination page number (default: 0)
    #[arg(
        long,
        value_name = "INTEGER",
        default_value_t = 0,
        allow_negative_numbers = true
    )]
    #[arg(hide_default_value = true)]
    pub page: i64,

    /// Records per page (default: 20)
    #[arg(
        long,
        value_name = "INTEGER",
        default_value_t = 20,
        allow_negative_numbers = true
    )]
    #[arg(hide_default_value = true)]
    pub page_limit: i64,

    /// Sort by column (default: 'id')
    #[arg(long, value_enum, default_value_t = ReportSort::Id, value_name = SORT_COLUMNS)]
    #[arg(hide_default_value = true, hide_possible_values = true)]
    pub sort: ReportSort,

    /// Sort direction (default: asc)
    #[arg(long, value_enum, default_value_t = SortOrder::Asc, value_name = "asc|desc")]
    #[arg(hide_default_value = true, hide_possible_values = true)]
    pub sort_order: SortOrder,

    /// Slug or ID of drone(s) to report on (repeatable)
    #[arg(short, long, value_name = "TEXT")]
    pub drone: Vec<String>,
}

/// What `wurk report --slug` filters on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportTarget {
    Bee,
    Cron,
}

/// The choices of `wurk report --sort`, as its help lists them.
const SORT_COLUMNS: &str = "id|bee_id|bee_slug|bee_name|cron_id|cron_slug|cron_name|\
                            hive_pid|hive_timestamp|hive_runcount|hive_duration|status|\
                            created_at|updated_at";

/// The columns `wurk report` sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
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

/// The directions `wurk report` sorts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortOrder {
    Asc,
    Desc,
}
