//! `wurk run TARGET` and `wurk kill TARGET`: one-off runs started now, and runs stopped now,
//! answered with a summary of each run.

use futures::future::join_all;
use protocol::Response;
use protocol::runtime::{RunSummary, Target};

use crate::handlers::{Context, Outcome};

/// Starts the runs and answers once each has started, or, with `wait`, ended.
pub async fn run(
    ctx: &Context,
    target: Target,
    slug: Option<String>,
    wait: bool,
) -> Outcome<Response> {
    let tickets = ctx.runtime.run(target, slug).await?;
    let mut summaries = Vec::with_capacity(tickets.len());
    let mut ends = Vec::with_capacity(tickets.len());
    for ticket in tickets {
        summaries.push(ticket.started.await.ok());
        ends.push(ticket.finished);
    }
    if wait {
        let finished = join_all(ends).await;
        summaries = finished.into_iter().map(Result::ok).collect();
    }
    Ok(Response::Runs(summaries.into_iter().flatten().collect()))
}

/// Stops the runs and answers once each has ended (within its grace period).
pub async fn kill(ctx: &Context, target: Target, slug: Option<String>) -> Outcome<Response> {
    let ends = ctx.runtime.kill(target, slug).await?;
    let finished: Vec<RunSummary> = join_all(ends).await.into_iter().flatten().collect();
    Ok(Response::Runs(finished))
}
