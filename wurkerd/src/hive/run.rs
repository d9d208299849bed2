//! One run from start to end, in its own task: the PROCESSING report, the process, its output,
//! stops and overruns ordered by the runtime, the exit, and the final report. Every step is
//! told to the runtime as a [`RunEvent`].

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use nix::sys::signal::Signal;
use protocol::runtime::RunSummary;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::hive::journal::Entry;
use crate::hive::output::{self, OutputPaths, OutputSummary, Progress};
use crate::hive::record::{self, StatusInfo};
use crate::hive::watch::{Adopted, Watched, exit_code};
use crate::hive::{
    HiveContext, LiveLog, RunControl, RunEvent, RunKey, RunKind, RunSpec, StopReason, launch,
    process,
};
use crate::store::hive;
use crate::store::hive::HiveRow;
use crate::store::runs::{Ending, Opening, Status};

/// How long output may keep coming after the main process ended, before the log is closed.
const OUTPUT_LINGER: Duration = Duration::from_millis(500);

/// Starts a run in a new task; the returned sender controls it.
pub fn start(
    ctx: &Arc<HiveContext>,
    tasks: &TaskTracker,
    spec: RunSpec,
    events: mpsc::UnboundedSender<RunEvent>,
) -> mpsc::UnboundedSender<RunControl> {
    let (control_tx, control) = mpsc::unbounded_channel();
    let ctx = Arc::clone(ctx);
    tasks.spawn(async move {
        let key = spec.key;
        match launch_run(&ctx, &spec).await {
            Ok(running) => {
                let _ = events.send(RunEvent::Started {
                    key,
                    run_id: running.run_id,
                    pid: running.pid,
                    started_at: running.started_at,
                });
                watch_run(&ctx, running, control, &events).await;
            }
            Err(summary) => {
                let _ = events.send(RunEvent::StartFailed { key, summary });
            }
        }
    });
    control_tx
}

/// A run left alive by a daemon that died, as its Hive row recorded it.
#[derive(Debug, Clone)]
pub struct Orphan {
    pub key: RunKey,
    pub row: HiveRow,
    pub is_pybee: bool,
    pub from_queue: bool,
}

/// Tracks an orphaned run to its end in a new task; the returned sender controls it.
pub fn adopt(
    ctx: &Arc<HiveContext>,
    tasks: &TaskTracker,
    orphan: Orphan,
    events: mpsc::UnboundedSender<RunEvent>,
) -> mpsc::UnboundedSender<RunControl> {
    let (control_tx, control) = mpsc::unbounded_channel();
    let ctx = Arc::clone(ctx);
    tasks.spawn(async move {
        let row = orphan.row;
        let age = (Utc::now() - row.started_at).to_std().unwrap_or_default();
        let running = Running {
            key: orphan.key,
            run_id: row.run_id,
            bee_id: row.bee_id,
            bee_slug: row.bee_slug.clone(),
            kind: RunKind::from_name(&row.kind).unwrap_or(RunKind::Manual),
            is_pybee: orphan.is_pybee,
            from_queue: orphan.from_queue,
            pid: row.pid,
            pgid: row.pgid,
            started: Instant::now().checked_sub(age).unwrap_or_else(Instant::now),
            started_at: row.started_at,
            runcount: row.runcount,
            paths: OutputPaths::new(&ctx.pipes, &ctx.data, row.bee_id, row.run_id),
            readers: None,
            process: Watched::Adopted(Adopted::new(row.pid, row.proc_start)),
            restart: None,
            quiet: false,
            opening: record::opening_of(&ctx, &row, None),
        };
        watch_run(&ctx, running, control, &events).await;
    });
    control_tx
}

/// A run whose process is alive.
struct Running {
    key: RunKey,
    run_id: i64,
    bee_id: i64,
    bee_slug: String,
    kind: RunKind,
    is_pybee: bool,
    from_queue: bool,
    pid: u32,
    pgid: u32,
    started: Instant,
    started_at: DateTime<Utc>,
    runcount: i64,
    paths: OutputPaths,
    /// The daemon's ends of the output pipes, when it started the process itself.
    readers: Option<output::Readers>,
    process: Watched,
    restart: Option<serde_json::Value>,
    /// Routine exits are logged at debug level (a supervised Bee with `quiet_restart`).
    quiet: bool,
    /// What its report row needs, when it started without one.
    opening: Option<Opening>,
}

/// Writes the PROCESSING report and starts the process. A failure after the report exists
/// finalizes it as ERROR saying why.
async fn launch_run(ctx: &HiveContext, spec: &RunSpec) -> Result<Running, RunSummary> {
    let started_at = Utc::now();
    let info = StatusInfo {
        runcount: 1,
        restart: spec.restart_note.clone(),
        ..StatusInfo::default()
    };
    let (run_id, opening) = match begin_report(ctx, spec, started_at, &info).await {
        Ok(run_id) => (run_id, None),
        // Bees keep running while the config database is out of reach: the run gets a
        // provisional (negative) id, and its whole report is written once it can be.
        Err(err) if err.is_unavailable() => {
            let run_id = provisional_id();
            tracing::warn!(bee = %spec.bee_slug, run.id = run_id, error = %err,
                "config database unreachable; starting the run, its report is written later");
            let opening = Opening {
                app_id: ctx.store.app_id,
                bee_id: spec.bee_id,
                cron_id: spec.cron_id,
                args: spec.args.clone(),
                started_at,
                pid: 0,
            };
            (run_id, Some(opening))
        }
        Err(err) => {
            tracing::error!(bee = %spec.bee_slug, error = %err, "cannot record a run");
            return Err(failed_summary(spec, None));
        }
    };

    let program = match &spec.program {
        Ok(program) => program,
        Err(why) => {
            let message = format!("cannot run Bee '{}': {why}", spec.bee_slug);
            tracing::error!(bee = %spec.bee_slug, run.id = run_id, error = %message, "run failed");
            let id = fail_report(ctx, spec, run_id, message, opening.as_ref()).await;
            return Err(failed_summary(spec, Some(id)));
        }
    };
    let paths = OutputPaths::new(&ctx.pipes, &ctx.data, spec.bee_id, run_id);
    let spawned = output::prepare(&paths).and_then(|(ends, readers)| {
        launch::command(program, &ctx.env, &spec.bee_slug, run_id, ends)
            .spawn()
            .map(|child| (child, readers))
    });
    let (child, readers) = match spawned {
        Ok(spawned) => spawned,
        Err(err) => {
            paths.remove_fifos();
            let message = format!("cannot start {}: {err}", describe(program));
            tracing::error!(bee = %spec.bee_slug, run.id = run_id, error = %message, "run failed");
            let id = fail_report(ctx, spec, run_id, message, opening.as_ref()).await;
            return Err(failed_summary(spec, Some(id)));
        }
    };
    let pid = child.id().unwrap_or(0);
    let opening = opening.map(|opening| Opening { pid, ..opening });
    let started = Instant::now();
    record_start(ctx, spec, run_id, pid, started_at, &paths).await;
    if spec.quiet && spec.is_restart {
        tracing::debug!(bee = %spec.bee_slug, run.id = run_id, run.pid = pid,
            run.kind = spec.kind.name(), "run started");
    } else {
        tracing::info!(bee = %spec.bee_slug, run.id = run_id, run.pid = pid,
            run.kind = spec.kind.name(), "run started");
    }
    Ok(Running {
        key: spec.key,
        run_id,
        bee_id: spec.bee_id,
        bee_slug: spec.bee_slug.clone(),
        kind: spec.kind,
        is_pybee: spec.is_pybee(),
        from_queue: spec.from_queue,
        pid,
        pgid: pid,
        started,
        started_at,
        runcount: 1,
        paths,
        readers: Some(readers),
        process: Watched::Child(child),
        restart: spec.restart_note.clone(),
        quiet: spec.quiet,
        opening,
    })
}

/// A run id for a run whose report row cannot be written yet: negative, so it never meets a
/// report's id, and unique within this host.
fn provisional_id() -> i64 {
    use std::sync::atomic::{AtomicI64, Ordering};
    static LAST: AtomicI64 = AtomicI64::new(0);
    let now = -Utc::now().timestamp_micros();
    let mut last = LAST.load(Ordering::Relaxed);
    loop {
        let next = now.min(last - 1);
        match LAST.compare_exchange(last, next, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return next,
            Err(seen) => last = seen,
        }
    }
}

async fn begin_report(
    ctx: &HiveContext,
    spec: &RunSpec,
    started_at: DateTime<Utc>,
    info: &StatusInfo,
) -> Result<i64, crate::store::StoreError> {
    let entry = Entry::Begin {
        bee_id: spec.bee_id,
        cron_id: spec.cron_id,
        args: spec.args.clone(),
        started_at,
        status_info: info.to_json(),
    };
    ctx.journal.write(entry).await
}

/// The pid on the report and the run in the Hive table; failures are logged, the run goes on.
async fn record_start(
    ctx: &HiveContext,
    spec: &RunSpec,
    run_id: i64,
    pid: u32,
    started_at: DateTime<Utc>,
    paths: &OutputPaths,
) {
    let row = HiveRow {
        run_id,
        bee_id: spec.bee_id,
        bee_slug: spec.bee_slug.clone(),
        cron_id: spec.cron_id,
        pid,
        pgid: pid,
        proc_start: process::start_time(pid).unwrap_or(0),
        kind: spec.kind.name().to_string(),
        runcount: 1,
        started_at,
        log_path: paths.log.display().to_string(),
    };
    let pid_write = async {
        match run_id {
            // A run without a report row gets its pid with the whole row.
            ..0 => Ok(0),
            _ => ctx.journal.write(Entry::SetPid { run_id, pid }).await,
        }
    };
    let in_hive = ctx.journal.write(Entry::Hive(Box::new(row)));
    let (on_report, in_hive) = tokio::join!(pid_write, in_hive);
    for (what, result) in [("report", on_report), ("hive", in_hive)] {
        if let Err(err) = result {
            tracing::warn!(run.id = run_id, error = %err, table = what, "cannot record a start");
        }
    }
}

/// Ends a run that could not start as ERROR saying why; returns the run id its report has.
async fn fail_report(
    ctx: &HiveContext,
    spec: &RunSpec,
    run_id: i64,
    message: String,
    opening: Option<&Opening>,
) -> i64 {
    let info = StatusInfo {
        runcount: 1,
        errors: vec![message],
        restart: spec.restart_note.clone(),
        ..StatusInfo::default()
    };
    let ending = Ending {
        status: Status::Error,
        runcount: 1,
        duration: 0.0,
        status_info: info.to_json(),
    };
    let dequeue = spec.from_queue.then_some(spec.bee_id);
    record::finish(ctx, run_id, &ending, dequeue, opening)
        .await
        .unwrap_or(run_id)
}

fn failed_summary(spec: &RunSpec, run_id: Option<i64>) -> RunSummary {
    RunSummary {
        bee_slug: spec.bee_slug.clone(),
        run_id: run_id.unwrap_or(0),
        pid: None,
        status: Status::Error.name().to_string(),
        exit_code: None,
        duration: Some(0.0),
    }
}

fn describe(program: &launch::Program) -> String {
    match program {
        launch::Program::Exec { argv } => format!("'{}'", argv[0]),
        launch::Program::PyBee { module, .. } => format!("the PyBee '{module}'"),
    }
}

/// Follows a running process to its end, obeying the runtime's orders, then records it.
async fn watch_run(
    ctx: &HiveContext,
    mut run: Running,
    mut control: mpsc::UnboundedReceiver<RunControl>,
    events: &mpsc::UnboundedSender<RunEvent>,
) {
    let (progress_tx, progress) = watch::channel(Progress::default());
    register_log(ctx, &run, progress);
    let stop_output = CancellationToken::new();
    let drain = tokio::spawn(output::drain(
        run.paths.clone(),
        run.readers.take(),
        ctx.settings.log_max_bytes,
        progress_tx,
        stop_output.clone(),
    ));

    let (status, stop) = follow(ctx, &mut run, &mut control).await;
    let ended = Instant::now();
    let _ = events.send(RunEvent::Exited { key: run.key });
    stop_leftovers(run.pgid, ctx.settings.kill_grace);

    let summary = match tokio::time::timeout(OUTPUT_LINGER, drain).await {
        Ok(joined) => joined.unwrap_or_default(),
        Err(_) => {
            stop_output.cancel();
            OutputSummary::default()
        }
    };
    let duration = ended.duration_since(run.started).as_secs_f64();
    let code = status.as_ref().and_then(exit_code);
    let ending = ending_of(&run, code, stop, status.is_none(), &summary, duration);
    let status_name = ending.status.name().to_string();
    log_end(&run, &status_name, code, stop);

    let dequeue = (run.from_queue && stop != Some(StopReason::Shutdown)).then_some(run.bee_id);
    let opening = run.opening.as_ref();
    let final_id = record::finish(ctx, run.run_id, &ending, dequeue, opening).await;
    if let Some(id) = final_id {
        record::rename_log(ctx, run.bee_id, run.run_id, id);
        let _ = ctx
            .journal
            .write(Entry::Forget { run_id: run.run_id })
            .await;
    }
    run.paths.remove_fifos();
    unregister_log(ctx, run.run_id);
    prune_logs(ctx, run.bee_id);
    let _ = events.send(RunEvent::Finished {
        key: run.key,
        summary: RunSummary {
            bee_slug: run.bee_slug,
            run_id: final_id.unwrap_or(run.run_id),
            pid: Some(i64::from(run.pid)),
            status: status_name,
            exit_code: code,
            duration: Some(duration),
        },
    });
}

/// Waits for the process while carrying out stops and overruns. Returns its exit status (none
/// when adopted) and why the daemon stopped it, if it did.
async fn follow(
    ctx: &HiveContext,
    run: &mut Running,
    control: &mut mpsc::UnboundedReceiver<RunControl>,
) -> (Option<std::process::ExitStatus>, Option<StopReason>) {
    let mut stop = None;
    let mut kill_at: Option<tokio::time::Instant> = None;
    let mut listening = true;
    loop {
        tokio::select! {
            status = run.process.wait() => return (status, stop),
            order = control.recv(), if listening => match order {
                Some(RunControl::Stop(reason)) => {
                    if stop.is_none() {
                        stop = Some(reason);
                        process::signal_group(run.pgid, Signal::SIGTERM);
                        kill_at = Some(tokio::time::Instant::now() + ctx.settings.kill_grace);
                    }
                }
                Some(RunControl::Overrun(runcount)) => overran(ctx, run, runcount).await,
                None => listening = false,
            },
            () = sleep_until(kill_at) => {
                tracing::warn!(bee = %run.bee_slug, run.id = run.run_id, run.pid = run.pid,
                    "run outlived its grace period; sending SIGKILL");
                process::signal_group(run.pgid, Signal::SIGKILL);
                kill_at = None;
            }
        }
    }
}

async fn sleep_until(at: Option<tokio::time::Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

async fn overran(ctx: &HiveContext, run: &mut Running, runcount: i64) {
    run.runcount = runcount;
    tracing::warn!(bee = %run.bee_slug, run.id = run.run_id, run.runcount = runcount,
        "run is still going at its next fire time (overrun)");
    let info = StatusInfo {
        runcount,
        restart: run.restart.clone(),
        ..StatusInfo::default()
    };
    let report = ctx.journal.write(Entry::Overrun {
        run_id: run.run_id,
        runcount,
        status_info: info.to_json(),
    });
    let (on_report, in_hive) = tokio::join!(
        report,
        hive::set_runcount(&ctx.store.local, run.run_id, runcount)
    );
    if let Err(err) = on_report.map(drop).and(in_hive) {
        tracing::warn!(run.id = run.run_id, error = %err, "cannot record an overrun");
    }
}

/// Processes the main process left behind in its group are stopped too: SIGTERM now, SIGKILL
/// after the grace period.
fn stop_leftovers(pgid: u32, grace: Duration) {
    if pgid == 0 || !process::group_alive(pgid) {
        return;
    }
    tracing::debug!(run.pgid = pgid, "stopping processes left in a run's group");
    process::signal_group(pgid, Signal::SIGTERM);
    tokio::spawn(async move {
        tokio::time::sleep(grace).await;
        if process::group_alive(pgid) {
            process::signal_group(pgid, Signal::SIGKILL);
        }
    });
}

fn ending_of(
    run: &Running,
    code: Option<i64>,
    stop: Option<StopReason>,
    adopted: bool,
    output: &OutputSummary,
    duration: f64,
) -> Ending {
    let what = if run.is_pybee { "PyBee" } else { "Bee" };
    let mut info = StatusInfo {
        runcount: run.runcount,
        exit_code: code,
        restart: run.restart.clone(),
        ..StatusInfo::default()
    };
    let status = match stop {
        Some(StopReason::Timeout) => {
            info.errors.push("Timeout exceeded".into());
            info.message = Some(format!("{what} killed: '{}'", run.bee_slug));
            Status::Timeout
        }
        Some(StopReason::Operator | StopReason::Shutdown) => {
            info.message = Some(format!("{what} stopped: '{}'", run.bee_slug));
            Status::Completed
        }
        None if adopted => {
            info.message = Some(
                "adopted after a daemon restart; its exit status could not be observed".into(),
            );
            Status::Completed
        }
        None if code == Some(0) => Status::Completed,
        None => Status::Error,
    };
    if !output.stderr_tail.is_empty() {
        info.errors.push(output.stderr_tail.clone());
    }
    Ending {
        status,
        runcount: run.runcount,
        duration,
        status_info: info.to_json(),
    }
}

fn log_end(run: &Running, status: &str, code: Option<i64>, stop: Option<StopReason>) {
    if run.quiet && stop.is_none() {
        tracing::debug!(bee = %run.bee_slug, run.id = run.run_id, run.pid = run.pid,
            run.exit_code = code, run.status = status, "run ended");
        return;
    }
    let routine = stop.is_none() && status == "COMPLETED";
    if status == "ERROR" || status == "TIMEOUT" {
        tracing::warn!(bee = %run.bee_slug, run.id = run.run_id, run.pid = run.pid,
            run.exit_code = code, run.status = status, "run ended");
    } else if routine || run.kind != RunKind::Supervised {
        tracing::info!(bee = %run.bee_slug, run.id = run.run_id, run.pid = run.pid,
            run.exit_code = code, run.status = status, "run ended");
    } else {
        tracing::info!(bee = %run.bee_slug, run.id = run.run_id, run.pid = run.pid,
            run.status = status, "run stopped");
    }
}

fn register_log(ctx: &HiveContext, run: &Running, progress: watch::Receiver<Progress>) {
    if let Ok(mut logs) = ctx.logs.lock() {
        logs.insert(
            run.run_id,
            LiveLog {
                path: run.paths.log.clone(),
                progress,
            },
        );
    }
}

/// Keeps the logs of the Bee's latest `log_keep` runs, and those of runs still going.
fn prune_logs(ctx: &HiveContext, bee_id: i64) {
    let live: Vec<i64> = match ctx.logs.lock() {
        Ok(logs) => logs.keys().copied().collect(),
        Err(_) => return,
    };
    output::prune(&ctx.data, bee_id, ctx.settings.log_keep, &live);
}

fn unregister_log(ctx: &HiveContext, run_id: i64) {
    if let Ok(mut logs) = ctx.logs.lock() {
        logs.remove(&run_id);
    }
}
