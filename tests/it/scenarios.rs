//! The original Wurker's own test scenarios (reference §9, `test_01_show` to `test_04_rm`):
//! show, add, edit and remove Commands, Crons and Bees, against definitions each test adds
//! itself, checked in the original's JSON shapes.

use serde_json::{Value, json};
use wurker_e2e::Daemon;

use crate::fixtures::{
    BEE_KEYS, COMMAND_KEYS, CRON_KEYS, add_reference_definitions, by_slug, keys, reference_bees,
    reference_crons, rows, slugs, write_script,
};

#[test]
fn show_hive_is_empty_when_no_bee_runs() {
    let daemon = Daemon::start();
    add_reference_definitions(&daemon);

    assert_eq!(daemon.show(&["hive"]), json!({}));
}

#[test]
fn show_command_lists_the_commands_in_the_original_shape() {
    let daemon = Daemon::start();
    let script = add_reference_definitions(&daemon);
    let commands = daemon.show(&["command"]);

    assert_eq!(
        slugs(&commands),
        ["test_bee", "test_pybee"],
        "sorted by slug: {commands:#}"
    );
    let first = &rows(&commands)[0];
    assert_eq!(keys(first), COMMAND_KEYS);
    assert!(first["id"].is_i64(), "id is an integer: {first}");
    assert_eq!(first["app_id"], daemon.app_id());
    assert_eq!(first["name"], "Test Bee");
    assert_eq!(
        first["description"],
        "A shell script for testing Wurker Bee commands"
    );
    assert_eq!(
        first["command"],
        script.to_str().expect("temp paths are UTF-8")
    );
    assert_eq!(first["is_module"], false);

    let module = &rows(&commands)[1];
    assert_eq!(keys(module), COMMAND_KEYS);
    assert_eq!(module["command"], "test_pybee");
    assert_eq!(module["is_module"], true);
    assert_ne!(first["id"], module["id"], "each Command has its own id");
}

#[test]
fn show_cron_lists_the_crons_in_the_original_shape() {
    let daemon = Daemon::start();
    add_reference_definitions(&daemon);
    let crons = daemon.show(&["cron"]);

    assert_eq!(
        slugs(&crons),
        ["minutes_1", "minutes_1_overrun", "supervised"]
    );
    for (shown, expected) in rows(&crons).iter().zip(reference_crons()) {
        assert_eq!(keys(shown), CRON_KEYS);
        assert!(shown["id"].is_i64(), "id is an integer: {shown}");
        assert_eq!(shown["app_id"], daemon.app_id());
        for field in ["name", "slug", "cron", "overrun"] {
            assert_eq!(shown[field], expected[field], "{field} of {shown}");
        }
    }
}

#[test]
fn show_bee_lists_the_bees_in_the_original_shape() {
    let daemon = Daemon::start();
    let script = add_reference_definitions(&daemon);
    let (commands, crons) = (daemon.show(&["command"]), daemon.show(&["cron"]));
    let bees = daemon.show(&["bee"]);

    let expected_slugs: Vec<String> = reference_bees()
        .iter()
        .map(|bee| bee["slug"].as_str().expect("a slug").to_string())
        .collect();
    assert_eq!(slugs(&bees), expected_slugs, "eight Bees sorted by slug");
    for (shown, expected) in rows(&bees).iter().zip(reference_bees()) {
        assert_bee_matches(shown, &expected, &daemon.app_id());
        let command = by_slug(
            &commands,
            expected["command_slug"].as_str().expect("a slug"),
        );
        assert_eq!(shown["command_id"], command["id"], "command_id of {shown}");

        let is_module = expected["command_slug"] == "test_pybee";
        let (module, command_text) = if is_module {
            (json!("test_pybee"), Value::Null)
        } else {
            (Value::Null, json!(script))
        };
        assert_eq!(shown["module"], module, "module of {shown}");
        assert_eq!(shown["command"], command_text, "command of {shown}");
        assert!(if is_module {
            shown["args"].is_object()
        } else {
            shown["args"].is_array()
        });

        match expected["cron_slug"].as_str() {
            Some(cron_slug) => {
                let cron = by_slug(&crons, cron_slug);
                assert_eq!(shown["cron_id"], cron["id"], "cron_id of {shown}");
                assert_eq!(shown["cron"], cron["cron"], "cron of {shown}");
            }
            None => assert_eq!(shown["cron_id"], Value::Null, "an orphan has no cron_id"),
        }
    }
}

/// The fields of a shown Bee that the test definition sets, and the key order.
fn assert_bee_matches(shown: &Value, expected: &Value, app_id: &str) {
    let mapped = !expected["cron_slug"].is_null();
    let expected_keys = if mapped {
        &BEE_KEYS[..]
    } else {
        &BEE_KEYS[..BEE_KEYS.len() - 1]
    };
    assert_eq!(
        keys(shown),
        expected_keys,
        "keys of {shown} (`cron` only when mapped)"
    );
    assert!(shown["id"].is_i64(), "id is an integer: {shown}");
    assert_eq!(shown["app_id"], app_id);
    let fields = [
        "name",
        "slug",
        "description",
        "command_slug",
        "cron_slug",
        "args",
    ];
    for field in fields.into_iter().chain(["quiet_restart", "enabled"]) {
        assert_eq!(shown[field], expected[field], "{field} of {shown}");
    }
}

#[test]
fn show_with_slug_selects_one_row_and_an_unknown_slug_gives_an_empty_list() {
    let daemon = Daemon::start();
    add_reference_definitions(&daemon);

    let bee = daemon.show(&["bee", "--slug", "test_scheduled_pybee"]);
    assert_eq!(slugs(&bee), ["test_scheduled_pybee"]);
    assert_eq!(
        slugs(&daemon.show(&["cron", "--slug", "supervised"])),
        ["supervised"]
    );
    assert_eq!(
        slugs(&daemon.show(&["command", "--slug", "test_pybee"])),
        ["test_pybee"]
    );
    for kind in ["bee", "cron", "command"] {
        assert_eq!(
            daemon.show(&[kind, "--slug", "no_such_slug"]),
            json!([]),
            "show {kind}"
        );
    }
}

#[test]
fn add_command_stores_every_field() {
    let daemon = Daemon::start();
    let path = daemon.workdir().join("does-not-exist-yet.sh");
    let path = path.to_str().expect("temp paths are UTF-8");
    daemon.add("command", &dummy_command(path));

    let shown = daemon.show(&["command", "--slug", "dummy_command"]);
    let expected = json!([{
        "id": shown[0]["id"],
        "app_id": daemon.app_id(),
        "name": "Dummy Command",
        "slug": "dummy_command",
        "description": "A dummy command",
        "command": path,
        "is_module": false,
    }]);
    assert_eq!(shown, expected);
    assert_eq!(keys(&shown[0]), COMMAND_KEYS);
    assert!(shown[0]["id"].is_i64());
}

#[test]
fn add_cron_stores_every_field() {
    let daemon = Daemon::start();
    daemon.add("cron", &dummy_cron());

    let shown = daemon.show(&["cron", "--slug", "dummy_cron"]);
    let expected = json!([{
        "id": shown[0]["id"],
        "app_id": daemon.app_id(),
        "name": "Dummy Cron",
        "slug": "dummy_cron",
        "cron": "*/5 * * * *",
        "overrun": 2,
    }]);
    assert_eq!(shown, expected);
    assert!(shown[0]["id"].is_i64());
}

#[test]
fn add_bee_resolves_its_command_and_cron_and_keeps_string_args() {
    let daemon = Daemon::start();
    let script = write_script(daemon.workdir(), "dummy.sh");
    daemon.add(
        "command",
        &dummy_command(script.to_str().expect("temp paths are UTF-8")),
    );
    daemon.add("cron", &dummy_cron());
    daemon.add("bee", &dummy_bee());

    let command = &daemon.show(&["command", "--slug", "dummy_command"])[0];
    let cron = &daemon.show(&["cron", "--slug", "dummy_cron"])[0];
    let shown = daemon.show(&["bee", "--slug", "dummy_bee"]);
    let expected = json!([{
        "id": shown[0]["id"],
        "app_id": daemon.app_id(),
        "name": "Dummy Bee",
        "slug": "dummy_bee",
        "description": "A dummy bee",
        "command_id": command["id"],
        "command_slug": "dummy_command",
        "cron_id": cron["id"],
        "cron_slug": "dummy_cron",
        "args": "-l /tmp/dummy_bee.log -i 10 -d 40",
        "quiet_restart": false,
        "enabled": true,
        "module": null,
        "command": script,
        "cron": "*/5 * * * *",
    }]);
    assert_eq!(shown, expected);
    assert_eq!(keys(&shown[0]), BEE_KEYS);
}

#[test]
fn add_bee_applies_the_defaults() {
    let daemon = Daemon::start();
    let script = write_script(daemon.workdir(), "dummy.sh");
    daemon.add(
        "command",
        &dummy_command(script.to_str().expect("temp paths are UTF-8")),
    );
    daemon.add(
        "bee",
        &json!({"slug": "minimal", "name": "Minimal", "command_slug": "dummy_command"}),
    );

    let bee = &daemon.show(&["bee", "--slug", "minimal"])[0];
    assert_eq!(
        bee["enabled"], true,
        "a Bee is enabled unless told otherwise: {bee}"
    );
    assert_eq!(bee["quiet_restart"], false, "{bee}");
    assert_eq!(bee["cron_id"], Value::Null, "{bee}");
    assert_eq!(
        keys(bee),
        BEE_KEYS[..BEE_KEYS.len() - 1],
        "no `cron` key without a Cron"
    );

    daemon.add(
        "cron",
        &json!({"slug": "keep_running", "name": "Keep running"}),
    );
    let cron = &daemon.show(&["cron", "--slug", "keep_running"])[0];
    assert_eq!(
        cron["cron"],
        Value::Null,
        "no expression means supervised: {cron}"
    );
    assert_eq!(cron["overrun"], 0, "{cron}");
}

#[test]
fn edit_command_changes_its_name() {
    let daemon = Daemon::start();
    add_dummies(&daemon);
    let before = daemon.show(&["command", "--slug", "dummy_command"]);
    daemon.edit(
        "command",
        "dummy_command",
        &json!({"name": "Edited Command"}),
    );

    let mut expected = before.clone();
    expected[0]["name"] = json!("Edited Command");
    assert_eq!(
        daemon.show(&["command", "--slug", "dummy_command"]),
        expected
    );
}

#[test]
fn edit_cron_changes_its_name_and_schedule() {
    let daemon = Daemon::start();
    add_dummies(&daemon);
    let before = daemon.show(&["cron", "--slug", "dummy_cron"]);
    daemon.edit("cron", "dummy_cron", &json!({"name": "Edited Cron"}));

    let mut expected = before.clone();
    expected[0]["name"] = json!("Edited Cron");
    assert_eq!(daemon.show(&["cron", "--slug", "dummy_cron"]), expected);

    daemon.edit(
        "cron",
        "dummy_cron",
        &json!({"cron": "0 3 * * *", "overrun": 1}),
    );
    expected[0]["cron"] = json!("0 3 * * *");
    expected[0]["overrun"] = json!(1);
    assert_eq!(daemon.show(&["cron", "--slug", "dummy_cron"]), expected);
}

#[test]
fn edit_bee_changes_its_name_and_maps_it_to_a_cron() {
    let daemon = Daemon::start();
    add_reference_definitions(&daemon);
    add_dummies(&daemon);
    let overrun_cron = &daemon.show(&["cron", "--slug", "minutes_1_overrun"])[0];
    daemon.edit(
        "bee",
        "dummy_bee",
        &json!({"name": "Edited Bee", "cron_slug": "minutes_1_overrun"}),
    );

    let bee = &daemon.show(&["bee", "--slug", "dummy_bee"])[0];
    assert_eq!(bee["name"], "Edited Bee");
    assert_eq!(bee["cron_slug"], "minutes_1_overrun");
    assert_eq!(bee["cron_id"], overrun_cron["id"]);
    assert_eq!(bee["cron"], "*/1 * * * *");
    assert_eq!(keys(bee), BEE_KEYS);
}

#[test]
fn edit_bee_changes_its_command_and_a_null_cron_slug_unmaps_it() {
    let daemon = Daemon::start();
    add_reference_definitions(&daemon);
    let pybee = &daemon.show(&["command", "--slug", "test_pybee"])[0];
    let before = &daemon.show(&["bee", "--slug", "test_scheduled_bee"])[0];
    assert_eq!(before["cron_slug"], "minutes_1", "precondition: {before}");

    let changes = json!({"command_slug": "test_pybee", "args": {"a": 1}, "cron_slug": null});
    daemon.edit("bee", "test_scheduled_bee", &changes);

    let bee = &daemon.show(&["bee", "--slug", "test_scheduled_bee"])[0];
    assert_eq!(bee["command_slug"], "test_pybee");
    assert_eq!(bee["command_id"], pybee["id"]);
    assert_eq!(
        (&bee["module"], &bee["command"]),
        (&json!("test_pybee"), &Value::Null)
    );
    assert_eq!(bee["args"], json!({"a": 1}));
    assert_eq!(
        (&bee["cron_id"], &bee["cron_slug"]),
        (&Value::Null, &Value::Null)
    );
    assert_eq!(
        keys(bee),
        BEE_KEYS[..BEE_KEYS.len() - 1],
        "an unmapped Bee has no `cron` key"
    );
    assert_eq!(
        bee["name"], before["name"],
        "fields not in the edit are kept"
    );
}

#[test]
fn edit_bee_toggles_enabled_and_quiet_restart() {
    let daemon = Daemon::start();
    add_dummies(&daemon);
    daemon.edit(
        "bee",
        "dummy_bee",
        &json!({"enabled": false, "quiet_restart": true}),
    );

    let bee = &daemon.show(&["bee", "--slug", "dummy_bee"])[0];
    assert_eq!(
        (&bee["enabled"], &bee["quiet_restart"]),
        (&json!(false), &json!(true))
    );
}

#[test]
fn remove_bee_then_cron_then_command() {
    let daemon = Daemon::start();
    add_reference_definitions(&daemon);
    add_dummies(&daemon);

    daemon.remove("bee", "dummy_bee");
    assert_eq!(daemon.show(&["bee", "--slug", "dummy_bee"]), json!([]));
    daemon.remove("cron", "dummy_cron");
    assert_eq!(daemon.show(&["cron", "--slug", "dummy_cron"]), json!([]));
    daemon.remove("command", "dummy_command");
    assert_eq!(
        daemon.show(&["command", "--slug", "dummy_command"]),
        json!([])
    );

    // Only the removed rows went away.
    assert_eq!(rows(&daemon.show(&["bee"])).len(), 8);
    assert_eq!(rows(&daemon.show(&["cron"])).len(), 3);
    assert_eq!(rows(&daemon.show(&["command"])).len(), 2);
}

#[test]
fn add_and_remove_ondemand_queue_and_dequeue_a_bee() {
    let daemon = Daemon::start();
    add_reference_definitions(&daemon);
    let enable = json!({"enabled": true});
    daemon.edit("bee", "test_supervised_bee_error", &enable);
    daemon.add("ondemand", &json!(["test_supervised_bee_error"]));

    let queued = daemon.show(&["ondemand"]);
    let members = queued["ondemand"]
        .as_object()
        .unwrap_or_else(|| panic!("{queued:#}"));
    assert_eq!(
        members.keys().collect::<Vec<_>>(),
        ["test_supervised_bee_error"]
    );

    daemon.remove("ondemand", "test_supervised_bee_error");
    assert_eq!(daemon.show(&["ondemand"]), json!({}));
    assert_eq!(
        rows(&daemon.show(&["bee"])).len(),
        8,
        "dequeueing keeps the Bee"
    );
}

fn dummy_command(path: &str) -> Value {
    json!({
        "name": "Dummy Command",
        "slug": "dummy_command",
        "description": "A dummy command",
        "command": path,
        "is_module": false,
    })
}

fn dummy_cron() -> Value {
    json!({"name": "Dummy Cron", "slug": "dummy_cron", "cron": "*/5 * * * *", "overrun": 2})
}

fn dummy_bee() -> Value {
    json!({
        "name": "Dummy Bee",
        "slug": "dummy_bee",
        "description": "A dummy bee",
        "command_slug": "dummy_command",
        "cron_slug": "dummy_cron",
        "args": "-l /tmp/dummy_bee.log -i 10 -d 40",
        "quiet_restart": false,
        "enabled": true,
    })
}

/// The setup of the original's edit and remove tests: a Command, a Cron and a Bee with no
/// Cron, all called `dummy_*`. The Bee is disabled so that no future runner starts it.
fn add_dummies(daemon: &Daemon) {
    let script = write_script(daemon.workdir(), "dummy.sh");
    daemon.add(
        "command",
        &dummy_command(script.to_str().expect("temp paths are UTF-8")),
    );
    daemon.add("cron", &dummy_cron());
    let mut bee = dummy_bee();
    bee["cron_slug"] = Value::Null;
    bee["enabled"] = json!(false);
    daemon.add("bee", &bee);
}
