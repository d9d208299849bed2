//! `wurk edit command|cron|bee KEY`.

use protocol::{DefKind, ErrorReply, Response};

use crate::defs::{args, bee, command, cron};
use crate::handlers::add::refuse_taken;
use crate::handlers::{Context, Outcome, bee_refs};
use crate::input::parse_document;
use crate::store::{Conn, bees, commands, crons};

pub async fn edit(ctx: &Context, kind: DefKind, key: &str, json: &str) -> Outcome<Response> {
    if kind == DefKind::Ondemand {
        return Err(ErrorReply::invalid(
            "queued ondemand runs cannot be edited: remove the Bee from the queue and add it again",
        )
        .into());
    }
    let value = parse_document(json, kind.word())?;
    let app_id = ctx.store.app_id;
    let mut tx = ctx.store.write.begin().await?;
    let mut bee_edited = None;
    match kind {
        DefKind::Command => {
            let mut found = commands::find(&mut tx, app_id, key)
                .await?
                .ok_or_else(|| not_found("Command", key))?;
            let was_module = found.is_module;
            command::apply_edit(value, &mut found)?;
            if found.slug != key {
                refuse_taken(&mut tx, app_id, kind, &found.slug).await?;
            }
            if found.is_module != was_module {
                recheck_bee_args(&mut tx, found.id, found.is_module).await?;
            }
            commands::update(&mut tx, &found).await?;
            tracing::info!(command.slug = %found.slug, command.id = found.id, "command edited");
        }
        DefKind::Cron => {
            let mut found = crons::find(&mut tx, app_id, key)
                .await?
                .ok_or_else(|| not_found("Cron", key))?;
            cron::apply_edit(value, &mut found)?;
            if found.slug != key {
                refuse_taken(&mut tx, app_id, kind, &found.slug).await?;
            }
            crons::update(&mut tx, &found).await?;
            tracing::info!(cron.slug = %found.slug, cron.id = found.id, "cron edited");
        }
        DefKind::Bee | DefKind::Ondemand => {
            let mut row = bees::find_row(&mut tx, app_id, key)
                .await?
                .ok_or_else(|| not_found("Bee", key))?;
            let patch = bee::parse(value, app_id, false)?;
            bee_refs::apply(&mut tx, patch, &mut row).await?;
            if row.slug != key {
                refuse_taken(&mut tx, app_id, kind, &row.slug).await?;
            }
            bees::update(&mut tx, &row).await?;
            tracing::info!(bee.slug = %row.slug, bee.id = row.id, "bee edited");
            bee_edited = Some(row.id);
        }
    }
    tx.commit().await?;
    match bee_edited {
        Some(bee_id) => ctx.runtime.bee_changed(bee_id).await,
        None => ctx.runtime.defs_changed().await,
    }
    Ok(Response::Done)
}

fn not_found(title: &str, key: &str) -> ErrorReply {
    ErrorReply::not_found(format!(
        "cannot edit {title} '{key}': no such {title} on this node"
    ))
}

/// A Command that changes between executable and module must still suit its Bees' args.
async fn recheck_bee_args(conn: &mut Conn, command_id: i64, is_module: bool) -> Outcome<()> {
    for row in bees::rows_using_command(conn, command_id).await? {
        if let Some(current) = &row.args {
            let whose = format!("Bee '{}' (which uses this Command)", row.slug);
            args::check(&current.to_value(), is_module, &whose)?;
        }
    }
    Ok(())
}
