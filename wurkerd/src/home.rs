//! A node's home on disk: creating its layout and first configuration on the first start, and
//! the lock that keeps a second daemon off a home that already has one.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use nix::fcntl::{Flock, FlockArg};
use protocol::home::Layout;
use uuid::Uuid;

use crate::config;

/// Creates `etc/`, `opt/` and `data/` and, when the home has no `wurker.toml`, writes the
/// default one with a fresh `app_id`. Returns whether the configuration file was created.
///
/// # Errors
/// When a directory or the file cannot be created.
pub fn prepare(layout: &Layout) -> Result<bool> {
    for dir in [&layout.home, &layout.etc, &layout.opt, &layout.data] {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating directory {}", dir.display()))?;
    }
    // data/ holds databases, credentials and the socket: only the owner may look inside.
    std::fs::set_permissions(&layout.data, std::fs::Permissions::from_mode(0o700))
        .with_context(|| format!("restricting permissions of {}", layout.data.display()))?;

    let path = layout.config_file();
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path);
    let mut file = match file {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => return Ok(false),
        Err(err) => return Err(err).with_context(|| format!("creating {}", path.display())),
    };
    file.write_all(config::default_file(Uuid::new_v4()).as_bytes())
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(true)
}

/// The exclusive lock on a home, held for as long as the daemon runs.
#[derive(Debug)]
pub struct HomeLock {
    _lock: Flock<File>,
    path: PathBuf,
}

impl HomeLock {
    /// Takes the home's lock and records our pid in it.
    ///
    /// # Errors
    /// When another daemon holds the lock (its pid is named), or the file cannot be used.
    pub fn acquire(layout: &Layout) -> Result<Self> {
        let path = layout.data.join("wurkerd.pid");
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(&path)
            .with_context(|| format!("opening lock file {}", path.display()))?;
        let mut lock = match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
            Ok(lock) => lock,
            Err((_, nix::errno::Errno::EWOULDBLOCK)) => {
                let holder = std::fs::read_to_string(&path).unwrap_or_default();
                bail!(
                    "another wurkerd (pid {}) is already running on the home {}",
                    holder.trim(),
                    layout.home.display()
                );
            }
            Err((_, errno)) => {
                return Err(errno).with_context(|| format!("locking {}", path.display()));
            }
        };
        lock.set_len(0)
            .with_context(|| format!("truncating {}", path.display()))?;
        writeln!(lock, "{}", std::process::id())
            .with_context(|| format!("writing {}", path.display()))?;
        Ok(Self { _lock: lock, path })
    }
}

impl Drop for HomeLock {
    fn drop(&mut self) {
        // The lock itself is released by closing the file; the pid file goes with it.
        let _ = std::fs::remove_file(&self.path);
    }
}
