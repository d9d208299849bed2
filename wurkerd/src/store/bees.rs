//! `wurker_bee`: jobs, each one Command on an optional Cron.

use protocol::JsonText;
use protocol::model::{Bee, CronField};
use sqlx::sqlite::SqliteRow;
use sqlx::{AssertSqlSafe, Row};
use uuid::Uuid;

use crate::store::Conn;
use crate::store::rows::{flag, json, uuid, uuid_bytes};

/// A `wurker_bee` row as stored, with ids rather than slugs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BeeRow {
    pub id: i64,
    pub app_id: Uuid,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub command_id: i64,
    pub cron_id: Option<i64>,
    pub args: Option<JsonText>,
    pub quiet_restart: bool,
    pub enabled: bool,
}

const JOINED: &str = "SELECT b.id, b.app_id, b.slug, b.name, b.description, b.command_id, \
     b.cron_id, b.args, b.quiet_restart, b.enabled, c.slug AS command_slug, \
     c.command AS command_text, c.is_module, r.slug AS cron_slug, r.cron AS cron_expression \
     FROM wurker_bee b \
     LEFT JOIN wurker_command c ON c.id = b.command_id \
     LEFT JOIN wurker_cron r ON r.id = b.cron_id";

fn decode_row(row: &SqliteRow) -> Result<BeeRow, sqlx::Error> {
    Ok(BeeRow {
        id: row.try_get("id")?,
        app_id: uuid(row, "app_id")?,
        slug: row.try_get("slug")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        command_id: row.try_get("command_id")?,
        cron_id: row.try_get("cron_id")?,
        args: json(row, "args")?,
        quiet_restart: flag(row, "quiet_restart")?,
        enabled: flag(row, "enabled")?,
    })
}

fn decode_joined(row: &SqliteRow) -> Result<Bee, sqlx::Error> {
    let base = decode_row(row)?;
    let cron_slug: Option<String> = row.try_get("cron_slug")?;
    let cron_expression: Option<String> = row.try_get("cron_expression")?;
    let command_text: Option<String> = row.try_get("command_text")?;
    let is_module = flag(row, "is_module")?;
    Ok(Bee {
        id: base.id,
        app_id: base.app_id,
        description: base.description,
        command_id: base.command_id,
        command_slug: row.try_get("command_slug")?,
        cron_id: base.cron_id,
        cron: cron_slug.as_ref().map(|_| match cron_expression {
            Some(expression) => CronField::Expression(expression),
            None => CronField::Supervised,
        }),
        cron_slug,
        args: base.args,
        quiet_restart: base.quiet_restart,
        enabled: base.enabled,
        module: command_text.clone().filter(|_| is_module),
        command: command_text.filter(|_| !is_module),
        slug: base.slug,
        name: base.name,
    })
}

/// This node's Bees with their Command and Cron resolved, in slug order, or only `slug`.
pub async fn list(
    conn: &mut Conn,
    app_id: Uuid,
    slug: Option<&str>,
) -> Result<Vec<Bee>, sqlx::Error> {
    let sql = format!("{JOINED} WHERE b.app_id = ? AND (? IS NULL OR b.slug = ?) ORDER BY b.slug");
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(uuid_bytes(app_id))
        .bind(slug)
        .bind(slug)
        .fetch_all(conn)
        .await?;
    rows.iter().map(decode_joined).collect()
}

/// The stored row of the Bee with this slug, if any.
pub async fn find_row(
    conn: &mut Conn,
    app_id: Uuid,
    slug: &str,
) -> Result<Option<BeeRow>, sqlx::Error> {
    let row = sqlx::query("SELECT * FROM wurker_bee WHERE app_id = ? AND slug = ?")
        .bind(uuid_bytes(app_id))
        .bind(slug)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(decode_row).transpose()
}

/// Slugs of this node's Bees that use the Command (`command_id`) or Cron (`cron_id`) given.
pub async fn slugs_using(
    conn: &mut Conn,
    column: UsedColumn,
    id: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let sql = match column {
        UsedColumn::Command => "SELECT slug FROM wurker_bee WHERE command_id = ? ORDER BY slug",
        UsedColumn::Cron => "SELECT slug FROM wurker_bee WHERE cron_id = ? ORDER BY slug",
    };
    sqlx::query_scalar(sql).bind(id).fetch_all(conn).await
}

/// Which reference [`slugs_using`] follows.
#[derive(Debug, Clone, Copy)]
pub enum UsedColumn {
    Command,
    Cron,
}

/// Stored rows of the Bees that use a Command, to recheck their args when it changes kind.
pub async fn rows_using_command(
    conn: &mut Conn,
    command_id: i64,
) -> Result<Vec<BeeRow>, sqlx::Error> {
    let rows = sqlx::query("SELECT * FROM wurker_bee WHERE command_id = ? ORDER BY slug")
        .bind(command_id)
        .fetch_all(conn)
        .await?;
    rows.iter().map(decode_row).collect()
}

/// Stores a new Bee (its `id` is ignored) and returns its id.
pub async fn insert(conn: &mut Conn, bee: &BeeRow) -> Result<i64, sqlx::Error> {
    let result = sqlx::query(
        "INSERT INTO wurker_bee (app_id, slug, name, description, command_id, cron_id, args, \
         quiet_restart, enabled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(uuid_bytes(bee.app_id))
    .bind(&bee.slug)
    .bind(&bee.name)
    .bind(&bee.description)
    .bind(bee.command_id)
    .bind(bee.cron_id)
    .bind(bee.args.as_ref().map(|args| args.0.as_str()))
    .bind(bee.quiet_restart)
    .bind(bee.enabled)
    .execute(conn)
    .await?;
    Ok(result.last_insert_rowid())
}

/// Writes every field of an existing Bee.
pub async fn update(conn: &mut Conn, bee: &BeeRow) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE wurker_bee SET slug = ?, name = ?, description = ?, command_id = ?, cron_id = ?, \
         args = ?, quiet_restart = ?, enabled = ? WHERE id = ? AND app_id = ?",
    )
    .bind(&bee.slug)
    .bind(&bee.name)
    .bind(&bee.description)
    .bind(bee.command_id)
    .bind(bee.cron_id)
    .bind(bee.args.as_ref().map(|args| args.0.as_str()))
    .bind(bee.quiet_restart)
    .bind(bee.enabled)
    .bind(bee.id)
    .bind(uuid_bytes(bee.app_id))
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes a Bee; its reports go with it (the foreign key cascades).
pub async fn delete(conn: &mut Conn, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM wurker_bee WHERE id = ?")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
