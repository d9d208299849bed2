//! One handler per request. Each turns a [`Request`] into a [`Response`]: reads go through the
//! reader pool, writes run in one transaction on the writer, so a failed request changes
//! nothing.

mod add;
pub(crate) mod bee_refs;
mod config;
mod edit;
mod ondemand;
mod overview;
mod remove;
mod seed;
mod show;
mod stinger;

pub use stinger::stinger_failure;

use std::sync::Arc;

use protocol::{ErrorCode, ErrorReply, Request, Response};

use crate::settings::Settings;
use crate::store::Store;

/// What handlers share: the databases, and later the runtime.
#[derive(Debug, Clone)]
pub struct Context {
    pub store: Store,
    /// The node's configuration and the lock of administrative operations.
    pub settings: Arc<Settings>,
}

/// Why a handler failed: an answer for the client, or a database fault for the log.
#[derive(Debug)]
pub enum Failure {
    Reply(ErrorReply),
    Database(sqlx::Error),
}

impl From<ErrorReply> for Failure {
    fn from(reply: ErrorReply) -> Self {
        Failure::Reply(reply)
    }
}

impl From<sqlx::Error> for Failure {
    fn from(err: sqlx::Error) -> Self {
        Failure::Database(err)
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
        Request::Run { .. }
        | Request::Kill { .. }
        | Request::Report(_)
        | Request::Status
        | Request::Control(_)
        | Request::Logs { .. } => Err(Failure::Reply(ErrorReply::new(
            ErrorCode::Unsupported,
            "this daemon does not run Bees yet",
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
        Err(Failure::Database(err)) => Response::Error(database_failure(&err)),
    }
}

fn database_failure(err: &sqlx::Error) -> ErrorReply {
    if let sqlx::Error::Database(db) = err {
        if db.is_unique_violation() {
            return ErrorReply::conflict("that slug is already in use on this node");
        }
        if db.is_foreign_key_violation() {
            return ErrorReply::new(
                ErrorCode::InUse,
                "the change would leave a definition pointing at one that does not exist",
            );
        }
    }
    tracing::error!(error = %err, "config database request failed");
    ErrorReply::new(
        ErrorCode::Unavailable,
        "the config database failed to answer; the daemon's log has the cause",
    )
}
