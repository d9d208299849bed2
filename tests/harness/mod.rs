//! The harness's parts: finding the binaries, running them with a deadline, the daemon guard.

pub mod bins;
pub mod daemon;
pub mod databases;
pub mod outcome;
pub mod process;
pub mod procs;
pub mod reports;
pub mod wait;
