//! Raw bytes on the daemon's socket: a frame that is too large, not a Wurker message, or never
//! finished costs only its own connection; the daemon keeps serving every other client.

use std::io::{ErrorKind, Read, Write};
use std::os::unix::net::UnixStream;
use std::time::Duration;

use protocol::codec::{self, Hello, MAX_FRAME_BYTES};
use serde_json::json;
use wurker_e2e::Daemon;

use crate::fixtures::snapshot;

/// How long the daemon may take to close a connection it must close.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(10);

/// A daemon with one definition of each kind, to check that bad clients change nothing.
fn daemon_with_definitions() -> Daemon {
    let daemon = Daemon::start();
    daemon.add(
        "command",
        &json!({"slug": "c", "name": "C", "command": "/bin/true"}),
    );
    daemon.add(
        "cron",
        &json!({"slug": "k", "name": "K", "cron": "0 0 * * *"}),
    );
    let bee = json!({"slug": "b", "name": "B", "command_slug": "c", "enabled": false});
    daemon.add("bee", &bee);
    daemon
}

fn connect(daemon: &Daemon) -> UnixStream {
    let stream = UnixStream::connect(daemon.socket())
        .unwrap_or_else(|err| panic!("cannot connect to {}: {err}", daemon.socket().display()));
    stream
        .set_read_timeout(Some(CLOSE_TIMEOUT))
        .expect("a read timeout can be set");
    stream
        .set_write_timeout(Some(CLOSE_TIMEOUT))
        .expect("a write timeout can be set");
    stream
}

/// A frame as the codec writes it: a 4-byte big-endian length, then the payload.
fn frame(payload: &[u8]) -> Vec<u8> {
    let length = u32::try_from(payload.len()).expect("test frames are small");
    length
        .to_be_bytes()
        .iter()
        .chain(payload)
        .copied()
        .collect()
}

/// Writes bytes, ignoring a peer that already hung up (that is what some tests expect).
fn send(stream: &mut UnixStream, bytes: &[u8]) {
    match stream.write_all(bytes) {
        Ok(()) => {}
        Err(err)
            if matches!(
                err.kind(),
                ErrorKind::BrokenPipe | ErrorKind::ConnectionReset
            ) => {}
        Err(err) => panic!("cannot write to the socket: {err}"),
    }
}

/// Reads (and discards whatever the daemon sends, e.g. its hello) until the daemon closes the
/// connection; `false` when it stays open past the timeout.
fn closed_by_daemon(stream: &mut UnixStream) -> bool {
    let mut buffer = [0_u8; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(err) if matches!(err.kind(), ErrorKind::ConnectionReset) => return true,
            Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return false;
            }
            Err(err) if err.kind() == ErrorKind::Interrupted => {}
            Err(err) => panic!("cannot read from the socket: {err}"),
        }
    }
}

/// Checks that the daemon is alive, answers a real client and still holds the same data.
fn assert_still_serving(daemon: &mut Daemon, before: &serde_json::Value) {
    assert!(
        daemon.is_running(),
        "wurkerd died after a bad client\n{}",
        daemon.log()
    );
    assert_eq!(&snapshot(daemon), before, "a bad client changed the data");
}

#[test]
fn an_oversized_frame_closes_only_that_connection() {
    let mut daemon = daemon_with_definitions();
    let before = snapshot(&daemon);

    for length in [
        100 * 1024 * 1024_u32,
        u32::try_from(MAX_FRAME_BYTES + 1).expect("fits"),
    ] {
        let mut stream = connect(&daemon);
        send(&mut stream, &length.to_be_bytes());
        send(&mut stream, &[b'x'; 1024]);
        assert!(
            closed_by_daemon(&mut stream),
            "a {length}-byte frame did not close its connection"
        );
        assert_still_serving(&mut daemon, &before);
    }
}

#[test]
fn bytes_that_are_not_a_wurker_hello_close_only_that_connection() {
    let mut daemon = daemon_with_definitions();
    let before = snapshot(&daemon);
    let garbage: [Vec<u8>; 4] = [
        frame(&[0xff; 64]),
        frame(b""),
        b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".to_vec(),
        frame(&codec::encode(&"not a hello").expect("a string encodes")),
    ];

    for bytes in garbage {
        let mut stream = connect(&daemon);
        send(&mut stream, &bytes);
        assert!(
            closed_by_daemon(&mut stream),
            "{bytes:?} did not close its connection"
        );
        assert_still_serving(&mut daemon, &before);
    }
}

#[test]
fn a_hello_with_another_protocol_version_is_refused() {
    let mut daemon = daemon_with_definitions();
    let before = snapshot(&daemon);
    let mut hello = Hello::ours("wurker-e2e");
    hello.protocol += 1;

    let mut stream = connect(&daemon);
    send(
        &mut stream,
        &frame(&codec::encode(&hello).expect("a hello encodes")),
    );
    assert!(
        closed_by_daemon(&mut stream),
        "a version mismatch did not close the connection"
    );
    assert_still_serving(&mut daemon, &before);
}

#[test]
fn a_garbage_request_after_a_good_hello_closes_only_that_connection() {
    let mut daemon = daemon_with_definitions();
    let before = snapshot(&daemon);

    let mut stream = connect(&daemon);
    let hello = codec::encode(&Hello::ours("wurker-e2e")).expect("a hello encodes");
    send(&mut stream, &frame(&hello));
    let theirs: Hello = codec::decode(&read_frame(&mut stream)).expect("the daemon sends a hello");
    theirs
        .check()
        .expect("the daemon speaks our protocol version");

    send(&mut stream, &frame(&[0xfe; 32]));
    assert!(
        closed_by_daemon(&mut stream),
        "a garbage request did not close its connection"
    );
    assert_still_serving(&mut daemon, &before);
}

fn read_frame(stream: &mut UnixStream) -> Vec<u8> {
    let mut length = [0_u8; 4];
    stream
        .read_exact(&mut length)
        .expect("the daemon sends a frame length");
    let length = usize::try_from(u32::from_be_bytes(length)).expect("u32 fits in usize");
    assert!(
        length <= MAX_FRAME_BYTES,
        "the daemon sent a {length}-byte frame"
    );
    let mut payload = vec![0_u8; length];
    stream
        .read_exact(&mut payload)
        .expect("the daemon sends the whole frame");
    payload
}

#[test]
fn unfinished_frames_do_not_block_other_clients() {
    let mut daemon = daemon_with_definitions();
    let before = snapshot(&daemon);

    // Clients that announce a frame and never finish it, held open while others are served.
    let stalled: Vec<UnixStream> = (0..16)
        .map(|_| {
            let mut stream = connect(&daemon);
            send(&mut stream, &100_u32.to_be_bytes());
            send(&mut stream, &[0_u8; 10]);
            stream
        })
        .collect();
    assert_still_serving(&mut daemon, &before);
    daemon.add(
        "cron",
        &json!({"slug": "while_stalled", "name": "W", "cron": null}),
    );

    // Hanging up in the middle of a frame is also only that client's problem.
    drop(stalled);
    assert!(
        daemon.is_running(),
        "wurkerd died when clients hung up\n{}",
        daemon.log()
    );
    let crons = daemon.show(&["cron"]);
    assert_eq!(crons.as_array().map(Vec::len), Some(2), "{crons:#}");
}
