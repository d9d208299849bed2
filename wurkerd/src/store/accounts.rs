//! `user` (UI logins) and `api_auth` (HTTP API Basic credentials) in the local database: checking
//! a login, setting a password, and replacing a table's accounts as seeding does. Hashes are
//! made by [`crate::password`] (argon2); Werkzeug scrypt hashes left by Wurker 0.1 are accepted
//! once and replaced by argon2 on that successful login.

use crate::password::{self, PasswordError, Verdict};
use crate::store::{Conn, StoreError, query};

/// Which table of accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accounts {
    /// `user`: people logging in to the UI.
    Users,
    /// `api_auth`: credentials accepted by the HTTP API.
    Api,
}

impl Accounts {
    fn select(self) -> &'static str {
        match self {
            Accounts::Users => "SELECT id, password FROM \"user\" WHERE username = ?",
            Accounts::Api => "SELECT id, password FROM api_auth WHERE username = ?",
        }
    }

    fn replace(self) -> &'static str {
        match self {
            Accounts::Users => "UPDATE \"user\" SET password = ? WHERE id = ? AND password = ?",
            Accounts::Api => "UPDATE api_auth SET password = ? WHERE id = ? AND password = ?",
        }
    }

    fn set(self) -> &'static str {
        match self {
            Accounts::Users => "UPDATE \"user\" SET password = ? WHERE username = ?",
            Accounts::Api => "UPDATE api_auth SET password = ? WHERE username = ?",
        }
    }

    fn insert(self) -> &'static str {
        match self {
            Accounts::Users => "INSERT INTO \"user\" (password, username) VALUES (?, ?)",
            Accounts::Api => "INSERT INTO api_auth (password, username) VALUES (?, ?)",
        }
    }

    fn list(self) -> &'static str {
        match self {
            Accounts::Users => "SELECT username, password FROM \"user\" ORDER BY username",
            Accounts::Api => "SELECT username, password FROM api_auth ORDER BY username",
        }
    }

    fn delete_all(self) -> &'static str {
        match self {
            Accounts::Users => "DELETE FROM \"user\"",
            Accounts::Api => "DELETE FROM api_auth",
        }
    }
}

/// Why a login could not be decided.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The account's stored hash is unreadable: it needs a new password.
    #[error("account '{username}': {source}")]
    Hash {
        username: String,
        source: PasswordError,
    },
    #[error("the password check did not finish: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// Checks `username`'s `password`. On success with a hash in an older format (Wurker 0.1's
/// scrypt), the stored hash is replaced by an argon2 hash of the same password.
///
/// # Errors
/// [`LoginError::Store`] on a database failure; [`LoginError::Hash`] when the stored hash
/// cannot be read (the login is then neither accepted nor refused).
pub async fn check_login(
    conn: &mut Conn,
    accounts: Accounts,
    username: &str,
    password: &str,
) -> Result<bool, LoginError> {
    let Some(row) = query(accounts.select())
        .bind(username)
        .fetch_optional(conn)
        .await?
    else {
        return Ok(false);
    };
    let (id, stored) = (row.int("id")?, row.text("password")?);

    let (given, hash) = (password.to_string(), stored.clone());
    let verdict = tokio::task::spawn_blocking(move || password::verify(&given, &hash))
        .await?
        .map_err(|source| LoginError::Hash {
            username: username.to_string(),
            source,
        })?;
    match verdict {
        Verdict::Invalid => Ok(false),
        Verdict::Valid => Ok(true),
        Verdict::ValidRehash => {
            let new = hash_blocking(username, password).await?;
            // Only if unchanged meanwhile: a password set by someone else is not overwritten.
            query(accounts.replace())
                .bind(new)
                .bind(id)
                .bind(stored)
                .execute(conn)
                .await?;
            tracing::info!(account = %username, "password hash upgraded to argon2");
            Ok(true)
        }
    }
}

/// Sets `username`'s password (argon2), creating the account if it does not exist.
///
/// # Errors
/// On a database failure, or when no hash can be made.
pub async fn set_password(
    conn: &mut Conn,
    accounts: Accounts,
    username: &str,
    password: &str,
) -> Result<(), LoginError> {
    let hash = hash_blocking(username, password).await?;
    let changed = query(accounts.set())
        .bind(&hash)
        .bind(username)
        .execute(conn)
        .await?;
    if changed == 0 {
        query(accounts.insert())
            .bind(hash)
            .bind(username)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Every account of the table as (username, stored hash), by username.
///
/// # Errors
/// On a database failure.
pub async fn list(
    conn: &mut Conn,
    accounts: Accounts,
) -> Result<Vec<(String, String)>, StoreError> {
    let rows = query(accounts.list()).fetch_all(conn).await?;
    rows.iter()
        .map(|row| Ok((row.text("username")?, row.text("password")?)))
        .collect()
}

/// Replaces the table's accounts with these (username, hash) pairs; run it in a transaction.
///
/// # Errors
/// On a database failure, or a username given twice.
pub async fn replace(
    conn: &mut Conn,
    accounts: Accounts,
    rows: &[(String, String)],
) -> Result<(), StoreError> {
    query(accounts.delete_all()).execute(conn).await?;
    for (username, hash) in rows {
        query(accounts.insert())
            .bind(hash)
            .bind(username)
            .execute(conn)
            .await?;
    }
    Ok(())
}

async fn hash_blocking(username: &str, password: &str) -> Result<String, LoginError> {
    let given = password.to_string();
    tokio::task::spawn_blocking(move || password::hash(&given))
        .await?
        .map_err(|source| LoginError::Hash {
            username: username.to_string(),
            source,
        })
}

#[cfg(test)]
mod tests;
