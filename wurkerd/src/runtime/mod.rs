//! The runtime: the one task that decides what runs when. It owns the plans of every Bee, the
//! timers of their Crons, the supervision of supervised Bees, the ondemand queue and the runs
//! in progress, and acts on events only: an order from a client, a run that started or ended,
//! or the earliest of its timers. [`Runtime`] is the handle the rest of the daemon uses.

mod backoff;
mod engine;
mod orders;
mod plan;
mod recovery;
mod scheduling;
pub mod settings;
mod timers;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use protocol::ErrorReply;
use protocol::model::HiveEntry;
use protocol::runtime::{ControlAction, RunSummary, Target};
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::hive::HiveContext;

pub use engine::Engine;

/// How many orders may wait for the runtime before senders wait too.
const ORDER_BACKLOG: usize = 1024;

/// An order to the runtime.
#[derive(Debug)]
pub(crate) enum Order {
    /// Definitions changed in the config database: plan again.
    DefsChanged,
    /// One Bee's definition changed (or it was added or removed): plan it again.
    BeeChanged(i64),
    /// The ondemand queue changed.
    QueueChanged,
    Run {
        target: Target,
        slug: Option<String>,
        reply: oneshot::Sender<Result<Vec<Ticket>, ErrorReply>>,
    },
    Kill {
        target: Target,
        slug: Option<String>,
        reply: oneshot::Sender<Result<Vec<oneshot::Receiver<RunSummary>>, ErrorReply>>,
    },
    /// Stop the ondemand run of a Bee whose queue item is being removed.
    Dequeue {
        bee_id: i64,
        reply: oneshot::Sender<Option<oneshot::Receiver<RunSummary>>>,
    },
    Control {
        action: ControlAction,
        reply: oneshot::Sender<Result<(), ErrorReply>>,
    },
    Snapshot {
        reply: oneshot::Sender<Snapshot>,
    },
}

/// A run asked for by a client: word of its start, then of its end.
#[derive(Debug)]
pub struct Ticket {
    pub started: oneshot::Receiver<RunSummary>,
    pub finished: oneshot::Receiver<RunSummary>,
}

/// What the runtime is doing now.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub hive: Vec<HiveEntry>,
    /// The next fire time of each scheduled Bee, by Bee id.
    pub next_fires: HashMap<i64, DateTime<Utc>>,
    pub paused: bool,
}

/// The handle on the runtime.
#[derive(Debug, Clone)]
pub struct Runtime {
    orders: mpsc::Sender<Order>,
    tz: Tz,
}

impl Runtime {
    /// Starts the runtime in a task of `tasks`; it recovers what a previous daemon left, then
    /// runs until `shutdown`, when it stops every run and records it before ending.
    pub fn start(
        hive: Arc<HiveContext>,
        tz: Tz,
        tasks: &TaskTracker,
        shutdown: CancellationToken,
    ) -> Self {
        let (orders, receiver) = mpsc::channel(ORDER_BACKLOG);
        let engine = Engine::new(hive, tz, tasks.clone());
        tasks.spawn(engine.run(receiver, shutdown));
        Self { orders, tz }
    }

    /// The time zone Crons are read in.
    pub fn timezone(&self) -> Tz {
        self.tz
    }

    /// Tells the runtime that definitions changed; it plans again at once.
    pub async fn defs_changed(&self) {
        let _ = self.orders.send(Order::DefsChanged).await;
    }

    /// Tells the runtime that one Bee was added, changed or removed; it plans that Bee again.
    pub async fn bee_changed(&self, bee_id: i64) {
        let _ = self.orders.send(Order::BeeChanged(bee_id)).await;
    }

    /// Tells the runtime that the ondemand queue changed; queued Bees start at once.
    pub async fn queue_changed(&self) {
        let _ = self.orders.send(Order::QueueChanged).await;
    }

    /// Starts one-off runs of the targeted Bees.
    ///
    /// # Errors
    /// `Invalid`, `NotFound` or `Conflict` naming the problem; `Unavailable` while the daemon
    /// stops.
    pub async fn run(
        &self,
        target: Target,
        slug: Option<String>,
    ) -> Result<Vec<Ticket>, ErrorReply> {
        self.ask(|reply| Order::Run {
            target,
            slug,
            reply,
        })
        .await?
    }

    /// Stops the targeted runs; each receiver gets the run's final summary.
    ///
    /// # Errors
    /// `Invalid` or `NotFound` naming the problem; `Unavailable` while the daemon stops.
    pub async fn kill(
        &self,
        target: Target,
        slug: Option<String>,
    ) -> Result<Vec<oneshot::Receiver<RunSummary>>, ErrorReply> {
        self.ask(|reply| Order::Kill {
            target,
            slug,
            reply,
        })
        .await?
    }

    /// Stops the ondemand run of a Bee, if one is going; the receiver gets its end.
    pub async fn dequeue(&self, bee_id: i64) -> Option<oneshot::Receiver<RunSummary>> {
        self.ask(|reply| Order::Dequeue { bee_id, reply })
            .await
            .ok()
            .flatten()
    }

    /// Pauses, resumes or reloads the node.
    ///
    /// # Errors
    /// When the pause flag cannot be recorded, or while the daemon stops.
    pub async fn control(&self, action: ControlAction) -> Result<(), ErrorReply> {
        self.ask(|reply| Order::Control { action, reply }).await?
    }

    /// What runs now and when Crons fire next.
    pub async fn snapshot(&self) -> Snapshot {
        self.ask(|reply| Order::Snapshot { reply })
            .await
            .unwrap_or_default()
    }

    async fn ask<T>(
        &self,
        order: impl FnOnce(oneshot::Sender<T>) -> Order,
    ) -> Result<T, ErrorReply> {
        let (reply, answer) = oneshot::channel();
        self.orders
            .send(order(reply))
            .await
            .map_err(|_| stopping())?;
        answer.await.map_err(|_| stopping())
    }
}

fn stopping() -> ErrorReply {
    ErrorReply::new(
        protocol::ErrorCode::Unavailable,
        "wurkerd is shutting down and takes no more orders",
    )
}
