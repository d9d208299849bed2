//! `wurker_queue`: Bees waiting for an ondemand run, at most one entry per Bee.

use chrono::Utc;
use protocol::JsonText;
use uuid::Uuid;

use crate::store::{Conn, StoreError, query};

/// One queued run: the Bee and the args that replace its own, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueItem {
    pub bee_id: i64,
    pub bee_slug: String,
    pub args: Option<JsonText>,
}

/// This node's queue, oldest first.
pub async fn list(conn: &mut Conn, app_id: Uuid) -> Result<Vec<QueueItem>, StoreError> {
    let rows = query(
        "SELECT q.wurker_bee_id, q.args, b.slug FROM wurker_queue q \
         JOIN wurker_bee b ON b.id = q.wurker_bee_id \
         WHERE q.app_id = ? ORDER BY q.created_at, q.wurker_bee_id",
    )
    .bind(app_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(QueueItem {
                bee_id: row.int("wurker_bee_id")?,
                bee_slug: row.text("slug")?,
                args: row.json("args")?,
            })
        })
        .collect()
}

/// Whether the Bee has a queue entry.
pub async fn contains(conn: &mut Conn, bee_id: i64) -> Result<bool, StoreError> {
    let found = query("SELECT wurker_bee_id FROM wurker_queue WHERE wurker_bee_id = ?")
        .bind(bee_id)
        .fetch_optional(conn)
        .await?;
    Ok(found.is_some())
}

/// Queues a Bee with optional replacement args. The time of queueing is written by Wurker
/// rather than left to the column default, so that it is UTC on every backend.
pub async fn insert(
    conn: &mut Conn,
    app_id: Uuid,
    bee_id: i64,
    args: Option<&JsonText>,
) -> Result<(), StoreError> {
    query("INSERT INTO wurker_queue (wurker_bee_id, app_id, args, created_at) VALUES (?, ?, ?, ?)")
        .bind(bee_id)
        .bind(app_id)
        .bind(args)
        .bind(Utc::now())
        .execute(conn)
        .await?;
    Ok(())
}

/// Removes a Bee's queue entry.
pub async fn delete(conn: &mut Conn, bee_id: i64) -> Result<(), StoreError> {
    query("DELETE FROM wurker_queue WHERE wurker_bee_id = ?")
        .bind(bee_id)
        .execute(conn)
        .await?;
    Ok(())
}
