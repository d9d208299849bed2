//! The real `wurk` binary as a script sees it: what it prints, where, and with which exit code,
//! against no daemon and against a one-conversation fake daemon.

#![allow(
    clippy::unwrap_used,
    reason = "a failed step in a test should stop it with its cause"
)]

mod fake_daemon;

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use protocol::model::{HiveEntry, Overview};
use protocol::{DefKind, ErrorReply, Hello, Request, Response};

use fake_daemon::FakeDaemon;

fn wurk(args: &[&str]) -> Output {
    wurk_with_stdin(args, "")
}

fn wurk_with_stdin(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wurk"))
        .args(args)
        .env_remove("WURKER_SOCKET")
        .env_remove("WURKER_HOME")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn with_socket<'a>(socket: &'a Path, args: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec!["--socket", socket.to_str().unwrap()];
    all.extend_from_slice(args);
    all
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn version_names_the_program() {
    let out = wurk(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout),
        format!("wurk, version {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn unknown_show_view_is_a_usage_error() {
    let out = wurk(&["show", "foo"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("'foo'"));
}

#[test]
fn show_help_lists_the_views() {
    let out = wurk(&["show", "-h"]);
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    assert!(
        help.contains("all|bee|cron|command|ondemand|scheduled|supervised|hive"),
        "{help}"
    );
}

#[test]
fn no_daemon_is_exit_3_naming_the_socket() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("wurkerd.sock");

    let out = wurk(&with_socket(&socket, &["show", "bee"]));
    assert_eq!(out.status.code(), Some(3));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("Error: wurkerd is not running"),
        "{stderr}"
    );
    assert!(stderr.contains(socket.to_str().unwrap()), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn no_daemon_in_home_says_how_to_start_it() {
    let home = tempfile::tempdir().unwrap();
    let home_text = home.path().to_str().unwrap();

    let out = wurk(&["--home", home_text, "show"]);
    assert_eq!(out.status.code(), Some(3));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!("{home_text}/data/wurkerd.sock")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("start it with: wurkerd --home {home_text}")),
        "{stderr}"
    );
}

#[test]
fn drone_is_refused() {
    let out = wurk(&["show", "bee", "-d", "drone1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("--drone needs the Colony"));
}

#[test]
fn unreadable_infile_is_exit_1() {
    let out = wurk(&["add", "bee", "/no/such/bee.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).starts_with("Error: cannot read /no/such/bee.json: "));
}

#[test]
fn show_bee_prints_the_daemon_answer() {
    let daemon = FakeDaemon::start(Hello::ours("wurkerd"), Response::Bees(Vec::new()));

    let out = wurk(&with_socket(
        &daemon.socket,
        &["show", "bee", "--slug", "b1"],
    ));
    assert_eq!(text(&out.stderr), "");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "[]\n");
    assert_eq!(
        daemon.request(),
        Some(Request::ShowBees {
            slug: Some("b1".into())
        })
    );
}

#[test]
fn show_hive_prints_only_its_section() {
    let entry = HiveEntry {
        group: "sup".into(),
        bee_slug: "b1".into(),
        pid: 42,
        runcount: 1,
        timestamp: "2026-12-03T18:52:17+00:00".into(),
        duration_us: 1_500_000,
    };
    let overview = Overview {
        bees: Vec::new(),
        hive: vec![entry],
    };
    let daemon = FakeDaemon::start(Hello::ours("wurkerd"), Response::Overview(overview));

    let out = wurk(&with_socket(&daemon.socket, &["show", "hive"]));
    assert_eq!(out.status.code(), Some(0));
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed["sup"]["b1"]["duration"], "0:00:01.500000");
    assert_eq!(printed.as_object().unwrap().len(), 1);
    assert_eq!(daemon.request(), Some(Request::ShowOverview));
}

#[test]
fn add_sends_the_document_unchanged() {
    let daemon = FakeDaemon::start(Hello::ours("wurkerd"), Response::Done);
    let document = "  {\"slug\": \"b1\"}\n";

    let out = wurk_with_stdin(&with_socket(&daemon.socket, &["add", "bee"]), document);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "");
    let expected = Request::Add {
        kind: DefKind::Bee,
        json: document.into(),
    };
    assert_eq!(daemon.request(), Some(expected));
}

#[test]
fn daemon_error_is_one_line_and_exit_1() {
    let reply = Response::Error(ErrorReply::not_found("Wurker Bee not found: 'b9'"));
    let daemon = FakeDaemon::start(Hello::ours("wurkerd"), reply);

    let out = wurk(&with_socket(&daemon.socket, &["remove", "bee", "b9"]));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stderr), "Error: Wurker Bee not found: 'b9'\n");
    let expected = Request::Remove {
        kind: DefKind::Bee,
        key: "b9".into(),
    };
    assert_eq!(daemon.request(), Some(expected));
}

#[test]
fn unexpected_reply_is_an_error() {
    let daemon = FakeDaemon::start(Hello::ours("wurkerd"), Response::Done);

    let out = wurk(&with_socket(&daemon.socket, &["show", "cron"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("unexpected reply (Done)"));
    assert_eq!(out.stdout, b"");
}

#[test]
fn protocol_mismatch_is_a_clear_error() {
    let mut hello = Hello::ours("wurkerd");
    hello.protocol += 1;
    let daemon = FakeDaemon::start(hello, Response::Done);

    let out = wurk(&with_socket(&daemon.socket, &["show", "command"]));
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("protocol version mismatch"), "{stderr}");
    assert_eq!(daemon.request(), None);
}

#[test]
fn closed_stdout_is_success() {
    let daemon = FakeDaemon::start(Hello::ours("wurkerd"), Response::Bees(Vec::new()));

    let mut child = Command::new(env!("CARGO_BIN_EXE_wurk"))
        .args(with_socket(&daemon.socket, &["show", "bee"]))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Closed before the reply can arrive (the reader of `wurk show | head` gone early); had
    // the write won the race, the outcome checked here would be the same.
    drop(child.stdout.take());

    let out = child.wait_with_output().unwrap();
    assert_eq!(text(&out.stderr), "");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn silent_daemon_is_a_bounded_error() {
    let daemon = FakeDaemon::silent();

    let out = wurk(&with_socket(&daemon.socket, &["show", "bee"]));
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("handshake with wurkerd at"), "{stderr}");
    assert!(stderr.contains("no hello within 2 s"), "{stderr}");
    assert_eq!(daemon.request(), None);
}
