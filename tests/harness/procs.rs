//! The processes a node's Bees run as, found the way an operator would find them: every Bee
//! carries its node's `WURKER_APP_ID` and its own `WURKER_BEE` and `WURKER_RUN_ID` in its
//! environment, and so does everything it starts.

use nix::sys::signal::{Signal, kill, killpg};
use nix::unistd::Pid;

/// A live process started by one of a node's runs (or by such a process).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BeeProcess {
    pub pid: i32,
    pub pgid: i32,
    pub bee: String,
    pub run_id: i64,
}

/// Every live process (zombies excluded) carrying `WURKER_APP_ID=app_id`.
pub fn bee_processes(app_id: &str) -> Vec<BeeProcess> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let app_entry = format!("WURKER_APP_ID={app_id}");
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<i32>().ok())
        else {
            continue;
        };
        let Ok(environ) = std::fs::read(entry.path().join("environ")) else {
            continue;
        };
        let mut ours = false;
        let (mut bee, mut run_id) = (String::new(), 0);
        for var in environ.split(|byte| *byte == 0) {
            let var = String::from_utf8_lossy(var);
            if var == app_entry {
                ours = true;
            } else if let Some(value) = var.strip_prefix("WURKER_BEE=") {
                bee = value.to_string();
            } else if let Some(value) = var.strip_prefix("WURKER_RUN_ID=") {
                run_id = value.parse().unwrap_or_default();
            }
        }
        if !ours {
            continue;
        }
        if let Some(pgid) = stat(pid).filter(|(state, _)| state != "Z").map(|(_, g)| g) {
            found.push(BeeProcess {
                pid,
                pgid,
                bee,
                run_id,
            });
        }
    }
    found
}

/// Whether a process exists and is not a zombie (a Bee whose daemon died is reparented, and
/// its new parent may be slow to reap it).
pub fn is_alive(pid: i32) -> bool {
    stat(pid).is_some_and(|(state, _)| state != "Z")
}

/// Kills every process of a node's runs, group by group, with SIGKILL: what a test leaves
/// behind must not outlive it.
pub fn kill_bee_processes(app_id: &str) {
    for process in bee_processes(app_id) {
        if process.pgid > 1 {
            let _ = killpg(Pid::from_raw(process.pgid), Signal::SIGKILL);
        }
        let _ = kill(Pid::from_raw(process.pid), Signal::SIGKILL);
    }
}

/// The state and the process group of a process, from `/proc/PID/stat`.
fn stat(pid: i32) -> Option<(String, i32)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = text.get(text.rfind(')')? + 1..)?;
    let mut fields = after_name.split_whitespace();
    let state = fields.next()?.to_string();
    let pgid = fields.nth(1)?.parse().ok()?;
    Some((state, pgid))
}
