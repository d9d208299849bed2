//! One handler per request. Each turns a [`Request`] into a [`Response`]: reads go through the
//! reader pool, writes run in one transaction on the writer, so a failed request changes
//! nothing.

mod add;
pub(crate) mod bee_refs;
mod config;
mod control;
mod edit;
pub mod logs;
mod ondemand;
mod overview;
mod remove;
mod report;
mod runs;
mod seed;
mod show;
mod status;
mod stinger;

pub use stinger::stinger_failure;

use std::sync::Arc;

use protocol::{ErrorCode, ErrorReply, Request, Response};

use crate::hive::LiveLogs;
use crate::runtime::Runtime;
use crate::settings::Settings;
use crate::store::{Store, StoreError};

/// What handlers share: the databases, the node's settings, the runtime, and the logs of the
/// runs going now.
#[derive(Debug, Clone)]
pub struct Context {
    pub store: Store,
    /// The node's configuration as last (re)loaded, and the lock of administrative operations.
    pub settings: Arc<Settings>,
    pub runtime: Runtime,
    pub logs: LiveLogs,
    /// The home's `data/`, where run logs are.
    pub data: std::path::PathBuf,
}

/// Why a handler failed: an answer for the client, or a storage failure to sort.
#[derive(Debug)]
pub enum Failure {
    Reply(ErrorReply),
    Store(StoreError),
}

impl From<ErrorReply> for Failure {
    fn from(reply: ErrorReply) -> Self {
        Failure::Reply(reply)
    }
}

impl From<StoreError> for Failure {
    fn from(err: StoreError) -> Self {
        Failure::Store(err)
    }
}

/// A handler's result.
pub type Outcome<T> = Result<T, Failure>;

/// Carries out one request. Never fails: every failure becomes an error response, and
/// database faults are logged here with their cause, which the client never sees.
pub async fn handle(ctx: &Context, request: Request) -> Response {
    let outcome = match request {
        Request::ShowCommands { slug } => show::commands(ctx, slug).await,
        Request::ShowCrons { slug } => show::crons(ctx, slug).await,
        Request::ShowBees { slug } => show::bees(ctx, slug).await,
        Request::ShowOverview => overview::show(ctx).await,
        Request::Add { kind, json } => add::add(ctx, kind, &json).await,
        Request::Edit { kind, key, json } => edit::edit(ctx, kind, &key, &json).await,
        Request::Remove { kind, key } => remove::remove(ctx, kind, &key).await,
        Request::Report(query) => report::report(ctx, query).await,
        Request::Status => status::status(ctx).await,
        Request::Run { target, slug, wait } => runs::run(ctx, target, slug, wait).await,
        Request::Kill { target, slug } => runs::kill(ctx, target, slug).await,
        Request::Control(action) => control::control(ctx, action).await,
        // Logs are streamed by the connection itself; see `logs::stream`.
        Request::Logs { .. } => Err(Failure::Reply(ErrorReply::new(
            ErrorCode::Internal,
            "a log request reached the wrong place",
        ))),
        Request::Sting(source) => stinger::sting(ctx, source).await,
        Request::Unsting { drop_schema } => stinger::unsting(ctx, drop_schema).await,
        Request::Resting {
            source,
            drop_schema,
        } => stinger::resting(ctx, source, drop_schema).await,
        Request::Extract(request) => stinger::extract(ctx, request).await,
        Request::Refactor { root } => stinger::refactor(ctx, root).await,
        Request::Seed(request) => seed::seed(ctx, request).await,
        Request::SeedCheck { name, json } => seed::check(ctx, &name, &json).await,
        Request::Init(request) => seed::init(ctx, request).await,
        Request::ReloadConfig => config::reload(ctx).await,
    };
    match outcome {
        Ok(response) => response,
        Err(Failure::Reply(reply)) => Response::Error(reply),
        Err(Failure::Store(err)) => Response::Error(store_failure(&err)),
    }
}

pub(crate) fn store_failure(err: &StoreError) -> ErrorReply {
    match err {
        StoreError::Conflict { .. } => {
            ErrorReply::conflict("that slug is already in use on this node")
        }
        StoreError::Reference { .. } => ErrorReply::new(
            ErrorCode::InUse,
            "the change would leave a definition pointing at one that does not exist",
        ),
        StoreError::Unavailable(_) => {
            // The outage itself is logged once by the store's health tracking.
            tracing::debug!(error = %err, "config database unavailable");
            ErrorReply::new(
                ErrorCode::Unavailable,
                "the config database cannot be reached now; try again when it is back (the \
                 daemon's log has the cause)",
            )
        }
        StoreError::NotFound { .. } | StoreError::Decode { .. } | StoreError::Database(_) => {
            tracing::error!(error = %err, "config database request failed");
            ErrorReply::new(
                ErrorCode::Internal,
                "the config database request failed; the daemon's log has the cause",
            )
        }
    }
}
