//! `wurk add KIND [INFILE]`: sends a JSON document of new definitions (or, for `ondemand`, of
//! Bees to queue) to the daemon as it was read. The daemon judges it; success prints nothing.

use protocol::Request;

use super::{DaemonFlags, expect_done, refuse_drones};
use crate::cli::AddArgs;
use crate::input::read_document;

/// Reads the document and asks the daemon to add it.
///
/// # Errors
/// `--drone`, an unreadable INFILE, or a daemon that cannot be reached or refuses the document.
pub fn run(args: &AddArgs, daemon: &DaemonFlags) -> anyhow::Result<()> {
    refuse_drones(&args.drone)?;
    let json = read_document(&args.infile)?;

    let request = Request::Add {
        kind: args.kind.def_kind(),
        json,
    };
    expect_done(daemon.call(&request)?, "add")
}
