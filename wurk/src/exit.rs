//! How `wurk` ends. Exit codes:
//!
//! - 0: success, also when stdout is a closed pipe;
//! - 1: any other error: the daemon refused the request, an input could not be read, the
//!   command is not provided yet, the connection or the handshake failed;
//! - 2: a usage error, reported by clap;
//! - 3: the daemon is not running: nothing answers at its socket.
//!
//! Errors are printed on stderr as one line, `Error: ` then the error and its causes.

use std::io::Write as _;
use std::process::ExitCode;

use crate::client::NotRunning;

/// Exit code for any error other than the ones below.
pub const FAILURE: u8 = 1;
/// Exit code when no daemon answers at the socket.
pub const NOT_RUNNING: u8 = 3;

/// Prints the error on stderr as one line and returns the exit code it calls for.
pub fn report(err: &anyhow::Error) -> ExitCode {
    // Nothing useful is left to do when stderr itself is gone, so a failed write is ignored.
    let _ = writeln!(std::io::stderr().lock(), "Error: {}", one_line(err));
    ExitCode::from(code_for(err))
}

/// The exit code an error calls for.
pub fn code_for(err: &anyhow::Error) -> u8 {
    if err.chain().any(|cause| cause.is::<NotRunning>()) {
        NOT_RUNNING
    } else {
        FAILURE
    }
}

/// The error and its causes joined with `: `, with any line breaks flattened.
fn one_line(err: &anyhow::Error) -> String {
    format!("{err:#}")
        .split(['\r', '\n'])
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use anyhow::Context as _;

    use super::*;

    #[test]
    fn not_running_is_code_3_even_with_context() {
        let err = anyhow::Error::new(NotRunning {
            socket: PathBuf::from("/s.sock"),
            start_hint: "start it".into(),
        });
        let err = Err::<(), _>(err).context("showing bees").unwrap_err();
        assert_eq!(code_for(&err), NOT_RUNNING);
        assert_eq!(code_for(&anyhow::anyhow!("other")), FAILURE);
    }

    #[test]
    fn chain_is_one_line() {
        let err = Err::<(), _>(anyhow::anyhow!("bad\nthing"))
            .context("doing it")
            .unwrap_err();
        assert_eq!(one_line(&err), "doing it: bad thing");
    }
}
