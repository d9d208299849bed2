//! Bees for the runtime tests: shell scripts that note each of their starts (the wall-clock
//! time they took themselves, their pid, their run id and their arguments) in a notes file of
//! the test's workdir; definitions added through `wurk add`; bounded waits on notes and
//! reports; and the `[runtime]` settings that keep the tests fast.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use serde_json::{Value, json};
use wurker_e2e::{Daemon, Report, poll_until};

/// A short grace period between SIGTERM and SIGKILL, so that stops are quick.
pub const FAST: &str = "[runtime]\nkill_grace = 1\n";

/// How long a test waits for something that should take a second or two (a busy machine may
/// be slow, a working daemon is never that slow).
pub const PATIENCE: Duration = Duration::from_secs(10);

/// How late a run may start after its fire time, by the clock of the Bee itself (process
/// start-up included). The runtime aims at milliseconds; the margin is for a loaded machine.
pub const LATE: f64 = 0.3;

/// How far `at` (seconds since the epoch) is from the fire time of an every-`interval`-seconds
/// Cron nearest before it; a run may start a few milliseconds early by the wall clock, which
/// shows as a small negative offset.
pub fn fire_offset(at: f64, interval: f64) -> f64 {
    const EARLY: f64 = 0.05;
    (at + EARLY).rem_euclid(interval) - EARLY
}

/// Whether `at` is on a fire time of an every-`interval`-seconds Cron: at most a few
/// milliseconds early, at most [`LATE`] late.
pub fn on_fire_time(at: f64, interval: f64) -> bool {
    (-0.01..LATE).contains(&fire_offset(at, interval))
}

/// The wall-clock time now, in seconds since the epoch.
pub fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or_default()
}

/// One start of a Bee, as the Bee noted it.
#[derive(Debug, Clone, PartialEq)]
pub struct Start {
    /// Seconds since the epoch.
    pub at: f64,
    pub pid: i32,
    pub run_id: i64,
    pub args: Vec<String>,
}

/// The notes file a Bee script writes.
#[derive(Debug, Clone)]
pub struct Notes {
    pub path: PathBuf,
}

impl Notes {
    /// Every line noted so far (a line still being written is left for the next look).
    pub fn lines(&self) -> Vec<String> {
        let text = std::fs::read_to_string(&self.path).unwrap_or_default();
        let complete = text.rfind('\n').map_or("", |end| &text[..end]);
        complete
            .split('\n')
            .filter(|line| !line.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// The values of the lines `KEY VALUE` noted with `note KEY VALUE`.
    pub fn values(&self, key: &str) -> Vec<String> {
        let prefix = format!("{key} ");
        self.lines()
            .iter()
            .filter_map(|line| line.strip_prefix(&prefix).map(str::to_string))
            .collect()
    }

    /// Every start noted so far, in order.
    pub fn starts(&self) -> Vec<Start> {
        self.lines()
            .iter()
            .filter_map(|line| line.strip_prefix("start "))
            .map(|line| {
                let mut parts = line.split('\t');
                let head: Vec<&str> = parts.next().unwrap_or_default().split(' ').collect();
                assert_eq!(
                    head.len(),
                    3,
                    "a start line is `start TIME PID RUN_ID`: {line}"
                );
                Start {
                    at: head[0].parse().expect("the time is seconds.nanoseconds"),
                    pid: head[1].parse().expect("the pid is a number"),
                    run_id: head[2].parse().expect("the run id is a number"),
                    args: parts.map(str::to_string).collect(),
                }
            })
            .collect()
    }

    /// Waits (bounded by `timeout`) until at least `count` starts are noted; returns them all.
    ///
    /// # Panics
    /// When fewer are noted in time.
    pub fn wait_starts(&self, count: usize, timeout: Duration) -> Vec<Start> {
        let mut starts = Vec::new();
        let enough = poll_until(timeout, || {
            starts = self.starts();
            starts.len() >= count
        });
        assert!(
            enough,
            "expected {count} starts within {timeout:?}, saw {}: {starts:#?}",
            starts.len()
        );
        starts
    }
}

/// Writes an executable shell script `NAME` into the daemon's workdir: it notes its start in
/// `NAME.notes` (`start TIME PID RUN_ID`, then its arguments separated by tabs), then runs
/// `body`, in which `note KEY VALUE` adds a line to the notes.
pub fn bee_script(daemon: &Daemon, name: &str, body: &str) -> (PathBuf, Notes) {
    let dir = daemon.workdir();
    let notes = dir.join(format!("{name}.notes"));
    let notes_text = notes.to_str().expect("temp paths are UTF-8");
    let script = format!(
        "#!/bin/sh\n\
         note() {{ printf '%s\\n' \"$*\" >> '{notes_text}'; }}\n\
         tab=$(printf '\\t')\n\
         line=\"start $(date +%s.%N) $$ ${{WURKER_RUN_ID:-0}}\"\n\
         for arg in \"$@\"; do line=\"$line$tab$arg\"; done\n\
         note \"$line\"\n\
         {body}\n"
    );
    let path = dir.join(name);
    std::fs::write(&path, script).expect("the workdir is writable");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
        .expect("the script's mode can be set");
    (path, Notes { path: notes })
}

/// How a test Bee runs by itself.
#[derive(Debug, Clone, Copy)]
pub enum When<'a> {
    /// No Cron: ondemand or `wurk run` only.
    Never,
    /// A Cron without an expression.
    Supervised,
    /// A Cron with this expression and this overrun.
    Cron(&'a str, i64),
}

/// Adds a Command executing `program`, the Cron `When` asks for (slug `SLUG_cron`), and an
/// enabled Bee `slug` with `args`, all through `wurk add`.
pub fn add_bee(daemon: &Daemon, slug: &str, program: &Path, when: When<'_>, args: &Value) {
    let command = program.to_str().expect("temp paths are UTF-8");
    add_command_bee(daemon, slug, command, when, args);
}

/// Like [`add_bee`] with a whole command line (`/bin/sh -c`) as the Command.
pub fn add_command_bee(daemon: &Daemon, slug: &str, command: &str, when: When<'_>, args: &Value) {
    add_definitions(daemon, slug, &json!({"command": command}), when, args);
}

/// Like [`add_bee`] for a PyBee: the Command names `module`.
pub fn add_pybee(daemon: &Daemon, slug: &str, module: &str, when: When<'_>, args: &Value) {
    let command = json!({"command": module, "is_module": true});
    add_definitions(daemon, slug, &command, when, args);
}

fn add_definitions(daemon: &Daemon, slug: &str, command: &Value, when: When<'_>, args: &Value) {
    let mut definition = json!({"slug": slug, "name": slug});
    for (key, value) in command.as_object().expect("an object") {
        definition[key] = value.clone();
    }
    daemon.add("command", &definition);
    let cron_slug = match when {
        When::Never => Value::Null,
        When::Supervised | When::Cron(..) => {
            let cron_slug = format!("{slug}_cron");
            let (expression, overrun) = match when {
                When::Cron(expression, overrun) => (json!(expression), overrun),
                _ => (Value::Null, 0),
            };
            daemon.add(
                "cron",
                &json!({"slug": cron_slug, "name": cron_slug, "cron": expression,
                        "overrun": overrun}),
            );
            json!(cron_slug)
        }
    };
    daemon.add(
        "bee",
        &json!({"slug": slug, "name": slug, "command_slug": slug, "cron_slug": cron_slug,
                "args": args, "enabled": true}),
    );
}

/// The id of a Cron, from `wurk show cron`.
pub fn cron_id(daemon: &Daemon, slug: &str) -> i64 {
    let crons = daemon.show(&["cron", "--slug", slug]);
    crons[0]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no Cron {slug}: {crons}"))
}

/// The id of a Bee, from `wurk show bee`.
pub fn bee_id(daemon: &Daemon, slug: &str) -> i64 {
    let bees = daemon.show(&["bee", "--slug", slug]);
    bees[0]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no Bee {slug}: {bees}"))
}

/// Waits (bounded by `timeout`) for a report of `bee` that satisfies `wanted`, and returns it.
///
/// # Panics
/// When none does in time; the message shows the Bee's reports.
pub fn wait_report(
    daemon: &Daemon,
    bee: &str,
    timeout: Duration,
    what: &str,
    wanted: impl Fn(&Report) -> bool,
) -> Report {
    let mut seen = Vec::new();
    let mut found = None;
    poll_until(timeout, || {
        seen = daemon.reports_of(bee);
        found = seen.iter().find(|report| wanted(report)).cloned();
        found.is_some()
    });
    found.unwrap_or_else(|| {
        panic!("no report of {bee} {what} within {timeout:?}; its reports: {seen:#?}")
    })
}

/// The report of one run, once it is final.
pub fn final_report(daemon: &Daemon, bee: &str, run_id: i64) -> Report {
    wait_report(daemon, bee, PATIENCE, "final", |report| {
        report.id == run_id && report.is_final()
    })
}

/// Sends a signal to a process.
///
/// # Panics
/// When the process does not exist.
pub fn signal(pid: i32, signal: Signal) {
    kill(Pid::from_raw(pid), signal)
        .unwrap_or_else(|err| panic!("cannot send {signal} to {pid}: {err}"));
}

/// Waits (bounded) until a process is gone.
///
/// # Panics
/// When it is still alive after `timeout`.
pub fn wait_gone(pid: i32, timeout: Duration, what: &str) {
    assert!(
        poll_until(timeout, || !wurker_e2e::is_alive(pid)),
        "{what} (pid {pid}) is still alive after {timeout:?}"
    );
}
