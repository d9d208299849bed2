//! Waiting for a run's process to end: a child of this daemon through its exit status, or a
//! process adopted from a daemon that died through a pidfd (the kernel wakes us when it ends,
//! but its exit status went to its first parent and is not ours to know).

use std::os::fd::OwnedFd;
use std::process::ExitStatus;
use std::time::Duration;

use rustix::process::{Pid, PidfdFlags, pidfd_open};
use tokio::io::unix::AsyncFd;

use crate::hive::process;

/// A running process of a run.
#[derive(Debug)]
pub enum Watched {
    Child(tokio::process::Child),
    Adopted(Adopted),
}

/// A process this daemon did not start.
#[derive(Debug)]
pub struct Adopted {
    pid: u32,
    started: u64,
    pidfd: Option<AsyncFd<OwnedFd>>,
}

impl Adopted {
    /// Watches `pid`, which must still be the process that started at `started`.
    // `AsyncFd::new` is deprecated because a borrowed descriptor could be closed while still
    // registered; here the `AsyncFd` owns the `OwnedFd`, so it is closed only after it is
    // deregistered, and the safe constructor is sound.
    #[allow(deprecated)]
    pub fn new(pid: u32, started: u64) -> Self {
        let pidfd = i32::try_from(pid)
            .ok()
            .and_then(Pid::from_raw)
            .and_then(|pid| pidfd_open(pid, PidfdFlags::NONBLOCK).ok())
            .and_then(|fd| AsyncFd::new(fd).ok());
        Self {
            pid,
            started,
            pidfd,
        }
    }
}

impl Watched {
    /// Waits for the process to end; its exit status when it was our child.
    pub async fn wait(&mut self) -> Option<ExitStatus> {
        match self {
            Watched::Child(child) => match child.wait().await {
                Ok(status) => Some(status),
                Err(err) => {
                    tracing::error!(error = %err, "cannot wait for a run's process");
                    std::future::pending().await
                }
            },
            Watched::Adopted(adopted) => {
                wait_adopted(adopted).await;
                None
            }
        }
    }
}

async fn wait_adopted(adopted: &Adopted) {
    if let Some(pidfd) = &adopted.pidfd {
        // A pidfd turns readable when its process ends.
        if pidfd.readable().await.is_ok() {
            return;
        }
    }
    // Without pidfds (kernels before 5.3) the process is looked at once a second; this only
    // happens for runs adopted after a daemon crash.
    while process::is_alive(adopted.pid, adopted.started) {
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// The exit code the report records: the process's code, or the negative signal number
/// when a signal ended it.
pub fn exit_code(status: &ExitStatus) -> Option<i64> {
    use std::os::unix::process::ExitStatusExt;
    status
        .code()
        .map(i64::from)
        .or_else(|| status.signal().map(|signal| -i64::from(signal)))
}
