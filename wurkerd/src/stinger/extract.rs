//! `extract`: copying the home's resources back out into a stinger tree, at the level every
//! node shares (`ROOT/SLUG/wurker`) or at one node's environment (`ROOT/SLUG/colony/NODE/ENV`),
//! so that a node configured by hand can become a stinger, and a sting of the result gives the
//! same home again.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use protocol::admin::{ExtractLevel, ExtractRequest};
use protocol::home::Layout;

use crate::files::write_atomic;
use crate::stinger::deps::{RESOURCES, check_name};
use crate::stinger::manifest::{FILE_NAME, Manifest};
use crate::stinger::{StingerError, root_or_default, tree};

/// Copies the requested resources (all when none is named) into the stinger tree; returns
/// report lines.
///
/// # Errors
/// [`StingerError::Invalid`] for an unknown resource or a bad slug, node or env; I/O failures.
pub fn extract(layout: &Layout, request: &ExtractRequest) -> Result<Vec<String>, StingerError> {
    for (what, value) in [
        ("stinger slug", &request.slug),
        ("node", &request.node),
        ("env", &request.env),
    ] {
        check_name(what, value).map_err(StingerError::Invalid)?;
    }
    let chosen = chosen_resources(&request.resources)?;
    let root = root_or_default(&layout.etc, request.root.as_deref());
    let target = match request.level {
        ExtractLevel::Wurker => root.join(&request.slug).join("wurker"),
        ExtractLevel::Colony => root
            .join(&request.slug)
            .join("colony")
            .join(&request.node)
            .join(&request.env),
    };
    let manifest = Manifest::load(&layout.data)?;
    let home = layout
        .home
        .canonicalize()
        .map_err(|err| StingerError::io(&layout.home, err))?;

    let mut lines = vec![format!("Extracting into {}", target.display())];
    let mut count = 0;
    for (name, in_home, in_stinger) in chosen {
        let files = resource_files(&home, name, in_home, &manifest)?;
        for (source, relative) in files {
            let mut dest = target.join(in_stinger);
            if !relative.as_os_str().is_empty() {
                dest.push(&relative);
            }
            copy(&source, &dest, name == "wurker.toml")?;
            count += 1;
            lines.push(format!(
                "  extracted: {} -> {}",
                Path::new(in_home).join(&relative).display(),
                dest.display()
            ));
        }
    }
    lines.push(format!("Done: {count} file(s) extracted"));
    Ok(lines)
}

type Resource = (&'static str, &'static str, &'static str);

/// The resources asked for; a nested resource is dropped when its parent is also chosen, so
/// that no file is copied twice.
fn chosen_resources(names: &[String]) -> Result<Vec<Resource>, StingerError> {
    if let Some(unknown) = names
        .iter()
        .find(|name| !RESOURCES.iter().any(|(known, _, _)| known == name))
    {
        let known: Vec<&str> = RESOURCES.iter().map(|(name, _, _)| *name).collect();
        return Err(StingerError::Invalid(format!(
            "unknown resource '{unknown}'; choose from {}",
            known.join(", ")
        )));
    }
    let wanted = |name: &str| names.is_empty() || names.iter().any(|n| n == name);
    Ok(RESOURCES
        .into_iter()
        .filter(|(name, _, _)| wanted(name))
        .filter(|(name, _, _)| match name.split_once('/') {
            Some((parent, _)) => !wanted(parent),
            None => true,
        })
        .collect())
}

/// The files of one resource in the home, with their paths relative to the resource. `data`
/// gives only what is a stinger's there: injected files and JSON credentials files, never the
/// databases, the socket or the manifest.
fn resource_files(
    home: &Path,
    name: &str,
    in_home: &str,
    manifest: &Manifest,
) -> Result<Vec<(PathBuf, PathBuf)>, StingerError> {
    let place = home.join(in_home);
    if place.is_file() {
        // A single file: its place in the stinger is the resource's own path.
        return Ok(vec![(place, PathBuf::new())]);
    }
    if !place.is_dir() {
        return Ok(Vec::new());
    }
    let place = tree::inside(home, &place)?;
    let files = tree::files(home, &place)?;
    let keep = |relative: &Path| -> bool {
        if name != "data" {
            return true;
        }
        let injected = manifest.files.contains(&Path::new("data").join(relative));
        let is_json = relative.extension().is_some_and(|ext| ext == "json");
        let top_level = relative.components().count() == 1;
        injected || (is_json && top_level && relative != Path::new(FILE_NAME))
    };
    Ok(files
        .into_iter()
        .filter(|file| keep(&file.relative))
        .map(|file| (file.path, file.relative))
        .collect())
}

/// Copies a file with its mode. A node's `wurker.toml` loses its `app_id` on the way out: the
/// stinger may serve other nodes, and stinging a file without one keeps each node's own.
fn copy(source: &Path, dest: &Path, is_config: bool) -> Result<(), StingerError> {
    let mut bytes = std::fs::read(source).map_err(|err| StingerError::io(source, err))?;
    if is_config {
        bytes = without_app_id(&bytes).unwrap_or(bytes);
    }
    let mode = std::fs::metadata(source)
        .map(|meta| meta.permissions().mode() & 0o777)
        .unwrap_or(0o644);
    write_atomic(dest, &bytes, mode).map_err(|err| StingerError::io(dest, err))
}

fn without_app_id(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut document: toml_edit::DocumentMut = std::str::from_utf8(bytes).ok()?.parse().ok()?;
    document
        .get_mut("wurker")
        .and_then(|wurker| wurker.as_table_like_mut())
        .map(|wurker| wurker.remove("app_id"));
    Some(document.to_string().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_resources_are_not_copied_twice() {
        let names = |list: Vec<Resource>| list.into_iter().map(|r| r.0).collect::<Vec<_>>();
        let chosen = chosen_resources(&["lib".into(), "lib/mail".into()]).unwrap();
        assert_eq!(names(chosen), ["lib"]);
        let chosen = chosen_resources(&["lib/mail".into()]).unwrap();
        assert_eq!(names(chosen), ["lib/mail"]);
        assert_eq!(chosen_resources(&[]).unwrap().len(), 10);
        assert!(chosen_resources(&["nope".into()]).is_err());
    }
}
