//! `wurk admin status` against a real daemon: the original's shape with sorted keys, Bee counts
//! and control flags from the config database, the node's status row kept up to date, the
//! other nodes a Queen sees, and secrets that never reach the output.

use std::net::Ipv4Addr;

use serde_json::{Value, json};
use uuid::Uuid;
use wurker_e2e::{Daemon, Server, ServerDatabase, home_with};

use crate::config_db::{ConfigDb, add_definitions};
use crate::fixtures::keys;

/// The keys of the status document (reference §4.5), sorted as printed.
const STATUS_KEYS: [&str; 19] = [
    "app_id",
    "bees",
    "config_dirs",
    "control",
    "drones",
    "env",
    "is_queen",
    "local_db",
    "local_db_conn",
    "name",
    "private_ip",
    "public_ip",
    "remote_db",
    "remote_db_conn",
    "remote_db_schema",
    "server_domain",
    "slug",
    "status",
    "ui_domain",
];

/// A password the PostgreSQL test server ignores, so it can be looked for in the output.
const PASSWORD: &str = "hunter2-never-shown";

/// The keys of `local_db` and `remote_db`, sorted.
const DB_KEYS: [&str; 8] = [
    "database", "dbdriver", "dsn", "hostname", "password", "port", "url", "username",
];

fn status(daemon: &Daemon) -> Value {
    daemon.wurk(&["admin", "status"]).json()
}

#[test]
fn status_has_the_original_shape_and_counts() {
    let daemon = Daemon::start();
    add_definitions(&daemon);
    daemon.edit("bee", "mike", &json!({"enabled": true}));

    let out = daemon.wurk(&["admin", "status"]);
    assert!(out.stdout.starts_with("{\n  \"app_id\": "), "{out}");
    let doc = out.json();
    assert_eq!(keys(&doc), STATUS_KEYS);
    assert_eq!(doc["status"], true, "{doc:#}");
    assert_eq!(doc["app_id"], daemon.app_id());
    assert_eq!(doc["bees"], json!({"disabled": 2, "enabled": 1}));
    assert_eq!(
        doc["control"],
        json!({"pause": false, "reload": false, "seed": -1})
    );
    assert_eq!(doc["drones"], Value::Null, "a Queen alone has no Drones");
    assert_eq!(doc["is_queen"], true);
    assert_eq!(doc["name"], "Wurker");
    assert_eq!(doc["slug"], "wurker");
    assert_eq!(doc["env"], "local");
    assert_eq!(doc["public_ip"], Value::Null, "no outbound call learns it");
    assert_eq!(doc["ui_domain"], Value::Null);
    for flag in ["local_db_conn", "remote_db_conn", "remote_db_schema"] {
        assert_eq!(doc[flag], true, "{flag}");
    }

    let home = daemon.home().to_str().expect("temp paths are UTF-8");
    assert_eq!(
        doc["config_dirs"],
        json!({
            "data_root": format!("{home}/data"),
            "etc_root": format!("{home}/etc"),
            "opt_root": format!("{home}/opt"),
        })
    );
    for (db, file) in [("local_db", "wurker.db"), ("remote_db", "wurker-remote.db")] {
        assert_eq!(keys(&doc[db]), DB_KEYS, "{db}");
        assert_eq!(doc[db]["database"], format!("{home}/data/{file}"));
        assert_eq!(doc[db]["dbdriver"], "sqlite");
    }
}

#[test]
fn private_address_comes_from_the_interfaces_and_is_stored_at_start() {
    let daemon = Daemon::start();
    let doc = status(&daemon);
    let shown = doc["private_ip"].as_str().map(str::to_string);
    if let Some(ip) = &shown {
        let ip: Ipv4Addr = ip.parse().unwrap_or_else(|err| panic!("{ip}: {err}"));
        assert!(!ip.is_loopback() && !ip.is_unspecified(), "{ip}");
    } else {
        assert_eq!(
            doc["private_ip"],
            Value::Null,
            "an address or null: {doc:#}"
        );
    }

    let (slug, env, stored) = ConfigDb::open(&daemon).own_status();
    assert_eq!((slug.as_str(), env.as_str()), ("wurker", "local"));
    assert_eq!(
        stored, shown,
        "the status row holds the address the daemon found"
    );
}

#[test]
fn a_queen_lists_the_other_nodes_of_the_shared_database() {
    let daemon = Daemon::start();
    let db = ConfigDb::open(&daemon);
    let drone = Uuid::from_u128(0xd7);
    db.insert_node(drone, "drone1", "192.0.2.7");

    let doc = status(&daemon);
    assert_eq!(doc["status"], true);
    let key = drone.to_string();
    assert_eq!(
        doc["drones"],
        json!({
            key.clone(): {
                "control": {"app_id": key, "pause": false, "reload": true, "seed": 2},
                "env": "production",
                "is_queen": false,
                "name": "DRONE1",
                "private_ip": "192.0.2.7",
                "public_ip": null,
                "server_domain": "",
                "slug": "drone1",
            }
        })
    );
}

#[test]
fn secrets_are_masked_and_a_drone_lists_no_drones() {
    let mut first = Daemon::start();
    first.stop();
    let config = first.home().join("etc/wurker.toml");
    let text = std::fs::read_to_string(&config).expect("the home has a wurker.toml");
    let text = text
        .replacen("password = \"\"", "password = \"hunter2-local\"", 1)
        .replacen("password = \"\"", "password = \"hunter2-remote\"", 1)
        .replace("is_queen = true", "is_queen = false");
    std::fs::write(&config, text).expect("wurker.toml is writable");

    let daemon = Daemon::start_in(first.home());
    ConfigDb::open(&daemon).insert_node(Uuid::from_u128(0xd8), "other", "192.0.2.8");
    let out = daemon.wurk(&["admin", "status"]);
    assert!(!out.stdout.contains("hunter2"), "a password leaked: {out}");
    let doc = out.json();
    for db in ["local_db", "remote_db"] {
        assert_eq!(
            doc[db]["password"], "",
            "{db}: a SQLite file uses no password"
        );
        assert_eq!(doc[db]["url"], "URL", "{db}");
        assert_eq!(doc[db]["dsn"], "", "{db}: a SQLite file has no DSN");
    }
    assert_eq!(doc["is_queen"], false);
    assert_eq!(doc["drones"], Value::Null, "only a Queen lists Drones");
    assert_eq!(doc["status"], true);
}

#[test]
fn a_server_database_shows_its_connection_with_every_secret_masked() {
    // PostgreSQL trusts the test's connections, so the password is carried but not checked.
    let Some(db) = ServerDatabase::new(Server::Postgres) else {
        return;
    };
    let app_id = Uuid::new_v4().to_string();
    let home = home_with("Queen", &app_id, &db.remote_db(Some(PASSWORD)));
    let daemon = Daemon::start_in(home.path());
    daemon.add(
        "command",
        &json!({"slug": "job", "name": "Job", "command": "/bin/true"}),
    );

    let out = daemon.wurk(&["admin", "status"]);
    assert!(!out.stdout.contains(PASSWORD), "a password leaked: {out}");
    let doc = out.json();
    assert_eq!(doc["status"], true, "{doc:#}");
    assert_eq!(doc["remote_db_schema"], true);
    let remote = &doc["remote_db"];
    assert_eq!(keys(remote), DB_KEYS);
    assert_eq!(
        (&remote["password"], &remote["dsn"], &remote["url"]),
        (&json!("PASSWORD"), &json!("DSN"), &json!("URL"))
    );
    assert_eq!(remote["dbdriver"], "postgresql");
    assert_eq!(remote["database"], db.name);
    assert_eq!(doc["local_db"]["dbdriver"], "sqlite");
    assert!(
        !daemon.log().contains(PASSWORD),
        "a password reached the log"
    );
}

#[test]
fn drone_flag_is_refused() {
    let daemon = Daemon::start();
    let out = daemon.wurk(&["admin", "status", "--drone", "drone1"]);
    assert!(out.error_message().contains("--drone needs the Colony"));
}
