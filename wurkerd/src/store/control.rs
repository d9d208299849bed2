//! This node's rows in `wurker_control` and `wurker_status`.

use std::net::Ipv4Addr;

use crate::config::Config;
use crate::store::{Conn, StoreError, query};

/// Creates the node's control row if it has none and records its status (name, role,
/// environment, domain, private address). The public address is unknown and stored as NULL:
/// Wurker makes no outbound calls to learn it. Run it in a transaction: it checks, then inserts
/// or updates (the one form every backend shares).
///
/// # Errors
/// On a database failure.
pub async fn register(
    conn: &mut Conn,
    config: &Config,
    private_ip: Option<Ipv4Addr>,
) -> Result<(), StoreError> {
    let app_id = config.app_id;
    let has_control = query("SELECT app_id FROM wurker_control WHERE app_id = ?")
        .bind(app_id)
        .fetch_optional(conn)
        .await?
        .is_some();
    if !has_control {
        query("INSERT INTO wurker_control (app_id, seed, reload, pause) VALUES (?, -1, ?, ?)")
            .bind(app_id)
            .bind(false)
            .bind(false)
            .execute(conn)
            .await?;
    }

    let has_status = query("SELECT app_id FROM wurker_status WHERE app_id = ?")
        .bind(app_id)
        .fetch_optional(conn)
        .await?
        .is_some();
    let sql = if has_status {
        "UPDATE wurker_status SET slug = ?, name = ?, is_queen = ?, env = ?, server_domain = ?, \
         private_ip = ?, public_ip = NULL WHERE app_id = ?"
    } else {
        "INSERT INTO wurker_status (slug, name, is_queen, env, server_domain, private_ip, \
         public_ip, app_id) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)"
    };
    query(sql)
        .bind(truncate(&config.slug, 36))
        .bind(truncate(&config.name, 36))
        .bind(config.is_queen)
        .bind(truncate(&config.env, 36))
        .bind(truncate(&config.domain, 128))
        .bind(private_ip.map(|ip| ip.to_string()))
        .bind(app_id)
        .execute(conn)
        .await?;
    Ok(())
}

fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}
