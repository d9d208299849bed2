//! The `wurker.toml` a sting places: it keeps the node's `app_id` when it names none, and it
//! must be a configuration the daemon can start on, or nothing is stung at all.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use protocol::home::Layout;
use uuid::Uuid;

use crate::stinger::StingerError;
use crate::stinger::inject::{CONFIG, Candidate, Content, read};

/// Checks the `wurker.toml` a sting would place before anything is written: a home must never
/// be left with a configuration its daemon cannot start on.
pub(super) fn prepare_config(
    layout: &Layout,
    plan: &mut BTreeMap<PathBuf, Candidate>,
    app_id: Uuid,
) -> Result<(), StingerError> {
    let Some(candidate) = plan.get_mut(Path::new(CONFIG)) else {
        return Ok(());
    };
    let bytes = keep_node_identity(&read(&candidate.content)?, app_id, &candidate.level)?;
    let text = String::from_utf8_lossy(&bytes);
    if let Err(err) = crate::config::Config::parse(layout, &text) {
        return Err(StingerError::Invalid(format!(
            "the wurker.toml of {} is not a valid configuration ({err}); nothing was stung",
            candidate.level
        )));
    }
    candidate.content = Content::Prepared(bytes);
    Ok(())
}

/// A stung `wurker.toml` that names no `app_id` keeps this node's, so that one file can serve
/// every node of an environment.
fn keep_node_identity(bytes: &[u8], app_id: Uuid, from: &str) -> Result<Vec<u8>, StingerError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| StingerError::Invalid(format!("wurker.toml of {from} is not UTF-8 text")))?;
    let mut document: toml_edit::DocumentMut = text.parse().map_err(|err| {
        StingerError::Invalid(format!("wurker.toml of {from} is not valid TOML: {err}"))
    })?;
    let wurker = document
        .entry("wurker")
        .or_insert(toml_edit::table())
        .as_table_like_mut();
    let Some(wurker) = wurker else {
        return Err(StingerError::Invalid(format!(
            "wurker.toml of {from}: [wurker] must be a table"
        )));
    };
    let named = wurker
        .get("app_id")
        .and_then(|item| item.as_str())
        .is_some_and(|id| !id.trim().is_empty() && !id.contains('@'));
    if !named {
        wurker.insert("app_id", toml_edit::value(app_id.to_string()));
    }
    Ok(document.to_string().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stung_config_without_app_id_keeps_the_nodes() {
        let id = Uuid::new_v4();
        let text = b"[wurker]\nname = \"Drone\" # the name\n";
        let out = String::from_utf8(keep_node_identity(text, id, "x").unwrap()).unwrap();
        assert!(out.contains(&format!("app_id = \"{id}\"")), "{out}");
        assert!(out.contains("# the name"), "{out}");

        let other = Uuid::new_v4();
        let text = format!("[wurker]\napp_id = \"{other}\"\n");
        let out = keep_node_identity(text.as_bytes(), id, "x").unwrap();
        assert_eq!(out, text.as_bytes());
        assert!(keep_node_identity(b"[wurker", id, "x").is_err());
    }
}
