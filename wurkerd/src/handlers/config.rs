//! `ReloadConfig`: `wurk admin config set|reset` (or a sting) changed `wurker.toml`. What can
//! change at once does (name, environment, role, domain: the node's status row); what cannot
//! (identity, databases, socket, log level) is named, with the advice to restart.

use protocol::{ErrorReply, Response};

use crate::config::Config;
use crate::handlers::{Context, Outcome};
use crate::host;
use crate::store::control;

pub async fn reload(ctx: &Context) -> Outcome<Response> {
    Ok(Response::Lines(reload_settings(ctx).await?))
}

/// Reads `wurker.toml` again and applies it; returns lines only when a restart is needed.
///
/// # Errors
/// `Invalid` naming the file and key when the file is not a valid configuration; the daemon
/// then keeps the settings it has.
pub async fn reload_settings(ctx: &Context) -> Outcome<Vec<String>> {
    let current = ctx.settings.current();
    let fresh =
        Config::load(&current.layout).map_err(|err| ErrorReply::invalid(err.to_string()))?;
    let needs_restart = restart_keys(&current, &fresh);
    if !needs_restart.is_empty() {
        tracing::warn!(keys = %needs_restart.join(", "), "config changed; a restart applies it");
        return Ok(vec![format!(
            "wurkerd keeps running with its current settings; restart it to apply: {}",
            needs_restart.join(", ")
        )]);
    }
    let mut tx = ctx.store.write.begin().await?;
    control::register(&mut tx, &fresh, host::private_ipv4()).await?;
    tx.commit().await?;
    ctx.settings.replace(fresh);
    tracing::info!("config reloaded");
    Ok(Vec::new())
}

fn restart_keys(current: &Config, fresh: &Config) -> Vec<&'static str> {
    let mut keys = Vec::new();
    if current.app_id != fresh.app_id {
        keys.push("wurker.app_id");
    }
    if current.loglevel != fresh.loglevel {
        keys.push("wurker.loglevel");
    }
    if current.local_db != fresh.local_db {
        keys.push("local_db");
    }
    if current.config_db != fresh.config_db {
        keys.push("remote_db");
    }
    if current.socket != fresh.socket || current.socket_group != fresh.socket_group {
        keys.push("daemon");
    }
    keys
}
