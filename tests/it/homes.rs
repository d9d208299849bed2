//! Daemons and their homes: two homes at once stay apart, a restart (clean or after a crash)
//! keeps every definition, and a second daemon on a home that already has one is refused.

use std::time::Duration;

use serde_json::json;
use wurker_e2e::{Daemon, run_wurkerd};

use crate::fixtures::{add_reference_definitions, rows, slugs, snapshot, write_script};

/// How long a refused second daemon may take to give up.
const REFUSAL_TIMEOUT: Duration = Duration::from_secs(15);

#[test]
fn two_daemons_on_two_homes_each_see_only_their_own_definitions() {
    let first = Daemon::start();
    let second = Daemon::start();
    assert_ne!(first.socket(), second.socket());
    assert_ne!(
        first.app_id(),
        second.app_id(),
        "every new home gets its own app_id"
    );

    let script = write_script(first.workdir(), "job.sh");
    let script = script.to_str().expect("temp paths are UTF-8");
    first.add(
        "command",
        &json!({"slug": "only_first", "name": "First", "command": script}),
    );
    second.add(
        "command",
        &json!({"slug": "only_second", "name": "Second", "command": script}),
    );
    second.add(
        "cron",
        &json!({"slug": "second_cron", "name": "Second", "cron": "0 * * * *"}),
    );

    let (first_commands, second_commands) = (first.show(&["command"]), second.show(&["command"]));
    assert_eq!(slugs(&first_commands), ["only_first"]);
    assert_eq!(slugs(&second_commands), ["only_second"]);
    assert_eq!(first_commands[0]["app_id"], first.app_id());
    assert_eq!(second_commands[0]["app_id"], second.app_id());
    assert_eq!(first.show(&["cron"]), json!([]));
    assert_eq!(slugs(&second.show(&["cron"])), ["second_cron"]);

    // The same slug may exist on both nodes.
    second.add(
        "command",
        &json!({"slug": "only_first", "name": "Also", "command": script}),
    );
    assert_eq!(
        first.show(&["command", "--slug", "only_first"])[0]["name"],
        "First"
    );
}

#[test]
fn a_fresh_home_gets_the_layout_a_uuid_app_id_and_no_definitions() {
    let daemon = Daemon::start();
    for dir in ["etc", "opt", "data"] {
        assert!(
            daemon.home().join(dir).is_dir(),
            "{dir}/ is created on first start"
        );
    }
    let config = std::fs::read_to_string(daemon.home().join("etc/wurker.toml"))
        .expect("etc/wurker.toml is created on first start");
    let table: toml::Table = toml::from_str(&config).expect("wurker.toml is TOML");
    for name in ["wurker", "ui", "local_db", "remote_db", "daemon"] {
        assert!(
            table.get(name).is_some_and(toml::Value::is_table),
            "[{name}] in:\n{config}"
        );
    }
    assert_uuid(&daemon.app_id());

    for kind in ["command", "cron", "bee"] {
        assert_eq!(
            daemon.show(&[kind]),
            json!([]),
            "a fresh home has no {kind}"
        );
    }
    let all = daemon.show(&[]);
    let empty = json!({});
    let expected = json!({
        "disabled": empty, "hive": empty, "ondemand": empty,
        "orphaned": empty, "scheduled": empty, "supervised": empty,
    });
    assert_eq!(all, expected);
    assert_eq!(daemon.show(&["all"]), expected);
}

fn assert_uuid(text: &str) {
    let groups: Vec<&str> = text.split('-').collect();
    let lengths: Vec<usize> = groups.iter().map(|group| group.len()).collect();
    let is_hex = groups
        .iter()
        .all(|group| group.chars().all(|c| c.is_ascii_hexdigit()));
    assert!(
        lengths == [8, 4, 4, 4, 12] && is_hex,
        "app_id {text:?} is not a UUID"
    );
}

#[test]
fn a_restart_keeps_every_definition_and_the_app_id() {
    let mut first = Daemon::start();
    add_reference_definitions(&first);
    let enable = json!({"enabled": true});
    first.edit("bee", "test_supervised_bee_error", &enable);
    first.add(
        "ondemand",
        &json!([{"test_supervised_bee_error": ["-x", "1"]}]),
    );
    let (before, app_id) = (snapshot(&first), first.app_id());
    first.stop();

    let mut second = Daemon::start_in(first.home());
    assert_eq!(
        second.app_id(),
        app_id,
        "a restart keeps the node's identity"
    );
    assert_eq!(snapshot(&second), before);
    assert_eq!(rows(&second.show(&["bee"])).len(), 8);

    // The restarted daemon accepts writes and keeps them across another restart.
    second.remove("bee", "test_scheduled_bee");
    let after_edit = snapshot(&second);
    second.stop();
    let third = Daemon::start_in(first.home());
    assert_eq!(snapshot(&third), after_edit);
}

#[test]
fn a_daemon_restarted_after_a_crash_replaces_the_stale_socket() {
    let mut first = Daemon::start();
    add_reference_definitions(&first);
    let before = snapshot(&first);
    first.kill();
    assert!(
        first.socket().exists(),
        "a killed daemon cannot remove its socket"
    );

    let second = Daemon::start_in(first.home());
    assert_eq!(snapshot(&second), before);
}

#[test]
fn a_second_daemon_on_the_same_home_is_refused_while_the_first_keeps_serving() {
    let mut first = Daemon::start();
    add_reference_definitions(&first);
    let before = snapshot(&first);

    let refused = run_wurkerd(first.home(), REFUSAL_TIMEOUT).unwrap_or_else(|| {
        panic!("a second wurkerd on the same home was still running after {REFUSAL_TIMEOUT:?}")
    });
    assert!(!refused.success(), "the second daemon must fail: {refused}");
    assert!(
        refused.code.is_some(),
        "the second daemon must exit, not crash: {refused}"
    );
    let stderr = refused.stderr.to_lowercase();
    assert!(
        stderr.contains("another") || stderr.contains("already"),
        "the second daemon must say another daemon is running: {refused}"
    );

    assert!(
        first.is_running(),
        "the first daemon must survive\n{}",
        first.log()
    );
    assert!(
        first.socket().exists(),
        "the refused daemon must leave the socket alone"
    );
    assert_eq!(snapshot(&first), before);
    first.add(
        "cron",
        &json!({"slug": "after_refusal", "name": "After", "cron": null}),
    );
    first.stop();
}
