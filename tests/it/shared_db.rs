//! Real daemons on a MySQL/MariaDB or PostgreSQL config database (when the test servers are
//! named): two nodes of a Colony share one database and each sees and changes only its own
//! definitions; a daemon keeps serving across an outage of its database, says so in its log,
//! and works again once the database is back.

use std::time::Duration;

use serde_json::json;
use uuid::Uuid;
use wurker_e2e::{Daemon, Server, ServerDatabase, home_with, wait_until};

use crate::bees::{When, add_bee, bee_script, signal};
use crate::fixtures::{slugs, write_script};

/// How long the daemon may take to log a change of the database's state.
const LOG_TIMEOUT: Duration = Duration::from_secs(10);

/// A password the test servers ignore (PostgreSQL trusts local connections), so it can be put
/// in the configuration and looked for in the log.
const PASSWORD: &str = "never-in-the-log-7f3a";

#[test]
fn two_nodes_on_one_postgres_database_each_see_their_own_bees() {
    two_nodes_share_one_database(Server::Postgres, Some(PASSWORD));
}

#[test]
fn two_nodes_on_one_mysql_database_each_see_their_own_bees() {
    two_nodes_share_one_database(Server::MySql, None);
}

fn two_nodes_share_one_database(server: Server, password: Option<&str>) {
    let Some(db) = ServerDatabase::new(server) else {
        return;
    };
    let (queen_id, drone_id) = (Uuid::new_v4().to_string(), Uuid::new_v4().to_string());
    let queen_home = home_with("Queen", &queen_id, &db.remote_db(password));
    let drone_home = home_with("Drone 1", &drone_id, &db.remote_db(password));
    let mut queen = Daemon::start_in(queen_home.path());
    let mut drone = Daemon::start_in(drone_home.path());

    let script = write_script(queen.workdir(), "job.sh");
    let script = script.to_str().expect("temp paths are UTF-8");
    for (daemon, who) in [(&queen, "queen"), (&drone, "drone")] {
        daemon.add(
            "command",
            &json!({"slug": "job", "name": "Job", "command": script}),
        );
        daemon.add(
            "cron",
            &json!({"slug": "always", "name": "Always", "cron": null}),
        );
        daemon.add(
            "bee",
            &json!({"slug": "worker", "name": who, "command_slug": "job", "cron_slug": "always",
                    "args": ["--as", who]}),
        );
        let own = format!("only_{who}");
        daemon.add(
            "bee",
            &json!({"slug": own, "name": own, "command_slug": "job"}),
        );
    }

    let queen_bees = queen.show(&["bee"]);
    assert_eq!(slugs(&queen_bees), ["only_queen", "worker"]);
    assert_eq!(queen_bees[1]["name"], "queen");
    assert_eq!(queen_bees[1]["args"], json!(["--as", "queen"]));
    assert_eq!(queen_bees[0]["app_id"], queen_id.as_str());
    assert_eq!(queen_bees[1]["app_id"], queen_id.as_str());
    let drone_bees = drone.show(&["bee"]);
    assert_eq!(slugs(&drone_bees), ["only_drone", "worker"]);
    assert_eq!(drone_bees[1]["app_id"], drone_id.as_str());

    // A change on one node leaves the other's Bee of the same slug alone.
    queen.edit("bee", "worker", &json!({"enabled": false}));
    queen.remove("bee", "only_queen");
    assert_eq!(
        queen.show(&["bee", "--slug", "worker"])[0]["enabled"],
        false
    );
    assert_eq!(drone.show(&["bee", "--slug", "worker"])[0]["enabled"], true);
    assert_eq!(slugs(&drone.show(&["bee"])), ["only_drone", "worker"]);
    assert_eq!(queen.show(&["supervised"]), json!({}));
    assert_eq!(
        drone.show(&["supervised"])["always"]["worker"]["args"],
        json!(["--as", "drone"])
    );

    for daemon in [&mut queen, &mut drone] {
        let log = daemon.log();
        assert!(log.contains(&db.name), "the log names the database:\n{log}");
        if let Some(password) = password {
            assert!(
                !log.contains(password),
                "the password is in the log:\n{log}"
            );
        }
        daemon.stop();
    }
}

#[test]
fn a_daemon_keeps_serving_across_an_outage_of_its_postgres_database() {
    let Some(db) = ServerDatabase::new(Server::Postgres) else {
        return;
    };
    let home = home_with("Node", &Uuid::new_v4().to_string(), &db.remote_db(None));
    let mut daemon = Daemon::start_in(home.path());
    let script = write_script(daemon.workdir(), "job.sh");
    let script = script.to_str().expect("temp paths are UTF-8");
    daemon.add(
        "command",
        &json!({"slug": "before", "name": "B", "command": script}),
    );

    let name = &db.name;
    db.admin(&format!(
        "ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false"
    ));
    db.admin(&format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
    ));
    let refused = daemon.wurk(&["show", "command"]);
    refused.assert_code(1);
    assert!(
        refused
            .error_message()
            .contains("config database cannot be reached"),
        "{refused}"
    );
    let write = daemon.wurk_stdin(
        &["add", "command"],
        &json!({"slug": "during", "name": "D", "command": script}).to_string(),
    );
    write.assert_code(1);
    assert!(daemon.is_running(), "the daemon stopped with its database");
    wait_until(LOG_TIMEOUT, "the outage is logged", || {
        daemon.log().contains("database unreachable")
    });

    db.admin(&format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true"));
    daemon.add(
        "command",
        &json!({"slug": "after", "name": "A", "command": script}),
    );
    assert_eq!(slugs(&daemon.show(&["command"])), ["after", "before"]);
    wait_until(LOG_TIMEOUT, "the recovery is logged", || {
        daemon.log().contains("database reachable again")
    });
    daemon.stop();
}

#[test]
fn supervised_bees_keep_running_through_an_outage_and_their_reports_are_written_after_it() {
    let Some(db) = ServerDatabase::new(Server::Postgres) else {
        return;
    };
    let home = home_with("Node", &Uuid::new_v4().to_string(), &db.remote_db(None));
    let mut daemon = Daemon::start_in(home.path());
    let (script, notes) = bee_script(&daemon, "server.sh", "exec sleep 300");
    add_bee(&daemon, "server", &script, When::Supervised, &json!([]));
    let first = notes.wait_starts(1, LOG_TIMEOUT)[0].clone();
    assert!(
        first.run_id > 0,
        "a run with its report row has its id: {first:?}"
    );

    let name = &db.name;
    db.admin(&format!(
        "ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false"
    ));
    db.admin(&format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
    ));
    // The Bee dies while the database is out of reach: it is restarted all the same, with a
    // provisional (negative) run id, as its report row cannot be written yet.
    signal(first.pid, nix::sys::signal::Signal::SIGKILL);
    let second = notes.wait_starts(2, LOG_TIMEOUT)[1].clone();
    assert!(second.run_id < 0, "a run started in an outage: {second:?}");
    wait_until(LOG_TIMEOUT, "the outage is logged", || {
        daemon.log().contains("database unreachable")
    });

    db.admin(&format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true"));
    let report = |daemon: &Daemon| daemon.wurk(&["report", "bee", "--slug", "server"]).json();
    wait_until(LOG_TIMEOUT, "the killed run's report is written", || {
        report(&daemon)["data"][0]["status"] == "ERROR"
    });
    daemon
        .wurk(&["kill", "bee", "--slug", "server"])
        .assert_ok();
    let reports = report(&daemon);
    let data = reports["data"].as_array().expect("report rows");
    let killed = &data[0];
    assert_eq!(killed["id"], first.run_id);
    assert_eq!(killed["status_info"]["exit_code"], -9, "{reports}");
    let during = data
        .iter()
        .find(|row| row["hive_pid"] == second.pid)
        .unwrap_or_else(|| panic!("the run started in the outage has a report: {reports}"));
    assert_eq!(during["status"], "COMPLETED", "{reports}");
    assert_eq!(during["status_info"]["message"], "Bee stopped: 'server'");
    assert!(
        during["id"].as_i64().is_some_and(|id| id > first.run_id),
        "{reports}"
    );
    daemon.stop();
}
