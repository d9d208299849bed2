//! PyBees: a module in the home's `opt/bees/` whose `run(**kwargs)` is called with the Bee's
//! args; an exception ends the run as ERROR with its traceback in the report; a missing
//! module or `run` is an ERROR that says so; a stopped PyBee is reported as such.

use serde_json::json;
use wurker_e2e::{Daemon, wait_until};

use crate::bees::{FAST, PATIENCE, When, add_pybee, final_report, wait_report};

/// Writes `opt/bees/NAME.py` in the daemon's home.
fn write_module(daemon: &Daemon, name: &str, source: &str) {
    let dir = daemon.home().join("opt/bees");
    std::fs::create_dir_all(&dir).expect("the home is writable");
    std::fs::write(dir.join(format!("{name}.py")), source).expect("the home is writable");
}

#[test]
fn a_pybee_calls_run_with_its_args_and_an_exception_is_an_error_with_its_traceback() {
    let daemon = Daemon::start_with(FAST);
    write_module(&daemon, "helper", "GREETING = 'hello'\n");
    write_module(
        &daemon,
        "greet",
        "from wurker.bees.helper import GREETING\n\n\
         def run(name, out):\n    with open(out, 'w') as f:\n        f.write(GREETING + ' ' + name)\n",
    );
    write_module(
        &daemon,
        "boom",
        "def run(**kwargs):\n    raise ValueError('boom from the bee')\n",
    );
    write_module(&daemon, "norun", "VALUE = 1\n");
    let out = daemon.workdir().join("greet.txt");
    let args = json!({"name": "Ada", "out": out.to_str().expect("temp paths are UTF-8")});
    add_pybee(&daemon, "greet", "greet", When::Never, &args);
    add_pybee(&daemon, "boom", "boom", When::Never, &json!({}));
    add_pybee(&daemon, "nosuch", "nosuch", When::Never, &json!({}));
    add_pybee(&daemon, "norun", "norun", When::Never, &json!({}));

    let ran = daemon
        .wurk(&["run", "bee", "--slug", "greet", "--wait"])
        .json();
    assert_eq!(ran[0]["status"], "COMPLETED", "{ran:#}");
    assert_eq!(
        std::fs::read_to_string(&out).expect("the PyBee wrote its file"),
        "hello Ada",
        "run() got the Bee's args and imported a sibling as wurker.bees.helper"
    );
    // Queued with other keyword arguments, it runs with those.
    let item = json!([{"greet": {"name": "Bob", "out": args["out"]}}]);
    daemon.add("ondemand", &item);
    wait_until(PATIENCE, "the queued PyBee has run", || {
        std::fs::read_to_string(&out).is_ok_and(|text| text == "hello Bob")
            && daemon.queue().is_empty()
    });

    daemon
        .wurk(&["run", "bee", "--slug", "boom", "--wait"])
        .assert_code(1);
    let report = daemon.reports_of("boom").pop().expect("a report");
    assert_eq!(report.status, "ERROR", "{report:#?}");
    assert_eq!(report.exit_code(), Some(1));
    let errors = report.errors();
    assert!(
        errors.contains("Traceback") && errors.contains("ValueError: boom from the bee"),
        "the traceback is in the report: {report:#?}"
    );

    for (slug, said) in [
        ("nosuch", "Wurker PyBee not found: 'nosuch'"),
        ("norun", "missing 'run' function"),
    ] {
        daemon
            .wurk(&["run", "bee", "--slug", slug, "--wait"])
            .assert_code(1);
        let report = daemon.reports_of(slug).pop().expect("a report");
        assert_eq!(report.status, "ERROR", "{report:#?}");
        assert_eq!(report.exit_code(), Some(2), "{report:#?}");
        assert!(report.errors().contains(said), "{report:#?}");
    }
}

#[test]
fn a_stopped_pybee_is_reported_as_a_stopped_pybee() {
    let daemon = Daemon::start_with(FAST);
    write_module(
        &daemon,
        "nap",
        "import time\n\ndef run(seconds):\n    print('napping', flush=True)\n    time.sleep(seconds)\n",
    );
    add_pybee(&daemon, "nap", "nap", When::Never, &json!({"seconds": 30}));

    let started = daemon.wurk(&["run", "bee", "--slug", "nap"]).json();
    let run_id = started[0]["run_id"].as_i64().expect("a run id");
    wait_report(&daemon, "nap", PATIENCE, "running", |report| {
        report.id == run_id && report.pid.is_some()
    });
    wurker_e2e::wait_until(PATIENCE, "the PyBee is running its module", || {
        daemon.wurk(&["logs", "nap"]).stdout.contains("napping")
    });
    let killed = daemon.wurk(&["kill", "bee", "--slug", "nap"]).json();
    assert_eq!(killed[0]["run_id"], run_id, "{killed:#}");

    let report = final_report(&daemon, "nap", run_id);
    assert_eq!(report.status, "COMPLETED", "{report:#?}");
    assert_eq!(report.message(), Some("PyBee stopped: 'nap'"));
}
