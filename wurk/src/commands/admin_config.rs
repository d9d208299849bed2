//! `wurk admin config get|set|reset`: reads and edits the home's `wurker.toml` directly, so it
//! works without a daemon. A change is written atomically and whole; a running daemon is then
//! told to reload, and when it refuses the new file the old one is put back.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, anyhow, bail};

use protocol::home::{Layout, resolve_home};
use protocol::{ErrorCode, ErrorReply, Request, Response};

use super::DaemonFlags;
use super::config_doc;
use crate::cli::admin::ConfigCommand;
use crate::client::NotRunning;
use crate::output::{print_json, print_line};

/// The configuration a new home starts with; `@APP_ID@` names the node.
const TEMPLATE: &str = include_str!("../../../etc/wurker.toml");

/// Carries out one `wurk admin config` command.
///
/// # Errors
/// A missing or invalid file, a bad selector or pair (nothing is written then), or a daemon
/// that refused the change (the file is then as it was).
pub fn run(command: &ConfigCommand, daemon: &DaemonFlags) -> anyhow::Result<()> {
    let path = config_file(daemon)?;
    match command {
        ConfigCommand::Get { table_key } => {
            let document = config_doc::parse(&read(&path)?, &path.display().to_string())
                .map_err(|why| anyhow!(why))?;
            print_json(
                &config_doc::get(&document, table_key.as_deref()).map_err(|why| anyhow!(why))?,
            )
        }
        ConfigCommand::Set { key_values } => {
            if key_values.is_empty() {
                return Ok(());
            }
            let old = read(&path)?;
            let mut document =
                config_doc::parse(&old, &path.display().to_string()).map_err(|why| anyhow!(why))?;
            config_doc::set(&mut document, key_values).map_err(|why| anyhow!(why))?;
            replace(&path, Some(&old), &document.to_string(), daemon)
        }
        ConfigCommand::Reset => {
            let old = std::fs::read_to_string(&path).ok();
            let app_id = old
                .as_deref()
                .and_then(current_app_id)
                .unwrap_or_else(uuid::Uuid::new_v4);
            let text = TEMPLATE.replace("@APP_ID@", &app_id.to_string());
            replace(&path, old.as_deref(), &text, daemon)
        }
    }
}

fn config_file(daemon: &DaemonFlags) -> anyhow::Result<PathBuf> {
    let home = resolve_home(daemon.home.as_deref()).context("finding the Wurker home")?;
    Ok(Layout::new(home).config_file())
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| {
        format!(
            "cannot read {}; start wurkerd once on this home, or run 'wurk admin config reset'",
            path.display()
        )
    })
}

/// The node's `app_id` in a configuration text, when it names a valid one.
fn current_app_id(text: &str) -> Option<uuid::Uuid> {
    let document = config_doc::parse(text, "").ok()?;
    let id = document.get("wurker")?.get("app_id")?.as_str()?;
    uuid::Uuid::parse_str(id.trim())
        .ok()
        .filter(|id| !id.is_nil())
}

/// Writes the new text, tells a running daemon, and restores `old` when the daemon refuses.
fn replace(path: &Path, old: Option<&str>, text: &str, daemon: &DaemonFlags) -> anyhow::Result<()> {
    write(path, text)?;
    let reply = match daemon.call(&Request::ReloadConfig) {
        Ok(reply) => reply,
        Err(err) if err.chain().any(|cause| cause.is::<NotRunning>()) => return Ok(()),
        Err(err) => {
            let refused = err
                .downcast_ref::<ErrorReply>()
                .filter(|reply| reply.code == ErrorCode::Invalid);
            if let Some(reply) = refused {
                let message = reply.message.clone();
                match old {
                    Some(old) => write(path, old)?,
                    None => std::fs::remove_file(path)
                        .with_context(|| format!("removing {}", path.display()))?,
                }
                bail!("wurkerd refused the new configuration: {message}; wurker.toml is unchanged");
            }
            eprintln!("warning: wurker.toml was written, but wurkerd could not be told: {err:#}");
            return Ok(());
        }
    };
    if let Response::Lines(lines) = reply {
        for line in lines {
            print_line(&line)?;
        }
    }
    Ok(())
}

/// Replaces the file atomically with mode 0600 (it may hold database passwords).
fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let temp = dir.join(format!(".wurker.toml.{}.tmp", std::process::id()));
    let written = std::fs::write(&temp, text)
        .and_then(|()| std::fs::set_permissions(&temp, std::fs::Permissions::from_mode(0o600)))
        .and_then(|()| std::fs::rename(&temp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written.with_context(|| format!("writing {}", path.display()))
}
