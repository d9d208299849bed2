//! The default stinger, built into `wurkerd` so that an installed daemon needs no source tree.
//! It is the lowest layer of every sting, and it is written out to the home's
//! `etc/stingers/default/` so that operators can read it and sting it by name.

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use crate::files::write_atomic;

static DEFAULT_STINGER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../stingers/default");

/// One file of an embedded level: its path relative to the level, its bytes.
pub type EmbeddedFile = (PathBuf, &'static [u8]);

/// The files of one level of the default stinger (`wurker`, `colony/queen/local`, ...), or
/// none when the default stinger has no such level.
pub fn level(path: &Path) -> Vec<EmbeddedFile> {
    let mut files = Vec::new();
    let dir = if path.as_os_str().is_empty() {
        Some(&DEFAULT_STINGER)
    } else {
        DEFAULT_STINGER.get_dir(path)
    };
    if let Some(dir) = dir {
        collect(dir, dir.path(), &mut files);
    }
    files
}

fn collect(dir: &Dir<'static>, base: &Path, files: &mut Vec<EmbeddedFile>) {
    for file in dir.files() {
        if let Ok(relative) = file.path().strip_prefix(base) {
            files.push((relative.to_path_buf(), file.contents()));
        }
    }
    for sub in dir.dirs() {
        collect(sub, base, files);
    }
}

/// Writes the default stinger's files that are missing under `target`; existing files, which
/// an operator may have edited, are left alone. Returns how many files were written.
///
/// # Errors
/// When a file cannot be written.
pub fn write_missing(target: &Path) -> std::io::Result<usize> {
    let mut written = 0;
    for (relative, contents) in level(Path::new("")) {
        let path = target.join(&relative);
        if path.symlink_metadata().is_ok() {
            continue;
        }
        let executable = relative.extension().is_some_and(|ext| ext == "sh");
        write_atomic(&path, contents, if executable { 0o755 } else { 0o644 })?;
        written += 1;
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_stinger_has_its_three_parts() {
        let wurker: Vec<PathBuf> = level(Path::new("wurker"))
            .into_iter()
            .map(|f| f.0)
            .collect();
        for expected in [
            "seeds/000_seed.json",
            "scripts/test_bee.sh",
            "bees/test_pybee.py",
        ] {
            assert!(wurker.contains(&PathBuf::from(expected)), "{wurker:?}");
        }
        let local = level(Path::new("colony/queen/local"));
        assert_eq!(local.len(), 1);
        assert_eq!(local[0].0, PathBuf::from("data/user.json"));
        assert!(level(Path::new("colony/drone1/local")).is_empty());
        assert_eq!(level(Path::new("")).len(), 4);
    }
}
