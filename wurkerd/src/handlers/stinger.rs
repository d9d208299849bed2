//! `wurk admin stinger sting|unsting|resting|extract|refactor`: the file work is in
//! [`crate::stinger`] and runs off the async threads; these handlers hold the administrative
//! lock, drop seeded rows for `--drop-schema`, and pick up a stung `wurker.toml`.

use protocol::admin::{ExtractRequest, StingerSource};
use protocol::{ErrorCode, ErrorReply, Response};

use crate::handlers::config::reload_settings;
use crate::handlers::{Context, Failure, Outcome};
use crate::stinger::{self, StingerError, root_or_default};

pub async fn sting(ctx: &Context, source: StingerSource) -> Outcome<Response> {
    let _admin = ctx.settings.lock_admin().await;
    Ok(Response::Lines(sting_locked(ctx, source).await?))
}

async fn sting_locked(ctx: &Context, source: StingerSource) -> Outcome<Vec<String>> {
    let config = ctx.settings.current();
    let (layout, app_id) = (config.layout.clone(), config.app_id);
    let report = blocking(move || stinger::sting(&layout, &source, app_id)).await?;
    tracing::info!(
        injected = report.injected,
        overwritten = report.overwritten,
        skipped = report.skipped,
        removed = report.removed,
        "stinger stung"
    );
    let mut lines = report.lines;
    lines.extend(reload_settings(ctx).await?);
    Ok(lines)
}

pub async fn unsting(ctx: &Context, drop_schema: bool) -> Outcome<Response> {
    let _admin = ctx.settings.lock_admin().await;
    Ok(Response::Lines(unsting_locked(ctx, drop_schema).await?))
}

async fn unsting_locked(ctx: &Context, drop_schema: bool) -> Outcome<Vec<String>> {
    let layout = ctx.settings.current().layout;
    let mut lines = blocking(move || stinger::unsting(&layout)).await?;
    if drop_schema {
        let dropped = crate::seed::drop(&ctx.store, true, true).await;
        ctx.runtime.defs_changed().await;
        lines.extend(dropped?);
    }
    tracing::info!(drop_schema, "stinger unstung");
    Ok(lines)
}

pub async fn resting(ctx: &Context, source: StingerSource, drop_schema: bool) -> Outcome<Response> {
    let _admin = ctx.settings.lock_admin().await;
    let mut lines = unsting_locked(ctx, drop_schema).await?;
    lines.extend(sting_locked(ctx, source).await?);
    Ok(Response::Lines(lines))
}

pub async fn extract(ctx: &Context, request: ExtractRequest) -> Outcome<Response> {
    let _admin = ctx.settings.lock_admin().await;
    let layout = ctx.settings.current().layout;
    let lines = blocking(move || stinger::extract(&layout, &request)).await?;
    Ok(Response::Lines(lines))
}

pub async fn refactor(ctx: &Context, root: Option<String>) -> Outcome<Response> {
    let _admin = ctx.settings.lock_admin().await;
    let root = root_or_default(&ctx.settings.current().layout.etc, root.as_deref());
    let lines = blocking(move || stinger::refactor(&root)).await?;
    Ok(Response::Lines(lines))
}

/// Runs file work on the blocking pool.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, StingerError> + Send + 'static,
) -> Outcome<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|err| {
            tracing::error!(error = %err, "stinger work stopped");
            Failure::Reply(ErrorReply::new(
                ErrorCode::Internal,
                "the stinger operation stopped unexpectedly; the daemon's log has the cause",
            ))
        })?
        .map_err(stinger_failure)
}

/// The client's view of a stinger error.
pub fn stinger_failure(err: StingerError) -> Failure {
    let reply = match &err {
        StingerError::NotFound(_) => ErrorReply::not_found(err.to_string()),
        StingerError::Invalid(_) | StingerError::Escape { .. } => {
            ErrorReply::invalid(err.to_string())
        }
        StingerError::Io { .. } => ErrorReply::new(ErrorCode::Unavailable, err.to_string()),
    };
    Failure::Reply(reply)
}
