//! Initializing a home: on demand (`wurk admin init`) and on a daemon's first start on an empty
//! home. Both sting the default stinger (or the one named), give the node a UI session key,
//! replace the well-known default UI password by a random one, and seed. Only `wurk admin
//! init` shows the generated password; the first start never logs it.

use std::path::Path;

use protocol::ErrorReply;
use protocol::admin::{InitRequest, SeedRequest, StingerSource};

use crate::config::Config;
use crate::files::write_atomic;
use crate::handlers::{Failure, Outcome};
use crate::seed::accounts::{self, Account, Secret};
use crate::store::Store;
use crate::{seed, stinger};

/// The password the default stinger's UI user ships with; never left in place.
const DEFAULT_PASSWORD: &str = "wurkeradmin";

/// Initializes the home of `config`; returns report lines. With `reveal`, a generated password
/// is among them, once.
///
/// # Errors
/// `Invalid` for a username without a password (or the reverse) before anything is done;
/// otherwise what stinging or seeding meets.
pub async fn initialize(
    store: &Store,
    config: &Config,
    request: &InitRequest,
    reveal: bool,
) -> Outcome<Vec<String>> {
    let user = match (&request.username, &request.password) {
        (Some(name), Some(password)) if !name.is_empty() && !password.is_empty() => {
            Some((name.clone(), password.clone()))
        }
        (None, None) => None,
        _ => return Err(invalid("give both --username and --password, or neither")),
    };
    let mut lines = sting(config, &request.source).await?;

    let layout = config.layout.clone();
    let reveal_lines = tokio::task::spawn_blocking(move || -> Result<Vec<String>, String> {
        let mut lines = ensure_secret_key(&layout.config_file())?;
        let users = layout.data.join("user.json");
        let secured = secure_users(&users, user, reveal)?;
        if !secured.is_empty() {
            // The file now holds this node's own credentials: later stings must keep it.
            stinger::Manifest::disown(&layout.data, Path::new("data/user.json"))
                .map_err(|err| err.to_string())?;
        }
        lines.extend(secured);
        Ok(lines)
    })
    .await
    .map_err(|err| invalid(format!("initialization stopped: {err}")))?
    .map_err(invalid)?;
    lines.extend(reveal_lines);

    let (wurker, local) = seed::parts(request.only);
    if request.drop || request.recreate {
        lines.extend(seed::drop(store, wurker, local).await?);
        if !request.recreate {
            return Ok(lines);
        }
    }
    let seeding = SeedRequest {
        only: request.only,
        drop: false,
        force: false,
    };
    lines.extend(seed::run(store, &config.layout, &seeding).await?);
    if !request.no_status {
        lines.extend(summary(config, request.username.as_deref()));
    }
    Ok(lines)
}

/// Initializes a home that a daemon is starting on for the first time, logging what it did.
/// A failure is logged and does not stop the daemon: `wurk admin init` can finish the job.
pub async fn first_start(config: &Config) {
    let request = InitRequest {
        source: StingerSource {
            root: None,
            slug: "default".into(),
            node: None,
            env: None,
        },
        only: None,
        drop: false,
        recreate: false,
        no_status: true,
        username: None,
        password: None,
    };
    let outcome = match Store::open(config).await {
        Ok(store) => {
            let outcome = initialize(&store, config, &request, false).await;
            store.close().await;
            outcome
        }
        Err(err) => {
            tracing::error!(error = %format!("{err:#}"), "cannot open the databases to initialize");
            return;
        }
    };
    match outcome {
        Ok(lines) => {
            for line in lines.iter().filter(|line| !line.trim().is_empty()) {
                tracing::info!(step = %line.trim(), "initializing the new home");
            }
            tracing::info!(
                home = %config.layout.home.display(),
                "new home initialized with the default stinger and seeds"
            );
        }
        Err(Failure::Reply(reply)) => tracing::error!(
            error = %reply.message,
            "initializing the new home failed; run 'wurk admin init' to finish it"
        ),
        Err(Failure::Store(err)) => tracing::error!(
            error = %err,
            "initializing the new home failed; run 'wurk admin init' to finish it"
        ),
    }
}

async fn sting(config: &Config, source: &StingerSource) -> Outcome<Vec<String>> {
    let (layout, source, app_id) = (config.layout.clone(), source.clone(), config.app_id);
    let report = tokio::task::spawn_blocking(move || stinger::sting(&layout, &source, app_id))
        .await
        .map_err(|err| invalid(format!("stinging stopped: {err}")))?
        .map_err(crate::handlers::stinger_failure)?;
    Ok(report.lines)
}

/// Writes a random `ui.secret_key` into `wurker.toml` when it has none, keeping comments.
fn ensure_secret_key(path: &Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| format!("cannot read {}: {err}", path.display()))?;
    let mut document: toml_edit::DocumentMut = text
        .parse()
        .map_err(|err| format!("{} is not valid TOML: {err}", path.display()))?;
    let ui = document.entry("ui").or_insert(toml_edit::table());
    let has_key = ui
        .get("secret_key")
        .and_then(|item| item.as_str())
        .is_some_and(|key| !key.is_empty());
    if has_key {
        return Ok(Vec::new());
    }
    let key = random_hex(32)?;
    match ui
        .get_mut("secret_key")
        .and_then(|item| item.as_value_mut())
    {
        Some(value) => {
            let decor = value.decor().clone();
            *value = key.into();
            *value.decor_mut() = decor;
        }
        None => ui["secret_key"] = toml_edit::value(key),
    }
    write_atomic(path, document.to_string().as_bytes(), 0o600)
        .map_err(|err| format!("cannot write {}: {err}", path.display()))?;
    Ok(vec![
        "ui.secret_key: generated a random session key in wurker.toml".into(),
    ])
}

/// Sets the requested UI user and replaces the default password by a random one, storing only
/// hashes in `user.json`.
fn secure_users(
    path: &Path,
    user: Option<(String, String)>,
    reveal: bool,
) -> Result<Vec<String>, String> {
    let mut list = accounts::read(path)?.unwrap_or_default();
    let mut lines = Vec::new();
    let mut changed = false;
    if let Some((name, password)) = user {
        let secret = Secret::Hash(accounts::hash(&password)?);
        match list.iter_mut().find(|account| account.username == name) {
            Some(account) => account.secret = secret,
            None => list.push(Account {
                username: name.clone(),
                secret,
            }),
        }
        lines.push(format!("UI user '{name}': password set"));
        changed = true;
    }
    for account in &mut list {
        if account.secret != Secret::Plain(DEFAULT_PASSWORD.into()) {
            continue;
        }
        let password = random_hex(12)?;
        account.secret = Secret::Hash(accounts::hash(&password)?);
        changed = true;
        lines.push(if reveal {
            format!(
                "UI user '{}': the default password was replaced by: {password} (shown this \
                 once; only its hash is kept)",
                account.username
            )
        } else {
            format!(
                "UI user '{}': the default password was replaced by a random one; set yours \
                 with 'wurk admin init --username {} --password ...'",
                account.username, account.username
            )
        });
    }
    if changed {
        accounts::write(path, &list)
            .map_err(|err| format!("cannot write {}: {err}", path.display()))?;
    }
    Ok(lines)
}

fn random_hex(bytes: usize) -> Result<String, String> {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).map_err(|err| format!("no randomness available: {err}"))?;
    Ok(buffer.iter().map(|byte| format!("{byte:02x}")).collect())
}

fn summary(config: &Config, username: Option<&str>) -> Vec<String> {
    let url = if config.domain.is_empty() {
        "http://localhost:5000".to_string()
    } else {
        format!("http://{}", config.domain)
    };
    let mut lines = vec![
        String::new(),
        "Init Complete:".into(),
        "--------------".into(),
        format!("Remote DB: {}", config.config_db),
        format!("Local DB: {}", config.local_db.display()),
        format!("UI URL: {url}"),
    ];
    if let Some(name) = username {
        lines.push(format!("UI user: {name}"));
    }
    lines
}

fn invalid(message: impl Into<String>) -> Failure {
    Failure::Reply(ErrorReply::invalid(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_secret_key_is_generated_once_and_comments_stay() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wurker.toml");
        std::fs::write(
            &path,
            "[ui]\nsecret_key = \"\"   # session key\nworkers = 3\n",
        )
        .unwrap();
        assert_eq!(ensure_secret_key(&path).unwrap().len(), 1);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("# session key"), "{text}");
        let table: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(table["ui"]["secret_key"].as_str().map(str::len), Some(64));
        assert!(ensure_secret_key(&path).unwrap().is_empty());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    }

    #[test]
    fn the_default_password_never_stays() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("user.json");
        std::fs::write(
            &path,
            r#"[{"username": "wurkeradmin", "password": "wurkeradmin"}]"#,
        )
        .unwrap();
        let lines = secure_users(&path, None, true).unwrap();
        let shown = lines[0].split("replaced by: ").nth(1).unwrap();
        let password = shown.split(' ').next().unwrap();
        let stored = accounts::read(&path).unwrap().unwrap();
        let Secret::Hash(hash) = &stored[0].secret else {
            panic!("a hash is stored: {stored:?}")
        };
        assert!(!std::fs::read_to_string(&path).unwrap().contains(password));
        assert_eq!(
            crate::password::verify(password, hash).unwrap(),
            crate::password::Verdict::Valid
        );
    }
}
