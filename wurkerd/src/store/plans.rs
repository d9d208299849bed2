//! The definitions as the runtime needs them: every Bee of this node with what its Command
//! executes and when its Cron fires, in one query.

use protocol::JsonText;
use uuid::Uuid;

use sqlx::AssertSqlSafe;

use crate::store::{Conn, Row, StoreError, query};

/// A Bee with its Command and Cron.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BeePlanRow {
    pub id: i64,
    pub slug: String,
    pub enabled: bool,
    pub quiet_restart: bool,
    pub args: Option<JsonText>,
    /// The Command's text (an executable and its words, or a module name).
    pub command: Option<String>,
    pub is_module: bool,
    pub cron_id: Option<i64>,
    /// The Cron's slug; `None` when the Bee has no Cron.
    pub cron_slug: Option<String>,
    /// The Cron's expression; `None` for a supervised Cron (or no Cron).
    pub cron: Option<String>,
    pub overrun: i64,
}

const SELECT: &str = "SELECT b.id, b.slug, b.enabled, b.quiet_restart, b.args, b.cron_id, \
     c.command AS command_text, c.is_module, r.slug AS cron_slug, r.cron AS cron_expression, \
     r.overrun FROM wurker_bee b \
     LEFT JOIN wurker_command c ON c.id = b.command_id \
     LEFT JOIN wurker_cron r ON r.id = b.cron_id";

/// Every Bee of this node, in id order.
pub async fn list(conn: &mut Conn, app_id: Uuid) -> Result<Vec<BeePlanRow>, StoreError> {
    let sql = format!("{SELECT} WHERE b.app_id = ? ORDER BY b.id");
    let rows = query(AssertSqlSafe(sql))
        .bind(app_id)
        .fetch_all(conn)
        .await?;
    rows.iter().map(decode).collect()
}

/// One Bee of this node, if it exists.
pub async fn find(
    conn: &mut Conn,
    app_id: Uuid,
    bee_id: i64,
) -> Result<Option<BeePlanRow>, StoreError> {
    let sql = format!("{SELECT} WHERE b.app_id = ? AND b.id = ?");
    let row = query(AssertSqlSafe(sql))
        .bind(app_id)
        .bind(bee_id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(decode).transpose()
}

fn decode(row: &Row) -> Result<BeePlanRow, StoreError> {
    let cron_slug = row.opt_text("cron_slug")?;
    Ok(BeePlanRow {
        id: row.int("id")?,
        slug: row.text("slug")?,
        enabled: row.flag("enabled")?,
        quiet_restart: row.flag("quiet_restart")?,
        args: row.json("args")?,
        command: row.opt_text("command_text")?,
        is_module: row.flag("is_module")?,
        cron_id: row.opt_int("cron_id")?.filter(|_| cron_slug.is_some()),
        cron: row.opt_text("cron_expression")?,
        overrun: row.opt_int("overrun")?.unwrap_or(0),
        cron_slug,
    })
}

/// Whether this node is paused, as `wurker_control` says.
pub async fn is_paused(conn: &mut Conn, app_id: Uuid) -> Result<bool, StoreError> {
    let row = query("SELECT pause FROM wurker_control WHERE app_id = ?")
        .bind(app_id)
        .fetch_optional(conn)
        .await?;
    Ok(match row {
        Some(row) => row.flag("pause")?,
        None => false,
    })
}

/// Records the node's pause flag and clears its reload flag.
pub async fn set_paused(conn: &mut Conn, app_id: Uuid, paused: bool) -> Result<(), StoreError> {
    query("UPDATE wurker_control SET pause = ?, reload = FALSE WHERE app_id = ?")
        .bind(paused)
        .bind(app_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Whether something set the node's reload flag (as Wurker 0.1's tools do).
pub async fn take_reload(conn: &mut Conn, app_id: Uuid) -> Result<bool, StoreError> {
    let row = query("SELECT reload FROM wurker_control WHERE app_id = ?")
        .bind(app_id)
        .fetch_optional(conn)
        .await?;
    let wanted = match row {
        Some(row) => row.flag("reload")?,
        None => false,
    };
    if wanted {
        query("UPDATE wurker_control SET reload = FALSE WHERE app_id = ?")
            .bind(app_id)
            .execute(conn)
            .await?;
    }
    Ok(wanted)
}
