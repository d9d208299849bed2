//! Seeds: JSON files in the home's `etc/seeds/` named `NNN_seed.json` that add, update and
//! delete Commands, Crons and Bees, applied in name order. Each file is applied once per node
//! (the highest number applied is this node's seed level, `wurker_control.seed`) and in one
//! transaction, so a bad file changes nothing and names the item and field at fault. The
//! local part loads the home's credentials files into the local database ([`accounts`]).

pub mod accounts;
mod apply;
mod document;

use std::path::{Path, PathBuf};

use protocol::ErrorReply;
use protocol::admin::{SeedPart, SeedRequest};
use protocol::home::Layout;

use crate::handlers::{Failure, Outcome};
use crate::seed::apply::{ApplyError, Tally, apply};
use crate::seed::document::SeedDocument;
use crate::store::accounts::Accounts;
use crate::store::{Store, accounts as stored_accounts, seeds};

/// A seed file of the home and its number.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SeedFile {
    number: i64,
    path: PathBuf,
    name: String,
}

/// Carries out `wurk admin seed`: drops or seeds the parts asked for, returning report lines.
///
/// # Errors
/// `Invalid` naming the file, item and field of the first bad seed file (earlier files stay
/// applied, that one changes nothing) or the credentials file at fault.
pub async fn run(store: &Store, layout: &Layout, request: &SeedRequest) -> Outcome<Vec<String>> {
    let (wurker, local) = parts(request.only);
    if request.drop {
        return drop(store, wurker, local).await;
    }
    let mut lines = Vec::new();
    if wurker {
        lines.extend(apply_files(store, layout, request.force).await?);
    }
    if local {
        lines.extend(
            accounts::load(&store.local, &layout.data)
                .await
                .map_err(invalid)?,
        );
    }
    Ok(lines)
}

/// Which databases a request's `--only` covers: (config, local).
pub fn parts(only: Option<SeedPart>) -> (bool, bool) {
    match only {
        None => (true, true),
        Some(SeedPart::Wurker) => (true, false),
        Some(SeedPart::Local) => (false, true),
    }
}

/// Removes this node's seeded data: its definitions (and their queue and reports) and seed
/// level in the config database, its accounts in the local database.
///
/// # Errors
/// On a database failure.
pub async fn drop(store: &Store, wurker: bool, local: bool) -> Outcome<Vec<String>> {
    let mut lines = Vec::new();
    if wurker {
        let mut tx = store.write.begin().await?;
        seeds::drop_definitions(&mut tx, store.app_id).await?;
        tx.commit().await?;
        tracing::info!(app_id = %store.app_id, "seeded definitions dropped");
        lines.push(format!(
            "Dropped this node's Commands, Crons, Bees, queue and reports (app_id {}); \
             seed level reset",
            store.app_id
        ));
    }
    if local {
        let mut tx = store.local.begin().await?;
        stored_accounts::replace(&mut tx, Accounts::Users, &[]).await?;
        stored_accounts::replace(&mut tx, Accounts::Api, &[]).await?;
        tx.commit().await?;
        lines.push("Dropped the UI users and API credentials of the local database".into());
    }
    Ok(lines)
}

/// Applies the seed files of the home that are above this node's seed level (all of them with
/// `force`), each in its own transaction, stopping at the first bad one.
///
/// # Errors
/// `Invalid` for a missing seeds directory or a bad file.
pub async fn apply_files(store: &Store, layout: &Layout, force: bool) -> Outcome<Vec<String>> {
    let dir = layout.etc.join("seeds");
    let (files, mut lines) = list(&dir)?;
    let scripts = layout.etc.join("scripts");
    let mut level = {
        let mut conn = store.read.acquire().await?;
        seeds::level(&mut conn, store.app_id).await?
    };
    lines.insert(
        0,
        format!("Seeding the config database from {}", dir.display()),
    );
    let mut applied = Vec::new();
    for file in files {
        if !force && file.number <= level {
            lines.push(format!(
                "  skipped: {} (already applied: the seed level is {level}; --force applies \
                 it again)",
                file.name
            ));
            continue;
        }
        let text = std::fs::read_to_string(&file.path)
            .map_err(|err| invalid(format!("{}: cannot read it: {err}", file.path.display())))?;
        let label = file.path.display().to_string();
        let tally = apply_one(store, &scripts, &label, &text, file.number.max(level))
            .await
            .map_err(|failure| with_progress(failure, &applied))?;
        tracing::info!(seed.file = %file.name, changes = %tally.summary(), "seed file applied");
        lines.push(format!("  applied: {} ({})", file.name, tally.summary()));
        lines.extend(tally.notes.iter().map(|note| format!("    note: {note}")));
        level = level.max(file.number);
        applied.push(file.name);
    }
    lines.push(format!("Seed level: {level}"));
    Ok(lines)
}

/// Validates a seed file against this node's definitions without changing them: the file is
/// applied in a transaction that is then rolled back.
///
/// # Errors
/// `Invalid` naming the item and field at fault.
pub async fn check(store: &Store, layout: &Layout, name: &str, text: &str) -> Outcome<Vec<String>> {
    let document = SeedDocument::parse(text).map_err(|why| invalid(format!("{name}: {why}")))?;
    let scripts = layout.etc.join("scripts");
    let mut tx = store.write.begin().await?;
    let tally = apply(&mut tx, store.app_id, &scripts, &document)
        .await
        .map_err(|err| apply_failure(name, err))?;
    // Dropped without a commit: the transaction is rolled back.
    std::mem::drop(tx);
    let mut lines = vec![format!(
        "{name}: valid; applying it now would make: {}",
        tally.summary()
    )];
    lines.extend(tally.notes.iter().map(|note| format!("  note: {note}")));
    Ok(lines)
}

async fn apply_one(
    store: &Store,
    scripts: &Path,
    label: &str,
    text: &str,
    new_level: i64,
) -> Outcome<Tally> {
    let document = SeedDocument::parse(text).map_err(|why| invalid(format!("{label}: {why}")))?;
    let mut tx = store.write.begin().await?;
    let tally = apply(&mut tx, store.app_id, scripts, &document)
        .await
        .map_err(|err| apply_failure(label, err))?;
    seeds::set_level(&mut tx, store.app_id, new_level).await?;
    tx.commit().await?;
    Ok(tally)
}

fn apply_failure(label: &str, err: ApplyError) -> Failure {
    match err {
        ApplyError::Item { item, message } => invalid(format!("{label}: {item}: {message}")),
        ApplyError::Store(err) => Failure::Store(err),
    }
}

fn with_progress(failure: Failure, applied: &[String]) -> Failure {
    match failure {
        Failure::Reply(mut reply) => {
            reply.message.push_str("; nothing of this file was applied");
            if !applied.is_empty() {
                let names = applied.join(", ");
                reply
                    .message
                    .push_str(&format!(" (applied before it: {names})"));
            }
            Failure::Reply(reply)
        }
        other => other,
    }
}

/// The seed files of `dir` in name order, and notes about files that look like seeds but are
/// not named like one.
fn list(dir: &Path) -> Result<(Vec<SeedFile>, Vec<String>), Failure> {
    let entries = std::fs::read_dir(dir).map_err(|err| {
        invalid(format!(
            "no seeds at {} ({err}); run 'wurk admin stinger sting' first",
            dir.display()
        ))
    })?;
    let mut files = Vec::new();
    let mut notes = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        match seed_number(&name) {
            Some(number) => files.push(SeedFile {
                number,
                path: entry.path(),
                name,
            }),
            None if name.starts_with("seed_data_") => notes.push(format!(
                "  ignored: {name} (a legacy name; 'wurk admin stinger refactor' renames it)"
            )),
            None => {}
        }
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok((files, notes))
}

/// The number of a file named `NNN_seed.json` (exactly three digits).
fn seed_number(name: &str) -> Option<i64> {
    let digits = name.strip_suffix("_seed.json")?;
    if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn invalid(message: String) -> Failure {
    Failure::Reply(ErrorReply::invalid(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_names_have_three_digits() {
        assert_eq!(seed_number("000_seed.json"), Some(0));
        assert_eq!(seed_number("042_seed.json"), Some(42));
        for name in [
            "1_seed.json",
            "0001_seed.json",
            "abc_seed.json",
            "001_seed.json.bak",
        ] {
            assert_eq!(seed_number(name), None, "{name}");
        }
    }
}
