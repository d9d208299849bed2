//! This node's rows in `wurker_control` and `wurker_status`.

use crate::config::Config;
use crate::store::Conn;
use crate::store::rows::uuid_bytes;

/// Creates the node's control row if it has none and records its status (name, role,
/// environment, domain). Addresses are not probed: Wurker makes no outbound calls.
///
/// # Errors
/// On a database failure.
pub async fn register(conn: &mut Conn, config: &Config) -> Result<(), sqlx::Error> {
    let app_id = uuid_bytes(config.app_id);
    sqlx::query(
        "INSERT INTO wurker_control (app_id, seed, reload, pause) VALUES (?, -1, 0, 0) \
         ON CONFLICT (app_id) DO NOTHING",
    )
    .bind(&app_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO wurker_status (app_id, slug, name, is_queen, env, server_domain) \
         VALUES (?, ?, ?, ?, ?, ?) \
         ON CONFLICT (app_id) DO UPDATE SET slug = excluded.slug, name = excluded.name, \
         is_queen = excluded.is_queen, env = excluded.env, server_domain = excluded.server_domain",
    )
    .bind(&app_id)
    .bind(truncate(&config.slug, 36))
    .bind(truncate(&config.name, 36))
    .bind(config.is_queen)
    .bind(truncate(&config.env, 36))
    .bind(&config.domain)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}
