//! `wurk edit KIND KEY [INFILE]`: sends a JSON object of the fields to change in the
//! definition named KEY, as it was read. The daemon judges it; success prints nothing.

use protocol::Request;

use super::{DaemonFlags, expect_done, refuse_drones};
use crate::cli::EditArgs;
use crate::input::read_document;

/// Reads the fields and asks the daemon to change the definition.
///
/// # Errors
/// `--drone`, an unreadable INFILE, or a daemon that cannot be reached or refuses the change.
pub fn run(args: &EditArgs, daemon: &DaemonFlags) -> anyhow::Result<()> {
    refuse_drones(&args.drone)?;
    let json = read_document(&args.infile)?;

    let request = Request::Edit {
        kind: args.kind.def_kind(),
        key: args.key.clone(),
        json,
    };
    expect_done(daemon.call(&request)?, "edit")
}
