//! `wurk report [bee|cron] [--slug S] [--start T] [--end T] [--status S] [--page N]
//! [--page-limit N] [--sort COLUMN] [--sort-order asc|desc]`: a page of the node's run reports
//! in the original's `{total, page, limit, data}` envelope. The daemon checks the values, so
//! the HTTP API and the CLI refuse the same things with the same words.

use clap::ValueEnum as _;

use protocol::runtime::ReportQuery;
use protocol::{Request, Response, render};

use super::{DaemonFlags, refuse_drones, unexpected};
use crate::cli::{ReportArgs, ReportTarget, SortOrder};
use crate::output::print_json;

/// Asks the daemon for the page and prints it as JSON.
///
/// # Errors
/// `--drone`, a daemon that cannot be reached, a value it refuses (a bad date, a negative page,
/// a limit out of range, an unknown status), or stdout that cannot be written.
pub fn run(args: &ReportArgs, daemon: &DaemonFlags) -> anyhow::Result<()> {
    refuse_drones(&args.drone)?;

    let request = Request::Report(query(args));
    match daemon.call(&request)? {
        Response::Report(page) => print_json(&render::report(&page)),
        other => Err(unexpected(&other, "report")),
    }
}

/// The query the flags describe; `--slug` alone names a Bee, as in the original.
fn query(args: &ReportArgs) -> ReportQuery {
    let sort = args
        .sort
        .to_possible_value()
        .map_or_else(|| "id".to_string(), |value| value.get_name().to_string());
    ReportQuery {
        by_cron: args.target == Some(ReportTarget::Cron),
        slug: args.slug.clone(),
        start: args.start.clone(),
        end: args.end.clone(),
        status: args.status.clone(),
        page: args.page,
        limit: args.page_limit,
        sort,
        descending: args.sort_order == SortOrder::Desc,
    }
}
