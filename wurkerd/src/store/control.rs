//! This node's rows in `wurker_control` and `wurker_status`.

use std::net::Ipv4Addr;

use crate::config::Config;
use crate::store::Conn;
use crate::store::rows::uuid_bytes;

/// Creates the node's control row if it has none and records its status (name, role,
/// environment, domain, private address). The public address is unknown and stored as NULL:
/// Wurker makes no outbound calls to learn it.
///
/// # Errors
/// On a database failure.
pub async fn register(
    conn: &mut Conn,
    config: &Config,
    private_ip: Option<Ipv4Addr>,
) -> Result<(), sqlx::Error> {
    let app_id = uuid_bytes(config.app_id);
    sqlx::query(
        "INSERT INTO wurker_control (app_id, seed, reload, pause) VALUES (?, -1, 0, 0) \
         ON CONFLICT (app_id) DO NOTHING",
    )
    .bind(&app_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO wurker_status (app_id, slug, name, is_queen, env, server_domain, \
         private_ip, public_ip) VALUES (?, ?, ?, ?, ?, ?, ?, NULL) \
         ON CONFLICT (app_id) DO UPDATE SET slug = excluded.slug, name = excluded.name, \
         is_queen = excluded.is_queen, env = excluded.env, server_domain = excluded.server_domain, \
         private_ip = excluded.private_ip, public_ip = NULL",
    )
    .bind(&app_id)
    .bind(truncate(&config.slug, 36))
    .bind(truncate(&config.name, 36))
    .bind(config.is_queen)
    .bind(truncate(&config.env, 36))
    .bind(&config.domain)
    .bind(private_ip.map(|ip| ip.to_string()))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}
