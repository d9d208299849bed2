//! `wurk remove KIND SLUG`: removes a definition, or takes a Bee off the ondemand queue.
//! Success prints nothing.

use protocol::Request;

use super::{DaemonFlags, expect_done, refuse_drones};
use crate::cli::RemoveArgs;

/// Asks the daemon to remove the definition.
///
/// # Errors
/// `--drone`, or a daemon that cannot be reached or refuses (unknown slug, still in use).
pub fn run(args: &RemoveArgs, daemon: &DaemonFlags) -> anyhow::Result<()> {
    refuse_drones(&args.drone)?;

    let request = Request::Remove {
        kind: args.kind.def_kind(),
        key: args.slug.clone(),
    };
    expect_done(daemon.call(&request)?, "remove")
}
