//! Resolving a Bee patch against the database: Command and Cron references become ids, and
//! args are checked against the kind of Command the Bee ends up with.

use protocol::{Command, ErrorReply, JsonText};

use crate::defs::args;
use crate::defs::bee::{BeePatch, Reference};
use crate::handlers::Outcome;
use crate::store::bees::BeeRow;
use crate::store::{Conn, commands, crons};

/// Applies a patch to a Bee row (a blank one for a new Bee), resolving references.
///
/// # Errors
/// `NotFound` for an unknown Command or Cron, `Invalid` for args that do not suit the Command.
pub async fn apply(conn: &mut Conn, patch: BeePatch, row: &mut BeeRow) -> Outcome<()> {
    if let Some(slug) = patch.slug {
        row.slug = slug;
    }
    if let Some(name) = patch.name {
        row.name = name;
    }
    if let Some(description) = patch.description {
        row.description = description;
    }
    if let Some(quiet_restart) = patch.quiet_restart {
        row.quiet_restart = quiet_restart;
    }
    if let Some(enabled) = patch.enabled {
        row.enabled = enabled;
    }

    let command = match patch.command {
        Some(reference) => resolve_command(conn, row, &reference).await?,
        None => commands::find_by_id(conn, row.app_id, row.command_id)
            .await?
            .ok_or_else(|| {
                ErrorReply::not_found(format!("Bee '{}' has no valid Command", row.slug))
            })?,
    };
    row.command_id = command.id;
    if let Some(reference) = patch.cron {
        row.cron_id = match reference {
            Some(reference) => Some(resolve_cron(conn, row, &reference).await?),
            None => None,
        };
    }

    if let Some(value) = patch.args {
        row.args = (!value.is_null()).then(|| JsonText::from_value(&value));
    }
    // Args are rechecked even when unchanged: a new Command may be of the other kind.
    if let Some(current) = &row.args {
        args::check(
            &current.to_value(),
            command.is_module,
            &format!("Bee '{}'", row.slug),
        )?;
    }
    Ok(())
}

async fn resolve_command(conn: &mut Conn, row: &BeeRow, reference: &Reference) -> Outcome<Command> {
    let found = match reference {
        Reference::Slug(slug) => commands::find(conn, row.app_id, slug).await?,
        Reference::Id(id) => commands::find_by_id(conn, row.app_id, *id).await?,
    };
    found.ok_or_else(|| {
        ErrorReply::not_found(format!(
            "cannot set Command {} for Bee '{}': no such Command on this node",
            describe(reference),
            row.slug
        ))
        .into()
    })
}

async fn resolve_cron(conn: &mut Conn, row: &BeeRow, reference: &Reference) -> Outcome<i64> {
    let found = match reference {
        Reference::Slug(slug) => crons::find(conn, row.app_id, slug).await?,
        Reference::Id(id) => crons::find_by_id(conn, row.app_id, *id).await?,
    };
    let cron = found.ok_or_else(|| {
        ErrorReply::not_found(format!(
            "cannot set Cron {} for Bee '{}': no such Cron on this node",
            describe(reference),
            row.slug
        ))
    })?;
    Ok(cron.id)
}

fn describe(reference: &Reference) -> String {
    match reference {
        Reference::Slug(slug) => format!("'{slug}'"),
        Reference::Id(id) => format!("id {id}"),
    }
}
