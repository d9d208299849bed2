//! Reading a stinger tree from disk without leaving it: every file found is inside the root,
//! and a symbolic link is followed only when it leads to somewhere inside the root too.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::stinger::StingerError;

/// A file of a stinger level on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiskFile {
    /// Its path relative to the level.
    pub relative: PathBuf,
    /// Where to read it (symbolic links resolved).
    pub path: PathBuf,
    pub executable: bool,
}

/// Deep enough for any real stinger, shallow enough to stop a loop of directory links.
const MAX_DEPTH: usize = 32;

/// Every regular file under `level`, which lies inside the canonical `root`.
///
/// # Errors
/// [`StingerError::Escape`] for a symbolic link that leads out of the root, or
/// [`StingerError::Io`] when a directory cannot be read.
pub fn files(root: &Path, level: &Path) -> Result<Vec<DiskFile>, StingerError> {
    let mut found = Vec::new();
    walk(root, level, Path::new(""), 0, &mut found)?;
    found.sort_by(|a, b| a.relative.cmp(&b.relative));
    Ok(found)
}

fn walk(
    root: &Path,
    dir: &Path,
    relative: &Path,
    depth: usize,
    found: &mut Vec<DiskFile>,
) -> Result<(), StingerError> {
    if depth > MAX_DEPTH {
        return Err(StingerError::Invalid(format!(
            "{} is nested more than {MAX_DEPTH} directories deep (a loop of links?)",
            dir.display()
        )));
    }
    let entries = std::fs::read_dir(dir).map_err(|err| StingerError::io(dir, err))?;
    for entry in entries {
        let entry = entry.map_err(|err| StingerError::io(dir, err))?;
        let path = inside(root, &entry.path())?;
        let name = relative.join(entry.file_name());
        let meta = std::fs::metadata(&path).map_err(|err| StingerError::io(&path, err))?;
        if meta.is_dir() {
            walk(root, &path, &name, depth + 1, found)?;
        } else if meta.is_file() {
            found.push(DiskFile {
                relative: name,
                executable: meta.permissions().mode() & 0o111 != 0,
                path,
            });
        }
    }
    Ok(())
}

/// Resolves `path` (following links) and checks that it is still inside `root`.
///
/// # Errors
/// [`StingerError::Escape`] naming the link when it leads out of the root.
pub fn inside(root: &Path, path: &Path) -> Result<PathBuf, StingerError> {
    let resolved = path
        .canonicalize()
        .map_err(|err| StingerError::io(path, err))?;
    if resolved.starts_with(root) {
        Ok(resolved)
    } else {
        Err(StingerError::Escape {
            path: path.to_path_buf(),
            target: resolved,
            root: root.to_path_buf(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn links_inside_are_followed_and_links_outside_refused() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "x").unwrap();
        let root = tempfile::tempdir().unwrap();
        let root_path = root.path().canonicalize().unwrap();
        let level = root_path.join("main/wurker");
        std::fs::create_dir_all(level.join("seeds")).unwrap();
        std::fs::write(level.join("seeds/001_seed.json"), "{}").unwrap();
        symlink(level.join("seeds"), level.join("bees")).unwrap();

        let found = files(&root_path, &level).unwrap();
        let names: Vec<_> = found.iter().map(|f| f.relative.clone()).collect();
        assert_eq!(
            names,
            [
                PathBuf::from("bees/001_seed.json"),
                PathBuf::from("seeds/001_seed.json")
            ]
        );

        symlink(outside.path().join("secret"), level.join("seeds/leak")).unwrap();
        let err = files(&root_path, &level).unwrap_err().to_string();
        assert!(err.contains("leak") && err.contains("outside"), "{err}");
    }
}
