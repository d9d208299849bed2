//! `wurk`, Wurker's one-shot command-line client. It parses the original Wurker's command
//! line, asks `wurkerd` over its local socket, prints the original's JSON on stdout and errors
//! as one `Error:` line on stderr, and exits with a code a script can rely on (0, 1, 2 or 3;
//! the `exit` module says which means what).

mod cli;
mod client;
mod commands;
mod endpoint;
mod exit;
mod input;
mod output;

use std::io::IsTerminal as _;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{CommandFactory as _, Parser as _};
use tracing::Level;

use cli::Cli;
use commands::DaemonFlags;

/// Runs `wurk` with the process's arguments and returns its exit code; never exits the
/// process itself, so `main` stays in charge.
pub fn main_entry() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return clap_exit(&err),
    };
    if cli.version {
        return finish(output::print_line(&format!(
            "wurk, version {}",
            env!("CARGO_PKG_VERSION")
        )));
    }
    init_logging(cli.verbose, cli.debug);

    let Some(command) = cli.command else {
        let err = Cli::command().error(ErrorKind::MissingSubcommand, "a command is required");
        return clap_exit(&err);
    };
    let daemon = DaemonFlags {
        home: cli.home,
        socket: cli.socket,
    };
    finish(commands::run(command, &daemon))
}

fn finish(outcome: anyhow::Result<()>) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => exit::report(&err),
    }
}

/// Prints clap's help, version or usage error and returns clap's code for it (0 or 2).
fn clap_exit(err: &clap::Error) -> ExitCode {
    // A help text that cannot be printed (closed pipe) changes nothing about the outcome.
    let _ = err.print();
    ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(exit::FAILURE))
}

/// Quiet unless asked: `-v` or `--debug` log the connection's steps on stderr, `-vv` more.
fn init_logging(verbose: u8, debug: bool) {
    let level = match (verbose, debug) {
        (0, false) => return,
        (0 | 1, _) => Level::DEBUG,
        _ => Level::TRACE,
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(level)
        .with_ansi(std::io::stderr().is_terminal())
        .without_time()
        .with_target(false)
        .init();
}
