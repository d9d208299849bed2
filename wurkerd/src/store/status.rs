//! What `wurk admin status` reads: that a database answers, that the config schema is there,
//! this node's control flags and Bee counts, and the status rows of the other nodes sharing the
//! config database (a Queen's Drones).

use sqlx::Row;
use sqlx::sqlite::SqliteRow;
use uuid::Uuid;

use crate::store::Conn;
use crate::store::rows::{flag, uuid, uuid_bytes};

/// The tables a config database must have for this node to work on it.
pub const CONFIG_TABLES: [&str; 8] = [
    "wurker_control",
    "wurker_status",
    "wurker_command",
    "wurker_cron",
    "wurker_bee",
    "wurker_queue",
    "wurker_bee_report",
    "wurker_kill_queue",
];

/// A node's row in `wurker_control`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlFlags {
    pub app_id: Uuid,
    /// The highest seed file applied, -1 when none.
    pub seed: Option<i64>,
    pub reload: bool,
    pub pause: bool,
}

/// How many of a node's Bees are enabled and disabled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BeeCounts {
    pub enabled: i64,
    pub disabled: i64,
}

/// Another node's `wurker_status` row with its control flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeStatus {
    pub slug: String,
    pub name: String,
    pub is_queen: Option<bool>,
    pub env: String,
    pub private_ip: Option<String>,
    pub public_ip: Option<String>,
    pub server_domain: Option<String>,
    pub control: ControlFlags,
}

/// Asks the database for a trivial answer.
///
/// # Errors
/// When the database does not answer.
pub async fn ping(conn: &mut Conn) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT 1").execute(conn).await?;
    Ok(())
}

/// The tables of [`CONFIG_TABLES`] the database lacks.
pub async fn missing_tables(conn: &mut Conn) -> Result<Vec<&'static str>, sqlx::Error> {
    let present: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
            .fetch_all(conn)
            .await?;
    Ok(CONFIG_TABLES
        .into_iter()
        .filter(|table| !present.iter().any(|name| name == table))
        .collect())
}

fn decode_control(row: &SqliteRow) -> Result<ControlFlags, sqlx::Error> {
    Ok(ControlFlags {
        app_id: uuid(row, "app_id")?,
        seed: row.try_get("seed")?,
        reload: flag(row, "reload")?,
        pause: flag(row, "pause")?,
    })
}

/// The node's control flags, `None` when it has no control row.
pub async fn control(conn: &mut Conn, app_id: Uuid) -> Result<Option<ControlFlags>, sqlx::Error> {
    let row =
        sqlx::query("SELECT app_id, seed, reload, pause FROM wurker_control WHERE app_id = ?")
            .bind(uuid_bytes(app_id))
            .fetch_optional(conn)
            .await?;
    row.as_ref().map(decode_control).transpose()
}

/// How many of the node's Bees are enabled and disabled.
pub async fn bee_counts(conn: &mut Conn, app_id: Uuid) -> Result<BeeCounts, sqlx::Error> {
    let row = sqlx::query(
        "SELECT COALESCE(SUM(enabled <> 0), 0) AS enabled, COALESCE(SUM(enabled = 0), 0) AS disabled \
         FROM wurker_bee WHERE app_id = ?",
    )
    .bind(uuid_bytes(app_id))
    .fetch_one(conn)
    .await?;
    Ok(BeeCounts {
        enabled: row.try_get("enabled")?,
        disabled: row.try_get("disabled")?,
    })
}

/// Every other node that has both a control row and a status row, by slug.
pub async fn other_nodes(conn: &mut Conn, app_id: Uuid) -> Result<Vec<NodeStatus>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT s.slug, s.name, s.is_queen, s.env, s.private_ip, s.public_ip, s.server_domain, \
         c.app_id, c.seed, c.reload, c.pause \
         FROM wurker_status s JOIN wurker_control c ON c.app_id = s.app_id \
         WHERE s.app_id <> ? ORDER BY s.slug, s.app_id",
    )
    .bind(uuid_bytes(app_id))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(NodeStatus {
                slug: row.try_get("slug")?,
                name: row.try_get("name")?,
                is_queen: row.try_get("is_queen")?,
                env: row.try_get("env")?,
                private_ip: row.try_get("private_ip")?,
                public_ip: row.try_get("public_ip")?,
                server_domain: row.try_get("server_domain")?,
                control: decode_control(row)?,
            })
        })
        .collect()
}
