//! `wurk admin ...`: the commands Wurker provides (`config`, `init`, `seed`, `status`,
//! `stinger`) each have their module; the rest are answered by [`super::later`].

use std::path::PathBuf;

use anyhow::Context as _;

use protocol::Response;

use super::{DaemonFlags, admin_config, admin_seed, admin_stinger, later, status, unexpected};
use crate::cli::admin::AdminCommand;
use crate::output::print_line;

/// Carries out one `wurk admin` command.
///
/// # Errors
/// Whatever the command meets.
pub fn run(command: &AdminCommand, daemon: &DaemonFlags) -> anyhow::Result<()> {
    match command {
        AdminCommand::Config(config) => admin_config::run(config, daemon),
        AdminCommand::Init(args) => admin_seed::init(args, daemon),
        AdminCommand::Seed(args) => admin_seed::seed(args, daemon),
        AdminCommand::Status(args) => status::run(args, daemon),
        AdminCommand::Stinger(stinger) => admin_stinger::run(stinger, daemon),
        other => later::admin(other),
    }
}

/// Prints the lines of a report reply on stdout.
///
/// # Errors
/// When the daemon answered with anything else, or stdout cannot be written.
pub fn print_lines(response: Response, command: &str) -> anyhow::Result<()> {
    match response {
        Response::Lines(lines) => {
            for line in lines {
                print_line(&line)?;
            }
            Ok(())
        }
        other => Err(unexpected(&other, command)),
    }
}

/// A path from the command line made absolute here: the daemon does not share our working
/// directory.
///
/// # Errors
/// When the working directory cannot be read.
pub fn absolute(path: Option<&str>) -> anyhow::Result<Option<String>> {
    let Some(path) = path else {
        return Ok(None);
    };
    let path = protocol::home::absolute(PathBuf::from(path)).context("resolving --root")?;
    Ok(Some(path.to_string_lossy().into_owned()))
}
