//! Stingers: directory trees of configuration, seeds, scripts, PyBee code and data that are
//! layered into a node's home. A stinger `SLUG` under a root has up to three levels, from the
//! most general to the most specific: `SLUG/wurker` (every node), `SLUG/colony/NODE/wurker`
//! (one node) and `SLUG/colony/NODE/ENV` (one node in one environment); the built-in default
//! stinger lies below them all. The most specific level that has a file wins, for single files
//! and for directories alike.
//!
//! Everything here works on files only; the daemon's handlers add the database side.

mod deps;
pub mod embedded;
mod extract;
mod inject;
mod manifest;
mod refactor;
mod stung_config;
mod tree;
mod unsting;

use std::path::{Path, PathBuf};

pub use extract::extract;
pub use inject::{StingReport, sting};
pub use manifest::Manifest;
pub use refactor::refactor;
pub use unsting::unsting;

/// Why a stinger operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StingerError {
    /// A root, stinger, node or environment that does not exist.
    #[error("{0}")]
    NotFound(String),
    /// A name or tree that breaks a rule.
    #[error("{0}")]
    Invalid(String),
    #[error(
        "{path} is a symbolic link to {target}, which is outside {root}; stingers may only \
         link inside their own tree"
    )]
    Escape {
        path: PathBuf,
        target: PathBuf,
        root: PathBuf,
    },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl StingerError {
    /// An I/O failure on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// The stingers root a request names, or the home's `etc/stingers` when it names none.
pub fn root_or_default(etc: &Path, root: Option<&str>) -> PathBuf {
    match root {
        Some(root) if !root.is_empty() => PathBuf::from(root),
        _ => etc.join("stingers"),
    }
}
