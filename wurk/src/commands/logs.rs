//! `wurk logs BEE [--run ID] [--follow]`: a run's output, written to stdout as it was written
//! by the Bee (stdout and stderr interleaved).

use std::io::{ErrorKind, Write as _};

use anyhow::Context as _;
use protocol::{Request, Response};

use super::{DaemonFlags, unexpected};
use crate::cli::LogsArgs;

/// Streams the log to stdout; a reader that closes the pipe ends it quietly.
///
/// # Errors
/// The daemon's refusal (unknown Bee or run, no log kept), or stdout failing.
pub fn run(args: &LogsArgs, daemon: &DaemonFlags) -> anyhow::Result<()> {
    let request = Request::Logs {
        bee: args.bee.clone(),
        run: args.run,
        follow: args.follow,
    };
    let mut stdout = std::io::stdout().lock();
    let outcome = daemon.stream(&request, |response| match response {
        Response::Log(chunk) => stdout
            .write_all(&chunk.bytes)
            .and_then(|()| stdout.flush())
            .map_err(anyhow::Error::from),
        other => Err(unexpected(&other, "logs")),
    });
    match outcome {
        Err(err) if is_broken_pipe(&err) => Ok(()),
        other => other.context("showing the run's output"),
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == ErrorKind::BrokenPipe)
    })
}
