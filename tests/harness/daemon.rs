//! A real `wurkerd` process in a temporary home, and the real `wurk` pointed at it.
//!
//! [`Daemon::start`] returns only once the daemon answers `wurk show command`, so a test can
//! use it at once. [`Daemon::stop`] is the clean shutdown an operator does (SIGTERM) and checks
//! its contract; dropping a [`Daemon`] kills whatever is left (the daemon and the processes of
//! its node's runs), and prints the daemon's log when the test is failing. A daemon can also
//! tell what its runs left in the config database: reports and the ondemand queue.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::Duration;

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use serde_json::Value;
use tempfile::TempDir;

use super::bins::{wurk_bin, wurkerd_bin};
use super::outcome::Outcome;
use super::process::{describe, pid_of, run_bounded};
use super::procs::{BeeProcess, bee_processes, kill_bee_processes};
use super::reports::{Queued, Report, queue, reports};
use super::wait::poll_until;

/// How long a daemon may take to answer after it was spawned.
const START_TIMEOUT: Duration = Duration::from_secs(20);
/// How long a daemon may take to exit after SIGTERM.
const STOP_TIMEOUT: Duration = Duration::from_secs(20);
/// How long one `wurk` call may take.
const WURK_TIMEOUT: Duration = Duration::from_secs(30);
/// How long one readiness probe may take before it counts as "not ready yet".
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// The socket's place in a home when `wurker.toml` does not move it.
const SOCKET: &str = "data/wurkerd.sock";

/// Environment variables that would point `wurk` or `wurkerd` somewhere else than the home the
/// test gives them.
const REDIRECTING_ENV: [&str; 2] = ["WURKER_HOME", "WURKER_SOCKET"];

/// A running `wurkerd` and the temporary directories it uses.
pub struct Daemon {
    /// `None` once the process has been reaped.
    child: Option<Child>,
    /// How the process ended, once it has been reaped.
    status: Option<ExitStatus>,
    pid: Pid,
    home: PathBuf,
    /// The home, when this daemon made it (dropped, i.e. deleted, with the daemon).
    _owned_home: Option<TempDir>,
    /// The daemon's log and the test's own files (scripts); never inside the home.
    workdir: TempDir,
    log: PathBuf,
}

impl Daemon {
    /// Starts a daemon in a temporary home that has a `wurker.toml` (written by
    /// `wurk admin config reset`) and nothing else. A home with a configuration is not new, so
    /// the daemon does not initialize it: it starts with no definitions, which most tests
    /// want.
    ///
    /// # Panics
    /// When the configuration cannot be written, or the daemon exits or does not answer
    /// within the start timeout.
    pub fn start() -> Self {
        let home = temp_home();
        wurk_in(home.path(), &["admin", "config", "reset"], None).assert_silent_ok();
        Self::start_owning(home)
    }

    /// Starts a daemon in an empty temporary home, which it initializes as a new node does:
    /// configuration, the default stinger, its seeds.
    ///
    /// # Panics
    /// When the daemon exits or does not answer within the start timeout.
    pub fn start_fresh() -> Self {
        Self::start_owning(temp_home())
    }

    fn start_owning(home: TempDir) -> Self {
        let mut daemon = Self::spawn(home.path());
        daemon._owned_home = Some(home);
        daemon.wait_ready();
        daemon
    }

    /// Starts a daemon in a fresh temporary home whose `etc/wurker.toml` is the packaged
    /// default for a new node with the keys of `settings` (TOML, such as `[runtime]` keys)
    /// set over it.
    ///
    /// # Panics
    /// When `settings` is not TOML, the home cannot be written, or the daemon exits or does
    /// not answer within the start timeout.
    pub fn start_with(settings: &str) -> Self {
        let home = tempfile::Builder::new()
            .prefix("wurker-home-")
            .tempdir()
            .expect("the temp directory is writable");
        let etc = home.path().join("etc");
        std::fs::create_dir_all(&etc).expect("the home is writable");
        std::fs::write(etc.join("wurker.toml"), config_with(settings))
            .expect("the home is writable");
        let mut daemon = Self::spawn(home.path());
        daemon._owned_home = Some(home);
        daemon.wait_ready();
        daemon
    }

    /// Starts a daemon on an existing home (another daemon's, to test a restart). The caller
    /// keeps whatever owns that directory alive.
    ///
    /// # Panics
    /// When the daemon exits or does not answer within the start timeout.
    pub fn start_in(home: &Path) -> Self {
        let mut daemon = Self::spawn(home);
        daemon.wait_ready();
        daemon
    }

    fn spawn(home: &Path) -> Self {
        let workdir = tempfile::Builder::new()
            .prefix("wurker-test-")
            .tempdir()
            .expect("the temp directory is writable");
        let log = workdir.path().join("wurkerd.log");
        let log_file = File::create(&log).expect("the test's workdir is writable");
        let mut command = Command::new(wurkerd_bin());
        command.arg("--home").arg(home).stdin(Stdio::null());
        command
            .stdout(log_file.try_clone().expect("a log file can be shared"))
            .stderr(log_file);
        for var in REDIRECTING_ENV {
            command.env_remove(var);
        }
        if std::env::var_os("WURKER_LOG").is_none() {
            command.env("WURKER_LOG", "debug");
        }
        let child = command
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start `{}`: {err}", describe(&command)));
        let pid = pid_of(&child);
        Self {
            child: Some(child),
            status: None,
            pid,
            home: home.to_path_buf(),
            _owned_home: None,
            workdir,
            log,
        }
    }

    /// Waits until the socket exists and a real client gets an answer through it.
    fn wait_ready(&mut self) {
        let socket = self.socket();
        let home = self.home.clone();
        let mut exited = None;
        let ready = poll_until(START_TIMEOUT, || {
            exited = self.try_exit_status();
            exited.is_some() || (socket.exists() && probe(&home))
        });
        if let Some(status) = exited {
            panic!(
                "wurkerd exited during start-up ({status})\n{}",
                self.log_report()
            );
        }
        assert!(
            ready,
            "wurkerd did not answer within {START_TIMEOUT:?}\n{}",
            self.log_report()
        );
    }

    /// The daemon's home directory.
    pub fn home(&self) -> &Path {
        &self.home
    }

    /// A scratch directory for the test's own files (scripts used as Commands), outside the
    /// home and alive as long as this guard.
    pub fn workdir(&self) -> &Path {
        self.workdir.path()
    }

    /// The daemon's socket path.
    pub fn socket(&self) -> PathBuf {
        self.home.join(SOCKET)
    }

    /// The daemon's process id.
    pub fn pid(&self) -> Pid {
        self.pid
    }

    /// This node's `app_id`, from the home's `wurker.toml`.
    ///
    /// # Panics
    /// When the file or the key is missing.
    pub fn app_id(&self) -> String {
        app_id(&self.home)
    }

    /// Everything the daemon wrote to stdout and stderr so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Runs `wurk --home <home> ARGS` with no stdin.
    pub fn wurk(&self, args: &[&str]) -> Outcome {
        wurk_in(&self.home, args, None)
    }

    /// Runs `wurk --home <home> ARGS` with `input` on stdin.
    pub fn wurk_stdin(&self, args: &[&str], input: &str) -> Outcome {
        wurk_in(&self.home, args, Some(input))
    }

    /// `wurk show ARGS`, checked to succeed, as JSON.
    pub fn show(&self, args: &[&str]) -> Value {
        let args: Vec<&str> = std::iter::once("show")
            .chain(args.iter().copied())
            .collect();
        self.wurk(&args).json()
    }

    /// `wurk add KIND` with `definition` on stdin, checked to succeed silently.
    pub fn add(&self, kind: &str, definition: &Value) {
        self.wurk_stdin(&["add", kind], &definition.to_string())
            .assert_silent_ok();
    }

    /// `wurk edit KIND KEY` with `changes` on stdin, checked to succeed silently.
    pub fn edit(&self, kind: &str, key: &str, changes: &Value) {
        self.wurk_stdin(&["edit", kind, key], &changes.to_string())
            .assert_silent_ok();
    }

    /// `wurk remove KIND KEY`, checked to succeed silently.
    pub fn remove(&self, kind: &str, key: &str) {
        self.wurk(&["remove", kind, key]).assert_silent_ok();
    }

    /// Every run report in the home's config database, oldest first.
    pub fn reports(&self) -> Vec<Report> {
        reports(&self.home)
    }

    /// The reports of one Bee, oldest first.
    pub fn reports_of(&self, bee: &str) -> Vec<Report> {
        let mut all = self.reports();
        all.retain(|report| report.bee == bee);
        all
    }

    /// The ondemand queue in the home's config database.
    pub fn queue(&self) -> Vec<Queued> {
        queue(&self.home)
    }

    /// The live processes of this node's runs.
    pub fn bee_processes(&self) -> Vec<BeeProcess> {
        bee_processes(&self.app_id())
    }

    /// Whether the process is still running (it is reaped if it has exited).
    pub fn is_running(&mut self) -> bool {
        self.try_exit_status().is_none()
    }

    /// Sends a signal to the daemon.
    ///
    /// # Panics
    /// When the signal cannot be sent (the process is gone).
    pub fn signal(&self, signal: Signal) {
        kill(self.pid, signal)
            .unwrap_or_else(|err| panic!("cannot send {signal} to wurkerd: {err}"));
    }

    /// Waits for the process to exit and reaps it.
    ///
    /// # Panics
    /// When it is still running after `timeout`.
    pub fn wait_exit(&mut self, timeout: Duration) -> ExitStatus {
        let mut status = None;
        let exited = poll_until(timeout, || {
            status = self.try_exit_status();
            status.is_some()
        });
        assert!(
            exited,
            "wurkerd did not exit within {timeout:?}\n{}",
            self.log_report()
        );
        status.expect("poll_until returned true only once a status was seen")
    }

    /// Stops the daemon as an operator does, with SIGTERM, and checks the clean-shutdown
    /// contract: exit status 0 within the stop timeout and the socket file removed.
    ///
    /// # Panics
    /// When any part of the contract is broken.
    pub fn stop(&mut self) -> ExitStatus {
        self.signal(Signal::SIGTERM);
        let status = self.wait_exit(STOP_TIMEOUT);
        assert_eq!(
            status.code(),
            Some(0),
            "wurkerd stopped with {status}\n{}",
            self.log_report()
        );
        assert!(
            !self.socket().exists(),
            "wurkerd exited but left its socket {}\n{}",
            self.socket().display(),
            self.log_report()
        );
        status
    }

    /// Kills the daemon with SIGKILL, as a crash would, and reaps it; the socket stays behind.
    pub fn kill(&mut self) {
        if self.is_running() {
            let _ = kill(self.pid, Signal::SIGKILL);
        }
        self.wait_exit(STOP_TIMEOUT);
    }

    /// The exit status if the process has exited (reaping it), `None` while it runs.
    fn try_exit_status(&mut self) -> Option<ExitStatus> {
        let Some(child) = self.child.as_mut() else {
            return self.status;
        };
        match child.try_wait() {
            Ok(Some(status)) => {
                self.child = None;
                self.status = Some(status);
                Some(status)
            }
            Ok(None) => None,
            Err(err) => panic!("cannot query wurkerd's state: {err}"),
        }
    }

    /// The daemon's log, framed for a failure message.
    fn log_report(&self) -> String {
        format!(
            "--- wurkerd log ({}) ---\n{}--- end of wurkerd log ---",
            self.log.display(),
            self.log()
        )
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        // A daemon killed here leaves its Bees running; they must not outlive the test.
        if let Some(app_id) = read_app_id(&self.home) {
            kill_bee_processes(&app_id);
        }
        if std::thread::panicking() {
            eprintln!(
                "wurkerd home {}\n{}",
                self.home.display(),
                self.log_report()
            );
        }
    }
}

fn temp_home() -> TempDir {
    tempfile::Builder::new()
        .prefix("wurker-home-")
        .tempdir()
        .expect("the temp directory is writable")
}

/// Runs `wurk --home HOME ARGS`, with `input` on stdin when given.
///
/// # Panics
/// When `wurk` cannot be started or runs longer than the call timeout.
pub fn wurk_in(home: &Path, args: &[&str], input: Option<&str>) -> Outcome {
    run_wurk(home, args, input, WURK_TIMEOUT).unwrap_or_else(|| {
        panic!(
            "`wurk {}` did not finish within {WURK_TIMEOUT:?} (killed)",
            args.join(" ")
        )
    })
}

fn run_wurk(home: &Path, args: &[&str], input: Option<&str>, timeout: Duration) -> Option<Outcome> {
    let mut command = Command::new(wurk_bin());
    command.arg("--home").arg(home).args(args);
    for var in REDIRECTING_ENV.into_iter().chain(["WURKER_LOG"]) {
        command.env_remove(var);
    }
    run_bounded(command, input, timeout)
}

/// Whether a daemon on `home` answers a real request.
fn probe(home: &Path) -> bool {
    run_wurk(home, &["show", "command"], None, PROBE_TIMEOUT).is_some_and(|out| out.success())
}

/// Runs `wurkerd --home HOME` and waits at most `timeout` for it to exit on its own; `None`
/// when it was still running (it has then been killed). For a daemon that must be refused.
pub fn run_wurkerd(home: &Path, timeout: Duration) -> Option<Outcome> {
    let mut command = Command::new(wurkerd_bin());
    command.arg("--home").arg(home);
    for var in REDIRECTING_ENV {
        command.env_remove(var);
    }
    run_bounded(command, None, timeout)
}

/// The `[wurker] app_id` of the home's `wurker.toml`.
///
/// # Panics
/// When the file cannot be read or parsed, or the key is missing or not a string.
pub fn app_id(home: &Path) -> String {
    let path = home.join("etc/wurker.toml");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    let table: toml::Table =
        toml::from_str(&text).unwrap_or_else(|err| panic!("{} is not TOML: {err}", path.display()));
    let value = table.get("wurker").and_then(|wurker| wurker.get("app_id"));
    match value.and_then(toml::Value::as_str) {
        Some(app_id) => app_id.to_string(),
        None => panic!("{} has no string [wurker] app_id:\n{text}", path.display()),
    }
}

/// The `[wurker] app_id` of a home, or `None` when it cannot be read (never panics).
fn read_app_id(home: &Path) -> Option<String> {
    let text = std::fs::read_to_string(home.join("etc/wurker.toml")).ok()?;
    let table: toml::Table = toml::from_str(&text).ok()?;
    let app_id = table.get("wurker")?.get("app_id")?.as_str()?;
    Some(app_id.to_string())
}

/// The packaged default `wurker.toml` for a new node, with the keys of `settings` set over it.
fn config_with(settings: &str) -> String {
    let default = DEFAULT_CONFIG.replace("@APP_ID@", &uuid::Uuid::new_v4().to_string());
    let mut config: toml::Table = toml::from_str(&default).expect("the default file is TOML");
    let settings: toml::Table =
        toml::from_str(settings).unwrap_or_else(|err| panic!("settings are not TOML: {err}"));
    for (name, table) in settings {
        match (config.get_mut(&name), table) {
            (Some(toml::Value::Table(into)), toml::Value::Table(keys)) => into.extend(keys),
            (_, value) => {
                config.insert(name, value);
            }
        }
    }
    toml::to_string(&config).expect("a table serializes")
}

/// The `wurker.toml` a new home gets.
const DEFAULT_CONFIG: &str = include_str!("../../etc/wurker.toml");
