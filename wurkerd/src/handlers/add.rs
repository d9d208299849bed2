//! `wurk add command|cron|bee|ondemand`.

use protocol::{DefKind, ErrorReply, Response};
use uuid::Uuid;

use crate::defs::{bee, command, cron};
use crate::handlers::{Context, Outcome, bee_refs, ondemand};
use crate::input::parse_document;
use crate::store::bees::BeeRow;
use crate::store::{Conn, bees, commands, crons};

pub async fn add(ctx: &Context, kind: DefKind, json: &str) -> Outcome<Response> {
    let value = parse_document(json, kind.word())?;
    let app_id = ctx.store.app_id;
    let mut tx = ctx.store.write.begin().await?;
    let mut bee_added = None;
    match kind {
        DefKind::Command => {
            let new = command::parse_new(value, app_id)?;
            refuse_taken(&mut tx, app_id, kind, &new.slug).await?;
            let id = commands::insert(&mut tx, &new).await?;
            tracing::info!(command.slug = %new.slug, command.id = id, "command added");
        }
        DefKind::Cron => {
            let new = cron::parse_new(value, app_id)?;
            refuse_taken(&mut tx, app_id, kind, &new.slug).await?;
            let id = crons::insert(&mut tx, &new).await?;
            tracing::info!(cron.slug = %new.slug, cron.id = id, "cron added");
        }
        DefKind::Bee => {
            let patch = bee::parse(value, app_id, true)?;
            let mut row = BeeRow::blank(app_id);
            bee_refs::apply(&mut tx, patch, &mut row).await?;
            refuse_taken(&mut tx, app_id, kind, &row.slug).await?;
            let id = bees::insert(&mut tx, &row).await?;
            tracing::info!(bee.slug = %row.slug, bee.id = id, "bee added");
            bee_added = Some(id);
        }
        DefKind::Ondemand => ondemand::add(&mut tx, app_id, value).await?,
    }
    tx.commit().await?;
    match (kind, bee_added) {
        (DefKind::Ondemand, _) => ctx.runtime.queue_changed().await,
        (_, Some(bee_id)) => ctx.runtime.bee_changed(bee_id).await,
        _ => ctx.runtime.defs_changed().await,
    }
    Ok(Response::Done)
}

/// Refuses a slug already used by a definition of this kind on this node.
pub async fn refuse_taken(conn: &mut Conn, app_id: Uuid, kind: DefKind, slug: &str) -> Outcome<()> {
    let (taken, title) = match kind {
        DefKind::Command => (
            commands::find(conn, app_id, slug).await?.is_some(),
            "Command",
        ),
        DefKind::Cron => (crons::find(conn, app_id, slug).await?.is_some(), "Cron"),
        DefKind::Bee | DefKind::Ondemand => {
            (bees::find_row(conn, app_id, slug).await?.is_some(), "Bee")
        }
    };
    if taken {
        return Err(
            ErrorReply::conflict(format!("{title} already exists with slug: '{slug}'")).into(),
        );
    }
    Ok(())
}
