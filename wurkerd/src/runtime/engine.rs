//! The runtime's state and loop. The loop waits for whichever comes first: an order, a run's
//! event, the earliest timer, or the slow sweep that reconciles with the database; it never
//! polls for work. Every decision to start or stop a run is made here, in one task, so no lock
//! guards this state.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use protocol::JsonText;
use protocol::runtime::RunSummary;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::hive::{self, HiveContext, RunControl, RunEvent, RunKey, RunKind, RunSpec, StopReason};
use crate::runtime::Order;
use crate::runtime::backoff::Backoff;
use crate::runtime::plan::{self, BeePlan};
use crate::runtime::timers::{Due, Timers};
use crate::store::queue::{self, QueueItem};

/// How often the runtime reconciles with the database (changes made by other software, a
/// database that came back) and notes that it is alive.
const SWEEP: Duration = Duration::from_secs(30);
/// How long shutdown waits for runs beyond their grace period.
const SHUTDOWN_SLACK: Duration = Duration::from_secs(5);

/// Which of a Bee's two run slots a run uses: its Cron's (scheduled or supervised) or the
/// one-off slot (ondemand or by hand). Each holds at most one run at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Lane {
    Cron,
    Once,
}

/// A run the runtime has asked for, until its report is final.
#[derive(Debug)]
pub(super) struct Run {
    pub bee_id: i64,
    pub slug: String,
    pub cron_slug: Option<String>,
    pub lane: Lane,
    pub kind: RunKind,
    pub control: mpsc::UnboundedSender<RunControl>,
    pub run_id: Option<i64>,
    pub pid: Option<u32>,
    pub started: Option<(Instant, DateTime<Utc>)>,
    /// Fire times covered (scheduled runs that overran).
    pub runcount: i64,
    /// The time a scheduled run may take from its start.
    pub timeout: Option<Duration>,
    pub deadline: Option<Instant>,
    pub stopping: Option<StopReason>,
    pub exited: bool,
    pub on_started: Vec<oneshot::Sender<RunSummary>>,
    pub on_finished: Vec<oneshot::Sender<RunSummary>>,
}

impl Run {
    pub(super) fn summary(&self, status: &str) -> RunSummary {
        RunSummary {
            bee_slug: self.slug.clone(),
            run_id: self.run_id.unwrap_or(0),
            pid: self.pid.map(i64::from),
            status: status.to_string(),
            exit_code: None,
            duration: None,
        }
    }

    /// Alive and not yet told to stop.
    pub(super) fn is_live(&self) -> bool {
        !self.exited && self.stopping.is_none()
    }

    pub(super) fn stop(&mut self, reason: StopReason) {
        if self.exited || self.stopping.is_some() {
            return;
        }
        self.stopping = Some(reason);
        let _ = self.control.send(RunControl::Stop(reason));
    }
}

/// How a run is to be started.
#[derive(Debug, Clone)]
pub(super) struct Launch {
    pub kind: RunKind,
    pub args: Option<JsonText>,
    pub from_queue: bool,
    pub timeout: Option<Duration>,
    pub restart_note: Option<serde_json::Value>,
    pub quiet: bool,
    pub is_restart: bool,
}

impl Launch {
    pub(super) fn plain(kind: RunKind) -> Self {
        Self {
            kind,
            args: None,
            from_queue: false,
            timeout: None,
            restart_note: None,
            quiet: false,
            is_restart: false,
        }
    }
}

/// What the runtime must read again.
#[derive(Debug, Clone, Default)]
pub(super) struct Stale {
    /// Everything (Commands and Crons are shared by Bees).
    pub definitions: bool,
    /// Only these Bees.
    pub bees: HashSet<i64>,
    pub queue: bool,
}

/// The runtime's state.
pub struct Engine {
    pub(super) hive: Arc<HiveContext>,
    pub(super) tasks: TaskTracker,
    pub(super) tz: Tz,
    pub(super) plans: HashMap<i64, BeePlan>,
    pub(super) runs: HashMap<RunKey, Run>,
    pub(super) lanes: HashMap<(i64, Lane), RunKey>,
    pub(super) timers: Timers,
    /// Each scheduled Bee's next fire time and the instant its timer was set for.
    pub(super) next_fire: HashMap<i64, (DateTime<Utc>, Instant)>,
    /// Fires that came while the previous run was still stopping; they start at its exit.
    pub(super) pending_fire: HashMap<i64, Duration>,
    pub(super) backoff: HashMap<i64, Backoff>,
    /// Supervised Bees waiting out a back-off: when they may start, and what their report
    /// will say about it.
    pub(super) restart_at: HashMap<i64, (Instant, serde_json::Value)>,
    pub(super) queue: Vec<QueueItem>,
    /// Bees whose ondemand run has ended and whose queue item is on its way out of the
    /// database: a reading of the queue in between must not run them again.
    pub(super) leaving: HashSet<i64>,
    pub(super) paused: bool,
    pub(super) stopping: bool,
    /// What changed in the database and has not been read again yet.
    pub(super) stale: Stale,
    next_key: RunKey,
    pub(super) events: mpsc::UnboundedSender<RunEvent>,
    events_in: mpsc::UnboundedReceiver<RunEvent>,
}

impl Engine {
    pub fn new(hive: Arc<HiveContext>, tz: Tz, tasks: TaskTracker) -> Self {
        let (events, events_in) = mpsc::unbounded_channel();
        Self {
            hive,
            tasks,
            tz,
            plans: HashMap::new(),
            runs: HashMap::new(),
            lanes: HashMap::new(),
            timers: Timers::default(),
            next_fire: HashMap::new(),
            pending_fire: HashMap::new(),
            backoff: HashMap::new(),
            restart_at: HashMap::new(),
            queue: Vec::new(),
            leaving: HashSet::new(),
            paused: false,
            stopping: false,
            stale: Stale::default(),
            next_key: 1,
            events,
            events_in,
        }
    }

    /// Recovers what a previous daemon left, then serves until `shutdown`, then stops every
    /// run and waits (bounded) for their reports.
    pub(crate) async fn run(
        mut self,
        mut orders: mpsc::Receiver<Order>,
        shutdown: CancellationToken,
    ) {
        self.start_up().await;
        let mut sweep = tokio::time::interval_at(Instant::now() + SWEEP, SWEEP);
        sweep.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            if orders.is_empty() {
                self.catch_up().await;
            }
            let wake = self.timers.next();
            tokio::select! {
                biased;
                () = shutdown.cancelled() => break,
                Some(event) = self.events_in.recv() => self.on_event(event),
                order = orders.recv() => match order {
                    Some(order) => self.on_order(order).await,
                    None => break,
                },
                () = sleep_until(wake) => self.on_due(),
                _ = sweep.tick() => self.sweep().await,
            }
        }
        orders.close();
        self.shut_down().await;
    }

    async fn start_up(&mut self) {
        self.paused = self.read_paused().await;
        if self.paused {
            tracing::warn!("this node is paused: no Bee starts until `wurk admin control resume`");
        }
        if let Err(err) = self.load_plans().await {
            tracing::error!(error = %err, "cannot read the definitions; running none until the \
                config database answers");
        }
        self.recover().await;
        self.replan();
        self.load_queue().await;
        tracing::info!(
            bees = self.plans.len(),
            runs = self.runs.len(),
            "runtime started"
        );
    }

    /// Reads the definitions again and applies the differences at once.
    pub(super) async fn plan_again(&mut self) {
        match self.load_plans().await {
            Ok(()) => self.replan(),
            Err(err) => tracing::warn!(error = %err, "cannot read the definitions; keeping the \
                ones known"),
        }
        self.load_queue().await;
    }

    async fn load_plans(&mut self) -> Result<(), crate::store::StoreError> {
        let mut conn = self.hive.store.read.acquire().await?;
        let plans = plan::load(&mut conn, self.hive.store.app_id).await?;
        drop(conn);
        let gone: Vec<i64> = self
            .plans
            .keys()
            .filter(|id| !plans.contains_key(id))
            .copied()
            .collect();
        for bee_id in gone {
            self.forget_bee(bee_id);
        }
        for new in plans.values() {
            self.note_change(new);
        }
        self.plans = plans;
        Ok(())
    }

    /// Reads the definitions of some Bees again and applies the differences at once.
    pub(super) async fn plan_bees(&mut self, bee_ids: HashSet<i64>) {
        for bee_id in bee_ids {
            let read = async {
                let mut conn = self.hive.store.read.acquire().await?;
                plan::load_one(&mut conn, self.hive.store.app_id, bee_id).await
            };
            match read.await {
                Ok(Some(new)) => {
                    self.note_change(&new);
                    self.plans.insert(bee_id, new);
                    self.ensure_supervised(bee_id, false, None);
                    if !self.next_fire.contains_key(&bee_id) {
                        self.schedule_next(bee_id, Utc::now());
                    }
                }
                Ok(None) => {
                    self.forget_bee(bee_id);
                    self.plans.remove(&bee_id);
                }
                Err(err) => {
                    tracing::warn!(bee.id = bee_id, error = %err, "cannot read a changed Bee");
                    self.stale.definitions = true;
                }
            }
        }
    }

    /// Compares a Bee's new plan with the one known and acts on what changed.
    fn note_change(&mut self, new: &BeePlan) {
        let old = self.plans.get(&new.row.id);
        if old.is_some_and(|old| old.row == new.row) {
            return;
        }
        if let plan::When::Broken(why) = &new.when {
            tracing::warn!(bee = %new.row.slug, error = %why,
                "the Bee's Cron expression is not valid; it will not fire");
        }
        if let Some(old) = old.cloned() {
            self.definition_changed(new.row.id, old, new);
        }
    }

    /// A Bee that is gone: its runs stop, its timers lapse.
    fn forget_bee(&mut self, bee_id: i64) {
        for run in self.runs.values_mut().filter(|run| run.bee_id == bee_id) {
            run.stop(StopReason::Operator);
        }
        self.next_fire.remove(&bee_id);
        self.pending_fire.remove(&bee_id);
        self.backoff.remove(&bee_id);
        self.restart_at.remove(&bee_id);
    }

    /// A Bee whose definition changed: a supervised run of the old definition stops (and is
    /// started again from the new one); a schedule is planned afresh.
    fn definition_changed(&mut self, bee_id: i64, old: BeePlan, new: &BeePlan) {
        tracing::debug!(bee = %new.row.slug, "definition changed");
        let cron_run = self.lanes.get(&(bee_id, Lane::Cron)).copied();
        if let Some(run) = cron_run.and_then(|key| self.runs.get_mut(&key)) {
            if run.kind == RunKind::Supervised && old.is_supervised() {
                run.stop(StopReason::Operator);
            }
        }
        if old.row.cron != new.row.cron || old.row.enabled != new.row.enabled {
            self.next_fire.remove(&bee_id);
        }
        if !new.is_supervised() {
            self.restart_at.remove(&bee_id);
            self.backoff.remove(&bee_id);
        }
    }

    /// Brings every Bee to its plan: supervised ones running, scheduled ones timed.
    pub(super) fn replan(&mut self) {
        let ids: Vec<i64> = self.plans.keys().copied().collect();
        for bee_id in ids {
            self.ensure_supervised(bee_id, false, None);
            if !self.next_fire.contains_key(&bee_id) {
                self.schedule_next(bee_id, Utc::now());
            }
        }
    }

    pub(super) async fn load_queue(&mut self) {
        let read = async {
            let mut conn = self.hive.store.read.acquire().await?;
            queue::list(&mut conn, self.hive.store.app_id).await
        };
        match read.await {
            Ok(mut items) => {
                items.retain(|item| !self.leaving.contains(&item.bee_id));
                self.queue = items;
                self.start_queued();
            }
            Err(err) => tracing::warn!(error = %err, "cannot read the ondemand queue"),
        }
    }

    /// Starts every queued Bee that may start now.
    pub(super) fn start_queued(&mut self) {
        if self.paused || self.stopping {
            return;
        }
        let mut ready = Vec::new();
        for item in &self.queue {
            let enabled = self.plans.get(&item.bee_id).is_some_and(|p| p.row.enabled);
            let busy = self.lanes.contains_key(&(item.bee_id, Lane::Once))
                || self.leaving.contains(&item.bee_id);
            if !enabled {
                tracing::debug!(bee = %item.bee_slug, "queued Bee is disabled; it waits");
            } else if !busy {
                ready.push((item.bee_id, item.args.clone()));
            }
        }
        for (bee_id, args) in ready {
            let launch = Launch {
                args: args.filter(|args| !is_empty_json(args)),
                from_queue: true,
                ..Launch::plain(RunKind::Ondemand)
            };
            self.start_run(bee_id, Lane::Once, launch);
        }
    }

    /// Starts a run of a Bee in a lane that must be free. Returns its key.
    pub(super) fn start_run(&mut self, bee_id: i64, lane: Lane, launch: Launch) -> Option<RunKey> {
        if !self.plans.contains_key(&bee_id) || self.lanes.contains_key(&(bee_id, lane)) {
            return None;
        }
        let key = self.take_key();
        let plan = self.plans.get(&bee_id)?;
        let args = launch.args.clone().or_else(|| plan.row.args.clone());
        let spec = RunSpec {
            key,
            bee_id,
            bee_slug: plan.row.slug.clone(),
            cron_id: if lane == Lane::Cron {
                plan.row.cron_id
            } else {
                None
            },
            kind: launch.kind,
            program: plan.program(args.as_ref()),
            args,
            from_queue: launch.from_queue,
            restart_note: launch.restart_note.clone(),
            quiet: launch.quiet,
            is_restart: launch.is_restart,
        };
        let cron_slug = plan.row.cron_slug.clone();
        let control = hive::start(&self.hive, &self.tasks, spec, self.events.clone());
        self.runs.insert(
            key,
            Run {
                bee_id,
                slug: plan.row.slug.clone(),
                cron_slug,
                lane,
                kind: launch.kind,
                control,
                run_id: None,
                pid: None,
                started: None,
                runcount: 1,
                timeout: launch.timeout,
                deadline: None,
                stopping: None,
                exited: false,
                on_started: Vec::new(),
                on_finished: Vec::new(),
            },
        );
        self.lanes.insert((bee_id, lane), key);
        Some(key)
    }

    pub(super) fn take_key(&mut self) -> RunKey {
        let key = self.next_key;
        self.next_key += 1;
        key
    }

    /// Starts a supervised Bee if it should run and is not running or waiting out a back-off.
    /// A restart after the Bee's own exit is quiet for a Bee with `quiet_restart`.
    pub(super) fn ensure_supervised(
        &mut self,
        bee_id: i64,
        is_restart: bool,
        restart_note: Option<serde_json::Value>,
    ) {
        if self.paused || self.stopping || self.restart_at.contains_key(&bee_id) {
            return;
        }
        let Some(plan) = self.plans.get(&bee_id) else {
            return;
        };
        if !plan.is_supervised() || self.lanes.contains_key(&(bee_id, Lane::Cron)) {
            return;
        }
        let quiet = plan.row.quiet_restart;
        let launch = Launch {
            restart_note,
            quiet,
            is_restart,
            ..Launch::plain(RunKind::Supervised)
        };
        self.start_run(bee_id, Lane::Cron, launch);
    }

    fn on_event(&mut self, event: RunEvent) {
        match event {
            RunEvent::Started {
                key,
                run_id,
                pid,
                started_at,
            } => self.on_started(key, run_id, pid, started_at),
            RunEvent::StartFailed { key, summary } => {
                // Without a report the database is out of reach: the sweep tries again.
                self.on_exited(key, Some(summary.run_id != 0));
                self.on_finished(key, summary);
            }
            RunEvent::Exited { key } => self.on_exited(key, None),
            RunEvent::Finished { key, summary } => self.on_finished(key, summary),
        }
    }

    fn on_started(&mut self, key: RunKey, run_id: i64, pid: u32, started_at: DateTime<Utc>) {
        let Some(run) = self.runs.get_mut(&key) else {
            return;
        };
        let overrun = self
            .plans
            .get(&run.bee_id)
            .map_or(0, |plan| plan.row.overrun);
        let now = Instant::now();
        run.run_id = Some(run_id);
        run.pid = Some(pid);
        run.started = Some((now, started_at));
        // A run that may overrun has no deadline yet: its next fire counts it (scheduling.rs).
        if let Some(timeout) = run.timeout.filter(|_| run.runcount > overrun) {
            let deadline = now + timeout;
            run.deadline = Some(deadline);
            self.timers.at(deadline, Due::Deadline { key });
        }
        let summary = run.summary("PROCESSING");
        for waiter in run.on_started.drain(..) {
            let _ = waiter.send(summary.clone());
        }
    }

    /// The process ended, or never started (`failed_start` then says whether a report says
    /// why): the lane is free, and what comes next is decided.
    fn on_exited(&mut self, key: RunKey, failed_start: Option<bool>) {
        let Some(run) = self.runs.get_mut(&key) else {
            return;
        };
        run.exited = true;
        let (bee_id, lane, kind, stopped) = (run.bee_id, run.lane, run.kind, run.stopping);
        let lived = run.started.map(|(at, _)| at.elapsed()).unwrap_or_default();
        if self.lanes.get(&(bee_id, lane)) == Some(&key) {
            self.lanes.remove(&(bee_id, lane));
        }
        if failed_start.is_some() {
            let summary = run.summary("ERROR");
            for waiter in run.on_started.drain(..) {
                let _ = waiter.send(summary.clone());
            }
        }
        match kind {
            RunKind::Supervised => self.after_supervised(bee_id, lived, stopped),
            RunKind::Scheduled => {
                if let Some(timeout) = self.pending_fire.remove(&bee_id) {
                    self.fire_now(bee_id, timeout);
                }
            }
            RunKind::Ondemand | RunKind::Manual => {
                let dequeued = kind == RunKind::Ondemand
                    && stopped != Some(StopReason::Shutdown)
                    && failed_start != Some(false);
                if dequeued {
                    self.queue.retain(|item| item.bee_id != bee_id);
                    self.leaving.insert(bee_id);
                }
                if failed_start != Some(false) {
                    self.start_queued();
                }
            }
        }
    }

    fn after_supervised(&mut self, bee_id: i64, lived: Duration, stopped: Option<StopReason>) {
        if stopped.is_some() {
            // Stopped on purpose: start again at once if the plan still says so.
            self.ensure_supervised(bee_id, false, None);
            return;
        }
        let settings = &self.hive.settings;
        let backoff = self.backoff.entry(bee_id).or_default();
        let delay = backoff.after_exit(lived, settings);
        let note = (backoff.quick_exits > 1).then(|| {
            serde_json::json!({
                "quick_exits": backoff.quick_exits,
                "backoff": delay.as_secs_f64(),
            })
        });
        if delay.is_zero() {
            self.ensure_supervised(bee_id, true, note);
            return;
        }
        let slug = self
            .plans
            .get(&bee_id)
            .map(|p| p.row.slug.clone())
            .unwrap_or_default();
        tracing::warn!(bee = %slug, quick_exits = backoff.quick_exits,
            backoff_ms = delay.as_millis() as u64, "supervised Bee keeps exiting; backing off");
        let at = Instant::now() + delay;
        self.restart_at
            .insert(bee_id, (at, note.unwrap_or_default()));
        self.timers.at(at, Due::Restart { bee_id });
    }

    fn on_finished(&mut self, key: RunKey, summary: RunSummary) {
        let Some(mut run) = self.runs.remove(&key) else {
            return;
        };
        if run.kind == RunKind::Ondemand {
            self.leaving.remove(&run.bee_id);
        }
        for waiter in run.on_finished.drain(..) {
            let _ = waiter.send(summary.clone());
        }
    }

    async fn sweep(&mut self) {
        let now = Utc::now().to_rfc3339();
        if let Err(err) =
            crate::store::hive::set_fact(&self.hive.store.local, "alive_at", &now).await
        {
            tracing::warn!(error = %err, "cannot note the time in the local database");
        }
        if !self.hive.store.is_available() {
            // Whatever the runtime asks the database now would wait out the connection timeout
            // and hold up every run: ask in the background instead, and catch up once it answers.
            let store = self.hive.store.clone();
            tokio::spawn(async move { store.check().await });
            return;
        }
        self.sync_control().await;
        self.plan_again().await;
        let live: HashSet<RunKey> = self.runs.keys().copied().collect();
        self.timers.retain(|_, due| match due {
            Due::Deadline { key } => live.contains(key),
            _ => true,
        });
    }

    async fn shut_down(&mut self) {
        self.stopping = true;
        for run in self.runs.values_mut() {
            run.stop(StopReason::Shutdown);
        }
        let limit = self.hive.settings.kill_grace + SHUTDOWN_SLACK;
        let waited = tokio::time::timeout(limit, async {
            while !self.runs.is_empty() {
                match self.events_in.recv().await {
                    Some(event) => self.on_event(event),
                    None => break,
                }
            }
        })
        .await;
        if waited.is_err() {
            tracing::error!(
                runs = self.runs.len(),
                "runs did not end in time at shutdown"
            );
        }
        let now = Utc::now().to_rfc3339();
        let _ = crate::store::hive::set_fact(&self.hive.store.local, "alive_at", &now).await;
        tracing::info!("runtime stopped");
    }
}

/// An empty list or object means "no override" for a queued run, as in Wurker 0.1.
fn is_empty_json(args: &JsonText) -> bool {
    matches!(args.0.trim(), "[]" | "{}" | "\"\"" | "null")
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
