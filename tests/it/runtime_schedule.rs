//! Scheduled Bees: seconds-field Crons fire on time, a run that outlives its timeout is killed
//! as TIMEOUT, a Cron with overruns lets a run cover following fire times (OVERRUN) before it
//! times out, and a fire that comes while the previous run is being stopped starts as soon as
//! that run has gone. Start times are the ones the Bees note themselves.

use serde_json::json;
use wurker_e2e::{Daemon, is_alive};

use crate::bees::{
    FAST, LATE, PATIENCE, When, add_bee, bee_script, cron_id, final_report, fire_offset,
    on_fire_time, wait_report,
};

#[test]
fn a_seconds_cron_starts_each_run_on_its_fire_time() {
    let daemon = Daemon::start_with(FAST);
    let (script, notes) = bee_script(&daemon, "tick.sh", "echo 'tick done' >&2");
    add_bee(
        &daemon,
        "tick",
        &script,
        When::Cron("*/2 * * * * *", 0),
        &json!([]),
    );

    let starts = notes.wait_starts(3, PATIENCE);
    for start in &starts {
        assert!(
            on_fire_time(start.at, 2.0),
            "every start is within {LATE} s after an even second; this one is {:.3} s \
             late: {starts:#?}",
            fire_offset(start.at, 2.0)
        );
    }
    for pair in starts.windows(2) {
        let slots = ((pair[1].at - pair[0].at) / 2.0).round();
        assert_eq!(
            slots, 1.0,
            "consecutive runs take consecutive fire times: {starts:#?}"
        );
    }

    let cron = cron_id(&daemon, "tick_cron");
    for start in &starts {
        let report = final_report(&daemon, "tick", start.run_id);
        assert_eq!(report.status, "COMPLETED", "{report:#?}");
        assert_eq!(report.exit_code(), Some(0), "{report:#?}");
        assert_eq!(report.cron_id, Some(cron), "a scheduled run names its Cron");
        assert_eq!(report.pid, Some(i64::from(start.pid)));
        assert_eq!(report.runcount, Some(1));
        assert!(
            report.errors().contains("tick done"),
            "stderr is kept even on success: {report:#?}"
        );
        let recorded = report.started_at.expect("a start time is recorded");
        let recorded = recorded.timestamp_micros() as f64 / 1e6;
        assert!(
            on_fire_time(recorded, 2.0) && recorded <= start.at,
            "the report's start time {recorded} is the fire time, before the Bee's own \
             {}",
            start.at
        );
        assert!(report.duration < 2.0, "{report:#?}");
    }

    let all = daemon.show(&[]);
    let shown = &all["scheduled"]["tick_cron"]["tick"];
    assert_eq!(shown["timeout"], 1, "5/6 of a 2 s interval, at least 1 s");
    let next = shown["next_run"]
        .as_str()
        .unwrap_or_else(|| panic!("a scheduled Bee shows its next run: {all:#}"));
    let next = chrono::DateTime::parse_from_rfc3339(next).expect("next_run is RFC 3339");
    assert_eq!(next.timestamp() % 2, 0, "the next run is a fire time");
    assert!(
        next.timestamp() as f64 > starts[2].at,
        "the next run comes after the runs seen: {next}"
    );
}

#[test]
fn a_run_that_outlives_its_timeout_is_killed_as_timeout() {
    let daemon = Daemon::start_with(FAST);
    let (script, notes) = bee_script(&daemon, "slow.sh", "exec sleep 30");
    // Every 3 s: the timeout is 5/6 of that, 2 s.
    add_bee(
        &daemon,
        "slow",
        &script,
        When::Cron("*/3 * * * * *", 0),
        &json!([]),
    );

    let first = notes.wait_starts(1, PATIENCE)[0].clone();
    let report = final_report(&daemon, "slow", first.run_id);
    assert_eq!(report.status, "TIMEOUT", "{report:#?}");
    assert!(report.errors().contains("Timeout exceeded"), "{report:#?}");
    assert_eq!(report.message(), Some("Bee killed: 'slow'"));
    assert_eq!(
        report.exit_code(),
        Some(-15),
        "stopped by SIGTERM: {report:#?}"
    );
    assert!(
        (1.9..2.8).contains(&report.duration),
        "killed at its 2 s timeout, and the duration is real seconds: {report:#?}"
    );
    assert!(!is_alive(first.pid), "a timed-out run's process is gone");

    // The next fire starts a new run.
    let starts = notes.wait_starts(2, PATIENCE);
    let gap = starts[1].at - first.at;
    assert!(
        (3.0 - LATE..3.0 + LATE).contains(&gap),
        "the next run starts at the next fire time: {starts:#?}"
    );
}

#[test]
fn an_overrunning_run_covers_following_fires_then_times_out() {
    let daemon = Daemon::start_with(FAST);
    let (script, notes) = bee_script(&daemon, "long.sh", "exec sleep 30");
    // Every 2 s (timeout 1 s), and a run may cover two more fire times.
    add_bee(
        &daemon,
        "long",
        &script,
        When::Cron("*/2 * * * * *", 2),
        &json!([]),
    );

    let first = notes.wait_starts(1, PATIENCE)[0].clone();
    for runcount in [2, 3] {
        let report = wait_report(&daemon, "long", PATIENCE, "overrunning", |report| {
            report.id == first.run_id && report.runcount >= Some(runcount)
        });
        assert_eq!(report.status, "OVERRUN", "{report:#?}");
        assert_eq!(report.runcount, Some(runcount));
        assert_eq!(report.status_info["runcount"], runcount);
        assert!(
            is_alive(first.pid),
            "an overrunning run keeps running: {report:#?}"
        );
        let hive = daemon.show(&["hive"]);
        assert_eq!(hive["long_cron"]["long"]["pid"], first.pid, "{hive:#}");
    }

    let report = final_report(&daemon, "long", first.run_id);
    assert_eq!(report.status, "TIMEOUT", "{report:#?}");
    assert_eq!(report.runcount, Some(3));
    assert_eq!(report.status_info["runcount"], 3);
    assert_eq!(report.message(), Some("Bee killed: 'long'"));
    assert!(
        (4.9..5.8).contains(&report.duration),
        "killed 1 s after its third fire time: {report:#?}"
    );
    assert!(!is_alive(first.pid));

    let starts = notes.wait_starts(2, PATIENCE);
    let gap = starts[1].at - first.at;
    assert!(
        (6.0 - LATE..6.0 + LATE).contains(&gap),
        "no other run started while it overran; the next one takes the next fire time: \
         {starts:#?}"
    );
}

#[test]
fn a_fire_that_comes_while_the_run_is_stopping_starts_when_it_has_gone() {
    // The Bee ignores SIGTERM, so a stop takes the whole 2 s grace period.
    let daemon = Daemon::start_with("[runtime]\nkill_grace = 2\n");
    let (script, notes) = bee_script(&daemon, "stubborn.sh", "trap '' TERM\nexec sleep 30");
    // Every 2 s, timeout 1 s: stopped at +1 s, SIGKILL at +3 s; the fire at +2 s waits.
    add_bee(
        &daemon,
        "stubborn",
        &script,
        When::Cron("*/2 * * * * *", 0),
        &json!([]),
    );

    let first = notes.wait_starts(1, PATIENCE)[0].clone();
    let report = final_report(&daemon, "stubborn", first.run_id);
    assert_eq!(report.status, "TIMEOUT", "{report:#?}");
    assert_eq!(
        report.exit_code(),
        Some(-9),
        "killed by SIGKILL after the grace"
    );

    let starts = notes.wait_starts(2, PATIENCE);
    let gap = starts[1].at - first.at;
    assert!(
        (3.0 - 0.05..3.0 + LATE).contains(&gap),
        "the fire at +2 s starts the next run as soon as the first has gone, at +3 s: \
         {starts:#?}"
    );
    assert!(!is_alive(first.pid));
}
