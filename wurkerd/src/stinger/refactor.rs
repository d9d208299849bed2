//! `refactor`: bringing a stinger tree written for Wurker before 0.1 up to date, in place.
//! Seed files named `seed_data_NNN.json` become `NNN_seed.json`; each `.env` becomes a
//! `wurker.toml` beside it (reference §6.3); a seed's legacy `wurker_bee_cron` map is folded
//! into its Bees as `cron_slug`. Pairs for Bees the file does not define stay in the map,
//! which seeding still applies to existing Bees.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::files::write_atomic;
use crate::stinger::{StingerError, tree};

/// Refactors every stinger under `root`; returns report lines.
///
/// # Errors
/// [`StingerError::NotFound`] for a missing root, [`StingerError::Invalid`] for a seed file
/// that is not JSON, I/O failures.
pub fn refactor(root: &Path) -> Result<Vec<String>, StingerError> {
    if !root.is_dir() {
        return Err(StingerError::NotFound(format!(
            "Stingers root not found: '{}'",
            root.display()
        )));
    }
    let root = root
        .canonicalize()
        .map_err(|err| StingerError::io(root, err))?;
    let mut lines = vec![format!("Refactoring the stingers under {}", root.display())];
    let before = lines.len();
    for file in tree::files(&root, &root)? {
        let in_seeds = file
            .relative
            .parent()
            .is_some_and(|dir| dir.ends_with("seeds"));
        let name = file
            .relative
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if name == ".env" {
            convert_env(&file.path, &mut lines)?;
        } else if in_seeds {
            let path = rename_seed(&file.path, name, &mut lines)?;
            if path.to_string_lossy().ends_with("_seed.json") {
                fold_bee_crons(&path, &mut lines)?;
            }
        }
    }
    if lines.len() == before {
        lines.push("  nothing to change".to_string());
    }
    Ok(lines)
}

fn rename_seed(path: &Path, name: &str, lines: &mut Vec<String>) -> Result<PathBuf, StingerError> {
    let Some(number) = name
        .strip_prefix("seed_data_")
        .and_then(|rest| rest.strip_suffix(".json"))
        .filter(|digits| digits.len() == 3 && digits.bytes().all(|b| b.is_ascii_digit()))
    else {
        return Ok(path.to_path_buf());
    };
    let renamed = path.with_file_name(format!("{number}_seed.json"));
    if renamed.exists() {
        lines.push(format!(
            "  kept: {} ({} exists already)",
            path.display(),
            renamed.display()
        ));
        return Ok(path.to_path_buf());
    }
    std::fs::rename(path, &renamed).map_err(|err| StingerError::io(path, err))?;
    lines.push(format!(
        "  renamed: {} -> {}",
        path.display(),
        renamed.display()
    ));
    Ok(renamed)
}

fn fold_bee_crons(path: &Path, lines: &mut Vec<String>) -> Result<(), StingerError> {
    let text = std::fs::read_to_string(path).map_err(|err| StingerError::io(path, err))?;
    let mut seed: Value = serde_json::from_str(&text)
        .map_err(|err| StingerError::Invalid(format!("{}: not JSON: {err}", path.display())))?;
    let Some(Value::Object(pairs)) = seed.get("wurker_bee_cron").cloned() else {
        return Ok(());
    };
    let mut kept = serde_json::Map::new();
    for (bee, cron) in pairs {
        let own = seed
            .get_mut("wurker_bee")
            .and_then(Value::as_array_mut)
            .and_then(|bees| bees.iter_mut().find(|item| item["slug"] == bee.as_str()))
            .and_then(Value::as_object_mut);
        match own {
            Some(item) if !item.contains_key("cron_slug") && !item.contains_key("cron_id") => {
                item.insert("cron_slug".into(), cron.clone());
                lines.push(format!(
                    "  {}: set cron_slug {cron} on Bee '{bee}'",
                    path.display()
                ));
            }
            Some(_) => lines.push(format!(
                "  {}: Bee '{bee}' already names its Cron; its wurker_bee_cron pair is dropped",
                path.display()
            )),
            None => {
                kept.insert(bee, cron);
            }
        }
    }
    if let Some(map) = seed.as_object_mut() {
        if kept.is_empty() {
            map.remove("wurker_bee_cron");
        } else {
            lines.push(format!(
                "  {}: kept wurker_bee_cron pairs for Bees defined elsewhere: {}",
                path.display(),
                kept.keys().cloned().collect::<Vec<_>>().join(", ")
            ));
            map.insert("wurker_bee_cron".into(), Value::Object(kept));
        }
    }
    let text = serde_json::to_string_pretty(&seed).unwrap_or_default() + "\n";
    write_atomic(path, text.as_bytes(), 0o644).map_err(|err| StingerError::io(path, err))
}

fn convert_env(path: &Path, lines: &mut Vec<String>) -> Result<(), StingerError> {
    let target = path.with_file_name("wurker.toml");
    if target.exists() {
        lines.push(format!(
            "  kept: {} ({} exists already)",
            path.display(),
            target.display()
        ));
        return Ok(());
    }
    let text = std::fs::read_to_string(path).map_err(|err| StingerError::io(path, err))?;
    let config = env_to_toml(&text);
    write_atomic(&target, config.as_bytes(), 0o600)
        .map_err(|err| StingerError::io(&target, err))?;
    std::fs::remove_file(path).map_err(|err| StingerError::io(path, err))?;
    lines.push(format!(
        "  converted: {} -> {}",
        path.display(),
        target.display()
    ));
    Ok(())
}

/// A key of a converted table, absent when the `.env` file did not give it.
type Entry<'a> = (&'a str, Option<toml_edit::Item>);

/// The `wurker.toml` equivalent of a legacy `.env` file's `KEY=VALUE` lines. Keys the file
/// does not give are left out, so that Wurker's defaults apply to them.
fn env_to_toml(text: &str) -> String {
    let vars: std::collections::HashMap<&str, &str> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| line.split_once('='))
        .map(|(key, value)| (key.trim(), value.trim()))
        .collect();
    let text_of = |key: &str| vars.get(key).map(|value| toml_edit::value(*value));
    let flag = |key: &str| {
        vars.get(key)
            .map(|value| toml_edit::value(value.eq_ignore_ascii_case("true")))
    };
    let port = |key: &str| {
        vars.get(key)
            .map(|value| toml_edit::value(value.parse::<i64>().unwrap_or(0)))
    };
    let fixed = |item: toml_edit::Item| Some(item);

    let sections: [(&str, Vec<Entry>); 4] = [
        (
            "wurker",
            vec![
                ("name", text_of("WURKER_NAME")),
                ("app_id", text_of("WURKER_APP_ID")),
                ("env", text_of("WURKER_ENV")),
                ("log", text_of("WURKER_LOG")),
                ("loglevel", text_of("WURKER_LOGLEVEL")),
                (
                    "is_queen",
                    flag("WURKER_IS_QUEEN").or(fixed(toml_edit::value(false))),
                ),
                (
                    "debug",
                    flag("WURKER_DEBUG").or(fixed(toml_edit::value(false))),
                ),
            ],
        ),
        (
            "ui",
            vec![
                ("domain", text_of("WURKER_SERVER_DOMAIN")),
                ("workers", fixed(toml_edit::value(3))),
            ],
        ),
        (
            "local_db",
            vec![
                ("database", fixed(toml_edit::value("wurker.db"))),
                ("dbdriver", fixed(toml_edit::value("sqlite"))),
                ("port", fixed(toml_edit::value(0))),
            ],
        ),
        (
            "remote_db",
            vec![
                ("hostname", text_of("WURKER_DB_HOSTNAME")),
                ("username", text_of("WURKER_DB_USERNAME")),
                ("password", text_of("WURKER_DB_PASSWORD")),
                ("database", text_of("WURKER_DB_DATABASE")),
                ("dbdriver", text_of("WURKER_DB_DRIVER")),
                ("port", port("WURKER_DB_PORT")),
            ],
        ),
    ];
    let mut doc = toml_edit::DocumentMut::new();
    for (name, keys) in sections {
        let mut table = toml_edit::Table::new();
        for (key, value) in keys {
            if let Some(value) = value {
                table.insert(key, value);
            }
        }
        doc.insert(name, toml_edit::Item::Table(table));
    }
    format!("# Converted from a legacy .env file by 'wurk admin stinger refactor'.\n{doc}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_lines_map_to_tables() {
        let text = "# legacy\nWURKER_NAME=Legacy Queen\nWURKER_IS_QUEEN=True\n\
                    WURKER_DB_DRIVER=mysql\nWURKER_DB_PORT=3306\nWURKER_SERVER_DOMAIN=q.example\n";
        let config: toml::Table = toml::from_str(&env_to_toml(text)).unwrap();
        assert_eq!(config["wurker"]["name"].as_str(), Some("Legacy Queen"));
        assert_eq!(config["wurker"]["is_queen"].as_bool(), Some(true));
        assert_eq!(config["wurker"]["debug"].as_bool(), Some(false));
        assert!(
            config["wurker"].get("app_id").is_none(),
            "a missing key stays missing"
        );
        assert_eq!(config["ui"]["domain"].as_str(), Some("q.example"));
        assert_eq!(config["remote_db"]["port"].as_integer(), Some(3306));
        assert_eq!(config["remote_db"]["dbdriver"].as_str(), Some("mysql"));
        assert_eq!(config["local_db"]["database"].as_str(), Some("wurker.db"));
    }
}
