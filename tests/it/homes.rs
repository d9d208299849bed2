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
fn a_home_with_its_own_wurker_toml_starts_with_no_definitions() {
    // The harness writes etc/wurker.toml first: a home with a configuration is not new, so
    // the daemon does not sting or seed it.
    let daemon = Daemon::start();
    for dir in ["etc", "opt", "data"] {
        assert!(
            daemon.home().join(dir).is_dir(),
            "{dir}/ is created on start"
        );
    }
    assert_uuid(&daemon.app_id());
    for kind in ["command", "cron", "bee"] {
        assert_eq!(daemon.show(&[kind]), json!([]), "no {kind} was seeded");
    }
    let all = daemon.show(&[]);
    let empty = json!({});
    let expected = json!({
        "disabled": empty, "hive": empty, "ondemand": empty,
        "orphaned": empty, "scheduled": empty, "supervised": empty,
    });
    assert_eq!(all, expected);
    assert_eq!(daemon.show(&["all"]), expected);
    assert!(!daemon.home().join("etc/seeds").exists());
}

#[test]
fn an_empty_home_gets_the_layout_a_uuid_app_id_and_the_default_definitions() {
    let daemon = Daemon::start_fresh();
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
    let secret = table["ui"]["secret_key"].as_str().unwrap_or_default();
    assert_eq!(secret.len(), 64, "a session key is generated: {config}");

    assert_eq!(
        slugs(&daemon.show(&["command"])),
        ["test_bee", "test_pybee"]
    );
    assert_eq!(
        slugs(&daemon.show(&["cron"])),
        ["minutes_1", "minutes_1_overrun", "supervised"]
    );
    let bees = daemon.show(&["bee"]);
    assert_eq!(rows(&bees).len(), 8);
    assert!(rows(&bees).iter().all(|bee| bee["enabled"] == false));
    // `wurk show` files the four mapped ones as disabled and the four without a Cron as
    // orphaned, as the original did.
    let all = daemon.show(&[]);
    let count = |section: &str| -> usize {
        all[section].as_object().map_or(0, |groups| {
            groups
                .values()
                .filter_map(|g| g.as_object())
                .map(|g| g.len())
                .sum()
        })
    };
    assert_eq!((count("disabled"), count("orphaned")), (4, 4), "{all}");

    // The test Bee's script is in the home, executable, and named by its Command.
    let script = daemon.home().join("etc/scripts/test_bee.sh");
    let command = &daemon.show(&["command", "--slug", "test_bee"])[0]["command"];
    assert_eq!(command.as_str(), script.to_str());
    let mode = std::fs::metadata(&script)
        .expect("the script is injected")
        .permissions();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&mode) & 0o111,
        0o111
    );
    assert!(daemon.home().join("opt/bees/test_pybee.py").is_file());
    assert!(
        daemon
            .home()
            .join("etc/stingers/default/wurker/seeds/000_seed.json")
            .is_file()
    );

    // The log says what happened; the default UI password is neither kept nor logged.
    let log = daemon.log();
    assert!(log.contains("new home initialized"), "{log}");
    let users = std::fs::read_to_string(daemon.home().join("data/user.json"))
        .expect("the default UI user is injected");
    assert!(
        !users.contains("\"password\""),
        "only a hash is stored: {users}"
    );
    assert!(users.contains("$argon2"), "{users}");
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
