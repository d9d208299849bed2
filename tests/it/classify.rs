//! `wurk show`: every Bee lands in the section the original put it in (scheduled, supervised,
//! disabled, orphaned, and also ondemand when queued), in the runtime form of reference §4.3,
//! and a change moves it at once.

use chrono::{DateTime, Timelike, Utc};
use serde_json::{Value, json};
use wurker_e2e::Daemon;

use crate::fixtures::{RUNTIME_BEE_KEYS, SECTIONS, by_slug, keys, write_script};

/// A scheduled, a supervised, a disabled and two orphaned Bees, two of them queued; returns the
/// script path of the external Command.
fn add_one_of_each(daemon: &Daemon) -> String {
    let script = write_script(daemon.workdir(), "job.sh");
    let script = script.to_str().expect("temp paths are UTF-8").to_string();
    daemon.add(
        "command",
        &json!({"slug": "job", "name": "Job", "command": script}),
    );
    let module = json!({"slug": "pymod", "name": "Mod", "command": "my_module", "is_module": true});
    daemon.add("command", &module);
    daemon.add(
        "cron",
        &json!({"slug": "every_five", "name": "Five", "cron": "*/5 * * * *"}),
    );
    daemon.add(
        "cron",
        &json!({"slug": "always", "name": "Always", "cron": null}),
    );

    let bee = |slug: &str, command: &str, cron: Value, args: Value, enabled: bool| {
        let definition = json!({
            "slug": slug, "name": slug, "description": format!("the {slug}"),
            "command_slug": command, "cron_slug": cron, "args": args, "enabled": enabled,
        });
        daemon.add("bee", &definition);
    };
    bee("sched_bee", "job", json!("every_five"), json!(["-a"]), true);
    bee("sup_bee", "job", json!("always"), json!("-s 1"), true);
    bee("off_bee", "job", json!("every_five"), json!(["-b"]), false);
    bee("orphan_bee", "pymod", Value::Null, json!({"k": 1}), true);
    // Only an enabled Bee can be queued.
    bee("orphan_ext", "job", Value::Null, json!(["-o"]), true);
    bee(
        "queued_pybee",
        "pymod",
        json!("always"),
        json!({"k": 1}),
        true,
    );
    daemon.add(
        "ondemand",
        &json!(["orphan_ext", {"queued_pybee": {"k": 2}}]),
    );
    script
}

/// The group and member slugs of one section, e.g. `[("always", ["sup_bee"])]`.
fn layout(section: &Value) -> Vec<(String, Vec<String>)> {
    let groups = section
        .as_object()
        .unwrap_or_else(|| panic!("a section is an object: {section}"));
    let members = |group: &Value| keys(group).into_iter().map(String::from).collect();
    groups
        .iter()
        .map(|(name, group)| (name.clone(), members(group)))
        .collect()
}

fn expected_layout(groups: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
    let strings = |slugs: &[&str]| slugs.iter().map(|slug| slug.to_string()).collect();
    groups
        .iter()
        .map(|(group, slugs)| (group.to_string(), strings(slugs)))
        .collect()
}

#[test]
fn show_files_each_bee_in_its_section() {
    let daemon = Daemon::start();
    add_one_of_each(&daemon);
    let all = daemon.show(&[]);

    assert_eq!(keys(&all), SECTIONS, "every section, sorted: {all:#}");
    let expected = [
        (
            "scheduled",
            expected_layout(&[("every_five", &["sched_bee"])]),
        ),
        (
            "supervised",
            expected_layout(&[("always", &["queued_pybee", "sup_bee"])]),
        ),
        ("disabled", expected_layout(&[("every_five", &["off_bee"])])),
        (
            "orphaned",
            expected_layout(&[("orphaned", &["orphan_bee", "orphan_ext"])]),
        ),
        (
            "ondemand",
            expected_layout(&[("ondemand", &["orphan_ext", "queued_pybee"])]),
        ),
    ];
    for (section, groups) in expected {
        assert_eq!(
            layout(&all[section]),
            groups,
            "section {section} of {all:#}"
        );
    }
    for section in ["scheduled", "supervised", "ondemand"] {
        assert_eq!(
            daemon.show(&[section]),
            all[section],
            "`wurk show {section}` alone"
        );
    }
}

#[test]
fn show_prints_bees_in_the_runtime_form() {
    let daemon = Daemon::start();
    let script = add_one_of_each(&daemon);
    let before_call = Utc::now();
    let all = daemon.show(&["all"]);
    let after_call = Utc::now();
    let (bees, crons) = (daemon.show(&["bee"]), daemon.show(&["cron"]));

    for (section, groups) in all.as_object().expect("show prints an object") {
        for (_, members) in groups.as_object().expect("a section is an object") {
            for (slug, shown) in members.as_object().expect("a group is an object") {
                if section == "hive" {
                    continue;
                }
                assert_eq!(keys(shown), RUNTIME_BEE_KEYS, "{section}.{slug}");
                let defined = by_slug(&bees, slug);
                assert_eq!(
                    shown["app_id"],
                    daemon.app_id(),
                    "the UUID, not null: {shown}"
                );
                for field in [
                    "id",
                    "name",
                    "slug",
                    "description",
                    "command_id",
                    "command_slug",
                ] {
                    assert_eq!(shown[field], defined[field], "{field} of {section}.{slug}");
                }
            }
        }
    }

    let scheduled = &all["scheduled"]["every_five"]["sched_bee"];
    assert_eq!(scheduled["cron"], "*/5 * * * *");
    assert_eq!(scheduled["cron_id"], by_slug(&crons, "every_five")["id"]);
    assert_eq!(
        scheduled["command"],
        json!([script]),
        "the argv of an external Bee"
    );
    assert_eq!(scheduled["module_name"], "");
    assert_eq!(scheduled["args"], json!(["-a"]));
    assert_eq!(
        scheduled["timeout"], 270,
        "a 300 s interval allows 300 - 30 s (reference §5.3)"
    );
    assert_next_run_is_a_five_minute_mark(&scheduled["next_run"], before_call, after_call);

    let supervised = &all["supervised"]["always"]["sup_bee"];
    assert_eq!(
        (&supervised["cron"], &supervised["timeout"]),
        (&Value::Null, &Value::Null)
    );
    assert_eq!(supervised["args"], "-s 1");
    assert_eq!(
        supervised["next_run"],
        Value::Null,
        "a supervised Bee has no next run"
    );

    let orphan = &all["orphaned"]["orphaned"]["orphan_bee"];
    assert_eq!(
        (&orphan["cron"], &orphan["cron_id"]),
        (&json!(""), &Value::Null)
    );
    assert_eq!(
        (&orphan["command"], &orphan["module_name"]),
        (&Value::Null, &json!("my_module"))
    );
    assert_eq!(
        (&orphan["timeout"], &orphan["next_run"]),
        (&Value::Null, &Value::Null)
    );

    let queued = &all["ondemand"]["ondemand"]["queued_pybee"];
    assert_eq!(
        queued["args"],
        json!({"k": 2}),
        "a queued Bee shows its override args"
    );
    assert_eq!(
        (&queued["cron"], &queued["cron_id"]),
        (&json!(""), &Value::Null)
    );
    assert_eq!(queued["timeout"], Value::Null);
    assert_eq!(
        all["supervised"]["always"]["queued_pybee"]["args"],
        json!({"k": 1})
    );
    let plain = &all["ondemand"]["ondemand"]["orphan_ext"];
    assert_eq!(
        plain["args"],
        json!(["-o"]),
        "without an override, the Bee's own args"
    );
}

/// `next_run` is the first `*/5` mark after the moment the daemon answered.
fn assert_next_run_is_a_five_minute_mark(
    next_run: &Value,
    before_call: DateTime<Utc>,
    after_call: DateTime<Utc>,
) {
    let text = next_run
        .as_str()
        .unwrap_or_else(|| panic!("next_run is a string: {next_run}"));
    let next = DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|err| panic!("next_run {text:?} is not RFC 3339: {err}"))
        .with_timezone(&Utc);
    assert!(next > before_call, "next_run {text} is in the future");
    let latest = after_call + chrono::Duration::minutes(5);
    assert!(next <= latest, "next_run {text} is at most 5 min away");
    assert_eq!(
        (next.minute() % 5, next.second()),
        (0, 0),
        "next_run {text} is on a */5 mark"
    );
}

#[test]
fn a_change_moves_a_bee_to_its_new_section_at_once() {
    let daemon = Daemon::start();
    add_one_of_each(&daemon);

    daemon.edit(
        "bee",
        "off_bee",
        &json!({"enabled": true, "cron_slug": "always"}),
    );
    daemon.edit("bee", "sched_bee", &json!({"cron_slug": null}));
    daemon.remove("ondemand", "orphan_ext");
    let all = daemon.show(&[]);

    assert_eq!(
        all["scheduled"],
        json!({}),
        "the only scheduled Bee was unmapped: {all:#}"
    );
    let supervised = expected_layout(&[("always", &["off_bee", "queued_pybee", "sup_bee"])]);
    assert_eq!(layout(&all["supervised"]), supervised);
    let orphaned = expected_layout(&[("orphaned", &["orphan_bee", "orphan_ext", "sched_bee"])]);
    assert_eq!(layout(&all["orphaned"]), orphaned);
    assert_eq!(
        all["disabled"],
        json!({}),
        "off_bee was the only disabled Bee"
    );
    assert_eq!(
        layout(&all["ondemand"]),
        expected_layout(&[("ondemand", &["queued_pybee"])])
    );
}
