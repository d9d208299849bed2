//! What the kernel says about processes: when one started (so that a recycled pid is never
//! mistaken for a run), which group it is in, which run's environment it carries, and signals
//! to whole process groups.

use std::path::Path;

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

/// The kernel's start time of a process, in clock ticks since boot, or `None` when it is gone.
pub fn start_time(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat_field(&stat, 22)?.parse().ok()
}

/// The process group of a process, or `None` when it is gone.
pub fn group_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat_field(&stat, 5)?.parse().ok()
}

/// Field `n` (1-based, as `proc(5)` numbers them) of a `/proc/PID/stat` line. The command name
/// (field 2) may hold spaces and parentheses, so fields after it are counted from its last `)`.
fn stat_field(stat: &str, n: usize) -> Option<&str> {
    let after_name = stat.get(stat.rfind(')')? + 1..)?;
    after_name.split_whitespace().nth(n.checked_sub(3)?)
}

/// Whether `pid` is still the process that started at `started` (and is not a zombie).
pub fn is_alive(pid: u32, started: u64) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    let same = stat_field(&stat, 22).and_then(|t| t.parse::<u64>().ok()) == Some(started);
    same && stat_field(&stat, 3) != Some("Z")
}

/// Whether any process is left in the group.
pub fn group_alive(pgid: u32) -> bool {
    killpg(as_pid(pgid), None).is_ok()
}

/// Sends a signal to every process of a group; a group that is already gone is not an error.
pub fn signal_group(pgid: u32, signal: Signal) {
    if let Err(err) = killpg(as_pid(pgid), signal) {
        if err != nix::errno::Errno::ESRCH {
            tracing::warn!(run.pgid = pgid, signal = %signal, error = %err,
                "cannot signal a group");
        }
    }
}

fn as_pid(id: u32) -> Pid {
    Pid::from_raw(i32::try_from(id).unwrap_or(i32::MAX))
}

/// A process that carries a run's environment: the pid, its group, the run id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Carrier {
    pub pid: u32,
    pub pgid: u32,
    pub run_id: i64,
}

/// Every process readable to us whose environment says it belongs to a run of this node
/// (`WURKER_APP_ID` and `WURKER_RUN_ID`, which every Bee is started with).
pub fn carriers(app_id: &str) -> Vec<Carrier> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let app_entry = format!("WURKER_APP_ID={app_id}");
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == std::process::id() {
            continue;
        }
        if let Some(run_id) = run_in_environment(&entry.path(), &app_entry) {
            if let Some(pgid) = group_of(pid) {
                found.push(Carrier { pid, pgid, run_id });
            }
        }
    }
    found
}

fn run_in_environment(proc_dir: &Path, app_entry: &str) -> Option<i64> {
    let environ = std::fs::read(proc_dir.join("environ")).ok()?;
    let mut ours = false;
    let mut run_id = None;
    for entry in environ.split(|byte| *byte == 0) {
        if entry == app_entry.as_bytes() {
            ours = true;
        } else if let Some(value) = entry.strip_prefix(b"WURKER_RUN_ID=") {
            run_id = std::str::from_utf8(value).ok().and_then(|v| v.parse().ok());
        }
    }
    run_id.filter(|_| ours)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_fields_survive_odd_names() {
        let stat = "1234 (a (b) c) S 1 1234 1234 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 98765 0";
        assert_eq!(stat_field(stat, 3), Some("S"));
        assert_eq!(stat_field(stat, 5), Some("1234"));
        assert_eq!(stat_field(stat, 22), Some("98765"));
    }

    #[test]
    fn our_own_process_is_alive() {
        let pid = std::process::id();
        let started = start_time(pid).unwrap();
        assert!(is_alive(pid, started));
        assert!(!is_alive(pid, started + 1));
    }
}
