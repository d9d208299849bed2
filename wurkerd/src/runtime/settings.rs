//! The `[runtime]` table of `wurker.toml`: how runs are stopped, how supervised Bees are
//! restarted when they keep failing, how much output is kept, and what a restarted daemon does
//! with runs its predecessor left alive. Durations are seconds, whole or fractional.

use std::time::Duration;

use serde::Deserialize;

/// The table as written, before validation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawRuntime {
    kill_grace: f64,
    restart_backoff: f64,
    restart_backoff_max: f64,
    restart_stable: f64,
    orphans: String,
    log_max_bytes: i64,
    log_keep: i64,
}

impl Default for RawRuntime {
    fn default() -> Self {
        Self {
            kill_grace: 10.0,
            restart_backoff: 0.5,
            restart_backoff_max: 60.0,
            restart_stable: 10.0,
            orphans: "adopt".into(),
            log_max_bytes: 10 * 1024 * 1024,
            log_keep: 10,
        }
    }
}

/// What a restarted daemon does with the runs of its predecessor that are still alive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrphanPolicy {
    /// Track them to their end and record it, as if this daemon had started them.
    Adopt,
    /// Stop them (SIGTERM, grace period, SIGKILL) and record them as ended by the restart.
    Kill,
}

/// The validated `[runtime]` settings.
#[derive(Debug, Clone, PartialEq)]
pub struct RuntimeSettings {
    /// Time between SIGTERM and SIGKILL when a run is stopped.
    pub kill_grace: Duration,
    /// The first delay before restarting a supervised Bee that died quickly twice in a row;
    /// it doubles with each further quick death.
    pub restart_backoff: Duration,
    /// The longest such delay.
    pub restart_backoff_max: Duration,
    /// A run that lasts this long counts as healthy and resets the back-off.
    pub restart_stable: Duration,
    pub orphans: OrphanPolicy,
    /// The most output kept for one run; past it the log keeps the latest output.
    pub log_max_bytes: u64,
    /// How many runs' logs are kept per Bee.
    pub log_keep: usize,
}

impl Default for RuntimeSettings {
    fn default() -> Self {
        // The defaults are valid by construction; the fallback only satisfies the types.
        Self::validate(RawRuntime::default()).unwrap_or(Self {
            kill_grace: Duration::from_secs(10),
            restart_backoff: Duration::from_millis(500),
            restart_backoff_max: Duration::from_secs(60),
            restart_stable: Duration::from_secs(10),
            orphans: OrphanPolicy::Adopt,
            log_max_bytes: 10 * 1024 * 1024,
            log_keep: 10,
        })
    }
}

impl RuntimeSettings {
    /// Checks each value.
    ///
    /// # Errors
    /// The key at fault (`runtime.kill_grace`, ...) and what it must be.
    pub fn validate(raw: RawRuntime) -> Result<Self, (&'static str, String)> {
        let kill_grace = seconds("runtime.kill_grace", raw.kill_grace, 0.0, 3600.0)?;
        let restart_backoff = seconds("runtime.restart_backoff", raw.restart_backoff, 0.0, 3600.0)?;
        let restart_backoff_max = seconds(
            "runtime.restart_backoff_max",
            raw.restart_backoff_max,
            0.0,
            86_400.0,
        )?;
        if restart_backoff_max < restart_backoff {
            return Err((
                "runtime.restart_backoff_max",
                "must not be less than runtime.restart_backoff".into(),
            ));
        }
        let restart_stable = seconds("runtime.restart_stable", raw.restart_stable, 0.0, 86_400.0)?;
        let orphans = match raw.orphans.as_str() {
            "adopt" => OrphanPolicy::Adopt,
            "kill" => OrphanPolicy::Kill,
            _ => return Err(("runtime.orphans", "must be \"adopt\" or \"kill\"".into())),
        };
        let log_max_bytes = u64::try_from(raw.log_max_bytes)
            .ok()
            .filter(|bytes| *bytes >= 1024)
            .ok_or(("runtime.log_max_bytes", "must be at least 1024".to_string()))?;
        let log_keep = usize::try_from(raw.log_keep)
            .ok()
            .filter(|keep| *keep >= 1)
            .ok_or(("runtime.log_keep", "must be 1 or more".to_string()))?;
        Ok(Self {
            kill_grace,
            restart_backoff,
            restart_backoff_max,
            restart_stable,
            orphans,
            log_max_bytes,
            log_keep,
        })
    }
}

fn seconds(
    key: &'static str,
    value: f64,
    min: f64,
    max: f64,
) -> Result<Duration, (&'static str, String)> {
    if !(min..=max).contains(&value) {
        return Err((
            key,
            format!("must be a number of seconds from {min} to {max}"),
        ));
    }
    Ok(Duration::from_secs_f64(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        let settings = RuntimeSettings::default();
        assert_eq!(settings.kill_grace, Duration::from_secs(10));
        assert_eq!(settings.orphans, OrphanPolicy::Adopt);
    }

    #[test]
    fn bad_values_name_their_key() {
        type Change = fn(&mut RawRuntime);
        let cases: [(Change, &str); 5] = [
            (|raw| raw.kill_grace = -1.0, "runtime.kill_grace"),
            (
                |raw| raw.restart_backoff_max = 0.1,
                "runtime.restart_backoff_max",
            ),
            (|raw| raw.orphans = "keep".into(), "runtime.orphans"),
            (|raw| raw.log_max_bytes = 10, "runtime.log_max_bytes"),
            (|raw| raw.log_keep = 0, "runtime.log_keep"),
        ];
        for (change, key) in cases {
            let mut raw = RawRuntime::default();
            change(&mut raw);
            let (found, _) = RuntimeSettings::validate(raw).unwrap_err();
            assert_eq!(found, key);
        }
    }
}
