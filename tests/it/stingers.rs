//! `wurk admin stinger`: layering a stinger tree into a home (the most specific level wins, a
//! re-sting refreshes), unsting, extract and refactor, and the errors for bad trees.

use std::path::{Path, PathBuf};

use serde_json::json;
use wurker_e2e::{Daemon, Outcome};

use crate::fixtures::slugs;

/// Writes `text` at `root/relative`, creating directories.
fn put(root: &Path, relative: &str, text: &str) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().expect("a file has a directory"))
        .expect("the test's directory is writable");
    std::fs::write(&path, text).expect("the test's directory is writable");
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// A stinger `main` with the same files at all three levels for node `queen`, env `prod`,
/// each saying which level it comes from, and one file only each level has.
fn three_level_tree(root: &Path) {
    let levels = [
        ("main/wurker", "general"),
        ("main/colony/queen/wurker", "node"),
        ("main/colony/queen/prod", "env"),
    ];
    for (dir, level) in levels {
        put(
            root,
            &format!("{dir}/requirements.txt"),
            &format!("{level}\n"),
        );
        put(
            root,
            &format!("{dir}/bees/shared.py"),
            &format!("LEVEL = '{level}'\n"),
        );
        put(root, &format!("{dir}/bees/only_{level}.py"), "\n");
        put(
            root,
            &format!("{dir}/wurker.toml"),
            &format!("[wurker]\nname = \"Node {level}\"\n"),
        );
        let seed = json!({"wurker_cron": [{"slug": "c", "name": level, "cron": null}]});
        put(
            root,
            &format!("{dir}/seeds/001_seed.json"),
            &seed.to_string(),
        );
    }
}

fn sting(daemon: &Daemon, root: &Path, extra: &[&str]) -> Outcome {
    let root = root.to_str().expect("temp paths are UTF-8");
    let mut args = vec![
        "admin", "stinger", "sting", "--root", root, "--slug", "main",
    ];
    args.extend_from_slice(extra);
    daemon.wurk(&args)
}

fn prod(daemon: &Daemon, root: &Path) -> Outcome {
    sting(daemon, root, &["--node", "queen", "--env", "prod"])
}

#[test]
fn the_most_specific_level_wins_for_single_files_and_directories() {
    let daemon = Daemon::start();
    let root = tempfile::tempdir().expect("temp dir");
    three_level_tree(root.path());
    let app_id = daemon.app_id();

    let out = prod(&daemon, root.path());
    out.assert_ok();
    let home = daemon.home();
    assert_eq!(read(&home.join("etc/requirements.txt")), "env\n");
    assert_eq!(read(&home.join("opt/bees/shared.py")), "LEVEL = 'env'\n");
    for level in ["general", "node", "env"] {
        assert!(
            home.join(format!("opt/bees/only_{level}.py")).is_file(),
            "{level}: {out}"
        );
    }
    assert!(read(&home.join("etc/seeds/001_seed.json")).contains("\"env\""));
    let config = read(&home.join("etc/wurker.toml"));
    assert!(config.contains("Node env"), "{config}");
    assert_eq!(
        daemon.app_id(),
        app_id,
        "a stung wurker.toml without app_id keeps the node's"
    );
    assert!(
        out.stdout
            .contains("injected: opt/bees/shared.py (from main/colony/queen/prod)"),
        "{out}"
    );
    // The default stinger lies below: its seed and script come along.
    assert!(home.join("etc/seeds/000_seed.json").is_file());
    assert!(home.join("etc/scripts/test_bee.sh").is_file());

    // Seeding applies the default seed, then the env level's 001.
    daemon.wurk(&["admin", "seed"]).assert_ok();
    let cron = &daemon.show(&["cron", "--slug", "c"])[0];
    assert_eq!(cron["name"], "env");
}

#[test]
fn a_resting_after_an_upstream_change_refreshes_what_it_injected_and_keeps_operator_files() {
    let daemon = Daemon::start();
    let root = tempfile::tempdir().expect("temp dir");
    three_level_tree(root.path());
    prod(&daemon, root.path()).assert_ok();
    let home = daemon.home();

    // Upstream: the env level changes a file, the node level drops one, a new file appears
    // where the operator already keeps a file of their own.
    put(
        root.path(),
        "main/colony/queen/prod/bees/shared.py",
        "LEVEL = 'env, v2'\n",
    );
    std::fs::remove_file(
        root.path()
            .join("main/colony/queen/wurker/bees/only_node.py"),
    )
    .expect("the file exists");
    put(
        root.path(),
        "main/wurker/lib/custom.py",
        "UPSTREAM = True\n",
    );
    put(home, "opt/lib/custom.py", "MINE = True\n");
    put(home, "opt/bees/mine.py", "MINE = True\n");

    let out = prod(&daemon, root.path());
    out.assert_ok();
    assert_eq!(
        read(&home.join("opt/bees/shared.py")),
        "LEVEL = 'env, v2'\n"
    );
    assert!(
        out.stdout.contains("overwritten: opt/bees/shared.py"),
        "{out}"
    );
    assert!(!home.join("opt/bees/only_node.py").exists(), "{out}");
    assert!(
        out.stdout.contains("removed: opt/bees/only_node.py"),
        "{out}"
    );
    assert_eq!(read(&home.join("opt/lib/custom.py")), "MINE = True\n");
    assert!(out.stdout.contains("skipped: opt/lib/custom.py"), "{out}");
    assert_eq!(read(&home.join("opt/bees/mine.py")), "MINE = True\n");

    // `resting` gives the same result from scratch.
    let root_arg = root.path().to_str().expect("UTF-8");
    let args = [
        "admin", "stinger", "resting", "--root", root_arg, "--slug", "main", "--node", "queen",
        "--env", "prod",
    ];
    daemon.wurk(&args).assert_ok();
    assert_eq!(
        read(&home.join("opt/bees/shared.py")),
        "LEVEL = 'env, v2'\n"
    );
    assert_eq!(read(&home.join("opt/bees/mine.py")), "MINE = True\n");
}

#[test]
fn unsting_removes_only_injected_files_and_the_database_stays_unless_asked() {
    let daemon = Daemon::start();
    let root = tempfile::tempdir().expect("temp dir");
    three_level_tree(root.path());
    prod(&daemon, root.path()).assert_ok();
    daemon.wurk(&["admin", "seed"]).assert_ok();
    let home = daemon.home();
    put(home, "opt/bees/mine.py", "MINE = True\n");
    let before = daemon.show(&["bee"]);
    assert_eq!(slugs(&before).len(), 8);

    let out = daemon.wurk(&["admin", "stinger", "unsting"]);
    out.assert_ok();
    for gone in [
        "opt/bees/shared.py",
        "etc/seeds/001_seed.json",
        "etc/requirements.txt",
    ] {
        assert!(!home.join(gone).exists(), "{gone} is removed: {out}");
    }
    assert!(
        home.join("opt/bees/mine.py").is_file(),
        "the operator's file stays"
    );
    assert!(
        home.join("etc/wurker.toml").is_file(),
        "the node's config stays"
    );
    assert!(
        home.join("data/wurker-remote.db").is_file(),
        "the config database stays"
    );
    assert_eq!(daemon.show(&["bee"]), before, "definitions stay");

    prod(&daemon, root.path()).assert_ok();
    daemon
        .wurk(&["admin", "stinger", "unsting", "--drop-schema"])
        .assert_ok();
    assert_eq!(daemon.show(&["bee"]), json!([]));
    assert_eq!(daemon.show(&["command"]), json!([]));
    assert!(home.join("opt/bees/mine.py").is_file());
}

#[test]
fn extract_then_sting_into_another_home_round_trips() {
    let first = Daemon::start();
    let root = tempfile::tempdir().expect("temp dir");
    three_level_tree(root.path());
    prod(&first, root.path()).assert_ok();

    let copy = tempfile::tempdir().expect("temp dir");
    let copy_arg = copy.path().to_str().expect("UTF-8");
    let args = [
        "admin", "stinger", "extract", "wurker", "--root", copy_arg, "--slug", "copy", "--node",
        "queen", "--env", "prod",
    ];
    let out = first.wurk(&args);
    out.assert_ok();
    let extracted = copy.path().join("copy/wurker");
    assert!(extracted.join("seeds/000_seed.json").is_file(), "{out}");
    assert!(
        !read(&extracted.join("wurker.toml")).contains("app_id"),
        "{out}"
    );

    let second = Daemon::start();
    let args = [
        "admin", "stinger", "sting", "--root", copy_arg, "--slug", "copy",
    ];
    second.wurk(&args).assert_ok();
    for file in [
        "etc/requirements.txt",
        "etc/seeds/000_seed.json",
        "etc/seeds/001_seed.json",
        "etc/scripts/test_bee.sh",
        "opt/bees/shared.py",
        "opt/bees/only_general.py",
        "opt/bees/test_pybee.py",
    ] {
        assert_eq!(
            read(&second.home().join(file)),
            read(&first.home().join(file)),
            "{file}"
        );
    }
    assert_ne!(
        second.app_id(),
        first.app_id(),
        "each node keeps its own identity"
    );
}

#[test]
fn refactor_converts_a_legacy_tree_that_then_stings_and_seeds() {
    let daemon = Daemon::start();
    let root = tempfile::tempdir().expect("temp dir");
    let legacy = json!({
        "wurker_command": [{"slug": "ls", "name": "List", "command": "/bin/ls"}],
        "wurker_cron": [{"slug": "hourly", "name": "Hourly", "cron": "0 * * * *"}],
        "wurker_bee": [{"slug": "list", "name": "List", "command_slug": "ls", "args": ["-l"]}],
        "wurker_bee_cron": {"list": "hourly"}
    });
    put(
        root.path(),
        "old/wurker/seeds/seed_data_001.json",
        &legacy.to_string(),
    );
    put(
        root.path(),
        "old/colony/queen/local/.env",
        "# legacy\nWURKER_NAME=Legacy Queen\nWURKER_IS_QUEEN=true\nWURKER_ENV=local\n",
    );
    let root_arg = root.path().to_str().expect("UTF-8");

    let out = daemon.wurk(&["admin", "stinger", "refactor", "--root", root_arg]);
    out.assert_ok();
    let seeds = root.path().join("old/wurker/seeds");
    assert!(!seeds.join("seed_data_001.json").exists(), "{out}");
    let seed: serde_json::Value =
        serde_json::from_str(&read(&seeds.join("001_seed.json"))).expect("JSON");
    assert_eq!(seed["wurker_bee"][0]["cron_slug"], "hourly");
    assert!(seed.get("wurker_bee_cron").is_none(), "{seed}");
    let config: toml::Table = toml::from_str(&read(
        &root.path().join("old/colony/queen/local/wurker.toml"),
    ))
    .expect("TOML");
    assert_eq!(config["wurker"]["name"].as_str(), Some("Legacy Queen"));
    assert!(!root.path().join("old/colony/queen/local/.env").exists());

    daemon
        .wurk(&[
            "admin", "stinger", "sting", "--root", root_arg, "--slug", "old",
        ])
        .assert_ok();
    daemon
        .wurk(&["admin", "seed", "--only", "wurker"])
        .assert_ok();
    assert_eq!(
        daemon.show(&["bee", "--slug", "list"])[0]["cron_slug"],
        "hourly"
    );
}

#[test]
fn bad_trees_and_names_are_refused_and_inject_nothing() {
    let daemon = Daemon::start();
    let root = tempfile::tempdir().expect("temp dir");
    three_level_tree(root.path());
    let outside = tempfile::tempdir().expect("temp dir");
    put(outside.path(), "secret.py", "SECRET = 1\n");
    let missing: PathBuf = root.path().join("nope");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["--root", missing.to_str().expect("UTF-8")],
            "Stingers root not found",
        ),
        (vec!["--slug", "other"], "Stinger 'other' not found"),
        (
            vec!["--slug", "main", "--node", "drone9"],
            "node 'drone9' not found",
        ),
        (
            vec!["--slug", "main", "--node", "queen", "--env", "staging"],
            "'staging'",
        ),
        (vec!["--slug", "../main"], "not a plain directory name"),
    ];
    let root_arg = root.path().to_str().expect("UTF-8");
    for (extra, expected) in cases {
        let mut args = vec!["admin", "stinger", "sting"];
        if extra[0] != "--root" {
            args.extend(["--root", root_arg]);
        }
        args.extend(extra.iter().copied());
        let out = daemon.wurk(&args);
        assert!(out.error_message().contains(expected), "{args:?}: {out}");
    }
    std::os::unix::fs::symlink(
        outside.path().join("secret.py"),
        root.path().join("main/wurker/bees/leak.py"),
    )
    .expect("a link can be made");
    let out = sting(&daemon, root.path(), &[]);
    let message = out.error_message();
    assert!(
        message.contains("leak.py") && message.contains("outside"),
        "{out}"
    );
    assert!(
        !daemon.home().join("data/stinger-manifest.json").exists(),
        "{out}"
    );
    assert!(!daemon.home().join("opt/bees/shared.py").exists());

    // A wurker.toml the daemon could not start on stops the sting before anything is written.
    std::fs::remove_file(root.path().join("main/wurker/bees/leak.py")).expect("the link exists");
    let env_config = "main/colony/queen/prod/wurker.toml";
    put(root.path(), env_config, "[wurker]\nloglevel = \"loud\"\n");
    let config_before = read(&daemon.home().join("etc/wurker.toml"));
    let out = prod(&daemon, root.path());
    let message = out.error_message();
    assert!(message.contains("wurker.loglevel"), "{out}");
    assert!(message.contains("nothing was stung"), "{out}");
    assert_eq!(read(&daemon.home().join("etc/wurker.toml")), config_before);
    assert!(!daemon.home().join("opt/bees/shared.py").exists());
}
