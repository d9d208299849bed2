//! Bad input to `wurk add|edit|remove`: each is refused with exit 1 and one line `Error: …`
//! on stderr that names the offending thing, and leaves every definition as it was.

use serde_json::{Value, json};
use wurker_e2e::Daemon;

use crate::fixtures::{slugs, snapshot, write_script};

/// A daemon with a few definitions for bad input to collide with: an external Command
/// `base_cmd`, a module Command `base_py`, an unused Command `spare_cmd`, a scheduled Cron
/// `base_cron` and a supervised Cron `base_sup`, the Bees `base_bee` (on `base_cmd` and
/// `base_cron`), `base_pybee` (on `base_py` and `base_sup`) and `queued_bee` (no Cron), the
/// last one queued (and so enabled: a disabled Bee cannot be queued; its Command only waits).
fn baseline() -> Daemon {
    let daemon = Daemon::start();
    let script = write_script(daemon.workdir(), "base.sh");
    let script = script.to_str().expect("temp paths are UTF-8");
    daemon.add(
        "command",
        &json!({"slug": "base_cmd", "name": "Base", "command": script}),
    );
    let module = json!({"slug": "base_py", "name": "Py", "command": "base_mod", "is_module": true});
    daemon.add("command", &module);
    daemon.add(
        "command",
        &json!({"slug": "spare_cmd", "name": "Spare", "command": script}),
    );
    daemon.add(
        "cron",
        &json!({"slug": "base_cron", "name": "Five", "cron": "*/5 * * * *"}),
    );
    daemon.add(
        "cron",
        &json!({"slug": "base_sup", "name": "Supervised", "cron": null}),
    );
    daemon.add(
        "bee",
        &bee("base_bee", "base_cmd", json!("base_cron"), json!(["-x"])),
    );
    daemon.add(
        "bee",
        &bee("base_pybee", "base_py", json!("base_sup"), json!({"k": 1})),
    );
    let mut queued = bee("queued_bee", "base_cmd", Value::Null, Value::Null);
    queued["enabled"] = json!(true);
    daemon.add("bee", &queued);
    daemon.add("ondemand", &json!(["queued_bee"]));
    daemon
}

/// Enables the given Bees of the baseline, so that they may be queued.
fn enable(daemon: &Daemon, slugs: &[&str]) {
    for slug in slugs {
        daemon.edit("bee", slug, &json!({"enabled": true}));
    }
}

/// A disabled Bee definition.
fn bee(slug: &str, command: &str, cron: Value, args: Value) -> Value {
    json!({
        "slug": slug,
        "name": slug,
        "command_slug": command,
        "cron_slug": cron,
        "args": args,
        "enabled": false,
    })
}

/// Runs `wurk ARGS` (with `input` on stdin when given) and checks that it is refused: exit 1,
/// one line `Error: …` that mentions each of `mentions` (case-insensitive), and nothing that
/// `wurk show` prints has changed. Returns the message.
fn assert_rejected(
    daemon: &Daemon,
    args: &[&str],
    input: Option<&str>,
    mentions: &[&str],
) -> String {
    let before = snapshot(daemon);
    let outcome = match input {
        Some(text) => daemon.wurk_stdin(args, text),
        None => daemon.wurk(args),
    };
    let message = outcome.error_message().to_string();
    for word in mentions {
        assert!(
            message.to_lowercase().contains(&word.to_lowercase()),
            "the error must mention {word:?}; input {input:?} gave {outcome}"
        );
    }
    assert_eq!(
        snapshot(daemon),
        before,
        "a refused `wurk {}` changed the data",
        args.join(" ")
    );
    message
}

/// [`assert_rejected`] for a JSON value on stdin.
fn assert_rejected_json(daemon: &Daemon, args: &[&str], input: &Value, mentions: &[&str]) {
    assert_rejected(daemon, args, Some(&input.to_string()), mentions);
}

#[test]
fn malformed_json_is_refused_with_its_line_and_column() {
    let daemon = baseline();
    let broken = "{\n  \"slug\": \"x\",\n  \"name\": \n}";
    assert_rejected(
        &daemon,
        &["add", "command"],
        Some(broken),
        &["line", "column"],
    );
    assert_rejected(
        &daemon,
        &["add", "bee"],
        Some("{\"slug\": \"x\""),
        &["line", "column"],
    );
    assert_rejected(
        &daemon,
        &["edit", "cron", "base_cron"],
        Some("{name: 1}"),
        &["line", "column"],
    );
    assert_rejected(
        &daemon,
        &["add", "ondemand"],
        Some("[\"queued_bee\",]"),
        &["line", "column"],
    );
}

#[test]
fn empty_input_is_refused() {
    let daemon = baseline();
    for (args, input) in [
        (&["add", "command"][..], ""),
        (&["add", "bee"][..], "  \n"),
        (&["edit", "cron", "base_cron"][..], ""),
        (&["add", "ondemand"][..], ""),
    ] {
        let message = assert_rejected(&daemon, args, Some(input), &[]);
        let lower = message.to_lowercase();
        assert!(
            lower.contains("empty") || lower.contains("json"),
            "`wurk {}` with empty input must say the input is empty: {message}",
            args.join(" ")
        );
    }
}

#[test]
fn a_definition_that_is_not_an_object_is_refused() {
    let daemon = baseline();
    assert_rejected_json(&daemon, &["add", "command"], &json!(["base_cmd"]), &[]);
    assert_rejected_json(&daemon, &["add", "cron"], &json!("nightly"), &[]);
    assert_rejected_json(&daemon, &["edit", "bee", "base_bee"], &json!(42), &[]);
}

#[test]
fn an_unknown_field_is_refused_and_named() {
    let daemon = baseline();
    let command = json!({"slug": "c2", "name": "C2", "command": "/bin/true", "bogus_field": 1});
    assert_rejected_json(&daemon, &["add", "command"], &command, &["bogus_field"]);
    let cron = json!({"slug": "k2", "name": "K2", "cron": "* * * * *", "timezone": "UTC"});
    assert_rejected_json(&daemon, &["add", "cron"], &cron, &["timezone"]);
    let mut new_bee = bee("b2", "base_cmd", Value::Null, Value::Null);
    new_bee["colour"] = json!("red");
    assert_rejected_json(&daemon, &["add", "bee"], &new_bee, &["colour"]);
    let edit = json!({"name": "Renamed", "priority": 3});
    assert_rejected_json(&daemon, &["edit", "bee", "base_bee"], &edit, &["priority"]);
}

#[test]
fn a_missing_required_field_is_refused_and_named() {
    let daemon = baseline();
    let no_name = json!({"slug": "c2", "command": "/bin/true"});
    assert_rejected_json(&daemon, &["add", "command"], &no_name, &["name"]);
    let no_command = json!({"slug": "c2", "name": "C2"});
    assert_rejected_json(&daemon, &["add", "command"], &no_command, &["command"]);
    let no_slug = json!({"name": "K2", "cron": "* * * * *"});
    assert_rejected_json(&daemon, &["add", "cron"], &no_slug, &["slug"]);
    let no_bee_command = json!({"slug": "b2", "name": "B2", "cron_slug": "base_cron"});
    assert_rejected_json(&daemon, &["add", "bee"], &no_bee_command, &["command"]);
}

#[test]
fn a_field_of_the_wrong_type_is_refused_and_named() {
    let daemon = baseline();
    let cron = json!({"slug": "k2", "name": "K2", "cron": "* * * * *", "overrun": "x"});
    assert_rejected_json(&daemon, &["add", "cron"], &cron, &["overrun"]);
    let command = json!({"slug": "c2", "name": "C2", "command": "/bin/true", "is_module": "yes"});
    assert_rejected_json(&daemon, &["add", "command"], &command, &["is_module"]);
    let mut new_bee = bee("b2", "base_cmd", Value::Null, Value::Null);
    new_bee["enabled"] = json!("yes");
    assert_rejected_json(&daemon, &["add", "bee"], &new_bee, &["enabled"]);
    let name = json!({"name": 7});
    assert_rejected_json(&daemon, &["edit", "cron", "base_cron"], &name, &["name"]);
    let quiet = json!({"quiet_restart": "no"});
    assert_rejected_json(
        &daemon,
        &["edit", "bee", "base_bee"],
        &quiet,
        &["quiet_restart"],
    );
}

#[test]
fn an_empty_slug_is_refused() {
    let daemon = baseline();
    let command = json!({"slug": "", "name": "C2", "command": "/bin/true"});
    assert_rejected_json(&daemon, &["add", "command"], &command, &["slug"]);
    let cron = json!({"slug": "", "name": "K2", "cron": "* * * * *"});
    assert_rejected_json(&daemon, &["add", "cron"], &cron, &["slug"]);
    let empty_bee = bee("", "base_cmd", Value::Null, Value::Null);
    assert_rejected_json(&daemon, &["add", "bee"], &empty_bee, &["slug"]);
    let rename = json!({"slug": ""});
    assert_rejected_json(
        &daemon,
        &["edit", "command", "spare_cmd"],
        &rename,
        &["slug"],
    );
}

#[test]
fn a_slug_longer_than_its_kind_allows_is_refused_and_the_limit_itself_is_accepted() {
    let daemon = baseline();
    let command = |slug: String| json!({"slug": slug, "name": "C", "command": "/bin/true"});
    let cron = |slug: String| json!({"slug": slug, "name": "K", "cron": null});
    let new_bee = |slug: String| bee(&slug, "base_cmd", Value::Null, Value::Null);

    assert_rejected_json(
        &daemon,
        &["add", "command"],
        &command("c".repeat(37)),
        &["slug"],
    );
    assert_rejected_json(&daemon, &["add", "cron"], &cron("k".repeat(65)), &["slug"]);
    assert_rejected_json(
        &daemon,
        &["add", "bee"],
        &new_bee("b".repeat(129)),
        &["slug"],
    );
    let rename = json!({"slug": "r".repeat(129)});
    assert_rejected_json(&daemon, &["edit", "bee", "base_bee"], &rename, &["slug"]);

    daemon.add("command", &command("c".repeat(36)));
    daemon.add("cron", &cron("k".repeat(64)));
    daemon.add("bee", &new_bee("b".repeat(128)));
    assert_eq!(
        slugs(&daemon.show(&["bee", "--slug", &"b".repeat(128)])),
        ["b".repeat(128)]
    );
}

#[test]
fn a_slug_with_characters_outside_the_allowed_set_is_refused() {
    let daemon = baseline();
    for slug in [
        "has space",
        "a/b",
        "semi;colon",
        "ünïcode",
        "star*",
        "new\nline",
    ] {
        let command = json!({"slug": slug, "name": "C", "command": "/bin/true"});
        assert_rejected_json(&daemon, &["add", "command"], &command, &["slug"]);
    }
    let cron = json!({"slug": "at@home", "name": "K", "cron": null});
    assert_rejected_json(&daemon, &["add", "cron"], &cron, &["slug"]);
    let bad_bee = bee("quote'd", "base_cmd", Value::Null, Value::Null);
    assert_rejected_json(&daemon, &["add", "bee"], &bad_bee, &["slug"]);

    // Every allowed character class at once is fine.
    daemon.add(
        "command",
        &json!({"slug": "Az09_.-", "name": "C", "command": "/bin/true"}),
    );
}

#[test]
fn a_duplicate_slug_is_refused_and_named() {
    let daemon = baseline();
    let command = json!({"slug": "base_cmd", "name": "Again", "command": "/bin/true"});
    assert_rejected_json(&daemon, &["add", "command"], &command, &["base_cmd"]);
    let cron = json!({"slug": "base_cron", "name": "Again", "cron": "* * * * *"});
    assert_rejected_json(&daemon, &["add", "cron"], &cron, &["base_cron"]);
    let same_bee = bee("base_bee", "base_cmd", Value::Null, Value::Null);
    assert_rejected_json(&daemon, &["add", "bee"], &same_bee, &["base_bee"]);
    let rename = json!({"slug": "base_pybee"});
    assert_rejected_json(
        &daemon,
        &["edit", "bee", "base_bee"],
        &rename,
        &["base_pybee"],
    );
    let rename = json!({"slug": "base_cmd"});
    assert_rejected_json(
        &daemon,
        &["edit", "command", "spare_cmd"],
        &rename,
        &["base_cmd"],
    );
}

#[test]
fn an_unknown_command_or_cron_slug_is_refused_and_named() {
    let daemon = baseline();
    let no_command = bee("b2", "nope_command", json!("base_cron"), Value::Null);
    assert_rejected_json(&daemon, &["add", "bee"], &no_command, &["nope_command"]);
    let no_cron = bee("b2", "base_cmd", json!("nope_cron"), Value::Null);
    assert_rejected_json(&daemon, &["add", "bee"], &no_cron, &["nope_cron"]);
    let edit = json!({"command_slug": "nope_command"});
    assert_rejected_json(
        &daemon,
        &["edit", "bee", "base_bee"],
        &edit,
        &["nope_command"],
    );
    let edit = json!({"cron_slug": "nope_cron"});
    assert_rejected_json(&daemon, &["edit", "bee", "base_bee"], &edit, &["nope_cron"]);
}

#[test]
fn an_invalid_cron_expression_is_refused() {
    let daemon = baseline();
    for expression in ["61 * * * *", "not a cron", "* * *", "* * * * * * * *"] {
        let cron = json!({"slug": "k2", "name": "K2", "cron": expression});
        assert_rejected_json(&daemon, &["add", "cron"], &cron, &["cron"]);
    }
    let edit = json!({"cron": "*/5 25 * * *"});
    assert_rejected_json(&daemon, &["edit", "cron", "base_cron"], &edit, &["cron"]);
}

#[test]
fn pybee_args_that_are_not_an_object_are_refused() {
    let daemon = baseline();
    for args in [json!(["a", "b"]), json!("-a -b"), json!(5)] {
        let pybee = bee("p2", "base_py", Value::Null, args);
        assert_rejected_json(&daemon, &["add", "bee"], &pybee, &["args"]);
    }
    let edit = json!({"args": ["a"]});
    assert_rejected_json(&daemon, &["edit", "bee", "base_pybee"], &edit, &["args"]);
}

#[test]
fn external_bee_args_that_are_not_a_list_or_a_string_are_refused() {
    let daemon = baseline();
    for args in [json!({"a": 1}), json!(5), json!(true)] {
        let external = bee("b2", "base_cmd", Value::Null, args);
        assert_rejected_json(&daemon, &["add", "bee"], &external, &["args"]);
    }
    let edit = json!({"args": {"a": 1}});
    assert_rejected_json(&daemon, &["edit", "bee", "base_bee"], &edit, &["args"]);
}

#[test]
fn ondemand_override_args_follow_the_same_rules() {
    let daemon = baseline();
    enable(&daemon, &["base_bee", "base_pybee"]);
    let pybee_list = json!([{"base_pybee": ["a"]}]);
    assert_rejected_json(&daemon, &["add", "ondemand"], &pybee_list, &["args"]);
    let external_object = json!([{"base_bee": {"a": 1}}]);
    assert_rejected_json(&daemon, &["add", "ondemand"], &external_object, &["args"]);
}

#[test]
fn removing_a_command_still_used_names_its_bees() {
    let daemon = baseline();
    assert_rejected(
        &daemon,
        &["remove", "command", "base_cmd"],
        None,
        &["base_bee", "queued_bee"],
    );
    assert_rejected(
        &daemon,
        &["remove", "command", "base_py"],
        None,
        &["base_pybee"],
    );
}

#[test]
fn removing_a_cron_still_used_names_its_bees() {
    let daemon = baseline();
    assert_rejected(
        &daemon,
        &["remove", "cron", "base_cron"],
        None,
        &["base_bee"],
    );
    assert_rejected(
        &daemon,
        &["remove", "cron", "base_sup"],
        None,
        &["base_pybee"],
    );
}

#[test]
fn queueing_an_unknown_bee_is_refused_and_named() {
    let daemon = baseline();
    assert_rejected_json(
        &daemon,
        &["add", "ondemand"],
        &json!(["nope_bee"]),
        &["nope_bee"],
    );
    let with_args = json!([{"nope_bee": ["-x"]}]);
    assert_rejected_json(&daemon, &["add", "ondemand"], &with_args, &["nope_bee"]);
}

#[test]
fn queueing_a_disabled_bee_is_refused_and_named() {
    let daemon = baseline();
    let input = json!(["base_bee"]).to_string();
    let message = assert_rejected(
        &daemon,
        &["add", "ondemand"],
        Some(&input),
        &["base_bee", "disabled"],
    );
    assert!(message.contains("enable it"), "says what to do: {message}");
}

#[test]
fn queueing_an_already_queued_bee_is_refused_and_named() {
    let daemon = baseline();
    enable(&daemon, &["base_bee"]);
    assert_rejected_json(
        &daemon,
        &["add", "ondemand"],
        &json!(["queued_bee"]),
        &["queued_bee"],
    );
    let twice = json!(["base_bee", "base_bee"]);
    assert_rejected_json(&daemon, &["add", "ondemand"], &twice, &["base_bee"]);
}

#[test]
fn one_bad_item_leaves_the_whole_ondemand_list_unqueued() {
    let daemon = baseline();
    enable(&daemon, &["base_bee", "base_pybee"]);
    let unknown_last = json!(["base_bee", {"base_pybee": {"k": 2}}, "nope_bee"]);
    assert_rejected_json(&daemon, &["add", "ondemand"], &unknown_last, &["nope_bee"]);
    let queued_last = json!(["base_bee", "queued_bee"]);
    assert_rejected_json(&daemon, &["add", "ondemand"], &queued_last, &["queued_bee"]);
    let not_an_item = json!(["base_bee", 5]);
    assert_rejected_json(&daemon, &["add", "ondemand"], &not_an_item, &[]);

    let queue = daemon.show(&["ondemand"]);
    let members: Vec<&String> = queue["ondemand"]
        .as_object()
        .map(|m| m.keys().collect())
        .unwrap_or_default();
    assert_eq!(
        members,
        ["queued_bee"],
        "only the baseline's item is queued: {queue:#}"
    );
}

#[test]
fn editing_or_removing_an_unknown_slug_is_refused_and_named() {
    let daemon = baseline();
    let change = json!({"name": "Renamed"});
    for kind in ["command", "cron", "bee"] {
        assert_rejected_json(
            &daemon,
            &["edit", kind, "nope_slug"],
            &change,
            &["nope_slug"],
        );
        assert_rejected(
            &daemon,
            &["remove", kind, "nope_slug"],
            None,
            &["nope_slug"],
        );
    }
    assert_rejected(
        &daemon,
        &["remove", "ondemand", "nope_slug"],
        None,
        &["nope_slug"],
    );
    assert_rejected(
        &daemon,
        &["remove", "ondemand", "base_bee"],
        None,
        &["base_bee"],
    );
}
