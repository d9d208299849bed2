//! What `wurkerd` answers. New variants go at the end: the order is the encoding.

use serde::{Deserialize, Serialize};

use crate::error::ErrorReply;
use crate::model::{Bee, Command, Cron, Overview};

/// The answer to one [`crate::Request`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Response {
    /// The request was carried out and has nothing to show.
    Done,
    /// The request failed; nothing was changed.
    Error(ErrorReply),
    Commands(Vec<Command>),
    Crons(Vec<Cron>),
    Bees(Vec<Bee>),
    Overview(Overview),
}
