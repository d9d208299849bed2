//! Supervised Bees: restarted at once when they die, with a growing back-off when they keep
//! dying quickly; stopped for good when disabled; restarted at once after `wurk kill`; and
//! restarted with new args when their definition changes.

use std::time::Duration;

use nix::sys::signal::Signal;
use serde_json::json;
use wurker_e2e::{Daemon, is_alive, poll_until, wait_until};

use crate::bees::{
    FAST, PATIENCE, When, add_bee, bee_script, cron_id, final_report, now, signal, wait_gone,
};

#[test]
fn a_supervised_bee_killed_with_sigkill_is_restarted_at_once() {
    let daemon = Daemon::start_with(FAST);
    let (script, notes) = bee_script(&daemon, "keeper.sh", "exec sleep 30");
    add_bee(&daemon, "keeper", &script, When::Supervised, &json!([]));

    let first = notes.wait_starts(1, PATIENCE)[0].clone();
    let killed_at = now();
    signal(first.pid, Signal::SIGKILL);

    let second = notes.wait_starts(2, PATIENCE)[1].clone();
    assert_ne!(second.pid, first.pid);
    assert!(
        second.at - killed_at < 1.0,
        "a first death is followed by an immediate restart, not {:.3} s later",
        second.at - killed_at
    );
    let report = final_report(&daemon, "keeper", first.run_id);
    assert_eq!(report.status, "ERROR", "{report:#?}");
    assert_eq!(
        report.exit_code(),
        Some(-9),
        "killed by signal 9: {report:#?}"
    );
    assert_eq!(report.cron_id, Some(cron_id(&daemon, "keeper_cron")));
    assert_eq!(
        report.message(),
        None,
        "the daemon did not stop it: {report:#?}"
    );

    let running = wait_report_processing(&daemon, second.run_id);
    assert!(
        running.status_info.get("restart").is_none(),
        "no back-off after one quick exit: {running:#?}"
    );
    wait_until(PATIENCE, "`wurk show hive` lists the new process", || {
        daemon.show(&["hive"])["keeper_cron"]["keeper"]["pid"] == second.pid
    });
}

fn wait_report_processing(daemon: &Daemon, run_id: i64) -> wurker_e2e::Report {
    crate::bees::wait_report(daemon, "keeper", PATIENCE, "processing", |report| {
        report.id == run_id && report.status == "PROCESSING"
    })
}

#[test]
fn a_supervised_bee_that_keeps_exiting_quickly_is_restarted_after_growing_delays() {
    let daemon = Daemon::start_with(
        "[runtime]\nkill_grace = 1\nrestart_backoff = 0.4\nrestart_backoff_max = 1.6\n\
         restart_stable = 5\n",
    );
    let (script, notes) = bee_script(&daemon, "crasher.sh", "echo 'cannot go on' >&2\nexit 3");
    add_bee(&daemon, "crasher", &script, When::Supervised, &json!([]));

    // Exits 1..5 are followed by delays of 0, 0.4, 0.8, 1.6 and 1.6 s (the cap).
    let starts = notes.wait_starts(6, Duration::from_secs(15));
    let expected = [0.0, 0.4, 0.8, 1.6, 1.6];
    for (gap, delay) in starts.windows(2).map(|p| p[1].at - p[0].at).zip(expected) {
        assert!(
            gap >= delay - 0.05 && gap < delay + 0.5,
            "a restart {gap:.3} s after the previous start, expected the back-off of \
             {delay} s (plus the run's own time): {starts:#?}"
        );
    }

    let first = final_report(&daemon, "crasher", starts[0].run_id);
    assert_eq!(first.status, "ERROR", "{first:#?}");
    assert_eq!(first.exit_code(), Some(3));
    assert!(first.errors().contains("cannot go on"), "{first:#?}");
    assert!(first.status_info.get("restart").is_none());
    let second = final_report(&daemon, "crasher", starts[1].run_id);
    assert!(
        second.status_info.get("restart").is_none(),
        "the first quick exit is restarted at once: {second:#?}"
    );
    for (start, (quick_exits, backoff)) in starts[2..].iter().zip([(2, 0.4), (3, 0.8), (4, 1.6)]) {
        let report = final_report(&daemon, "crasher", start.run_id);
        let restart = &report.status_info["restart"];
        let waited = restart["backoff"].as_f64().unwrap_or(-1.0);
        assert!(
            restart["quick_exits"] == quick_exits && (waited - backoff).abs() < 1e-6,
            "a restarted run says why it waited ({quick_exits} quick exits, {backoff} s): \
             {report:#?}"
        );
    }
}

#[test]
fn disabling_a_supervised_bee_stops_it_and_it_stays_stopped() {
    let daemon = Daemon::start_with(FAST);
    let (script, notes) = bee_script(&daemon, "guard.sh", "exec sleep 30");
    add_bee(&daemon, "guard", &script, When::Supervised, &json!([]));
    let first = notes.wait_starts(1, PATIENCE)[0].clone();

    daemon.edit("bee", "guard", &json!({"enabled": false}));
    wait_gone(first.pid, PATIENCE, "a disabled supervised Bee");
    let report = final_report(&daemon, "guard", first.run_id);
    assert_eq!(report.status, "COMPLETED", "{report:#?}");
    assert_eq!(report.message(), Some("Bee stopped: 'guard'"));

    // Observation window: nothing starts it again.
    let restarted = poll_until(Duration::from_millis(1500), || notes.starts().len() > 1);
    assert!(
        !restarted,
        "a disabled Bee is not restarted: {:#?}",
        notes.starts()
    );
    assert_eq!(daemon.show(&["hive"]), json!({}));

    daemon.edit("bee", "guard", &json!({"enabled": true}));
    let again = notes.wait_starts(2, PATIENCE)[1].clone();
    assert!(is_alive(again.pid), "enabled again, it runs again");
}

#[test]
fn removing_a_running_bee_stops_it() {
    let daemon = Daemon::start_with(FAST);
    let (script, notes) = bee_script(&daemon, "gone.sh", "exec sleep 30");
    add_bee(&daemon, "gone", &script, When::Supervised, &json!([]));
    let start = notes.wait_starts(1, PATIENCE)[0].clone();

    daemon.remove("bee", "gone");
    wait_gone(start.pid, PATIENCE, "the run of a removed Bee");
    let restarted = poll_until(Duration::from_millis(500), || notes.starts().len() > 1);
    assert!(!restarted, "a removed Bee does not start again");
    assert_eq!(daemon.show(&["hive"]), json!({}));
}

#[test]
fn wurk_kill_stops_a_supervised_bee_and_it_is_restarted_at_once() {
    let daemon = Daemon::start_with(FAST);
    let (script, notes) = bee_script(&daemon, "worker.sh", "exec sleep 30");
    add_bee(&daemon, "worker", &script, When::Supervised, &json!([]));
    let first = notes.wait_starts(1, PATIENCE)[0].clone();

    let killed = daemon.wurk(&["kill", "bee", "--slug", "worker"]).json();
    assert_eq!(killed.as_array().map(Vec::len), Some(1), "{killed:#}");
    let run = &killed[0];
    assert_eq!(run["bee_slug"], "worker");
    assert_eq!(run["run_id"], first.run_id);
    assert_eq!(run["pid"], first.pid);
    assert_eq!(run["status"], "COMPLETED");
    assert_eq!(run["exit_code"], -15);
    assert!(
        !is_alive(first.pid),
        "`wurk kill` answers once the run has ended"
    );

    let report = final_report(&daemon, "worker", first.run_id);
    assert_eq!(report.status, "COMPLETED");
    assert_eq!(report.message(), Some("Bee stopped: 'worker'"));
    let second = notes.wait_starts(2, PATIENCE)[1].clone();
    assert_ne!(
        second.pid, first.pid,
        "a killed supervised Bee starts again"
    );
}

#[test]
fn new_args_restart_a_supervised_bee_with_them() {
    let daemon = Daemon::start_with(FAST);
    let (script, notes) = bee_script(&daemon, "server.sh", "exec sleep 30");
    add_bee(
        &daemon,
        "server",
        &script,
        When::Supervised,
        &json!(["--port", "1"]),
    );
    let first = notes.wait_starts(1, PATIENCE)[0].clone();
    assert_eq!(first.args, ["--port", "1"]);

    daemon.edit("bee", "server", &json!({"args": ["--port", "2"]}));
    let second = notes.wait_starts(2, PATIENCE)[1].clone();
    assert_eq!(second.args, ["--port", "2"], "the new run has the new args");
    assert!(!is_alive(first.pid), "the old run was stopped");
    let report = final_report(&daemon, "server", first.run_id);
    assert_eq!(report.status, "COMPLETED");
    assert_eq!(report.message(), Some("Bee stopped: 'server'"));
    assert_eq!(notes.starts().len(), 2, "exactly one new run");
}
