//! The commands this release parses but does not provide yet: each says which part of Wurker
//! will bring it and fails, so a script never mistakes it for success. `--drone` is refused
//! first, as it is everywhere.

use anyhow::bail;

use super::refuse_drones;
use crate::cli::admin::{AdminCommand, ServiceCommand};

/// The part that brings `admin service`.
const SERVICES: &str = "service file generation";

/// `wurk admin service`; the other admin commands are provided by [`super::admin`] and
/// [`super::control`], which never hand them here.
///
/// # Errors
/// Always: `--drone`, or the command is not provided yet.
pub fn admin(command: &AdminCommand) -> anyhow::Result<()> {
    match command {
        // Dispatched to `commands::control` before reaching here.
        AdminCommand::Control(args) => refuse_drones(&args.drone),
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
