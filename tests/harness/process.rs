//! Runs a child process to completion with a deadline, feeding it stdin and collecting its
//! output without risking a pipe deadlock.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use super::outcome::Outcome;

/// Runs `command` with `input` on stdin (or no stdin at all) and waits at most `timeout`.
/// Returns `None` when the deadline passed; the process has then been killed.
///
/// # Panics
/// When the process cannot be started or waited for.
pub fn run_bounded(
    mut command: Command,
    input: Option<&str>,
    timeout: Duration,
) -> Option<Outcome> {
    let description = describe(&command);
    let stdin = if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    };
    command
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command
        .spawn()
        .unwrap_or_else(|err| panic!("cannot start `{description}`: {err}"));
    let pid = pid_of(&child);

    // Stdin is written from its own thread: a child that exits without reading (a usage error)
    // must not block us, and a broken pipe is then expected, not a failure.
    if let (Some(text), Some(mut pipe)) = (input, child.stdin.take()) {
        let text = text.to_owned();
        std::thread::spawn(move || {
            let _ = pipe.write_all(text.as_bytes());
        });
    }

    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = sender.send(child.wait_with_output());
    });
    match receiver.recv_timeout(timeout) {
        Ok(Ok(output)) => Some(Outcome {
            command: description,
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }),
        Ok(Err(err)) => panic!("cannot wait for `{description}`: {err}"),
        Err(_) => {
            let _ = kill(pid, Signal::SIGKILL);
            None
        }
    }
}

/// The process id of a child, as nix wants it.
pub fn pid_of(child: &std::process::Child) -> Pid {
    Pid::from_raw(i32::try_from(child.id()).expect("Linux process ids fit in an i32"))
}

/// The command line of a command, for messages.
pub fn describe(command: &Command) -> String {
    let program = command.get_program().to_string_lossy().into_owned();
    let args = command
        .get_args()
        .map(|arg| arg.to_string_lossy().into_owned());
    std::iter::once(program)
        .chain(args)
        .collect::<Vec<_>>()
        .join(" ")
}
