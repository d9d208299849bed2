//! The processes of runs: what a Bee is started with (argv without a shell, Wurker's
//! environment, the home as working directory, no stdin, its own process group), `wurk run`
//! and its exit codes, stops that reach a whole process group, and output: a Bee that writes
//! far more than the log keeps, and `wurk logs` with and without `--follow`.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use serde_json::json;
use wurker_e2e::{Daemon, is_alive, wait_until, wurk_bin};

use crate::bees::{
    FAST, PATIENCE, When, add_bee, add_command_bee, bee_id, bee_script, final_report, wait_gone,
};

#[test]
fn a_bee_gets_its_argv_its_environment_the_home_and_no_stdin() {
    let daemon = Daemon::start_with(FAST);
    let body = "note app \"$WURKER_APP_ID\"\n\
                note bee \"$WURKER_BEE\"\n\
                note run \"$WURKER_RUN_ID\"\n\
                note socket \"$WURKER_SOCKET\"\n\
                note home \"$WURKER_HOME\"\n\
                note cwd \"$(pwd -P)\"\n\
                note stdin \"$(cat | wc -c)\"\n\
                note group \"$(cut -d' ' -f5 /proc/$$/stat)\"";
    let (script, notes) = bee_script(&daemon, "env.sh", body);
    let args = json!(["$HOME", "a;b", "*", "two words"]);
    add_bee(&daemon, "env", &script, When::Never, &args);

    let ran = daemon
        .wurk(&["run", "bee", "--slug", "env", "--wait"])
        .json();
    assert_eq!(ran[0]["status"], "COMPLETED", "{ran:#}");
    let start = notes.starts()[0].clone();
    assert_eq!(
        start.args,
        ["$HOME", "a;b", "*", "two words"],
        "the args reach the process as words, untouched by any shell"
    );
    let value = |key: &str| notes.values(key).concat();
    assert_eq!(value("app"), daemon.app_id());
    assert_eq!(value("bee"), "env");
    assert_eq!(value("run"), ran[0]["run_id"].to_string());
    assert_eq!(value("run"), start.run_id.to_string());
    assert_eq!(same_file(value("socket")), same_file(daemon.socket()));
    assert_eq!(same_file(value("home")), same_file(daemon.home()));
    assert_eq!(
        same_file(value("cwd")),
        same_file(daemon.home()),
        "cwd is the home"
    );
    assert_eq!(value("stdin").trim(), "0", "stdin is /dev/null");
    assert_eq!(
        value("group"),
        start.pid.to_string(),
        "the Bee leads its own process group"
    );
}

fn same_file(path: impl AsRef<Path>) -> std::path::PathBuf {
    let path = path.as_ref();
    std::fs::canonicalize(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

#[test]
fn wurk_run_wait_exits_0_only_when_every_run_completed() {
    let daemon = Daemon::start_with(FAST);
    let (ok, _) = bee_script(&daemon, "ok.sh", "exit 0");
    let (bad, _) = bee_script(&daemon, "bad.sh", "echo 'went wrong' >&2\nexit 4");
    // Yearly Crons: the Bees are scheduled, but only `wurk run` starts them in this test.
    add_bee(&daemon, "ok", &ok, When::Cron("0 0 1 1 *", 0), &json!([]));
    add_bee(&daemon, "bad", &bad, When::Cron("0 0 1 1 *", 0), &json!([]));

    let out = daemon.wurk(&["run", "bee", "--slug", "ok", "--wait"]);
    let runs = out.json();
    assert_eq!(runs.as_array().map(Vec::len), Some(1), "{out}");
    let run = &runs[0];
    assert_eq!(run["bee_slug"], "ok");
    assert_eq!(run["status"], "COMPLETED");
    assert_eq!(run["exit_code"], 0);
    assert!(run["pid"].is_i64() && run["duration"].is_f64(), "{out}");
    let report = final_report(&daemon, "ok", run["run_id"].as_i64().expect("a run id"));
    assert_eq!(report.cron_id, None, "a `wurk run` report has no Cron");

    let out = daemon.wurk(&["run", "bee", "--slug", "bad", "--wait"]);
    out.assert_code(1);
    assert!(
        out.stderr.starts_with("Error: ") && out.stderr.contains("ERROR (exit code 4)"),
        "{out}"
    );
    let report = daemon.reports_of("bad").pop().expect("a report");
    assert_eq!(report.status, "ERROR");
    assert_eq!(report.exit_code(), Some(4));
    assert!(report.errors().contains("went wrong"), "{report:#?}");
    assert_eq!(report.cron_id, None);

    let out = daemon.wurk(&["run", "scheduled", "--wait"]);
    out.assert_code(1);
    assert!(
        out.stderr.contains("'bad'") && !out.stderr.contains("'ok'"),
        "the error names the run that failed: {out}"
    );

    // Without --wait, `wurk run` answers once the run has started.
    let started = daemon.wurk(&["run", "bee", "--slug", "bad"]).json();
    assert_eq!(started[0]["status"], "PROCESSING", "{started:#}");
    assert!(started[0]["pid"].is_i64());
    assert_eq!(started[0]["exit_code"], json!(null));
}

#[test]
fn stopping_a_run_stops_its_whole_process_group() {
    let daemon = Daemon::start_with(FAST);
    // A grandchild that ignores SIGTERM: only the SIGKILL after the grace period ends it.
    let body = "(trap '' TERM; exec sleep 30) &\nnote child $!\nexec sleep 30";
    let (script, notes) = bee_script(&daemon, "family.sh", body);
    add_bee(&daemon, "family", &script, When::Never, &json!([]));
    // A Bee that exits and leaves a child behind in its group.
    let (script, leaver_notes) =
        bee_script(&daemon, "leaver.sh", "sleep 30 &\nnote child $!\nexit 0");
    add_bee(&daemon, "leaver", &script, When::Never, &json!([]));

    daemon.wurk(&["run", "bee", "--slug", "family"]).assert_ok();
    let start = notes.wait_starts(1, PATIENCE)[0].clone();
    wait_until(PATIENCE, "the grandchild is noted", || {
        !notes.values("child").is_empty()
    });
    let child: i32 = notes.values("child")[0].parse().expect("a pid");
    assert!(is_alive(child));

    let killed = daemon.wurk(&["kill", "bee", "--slug", "family"]).json();
    assert_eq!(killed[0]["exit_code"], -15, "{killed:#}");
    assert!(!is_alive(start.pid));
    wait_gone(child, PATIENCE, "the Bee's grandchild");

    let ran = daemon
        .wurk(&["run", "bee", "--slug", "leaver", "--wait"])
        .json();
    assert_eq!(ran[0]["status"], "COMPLETED", "{ran:#}");
    let child: i32 = leaver_notes.values("child")[0].parse().expect("a pid");
    wait_gone(
        child,
        PATIENCE,
        "a process left in the group of a finished run",
    );
}

#[test]
fn a_bee_writing_10_mb_is_never_blocked_and_its_log_keeps_the_newest_output() {
    const MAX: u64 = 1024 * 1024;
    let daemon = Daemon::start_with(&format!(
        "[runtime]\nkill_grace = 1\nlog_max_bytes = {MAX}\n"
    ));
    // 640 000 lines of 16 bytes: 10 240 000 bytes, then a last line.
    let (script, _) = bee_script(&daemon, "big.sh", "seq -f '%015g' 1 640000\necho 'THE END'");
    add_bee(&daemon, "big", &script, When::Never, &json!([]));

    let ran = daemon
        .wurk(&["run", "bee", "--slug", "big", "--wait"])
        .json();
    assert_eq!(ran[0]["status"], "COMPLETED", "{ran:#}");
    let duration = ran[0]["duration"].as_f64().expect("a duration");
    assert!(
        duration < 10.0,
        "writing 10 MB takes a moment when nothing blocks the Bee, not {duration} s"
    );

    let run_id = ran[0]["run_id"].as_i64().expect("a run id");
    let dir = daemon
        .home()
        .join("data/logs")
        .join(bee_id(&daemon, "big").to_string());
    let current = std::fs::read(dir.join(format!("{run_id}.log"))).expect("the run's log");
    let rotated = std::fs::read(dir.join(format!("{run_id}.log.1"))).expect("the rotated log");
    for (name, log) in [("log", &current), ("rotated log", &rotated)] {
        assert!(
            log.len() as u64 <= MAX,
            "the {name} holds {} bytes, more than log_max_bytes",
            log.len()
        );
    }
    let mut expected: Vec<u8> = (1..=640_000)
        .flat_map(|n| format!("{n:015}\n").into_bytes())
        .collect();
    expected.extend_from_slice(b"THE END\n");
    let kept = [rotated, current].concat();
    assert!(
        kept.len() as u64 > MAX && expected.ends_with(&kept),
        "the logs keep the newest {} bytes of the output, in order",
        kept.len()
    );

    let shown = daemon.wurk(&["logs", "big"]);
    shown.assert_ok();
    assert_eq!(
        shown.stdout.as_bytes(),
        &kept[..],
        "`wurk logs` shows what is kept"
    );
}

#[test]
fn a_bee_that_exits_at_once_keeps_its_output() {
    let daemon = Daemon::start_with(FAST);
    let args = json!(["echo out; echo err >&2"]);
    add_command_bee(&daemon, "quick", "/bin/sh -c", When::Never, &args);

    // Several runs: the output of a Bee that is gone before the daemon reads must not depend
    // on luck.
    for _ in 0..5 {
        let ran = daemon
            .wurk(&["run", "bee", "--slug", "quick", "--wait"])
            .json();
        let run_id = ran[0]["run_id"].as_i64().expect("a run id");
        let report = final_report(&daemon, "quick", run_id);
        assert_eq!(report.errors(), "err", "the stderr of the run: {report:#?}");
        let log = daemon.wurk(&["logs", "quick", "--run", &run_id.to_string()]);
        let mut lines: Vec<&str> = log.stdout.lines().collect();
        lines.sort_unstable();
        assert_eq!(lines, ["err", "out"], "the log of the run: {log}");
    }
}

#[test]
fn only_the_logs_of_the_latest_runs_are_kept() {
    let daemon = Daemon::start_with("[runtime]\nkill_grace = 1\nlog_keep = 2\n");
    let (script, _) = bee_script(&daemon, "chatty.sh", "echo \"run $WURKER_RUN_ID\"");
    add_bee(&daemon, "chatty", &script, When::Never, &json!([]));

    let runs: Vec<i64> = (0..4)
        .map(|_| {
            let ran = daemon
                .wurk(&["run", "bee", "--slug", "chatty", "--wait"])
                .json();
            ran[0]["run_id"].as_i64().expect("a run id")
        })
        .collect();
    let dir = daemon
        .home()
        .join("data/logs")
        .join(bee_id(&daemon, "chatty").to_string());
    let mut kept: Vec<String> = std::fs::read_dir(&dir)
        .expect("the Bee's log directory")
        .map(|entry| {
            entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    kept.sort_unstable();
    let expected: Vec<String> = runs[2..].iter().map(|id| format!("{id}.log")).collect();
    assert_eq!(
        kept, expected,
        "log_keep = 2 keeps the two latest runs' logs"
    );

    let latest = daemon.wurk(&["logs", "chatty"]);
    assert_eq!(latest.stdout, format!("run {}\n", runs[3]), "{latest}");
    let old = daemon.wurk(&["logs", "chatty", "--run", &runs[0].to_string()]);
    assert!(
        old.error_message().contains("no log is kept"),
        "an old run's log is gone, and `wurk logs` says so: {old}"
    );
}

/// A `wurk logs --follow` running in the background, its output collected as it comes.
struct Follower {
    child: Child,
    output: Arc<Mutex<Vec<u8>>>,
}

impl Follower {
    fn start(daemon: &Daemon, bee: &str) -> Self {
        let mut child = Command::new(wurk_bin())
            .arg("--home")
            .arg(daemon.home())
            .args(["logs", bee, "--follow"])
            .env_remove("WURKER_HOME")
            .env_remove("WURKER_SOCKET")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("wurk starts");
        let mut stdout = child.stdout.take().expect("a piped stdout");
        let output = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&output);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .expect("not poisoned")
                    .extend_from_slice(&buf[..n]);
            }
        });
        Self { child, output }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().expect("not poisoned")).into_owned()
    }
}

impl Drop for Follower {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn wurk_logs_shows_a_run_and_follow_streams_it_until_the_run_ends() {
    let daemon = Daemon::start_with(FAST);
    let go = daemon.workdir().join("GO");
    let body = format!(
        "echo first\n\
         i=0\n\
         while [ ! -e '{}' ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done\n\
         echo second\n\
         echo third",
        go.display()
    );
    let (script, _) = bee_script(&daemon, "talk.sh", &body);
    add_bee(&daemon, "talk", &script, When::Never, &json!([]));

    let ran = daemon.wurk(&["run", "bee", "--slug", "talk"]).json();
    let run_id = ran[0]["run_id"].as_i64().expect("a run id");
    wait_until(PATIENCE, "`wurk logs` shows the first line", || {
        daemon.wurk(&["logs", "talk"]).stdout == "first\n"
    });

    let mut follower = Follower::start(&daemon, "talk");
    wait_until(PATIENCE, "the follower shows what was written", || {
        follower.text() == "first\n"
    });
    std::fs::write(&go, "").expect("the workdir is writable");
    let mut status = None;
    wait_until(PATIENCE, "the follower ends with the run", || {
        status = follower.child.try_wait().expect("wurk can be waited for");
        status.is_some()
    });
    assert_eq!(status.and_then(|s| s.code()), Some(0));
    wait_until(PATIENCE, "the follower's output is read", || {
        follower.text() == "first\nsecond\nthird\n"
    });

    let again = daemon.wurk(&["logs", "talk", "--run", &run_id.to_string()]);
    assert_eq!(again.stdout, "first\nsecond\nthird\n", "{again}");
    let message = daemon.wurk(&["logs", "nobody"]).error_message().to_string();
    assert!(message.contains("Bee not found"), "{message}");
    let out = daemon.wurk(&["logs", "talk", "--run", "999999"]);
    assert!(out.error_message().contains("999999"), "{out}");
}
