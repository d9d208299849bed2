//! What `wurkerd` answers. New variants go at the end: the order is the encoding.

use serde::{Deserialize, Serialize};

use crate::error::ErrorReply;
use crate::model::{Bee, Command, Cron, JsonText, Overview};
use crate::runtime::{LogChunk, ReportPage, RunSummary};

/// The answer to one [`crate::Request`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Response {
    /// The request was carried out and has nothing to show.
    Done,
    /// The request failed; nothing was changed.
    Error(ErrorReply),
    Commands(Vec<Command>),
    Crons(Vec<Cron>),
    Bees(Vec<Bee>),
    Overview(Overview),
    /// Runs started (and, when waited for, ended) or stopped.
    Runs(Vec<RunSummary>),
    Report(ReportPage),
    /// The status document as JSON text.
    Status(JsonText),
    /// Output of a run; while following, more chunks come until [`Response::Done`].
    Log(LogChunk),
    /// A report for the operator, one line each (what a sting injected, what a seed applied).
    Lines(Vec<String>),
}

impl Response {
    /// The variant's name, for messages about a reply that does not fit its request (never
    /// the contents, which may be large).
    pub fn kind(&self) -> &'static str {
        match self {
            Response::Done => "Done",
            Response::Error(_) => "Error",
            Response::Commands(_) => "Commands",
            Response::Crons(_) => "Crons",
            Response::Bees(_) => "Bees",
            Response::Overview(_) => "Overview",
            Response::Runs(_) => "Runs",
            Response::Report(_) => "Report",
            Response::Status(_) => "Status",
            Response::Log(_) => "Log",
            Response::Lines(_) => "Lines",
        }
    }
}
