//! `wurker_command`: what Bees execute.

use protocol::Command;
use sqlx::sqlite::SqliteRow;
use sqlx::{AssertSqlSafe, Row};
use uuid::Uuid;

use crate::store::Conn;
use crate::store::rows::{flag, uuid, uuid_bytes};

const COLUMNS: &str = "id, app_id, slug, name, description, command, is_module";

fn decode(row: &SqliteRow) -> Result<Command, sqlx::Error> {
    Ok(Command {
        id: row.try_get("id")?,
        app_id: uuid(row, "app_id")?,
        slug: row.try_get("slug")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        command: row.try_get("command")?,
        is_module: flag(row, "is_module")?,
    })
}

/// This node's Commands in slug order, or only the one with `slug`.
pub async fn list(
    conn: &mut Conn,
    app_id: Uuid,
    slug: Option<&str>,
) -> Result<Vec<Command>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM wurker_command WHERE app_id = ? AND (? IS NULL OR slug = ?) \
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

/// The Command with this slug, if any.
pub async fn find(
    conn: &mut Conn,
    app_id: Uuid,
    slug: &str,
) -> Result<Option<Command>, sqlx::Error> {
    Ok(list(conn, app_id, Some(slug)).await?.into_iter().next())
}

/// The Command with this id, if it belongs to this node.
pub async fn find_by_id(
    conn: &mut Conn,
    app_id: Uuid,
    id: i64,
) -> Result<Option<Command>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM wurker_command WHERE app_id = ? AND id = ?");
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(uuid_bytes(app_id))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(decode).transpose()
}

/// Stores a new Command (its `id` is ignored) and returns its id.
pub async fn insert(conn: &mut Conn, command: &Command) -> Result<i64, sqlx::Error> {
    let result = sqlx::query(
        "INSERT INTO wurker_command (app_id, slug, name, description, command, is_module) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(uuid_bytes(command.app_id))
    .bind(&command.slug)
    .bind(&command.name)
    .bind(&command.description)
    .bind(&command.command)
    .bind(command.is_module)
    .execute(conn)
    .await?;
    Ok(result.last_insert_rowid())
}

/// Writes every field of an existing Command.
pub async fn update(conn: &mut Conn, command: &Command) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE wurker_command SET slug = ?, name = ?, description = ?, command = ?, \
         is_module = ? WHERE id = ? AND app_id = ?",
    )
    .bind(&command.slug)
    .bind(&command.name)
    .bind(&command.description)
    .bind(&command.command)
    .bind(command.is_module)
    .bind(command.id)
    .bind(uuid_bytes(command.app_id))
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes a Command; the caller has checked that no Bee uses it.
pub async fn delete(conn: &mut Conn, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM wurker_command WHERE id = ?")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
