//! `wurk run` and `wurk kill`. With a target, both ask the daemon and print one JSON object
//! per run. Without one, `wurk run` is the daemon itself, as `wurk run` was in Wurker 0.1: it
//! becomes `wurkerd` in the foreground, so service files that call it keep working.

use std::os::unix::process::CommandExt as _;
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use protocol::runtime::{RunSummary, Target};
use protocol::{Request, Response, render};

use super::{DaemonFlags, refuse_drones, unexpected};
use crate::cli::{KillArgs, KillTarget, RunArgs, RunTarget};
use crate::output::print_json;

/// `wurk run [TARGET] [--slug S] [--wait]`.
///
/// # Errors
/// The daemon's refusal; with `--wait`, a run that did not complete.
pub fn run(args: &RunArgs, daemon: &DaemonFlags) -> anyhow::Result<()> {
    let Some(target) = args.target else {
        return become_daemon(daemon);
    };
    let request = Request::Run {
        target: match target {
            RunTarget::Bee => Target::Bee,
            RunTarget::Cron => Target::Cron,
            RunTarget::Ondemand => Target::Ondemand,
            RunTarget::Scheduled => Target::Scheduled,
            RunTarget::Supervised => Target::Supervised,
        },
        slug: args.slug.clone(),
        wait: args.wait,
    };
    let runs = expect_runs(daemon.call(&request)?, "run")?;
    print_json(&render::runs(&runs))?;
    if args.wait {
        refuse_failures(&runs)?;
    }
    Ok(())
}

/// `wurk kill [TARGET] [--slug S]`: prints the runs stopped, once they have ended.
///
/// # Errors
/// `--drone`, or the daemon's refusal.
pub fn kill(args: &KillArgs, daemon: &DaemonFlags) -> anyhow::Result<()> {
    refuse_drones(&args.drone)?;
    let request = Request::Kill {
        target: match args.target {
            KillTarget::Bee => Target::Bee,
            KillTarget::Cron => Target::Cron,
            KillTarget::Ondemand => Target::Ondemand,
            KillTarget::Scheduled => Target::Scheduled,
            KillTarget::Supervised => Target::Supervised,
            KillTarget::Hive => Target::Hive,
        },
        slug: args.slug.clone(),
    };
    let runs = expect_runs(daemon.call(&request)?, "kill")?;
    print_json(&render::runs(&runs))
}

fn expect_runs(response: Response, command: &str) -> anyhow::Result<Vec<RunSummary>> {
    match response {
        Response::Runs(runs) => Ok(runs),
        other => Err(unexpected(&other, command)),
    }
}

fn refuse_failures(runs: &[RunSummary]) -> anyhow::Result<()> {
    let failed: Vec<String> = runs
        .iter()
        .filter(|run| run.status != "COMPLETED")
        .map(|run| match run.exit_code {
            Some(code) => format!(
                "run {} of Bee '{}' ended {} (exit code {code})",
                run.run_id, run.bee_slug, run.status
            ),
            None => format!(
                "run {} of Bee '{}' ended {}",
                run.run_id, run.bee_slug, run.status
            ),
        })
        .collect();
    if failed.is_empty() {
        return Ok(());
    }
    bail!("{}", failed.join("; "))
}

/// Replaces this process with `wurkerd` on the same home, found beside `wurk` or on PATH.
fn become_daemon(daemon: &DaemonFlags) -> anyhow::Result<()> {
    let mut command = std::process::Command::new(wurkerd_path());
    if let Some(home) = &daemon.home {
        command.arg("--home").arg(home);
    }
    let err = command.exec();
    Err(err).context("starting wurkerd (the daemon) in the foreground")
}

fn wurkerd_path() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("wurkerd")))
        .filter(|path| path.is_file())
        .unwrap_or_else(|| PathBuf::from("wurkerd"))
}
