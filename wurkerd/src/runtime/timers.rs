//! The runtime's one clock: every moment it must act at (a Cron fires, a run reaches its
//! deadline, a supervised Bee's back-off ends) in a single heap, so the runtime sleeps exactly
//! until the earliest and never polls. Entries are not removed when plans change; each is
//! checked against the current state when it comes due, and dropped if it no longer matches.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use tokio::time::Instant;

use crate::hive::RunKey;

/// What is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Due {
    /// A Bee's Cron fires (the instant the fire time was planned for).
    Fire { bee_id: i64 },
    /// A run reaches its deadline.
    Deadline { key: RunKey },
    /// A supervised Bee may be restarted.
    Restart { bee_id: i64 },
}

/// The pending moments, earliest first.
#[derive(Debug, Default)]
pub struct Timers {
    heap: BinaryHeap<Reverse<(Instant, Due)>>,
}

impl Timers {
    /// Adds a moment.
    pub fn at(&mut self, when: Instant, due: Due) {
        self.heap.push(Reverse((when, due)));
    }

    /// The earliest moment, if any.
    pub fn next(&self) -> Option<Instant> {
        self.heap.peek().map(|Reverse((when, _))| *when)
    }

    /// Takes every entry due at `now`.
    pub fn take_due(&mut self, now: Instant) -> Vec<(Instant, Due)> {
        let mut due = Vec::new();
        while let Some(Reverse((when, _))) = self.heap.peek() {
            if *when > now {
                break;
            }
            if let Some(Reverse(entry)) = self.heap.pop() {
                due.push(entry);
            }
        }
        due
    }

    /// Drops entries for which `keep` is false, so that stale ones do not pile up.
    pub fn retain(&mut self, mut keep: impl FnMut(&Instant, &Due) -> bool) {
        self.heap.retain(|Reverse((when, due))| keep(when, due));
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.heap.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn due_entries_come_out_in_order() {
        let now = Instant::now();
        let mut timers = Timers::default();
        timers.at(now + Duration::from_secs(3), Due::Fire { bee_id: 3 });
        timers.at(now + Duration::from_secs(1), Due::Restart { bee_id: 1 });
        timers.at(now + Duration::from_secs(2), Due::Deadline { key: 2 });
        assert_eq!(timers.next(), Some(now + Duration::from_secs(1)));
        let due = timers.take_due(now + Duration::from_secs(2));
        let kinds: Vec<Due> = due.into_iter().map(|(_, due)| due).collect();
        assert_eq!(
            kinds,
            [Due::Restart { bee_id: 1 }, Due::Deadline { key: 2 }]
        );
        assert_eq!(timers.len(), 1);
    }
}
