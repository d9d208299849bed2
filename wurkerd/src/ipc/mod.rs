//! The daemon's Unix socket: binding it safely, accepting clients, and serving each one the
//! framed request/response protocol of [`protocol::codec`].

mod connection;
mod peer;
mod server;

use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use interprocess::local_socket::tokio::Listener;
use interprocess::local_socket::{GenericFilePath, ListenerOptions, ToFsName};
use interprocess::os::unix::local_socket::ListenerOptionsExt;
use nix::unistd::{Group, chown};

pub use peer::PeerPolicy;
pub use server::serve;

/// Binds the daemon's socket at `path`: a socket that still answers belongs to a live daemon
/// (an error), a silent one is stale and is replaced. The socket is private to the daemon's
/// user (mode 0600), or shared with `group` (mode 0660) when one is configured.
///
/// # Errors
/// When another daemon answers there, the group does not exist, or the socket cannot be made.
pub fn bind(path: &Path, group: Option<&str>) -> Result<Listener> {
    if path.exists() {
        if UnixStream::connect(path).is_ok() {
            bail!(
                "another wurkerd is already serving the socket {}",
                path.display()
            );
        }
        std::fs::remove_file(path)
            .with_context(|| format!("removing the stale socket {}", path.display()))?;
        tracing::info!(socket = %path.display(), "removed a stale socket");
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating the socket's directory {}", parent.display()))?;
    }
    let gid = match group {
        Some(name) => Some(
            Group::from_name(name)
                .with_context(|| format!("looking up the socket group '{name}'"))?
                .with_context(|| format!("the socket group '{name}' does not exist"))?
                .gid,
        ),
        None => None,
    };

    let name = path
        .to_fs_name::<GenericFilePath>()
        .with_context(|| format!("using {} as a socket path", path.display()))?;
    let listener = ListenerOptions::new()
        .name(name)
        .mode(if gid.is_some() { 0o660 } else { 0o600 })
        .reclaim_name(true)
        .create_tokio()
        .with_context(|| format!("binding the control socket at {}", path.display()))?;
    if let Some(gid) = gid {
        chown(path, None, Some(gid))
            .with_context(|| format!("giving the socket {} to its group", path.display()))?;
    }
    Ok(listener)
}

/// How long a client may take to say hello before it is dropped.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);
/// How many clients may be connected at once; more wait in the kernel's backlog.
const MAX_CONNECTIONS: usize = 256;
