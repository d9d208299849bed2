//! `wurker_queue`: Bees waiting for an ondemand run, at most one entry per Bee.

use protocol::JsonText;
use sqlx::Row;
use uuid::Uuid;

use crate::store::Conn;
use crate::store::rows::{json, uuid_bytes};

/// One queued run: the Bee and the args that replace its own, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueItem {
    pub bee_id: i64,
    pub bee_slug: String,
    pub args: Option<JsonText>,
}

/// This node's queue, oldest first.
pub async fn list(conn: &mut Conn, app_id: Uuid) -> Result<Vec<QueueItem>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT q.wurker_bee_id, q.args, b.slug FROM wurker_queue q \
         JOIN wurker_bee b ON b.id = q.wurker_bee_id \
         WHERE q.app_id = ? ORDER BY q.created_at, q.rowid",
    )
    .bind(uuid_bytes(app_id))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(QueueItem {
                bee_id: row.try_get("wurker_bee_id")?,
                bee_slug: row.try_get("slug")?,
                args: json(row, "args")?,
            })
        })
        .collect()
}

/// Whether the Bee has a queue entry.
pub async fn contains(conn: &mut Conn, bee_id: i64) -> Result<bool, sqlx::Error> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT wurker_bee_id FROM wurker_queue WHERE wurker_bee_id = ?")
            .bind(bee_id)
            .fetch_optional(conn)
            .await?;
    Ok(found.is_some())
}

/// Queues a Bee with optional replacement args.
pub async fn insert(
    conn: &mut Conn,
    app_id: Uuid,
    bee_id: i64,
    args: Option<&JsonText>,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO wurker_queue (wurker_bee_id, app_id, args) VALUES (?, ?, ?)")
        .bind(bee_id)
        .bind(uuid_bytes(app_id))
        .bind(args.map(|args| args.0.as_str()))
        .execute(conn)
        .await?;
    Ok(())
}

/// Removes a Bee's queue entry.
pub async fn delete(conn: &mut Conn, bee_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM wurker_queue WHERE wurker_bee_id = ?")
        .bind(bee_id)
        .execute(conn)
        .await?;
    Ok(())
}
