//! The node's settings as the running daemon holds them: the configuration it started with,
//! updated in place when `wurk admin config` changes what can change without a restart, and
//! the lock that lets one administrative operation (sting, seed, init) touch the home at a
//! time.

use std::sync::{PoisonError, RwLock};

use tokio::sync::{Mutex, MutexGuard};

use crate::config::Config;

/// Shared by every request handler.
#[derive(Debug)]
pub struct Settings {
    current: RwLock<Config>,
    admin: Mutex<()>,
}

impl Settings {
    /// Settings starting from the configuration the daemon was started with.
    pub fn new(config: Config) -> Self {
        Self {
            current: RwLock::new(config),
            admin: Mutex::new(()),
        }
    }

    /// A copy of the current configuration.
    pub fn current(&self) -> Config {
        // A writer that panicked left a whole Config behind (it only assigns), so it is usable.
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Replaces the current configuration.
    pub fn replace(&self, config: Config) {
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = config;
    }

    /// Waits for the administrative lock; operations that change the home's files hold it.
    pub async fn lock_admin(&self) -> MutexGuard<'_, ()> {
        self.admin.lock().await
    }
}
