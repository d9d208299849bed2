//! `wurk admin seed` and `wurk admin init`: seed files add, update and delete, each applied
//! once and whole; a bad file names its file, item and field and changes nothing; the local
//! part loads credentials as hashes.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use serde_json::{Value, json};
use wurker_e2e::Daemon;

use crate::fixtures::{slugs, snapshot};

fn write_seed(daemon: &Daemon, name: &str, seed: &Value) -> std::path::PathBuf {
    let path = daemon.home().join("etc/seeds").join(name);
    std::fs::create_dir_all(path.parent().expect("a directory")).expect("writable");
    std::fs::write(&path, serde_json::to_string_pretty(seed).expect("JSON")).expect("writable");
    path
}

fn seed(daemon: &Daemon, args: &[&str]) -> String {
    let args: Vec<&str> = ["admin", "seed"].iter().chain(args).copied().collect();
    let out = daemon.wurk(&args);
    out.assert_ok();
    out.stdout
}

fn first_seed() -> Value {
    json!({
        "wurker_command": [
            {"slug": "script", "name": "Script", "command": "./scripts/job.sh -q"},
            {"slug": "old", "name": "Old", "command": "/bin/true"}
        ],
        "wurker_cron": [
            {"slug": "hourly", "name": "Hourly", "cron": "0 * * * *"},
            {"slug": "spare", "name": "Spare", "cron": null}
        ],
        "wurker_bee": [
            {"slug": "job", "name": "Job", "command_slug": "script", "cron_slug": "hourly",
             "args": ["-v"], "enabled": true},
            {"slug": "gone", "name": "Gone", "command_slug": "old"}
        ]
    })
}

#[test]
fn seeds_add_update_and_delete_and_each_file_applies_once() {
    let daemon = Daemon::start();
    write_seed(&daemon, "001_seed.json", &first_seed());
    let out = seed(&daemon, &["--only", "wurker"]);
    assert!(out.contains("applied: 001_seed.json"), "{out}");
    let script = daemon.home().join("etc/scripts/job.sh");
    let command = &daemon.show(&["command", "--slug", "script"])[0]["command"];
    assert_eq!(
        command.as_str(),
        Some(format!("{} -q", script.display()).as_str())
    );
    assert_eq!(slugs(&daemon.show(&["bee"])), ["gone", "job"]);

    // Updates name only the slug and what changes; deletions need only the slug.
    write_seed(
        &daemon,
        "002_seed.json",
        &json!({
            "wurker_bee": [
                {"slug": "job", "enabled": false},
                {"slug": "gone", "delete": true}
            ],
            "wurker_cron": [{"slug": "spare", "delete": true}, {"slug": "hourly", "overrun": 2}],
            "wurker_command": [{"slug": "old", "delete": true}]
        }),
    );
    let out = seed(&daemon, &["--only", "wurker"]);
    assert!(out.contains("skipped: 001_seed.json"), "{out}");
    assert!(out.contains("applied: 002_seed.json"), "{out}");
    let job = &daemon.show(&["bee", "--slug", "job"])[0];
    assert_eq!(
        (job["enabled"].clone(), job["args"].clone()),
        (json!(false), json!(["-v"]))
    );
    assert_eq!(slugs(&daemon.show(&["bee"])), ["job"]);
    assert_eq!(slugs(&daemon.show(&["cron"])), ["hourly"]);
    assert_eq!(daemon.show(&["cron"])[0]["overrun"], 2);
    assert_eq!(slugs(&daemon.show(&["command"])), ["script"]);

    // Seeding again changes nothing, even after an operator's edit.
    daemon.edit("bee", "job", &json!({"enabled": true}));
    let before = snapshot(&daemon);
    let out = seed(&daemon, &["--only", "wurker"]);
    assert!(!out.contains("  applied: "), "{out}");
    assert_eq!(snapshot(&daemon), before);

    // --force applies every file again; the legacy map still works.
    write_seed(
        &daemon,
        "003_seed.json",
        &json!({"wurker_bee_cron": {"job": null}}),
    );
    let out = seed(&daemon, &["--only", "wurker", "--force"]);
    assert!(
        out.contains("applied: 001_seed.json") && out.contains("applied: 003"),
        "{out}"
    );
    assert_eq!(
        daemon.show(&["bee", "--slug", "job"])[0]["cron_slug"],
        Value::Null
    );
}

#[test]
fn a_bad_seed_file_names_file_item_and_field_and_changes_nothing() {
    let daemon = Daemon::start();
    let mut bad = first_seed();
    bad["wurker_bee"][1]["enabled"] = json!("yes");
    let path = write_seed(&daemon, "001_seed.json", &bad);
    write_seed(
        &daemon,
        "002_seed.json",
        &json!({"wurker_cron": [{"slug": "later", "name": "L"}]}),
    );

    let out = daemon.wurk(&["admin", "seed"]);
    let message = out.error_message();
    for part in [
        path.to_str().expect("UTF-8"),
        "wurker_bee #2 ('gone')",
        "'enabled'",
    ] {
        assert!(message.contains(part), "the error names {part}: {out}");
    }
    for kind in ["command", "cron", "bee"] {
        assert_eq!(daemon.show(&[kind]), json!([]), "no {kind} was left behind");
    }

    // Fixed, it applies whole; and the file after it too.
    write_seed(&daemon, "001_seed.json", &first_seed());
    seed(&daemon, &[]);
    assert_eq!(slugs(&daemon.show(&["cron"])), ["hourly", "later", "spare"]);
}

#[test]
fn seed_check_validates_a_file_without_applying_it() {
    let daemon = Daemon::start();
    let file = daemon.workdir().join("candidate.json");
    std::fs::write(&file, first_seed().to_string()).expect("writable");
    let file_arg = file.to_str().expect("UTF-8");
    let out = seed(&daemon, &["--check", file_arg]);
    assert!(
        out.contains("valid") && out.contains("2 commands added"),
        "{out}"
    );
    assert_eq!(daemon.show(&["command"]), json!([]));

    let bad = json!({"wurker_bee": [{"slug": "x", "name": "X", "command_slug": "nope"}]});
    std::fs::write(&file, bad.to_string()).expect("writable");
    let out = daemon.wurk(&["admin", "seed", "--check", file_arg]);
    let message = out.error_message();
    assert!(
        message.contains("wurker_bee #1 ('x')") && message.contains("'nope'"),
        "{out}"
    );
}

#[test]
fn local_seed_loads_hashed_accounts_and_warns_about_exposed_files() {
    let daemon = Daemon::start();
    let users = daemon.home().join("data/user.json");
    std::fs::write(&users, r#"[{"username": "ops", "password": "s3cret"}]"#).expect("writable");
    std::fs::set_permissions(&users, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let out = seed(&daemon, &["--only", "local"]);
    assert!(out.contains("user.json: 1 account(s) ops"), "{out}");
    assert!(out.contains("readable by other users"), "{out}");

    std::fs::write(&users, r#"[{"username": "ops"}]"#).expect("writable");
    let out = daemon.wurk(&["admin", "seed", "--only", "local"]);
    let message = out.error_message();
    assert!(
        message.contains("user.json") && message.contains("entry #1"),
        "{out}"
    );
}

#[test]
fn admin_init_replaces_the_default_password_once_and_shows_it_once() {
    let daemon = Daemon::start();
    let out = daemon.wurk(&["admin", "init"]);
    out.assert_ok();
    let shown = out
        .stdout
        .split("replaced by: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("a generated password is shown: {out}"));
    assert!(out.stdout.contains("Init Complete"), "{out}");
    let users = std::fs::read_to_string(daemon.home().join("data/user.json")).expect("users");
    assert!(
        !users.contains(shown) && users.contains("$argon2"),
        "{users}"
    );
    assert_eq!(slugs(&daemon.show(&["bee"])).len(), 8);
    assert!(
        !daemon.log().contains(shown),
        "the password is never logged"
    );

    let again = daemon.wurk(&["admin", "init", "--username", "ops", "--password", "pw"]);
    again.assert_ok();
    assert!(!again.stdout.contains("replaced by"), "{again}");
    assert!(again.stdout.contains("UI user: ops"), "{again}");
    let out = daemon.wurk(&["admin", "init", "--username", "ops"]);
    assert!(out.error_message().contains("--password"), "{out}");
}

#[test]
fn seeding_without_seeds_says_to_sting_first() {
    let daemon = Daemon::start();
    let out = daemon.wurk(&["admin", "seed", "--only", "wurker"]);
    assert!(
        out.error_message().contains("wurk admin stinger sting"),
        "{out}"
    );
    assert!(!Path::new(&daemon.home().join("etc/seeds")).exists());
}
