//! The `wurk admin` subtree: configuration, control, first run, seeds, service files, status
//! and stingers, with the original's names, choices and defaults. `control`, `service` and
//! `status` are parsed but not provided yet (see [`crate::commands::later`]).

use clap::{Args, Subcommand, ValueEnum};

/// `wurk admin COMMAND`.
#[derive(Debug, Subcommand)]
#[command(disable_help_subcommand = true)]
pub enum AdminCommand {
    /// Configure local Wurker instance
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Reload or pause Wurker instance(s)
    Control(ControlArgs),
    /// Initialize schema, seed data, and stinger defaults for first run
    Init(InitArgs),
    /// Seed Wurker database from Stinger
    Seed(SeedArgs),
    /// Configure Wurker services
    #[command(subcommand)]
    Service(ServiceCommand),
    /// Display Wurker status
    Status(StatusArgs),
    /// Manage injected Wurker resources
    #[command(subcommand)]
    Stinger(StingerCommand),
}

/// `wurk admin config COMMAND`.
#[derive(Debug, Subcommand)]
#[command(disable_help_subcommand = true)]
pub enum ConfigCommand {
    /// Show config (empty for all, or 'table[.key]')
    Get {
        #[arg(value_name = "TABLE_KEY")]
        table_key: Option<String>,
    },
    /// Reset etc/wurker.toml to default values
    Reset,
    /// Set config values like: table.key=value [table.key=value]
    Set {
        #[arg(value_name = "KEY_VALUES")]
        key_values: Vec<String>,
    },
}

/// `wurk admin control {reload|pause}`.
#[derive(Debug, Args)]
pub struct ControlArgs {
    /// What to do
    #[arg(
        value_enum,
        value_name = "reload|pause|resume",
        hide_possible_values = true
    )]
    pub action: ControlAction,

    /// Slugs or ID of drone(s) to control (repeatable)
    #[arg(short, long, value_name = "TEXT")]
    pub drone: Vec<String>,
}

/// The actions of `wurk admin control`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ControlAction {
    Reload,
    Pause,
    Resume,
}

/// The two databases `init` and `seed` may be limited to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Database {
    Wurker,
    Local,
}

/// `wurk admin init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Only initialize (or drop) the given database
    #[arg(
        long,
        value_enum,
        value_name = "wurker|local",
        hide_possible_values = true
    )]
    pub only: Option<Database>,

    /// Drop the given schema instead
    #[arg(long)]
    pub drop: bool,

    /// Drop and reseed the given database
    #[arg(long)]
    pub recreate: bool,

    /// Skip printing status after init
    #[arg(long)]
    pub no_status: bool,

    /// Path to root of stingers tree
    #[arg(long, value_name = "TEXT")]
    pub root: Option<String>,

    /// Stinger slug (default: 'default')
    #[arg(
        long,
        value_name = "TEXT",
        default_value = "default",
        hide_default_value = true
    )]
    pub slug: String,

    /// Colony node slug (default: 'queen'; a node named here must exist in the stinger)
    #[arg(long, value_name = "TEXT")]
    pub node: Option<String>,

    /// Environment slug (default: 'local'; an env named here must exist in the stinger)
    #[arg(long, value_name = "TEXT")]
    pub env: Option<String>,

    /// UI username to set in data/user.json
    #[arg(long, value_name = "TEXT")]
    pub username: Option<String>,

    /// UI password to set in data/user.json
    #[arg(long, value_name = "TEXT")]
    pub password: Option<String>,
}

/// `wurk admin seed`.
#[derive(Debug, Args)]
pub struct SeedArgs {
    /// Only seed (or drop) the given database
    #[arg(
        long,
        value_enum,
        value_name = "wurker|local",
        hide_possible_values = true
    )]
    pub only: Option<Database>,

    /// Drop the given schema instead
    #[arg(long)]
    pub drop: bool,

    /// Apply every seed file again, also those already applied
    #[arg(long, conflicts_with = "drop")]
    pub force: bool,

    /// Only validate this seed file against the definitions ('-' for standard input)
    #[arg(long, value_name = "FILE", conflicts_with_all = ["drop", "force", "only"])]
    pub check: Option<std::path::PathBuf>,
}

/// `wurk admin service COMMAND`.
#[derive(Debug, Subcommand)]
#[command(disable_help_subcommand = true)]
pub enum ServiceCommand {
    /// Configure Wurker UI service and Nginx config
    Ui(ServiceUiArgs),
    /// Configure Wurker service
    Wurker(ServiceWurkerArgs),
}

/// `wurk admin service wurker`.
#[derive(Debug, Args)]
pub struct ServiceWurkerArgs {
    /// Root path of the Python venv to use (default: '/opt/venv')
    #[arg(long, value_name = "TEXT")]
    pub virtualenv: Option<String>,

    /// Working directory for 'wurker' service (default: '~/.config/wurker')
    #[arg(long, value_name = "TEXT")]
    pub workingdir: Option<String>,
}

/// `wurk admin service ui`.
#[derive(Debug, Args)]
pub struct ServiceUiArgs {
    /// Root path of the Python venv to use (default: '/opt/venv')
    #[arg(long, value_name = "TEXT")]
    pub virtualenv: Option<String>,

    /// Working directory for 'wurker-ui' service (default: '~/.config/wurker')
    #[arg(long, value_name = "TEXT")]
    pub workingdir: Option<String>,

    /// Domain name for 'wurker-ui' virtual host (example: 'queen.example.com')
    #[arg(long, value_name = "TEXT")]
    pub domain: Option<String>,

    /// Number of webserver workers (default: 3')
    #[arg(long, value_name = "TEXT")]
    pub workers: Option<String>,

    /// Path to unix socket for 'wurker-ui' (default: '/tmp/wurker-ui.sock')
    #[arg(long, value_name = "TEXT")]
    pub socket: Option<String>,

    /// Path to Nginx SSL certs for 'wurker-ui' (default: '~/.config/wurker/etc/nginx/ssl')
    #[arg(long, value_name = "TEXT")]
    pub ssl_dir: Option<String>,

    /// Names of SSL certs for 'wurker-ui' (default: ('wurker.crt', 'wurker.key'))
    #[arg(long, num_args = 2, value_names = ["CRT", "KEY"])]
    pub ssl_certs: Option<Vec<String>>,
}

/// `wurk admin status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Slugs or ID of drone(s) to control (repeatable)
    #[arg(short, long, value_name = "TEXT")]
    pub drone: Vec<String>,
}

/// `wurk admin stinger COMMAND`.
#[derive(Debug, Subcommand)]
#[command(disable_help_subcommand = true)]
pub enum StingerCommand {
    /// Extract resources from Wurker to a Stinger repository
    #[command(subcommand)]
    Extract(ExtractCommand),
    /// Refactor a legacy stinger tree
    Refactor {
        /// Path to root of stingers tree (default: '~/.config/wurker/etc/stingers')
        #[arg(long, value_name = "TEXT")]
        root: Option<String>,
    },
    /// Re-inject resources from a Wurker Stinger repository
    Resting {
        #[command(flatten)]
        source: StingerSource,

        /// Also drop database schema
        #[arg(long)]
        drop_schema: bool,
    },
    /// Inject resources from a Wurker Stinger repository
    Sting {
        #[command(flatten)]
        source: StingerSource,
    },
    /// Remove injected resources from Wurker
    Unsting {
        /// Also drop database schema
        #[arg(long)]
        drop_schema: bool,
    },
}

/// Which stinger `sting` and `resting` layer into the home.
#[derive(Debug, Args)]
pub struct StingerSource {
    /// Path to root of stingers tree (default: '~/.config/wurker/etc/stingers')
    #[arg(long, value_name = "TEXT")]
    pub root: Option<String>,

    /// Stinger slug (default: 'default')
    #[arg(
        long,
        value_name = "TEXT",
        default_value = "default",
        hide_default_value = true
    )]
    pub slug: String,

    /// Colony node slug (default: 'queen'; a node named here must exist in the stinger)
    #[arg(long, value_name = "TEXT")]
    pub node: Option<String>,

    /// Environment slug (default: 'local'; an env named here must exist in the stinger)
    #[arg(long, value_name = "TEXT")]
    pub env: Option<String>,
}

/// `wurk admin stinger extract COMMAND`.
#[derive(Debug, Subcommand)]
#[command(disable_help_subcommand = true)]
pub enum ExtractCommand {
    /// Extract resources to a 'colony' directory
    #[command(next_line_help = true)]
    Colony(ExtractArgs),
    /// Extract resources to a 'wurker' directory
    #[command(next_line_help = true)]
    Wurker(ExtractArgs),
}

/// The resources `extract` can copy out of a home.
const RESOURCES: [&str; 12] = [
    "requirements.txt",
    "wurker.toml",
    "seeds",
    "scripts",
    "models",
    "bees",
    "settings",
    "settings/bees",
    "lib",
    "lib/mail",
    "ssl",
    "data",
];

/// The options of `extract wurker` and `extract colony`.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Which resources to extract (default: ALL)
    #[arg(short, long, value_parser = RESOURCES, hide_possible_values = true)]
    #[arg(
        value_name = "requirements.txt|wurker.toml|seeds|scripts|models|bees|settings|\
                       settings/bees|lib|lib/mail|ssl|data"
    )]
    pub resource: Vec<String>,

    /// Path to root of stingers tree (default: '~/.config/wurker/etc/stingers')
    #[arg(long, value_name = "TEXT")]
    pub root: Option<String>,

    /// Stinger slug (ex: 'default')
    #[arg(long, value_name = "TEXT", required = true)]
    pub slug: String,

    /// Colony node slug (ex: 'queen')
    #[arg(long, value_name = "TEXT", required = true)]
    pub node: String,

    /// Environment slug (ex: 'local')
    #[arg(long, value_name = "TEXT", required = true)]
    pub env: String,
}
