//! `wurker_command`: what Bees execute.

use protocol::Command;
use sqlx::AssertSqlSafe;
use uuid::Uuid;

use crate::store::{Conn, Row, StoreError, query};

const COLUMNS: &str = "id, app_id, slug, name, description, command, is_module";

fn decode(row: &Row) -> Result<Command, StoreError> {
    Ok(Command {
        id: row.int("id")?,
        app_id: row.uuid("app_id")?,
        slug: row.text("slug")?,
        name: row.text("name")?,
        description: row.opt_text("description")?,
        command: row.opt_text("command")?,
        is_module: row.flag("is_module")?,
    })
}

/// This node's Commands in slug order, or only the one with `slug`.
pub async fn list(
    conn: &mut Conn,
    app_id: Uuid,
    slug: Option<&str>,
) -> Result<Vec<Command>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM wurker_command WHERE app_id = ? AND (? IS NULL OR slug = ?) \
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

/// The Command with this slug, if any.
pub async fn find(
    conn: &mut Conn,
    app_id: Uuid,
    slug: &str,
) -> Result<Option<Command>, StoreError> {
    Ok(list(conn, app_id, Some(slug)).await?.into_iter().next())
}

/// The Command with this id, if it belongs to this node.
pub async fn find_by_id(
    conn: &mut Conn,
    app_id: Uuid,
    id: i64,
) -> Result<Option<Command>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM wurker_command WHERE app_id = ? AND id = ?");
    let row = query(AssertSqlSafe(sql))
        .bind(app_id)
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(decode).transpose()
}

/// Stores a new Command (its `id` is ignored) and returns its id.
pub async fn insert(conn: &mut Conn, command: &Command) -> Result<i64, StoreError> {
    query(
        "INSERT INTO wurker_command (app_id, slug, name, description, command, is_module) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(command.app_id)
    .bind(&command.slug)
    .bind(&command.name)
    .bind(&command.description)
    .bind(&command.command)
    .bind(command.is_module)
    .insert(conn)
    .await
}

/// Writes every field of an existing Command.
pub async fn update(conn: &mut Conn, command: &Command) -> Result<(), StoreError> {
    query(
        "UPDATE wurker_command SET slug = ?, name = ?, description = ?, command = ?, \
         is_module = ? WHERE id = ? AND app_id = ?",
    )
    .bind(&command.slug)
    .bind(&command.name)
    .bind(&command.description)
    .bind(&command.command)
    .bind(command.is_module)
    .bind(command.id)
    .bind(command.app_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes a Commands; the caller has checked that no Bee uses it.
pub async fn delete(conn: &mut Conn, id: i64) -> Result<(), StoreError> {
    query("DELETE FROM wurker_command WHERE id = ?")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
