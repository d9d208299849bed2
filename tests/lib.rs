//! The harness of Wurker's end-to-end tests: it starts real `wurkerd` processes, each in its own
//! temporary home, drives them with the real `wurk` binary, and stops them the way an operator
//! would. The tests themselves live in `it/`.
//!
//! Every wait in here is bounded and polls a condition (a socket that answers, a process that
//! exited); nothing sleeps a fixed time and hopes. A daemon that is still alive when its
//! [`Daemon`] is dropped is killed, and so are its Bees; a failing test prints the daemon's
//! log.

mod harness;

pub use harness::bins::{BIN_DIR_ENV, wurk_bin, wurkerd_bin};
pub use harness::daemon::{Daemon, app_id, run_wurkerd, wurk_in};
pub use harness::databases::{Server, ServerDatabase, block_on, home_with, write_config};
pub use harness::outcome::Outcome;
pub use harness::procs::{BeeProcess, bee_processes, is_alive};
pub use harness::reports::{Queued, Report};
pub use harness::wait::{poll_until, wait_until};
