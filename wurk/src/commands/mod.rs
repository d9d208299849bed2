//! What each command does, one module per command: `show`, `add`, `edit`, `remove`, `report`
//! and the `admin` commands of [`admin`] ask the daemon (`admin config` edits the home's file
//! itself); the commands this release does not provide yet are answered by [`later`]. This
//! module holds what they share: the way to the daemon and the checks on its answers.

pub mod add;
pub mod admin;
pub mod admin_config;
pub mod admin_seed;
pub mod admin_stinger;
mod config_doc;
pub mod control;
pub mod edit;
pub mod later;
pub mod logs;
pub mod remove;
pub mod report;
pub mod runs;
pub mod show;
pub mod status;

use std::path::PathBuf;

use anyhow::{anyhow, bail};

use protocol::{Request, Response};

use crate::cli::Command;
use crate::client;
use crate::endpoint::Endpoint;

/// Where to find the daemon, as the global options gave it. It is resolved only by commands
/// that talk to the daemon, so the others work without a home.
#[derive(Debug, Clone, Default)]
pub struct DaemonFlags {
    /// `--home`.
    pub home: Option<PathBuf>,
    /// `--socket` or `WURKER_SOCKET`.
    pub socket: Option<PathBuf>,
}

impl DaemonFlags {
    /// Finds the daemon and makes one request of it.
    ///
    /// # Errors
    /// As [`Endpoint::resolve`] and [`client::call`]; the daemon's own error replies come back
    /// as errors whose message is the daemon's.
    pub fn call(&self, request: &Request) -> anyhow::Result<Response> {
        let endpoint = Endpoint::resolve(self.home.as_deref(), self.socket.as_deref())?;
        tracing::debug!(socket.path = %endpoint.socket.display(), "daemon endpoint");
        client::call(&endpoint, request)
    }

    /// Finds the daemon and makes a request whose answer is a stream.
    ///
    /// # Errors
    /// As [`DaemonFlags::call`], or an error from `each`.
    pub fn stream(
        &self,
        request: &Request,
        each: impl FnMut(Response) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let endpoint = Endpoint::resolve(self.home.as_deref(), self.socket.as_deref())?;
        client::stream(&endpoint, request, each)
    }
}

/// Carries out one parsed command.
///
/// # Errors
/// Whatever the command meets; [`crate::exit`] turns it into a message and an exit code.
pub fn run(command: Command, daemon: &DaemonFlags) -> anyhow::Result<()> {
    match command {
        Command::Show(args) => show::run(&args, daemon),
        Command::Add(args) => add::run(&args, daemon),
        Command::Edit(args) => edit::run(&args, daemon),
        Command::Remove(args) => remove::run(&args, daemon),
        Command::Kill(args) => runs::kill(&args, daemon),
        Command::Run(args) => runs::run(&args, daemon),
        Command::Logs(args) => logs::run(&args, daemon),
        Command::Report(args) => report::run(&args, daemon),
        Command::Admin(crate::cli::admin::AdminCommand::Control(args)) => {
            control::run(&args, daemon)
        }
        Command::Admin(command) => admin::run(&command, daemon),
    }
}

/// Refuses `--drone`: reaching other nodes needs the Colony.
///
/// # Errors
/// When any drone is named.
pub fn refuse_drones(drones: &[String]) -> anyhow::Result<()> {
    if drones.is_empty() {
        return Ok(());
    }
    bail!("--drone needs the Colony (cluster mode), which this release does not provide")
}

/// Accepts only the plain acknowledgement a write gets.
///
/// # Errors
/// When the daemon answered with anything else.
pub fn expect_done(response: Response, command: &str) -> anyhow::Result<()> {
    match response {
        Response::Done => Ok(()),
        other => Err(unexpected(&other, command)),
    }
}

/// The error for a reply that does not answer the request that was sent.
pub fn unexpected(response: &Response, command: &str) -> anyhow::Error {
    anyhow!(
        "wurkerd gave an unexpected reply ({}) to 'wurk {command}'; \
         are wurk and wurkerd the same version?",
        response.kind()
    )
}
