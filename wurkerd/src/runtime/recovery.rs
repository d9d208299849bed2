//! What a starting daemon does about the runs of the one before it. Runs recorded in the Hive
//! table whose process is still alive are adopted (tracked to their end) or stopped, as
//! `runtime.orphans` says; runs whose process is gone, and reports still PROCESSING with no
//! process at all, are closed as ERROR saying the daemon stopped. Processes that carry this
//! node's run environment but no recorded run are stopped: a Bee is never running twice.

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use nix::sys::signal::Signal;
use tokio::time::Instant;

use crate::hive::record::{close_orphan, flush_kept, opening_of};
use crate::hive::{self, Orphan, RunKind, process};
use crate::runtime::engine::{Engine, Lane, Run};
use crate::runtime::settings::OrphanPolicy;
use crate::runtime::timers::Due;
use crate::store::hive::HiveRow;
use crate::store::runs;

const GONE: &str = "wurkerd stopped while this run was in progress; its outcome is unknown";
const STOPPED: &str = "stopped when wurkerd started again: the daemon that started this run \
     had stopped (runtime.orphans = \"kill\")";

impl Engine {
    /// Resolves every run a previous daemon left.
    pub(super) async fn recover(&mut self) {
        let waiting = flush_kept(&self.hive).await;
        if waiting > 0 {
            tracing::warn!(
                runs = waiting,
                "run endings still wait for the config database"
            );
        }
        let _ = crate::store::hive::clear_untracked(&self.hive.store.local).await;
        let rows = match crate::store::hive::list(&self.hive.store.local).await {
            Ok(rows) => rows,
            Err(err) => {
                tracing::error!(error = %err, "cannot read the local Hive table");
                Vec::new()
            }
        };
        let mut kept = HashSet::new();
        for row in rows {
            let alive = row.pid != 0 && process::is_alive(row.pid, row.proc_start);
            let known = self.plans.contains_key(&row.bee_id);
            if alive && known && self.hive.settings.orphans == OrphanPolicy::Adopt {
                kept.insert(row.run_id);
                self.adopt(row.clone());
            } else if alive {
                tracing::warn!(bee = %row.bee_slug, run.id = row.run_id, run.pid = row.pid,
                    "stopping a run left by the previous daemon");
                stop_group(row.pgid, self.hive.settings.kill_grace);
                let opening = opening_of(&self.hive, &row, None);
                close_orphan(
                    &self.hive,
                    row.run_id,
                    row.runcount,
                    STOPPED,
                    opening.as_ref(),
                )
                .await;
            } else {
                tracing::warn!(bee = %row.bee_slug, run.id = row.run_id,
                    "a run ended while wurkerd was down; its outcome is unknown");
                let opening = opening_of(&self.hive, &row, None);
                close_orphan(&self.hive, row.run_id, row.runcount, GONE, opening.as_ref()).await;
            }
            if !kept.contains(&row.run_id) {
                hive::output::OutputPaths::new(
                    &self.hive.pipes,
                    &self.hive.data,
                    row.bee_id,
                    row.run_id,
                )
                .remove_fifos();
            }
        }
        self.close_unrecorded(&kept).await;
        self.stop_strays(&kept);
        self.note_missed_fires().await;
    }

    fn adopt(&mut self, row: HiveRow) {
        let kind = RunKind::from_name(&row.kind).unwrap_or(RunKind::Manual);
        let lane = match kind {
            RunKind::Scheduled | RunKind::Supervised => Lane::Cron,
            RunKind::Ondemand | RunKind::Manual => Lane::Once,
        };
        if !self.plans.contains_key(&row.bee_id) {
            return;
        }
        let key = self.take_key();
        let Some(plan) = self.plans.get(&row.bee_id) else {
            return;
        };
        let age = (Utc::now() - row.started_at).to_std().unwrap_or_default();
        let started = Instant::now().checked_sub(age).unwrap_or_else(Instant::now);
        // A scheduled run that has covered all the fires it may must end within the timeout
        // of the last one; one that may still overrun is counted again at its next fire.
        let limit = match kind {
            RunKind::Scheduled if row.runcount > plan.row.overrun => {
                plan.schedule().and_then(|schedule| {
                    let mut fire = schedule
                        .next_in(self.tz, row.started_at - chrono::Duration::seconds(1))
                        .unwrap_or(row.started_at);
                    for _ in 1..row.runcount {
                        fire = schedule.next_in(self.tz, fire)?;
                    }
                    let since_start = (fire - row.started_at).to_std().unwrap_or_default();
                    let timeout = schedule.timeout_after_fire(self.tz, fire)?;
                    Some((timeout, since_start + timeout))
                })
            }
            _ => None,
        };
        let timeout = limit.map(|(timeout, _)| timeout);
        let orphan = Orphan {
            key,
            row: row.clone(),
            is_pybee: plan.is_pybee(),
            from_queue: kind == RunKind::Ondemand,
        };
        tracing::info!(bee = %row.bee_slug, run.id = row.run_id, run.pid = row.pid,
            "adopted a run left by the previous daemon");
        let control = hive::adopt(&self.hive, &self.tasks, orphan, self.events.clone());
        let deadline = limit.map(|(_, after_start)| started + after_start);
        if let Some(deadline) = deadline {
            self.timers
                .at(deadline.max(Instant::now()), Due::Deadline { key });
        }
        self.runs.insert(
            key,
            Run {
                bee_id: row.bee_id,
                slug: row.bee_slug.clone(),
                cron_slug: plan.row.cron_slug.clone(),
                lane,
                kind,
                control,
                run_id: Some(row.run_id),
                pid: Some(row.pid),
                started: Some((started, row.started_at)),
                runcount: row.runcount,
                timeout,
                deadline: deadline.map(|d| d.max(Instant::now())),
                stopping: None,
                exited: false,
                on_started: Vec::new(),
                on_finished: Vec::new(),
            },
        );
        self.lanes.insert((row.bee_id, lane), key);
    }

    /// Reports still open that no Hive row accounts for (the daemon died between writing the
    /// report and recording the process).
    async fn close_unrecorded(&self, kept: &HashSet<i64>) {
        let open = async {
            let mut conn = self.hive.store.read.acquire().await?;
            runs::open_runs(&mut conn, self.hive.store.app_id).await
        };
        let open = match open.await {
            Ok(open) => open,
            Err(err) => {
                tracing::warn!(error = %err, "cannot look for reports left open");
                return;
            }
        };
        for run in open.into_iter().filter(|run| !kept.contains(&run.id)) {
            tracing::warn!(
                run.id = run.id,
                "closing a report left open by the previous daemon"
            );
            close_orphan(&self.hive, run.id, run.runcount, GONE, None).await;
        }
    }

    /// Stops processes that carry this node's run environment but belong to no adopted run.
    fn stop_strays(&self, kept: &HashSet<i64>) {
        let app_id = self.hive.store.app_id.to_string();
        let mut groups = HashSet::new();
        for carrier in process::carriers(&app_id) {
            if !kept.contains(&carrier.run_id) && groups.insert(carrier.pgid) {
                tracing::warn!(
                    run.id = carrier.run_id,
                    run.pgid = carrier.pgid,
                    "stopping processes of a run no daemon tracks"
                );
                stop_group(carrier.pgid, self.hive.settings.kill_grace);
            }
        }
    }

    /// Says which scheduled Bees missed fire times while the daemon was down; they are
    /// skipped, not run late.
    async fn note_missed_fires(&self) {
        let Ok(Some(text)) = crate::store::hive::fact(&self.hive.store.local, "alive_at").await
        else {
            return;
        };
        let Ok(last) = DateTime::parse_from_rfc3339(&text) else {
            return;
        };
        let (last, now) = (last.to_utc(), Utc::now());
        for plan in self.plans.values() {
            let Some(schedule) = plan.schedule() else {
                continue;
            };
            let mut missed = 0u32;
            let mut at = last;
            while let Some(next) = schedule.next_in(self.tz, at).filter(|next| *next <= now) {
                missed += 1;
                at = next;
                if missed >= 1000 {
                    break;
                }
            }
            if missed > 0 {
                tracing::warn!(bee = %plan.row.slug, missed, down_since = %last,
                    "fire times missed while wurkerd was down were skipped");
            }
        }
    }
}

/// SIGTERM to a group now, SIGKILL after the grace period if anything is left.
fn stop_group(pgid: u32, grace: Duration) {
    if pgid <= 1 {
        return;
    }
    process::signal_group(pgid, Signal::SIGTERM);
    tokio::spawn(async move {
        tokio::time::sleep(grace).await;
        if process::group_alive(pgid) {
            process::signal_group(pgid, Signal::SIGKILL);
        }
    });
}
