//! Logins against a local database holding accounts as Wurker 0.1's `admin seed` left them.

use crate::store::accounts::{Accounts, check_login, set_password};
use crate::store::{Health, Pool, open, query};

/// Werkzeug's `generate_password_hash("wurkeradmin")`, as Wurker 0.1 stored it.
const WERKZEUG: &str = crate::password::WERKZEUG_DEFAULT;

async fn local_db(dir: &tempfile::TempDir) -> Pool {
    let pool = open::sqlite(&dir.path().join("wurker.db"), 2, Health::new("local"))
        .await
        .unwrap();
    open::migrate_local(&pool).await.unwrap();
    pool
}

async fn stored(pool: &Pool, table: &str, username: &str) -> String {
    let mut conn = pool.acquire().await.unwrap();
    let sql = match table {
        "user" => "SELECT password FROM \"user\" WHERE username = ?",
        _ => "SELECT password FROM api_auth WHERE username = ?",
    };
    query(sql)
        .bind(username)
        .fetch_one(&mut conn)
        .await
        .unwrap()
        .text("password")
        .unwrap()
}

#[tokio::test]
async fn a_wurker_0_1_scrypt_login_works_once_then_as_argon2() {
    let dir = tempfile::tempdir().unwrap();
    let pool = local_db(&dir).await;
    let mut conn = pool.acquire().await.unwrap();
    for table in ["\"user\"", "api_auth"] {
        let sql = format!("INSERT INTO {table} (username, password) VALUES (?, ?)");
        query(sqlx::AssertSqlSafe(sql))
            .bind("wurkeradmin")
            .bind(WERKZEUG)
            .execute(&mut conn)
            .await
            .unwrap();
    }

    let wrong = check_login(&mut conn, Accounts::Users, "wurkeradmin", "nope")
        .await
        .unwrap();
    assert!(!wrong);
    assert_eq!(
        stored(&pool, "user", "wurkeradmin").await,
        WERKZEUG,
        "a failure changes nothing"
    );

    assert!(
        check_login(&mut conn, Accounts::Users, "wurkeradmin", "wurkeradmin")
            .await
            .unwrap()
    );
    let upgraded = stored(&pool, "user", "wurkeradmin").await;
    assert!(upgraded.starts_with("$argon2id$"), "{upgraded}");
    assert!(
        check_login(&mut conn, Accounts::Users, "wurkeradmin", "wurkeradmin")
            .await
            .unwrap()
    );
    assert!(
        !check_login(&mut conn, Accounts::Users, "wurkeradmin", "nope")
            .await
            .unwrap()
    );
    assert_eq!(
        stored(&pool, "api_auth", "wurkeradmin").await,
        WERKZEUG,
        "api_auth is apart"
    );

    assert!(
        check_login(&mut conn, Accounts::Api, "wurkeradmin", "wurkeradmin")
            .await
            .unwrap()
    );
    assert!(
        stored(&pool, "api_auth", "wurkeradmin")
            .await
            .starts_with("$argon2id$")
    );
    assert!(
        !check_login(&mut conn, Accounts::Api, "nobody", "wurkeradmin")
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn set_password_creates_then_replaces_with_argon2() {
    let dir = tempfile::tempdir().unwrap();
    let pool = local_db(&dir).await;
    let mut conn = pool.acquire().await.unwrap();
    set_password(&mut conn, Accounts::Api, "queen", "first")
        .await
        .unwrap();
    let first = stored(&pool, "api_auth", "queen").await;
    assert!(
        first.starts_with("$argon2id$") && !first.contains("first"),
        "{first}"
    );
    set_password(&mut conn, Accounts::Api, "queen", "second")
        .await
        .unwrap();
    assert!(
        !check_login(&mut conn, Accounts::Api, "queen", "first")
            .await
            .unwrap()
    );
    assert!(
        check_login(&mut conn, Accounts::Api, "queen", "second")
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn an_unreadable_stored_hash_is_an_error_not_a_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let pool = local_db(&dir).await;
    let mut conn = pool.acquire().await.unwrap();
    query("INSERT INTO \"user\" (username, password) VALUES (?, ?)")
        .bind("plain")
        .bind("plaintext-password")
        .execute(&mut conn)
        .await
        .unwrap();
    let result = check_login(&mut conn, Accounts::Users, "plain", "plaintext-password").await;
    let err = result.expect_err("a plain-text password is not accepted");
    assert!(err.to_string().contains("plain"), "{err}");
}
