//! `wurkerd`: starts the Wurker daemon on a home directory and runs it in the foreground until
//! SIGTERM or SIGINT.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;
use protocol::home::{Layout, resolve_home};
use tokio::signal::unix::{SignalKind, signal};
use tokio_util::sync::CancellationToken;
use wurkerd::config::Config;
use wurkerd::home::{self, HomeLock};

/// The Wurker daemon: scheduler, supervisor, ondemand queue and config store of one node.
#[derive(Debug, Parser)]
#[command(name = "wurkerd", version, disable_help_subcommand = true)]
struct Args {
    /// The node's home directory (default: $WURKER_HOME, else ~/.config/wurker)
    #[arg(long, value_name = "DIR")]
    home: Option<PathBuf>,
    /// Log more (repeatable)
    #[arg(short, long, action = clap::ArgAction::Count)]
    verbose: u8,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match start(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // Logging may not be set up yet, so the cause chain goes to stderr directly.
            eprintln!("wurkerd: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn start(args: Args) -> Result<()> {
    let layout = Layout::new(resolve_home(args.home.as_deref())?);
    let created = home::prepare(&layout)?;
    let config = Config::load(&layout)?;
    wurkerd::logging::init(&config.loglevel, args.verbose);
    if created {
        tracing::info!(home = %layout.home.display(), app_id = %config.app_id, "new home created");
    }
    let _lock = HomeLock::acquire(&layout)?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        // Before the socket exists, so that no client sees a half-initialized home.
        if created {
            wurkerd::init::first_start(&config).await;
        }
        let listener = wurkerd::ipc::bind(&config.socket, config.socket_group.as_deref())?;
        let shutdown = CancellationToken::new();
        tokio::spawn(stop_on_signal(shutdown.clone()));
        wurkerd::run(config, listener, shutdown).await
    })
}

/// Cancels `shutdown` on the first SIGTERM or SIGINT.
async fn stop_on_signal(shutdown: CancellationToken) {
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        tracing::error!("cannot install signal handlers; stop wurkerd with SIGKILL");
        return;
    };
    tokio::select! {
        _ = term.recv() => tracing::info!(signal = "SIGTERM", "shutting down"),
        _ = int.recv() => tracing::info!(signal = "SIGINT", "shutting down"),
    }
    shutdown.cancel();
}
