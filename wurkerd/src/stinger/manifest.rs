//! The record of what stings injected into a home (`data/stinger-manifest.json`): the stinger
//! last stung and every file it placed, relative to the home. `unsting` removes exactly these
//! files and a re-sting refreshes them; files that are not in it belong to the operator.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::files::write_atomic;
use crate::stinger::StingerError;
use crate::stinger::deps::normal_parts;

/// The manifest's name in the home's `data/`.
pub const FILE_NAME: &str = "stinger-manifest.json";

/// What stings injected into one home.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The last stinger stung, as `ROOT/SLUG (node NODE, env ENV)`.
    pub stinger: String,
    /// Injected files, relative to the home.
    pub files: BTreeSet<PathBuf>,
}

impl Manifest {
    /// Reads the home's manifest; an absent one is empty.
    ///
    /// # Errors
    /// When it cannot be read or parsed, or names a path that leaves the home.
    pub fn load(data: &Path) -> Result<Self, StingerError> {
        let path = data.join(FILE_NAME);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(err) => return Err(StingerError::io(&path, err)),
        };
        let manifest: Self = serde_json::from_str(&text).map_err(|err| {
            StingerError::Invalid(format!("{}: not a stinger manifest: {err}", path.display()))
        })?;
        // A manifest is trusted to delete files: refuse one that points anywhere but the home.
        if let Some(bad) = manifest
            .files
            .iter()
            .find(|file| normal_parts(file).is_none())
        {
            return Err(StingerError::Invalid(format!(
                "{}: the entry '{}' leaves the home; remove the manifest by hand",
                path.display(),
                bad.display()
            )));
        }
        Ok(manifest)
    }

    /// Takes a file off the record: it is the node's own from now on, so stings leave it alone
    /// and unsting keeps it. `init` does this for the credentials it rewrites.
    ///
    /// # Errors
    /// When the manifest cannot be read or written.
    pub fn disown(data: &Path, relative: &Path) -> Result<(), StingerError> {
        let mut manifest = Self::load(data)?;
        if manifest.files.remove(relative) {
            manifest.save(data)?;
        }
        Ok(())
    }

    /// Writes the manifest (mode 0600), or removes it when it lists no file.
    ///
    /// # Errors
    /// When it cannot be written or removed.
    pub fn save(&self, data: &Path) -> Result<(), StingerError> {
        let path = data.join(FILE_NAME);
        if self.files.is_empty() {
            return match std::fs::remove_file(&path) {
                Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
                    Err(StingerError::io(&path, err))
                }
                _ => Ok(()),
            };
        }
        let text = serde_json::to_string_pretty(self).unwrap_or_default() + "\n";
        write_atomic(&path, text.as_bytes(), 0o600).map_err(|err| StingerError::io(&path, err))
    }
}
