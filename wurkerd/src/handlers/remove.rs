//! `wurk remove command|cron|bee|ondemand SLUG`.

use protocol::{DefKind, ErrorCode, ErrorReply, Response};

use crate::handlers::{Context, Outcome};
use crate::store::bees::UsedColumn;
use crate::store::{bees, commands, crons, queue};

pub async fn remove(ctx: &Context, kind: DefKind, key: &str) -> Outcome<Response> {
    let app_id = ctx.store.app_id;
    let mut tx = ctx.store.write.begin().await?;
    let mut dequeued = None;
    let mut bee_removed = None;
    match kind {
        DefKind::Command => {
            let found = commands::find(&mut tx, app_id, key)
                .await?
                .ok_or_else(|| not_found("Command", key))?;
            let users = bees::slugs_using(&mut tx, UsedColumn::Command, found.id).await?;
            refuse_in_use("Command", key, &users)?;
            commands::delete(&mut tx, found.id).await?;
            tracing::info!(command.slug = %key, "command removed");
        }
        DefKind::Cron => {
            let found = crons::find(&mut tx, app_id, key)
                .await?
                .ok_or_else(|| not_found("Cron", key))?;
            let users = bees::slugs_using(&mut tx, UsedColumn::Cron, found.id).await?;
            refuse_in_use("Cron", key, &users)?;
            crons::delete(&mut tx, found.id).await?;
            tracing::info!(cron.slug = %key, "cron removed");
        }
        DefKind::Bee => {
            let row = bees::find_row(&mut tx, app_id, key)
                .await?
                .ok_or_else(|| not_found("Bee", key))?;
            if queue::contains(&mut tx, row.id).await? {
                return Err(ErrorReply::new(
                    ErrorCode::InUse,
                    format!(
                        "Bee '{key}' is queued for an ondemand run; remove it from the queue \
                         first with 'wurk remove ondemand {key}'"
                    ),
                )
                .into());
            }
            bees::delete(&mut tx, row.id).await?;
            tracing::info!(bee.slug = %key, "bee removed");
            bee_removed = Some(row.id);
        }
        DefKind::Ondemand => {
            let row = bees::find_row(&mut tx, app_id, key)
                .await?
                .ok_or_else(|| not_found("Bee", key))?;
            if !queue::contains(&mut tx, row.id).await? {
                return Err(ErrorReply::not_found(format!("Bee not queued: '{key}'")).into());
            }
            queue::delete(&mut tx, row.id).await?;
            dequeued = Some(row.id);
            tracing::info!(bee.slug = %key, "ondemand run dequeued");
        }
    }
    tx.commit().await?;
    match (dequeued, bee_removed) {
        // A run of the item in progress stops: the operator took the item back.
        (Some(bee_id), _) => drop(ctx.runtime.dequeue(bee_id).await),
        (_, Some(bee_id)) => ctx.runtime.bee_changed(bee_id).await,
        _ => ctx.runtime.defs_changed().await,
    }
    Ok(Response::Done)
}

fn not_found(title: &str, key: &str) -> ErrorReply {
    ErrorReply::not_found(format!("{title} not found: '{key}'"))
}

fn refuse_in_use(title: &str, key: &str, users: &[String]) -> Result<(), ErrorReply> {
    if users.is_empty() {
        return Ok(());
    }
    Err(ErrorReply::new(
        ErrorCode::InUse,
        format!(
            "{title} '{key}' is still used by Bees: {}; remove them or give them another {title} \
             first",
            users.join(", ")
        ),
    ))
}
