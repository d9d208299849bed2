//! What `wurk admin status` reads: that the config schema is there, this node's control flags
//! and Bee counts, and the status rows of the other nodes sharing the config database (a
//! Queen's Drones).

use sqlx::AssertSqlSafe;
use uuid::Uuid;

use crate::store::{Conn, Row, StoreError, query};

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

/// The tables of [`CONFIG_TABLES`] the database lacks. Each is probed with a query that reads
/// no row: the one question every backend answers alike, where their catalogs differ. Use a
/// connection, not a transaction: on PostgreSQL a failed statement ends the transaction.
///
/// # Errors
/// When the database cannot be reached.
pub async fn missing_tables(conn: &mut Conn) -> Result<Vec<&'static str>, StoreError> {
    let mut missing = Vec::new();
    for table in CONFIG_TABLES {
        let probe = format!("SELECT 1 AS present FROM {table} WHERE 1 = 0");
        match query(AssertSqlSafe(probe)).fetch_optional(conn).await {
            Ok(_) => {}
            Err(StoreError::Database(_)) => missing.push(table),
            Err(err) => return Err(err),
        }
    }
    Ok(missing)
}

fn decode_control(row: &Row) -> Result<ControlFlags, StoreError> {
    Ok(ControlFlags {
        app_id: row.uuid("app_id")?,
        seed: row.opt_int("seed")?,
        reload: row.flag("reload")?,
        pause: row.flag("pause")?,
    })
}

/// The node's control flags, `None` when it has no control row.
///
/// # Errors
/// On a database failure.
pub async fn control(conn: &mut Conn, app_id: Uuid) -> Result<Option<ControlFlags>, StoreError> {
    let row = query("SELECT app_id, seed, reload, pause FROM wurker_control WHERE app_id = ?")
        .bind(app_id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(decode_control).transpose()
}

/// How many of the node's Bees are enabled and disabled.
///
/// # Errors
/// On a database failure.
pub async fn bee_counts(conn: &mut Conn, app_id: Uuid) -> Result<BeeCounts, StoreError> {
    // COUNT, not SUM: MySQL sums into a DECIMAL, while every backend counts into an integer.
    let row = query(
        "SELECT COUNT(CASE WHEN enabled THEN 1 END) AS enabled, \
         COUNT(CASE WHEN enabled THEN NULL ELSE 1 END) AS disabled \
         FROM wurker_bee WHERE app_id = ?",
    )
    .bind(app_id)
    .fetch_one(conn)
    .await?;
    Ok(BeeCounts {
        enabled: row.int("enabled")?,
        disabled: row.int("disabled")?,
    })
}

/// Every other node that has both a control row and a status row, by slug.
///
/// # Errors
/// On a database failure, or a stored value that cannot be read.
pub async fn other_nodes(conn: &mut Conn, app_id: Uuid) -> Result<Vec<NodeStatus>, StoreError> {
    let rows = query(
        "SELECT s.slug, s.name, s.is_queen, s.env, s.private_ip, s.public_ip, s.server_domain, \
         c.app_id, c.seed, c.reload, c.pause \
         FROM wurker_status s JOIN wurker_control c ON c.app_id = s.app_id \
         WHERE s.app_id <> ? ORDER BY s.slug, s.app_id",
    )
    .bind(app_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(NodeStatus {
                slug: row.text("slug")?,
                name: row.text("name")?,
                is_queen: row.opt_flag("is_queen")?,
                env: row.text("env")?,
                private_ip: row.opt_text("private_ip")?,
                public_ip: row.opt_text("public_ip")?,
                server_domain: row.opt_text("server_domain")?,
                control: decode_control(row)?,
            })
        })
        .collect()
}
