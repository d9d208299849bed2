//! `wurkerd`, the Wurker daemon, as a library: it owns a node's home, its databases and its
//! socket, and serves clients until told to stop. `main.rs` only parses arguments, sets up
//! logging and binds; tests drive the same entry points.

pub mod config;
mod defs;
mod files;
mod handlers;
pub mod home;
pub mod host;
pub mod init;
mod input;
pub mod ipc;
pub mod logging;
pub mod password;
pub mod schedule;
pub mod seed;
pub mod settings;
pub mod stinger;
pub mod store;

use std::sync::Arc;

use anyhow::Result;
use interprocess::local_socket::tokio::Listener;
use nix::unistd::Group;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::config::Config;
use crate::handlers::Context;
use crate::ipc::PeerPolicy;
use crate::settings::Settings;
use crate::store::Store;

/// Runs the daemon on a bound socket until `shutdown` is cancelled: opens the databases,
/// serves clients, then lets open requests finish and closes the databases.
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
    let ctx = Context {
        store: store.clone(),
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

    // The listener is gone (and its socket file with it); let connections finish.
    tasks.close();
    tasks.wait().await;
    store.close().await;
    tracing::info!("wurkerd stopped");
    Ok(())
}
