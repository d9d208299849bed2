//! What clients ask of the runtime: one-off runs, kills, pause/resume/reload, and the picture
//! of what runs now.

use chrono::SecondsFormat;
use protocol::model::HiveEntry;
use protocol::runtime::{ControlAction, RunSummary, Target};
use protocol::{ErrorCode, ErrorReply};
use tokio::sync::oneshot;

use crate::hive::{RunKey, RunKind, StopReason};
use crate::runtime::engine::{Engine, Lane, Launch};
use crate::runtime::{Order, Snapshot, Ticket};
use crate::store::plans;

impl Engine {
    /// Carries out an order. Word of changed definitions or queue is noted and acted on once
    /// no order waits (so a burst of changes costs one reading), or before any other order.
    pub(super) async fn on_order(&mut self, order: Order) {
        match order {
            Order::DefsChanged => self.stale.definitions = true,
            Order::BeeChanged(bee_id) => {
                self.stale.bees.insert(bee_id);
            }
            Order::QueueChanged => self.stale.queue = true,
            other => {
                self.catch_up().await;
                self.on_request(other).await;
            }
        }
    }

    /// Reads again what changed since the last reading.
    pub(super) async fn catch_up(&mut self) {
        let stale = std::mem::take(&mut self.stale);
        if stale.definitions {
            self.plan_again().await;
            return;
        }
        if stale.queue {
            self.load_queue().await;
        }
        if !stale.bees.is_empty() {
            self.plan_bees(stale.bees).await;
            // A queued Bee may have been enabled.
            self.start_queued();
        }
    }

    async fn on_request(&mut self, order: Order) {
        match order {
            Order::DefsChanged | Order::BeeChanged(_) | Order::QueueChanged => {}
            Order::Run {
                target,
                slug,
                reply,
            } => {
                let _ = reply.send(self.run_target(target, slug.as_deref()));
            }
            Order::Kill {
                target,
                slug,
                reply,
            } => {
                let _ = reply.send(self.kill_target(target, slug.as_deref()));
            }
            Order::Dequeue { bee_id, reply } => {
                let _ = reply.send(self.dequeue(bee_id));
            }
            Order::Control { action, reply } => {
                let _ = reply.send(self.control(action).await);
            }
            Order::Snapshot { reply } => {
                let _ = reply.send(self.snapshot());
            }
        }
    }

    /// Starts one-off runs of the targeted Bees now (even while paused: an operator asked).
    fn run_target(
        &mut self,
        target: Target,
        slug: Option<&str>,
    ) -> Result<Vec<Ticket>, ErrorReply> {
        let chosen = self.choose_bees(target, slug)?;
        let single = chosen.len() == 1 && matches!(target, Target::Bee);
        let mut tickets = Vec::new();
        for (bee_id, queued_args) in chosen {
            if self.lanes.contains_key(&(bee_id, Lane::Once)) {
                if single {
                    return Err(ErrorReply::conflict(format!(
                        "Bee '{}' already has a one-off run in progress",
                        self.slug_of(bee_id)
                    )));
                }
                continue;
            }
            let launch = match queued_args {
                Some(args) => Launch {
                    args,
                    from_queue: true,
                    ..Launch::plain(RunKind::Ondemand)
                },
                None => Launch::plain(RunKind::Manual),
            };
            if let Some(key) = self.start_run(bee_id, Lane::Once, launch) {
                tickets.push(self.ticket(key));
            }
        }
        if tickets.is_empty() {
            return Err(ErrorReply::conflict(
                "every Bee named already has a one-off run in progress",
            ));
        }
        Ok(tickets)
    }

    /// The Bees a `run` names.
    fn choose_bees(&self, target: Target, slug: Option<&str>) -> Result<Chosen, ErrorReply> {
        let mut chosen: Chosen = match target {
            Target::Hive => {
                return Err(ErrorReply::invalid(
                    "'run' takes bee, cron, ondemand, scheduled or supervised, not hive",
                ));
            }
            Target::Bee => {
                let slug = needs_slug(target, slug)?;
                let plan = self
                    .plans
                    .values()
                    .find(|plan| plan.row.slug == slug)
                    .ok_or_else(|| ErrorReply::not_found(format!("Bee not found: '{slug}'")))?;
                vec![(plan.row.id, None)]
            }
            Target::Cron => {
                let slug = needs_slug(target, slug)?;
                self.plans
                    .values()
                    .filter(|plan| plan.row.enabled && plan.row.cron_slug.as_deref() == Some(slug))
                    .map(|plan| (plan.row.id, None))
                    .collect()
            }
            Target::Scheduled => self
                .plans
                .values()
                .filter(|plan| plan.schedule().is_some())
                .map(|plan| (plan.row.id, None))
                .collect(),
            Target::Supervised => self
                .plans
                .values()
                .filter(|plan| plan.is_supervised())
                .map(|plan| (plan.row.id, None))
                .collect(),
            Target::Ondemand => self
                .queue
                .iter()
                .filter(|item| !self.lanes.contains_key(&(item.bee_id, Lane::Once)))
                .map(|item| (item.bee_id, Some(item.args.clone())))
                .collect(),
        };
        if chosen.is_empty() {
            let what = match (target, slug) {
                (Target::Cron, Some(slug)) => format!("no enabled Bee runs on Cron '{slug}'"),
                (Target::Ondemand, _) => "no queued Bee is waiting to run".to_string(),
                (target, _) => format!("no enabled {} Bee to run", target.word()),
            };
            return Err(ErrorReply::not_found(what));
        }
        chosen.sort_by_key(|(bee_id, _)| *bee_id);
        Ok(chosen)
    }

    fn ticket(&mut self, key: RunKey) -> Ticket {
        let (started_tx, started) = oneshot::channel();
        let (finished_tx, finished) = oneshot::channel();
        if let Some(run) = self.runs.get_mut(&key) {
            run.on_started.push(started_tx);
            run.on_finished.push(finished_tx);
        }
        Ticket { started, finished }
    }

    /// Stops the targeted runs; each receiver gets the run's final summary.
    fn kill_target(
        &mut self,
        target: Target,
        slug: Option<&str>,
    ) -> Result<Vec<oneshot::Receiver<RunSummary>>, ErrorReply> {
        let slug = match target {
            Target::Bee | Target::Cron => Some(needs_slug(target, slug)?),
            _ => None,
        };
        if target == Target::Bee {
            let slug = slug.unwrap_or_default();
            let known = self.plans.values().any(|plan| plan.row.slug == slug)
                || self.runs.values().any(|run| run.slug == slug);
            if !known {
                return Err(ErrorReply::not_found(format!("Bee not found: '{slug}'")));
            }
        }
        let keys: Vec<RunKey> = self
            .runs
            .iter()
            .filter(|(_, run)| !run.exited)
            .filter(|(_, run)| match target {
                Target::Hive => true,
                Target::Bee => Some(run.slug.as_str()) == slug,
                Target::Cron => run.lane == Lane::Cron && run.cron_slug.as_deref() == slug,
                Target::Ondemand => run.kind == RunKind::Ondemand,
                Target::Scheduled => run.kind == RunKind::Scheduled,
                Target::Supervised => run.kind == RunKind::Supervised,
            })
            .map(|(key, _)| *key)
            .collect();
        let mut ends = Vec::new();
        for key in keys {
            if let Some(run) = self.runs.get_mut(&key) {
                let (tx, rx) = oneshot::channel();
                run.on_finished.push(tx);
                run.stop(StopReason::Operator);
                tracing::info!(bee = %run.slug, run.id = run.run_id, "run killed by an operator");
                ends.push(rx);
            }
        }
        Ok(ends)
    }

    fn dequeue(&mut self, bee_id: i64) -> Option<oneshot::Receiver<RunSummary>> {
        self.queue.retain(|item| item.bee_id != bee_id);
        let key = *self.lanes.get(&(bee_id, Lane::Once))?;
        let run = self.runs.get_mut(&key)?;
        if run.kind != RunKind::Ondemand {
            return None;
        }
        let (tx, rx) = oneshot::channel();
        run.on_finished.push(tx);
        run.stop(StopReason::Operator);
        Some(rx)
    }

    async fn control(&mut self, action: ControlAction) -> Result<(), ErrorReply> {
        match action {
            ControlAction::Pause | ControlAction::Resume => {
                let paused = action == ControlAction::Pause;
                self.record_paused(paused).await?;
                self.set_paused(paused);
            }
            ControlAction::Reload => {
                tracing::info!("reload: stopping every run and reading the definitions again");
                for run in self.runs.values_mut() {
                    run.stop(StopReason::Operator);
                }
                self.restart_at.clear();
                self.backoff.clear();
                self.next_fire.clear();
                self.plan_again().await;
            }
        }
        Ok(())
    }

    async fn record_paused(&self, paused: bool) -> Result<(), ErrorReply> {
        let write = async {
            let mut tx = self.hive.store.write.begin().await?;
            plans::set_paused(&mut tx, self.hive.store.app_id, paused).await?;
            tx.commit().await
        };
        write.await.map_err(|err| {
            tracing::error!(error = %err, "cannot record the pause flag");
            ErrorReply::new(
                ErrorCode::Unavailable,
                "the config database cannot record the pause flag now; nothing was changed",
            )
        })
    }

    /// Applies a pause (every run stops, nothing starts) or a resume.
    pub(super) fn set_paused(&mut self, paused: bool) {
        if self.paused == paused {
            return;
        }
        self.paused = paused;
        if paused {
            tracing::info!("paused: stopping every run; none starts until resumed");
            for run in self.runs.values_mut() {
                run.stop(StopReason::Operator);
            }
            self.restart_at.clear();
            self.pending_fire.clear();
        } else {
            tracing::info!("resumed");
            self.backoff.clear();
            self.replan();
            self.start_queued();
        }
    }

    /// Follows the control row when other software changed it (Wurker 0.1's tools, a node
    /// sharing the database).
    pub(super) async fn sync_control(&mut self) {
        let paused = self.read_paused().await;
        self.set_paused(paused);
        let reload = async {
            let mut tx = self.hive.store.write.begin().await?;
            let wanted = plans::take_reload(&mut tx, self.hive.store.app_id).await?;
            tx.commit().await.map(|()| wanted)
        };
        if let Ok(true) = reload.await {
            let _ = self.control(ControlAction::Reload).await;
        }
    }

    pub(super) async fn read_paused(&self) -> bool {
        let read = async {
            let mut conn = self.hive.store.read.acquire().await?;
            plans::is_paused(&mut conn, self.hive.store.app_id).await
        };
        read.await.unwrap_or(self.paused)
    }

    fn snapshot(&self) -> Snapshot {
        let hive = self
            .runs
            .values()
            .filter(|run| !run.exited)
            .filter_map(|run| {
                let (at, started_at) = run.started?;
                let group = match run.lane {
                    Lane::Cron => run.cron_slug.clone().unwrap_or_else(|| "orphaned".into()),
                    Lane::Once => "ondemand".into(),
                };
                Some(HiveEntry {
                    group,
                    bee_slug: run.slug.clone(),
                    pid: i64::from(run.pid?),
                    runcount: run.runcount,
                    timestamp: started_at.to_rfc3339_opts(SecondsFormat::Micros, false),
                    duration_us: i64::try_from(at.elapsed().as_micros()).unwrap_or(i64::MAX),
                })
            })
            .collect();
        let next_fires = if self.paused {
            Default::default()
        } else {
            self.next_fire
                .iter()
                .map(|(bee_id, (fire, _))| (*bee_id, *fire))
                .collect()
        };
        Snapshot {
            hive,
            next_fires,
            paused: self.paused,
        }
    }
}

/// Bees chosen for a run: each Bee's id and, for a queued Bee, the args of its queue item.
type Chosen = Vec<(i64, Option<Option<protocol::JsonText>>)>;

fn needs_slug(target: Target, slug: Option<&str>) -> Result<&str, ErrorReply> {
    slug.filter(|slug| !slug.is_empty()).ok_or_else(|| {
        ErrorReply::invalid(format!(
            "'{}' needs the slug of the {} (--slug)",
            target.word(),
            if target == Target::Bee { "Bee" } else { "Cron" }
        ))
    })
}
