//! The commands this release parses but does not provide yet: each says which part of Wurker
//! will bring it and fails, so a script never mistakes it for success. `--drone` is refused
//! first, as it is everywhere.

use anyhow::bail;

use super::refuse_drones;
use crate::cli::KillArgs;
use crate::cli::admin::{
    AdminCommand, ConfigCommand, ExtractCommand, ServiceCommand, StingerCommand,
};

/// The part that brings `kill`, `run` and `admin control`.
const RUNTIME: &str = "the Wurker runtime (scheduler, supervisor, Hive and reports)";
/// The part that brings `admin init`, `admin seed`, `admin stinger` and `admin config`.
const STINGERS: &str = "stingers, seeds and config management";
/// The part that brings `admin service`.
const SERVICES: &str = "service file generation";

/// `wurk kill`.
///
/// # Errors
/// Always: `--drone`, or the command is not provided yet.
pub fn kill(args: &KillArgs) -> anyhow::Result<()> {
    refuse_drones(&args.drone)?;
    not_yet("kill", RUNTIME)
}

/// `wurk run`.
///
/// # Errors
/// Always: the command is not provided yet.
pub fn run() -> anyhow::Result<()> {
    not_yet("run", RUNTIME)
}

/// `wurk admin ...`.
///
/// # Errors
/// Always: `--drone`, or the command is not provided yet.
pub fn admin(command: &AdminCommand) -> anyhow::Result<()> {
    match command {
        AdminCommand::Control(args) => {
            refuse_drones(&args.drone)?;
            not_yet("admin control", RUNTIME)
        }
        // `commands::run` hands this one to `commands::status`; it never reaches here.
        AdminCommand::Status(_) => bail!("'wurk admin status' was routed to the wrong place"),
        AdminCommand::Config(config) => not_yet(config_path(config), STINGERS),
        AdminCommand::Init(_) => not_yet("admin init", STINGERS),
        AdminCommand::Seed(_) => not_yet("admin seed", STINGERS),
        AdminCommand::Stinger(stinger) => not_yet(&stinger_path(stinger), STINGERS),
        AdminCommand::Service(service) => not_yet(service_path(service), SERVICES),
    }
}

fn config_path(command: &ConfigCommand) -> &'static str {
    match command {
        ConfigCommand::Get { .. } => "admin config get",
        ConfigCommand::Reset => "admin config reset",
        ConfigCommand::Set { .. } => "admin config set",
    }
}

fn stinger_path(command: &StingerCommand) -> String {
    let leaf = match command {
        StingerCommand::Extract(ExtractCommand::Colony(_)) => "extract colony",
        StingerCommand::Extract(ExtractCommand::Wurker(_)) => "extract wurker",
        StingerCommand::Refactor { .. } => "refactor",
        StingerCommand::Resting { .. } => "resting",
        StingerCommand::Sting { .. } => "sting",
        StingerCommand::Unsting { .. } => "unsting",
    };
    format!("admin stinger {leaf}")
}

fn service_path(command: &ServiceCommand) -> &'static str {
    match command {
        ServiceCommand::Ui(_) => "admin service ui",
        ServiceCommand::Wurker(_) => "admin service wurker",
    }
}

fn not_yet(command: &str, part: &str) -> anyhow::Result<()> {
    bail!("'wurk {command}' is not available yet: it comes with {part}")
}
