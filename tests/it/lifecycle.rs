//! The daemon's life as an operator sees it: a signal stops it cleanly, a stopped daemon is
//! reported as such by `wurk`, the socket is private, and usage errors are usage errors.

use std::os::unix::fs::{FileTypeExt, PermissionsExt};

use nix::sys::signal::Signal;
use serde_json::json;
use wurker_e2e::{Daemon, wurk_in};

#[test]
fn sigterm_stops_the_daemon_with_exit_0_and_removes_the_socket() {
    let mut daemon = Daemon::start();
    daemon.add(
        "cron",
        &json!({"slug": "before_stop", "name": "Before", "cron": null}),
    );
    assert!(daemon.socket().exists());

    // `stop` sends SIGTERM and asserts exit status 0 and that the socket file is gone.
    daemon.stop();
}

#[test]
fn sigint_stops_the_daemon_like_sigterm() {
    let mut daemon = Daemon::start();
    daemon.signal(Signal::SIGINT);
    let status = daemon.wait_exit(std::time::Duration::from_secs(20));

    assert_eq!(
        status.code(),
        Some(0),
        "SIGINT must exit 0\n{}",
        daemon.log()
    );
    assert!(!daemon.socket().exists(), "SIGINT must remove the socket");
}

#[test]
fn wurk_exits_3_and_says_how_to_start_the_daemon_when_none_runs() {
    let mut daemon = Daemon::start();
    daemon.stop();

    for args in [
        &["show", "bee"][..],
        &["show"][..],
        &["remove", "bee", "x"][..],
    ] {
        let outcome = wurk_in(daemon.home(), args, None);
        outcome.assert_code(3);
        assert!(outcome.stdout.is_empty(), "nothing on stdout: {outcome}");
        assert!(
            outcome.stderr.contains("wurkerd"),
            "the message names wurkerd: {outcome}"
        );
    }
    let outcome = wurk_in(
        daemon.home(),
        &["add", "cron"],
        Some(r#"{"slug":"k","name":"K"}"#),
    );
    outcome.assert_code(3);
}

#[test]
fn the_socket_is_not_open_to_other_users() {
    let daemon = Daemon::start();
    let metadata = std::fs::metadata(daemon.socket()).expect("the socket exists while serving");

    assert!(
        metadata.file_type().is_socket(),
        "{} is a socket",
        daemon.socket().display()
    );
    let mode = metadata.permissions().mode() & 0o777;
    assert_eq!(
        mode & 0o007,
        0,
        "the socket's mode {mode:o} gives other users access"
    );
}

#[test]
fn usage_errors_exit_2_and_change_nothing() {
    let daemon = Daemon::start();
    daemon.add(
        "cron",
        &json!({"slug": "kept", "name": "Kept", "cron": null}),
    );
    let before = daemon.show(&["cron"]);

    for args in [
        &["show", "nonsense"][..],
        &["add", "nonsense"][..],
        &["edit", "cron"][..],
        &["remove", "cron"][..],
        &["no-such-command"][..],
    ] {
        let outcome = daemon.wurk_stdin(args, r#"{"slug": "new", "name": "New"}"#);
        outcome.assert_code(2);
        assert!(
            outcome.stdout.is_empty(),
            "a usage error prints nothing on stdout: {outcome}"
        );
    }
    assert_eq!(daemon.show(&["cron"]), before);
}

#[test]
fn wurk_version_names_the_program() {
    let daemon = Daemon::start();
    let outcome = daemon.wurk(&["--version"]);

    outcome.assert_ok();
    assert!(
        outcome.stdout.starts_with("wurk"),
        "`wurk --version` names wurk: {outcome}"
    );
}
