//! The `[local_db]` and `[remote_db]` tables: where the node's local SQLite database is, and
//! where its config database is (a SQLite file, or a MySQL/MariaDB or PostgreSQL database that
//! a Colony's nodes share). The keys are the original's (`dbdriver`, `hostname`, `port`,
//! `username`, `password`, `database`), plus `url` (a whole connection URL instead of the
//! separate keys) and `ssl_mode`, `ssl_ca`, `ssl_cert`, `ssl_key` for TLS.
//!
//! Passwords are kept in [`Secret`], which never shows its text in `Debug` or `Display`.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Deserialize;
use sqlx::mysql::MySqlConnectOptions;
use sqlx::postgres::PgConnectOptions;

/// A `[*_db]` table as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawDb {
    hostname: String,
    username: String,
    password: Secret,
    database: String,
    dbdriver: String,
    port: i64,
    url: Secret,
    ssl_mode: String,
    ssl_ca: String,
    ssl_cert: String,
    ssl_key: String,
}

/// Text that must not be shown: a password, or a URL that may hold one.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// The text itself, for the one place that needs it (connecting).
    pub fn expose(&self) -> &str {
        &self.0
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("\"\"")
        } else {
            f.write_str("\"<redacted>\"")
        }
    }
}

/// Where the config database is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigDb {
    /// A SQLite file (the default: `data/wurker-remote.db`).
    Sqlite(PathBuf),
    /// A database on a MySQL/MariaDB or PostgreSQL server.
    Server(ServerDb),
}

/// Which server a [`ServerDb`] is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerKind {
    MySql,
    Postgres,
}

/// A config database on a server. `host`, `port`, `username` and `database` are filled from
/// `url` when one is given; the password then stays inside `url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerDb {
    pub kind: ServerKind,
    pub host: String,
    pub port: u16,
    pub username: String,
    pub password: Secret,
    pub database: String,
    pub url: Option<Secret>,
    pub tls: Tls,
}

/// TLS settings for a server connection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tls {
    /// `None` leaves the choice to the URL, else to the driver (which prefers TLS).
    pub mode: Option<TlsMode>,
    /// The certificate authority that signed the server's certificate.
    pub ca: Option<PathBuf>,
    /// A client certificate and its key, for servers that ask for one.
    pub client: Option<(PathBuf, PathBuf)>,
}

/// How much TLS a connection insists on (`ssl_mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// Never use TLS.
    Disable,
    /// Use TLS when the server offers it.
    Prefer,
    /// Refuse a server without TLS, without checking its certificate.
    Require,
    /// Also check that the certificate is signed by a trusted authority.
    VerifyCa,
    /// Also check that the certificate names the host.
    VerifyFull,
}

const SSL_MODES: &str = "\"disable\", \"prefer\", \"require\", \"verify-ca\" or \"verify-full\"";

/// A rejected key: its dotted name and what is wrong.
pub(super) type Rejection = (&'static str, String);

/// The local database: always a SQLite file, relative paths taken from the home's `data/`.
pub(super) fn local_db(data: &Path, raw: &RawDb) -> Result<PathBuf, Rejection> {
    if !matches!(raw.dbdriver.as_str(), "" | "sqlite") {
        return Err((
            "local_db.dbdriver",
            format!(
                "the local database is always SQLite, not \"{}\"; use \"sqlite\" (only \
                 [remote_db] may name a server)",
                raw.dbdriver
            ),
        ));
    }
    let extra = [
        ("local_db.url", raw.url.is_empty()),
        ("local_db.ssl_mode", raw.ssl_mode.is_empty()),
        ("local_db.ssl_ca", raw.ssl_ca.is_empty()),
        ("local_db.ssl_cert", raw.ssl_cert.is_empty()),
        ("local_db.ssl_key", raw.ssl_key.is_empty()),
    ];
    if let Some((key, _)) = extra.into_iter().find(|(_, empty)| !empty) {
        return Err((key, "is only used by a [remote_db] on a server".to_string()));
    }
    Ok(resolve_in(data, non_empty(&raw.database, "wurker.db")))
}

/// The config database. As in the original, an empty `[remote_db] dbdriver` means "the
/// `[local_db]` table", and an empty SQLite `database` means the local database's file.
pub(super) fn config_db(
    home: &Path,
    data: &Path,
    remote: &RawDb,
    local: &RawDb,
) -> Result<ConfigDb, Rejection> {
    if remote.dbdriver.is_empty() {
        return Ok(ConfigDb::Sqlite(local_db(data, local)?));
    }
    let kind = match remote.dbdriver.as_str() {
        "sqlite" => return sqlite_config_db(data, remote, local),
        "mysql" | "mariadb" => ServerKind::MySql,
        "postgresql" | "postgres" => ServerKind::Postgres,
        other => {
            return Err((
                "remote_db.dbdriver",
                format!(
                    "unknown database driver \"{other}\"; use \"sqlite\", \"mysql\" or \
                     \"postgresql\""
                ),
            ));
        }
    };
    let tls = tls(home, remote)?;
    let server = match remote.url.is_empty() {
        true => from_keys(kind, remote, tls)?,
        false => from_url(kind, remote, tls)?,
    };
    Ok(ConfigDb::Server(server))
}

fn sqlite_config_db(data: &Path, remote: &RawDb, local: &RawDb) -> Result<ConfigDb, Rejection> {
    let server_keys = [
        ("remote_db.url", remote.url.is_empty()),
        ("remote_db.ssl_mode", remote.ssl_mode.is_empty()),
        ("remote_db.ssl_ca", remote.ssl_ca.is_empty()),
        ("remote_db.ssl_cert", remote.ssl_cert.is_empty()),
        ("remote_db.ssl_key", remote.ssl_key.is_empty()),
    ];
    if let Some((key, _)) = server_keys.into_iter().find(|(_, empty)| !empty) {
        return Err((
            key,
            "is only used with dbdriver \"mysql\" or \"postgresql\"".to_string(),
        ));
    }
    if remote.database.is_empty() {
        return Ok(ConfigDb::Sqlite(local_db(data, local)?));
    }
    Ok(ConfigDb::Sqlite(resolve_in(data, &remote.database)))
}

fn from_keys(kind: ServerKind, raw: &RawDb, tls: Tls) -> Result<ServerDb, Rejection> {
    let port = match raw.port {
        0 => kind.default_port(),
        port => u16::try_from(port).ok().filter(|port| *port > 0).ok_or((
            "remote_db.port",
            format!("{port} is not a TCP port (1 to 65535, or 0 for the default)"),
        ))?,
    };
    if raw.database.is_empty() {
        return Err((
            "remote_db.database",
            "must name the database on the server (it is created if it does not exist)".to_string(),
        ));
    }
    Ok(ServerDb {
        kind,
        host: non_empty(&raw.hostname, "localhost").to_string(),
        port,
        username: raw.username.clone(),
        password: raw.password.clone(),
        database: raw.database.clone(),
        url: None,
        tls,
    })
}

fn from_url(kind: ServerKind, raw: &RawDb, tls: Tls) -> Result<ServerDb, Rejection> {
    let separate = [
        ("remote_db.hostname", raw.hostname.is_empty()),
        ("remote_db.username", raw.username.is_empty()),
        ("remote_db.password", raw.password.is_empty()),
        ("remote_db.database", raw.database.is_empty()),
        ("remote_db.port", raw.port == 0),
    ];
    if let Some((key, _)) = separate.into_iter().find(|(_, empty)| !empty) {
        return Err((
            key,
            "cannot be combined with remote_db.url; give the whole connection in the URL, or \
             leave url empty"
                .to_string(),
        ));
    }
    let url = raw.url.expose();
    let schemes: &[&str] = match kind {
        ServerKind::MySql => &["mysql://", "mariadb://"],
        ServerKind::Postgres => &["postgres://", "postgresql://"],
    };
    if !schemes.iter().any(|scheme| url.starts_with(scheme)) {
        return Err((
            "remote_db.url",
            format!(
                "must start with {} to match dbdriver \"{}\"",
                schemes.join(" or "),
                raw.dbdriver
            ),
        ));
    }
    // The parser's message never repeats the URL, so the password stays out of it.
    let invalid = |err: sqlx::Error| {
        (
            "remote_db.url",
            format!("is not a valid connection URL: {err}"),
        )
    };
    let (host, port, username, database) = match kind {
        ServerKind::MySql => {
            let options = MySqlConnectOptions::from_str(url).map_err(invalid)?;
            parts(
                options.get_host(),
                options.get_port(),
                options.get_username(),
                options.get_database(),
            )
        }
        ServerKind::Postgres => {
            let options = PgConnectOptions::from_str(url).map_err(invalid)?;
            parts(
                options.get_host(),
                options.get_port(),
                options.get_username(),
                options.get_database(),
            )
        }
    };
    if database.is_empty() {
        return Err((
            "remote_db.url",
            "must name a database (mysql://host/NAME)".to_string(),
        ));
    }
    Ok(ServerDb {
        kind,
        host,
        port,
        username,
        password: Secret::default(),
        database,
        url: Some(raw.url.clone()),
        tls,
    })
}

fn parts(
    host: &str,
    port: u16,
    username: &str,
    database: Option<&str>,
) -> (String, u16, String, String) {
    (
        host.to_string(),
        port,
        username.to_string(),
        database.unwrap_or_default().to_string(),
    )
}

fn tls(home: &Path, raw: &RawDb) -> Result<Tls, Rejection> {
    let mode = match raw.ssl_mode.as_str() {
        "" => None,
        "prefer" | "preferred" => Some(TlsMode::Prefer),
        "disable" | "disabled" => Some(TlsMode::Disable),
        "require" | "required" => Some(TlsMode::Require),
        "verify-ca" | "verify_ca" => Some(TlsMode::VerifyCa),
        "verify-full" | "verify_full" | "verify-identity" | "verify_identity" => {
            Some(TlsMode::VerifyFull)
        }
        other => {
            return Err((
                "remote_db.ssl_mode",
                format!("\"{other}\" is not one of {SSL_MODES}"),
            ));
        }
    };
    let ca = existing_file(home, "remote_db.ssl_ca", &raw.ssl_ca)?;
    let cert = existing_file(home, "remote_db.ssl_cert", &raw.ssl_cert)?;
    let key = existing_file(home, "remote_db.ssl_key", &raw.ssl_key)?;
    let client = match (cert, key) {
        (Some(cert), Some(key)) => Some((cert, key)),
        (None, None) => None,
        (Some(_), None) => {
            return Err(("remote_db.ssl_key", "is required with ssl_cert".to_string()));
        }
        (None, Some(_)) => {
            return Err(("remote_db.ssl_cert", "is required with ssl_key".to_string()));
        }
    };
    Ok(Tls { mode, ca, client })
}

/// A file named by a key, relative paths taken from the home; it must exist.
fn existing_file(home: &Path, key: &'static str, name: &str) -> Result<Option<PathBuf>, Rejection> {
    if name.is_empty() {
        return Ok(None);
    }
    let path = resolve_in(home, name);
    if !path.is_file() {
        return Err((key, format!("no such file: {}", path.display())));
    }
    Ok(Some(path))
}

impl ServerDb {
    /// Whether the connection carries a password: the `password` key, or one inside `url`.
    pub fn has_password(&self) -> bool {
        !self.password.is_empty() || self.url.as_ref().is_some_and(url_has_password)
    }
}

/// Whether a URL carries a non-empty password: `scheme://user:password@host/...`, or a
/// `password=` parameter (which PostgreSQL URLs accept).
fn url_has_password(url: &Secret) -> bool {
    let text = url.expose();
    let rest = text.split_once("://").map_or(text, |(_, rest)| rest);
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let in_userinfo = authority
        .rsplit_once('@')
        .and_then(|(userinfo, _host)| userinfo.split_once(':'))
        .is_some_and(|(_, password)| !password.is_empty());
    let in_parameters = rest.split_once('?').is_some_and(|(_, parameters)| {
        parameters.split('&').any(|pair| {
            pair.strip_prefix("password=")
                .is_some_and(|v| !v.is_empty())
        })
    });
    in_userinfo || in_parameters
}

impl ServerKind {
    /// The port the server listens on unless told otherwise.
    pub fn default_port(self) -> u16 {
        match self {
            ServerKind::MySql => 3306,
            ServerKind::Postgres => 5432,
        }
    }

    /// The server's `dbdriver` name, also the scheme of its URLs.
    pub fn scheme(self) -> &'static str {
        match self {
            ServerKind::MySql => "mysql",
            ServerKind::Postgres => "postgresql",
        }
    }
}

/// The database as a URL without its password, for logs and status output.
impl fmt::Display for ConfigDb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigDb::Sqlite(path) => write!(f, "sqlite://{}", path.display()),
            ConfigDb::Server(server) => {
                write!(f, "{}://", server.kind.scheme())?;
                if !server.username.is_empty() {
                    write!(f, "{}@", server.username)?;
                }
                write!(f, "{}:{}/{}", server.host, server.port, server.database)
            }
        }
    }
}

fn non_empty<'a>(value: &'a str, default: &'a str) -> &'a str {
    if value.is_empty() { default } else { value }
}

/// A path as written, relative ones taken from `dir`.
pub(super) fn resolve_in(dir: &Path, name: &str) -> PathBuf {
    let path = Path::new(name);
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        dir.join(path)
    }
}

#[cfg(test)]
mod tests;
