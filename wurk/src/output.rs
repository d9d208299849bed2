//! Printing results: JSON on stdout, indented as the original printed it. A reader that
//! closes the pipe early (`wurk show | head`) has what it wanted, so a broken pipe is success.

use std::io::{ErrorKind, Write as _};

use anyhow::Context as _;
use serde_json::Value;

/// Prints a value as 2-space indented JSON and a newline on stdout.
///
/// # Errors
/// When stdout cannot be written for any reason other than a closed pipe.
pub fn print_json(value: &Value) -> anyhow::Result<()> {
    print_line(&protocol::render::pretty(value))
}

/// Prints a line of text on stdout.
///
/// # Errors
/// When stdout cannot be written for any reason other than a closed pipe.
pub fn print_line(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();

    let written = writeln!(stdout, "{text}").and_then(|()| stdout.flush());
    match written {
        Err(err) if err.kind() == ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing to standard output"),
    }
}
