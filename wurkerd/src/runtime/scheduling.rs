//! Time in the runtime: Cron fire times (read in the configured time zone), run deadlines with
//! their overruns, and the end of supervised Bees' back-offs.

use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::time::Instant;

use crate::hive::{RunControl, RunKind, StopReason};
use crate::runtime::engine::{Engine, Lane, Launch};
use crate::runtime::timers::Due;

/// How early a timer may wake before its fire time by the wall clock (the two clocks drift
/// apart when the system time is set) before it is set again instead of firing.
const EARLY_SLACK: chrono::Duration = chrono::Duration::milliseconds(2);

impl Engine {
    /// Sets the timer of a scheduled Bee for its first fire time after `after`.
    pub(super) fn schedule_next(&mut self, bee_id: i64, after: DateTime<Utc>) {
        let Some(schedule) = self.plans.get(&bee_id).and_then(|plan| plan.schedule()) else {
            self.next_fire.remove(&bee_id);
            return;
        };
        let Some(next) = schedule.next_in(self.tz, after) else {
            self.next_fire.remove(&bee_id);
            return;
        };
        let at = instant_of(next);
        self.next_fire.insert(bee_id, (next, at));
        self.timers.at(at, Due::Fire { bee_id });
    }

    /// Acts on every timer that is due.
    pub(super) fn on_due(&mut self) {
        for (at, due) in self.timers.take_due(Instant::now()) {
            match due {
                Due::Fire { bee_id } => self.on_fire(bee_id, at),
                Due::Deadline { key } => self.on_deadline(key, at),
                Due::Restart { bee_id } => {
                    if self.restart_at.get(&bee_id).map(|(when, _)| *when) == Some(at) {
                        let note = self.restart_at.remove(&bee_id).map(|(_, note)| note);
                        self.ensure_supervised(bee_id, true, note);
                    }
                }
            }
        }
    }

    fn on_fire(&mut self, bee_id: i64, at: Instant) {
        let Some((fire, planned)) = self.next_fire.get(&bee_id).copied() else {
            return;
        };
        if planned != at {
            return;
        }
        let now = Utc::now();
        if now + EARLY_SLACK < fire {
            // The system clock was set back: wait for the fire time by the wall clock.
            let at = instant_of(fire);
            self.next_fire.insert(bee_id, (fire, at));
            self.timers.at(at, Due::Fire { bee_id });
            return;
        }
        self.fire(bee_id, fire);
        self.schedule_after_fire(bee_id, fire, now);
    }

    /// Plans the fire after `fire`; fire times already past (the machine slept, or the clock
    /// jumped) are skipped, and said so.
    fn schedule_after_fire(&mut self, bee_id: i64, fire: DateTime<Utc>, now: DateTime<Utc>) {
        let Some(schedule) = self.plans.get(&bee_id).and_then(|plan| plan.schedule()) else {
            self.next_fire.remove(&bee_id);
            return;
        };
        let mut next = schedule.next_in(self.tz, fire);
        let mut skipped = 0u32;
        while let Some(time) = next.filter(|time| *time <= now) {
            skipped += 1;
            next = schedule.next_in(self.tz, time);
            if skipped > 10_000 {
                next = schedule.next_in(self.tz, now);
                break;
            }
        }
        if skipped > 0 {
            let slug = self.slug_of(bee_id);
            tracing::warn!(bee = %slug, skipped, "fire times passed while wurkerd could not act");
        }
        match next {
            Some(next) => {
                let at = instant_of(next);
                self.next_fire.insert(bee_id, (next, at));
                self.timers.at(at, Due::Fire { bee_id });
            }
            None => {
                self.next_fire.remove(&bee_id);
            }
        }
    }

    /// A Cron fires for a Bee: start a run, or apply the overrun rule to the one still going.
    fn fire(&mut self, bee_id: i64, fire: DateTime<Utc>) {
        let Some(plan) = self.plans.get(&bee_id) else {
            return;
        };
        let slug = plan.row.slug.clone();
        let overrun = plan.row.overrun;
        let timeout = plan
            .schedule()
            .and_then(|schedule| schedule.timeout_after_fire(self.tz, fire));
        if self.paused || self.stopping {
            tracing::debug!(bee = %slug, "fire skipped: the node is paused");
            return;
        }
        let Some(timeout) = timeout else {
            return;
        };
        let running = self.lanes.get(&(bee_id, Lane::Cron)).copied();
        let Some(key) = running else {
            self.fire_now(bee_id, timeout);
            return;
        };
        let Some(run) = self.runs.get_mut(&key) else {
            return;
        };
        if run.kind != RunKind::Scheduled || !run.is_live() {
            // The previous run is on its way out: this fire starts when it has gone.
            self.pending_fire.insert(bee_id, timeout);
            return;
        }
        if run.runcount <= overrun {
            // It covers this fire too; once it has covered all it may, it must end within
            // this fire's timeout.
            run.runcount += 1;
            let _ = run.control.send(RunControl::Overrun(run.runcount));
            if run.runcount > overrun {
                let deadline = Instant::now() + timeout;
                run.deadline = Some(deadline);
                self.timers.at(deadline, Due::Deadline { key });
            }
        } else {
            tracing::warn!(bee = %slug, "run still going at a fire time past its overruns");
            run.stop(StopReason::Timeout);
            self.pending_fire.insert(bee_id, timeout);
        }
    }

    /// Starts a scheduled run now, with the timeout of the fire that asked for it.
    pub(super) fn fire_now(&mut self, bee_id: i64, timeout: Duration) {
        if self.paused || self.stopping {
            return;
        }
        let launch = Launch {
            timeout: Some(timeout),
            ..Launch::plain(RunKind::Scheduled)
        };
        self.start_run(bee_id, Lane::Cron, launch);
    }

    fn on_deadline(&mut self, key: crate::hive::RunKey, at: Instant) {
        let Some(run) = self.runs.get_mut(&key) else {
            return;
        };
        if run.deadline != Some(at) || !run.is_live() {
            return;
        }
        tracing::warn!(bee = %run.slug, run.id = run.run_id, "run timed out; stopping it");
        run.stop(StopReason::Timeout);
    }

    pub(super) fn slug_of(&self, bee_id: i64) -> String {
        self.plans
            .get(&bee_id)
            .map(|plan| plan.row.slug.clone())
            .unwrap_or_default()
    }
}

/// The monotonic instant at which the wall clock reads `time` (now if it is past).
fn instant_of(time: DateTime<Utc>) -> Instant {
    let ahead = (time - Utc::now()).to_std().unwrap_or_default();
    Instant::now() + ahead
}
