//! `wurker_cron`: when Bees run.

use protocol::Cron;
use sqlx::AssertSqlSafe;
use uuid::Uuid;

use crate::store::{Conn, Row, StoreError, query};

const COLUMNS: &str = "id, app_id, slug, name, cron, overrun";

fn decode(row: &Row) -> Result<Cron, StoreError> {
    Ok(Cron {
        id: row.int("id")?,
        app_id: row.uuid("app_id")?,
        slug: row.text("slug")?,
        name: row.text("name")?,
        cron: row.opt_text("cron")?,
        overrun: row.opt_int("overrun")?.unwrap_or(0),
    })
}

/// This node's Crons in slug order, or only the one with `slug`.
pub async fn list(
    conn: &mut Conn,
    app_id: Uuid,
    slug: Option<&str>,
) -> Result<Vec<Cron>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM wurker_cron WHERE app_id = ? AND (? IS NULL OR slug = ?) \
         ORDER BY slug"
    );
    let rows = query(AssertSqlSafe(sql))
        .bind(app_id)
        .bind(slug)
        .bind(slug)
        .fetch_all(conn)
        .await?;
    rows.iter().map(decode).collect()
}

/// The Cron with this slug, if any.
pub async fn find(conn: &mut Conn, app_id: Uuid, slug: &str) -> Result<Option<Cron>, StoreError> {
    Ok(list(conn, app_id, Some(slug)).await?.into_iter().next())
}

/// The Cron with this id, if it belongs to this node.
pub async fn find_by_id(
    conn: &mut Conn,
    app_id: Uuid,
    id: i64,
) -> Result<Option<Cron>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM wurker_cron WHERE app_id = ? AND id = ?");
    let row = query(AssertSqlSafe(sql))
        .bind(app_id)
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(decode).transpose()
}

/// Stores a new Cron (its `id` is ignored) and returns its id.
pub async fn insert(conn: &mut Conn, cron: &Cron) -> Result<i64, StoreError> {
    query("INSERT INTO wurker_cron (app_id, slug, name, cron, overrun) VALUES (?, ?, ?, ?, ?)")
        .bind(cron.app_id)
        .bind(&cron.slug)
        .bind(&cron.name)
        .bind(&cron.cron)
        .bind(cron.overrun)
        .insert(conn)
        .await
}

/// Writes every field of an existing Cron.
pub async fn update(conn: &mut Conn, cron: &Cron) -> Result<(), StoreError> {
    query(
        "UPDATE wurker_cron SET slug = ?, name = ?, cron = ?, overrun = ? \
         WHERE id = ? AND app_id = ?",
    )
    .bind(&cron.slug)
    .bind(&cron.name)
    .bind(&cron.cron)
    .bind(cron.overrun)
    .bind(cron.id)
    .bind(cron.app_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes a Crons; the caller has checked that no Bee uses it.
pub async fn delete(conn: &mut Conn, id: i64) -> Result<(), StoreError> {
    query("DELETE FROM wurker_cron WHERE id = ?")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
