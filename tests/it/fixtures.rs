//! Definitions the tests create through `wurk add`, modelled on the original Wurker's own test
//! data (two Commands, three Crons, eight disabled Bees), and the helpers that compare what
//! `wurk show` prints before and after a change.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use wurker_e2e::Daemon;

/// Key order of one row of `wurk show command` (reference §4.2).
pub const COMMAND_KEYS: [&str; 7] = [
    "id",
    "app_id",
    "name",
    "slug",
    "description",
    "command",
    "is_module",
];

/// Key order of one row of `wurk show cron` (reference §4.2).
pub const CRON_KEYS: [&str; 6] = ["id", "app_id", "name", "slug", "cron", "overrun"];

/// Key order of one row of `wurk show bee` (reference §4.1); `cron` only for a mapped Bee.
pub const BEE_KEYS: [&str; 15] = [
    "id",
    "app_id",
    "name",
    "slug",
    "description",
    "command_id",
    "command_slug",
    "cron_id",
    "cron_slug",
    "args",
    "quiet_restart",
    "enabled",
    "module",
    "command",
    "cron",
];

/// Keys of a Bee in the `wurk show` views (reference §4.3, sorted, plus `next_run`).
pub const RUNTIME_BEE_KEYS: [&str; 16] = [
    "app_id",
    "args",
    "command",
    "command_id",
    "command_slug",
    "cron",
    "cron_id",
    "description",
    "enabled",
    "id",
    "module_name",
    "name",
    "next_run",
    "quiet_restart",
    "slug",
    "timeout",
];

/// The sections of `wurk show`, in their (sorted) order.
pub const SECTIONS: [&str; 6] = [
    "disabled",
    "hive",
    "ondemand",
    "orphaned",
    "scheduled",
    "supervised",
];

/// Writes a harmless executable shell script into `dir` and returns its path. It only waits, so
/// a Bee queued on it stays queued (and in the Hive) for as long as a test looks at it.
pub fn write_script(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, "#!/bin/sh\nexec sleep 300\n").expect("the workdir is writable");
    let mode = std::fs::Permissions::from_mode(0o755);
    std::fs::set_permissions(&path, mode).expect("the script's mode can be set");
    path
}

/// The original's two test Commands, sorted by slug; `script` stands in for its `test_bee.sh`.
pub fn reference_commands(script: &Path) -> Vec<Value> {
    vec![
        json!({
            "slug": "test_bee",
            "name": "Test Bee",
            "description": "A shell script for testing Wurker Bee commands",
            "command": script.to_str().expect("temp paths are UTF-8"),
            "is_module": false,
        }),
        json!({
            "slug": "test_pybee",
            "name": "Test PyBee",
            "description": "A python module for testing Wurker PyBee commands",
            "command": "test_pybee",
            "is_module": true,
        }),
    ]
}

/// The original's three test Crons, sorted by slug.
pub fn reference_crons() -> Vec<Value> {
    vec![
        json!({"slug": "minutes_1", "name": "Every minute", "cron": "*/1 * * * *", "overrun": 0}),
        json!({
            "slug": "minutes_1_overrun",
            "name": "Every minute with overrun",
            "cron": "*/1 * * * *",
            "overrun": 3,
        }),
        json!({"slug": "supervised", "name": "Supervised Daemon", "cron": null, "overrun": 0}),
    ]
}

/// The original's eight test Bees, sorted by slug, all disabled; the four `_error` ones have no
/// Cron.
pub fn reference_bees() -> Vec<Value> {
    let bee = |slug: &str, name: &str, description: &str, command: &str, cron: Value, args| {
        json!({
            "slug": slug,
            "name": name,
            "description": description,
            "command_slug": command,
            "cron_slug": cron,
            "args": args,
            "quiet_restart": false,
            "enabled": false,
        })
    };
    let (sup, min) = (json!("supervised"), json!("minutes_1"));
    vec![
        bee(
            "test_scheduled_bee",
            "Test Scheduled Bee",
            "Test scheduled Bee script",
            "test_bee",
            min.clone(),
            json!(["-l", "/tmp/test_scheduled_bee.log", "-i", "10", "-d", "40"]),
        ),
        bee(
            "test_scheduled_bee_error",
            "Test Scheduled Bee Error",
            "Test scheduled Bee script and exit with error",
            "test_bee",
            Value::Null,
            json!([
                "-l",
                "/tmp/test_scheduled_bee.log",
                "-i",
                "10",
                "-d",
                "40",
                "-e",
                "2"
            ]),
        ),
        bee(
            "test_scheduled_pybee",
            "Test Scheduled PyBee",
            "Test scheduled PyBee module",
            "test_pybee",
            min,
            json!({"duration": 40, "log": "/tmp/test_scheduled_pybee.log", "interval_seconds": 10}),
        ),
        bee(
            "test_scheduled_pybee_error",
            "Test Scheduled PyBee Error",
            "Test scheduled PyBee module and exit with error",
            "test_pybee",
            Value::Null,
            json!({
                "duration": 40,
                "log": "/tmp/test_scheduled_pybee.log",
                "interval_seconds": 10,
                "exit": 2,
            }),
        ),
        bee(
            "test_supervised_bee",
            "Test Supervised Bee",
            "Test supervised Bee script",
            "test_bee",
            sup.clone(),
            json!(["-l", "/tmp/test_supervised_bee.log", "-i", "10"]),
        ),
        bee(
            "test_supervised_bee_error",
            "Test Supervised Bee Error",
            "Test supervised Bee script and exit with error",
            "test_bee",
            Value::Null,
            json!(["-l", "/tmp/test_supervised_bee.log", "-i", "10", "-e", "2"]),
        ),
        bee(
            "test_supervised_pybee",
            "Test Supervised PyBee",
            "Test supervised PyBee module",
            "test_pybee",
            sup.clone(),
            json!({"log": "/tmp/test_supervised_pybee.log", "interval_seconds": 10}),
        ),
        bee(
            "test_supervised_pybee_error",
            "Test Supervised PyBee Error",
            "Test supervised PyBee module and exit with error",
            "test_pybee",
            Value::Null,
            json!({"log": "/tmp/test_supervised_pybee.log", "interval_seconds": 10, "exit": 2}),
        ),
    ]
}

/// Adds the reference Commands, Crons and Bees through `wurk add`; returns the script path
/// used as the `test_bee` Command. Each list is added in reverse slug order, so that the
/// sorted output of `show` proves the daemon sorts.
pub fn add_reference_definitions(daemon: &Daemon) -> PathBuf {
    let script = write_script(daemon.workdir(), "test_bee.sh");
    for command in reference_commands(&script).into_iter().rev() {
        daemon.add("command", &command);
    }
    for cron in reference_crons().into_iter().rev() {
        daemon.add("cron", &cron);
    }
    for bee in reference_bees().into_iter().rev() {
        daemon.add("bee", &bee);
    }
    script
}

/// The keys of a JSON object, in order.
pub fn keys(value: &Value) -> Vec<&str> {
    let object = value
        .as_object()
        .unwrap_or_else(|| panic!("not a JSON object: {value}"));
    object.keys().map(String::as_str).collect()
}

/// The elements of a JSON array.
pub fn rows(value: &Value) -> &Vec<Value> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a JSON array: {value}"))
}

/// The row of a `show` array with the given slug.
pub fn by_slug<'a>(list: &'a Value, slug: &str) -> &'a Value {
    let found = rows(list).iter().find(|row| row["slug"] == slug);
    found.unwrap_or_else(|| panic!("no row with slug {slug:?} in {list:#}"))
}

/// The slugs of a `show` array, in the order printed.
pub fn slugs(list: &Value) -> Vec<&str> {
    rows(list)
        .iter()
        .map(|row| row["slug"].as_str().expect("every row has a string slug"))
        .collect()
}

/// Everything a definition change could touch, as `wurk` prints it: the three lists and the
/// classified view. The view's `hive` and `next_run` values depend on the clock and on which
/// Bees happen to run, not on the definitions, so they are left out.
pub fn snapshot(daemon: &Daemon) -> Value {
    let mut all = daemon.show(&[]);
    if let Some(sections) = all.as_object_mut() {
        sections.remove("hive");
    }
    strip_key(&mut all, "next_run");
    json!({
        "command": daemon.show(&["command"]),
        "cron": daemon.show(&["cron"]),
        "bee": daemon.show(&["bee"]),
        "all": all,
    })
}

fn strip_key(value: &mut Value, key: &str) {
    match value {
        Value::Object(map) => {
            map.remove(key);
            map.values_mut().for_each(|inner| strip_key(inner, key));
        }
        Value::Array(items) => items.iter_mut().for_each(|inner| strip_key(inner, key)),
        _ => {}
    }
}
