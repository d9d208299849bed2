//! The local part of seeding: `data/user.json` (UI logins) and `data/api_auth.json` (HTTP API
//! credentials) loaded into the local database. Each file is a list of
//! `{"username": ..., "password": ...}` or `{"username": ..., "password_hash": ...}` entries;
//! only argon2 hashes are stored. A stored hash that still matches a plain password is kept, so
//! seeding again changes nothing.

use std::collections::{BTreeMap, HashMap};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use serde_json::{Value, json};

use crate::files::write_atomic;
use crate::password::{self, Verdict};
use crate::store::accounts::{self, Accounts};
use crate::store::{Pool, StoreError};

/// One account as a credentials file gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub username: String,
    pub secret: Secret,
}

/// A password as given: plain (hashed when loaded) or already an argon2 hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Secret {
    Plain(String),
    Hash(String),
}

/// The credentials files and the table each one fills.
pub const FILES: [(&str, Accounts); 2] = [
    ("user.json", Accounts::Users),
    ("api_auth.json", Accounts::Api),
];

/// Reads a credentials file; `Ok(None)` when it does not exist.
///
/// # Errors
/// A message naming the file and the entry at fault.
pub fn read(path: &Path) -> Result<Option<Vec<Account>>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(format!("{}: cannot read it: {err}", path.display())),
    };
    let value: Value = serde_json::from_str(&text)
        .map_err(|err| format!("{}: malformed JSON: {err}", path.display()))?;
    let Value::Array(entries) = value else {
        return Err(format!(
            "{}: must be a list of {{\"username\", \"password\"}} objects",
            path.display()
        ));
    };
    let mut seen = HashMap::new();
    let mut accounts = Vec::new();
    for (at, entry) in entries.iter().enumerate() {
        let account = parse_entry(entry)
            .map_err(|why| format!("{}: entry #{}: {why}", path.display(), at + 1))?;
        if seen.insert(account.username.clone(), at).is_some() {
            return Err(format!(
                "{}: entry #{}: user '{}' is listed twice",
                path.display(),
                at + 1,
                account.username
            ));
        }
        accounts.push(account);
    }
    Ok(Some(accounts))
}

fn parse_entry(entry: &Value) -> Result<Account, String> {
    let Value::Object(fields) = entry else {
        return Err("must be an object".to_string());
    };
    let text = |key: &str| {
        fields
            .get(key)
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
    };
    if let Some(unknown) = fields
        .keys()
        .find(|key| !["username", "password", "password_hash"].contains(&key.as_str()))
    {
        return Err(format!(
            "unknown field '{unknown}'; allowed: username, password, password_hash"
        ));
    }
    let username = text("username").ok_or("field 'username' must be a non-empty string")?;
    let secret = match (text("password"), text("password_hash")) {
        (Some(plain), None) => Secret::Plain(plain.to_string()),
        (None, Some(hash)) if password::is_argon2(hash) => Secret::Hash(hash.to_string()),
        (None, Some(_)) => return Err("field 'password_hash' is not an argon2 hash".to_string()),
        _ => return Err("give exactly one of 'password' and 'password_hash'".to_string()),
    };
    Ok(Account {
        username: username.to_string(),
        secret,
    })
}

/// Writes accounts back to a credentials file (mode 0600), as hashes where they are hashes.
///
/// # Errors
/// When the file cannot be written.
pub fn write(path: &Path, accounts: &[Account]) -> std::io::Result<()> {
    let list: Vec<Value> = accounts
        .iter()
        .map(|account| match &account.secret {
            Secret::Plain(plain) => json!({"username": account.username, "password": plain}),
            Secret::Hash(hash) => json!({"username": account.username, "password_hash": hash}),
        })
        .collect();
    let text = serde_json::to_string_pretty(&Value::Array(list)).unwrap_or_default() + "\n";
    write_atomic(path, text.as_bytes(), 0o600)
}

/// An argon2id hash of a password, with a fresh salt (see [`crate::password::hash`]).
///
/// # Errors
/// When the system has no randomness to give or hashing fails.
pub fn hash(plain: &str) -> Result<String, String> {
    password::hash(plain).map_err(|err| err.to_string())
}

/// Whether a credentials file can be read by users other than its owner.
pub fn is_exposed(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|meta| meta.permissions().mode() & 0o077 != 0)
}

/// Loads both credentials files of `data` into the local database, in one transaction.
/// Returns report lines; warnings about exposed files are among them and in the log.
///
/// # Errors
/// A message naming the file and entry at fault; the database is then unchanged.
pub async fn load(local: &Pool, data: &Path) -> Result<Vec<String>, String> {
    let mut lines = vec!["Loading UI users and API credentials into the local database".into()];
    let mut plan = Vec::new();
    for (name, which) in FILES {
        let path = data.join(name);
        let accounts = read(&path)?.unwrap_or_default();
        if is_exposed(&path) {
            tracing::warn!(path = %path.display(), "credentials file is readable by other users");
            lines.push(format!(
                "  warning: {} is readable by other users; run: chmod 600 {}",
                path.display(),
                path.display()
            ));
        }
        let names: Vec<&str> = accounts.iter().map(|a| a.username.as_str()).collect();
        lines.push(format!(
            "  {name}: {} account(s) {}",
            names.len(),
            names.join(", ")
        ));
        plan.push((which, accounts));
    }

    let mut tx = local.begin().await.map_err(database)?;
    let mut hashed = Vec::new();
    for (which, accounts) in plan {
        let stored: BTreeMap<String, String> = accounts::list(&mut tx, which)
            .await
            .map_err(database)?
            .into_iter()
            .collect();
        let rows = tokio::task::spawn_blocking(move || hash_all(&accounts, &stored))
            .await
            .map_err(|err| format!("hashing passwords failed: {err}"))??;
        hashed.push((which, rows));
    }
    for (which, rows) in &hashed {
        accounts::replace(&mut tx, *which, rows)
            .await
            .map_err(database)?;
    }
    tx.commit().await.map_err(database)?;
    Ok(lines)
}

/// The (username, hash) rows for the accounts: a given hash as is, a stored argon2 hash that
/// matches the plain password kept, else a new hash (a matching Wurker 0.1 scrypt hash is
/// replaced by argon2, as a login would).
fn hash_all(
    accounts: &[Account],
    stored: &BTreeMap<String, String>,
) -> Result<Vec<(String, String)>, String> {
    accounts
        .iter()
        .map(|account| {
            let hash = match &account.secret {
                Secret::Hash(hash) => hash.clone(),
                Secret::Plain(plain) => match stored.get(&account.username) {
                    Some(old) if is_kept(plain, old) => old.clone(),
                    _ => hash(plain)?,
                },
            };
            Ok((account.username.clone(), hash))
        })
        .collect()
}

/// Whether a stored hash is Wurker's own and matches the password. One that cannot be read
/// is replaced, as the file's password is the one the operator wants.
fn is_kept(plain: &str, stored: &str) -> bool {
    matches!(password::verify(plain, stored), Ok(Verdict::Valid))
}

fn database(err: StoreError) -> String {
    tracing::error!(error = %err, "local database request failed");
    "the local database failed to answer; the daemon's log has the cause".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_take_a_password_or_an_argon2_hash() {
        let plain = parse_entry(&json!({"username": "a", "password": "pw"})).unwrap();
        assert_eq!(plain.secret, Secret::Plain("pw".into()));
        let made = hash("pw").unwrap();
        assert!(is_kept("pw", &made) && !is_kept("other", &made));
        let given = parse_entry(&json!({"username": "a", "password_hash": made})).unwrap();
        assert!(matches!(given.secret, Secret::Hash(_)));

        for (entry, expected) in [
            (json!({"username": "a"}), "exactly one"),
            (
                json!({"username": "a", "password_hash": "scrypt:1$x$y"}),
                "not an argon2",
            ),
            (json!({"password": "x"}), "'username'"),
            (
                json!({"username": "a", "password": "x", "role": 1}),
                "unknown field 'role'",
            ),
        ] {
            let err = parse_entry(&entry).unwrap_err();
            assert!(err.contains(expected), "{entry}: {err}");
        }
    }

    #[test]
    fn a_matching_stored_hash_is_kept() {
        let old = hash("pw").unwrap();
        let stored = BTreeMap::from([("a".to_string(), old.clone())]);
        let accounts = [Account {
            username: "a".into(),
            secret: Secret::Plain("pw".into()),
        }];
        assert_eq!(hash_all(&accounts, &stored).unwrap()[0].1, old);
        let changed = [Account {
            username: "a".into(),
            secret: Secret::Plain("new".into()),
        }];
        assert_ne!(hash_all(&changed, &stored).unwrap()[0].1, old);
    }

    #[test]
    fn a_matching_wurker_0_1_hash_is_replaced_by_argon2() {
        let stored = BTreeMap::from([(
            "wurkeradmin".to_string(),
            password::WERKZEUG_DEFAULT.to_string(),
        )]);
        let accounts = [Account {
            username: "wurkeradmin".into(),
            secret: Secret::Plain("wurkeradmin".into()),
        }];
        let rows = hash_all(&accounts, &stored).unwrap();
        assert!(rows[0].1.starts_with("$argon2id$"), "{}", rows[0].1);
        assert_eq!(
            password::verify("wurkeradmin", &rows[0].1).unwrap(),
            Verdict::Valid
        );
    }
}
