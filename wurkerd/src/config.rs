//! `etc/wurker.toml`: the node's identity and settings. The file keeps the original Wurker's
//! tables and keys (`[wurker]`, `[ui]`, `[local_db]`, `[remote_db]`) and adds `[daemon]` for
//! what only `wurkerd` needs. It is parsed into raw tables that reject unknown keys, then
//! validated into one typed [`Config`]; every error names the file and the key.

use std::path::{Path, PathBuf};

use protocol::home::{DEFAULT_SOCKET, Layout};
use serde::Deserialize;
use uuid::Uuid;

/// Why the configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("{path}: key '{key}': {message}")]
    Invalid {
        path: PathBuf,
        key: &'static str,
        message: String,
    },
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawFile {
    wurker: RawWurker,
    ui: RawUi,
    local_db: RawDb,
    remote_db: RawDb,
    daemon: RawDaemon,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawWurker {
    name: String,
    app_id: String,
    env: String,
    log: String,
    loglevel: String,
    is_queen: bool,
    debug: bool,
}

impl Default for RawWurker {
    fn default() -> Self {
        Self {
            name: "Wurker".into(),
            app_id: String::new(),
            env: "local".into(),
            log: "stderr".into(),
            loglevel: "info".into(),
            is_queen: true,
            debug: false,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawUi {
    domain: String,
    workers: i64,
    secret_key: String,
}

impl Default for RawUi {
    fn default() -> Self {
        Self {
            domain: String::new(),
            workers: 3,
            secret_key: String::new(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawDb {
    hostname: String,
    username: String,
    password: String,
    database: String,
    dbdriver: String,
    port: i64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawDaemon {
    socket: String,
    socket_group: String,
}

/// The validated configuration of one node.
#[derive(Debug, Clone)]
pub struct Config {
    pub layout: Layout,
    /// The node's display name and its slug (`Legacy Queen` → `legacy-queen`).
    pub name: String,
    pub slug: String,
    /// The node's identity; every config row it owns carries it.
    pub app_id: Uuid,
    pub env: String,
    pub loglevel: String,
    pub is_queen: bool,
    pub domain: String,
    /// The SQLite file holding the config database (Commands, Crons, Bees, queue, reports).
    pub config_db: PathBuf,
    /// The SQLite file holding this node's local state (the Hive, UI users).
    pub local_db: PathBuf,
    /// The `[remote_db]` and `[local_db]` tables as `admin status` shows them.
    pub config_db_settings: DbSettings,
    pub local_db_settings: DbSettings,
    pub socket: PathBuf,
    /// A group whose members may use the socket besides the daemon's user and root.
    pub socket_group: Option<String>,
}

/// What a `[local_db]` or `[remote_db]` table says, for display. The password itself is not
/// kept here, only whether one is set, so that no status output can carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbSettings {
    /// `sqlite` when the table leaves it empty.
    pub dbdriver: String,
    pub hostname: String,
    pub username: String,
    pub has_password: bool,
    pub port: i64,
}

impl DbSettings {
    fn from_raw(db: &RawDb) -> Self {
        let dbdriver = match db.dbdriver.as_str() {
            "" => "sqlite",
            other => other,
        };
        Self {
            dbdriver: dbdriver.to_string(),
            hostname: db.hostname.clone(),
            username: db.username.clone(),
            has_password: !db.password.is_empty(),
            port: db.port,
        }
    }
}

const LOGLEVELS: [&str; 6] = ["trace", "debug", "info", "warning", "error", "critical"];

impl Config {
    /// Reads and validates the configuration file of a home.
    ///
    /// # Errors
    /// [`ConfigError`] naming the file, and the key when one is at fault.
    pub fn load(layout: &Layout) -> Result<Self, ConfigError> {
        let path = layout.config_file();
        let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
            path: path.clone(),
            source,
        })?;
        Self::parse(layout, &text)
    }

    /// Validates configuration text as if read from the home's `wurker.toml`.
    ///
    /// # Errors
    /// As [`Config::load`].
    pub fn parse(layout: &Layout, text: &str) -> Result<Self, ConfigError> {
        let path = layout.config_file();
        let raw: RawFile = toml::from_str(text).map_err(|err| ConfigError::Parse {
            path: path.clone(),
            message: err.to_string().trim_end().replace('\n', " "),
        })?;
        let invalid = |key: &'static str, message: String| ConfigError::Invalid {
            path: path.clone(),
            key,
            message,
        };

        let app_id = Uuid::parse_str(raw.wurker.app_id.trim())
            .ok()
            .filter(|id| !id.is_nil())
            .ok_or_else(|| {
                invalid(
                    "wurker.app_id",
                    "must be a UUID naming this node".to_string(),
                )
            })?;
        let loglevel = raw.wurker.loglevel.to_ascii_lowercase();
        if !LOGLEVELS.contains(&loglevel.as_str()) {
            return Err(invalid(
                "wurker.loglevel",
                format!("must be one of {LOGLEVELS:?}"),
            ));
        }
        if !matches!(raw.wurker.log.as_str(), "stderr" | "syslog") {
            return Err(invalid(
                "wurker.log",
                "must be \"stderr\" or \"syslog\"".to_string(),
            ));
        }
        if raw.ui.workers < 1 {
            return Err(invalid("ui.workers", "must be 1 or more".to_string()));
        }
        let local_db = sqlite_file(layout, &raw.local_db, "wurker.db")
            .map_err(|message| invalid("local_db.dbdriver", message))?;
        let config_db = sqlite_file(layout, &raw.remote_db, "wurker-remote.db")
            .map_err(|message| invalid("remote_db.dbdriver", message))?;
        let socket = match raw.daemon.socket.as_str() {
            "" => layout.home.join(DEFAULT_SOCKET),
            socket => layout.home.join(socket),
        };

        Ok(Self {
            layout: layout.clone(),
            slug: slugify(&raw.wurker.name),
            name: raw.wurker.name,
            app_id,
            env: raw.wurker.env,
            loglevel,
            is_queen: raw.wurker.is_queen,
            domain: raw.ui.domain,
            config_db,
            local_db,
            config_db_settings: DbSettings::from_raw(&raw.remote_db),
            local_db_settings: DbSettings::from_raw(&raw.local_db),
            socket,
            socket_group: Some(raw.daemon.socket_group).filter(|group| !group.is_empty()),
        })
    }
}

/// The SQLite file a `[*_db]` table names, relative paths taken from the home's `data/`.
fn sqlite_file(layout: &Layout, db: &RawDb, default: &str) -> Result<PathBuf, String> {
    match db.dbdriver.as_str() {
        "" | "sqlite" => {}
        "mysql" | "postgresql" => {
            return Err(format!(
                "\"{}\" is not available in this release of Wurker; use \"sqlite\"",
                db.dbdriver
            ));
        }
        other => {
            return Err(format!(
                "unknown database driver \"{other}\"; use \"sqlite\", \"mysql\" or \"postgresql\""
            ));
        }
    }
    let name = if db.database.is_empty() {
        default
    } else {
        db.database.as_str()
    };
    Ok(resolve_in(&layout.data, name))
}

fn resolve_in(dir: &Path, name: &str) -> PathBuf {
    let path = Path::new(name);
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        dir.join(path)
    }
}

/// Lowercase words joined by hyphens, as the original derived a node's slug from its name.
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for word in name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&word.to_ascii_lowercase());
    }
    slug
}

/// The `wurker.toml` a new home starts with, naming a fresh node identity.
pub fn default_file(app_id: Uuid) -> String {
    DEFAULT_TEMPLATE.replace("@APP_ID@", &app_id.to_string())
}

const DEFAULT_TEMPLATE: &str = include_str!("../../etc/wurker.toml");

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> Layout {
        Layout::new(PathBuf::from("/srv/wurker"))
    }

    #[test]
    fn default_file_is_valid() {
        let id = Uuid::new_v4();
        let config = Config::parse(&layout(), &default_file(id)).unwrap();
        assert_eq!(config.app_id, id);
        assert_eq!(
            config.config_db,
            PathBuf::from("/srv/wurker/data/wurker-remote.db")
        );
        assert_eq!(config.local_db, PathBuf::from("/srv/wurker/data/wurker.db"));
        assert_eq!(
            config.socket,
            PathBuf::from("/srv/wurker/data/wurkerd.sock")
        );
        assert_eq!(config.slug, "wurker");
    }

    #[test]
    fn db_settings_keep_no_password() {
        let text =
            default_file(Uuid::new_v4()).replacen("password = \"\"", "password = \"hunter2\"", 2);
        let config = Config::parse(&layout(), &text).unwrap();
        assert!(config.config_db_settings.has_password);
        assert_eq!(config.config_db_settings.dbdriver, "sqlite");
        assert!(!format!("{config:?}").contains("hunter2"));
    }

    #[test]
    fn unknown_key_names_file_and_key() {
        let text = default_file(Uuid::new_v4()).replacen("[ui]", "[ui]\ncolour = 1", 1);
        let err = Config::parse(&layout(), &text).unwrap_err().to_string();
        assert!(err.contains("/srv/wurker/etc/wurker.toml"), "{err}");
        assert!(err.contains("colour"), "{err}");
    }

    #[test]
    fn bad_values_name_their_key() {
        let base = default_file(Uuid::new_v4());
        let cases = [
            (r#"app_id = "nope""#, "wurker.app_id"),
            (r#"loglevel = "loud""#, "wurker.loglevel"),
        ];
        for (line, key) in cases {
            let text = base
                .lines()
                .map(|l| {
                    if l.starts_with(line.split(' ').next().unwrap()) {
                        line
                    } else {
                        l
                    }
                })
                .collect::<Vec<_>>()
                .join("\n");
            let err = Config::parse(&layout(), &text).unwrap_err().to_string();
            assert!(err.contains(key), "{err}");
        }
        let text = base.replace("dbdriver = \"sqlite\"", "dbdriver = \"oracle\"");
        let err = Config::parse(&layout(), &text).unwrap_err().to_string();
        assert!(err.contains("dbdriver") && err.contains("oracle"), "{err}");
    }

    #[test]
    fn slugs_like_the_original() {
        assert_eq!(slugify("Wurker"), "wurker");
        assert_eq!(slugify("Legacy Queen"), "legacy-queen");
        assert_eq!(slugify("Drone1"), "drone1");
    }
}
