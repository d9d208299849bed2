//! `wurkerd`, the Wurker daemon, as a library: it owns a node's home, its databases and its
//! socket, and serves clients until told to stop. `main.rs` only parses arguments, sets up
//! logging and binds; tests drive the same entry points.

pub mod config;
mod defs;
mod files;
mod handlers;
pub mod hive;
pub mod home;
pub mod host;
pub mod init;
mod input;
pub mod ipc;
pub mod logging;
pub mod password;
pub mod runtime;
pub mod schedule;
pub mod seed;
pub mod settings;
pub mod stinger;
pub mod store;

use std::sync::Arc;

use anyhow::{Context as _, Result};
use interprocess::local_socket::tokio::Listener;
use nix::unistd::Group;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::config::Config;
use crate::handlers::Context;
use crate::hive::{HiveContext, LaunchEnv};
use crate::ipc::PeerPolicy;
use crate::runtime::Runtime;
use crate::settings::Settings;
use crate::store::Store;

/// Runs the daemon on a bound socket until `shutdown` is cancelled: opens the databases,
/// starts the runtime (which first resolves the runs a previous daemon left), serves clients;
/// then stops accepting, stops every run and records it, lets open requests finish, and
/// closes the databases.
///
/// # Errors
/// When the databases cannot be opened or migrated, or the socket group cannot be resolved.
pub async fn run(config: Config, listener: Listener, shutdown: CancellationToken) -> Result<()> {
    let store = Store::open(&config).await?;
    tracing::info!(
        app_id = %config.app_id,
        config_db = %config.config_db,
        socket = %config.socket.display(),
        "wurkerd ready"
    );

    let group = match &config.socket_group {
        Some(name) => Group::from_name(name)?.map(|group| group.gid),
        None => None,
    };
    let hive = Arc::new(hive_context(&config, &store)?);
    tokio::spawn(hive::record::write_kept(Arc::clone(&hive)));
    let runtime_tasks = TaskTracker::new();
    let runtime_stop = CancellationToken::new();
    let runtime = Runtime::start(
        Arc::clone(&hive),
        config.timezone,
        &runtime_tasks,
        runtime_stop.clone(),
    );
    let ctx = Context {
        store: store.clone(),
        runtime,
        logs: Arc::clone(&hive.logs),
        data: config.layout.data.clone(),
        settings: Arc::new(Settings::new(config)),
    };
    let tasks = TaskTracker::new();
    ipc::serve(
        listener,
        ctx,
        PeerPolicy::new(group),
        shutdown.child_token(),
        tasks.clone(),
    )
    .await;

    // The listener is gone (and its socket file with it). Stop the runs and record them;
    // requests waiting on runs then finish too.
    runtime_stop.cancel();
    runtime_tasks.close();
    runtime_tasks.wait().await;
    tasks.close();
    tasks.wait().await;
    store.close().await;
    tracing::info!("wurkerd stopped");
    Ok(())
}

fn hive_context(config: &Config, store: &Store) -> Result<HiveContext> {
    let runner_dir = config.layout.data.join("runner");
    let runner = hive::launch::install_runner(&runner_dir)
        .with_context(|| format!("installing the PyBee runner in {}", runner_dir.display()))?;
    Ok(HiveContext {
        store: store.clone(),
        journal: hive::journal::Journal::start(store.clone()),
        env: LaunchEnv {
            app_id: config.app_id.to_string(),
            home: config.layout.home.clone(),
            opt: config.layout.opt.clone(),
            socket: config.socket.clone(),
            python: config.python.clone(),
            runner,
        },
        data: config.layout.data.clone(),
        pipes: hive::output::pipe_dir(&config.layout.data, &config.app_id.to_string()),
        settings: config.runtime.clone(),
        logs: Arc::default(),
        kept: Arc::default(),
    })
}
