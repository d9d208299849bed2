//! The daemon's own end. After a crash (SIGKILL of `wurkerd`) the Bees go on; the next daemon
//! adopts the runs still alive, never starting a second copy of a supervised Bee, and closes
//! the ones that died meanwhile as ERROR; with `orphans = "kill"` it stops them instead. A
//! clean stop (SIGTERM) stops every Bee and leaves no report unfinished.

use std::time::Duration;

use nix::sys::signal::Signal;
use serde_json::json;
use wurker_e2e::{Daemon, is_alive, poll_until, wait_until};

use crate::bees::{
    FAST, PATIENCE, When, add_bee, bee_script, final_report, signal, wait_gone, wait_report,
};

/// What a daemon says about a run whose process died while no daemon was running.
const GONE: &str = "wurkerd stopped while this run was in progress; its outcome is unknown";

/// Waits until `wurk show hive` lists each of `bees` (so their runs are recorded).
fn wait_in_hive(daemon: &Daemon, group_and_bees: &[(&str, &str)]) -> serde_json::Value {
    let mut hive = json!({});
    let listed = poll_until(PATIENCE, || {
        hive = daemon.show(&["hive"]);
        group_and_bees
            .iter()
            .all(|(group, bee)| hive[group][bee]["pid"].is_i64())
    });
    assert!(listed, "expected {group_and_bees:?} in the hive: {hive:#}");
    hive
}

/// The pids of the live processes of one Bee.
fn pids_of(daemon: &Daemon, bee: &str) -> Vec<i32> {
    let mut pids: Vec<i32> = daemon
        .bee_processes()
        .into_iter()
        .filter(|process| process.bee == bee)
        .map(|process| process.pid)
        .collect();
    pids.sort_unstable();
    pids
}

#[test]
fn after_a_crash_the_next_daemon_adopts_live_runs_and_closes_dead_ones() {
    let mut first = Daemon::start_with(FAST);
    let (script, sup_notes) = bee_script(&first, "sup.sh", "exec sleep 60");
    add_bee(&first, "sup", &script, When::Supervised, &json!([]));
    let (script, victim_notes) = bee_script(&first, "victim.sh", "exec sleep 60");
    add_bee(&first, "victim", &script, When::Never, &json!([]));
    first.wurk(&["run", "bee", "--slug", "victim"]).assert_ok();
    let sup = sup_notes.wait_starts(1, PATIENCE)[0].clone();
    let victim = victim_notes.wait_starts(1, PATIENCE)[0].clone();
    wait_in_hive(&first, &[("sup_cron", "sup"), ("ondemand", "victim")]);

    first.kill();
    assert!(
        is_alive(sup.pid) && is_alive(victim.pid),
        "the Bees outlive a crashed daemon"
    );
    signal(victim.pid, Signal::SIGKILL);
    wait_gone(victim.pid, PATIENCE, "the killed victim");

    let second = Daemon::start_in(first.home());
    let hive = wait_in_hive(&second, &[("sup_cron", "sup")]);
    assert_eq!(
        hive["sup_cron"]["sup"]["pid"], sup.pid,
        "the same process, adopted"
    );
    assert_eq!(pids_of(&second, "sup"), [sup.pid]);
    let report = final_report(&second, "victim", victim.run_id);
    assert_eq!(report.status, "ERROR", "{report:#?}");
    assert_eq!(report.message(), Some(GONE));

    // Observation window: no second copy of the supervised Bee starts.
    let doubled = poll_until(Duration::from_millis(1000), || {
        sup_notes.starts().len() > 1 || pids_of(&second, "sup").len() > 1
    });
    assert!(
        !doubled,
        "a supervised Bee never runs twice: {:#?}",
        sup_notes.starts()
    );
    let open = second
        .reports_of("sup")
        .into_iter()
        .find(|report| report.id == sup.run_id)
        .expect("a report");
    assert_eq!(
        open.status, "PROCESSING",
        "the adopted run goes on: {open:#?}"
    );

    // The adopted run ends: its report is closed, and the Bee is restarted as usual.
    signal(sup.pid, Signal::SIGTERM);
    let report = final_report(&second, "sup", sup.run_id);
    assert_eq!(report.status, "COMPLETED", "{report:#?}");
    assert!(
        report.message().is_some_and(|m| m.contains("adopted")),
        "the report says the exit status of an adopted run is unknown: {report:#?}"
    );
    let restarted = sup_notes.wait_starts(2, PATIENCE)[1].clone();
    assert_ne!(restarted.pid, sup.pid);
}

#[test]
fn with_orphans_kill_the_next_daemon_stops_runs_left_alive_and_closes_them_as_error() {
    let mut first = Daemon::start_with("[runtime]\nkill_grace = 1\norphans = \"kill\"\n");
    let (script, notes) = bee_script(&first, "sup.sh", "exec sleep 60");
    add_bee(&first, "sup", &script, When::Supervised, &json!([]));
    let old = notes.wait_starts(1, PATIENCE)[0].clone();
    wait_in_hive(&first, &[("sup_cron", "sup")]);

    first.kill();
    assert!(is_alive(old.pid));
    let second = Daemon::start_in(first.home());
    wait_gone(old.pid, PATIENCE, "a run left by the crashed daemon");
    let report = final_report(&second, "sup", old.run_id);
    assert_eq!(report.status, "ERROR", "{report:#?}");
    assert!(
        report
            .message()
            .is_some_and(|m| m.contains("orphans = \"kill\"")),
        "{report:#?}"
    );

    let new = notes.wait_starts(2, PATIENCE)[1].clone();
    assert_ne!(new.pid, old.pid);
    wait_until(PATIENCE, "exactly one copy of the Bee runs", || {
        pids_of(&second, "sup") == [new.pid]
    });
}

#[test]
fn sigterm_stops_every_bee_and_leaves_no_report_unfinished() {
    let mut daemon = Daemon::start_with(FAST);
    let mut notes = Vec::new();
    for (slug, when, body) in [
        ("sup", When::Supervised, "exec sleep 30"),
        ("sched", When::Cron("*/2 * * * * *", 5), "exec sleep 30"),
        ("od", When::Never, "exec sleep 30"),
        ("stubborn", When::Never, "trap '' TERM\nexec sleep 30"),
    ] {
        let (script, bee_notes) = bee_script(&daemon, &format!("{slug}.sh"), body);
        add_bee(&daemon, slug, &script, when, &json!([]));
        notes.push(bee_notes);
    }
    daemon.add("ondemand", &json!(["od"]));
    daemon
        .wurk(&["run", "bee", "--slug", "stubborn"])
        .assert_ok();
    wait_in_hive(
        &daemon,
        &[
            ("sup_cron", "sup"),
            ("sched_cron", "sched"),
            ("ondemand", "od"),
            ("ondemand", "stubborn"),
        ],
    );
    // The scheduled run lives through a fire time, so one report says OVERRUN.
    wait_report(&daemon, "sched", PATIENCE, "overrunning", |report| {
        report.status == "OVERRUN"
    });

    daemon.stop();
    let pids: Vec<i32> = notes
        .iter()
        .flat_map(|n| n.starts())
        .map(|s| s.pid)
        .collect();
    for pid in pids {
        assert!(!is_alive(pid), "pid {pid} outlived wurkerd");
    }
    assert_eq!(daemon.bee_processes(), []);
    let reports = daemon.reports();
    assert_eq!(reports.len(), 4, "{reports:#?}");
    for report in &reports {
        assert_eq!(report.status, "COMPLETED", "{report:#?}");
        let stopped = format!("Bee stopped: '{}'", report.bee);
        assert_eq!(report.message(), Some(stopped.as_str()), "{report:#?}");
    }
    let stubborn = reports
        .iter()
        .find(|r| r.bee == "stubborn")
        .expect("a report");
    assert_eq!(
        stubborn.exit_code(),
        Some(-9),
        "a Bee that ignores SIGTERM is killed after the grace period"
    );
    let sched = reports.iter().find(|r| r.bee == "sched").expect("a report");
    assert!(sched.runcount >= Some(2), "{sched:#?}");
}
