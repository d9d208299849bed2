//! The daemon's log: structured `tracing` events on stderr, filtered by `WURKER_LOG` when set,
//! else by the configured `loglevel` raised by each `-v`.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber. `loglevel` is a `wurker.toml` level name.
pub fn init(loglevel: &str, verbosity: u8) {
    let base: usize = match loglevel {
        "trace" => 0,
        "debug" => 1,
        "info" => 2,
        "warning" => 3,
        _ => 4,
    };
    let level =
        ["trace", "debug", "info", "warn", "error"][base.saturating_sub(usize::from(verbosity))];
    let filter = EnvFilter::try_from_env("WURKER_LOG")
        .unwrap_or_else(|_| EnvFilter::new(format!("wurkerd={level},warn")));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}
