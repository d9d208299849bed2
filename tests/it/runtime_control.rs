//! `wurk admin control`: pause stops every run and starts nothing until resume brings the
//! scheduled, supervised and queued Bees back; reload stops the runs and starts them again
//! from the definitions. `wurk kill` by kind stops the runs of that kind.

use std::time::Duration;

use serde_json::json;
use wurker_e2e::{Daemon, is_alive, poll_until};

use crate::bees::{
    FAST, LATE, PATIENCE, When, add_bee, bee_script, final_report, now, on_fire_time, wait_gone,
};

#[test]
fn pause_stops_every_run_and_nothing_starts_until_resume() {
    let daemon = Daemon::start_with(FAST);
    let (script, sup_notes) = bee_script(&daemon, "sup.sh", "exec sleep 30");
    add_bee(&daemon, "sup", &script, When::Supervised, &json!([]));
    let (script, tick_notes) = bee_script(&daemon, "tick.sh", "");
    add_bee(
        &daemon,
        "tick",
        &script,
        When::Cron("* * * * * *", 0),
        &json!([]),
    );
    let (script, od_notes) = bee_script(&daemon, "od.sh", "");
    add_bee(&daemon, "od", &script, When::Never, &json!([]));
    let sup = sup_notes.wait_starts(1, PATIENCE)[0].clone();
    tick_notes.wait_starts(1, PATIENCE);

    daemon
        .wurk(&["admin", "control", "pause"])
        .assert_silent_ok();
    let paused_at = now();
    wait_gone(sup.pid, PATIENCE, "a supervised Bee of a paused node");
    let report = final_report(&daemon, "sup", sup.run_id);
    assert_eq!(report.status, "COMPLETED", "{report:#?}");
    assert_eq!(report.message(), Some("Bee stopped: 'sup'"));
    daemon.add("ondemand", &json!(["od"]));

    // Observation window over two fire times of `tick`: nothing starts. A tick already on its
    // way when the pause came may note its start a moment later.
    let started_since = |notes: &crate::bees::Notes| {
        notes
            .starts()
            .iter()
            .filter(|start| start.at > paused_at + LATE)
            .count()
    };
    let started = poll_until(Duration::from_millis(2200), || {
        sup_notes.starts().len() > 1
            || started_since(&tick_notes) > 0
            || !od_notes.starts().is_empty()
    });
    assert!(
        !started,
        "nothing starts while paused: {:#?} {:#?} {:#?}",
        sup_notes.starts(),
        tick_notes.starts(),
        od_notes.starts()
    );
    assert_eq!(daemon.show(&["hive"]), json!({}));
    let all = daemon.show(&[]);
    assert!(
        all["scheduled"]["tick_cron"]["tick"]["next_run"].is_null(),
        "a paused node has no next run: {all:#}"
    );
    assert_eq!(daemon.queue().len(), 1, "the queued Bee waits");

    daemon
        .wurk(&["admin", "control", "resume"])
        .assert_silent_ok();
    let resumed_at = now();
    let sup_again = sup_notes.wait_starts(2, PATIENCE)[1].clone();
    assert!(is_alive(sup_again.pid), "the supervised Bee runs again");
    od_notes.wait_starts(1, PATIENCE);
    let mut ticks = Vec::new();
    let ticking = poll_until(PATIENCE, || {
        ticks = tick_notes.starts();
        ticks.iter().any(|start| start.at > resumed_at)
    });
    assert!(ticking, "the scheduled Bee fires again: {ticks:#?}");
    let tick = ticks
        .iter()
        .find(|start| start.at > resumed_at)
        .expect("a tick after the resume");
    assert!(on_fire_time(tick.at, 1.0), "on its fire time: {tick:#?}");
}

#[test]
fn reload_restarts_the_runs_and_kill_by_kind_stops_only_that_kind() {
    let daemon = Daemon::start_with(FAST);
    let (script, sup_notes) = bee_script(&daemon, "sup.sh", "exec sleep 30");
    add_bee(&daemon, "sup", &script, When::Supervised, &json!([]));
    let (script, od_notes) = bee_script(&daemon, "od.sh", "exec sleep 30");
    add_bee(&daemon, "od", &script, When::Never, &json!([]));
    let first = sup_notes.wait_starts(1, PATIENCE)[0].clone();

    daemon
        .wurk(&["admin", "control", "reload"])
        .assert_silent_ok();
    wait_gone(first.pid, PATIENCE, "a run stopped by a reload");
    let report = final_report(&daemon, "sup", first.run_id);
    assert_eq!(report.message(), Some("Bee stopped: 'sup'"));
    let second = sup_notes.wait_starts(2, PATIENCE)[1].clone();
    assert_ne!(second.pid, first.pid, "started again after the reload");

    daemon.add("ondemand", &json!(["od"]));
    let od = od_notes.wait_starts(1, PATIENCE)[0].clone();
    let killed = daemon.wurk(&["kill", "supervised"]).json();
    assert_eq!(killed.as_array().map(Vec::len), Some(1), "{killed:#}");
    assert_eq!(killed[0]["bee_slug"], "sup");
    assert!(!is_alive(second.pid));
    assert!(
        is_alive(od.pid),
        "`kill supervised` leaves the ondemand run alone"
    );

    let killed = daemon.wurk(&["kill", "hive"]).json();
    let slugs: Vec<&str> = killed
        .as_array()
        .expect("a list")
        .iter()
        .map(|run| run["bee_slug"].as_str().expect("a slug"))
        .collect();
    assert!(
        slugs.contains(&"od"),
        "`kill hive` stops every run: {killed:#}"
    );
    assert!(!is_alive(od.pid));
}
