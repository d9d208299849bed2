//! `wurk admin seed`, `wurk admin seed --check FILE` and `wurk admin init`.

use protocol::Response;
use protocol::admin::{InitRequest, SeedRequest};

use crate::handlers::config::reload_settings;
use crate::handlers::{Context, Outcome};
use crate::{init, seed};

pub async fn seed(ctx: &Context, request: SeedRequest) -> Outcome<Response> {
    let _admin = ctx.settings.lock_admin().await;
    let layout = ctx.settings.current().layout;
    let lines = seed::run(&ctx.store, &layout, &request).await;
    // Even a failed run may have applied earlier files.
    ctx.runtime.defs_changed().await;
    Ok(Response::Lines(lines?))
}

pub async fn check(ctx: &Context, name: &str, json: &str) -> Outcome<Response> {
    let layout = ctx.settings.current().layout;
    let lines = seed::check(&ctx.store, &layout, name, json).await?;
    Ok(Response::Lines(lines))
}

pub async fn init(ctx: &Context, request: InitRequest) -> Outcome<Response> {
    let _admin = ctx.settings.lock_admin().await;
    let config = ctx.settings.current();
    let lines = init::initialize(&ctx.store, &config, &request, true).await;
    ctx.runtime.defs_changed().await;
    let mut lines = lines?;
    lines.extend(reload_settings(ctx).await?);
    Ok(Response::Lines(lines))
}
