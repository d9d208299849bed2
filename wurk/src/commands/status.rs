//! `wurk admin status`: the node's status document as the daemon builds it (the original's
//! shape, keys sorted, secrets masked, no outbound calls), printed as JSON.

use protocol::{Request, Response, render};

use super::{DaemonFlags, refuse_drones, unexpected};
use crate::cli::admin::StatusArgs;
use crate::output::print_json;

/// Asks the daemon for its status and prints it.
///
/// # Errors
/// `--drone`, a daemon that cannot be reached, or stdout that cannot be written. A daemon
/// whose checks fail still answers (with `"status": false`), so that is not an error here.
pub fn run(args: &StatusArgs, daemon: &DaemonFlags) -> anyhow::Result<()> {
    refuse_drones(&args.drone)?;

    match daemon.call(&Request::Status)? {
        Response::Status(document) => print_json(&render::sort_keys(document.to_value())),
        other => Err(unexpected(&other, "admin status")),
    }
}
