//! Bounded waiting on a condition: poll it often, give up at a deadline, never sleep blindly.

use std::time::{Duration, Instant};

/// How often a condition is checked.
const POLL: Duration = Duration::from_millis(15);

/// Checks `condition` until it holds or `timeout` has passed; returns whether it held. The
/// condition is checked once more at the deadline, so a slow last check still counts.
pub fn poll_until(timeout: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if condition() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(POLL);
    }
}

/// Like [`poll_until`], but a condition that never holds fails the test.
///
/// # Panics
/// When `timeout` passes first; the message says what was awaited.
pub fn wait_until(timeout: Duration, what: &str, condition: impl FnMut() -> bool) {
    assert!(
        poll_until(timeout, condition),
        "gave up after {timeout:?} waiting until {what}"
    );
}
