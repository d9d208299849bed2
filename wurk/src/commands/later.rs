//! The commands this release parses but does not provide yet: each says which part of Wurker
//! will bring it and fails, so a script never mistakes it for success. `--drone` is refused
//! first, as it is everywhere.

use anyhow::bail;

use super::refuse_drones;
use crate::cli::KillArgs;
use crate::cli::admin::{AdminCommand, ServiceCommand};

/// The part that brings `kill`, `run` and `admin control`.
const RUNTIME: &str = "the Wurker runtime (scheduler, supervisor, Hive and reports)";
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

/// `wurk admin control` and `wurk admin service`; the other admin commands are provided by
/// [`super::admin`], which never hands them here.
///
/// # Errors
/// Always: `--drone`, or the command is not provided yet.
pub fn admin(command: &AdminCommand) -> anyhow::Result<()> {
    match command {
        AdminCommand::Control(args) => {
            refuse_drones(&args.drone)?;
            not_yet("admin control", RUNTIME)
        }
        AdminCommand::Service(service) => not_yet(service_path(service), SERVICES),
        AdminCommand::Config(_)
        | AdminCommand::Init(_)
        | AdminCommand::Seed(_)
        | AdminCommand::Status(_)
        | AdminCommand::Stinger(_) => bail!("'wurk admin' was routed to the wrong place"),
    }
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
