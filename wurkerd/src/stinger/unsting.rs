//! `unsting`: removing exactly the files that stings injected, as the manifest lists them.
//! The operator's own files, the node's `wurker.toml` and the databases are never touched
//! here; dropping seeded rows is the daemon's part.

use std::path::Path;

use protocol::home::Layout;

use crate::stinger::StingerError;
use crate::stinger::manifest::Manifest;

/// Removes the injected files of the home and then the directories they leave empty; returns
/// report lines.
///
/// # Errors
/// When the manifest is unreadable or a file cannot be removed; the manifest then still lists
/// what is left.
pub fn unsting(layout: &Layout) -> Result<Vec<String>, StingerError> {
    let mut manifest = Manifest::load(&layout.data)?;
    if manifest.files.is_empty() {
        return Ok(vec![
            "Nothing to unsting: no sting has injected files into this home".to_string(),
        ]);
    }
    let mut lines = vec![format!("Unstinging {}", manifest.stinger)];
    let files: Vec<_> = manifest.files.iter().cloned().collect();
    for relative in files {
        let path = layout.home.join(&relative);
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_file() => {
                if let Err(err) = std::fs::remove_file(&path) {
                    manifest.save(&layout.data)?;
                    return Err(StingerError::io(&path, err));
                }
                lines.push(format!("  removed: {}", relative.display()));
            }
            _ => lines.push(format!("  already gone: {}", relative.display())),
        }
        prune_empty_dirs(&layout.home, &relative);
        manifest.files.remove(&relative);
    }
    manifest.save(&layout.data)?;
    lines.push(format!("Done: {} file(s) removed", lines.len() - 1));
    Ok(lines)
}

/// Removes the now empty directories between a removed file and the home's top directories
/// (`etc`, `opt`, `data` stay).
fn prune_empty_dirs(home: &Path, relative: &Path) {
    let mut dir = relative.parent();
    while let Some(current) = dir {
        if current.components().count() < 2 {
            break;
        }
        // Fails, as wanted, when the directory still holds anything.
        if std::fs::remove_dir(home.join(current)).is_err() {
            break;
        }
        dir = current.parent();
    }
}
