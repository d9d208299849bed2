//! `wurk show command|cron|bee [--slug]`.

use protocol::Response;

use crate::handlers::{Context, Outcome};
use crate::store::{bees, commands, crons};

pub async fn commands(ctx: &Context, slug: Option<String>) -> Outcome<Response> {
    let mut conn = ctx.store.read.acquire().await?;
    let list = commands::list(&mut conn, ctx.store.app_id, slug.as_deref()).await?;
    Ok(Response::Commands(list))
}

pub async fn crons(ctx: &Context, slug: Option<String>) -> Outcome<Response> {
    let mut conn = ctx.store.read.acquire().await?;
    let list = crons::list(&mut conn, ctx.store.app_id, slug.as_deref()).await?;
    Ok(Response::Crons(list))
}

pub async fn bees(ctx: &Context, slug: Option<String>) -> Outcome<Response> {
    let mut conn = ctx.store.read.acquire().await?;
    let list = bees::list(&mut conn, ctx.store.app_id, slug.as_deref()).await?;
    Ok(Response::Bees(list))
}
