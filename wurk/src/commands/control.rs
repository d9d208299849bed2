//! `wurk admin control pause|resume|reload`.

use protocol::runtime::ControlAction as Action;
use protocol::{Request, Response};

use super::{DaemonFlags, expect_done, refuse_drones};
use crate::cli::admin::{ControlAction, ControlArgs};

/// Tells the daemon; it has acted when this returns.
///
/// # Errors
/// `--drone`, or the daemon's refusal.
pub fn run(args: &ControlArgs, daemon: &DaemonFlags) -> anyhow::Result<()> {
    refuse_drones(&args.drone)?;
    let action = match args.action {
        ControlAction::Pause => Action::Pause,
        ControlAction::Resume => Action::Resume,
        ControlAction::Reload => Action::Reload,
    };
    let response: Response = daemon.call(&Request::Control(action))?;
    expect_done(response, "admin control")
}
