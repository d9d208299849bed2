//! `wurk add ondemand`: queueing Bees for one run each, all of a list or none of it.

use std::collections::HashSet;

use protocol::{ErrorReply, JsonText};
use serde_json::Value;
use uuid::Uuid;

use crate::defs::args;
use crate::handlers::Outcome;
use crate::input::type_name;
use crate::store::{Conn, bees, queue};

/// Queues every item of a list of Bee slugs or one-key `{"slug": args}` objects (or an object
/// mapping slugs to args). The caller's transaction makes the list all or nothing.
///
/// # Errors
/// `Invalid` for a malformed item, a disabled Bee or args that do not suit it; `NotFound` for
/// an unknown Bee; `Conflict` for a Bee already queued.
pub async fn add(conn: &mut Conn, app_id: Uuid, value: Value) -> Outcome<()> {
    let items = items(value)?;
    let mut seen = HashSet::new();
    for (slug, override_args) in items {
        if !seen.insert(slug.clone()) {
            return Err(ErrorReply::invalid(format!("Bee '{slug}' is listed twice")).into());
        }
        let bee = bees::list(conn, app_id, Some(&slug))
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| ErrorReply::not_found(format!("Bee not found: '{slug}'")))?;
        if !bee.enabled {
            return Err(ErrorReply::invalid(format!(
                "Bee '{slug}' is disabled; enable it before queueing it"
            ))
            .into());
        }
        if queue::contains(conn, bee.id).await? {
            return Err(ErrorReply::conflict(format!("Bee '{slug}' is already queued")).into());
        }
        let override_args = override_args.filter(|value| !value.is_null());
        if let Some(value) = &override_args {
            args::check(
                value,
                bee.module.is_some(),
                &format!("ondemand run of Bee '{slug}'"),
            )?;
        }
        let text = override_args.as_ref().map(JsonText::from_value);
        queue::insert(conn, app_id, bee.id, text.as_ref()).await?;
        tracing::info!(bee.slug = %slug, "ondemand run queued");
    }
    Ok(())
}

fn items(value: Value) -> Result<Vec<(String, Option<Value>)>, ErrorReply> {
    let items: Vec<(String, Option<Value>)> = match value {
        Value::Array(list) => list
            .into_iter()
            .enumerate()
            .map(|(at, item)| item_of(at + 1, item))
            .collect::<Result<_, _>>()?,
        Value::Object(map) => map
            .into_iter()
            .map(|(slug, args)| (slug, Some(args)))
            .collect(),
        other => {
            return Err(ErrorReply::invalid(format!(
                "ondemand runs must be given as a list of Bee slugs, not {}",
                type_name(&other)
            )));
        }
    };
    if items.is_empty() {
        return Err(ErrorReply::invalid(
            "the ondemand list is empty: name at least one Bee",
        ));
    }
    Ok(items)
}

fn item_of(position: usize, item: Value) -> Result<(String, Option<Value>), ErrorReply> {
    match item {
        Value::String(slug) => Ok((slug, None)),
        Value::Object(map) if map.len() == 1 => {
            let mut entries = map.into_iter();
            Ok(entries
                .next()
                .map(|(slug, args)| (slug, Some(args)))
                .unwrap_or_default())
        }
        other => Err(ErrorReply::invalid(format!(
            "ondemand item {position} must be a Bee slug or an object {{\"slug\": args}} with \
             one key, not {}",
            type_name(&other)
        ))),
    }
}
