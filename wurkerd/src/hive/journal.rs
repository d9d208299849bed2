//! The runs' writes, committed in groups: reports in the config database, the Hive in the
//! local one. Runs start and end in bursts
//! (a queue of two hundred ondemand items, a Cron shared by many Bees), and every write would
//! otherwise be a transaction of its own waiting for the single writer. The journal takes the
//! writes that are waiting when it is free and commits them together; when a group fails, its
//! writes are retried one by one, so one bad write never costs the others.

use protocol::JsonText;
use tokio::sync::{mpsc, oneshot};

use crate::store::hive::{self, HiveRow};
use crate::store::runs::{self, Ending, NewRun, Opening};
use crate::store::{Conn, Pool, Store, StoreError, queue};

/// The most writes committed together.
const GROUP: usize = 256;

/// One write of a run.
#[derive(Debug, Clone)]
pub enum Entry {
    /// The PROCESSING row of a run about to start; answers the new run id.
    Begin {
        bee_id: i64,
        cron_id: Option<i64>,
        args: Option<JsonText>,
        started_at: chrono::DateTime<chrono::Utc>,
        status_info: JsonText,
    },
    SetPid {
        run_id: i64,
        pid: u32,
    },
    Overrun {
        run_id: i64,
        runcount: i64,
        status_info: JsonText,
    },
    /// The final report, and the removal of the run's ondemand item when it had one. A run
    /// that started without a report row (`opening`) gets its whole row now; the answer is
    /// the run id the report has.
    Finish {
        run_id: i64,
        ending: Ending,
        dequeue: Option<i64>,
        opening: Option<Box<Opening>>,
    },
    /// A started run in the local Hive table.
    Hive(Box<HiveRow>),
    /// An ended run leaves the local Hive table.
    Forget {
        run_id: i64,
    },
}

impl Entry {
    /// Whether the entry goes to the local database rather than the config database.
    fn is_local(&self) -> bool {
        matches!(self, Entry::Hive(_) | Entry::Forget { .. })
    }
}

type Waiting = (Entry, oneshot::Sender<Result<i64, StoreError>>);

/// The handle runs write through.
#[derive(Debug, Clone)]
pub struct Journal {
    writes: mpsc::UnboundedSender<Waiting>,
}

impl Journal {
    /// Starts the writer; it ends when the last handle is dropped.
    pub fn start(store: Store) -> Self {
        let (writes, waiting) = mpsc::unbounded_channel();
        tokio::spawn(write_groups(store, waiting));
        Self { writes }
    }

    /// Writes one entry; answers the new run id for [`Entry::Begin`], 0 otherwise.
    ///
    /// # Errors
    /// As the store sorts them; [`StoreError::Unavailable`] while the database is out of reach.
    pub async fn write(&self, entry: Entry) -> Result<i64, StoreError> {
        let (reply, answer) = oneshot::channel();
        if self.writes.send((entry, reply)).is_err() {
            return Err(stopped());
        }
        answer.await.unwrap_or_else(|_| Err(stopped()))
    }
}

fn stopped() -> StoreError {
    StoreError::Unavailable(sqlx::Error::PoolClosed)
}

async fn write_groups(store: Store, mut waiting: mpsc::UnboundedReceiver<Waiting>) {
    while let Some(first) = waiting.recv().await {
        let mut group = vec![first];
        while group.len() < GROUP {
            match waiting.try_recv() {
                Ok(next) => group.push(next),
                Err(_) => break,
            }
        }
        let (local, config): (Vec<Waiting>, Vec<Waiting>) =
            group.into_iter().partition(|(entry, _)| entry.is_local());
        for (pool, part) in [(&store.local, local), (&store.write, config)] {
            if !part.is_empty() {
                commit_group(&store, pool, part).await;
            }
        }
    }
}

/// Commits a group in one transaction, or, when that fails, each entry in its own.
async fn commit_group(store: &Store, pool: &Pool, group: Vec<Waiting>) {
    let entries: Vec<&Entry> = group.iter().map(|(entry, _)| entry).collect();
    match commit(store, pool, &entries).await {
        Ok(answers) => {
            for ((_, reply), answer) in group.into_iter().zip(answers) {
                let _ = reply.send(Ok(answer));
            }
        }
        Err(_) => {
            for (entry, reply) in group {
                let _ = reply.send(commit(store, pool, &[&entry]).await.map(|a| a[0]));
            }
        }
    }
}

async fn commit(store: &Store, pool: &Pool, entries: &[&Entry]) -> Result<Vec<i64>, StoreError> {
    let mut tx = pool.begin().await?;
    let mut answers = Vec::with_capacity(entries.len());
    for entry in entries {
        answers.push(apply(&mut tx, store, entry).await?);
    }
    tx.commit().await?;
    Ok(answers)
}

async fn apply(conn: &mut Conn, store: &Store, entry: &Entry) -> Result<i64, StoreError> {
    match entry {
        Entry::Begin {
            bee_id,
            cron_id,
            args,
            started_at,
            status_info,
        } => {
            let run = NewRun {
                app_id: store.app_id,
                bee_id: *bee_id,
                cron_id: *cron_id,
                args: args.as_ref(),
                started_at: *started_at,
            };
            runs::begin(conn, &run, status_info).await
        }
        Entry::SetPid { run_id, pid } => runs::set_pid(conn, *run_id, *pid).await.map(|()| 0),
        Entry::Overrun {
            run_id,
            runcount,
            status_info,
        } => runs::mark_overrun(conn, *run_id, *runcount, status_info)
            .await
            .map(|()| 0),
        Entry::Finish {
            run_id,
            ending,
            dequeue,
            opening,
        } => {
            let id = match opening {
                Some(opening) => runs::insert_ended(conn, opening, ending).await?,
                None => runs::finish(conn, *run_id, ending)
                    .await
                    .map(|()| *run_id)?,
            };
            if let Some(bee_id) = dequeue {
                queue::delete(conn, *bee_id).await?;
            }
            Ok(id)
        }
        Entry::Hive(row) => hive::insert(conn, row).await.map(|()| 0),
        Entry::Forget { run_id } => hive::delete(conn, *run_id).await.map(|()| 0),
    }
}
