//! The local database's accounts: `user` (UI logins) and `api_auth` (HTTP API credentials),
//! each a username and an argon2 hash.

use sqlx::Row;

use crate::store::Conn;

/// Which account table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accounts {
    /// `user`: who may log in to the UI.
    Ui,
    /// `api_auth`: who may call the HTTP API.
    Api,
}

impl Accounts {
    fn table(self) -> &'static str {
        match self {
            Accounts::Ui => "user",
            Accounts::Api => "api_auth",
        }
    }
}

/// Every account of the table as (username, password hash), by username.
pub async fn list(conn: &mut Conn, which: Accounts) -> Result<Vec<(String, String)>, sqlx::Error> {
    let sql = format!(
        "SELECT username, password FROM {} ORDER BY username",
        which.table()
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("username")?, row.try_get("password")?)))
        .collect()
}

/// Replaces the table's accounts with these (username, password hash) pairs.
pub async fn replace(
    conn: &mut Conn,
    which: Accounts,
    accounts: &[(String, String)],
) -> Result<(), sqlx::Error> {
    let delete = format!("DELETE FROM {}", which.table());
    sqlx::query(sqlx::AssertSqlSafe(delete))
        .execute(&mut *conn)
        .await?;
    let insert = format!(
        "INSERT INTO {} (username, password) VALUES (?, ?)",
        which.table()
    );
    for (username, hash) in accounts {
        sqlx::query(sqlx::AssertSqlSafe(insert.clone()))
            .bind(username)
            .bind(hash)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
