//! Applying a parsed seed file to the config database, inside the caller's transaction.
//! Commands and Crons are added or updated first, then the Bees (which may refer to them), and
//! deletions of Crons and Commands come last, once this file's Bees no longer use them.

use std::path::Path;

use protocol::{Command, Cron, ErrorReply};
use serde_json::Value;
use uuid::Uuid;

use crate::defs::bee::{self, BeePatch, Reference};
use crate::defs::{args, command, cron};
use crate::handlers::{Failure, bee_refs};
use crate::seed::document::{Item, SeedDocument};
use crate::store::bees::{BeeRow, UsedColumn};
use crate::store::{Conn, StoreError, bees, commands, crons, queue};

/// Why an item could not be applied.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The item breaks a rule; `item` names it as the file does.
    #[error("{item}: {message}")]
    Item { item: String, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What applying one file did, per kind of definition.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tally {
    pub added: [usize; 3],
    pub updated: [usize; 3],
    pub deleted: [usize; 3],
    /// Things worth telling the operator that did not stop the file.
    pub notes: Vec<String>,
}

const COMMAND: usize = 0;
const CRON: usize = 1;
const BEE: usize = 2;
const KINDS: [(&str, &str); 3] = [("command", "commands"), ("cron", "crons"), ("bee", "bees")];

impl Tally {
    /// A summary such as `2 commands added, 1 bee deleted`, or `no changes`.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        for (counts, verb) in [
            (self.added, "added"),
            (self.updated, "updated"),
            (self.deleted, "deleted"),
        ] {
            for (kind, count) in counts.iter().enumerate() {
                if *count > 0 {
                    let (one, many) = KINDS[kind];
                    let noun = if *count == 1 { one } else { many };
                    parts.push(format!("{count} {noun} {verb}"));
                }
            }
        }
        if parts.is_empty() {
            "no changes".to_string()
        } else {
            parts.join(", ")
        }
    }
}

/// Applies every item of `document` for the node `app_id`. Command paths starting with
/// `./scripts/` are taken from `scripts`, the home's script directory.
///
/// # Errors
/// [`ApplyError::Item`] for the first item that breaks a rule; the caller's transaction must
/// then be rolled back.
pub async fn apply(
    conn: &mut Conn,
    app_id: Uuid,
    scripts: &Path,
    document: &SeedDocument,
) -> Result<Tally, ApplyError> {
    let mut tally = Tally::default();
    for item in document.commands.iter().filter(|item| !item.delete) {
        put_command(conn, app_id, scripts, item, &mut tally).await?;
    }
    for item in document.crons.iter().filter(|item| !item.delete) {
        put_cron(conn, app_id, item, &mut tally).await?;
    }
    for item in &document.bees {
        put_bee(conn, app_id, item, &mut tally).await?;
    }
    for (slug, cron) in &document.remaps {
        remap(conn, app_id, slug, cron.as_deref(), &mut tally).await?;
    }
    for item in document.crons.iter().filter(|item| item.delete) {
        delete_cron(conn, app_id, item, &mut tally).await?;
    }
    for item in document.commands.iter().filter(|item| item.delete) {
        delete_command(conn, app_id, item, &mut tally).await?;
    }
    Ok(tally)
}

async fn put_command(
    conn: &mut Conn,
    app_id: Uuid,
    scripts: &Path,
    item: &Item,
    tally: &mut Tally,
) -> Result<(), ApplyError> {
    let existing = commands::find(conn, app_id, &item.slug).await?;
    let is_module = item.fields.get("is_module").and_then(Value::as_bool);
    let is_module = is_module.or(existing.as_ref().map(|found| found.is_module));
    let fields = with_script_path(&item.fields, scripts, is_module.unwrap_or(false));
    match existing {
        Some(mut found) => {
            let was_module = found.is_module;
            command::apply_edit(fields, &mut found).map_err(|err| invalid(item, err))?;
            if found.is_module != was_module {
                recheck_args(conn, item, &found).await?;
            }
            commands::update(conn, &found).await?;
            tally.updated[COMMAND] += 1;
        }
        None => {
            let new = command::parse_new(fields, app_id).map_err(|err| invalid(item, err))?;
            commands::insert(conn, &new).await?;
            tally.added[COMMAND] += 1;
        }
    }
    Ok(())
}

/// Rewrites a leading `./scripts/NAME` of an executable's command to the home's script.
fn with_script_path(fields: &Value, scripts: &Path, is_module: bool) -> Value {
    let mut fields = fields.clone();
    let Some(Value::String(text)) = fields.get("command") else {
        return fields;
    };
    let Ok(mut words) = shell_words::split(text) else {
        return fields;
    };
    let Some(rest) = words
        .first()
        .and_then(|word| word.strip_prefix("./scripts/"))
    else {
        return fields;
    };
    if is_module {
        return fields;
    }
    words[0] = scripts.join(rest).to_string_lossy().into_owned();
    fields["command"] = Value::String(shell_words::join(&words));
    fields
}

async fn recheck_args(conn: &mut Conn, item: &Item, found: &Command) -> Result<(), ApplyError> {
    for row in bees::rows_using_command(conn, found.id).await? {
        if let Some(current) = &row.args {
            let whose = format!("Bee '{}' (which uses this Command)", row.slug);
            args::check(&current.to_value(), found.is_module, &whose)
                .map_err(|err| invalid(item, err))?;
        }
    }
    Ok(())
}

async fn put_cron(
    conn: &mut Conn,
    app_id: Uuid,
    item: &Item,
    tally: &mut Tally,
) -> Result<(), ApplyError> {
    let fields = item.fields.clone();
    match crons::find(conn, app_id, &item.slug).await? {
        Some(mut found) => {
            cron::apply_edit(fields, &mut found).map_err(|err| invalid(item, err))?;
            crons::update(conn, &found).await?;
            tally.updated[CRON] += 1;
        }
        None => {
            let new: Cron = cron::parse_new(fields, app_id).map_err(|err| invalid(item, err))?;
            crons::insert(conn, &new).await?;
            tally.added[CRON] += 1;
        }
    }
    Ok(())
}

async fn put_bee(
    conn: &mut Conn,
    app_id: Uuid,
    item: &Item,
    tally: &mut Tally,
) -> Result<(), ApplyError> {
    let existing = bees::find_row(conn, app_id, &item.slug).await?;
    if item.delete {
        return delete_bee(conn, item, existing, tally).await;
    }
    let is_new = existing.is_none();
    let patch =
        bee::parse(item.fields.clone(), app_id, is_new).map_err(|err| invalid(item, err))?;
    let mut row = existing.unwrap_or_else(|| BeeRow::blank(app_id));
    resolve(conn, item, patch, &mut row).await?;
    if is_new {
        bees::insert(conn, &row).await?;
        tally.added[BEE] += 1;
    } else {
        bees::update(conn, &row).await?;
        tally.updated[BEE] += 1;
    }
    Ok(())
}

async fn resolve(
    conn: &mut Conn,
    item: &Item,
    patch: BeePatch,
    row: &mut BeeRow,
) -> Result<(), ApplyError> {
    match bee_refs::apply(conn, patch, row).await {
        Ok(()) => Ok(()),
        Err(Failure::Reply(reply)) => Err(invalid(item, reply)),
        Err(Failure::Store(err)) => Err(err.into()),
    }
}

async fn delete_bee(
    conn: &mut Conn,
    item: &Item,
    existing: Option<BeeRow>,
    tally: &mut Tally,
) -> Result<(), ApplyError> {
    let Some(row) = existing else {
        tally.notes.push(format!(
            "{}: no such Bee to delete; nothing to do",
            item.label
        ));
        return Ok(());
    };
    // Declaring a Bee gone also withdraws its queued ondemand run.
    if queue::contains(conn, row.id).await? {
        queue::delete(conn, row.id).await?;
    }
    bees::delete(conn, row.id).await?;
    tally.deleted[BEE] += 1;
    Ok(())
}

async fn remap(
    conn: &mut Conn,
    app_id: Uuid,
    slug: &str,
    cron: Option<&str>,
    tally: &mut Tally,
) -> Result<(), ApplyError> {
    let item = Item {
        label: format!("wurker_bee_cron '{slug}'"),
        slug: slug.to_string(),
        delete: false,
        fields: Value::Null,
    };
    let Some(mut row) = bees::find_row(conn, app_id, slug).await? else {
        return Err(invalid(
            &item,
            ErrorReply::not_found(format!(
                "no Bee '{slug}' in this file or on this node to map to a Cron"
            )),
        ));
    };
    let patch = BeePatch {
        cron: Some(cron.map(|slug| Reference::Slug(slug.to_string()))),
        ..BeePatch::default()
    };
    resolve(conn, &item, patch, &mut row).await?;
    bees::update(conn, &row).await?;
    tally.updated[BEE] += 1;
    Ok(())
}

async fn delete_cron(
    conn: &mut Conn,
    app_id: Uuid,
    item: &Item,
    tally: &mut Tally,
) -> Result<(), ApplyError> {
    let Some(found) = crons::find(conn, app_id, &item.slug).await? else {
        tally.notes.push(format!(
            "{}: no such Cron to delete; nothing to do",
            item.label
        ));
        return Ok(());
    };
    let users = bees::slugs_using(conn, UsedColumn::Cron, found.id).await?;
    refuse_in_use(item, "Cron", &users)?;
    crons::delete(conn, found.id).await?;
    tally.deleted[CRON] += 1;
    Ok(())
}

async fn delete_command(
    conn: &mut Conn,
    app_id: Uuid,
    item: &Item,
    tally: &mut Tally,
) -> Result<(), ApplyError> {
    let Some(found) = commands::find(conn, app_id, &item.slug).await? else {
        tally.notes.push(format!(
            "{}: no such Command to delete; nothing to do",
            item.label
        ));
        return Ok(());
    };
    let users = bees::slugs_using(conn, UsedColumn::Command, found.id).await?;
    refuse_in_use(item, "Command", &users)?;
    commands::delete(conn, found.id).await?;
    tally.deleted[COMMAND] += 1;
    Ok(())
}

fn refuse_in_use(item: &Item, title: &str, users: &[String]) -> Result<(), ApplyError> {
    if users.is_empty() {
        return Ok(());
    }
    Err(ApplyError::Item {
        item: item.label.clone(),
        message: format!(
            "cannot delete {title} '{}': still used by Bees {}; delete them or give them \
             another {title} in this file",
            item.slug,
            users.join(", ")
        ),
    })
}

fn invalid(item: &Item, reply: ErrorReply) -> ApplyError {
    ApplyError::Item {
        item: item.label.clone(),
        message: reply.message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn script_paths_point_into_the_home() {
        let scripts = Path::new("/srv/my home/etc/scripts");
        let fields = json!({"command": "./scripts/test_bee.sh -v"});
        let rewritten = with_script_path(&fields, scripts, false);
        assert_eq!(
            rewritten["command"],
            "'/srv/my home/etc/scripts/test_bee.sh' -v"
        );
        let module = json!({"command": "./scripts/x"});
        assert_eq!(with_script_path(&module, scripts, true), module);
        let other = json!({"command": "/usr/bin/ls ./scripts/x"});
        assert_eq!(with_script_path(&other, scripts, false), other);
    }

    #[test]
    fn summary_counts_each_kind() {
        let mut tally = Tally::default();
        assert_eq!(tally.summary(), "no changes");
        tally.added = [2, 0, 1];
        tally.deleted = [0, 0, 3];
        assert_eq!(
            tally.summary(),
            "2 commands added, 1 bee added, 3 bees deleted"
        );
    }
}
