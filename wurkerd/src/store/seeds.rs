//! What seeding needs beyond the definitions themselves: this node's seed level in
//! `wurker_control.seed`, and removing everything seeded for this node.

use sqlx::AssertSqlSafe;
use uuid::Uuid;

use crate::store::{Conn, StoreError, query};

/// The highest seed file number applied on this node, `-1` when none was.
///
/// # Errors
/// On a database failure.
pub async fn level(conn: &mut Conn, app_id: Uuid) -> Result<i64, StoreError> {
    let row = query("SELECT seed FROM wurker_control WHERE app_id = ?")
        .bind(app_id)
        .fetch_optional(conn)
        .await?;
    let level = match row {
        Some(row) => row.opt_int("seed")?,
        None => None,
    };
    Ok(level.unwrap_or(-1))
}

/// Records the seed level of this node (its control row exists from the daemon's start).
///
/// # Errors
/// On a database failure.
pub async fn set_level(conn: &mut Conn, app_id: Uuid, level: i64) -> Result<(), StoreError> {
    query("UPDATE wurker_control SET seed = ? WHERE app_id = ?")
        .bind(level)
        .bind(app_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes this node's definitions, queue, kill requests and reports, and resets its seed
/// level. Other nodes' rows in a shared database are untouched, and so are this node's
/// control and status rows, which the running daemon needs.
///
/// # Errors
/// On a database failure; run it in a transaction, so that a failure deletes nothing.
pub async fn drop_definitions(conn: &mut Conn, app_id: Uuid) -> Result<(), StoreError> {
    // Children before parents, so that the foreign keys hold at every step.
    for table in [
        "wurker_bee_report",
        "wurker_queue",
        "wurker_kill_queue",
        "wurker_bee",
        "wurker_cron",
        "wurker_command",
    ] {
        let sql = format!("DELETE FROM {table} WHERE app_id = ?");
        query(AssertSqlSafe(sql)).bind(app_id).execute(conn).await?;
    }
    set_level(conn, app_id, -1).await
}
