//! When a supervised Bee is restarted: at once after a healthy run or a first quick exit, then
//! with a delay that doubles with each further quick exit in a row, up to a cap. A run that
//! lasts the stable period resets the count.

use std::time::Duration;

use crate::runtime::settings::RuntimeSettings;

/// One supervised Bee's record of quick exits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Backoff {
    /// Quick exits in a row.
    pub quick_exits: u32,
}

impl Backoff {
    /// Records a run that lasted `lived` and returns how long to wait before the next start.
    pub fn after_exit(&mut self, lived: Duration, settings: &RuntimeSettings) -> Duration {
        if lived >= settings.restart_stable {
            self.quick_exits = 0;
            return Duration::ZERO;
        }
        self.quick_exits = self.quick_exits.saturating_add(1);
        if self.quick_exits == 1 {
            return Duration::ZERO;
        }
        let doublings = (self.quick_exits - 2).min(30);
        let delay = settings.restart_backoff.saturating_mul(1 << doublings);
        delay.min(settings.restart_backoff_max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_up_to_the_cap_and_reset() {
        let settings = RuntimeSettings {
            restart_backoff: Duration::from_millis(500),
            restart_backoff_max: Duration::from_secs(3),
            restart_stable: Duration::from_secs(10),
            ..RuntimeSettings::default()
        };
        let quick = Duration::from_millis(100);
        let mut backoff = Backoff::default();
        let delays: Vec<u128> = (0..6)
            .map(|_| backoff.after_exit(quick, &settings).as_millis())
            .collect();
        assert_eq!(delays, [0, 500, 1000, 2000, 3000, 3000]);
        assert_eq!(
            backoff.after_exit(Duration::from_secs(11), &settings),
            Duration::ZERO
        );
        assert_eq!(backoff.quick_exits, 0);
        assert_eq!(backoff.after_exit(quick, &settings), Duration::ZERO);
    }
}
