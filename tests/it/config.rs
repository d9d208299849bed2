//! `wurk admin config get|set|reset`: works on the home's file without a daemon, keeps types
//! and comments, applies all pairs or none, and a running daemon is told (and may refuse).

use serde_json::json;
use wurker_e2e::{Daemon, wurk_in};

#[test]
fn config_get_set_and_reset_work_without_a_daemon_and_keep_comments() {
    let mut daemon = Daemon::start();
    let app_id = daemon.app_id();
    daemon.stop();
    let home = daemon.home();
    let file = home.join("etc/wurker.toml");

    let got = wurk_in(home, &["admin", "config", "get", "wurker.app_id"], None).json();
    assert_eq!(got, json!(app_id));
    let ui = wurk_in(home, &["admin", "config", "get", "ui"], None).json();
    assert_eq!(ui["workers"], 3);

    let set = [
        "admin",
        "config",
        "set",
        "wurker.name=Queen Bee",
        "remote_db.port=-1",
    ];
    wurk_in(home, &set, None).assert_silent_ok();
    let text = std::fs::read_to_string(&file).expect("the config exists");
    assert!(text.contains("name = \"Queen Bee\""), "{text}");
    assert!(
        text.contains("port = -1"),
        "negative numbers are fine: {text}"
    );
    assert!(
        text.contains("# display name; its slug names the node"),
        "comments stay: {text}"
    );

    // One bad pair: nothing is written.
    let before = std::fs::read_to_string(&file).expect("the config exists");
    let bad = [
        "admin",
        "config",
        "set",
        "wurker.env=prod",
        "ui.workers=many",
    ];
    let out = wurk_in(home, &bad, None);
    assert!(out.error_message().contains("ui.workers"), "{out}");
    let out = wurk_in(home, &["admin", "config", "set", "nope.key=1"], None);
    assert!(
        out.error_message()
            .contains("Invalid 'table' argument 'nope'"),
        "{out}"
    );
    assert_eq!(std::fs::read_to_string(&file).expect("exists"), before);

    wurk_in(home, &["admin", "config", "reset"], None).assert_silent_ok();
    let name = wurk_in(home, &["admin", "config", "get", "wurker.name"], None).json();
    assert_eq!(name, json!("Wurker"));
    let kept = wurk_in(home, &["admin", "config", "get", "wurker.app_id"], None).json();
    assert_eq!(kept, json!(app_id), "reset keeps the node's identity");
}

#[test]
fn a_running_daemon_reloads_and_refuses_a_configuration_it_cannot_use() {
    let daemon = Daemon::start();
    let file = daemon.home().join("etc/wurker.toml");
    daemon
        .wurk(&["admin", "config", "set", "wurker.env=production"])
        .assert_silent_ok();
    let env = daemon
        .wurk(&["admin", "config", "get", "wurker.env"])
        .json();
    assert_eq!(env, json!("production"));
    assert!(daemon.log().contains("config reloaded"), "{}", daemon.log());

    let before = std::fs::read_to_string(&file).expect("the config exists");
    let out = daemon.wurk(&["admin", "config", "set", "wurker.loglevel=loud"]);
    let message = out.error_message();
    assert!(
        message.contains("refused") && message.contains("wurker.loglevel"),
        "{out}"
    );
    assert_eq!(std::fs::read_to_string(&file).expect("exists"), before);

    let out = daemon.wurk(&["admin", "config", "set", "wurker.loglevel=debug"]);
    out.assert_ok();
    assert!(
        out.stdout.contains("restart it to apply: wurker.loglevel"),
        "{out}"
    );
}
