//! `wurker_bee`: jobs, each one Command on an optional Cron.

use protocol::JsonText;
use protocol::model::{Bee, CronField};
use sqlx::AssertSqlSafe;
use uuid::Uuid;

use crate::store::{Conn, Row, StoreError, query};

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

impl BeeRow {
    /// A Bee not stored yet, with the column defaults (enabled, not a quiet restart), to be
    /// filled in from a definition.
    pub fn blank(app_id: Uuid) -> Self {
        Self {
            id: 0,
            app_id,
            slug: String::new(),
            name: String::new(),
            description: None,
            command_id: 0,
            cron_id: None,
            args: None,
            quiet_restart: false,
            enabled: true,
        }
    }
}

const COLUMNS: &str = "id, app_id, slug, name, description, command_id, cron_id, args, \
     quiet_restart, enabled";

const JOINED: &str = "SELECT b.id, b.app_id, b.slug, b.name, b.description, b.command_id, \
     b.cron_id, b.args, b.quiet_restart, b.enabled, c.slug AS command_slug, \
     c.command AS command_text, c.is_module, r.slug AS cron_slug, r.cron AS cron_expression \
     FROM wurker_bee b \
     LEFT JOIN wurker_command c ON c.id = b.command_id \
     LEFT JOIN wurker_cron r ON r.id = b.cron_id";

fn decode_row(row: &Row) -> Result<BeeRow, StoreError> {
    Ok(BeeRow {
        id: row.int("id")?,
        app_id: row.uuid("app_id")?,
        slug: row.text("slug")?,
        name: row.text("name")?,
        description: row.opt_text("description")?,
        command_id: row.int("command_id")?,
        cron_id: row.opt_int("cron_id")?,
        args: row.json("args")?,
        quiet_restart: row.flag("quiet_restart")?,
        enabled: row.flag("enabled")?,
    })
}

fn decode_joined(row: &Row) -> Result<Bee, StoreError> {
    let base = decode_row(row)?;
    let cron_slug = row.opt_text("cron_slug")?;
    let cron_expression = row.opt_text("cron_expression")?;
    let command_text = row.opt_text("command_text")?;
    let is_module = row.flag("is_module")?;
    Ok(Bee {
        id: base.id,
        app_id: base.app_id,
        description: base.description,
        command_id: base.command_id,
        command_slug: row.opt_text("command_slug")?,
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
) -> Result<Vec<Bee>, StoreError> {
    let sql = format!("{JOINED} WHERE b.app_id = ? AND (? IS NULL OR b.slug = ?) ORDER BY b.slug");
    let rows = query(AssertSqlSafe(sql))
        .bind(app_id)
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
) -> Result<Option<BeeRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM wurker_bee WHERE app_id = ? AND slug = ?");
    let row = query(AssertSqlSafe(sql))
        .bind(app_id)
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
) -> Result<Vec<String>, StoreError> {
    let sql = match column {
        UsedColumn::Command => "SELECT slug FROM wurker_bee WHERE command_id = ? ORDER BY slug",
        UsedColumn::Cron => "SELECT slug FROM wurker_bee WHERE cron_id = ? ORDER BY slug",
    };
    let rows = query(sql).bind(id).fetch_all(conn).await?;
    rows.iter().map(|row| row.text("slug")).collect()
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
) -> Result<Vec<BeeRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM wurker_bee WHERE command_id = ? ORDER BY slug");
    let rows = query(AssertSqlSafe(sql))
        .bind(command_id)
        .fetch_all(conn)
        .await?;
    rows.iter().map(decode_row).collect()
}

/// Stores a new Bee (its `id` is ignored) and returns its id.
pub async fn insert(conn: &mut Conn, bee: &BeeRow) -> Result<i64, StoreError> {
    query(
        "INSERT INTO wurker_bee (app_id, slug, name, description, command_id, cron_id, args, \
         quiet_restart, enabled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(bee.app_id)
    .bind(&bee.slug)
    .bind(&bee.name)
    .bind(&bee.description)
    .bind(bee.command_id)
    .bind(bee.cron_id)
    .bind(bee.args.as_ref())
    .bind(bee.quiet_restart)
    .bind(bee.enabled)
    .insert(conn)
    .await
}

/// Writes every field of an existing Bee.
pub async fn update(conn: &mut Conn, bee: &BeeRow) -> Result<(), StoreError> {
    query(
        "UPDATE wurker_bee SET slug = ?, name = ?, description = ?, command_id = ?, cron_id = ?, \
         args = ?, quiet_restart = ?, enabled = ? WHERE id = ? AND app_id = ?",
    )
    .bind(&bee.slug)
    .bind(&bee.name)
    .bind(&bee.description)
    .bind(bee.command_id)
    .bind(bee.cron_id)
    .bind(bee.args.as_ref())
    .bind(bee.quiet_restart)
    .bind(bee.enabled)
    .bind(bee.id)
    .bind(bee.app_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes a Bee; its reports go with it (the foreign key cascades).
pub async fn delete(conn: &mut Conn, id: i64) -> Result<(), StoreError> {
    query("DELETE FROM wurker_bee WHERE id = ?")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
