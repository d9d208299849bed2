//! Where a node lives: its home directory and the daemon's socket inside it. `wurkerd` and its
//! clients both use these rules, so a client finds its daemon exactly the way the daemon found
//! its home.

use std::path::{Path, PathBuf};

/// Names the home directory when `--home` is not given.
pub const HOME_ENV: &str = "WURKER_HOME";
/// Names the daemon's socket directly, bypassing the home.
pub const SOCKET_ENV: &str = "WURKER_SOCKET";
/// The socket's place in the home unless `wurker.toml` says otherwise.
pub const DEFAULT_SOCKET: &str = "data/wurkerd.sock";

/// Why a home or socket could not be determined.
#[derive(Debug, thiserror::Error)]
pub enum HomeError {
    #[error("no home directory: give --home DIR or set WURKER_HOME (HOME is not set either)")]
    NoHome,
    #[error("cannot determine the current directory to resolve the relative path {path}: {source}")]
    CurrentDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Config { path: PathBuf, message: String },
}

/// The directories of a home, as the original laid them out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub home: PathBuf,
    /// Configuration: `wurker.toml`, seeds, scripts, stingers.
    pub etc: PathBuf,
    /// Injected code: PyBee modules, libraries, settings.
    pub opt: PathBuf,
    /// Databases, credentials, logs and the socket.
    pub data: PathBuf,
}

impl Layout {
    /// The layout below a home directory.
    pub fn new(home: PathBuf) -> Self {
        Self {
            etc: home.join("etc"),
            opt: home.join("opt"),
            data: home.join("data"),
            home,
        }
    }

    /// The node's configuration file.
    pub fn config_file(&self) -> PathBuf {
        self.etc.join("wurker.toml")
    }
}

/// The home directory: the flag, else `WURKER_HOME`, else `~/.config/wurker`; made absolute.
///
/// # Errors
/// [`HomeError::NoHome`] when none of the three is available.
pub fn resolve_home(flag: Option<&Path>) -> Result<PathBuf, HomeError> {
    let chosen = match flag {
        Some(path) => path.to_path_buf(),
        None => match std::env::var_os(HOME_ENV).filter(|value| !value.is_empty()) {
            Some(value) => PathBuf::from(value),
            None => {
                let user_home = std::env::var_os("HOME").filter(|value| !value.is_empty());
                PathBuf::from(user_home.ok_or(HomeError::NoHome)?).join(".config/wurker")
            }
        },
    };
    absolute(chosen)
}

/// Makes a path absolute against the current directory.
///
/// # Errors
/// [`HomeError::CurrentDir`] when the current directory cannot be read.
pub fn absolute(path: PathBuf) -> Result<PathBuf, HomeError> {
    if path.is_absolute() {
        return Ok(path);
    }
    let cwd = std::env::current_dir().map_err(|source| HomeError::CurrentDir {
        path: path.clone(),
        source,
    })?;
    Ok(cwd.join(path))
}

/// The socket path `wurker.toml` names in `[daemon] socket` (relative to the home), or the
/// default when the file or the key is absent.
///
/// # Errors
/// [`HomeError::Read`] when the file exists but cannot be read, [`HomeError::Config`] when it
/// is not TOML or the key is not a string.
pub fn socket_in_home(layout: &Layout) -> Result<PathBuf, HomeError> {
    let path = layout.config_file();
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Ok(layout.home.join(DEFAULT_SOCKET));
        }
        Err(source) => return Err(HomeError::Read { path, source }),
    };
    let table: toml::Table = toml::from_str(&text).map_err(|err| HomeError::Config {
        path: path.clone(),
        message: err.to_string(),
    })?;
    let value = table.get("daemon").and_then(|daemon| daemon.get("socket"));
    match value {
        None => Ok(layout.home.join(DEFAULT_SOCKET)),
        Some(toml::Value::String(socket)) if !socket.is_empty() => Ok(layout.home.join(socket)),
        Some(_) => Err(HomeError::Config {
            path,
            message: "key 'daemon.socket' must be a non-empty string (a path)".to_string(),
        }),
    }
}
