//! Whether a database is reachable, as the last statement found it, and the log lines an
//! operator reads when it stops and starts being reachable. Nothing polls: every statement run
//! through [`crate::store::Query`] (and every connection or transaction asked of a
//! [`crate::store::Pool`]) reports its outcome here, and only a change of state is logged.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use crate::store::StoreError;

/// The reachability of one database, shared by its pool and every connection taken from it.
#[derive(Debug, Clone)]
pub struct Health(Arc<State>);

#[derive(Debug)]
struct State {
    /// Which database this is, for the log: "config" or "local".
    name: &'static str,
    /// A fast check for the common case; `down_since` is only locked on a change.
    is_down: AtomicBool,
    down_since: Mutex<Option<Instant>>,
}

impl Health {
    /// A database believed reachable until a statement finds otherwise.
    pub fn new(name: &'static str) -> Self {
        Self(Arc::new(State {
            name,
            is_down: AtomicBool::new(false),
            down_since: Mutex::new(None),
        }))
    }

    /// Whether the last statement reached the database.
    pub fn is_up(&self) -> bool {
        !self.0.is_down.load(Ordering::Relaxed)
    }

    /// Records a statement's outcome. Any answer from the database, an error included, shows
    /// that it is reachable; only [`StoreError::Unavailable`] shows that it is not.
    pub fn observe<T>(&self, result: &Result<T, StoreError>) {
        match result {
            Err(err) if err.is_unavailable() => self.mark_down(err),
            _ => self.mark_up(),
        }
    }

    fn mark_down(&self, err: &StoreError) {
        if self.0.is_down.load(Ordering::Relaxed) {
            return;
        }
        let mut since = self
            .0
            .down_since
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if since.is_none() {
            *since = Some(Instant::now());
            self.0.is_down.store(true, Ordering::Relaxed);
            tracing::error!(db = self.0.name, error = %err, "database unreachable");
        }
    }

    fn mark_up(&self) {
        if !self.0.is_down.load(Ordering::Relaxed) {
            return;
        }
        let mut since = self
            .0
            .down_since
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(start) = since.take() {
            self.0.is_down.store(false, Ordering::Relaxed);
            tracing::info!(
                db = self.0.name,
                outage_ms = start.elapsed().as_millis() as u64,
                "database reachable again"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_follows_the_last_outcome() {
        let health = Health::new("config");
        assert!(health.is_up());
        health.observe::<()>(&Err(StoreError::Unavailable(sqlx::Error::PoolTimedOut)));
        assert!(!health.is_up());
        // A refused statement still proves the server answers.
        health.observe::<()>(&Err(StoreError::NotFound { what: "bee".into() }));
        assert!(health.is_up());
        health.observe::<()>(&Err(StoreError::Unavailable(sqlx::Error::PoolClosed)));
        health.observe(&Ok(()));
        assert!(health.is_up());
    }
}
