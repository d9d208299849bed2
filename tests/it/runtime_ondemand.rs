//! The ondemand queue: a queued Bee starts at once with the args of its item and leaves the
//! queue when its run ends; items wait while the node is paused and survive a restart; a
//! running item interrupted by SIGTERM runs again after the restart; removing or killing a
//! running item stops it.

use std::time::Duration;

use serde_json::json;
use wurker_e2e::{Daemon, is_alive, poll_until, wait_until};

use crate::bees::{FAST, PATIENCE, When, add_bee, bee_script, final_report, now, wait_gone};

#[test]
fn a_queued_bee_runs_at_once_with_the_args_of_its_item_and_leaves_the_queue() {
    let daemon = Daemon::start_with(FAST);
    let (script, notes) = bee_script(&daemon, "job.sh", "");
    add_bee(&daemon, "job", &script, When::Never, &json!(["default"]));

    let cases = [
        (
            json!([{"job": ["a b", "c"]}]),
            vec!["a b", "c"],
            json!(["a b", "c"]),
        ),
        (
            json!([{"job": "x 'y z'"}]),
            vec!["x", "y z"],
            json!("x 'y z'"),
        ),
        (json!(["job"]), vec!["default"], json!(["default"])),
    ];
    for (count, (item, argv, recorded)) in cases.into_iter().enumerate() {
        let queued_at = now();
        daemon.add("ondemand", &item);
        let start = notes.wait_starts(count + 1, PATIENCE)[count].clone();
        assert_eq!(start.args, argv, "the process gets the item's args: {item}");
        assert!(
            start.at - queued_at < 1.0,
            "a queued Bee starts at once, not {:.3} s later",
            start.at - queued_at
        );
        let report = final_report(&daemon, "job", start.run_id);
        assert_eq!(report.status, "COMPLETED", "{report:#?}");
        assert_eq!(report.cron_id, None, "an ondemand run has no Cron");
        assert_eq!(report.args, recorded, "the report records the args used");
        wait_until(PATIENCE, "the finished item leaves the queue", || {
            daemon.queue().is_empty()
        });
    }
    assert_eq!(daemon.show(&["ondemand"]), json!({}));
}

#[test]
fn a_queued_bee_waits_while_the_node_is_paused_even_across_a_restart() {
    let mut daemon = Daemon::start_with(FAST);
    let (script, notes) = bee_script(&daemon, "later.sh", "");
    add_bee(&daemon, "later", &script, When::Never, &json!([]));
    daemon
        .wurk(&["admin", "control", "pause"])
        .assert_silent_ok();

    daemon.add("ondemand", &json!([{"later": ["--now"]}]));
    // Observation window: a paused node starts nothing.
    let started = poll_until(Duration::from_millis(1500), || !notes.starts().is_empty());
    assert!(
        !started,
        "nothing starts while paused: {:#?}",
        notes.starts()
    );
    let shown = daemon.show(&["ondemand"]);
    assert_eq!(
        shown["ondemand"]["later"]["args"],
        json!(["--now"]),
        "{shown:#}"
    );

    daemon.stop();
    let again = Daemon::start_in(daemon.home());
    assert_eq!(again.queue().len(), 1, "the item survives the restart");
    let started = poll_until(Duration::from_millis(1000), || !notes.starts().is_empty());
    assert!(!started, "the node is still paused after the restart");

    again
        .wurk(&["admin", "control", "resume"])
        .assert_silent_ok();
    let start = notes.wait_starts(1, PATIENCE)[0].clone();
    assert_eq!(start.args, ["--now"]);
    wait_until(PATIENCE, "the item leaves the queue", || {
        again.queue().is_empty()
    });
}

#[test]
fn a_running_item_interrupted_by_sigterm_stays_queued_and_runs_again_after_the_restart() {
    let mut daemon = Daemon::start_with(FAST);
    let (script, notes) = bee_script(&daemon, "batch.sh", "exec sleep 30");
    add_bee(&daemon, "batch", &script, When::Never, &json!([]));
    daemon.add("ondemand", &json!([{"batch": ["--pass", "1"]}]));
    let first = notes.wait_starts(1, PATIENCE)[0].clone();

    daemon.stop();
    assert!(!is_alive(first.pid), "SIGTERM of wurkerd stops its Bees");
    let report = daemon
        .reports_of("batch")
        .into_iter()
        .find(|report| report.id == first.run_id)
        .expect("the run has a report");
    assert_eq!(report.status, "COMPLETED", "{report:#?}");
    assert_eq!(report.message(), Some("Bee stopped: 'batch'"));
    let queued = daemon.queue();
    assert_eq!(queued.len(), 1, "the interrupted item is still queued");
    assert_eq!(queued[0].args, json!(["--pass", "1"]));

    let _again = Daemon::start_in(daemon.home());
    let second = notes.wait_starts(2, PATIENCE)[1].clone();
    assert_eq!(second.args, ["--pass", "1"], "it runs again with its args");
    assert_ne!(second.run_id, first.run_id, "as a new run");
}

#[test]
fn removing_or_killing_a_running_item_stops_it_and_empties_the_queue() {
    let daemon = Daemon::start_with(FAST);
    let mut notes = Vec::new();
    for slug in ["one", "two", "three"] {
        let (script, bee_notes) = bee_script(&daemon, &format!("{slug}.sh"), "exec sleep 30");
        add_bee(&daemon, slug, &script, When::Never, &json!([]));
        notes.push(bee_notes);
    }
    daemon.add("ondemand", &json!(["one", "two", "three"]));
    let starts: Vec<_> = notes
        .iter()
        .map(|notes| notes.wait_starts(1, PATIENCE)[0].clone())
        .collect();

    daemon.remove("ondemand", "one");
    wait_gone(starts[0].pid, PATIENCE, "a removed ondemand run");
    let report = final_report(&daemon, "one", starts[0].run_id);
    assert_eq!(report.status, "COMPLETED", "{report:#?}");
    assert_eq!(report.message(), Some("Bee stopped: 'one'"));
    let left: Vec<String> = daemon.queue().into_iter().map(|item| item.bee).collect();
    assert_eq!(left, ["three", "two"]);

    let killed = daemon.wurk(&["kill", "ondemand"]).json();
    let mut slugs: Vec<&str> = killed
        .as_array()
        .expect("a list of runs")
        .iter()
        .map(|run| run["bee_slug"].as_str().expect("a slug"))
        .collect();
    slugs.sort_unstable();
    assert_eq!(slugs, ["three", "two"], "{killed:#}");
    for start in &starts[1..] {
        assert!(!is_alive(start.pid), "`wurk kill` answers once they ended");
    }
    wait_until(PATIENCE, "killed items leave the queue", || {
        daemon.queue().is_empty()
    });
    assert_eq!(daemon.show(&["hive"]), json!({}));
}
