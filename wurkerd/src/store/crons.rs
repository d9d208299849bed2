//! `wurker_cron`: when Bees run.

use protocol::Cron;
use sqlx::sqlite::SqliteRow;
use sqlx::{AssertSqlSafe, Row};
use uuid::Uuid;

use crate::store::Conn;
use crate::store::rows::{uuid, uuid_bytes};

const COLUMNS: &str = "id, app_id, slug, name, cron, overrun";

fn decode(row: &SqliteRow) -> Result<Cron, sqlx::Error> {
    Ok(Cron {
        id: row.try_get("id")?,
        app_id: uuid(row, "app_id")?,
        slug: row.try_get("slug")?,
        name: row.try_get("name")?,
        cron: row.try_get("cron")?,
        overrun: row.try_get::<Option<i64>, _>("overrun")?.unwrap_or(0),
    })
}

/// This node's Crons in slug order, or only the one with `slug`.
pub async fn list(
    conn: &mut Conn,
    app_id: Uuid,
    slug: Option<&str>,
) -> Result<Vec<Cron>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM wurker_cron WHERE app_id = ? AND (? IS NULL OR slug = ?) \
         ORDER BY slug"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(uuid_bytes(app_id))
        .bind(slug)
        .bind(slug)
        .fetch_all(conn)
        .await?;
    rows.iter().map(decode).collect()
}

/// The Cron with this slug, if any.
pub async fn find(conn: &mut Conn, app_id: Uuid, slug: &str) -> Result<Option<Cron>, sqlx::Error> {
    Ok(list(conn, app_id, Some(slug)).await?.into_iter().next())
}

/// The Cron with this id, if it belongs to this node.
pub async fn find_by_id(
    conn: &mut Conn,
    app_id: Uuid,
    id: i64,
) -> Result<Option<Cron>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM wurker_cron WHERE app_id = ? AND id = ?");
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(uuid_bytes(app_id))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(decode).transpose()
}

/// Stores a new Cron (its `id` is ignored) and returns its id.
pub async fn insert(conn: &mut Conn, cron: &Cron) -> Result<i64, sqlx::Error> {
    let result = sqlx::query(
        "INSERT INTO wurker_cron (app_id, slug, name, cron, overrun) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(uuid_bytes(cron.app_id))
    .bind(&cron.slug)
    .bind(&cron.name)
    .bind(&cron.cron)
    .bind(cron.overrun)
    .execute(conn)
    .await?;
    Ok(result.last_insert_rowid())
}

/// Writes every field of an existing Cron.
pub async fn update(conn: &mut Conn, cron: &Cron) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE wurker_cron SET slug = ?, name = ?, cron = ?, overrun = ? \
         WHERE id = ? AND app_id = ?",
    )
    .bind(&cron.slug)
    .bind(&cron.name)
    .bind(&cron.cron)
    .bind(cron.overrun)
    .bind(cron.id)
    .bind(uuid_bytes(cron.app_id))
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes a Cron; the caller has checked that no Bee uses it.
pub async fn delete(conn: &mut Conn, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM wurker_cron WHERE id = ?")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
