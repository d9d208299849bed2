//! Errors as the daemon reports them to a client: a machine-readable code plus a message in
//! Wurker's words that names the thing involved and what to do about it.

use serde::{Deserialize, Serialize};

/// What kind of failure a request met; clients map it to exit codes and HTTP statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ErrorCode {
    /// The input was malformed or broke a rule (bad JSON, unknown field, bad slug, bad cron).
    Invalid,
    /// A named Command, Cron, Bee or queue item does not exist.
    NotFound,
    /// The thing already exists (a slug in use, a Bee already queued).
    Conflict,
    /// The thing is still referenced and cannot be removed (a Command used by Bees).
    InUse,
    /// The daemon cannot serve this now (database unreachable, shutting down).
    Unavailable,
    /// A fault inside the daemon; the details are in its log, not in the message.
    Internal,
    /// The request is known but this daemon does not provide it.
    Unsupported,
}

/// An error reply: the code and a one-line message meant for the operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct ErrorReply {
    pub code: ErrorCode,
    pub message: String,
}

impl ErrorReply {
    /// An error with the given code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// Shorthand for an [`ErrorCode::Invalid`] error.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Invalid, message)
    }

    /// Shorthand for an [`ErrorCode::NotFound`] error.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }

    /// Shorthand for an [`ErrorCode::Conflict`] error.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Conflict, message)
    }
}
