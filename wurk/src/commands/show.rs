//! `wurk show [VIEW]`: the definitions (`bee`, `cron`, `command`) in the original's field
//! order, or the overview of every Bee and the Hive (`all`) with one section per typed view
//! (`scheduled`, `supervised`, `ondemand`, `hive`).

use serde_json::{Map, Value};

use protocol::model::Section;
use protocol::{Request, Response, render};

use super::{DaemonFlags, refuse_drones, unexpected};
use crate::cli::{ShowArgs, ShowView};
use crate::output::print_json;

/// The overview's key for the Hive, which is not a [`Section`] of Bees.
const HIVE_SECTION: &str = "hive";

/// Asks the daemon for the view and prints it as JSON.
///
/// # Errors
/// `--drone`, a daemon that cannot be reached or refuses, or stdout that cannot be written.
pub fn run(args: &ShowArgs, daemon: &DaemonFlags) -> anyhow::Result<()> {
    refuse_drones(&args.drone)?;

    let slug = args.slug.clone();
    let value = match args.view {
        ShowView::All => show_overview(daemon)?,
        ShowView::Bee => show_definitions(&Request::ShowBees { slug }, daemon)?,
        ShowView::Cron => show_definitions(&Request::ShowCrons { slug }, daemon)?,
        ShowView::Command => show_definitions(&Request::ShowCommands { slug }, daemon)?,
        ShowView::Scheduled => show_section(Section::Scheduled.key(), daemon)?,
        ShowView::Supervised => show_section(Section::Supervised.key(), daemon)?,
        ShowView::Ondemand => show_section(Section::Ondemand.key(), daemon)?,
        ShowView::Hive => show_section(HIVE_SECTION, daemon)?,
    };
    print_json(&value)
}

fn show_definitions(request: &Request, daemon: &DaemonFlags) -> anyhow::Result<Value> {
    match daemon.call(request)? {
        Response::Bees(bees) => Ok(render::bees(&bees)),
        Response::Crons(crons) => Ok(render::crons(&crons)),
        Response::Commands(commands) => Ok(render::commands(&commands)),
        other => Err(unexpected(&other, "show")),
    }
}

fn show_overview(daemon: &DaemonFlags) -> anyhow::Result<Value> {
    match daemon.call(&Request::ShowOverview)? {
        Response::Overview(overview) => Ok(render::overview(&overview)),
        other => Err(unexpected(&other, "show")),
    }
}

/// One section of the overview; as in the original, `--slug` does not narrow it.
fn show_section(section: &str, daemon: &DaemonFlags) -> anyhow::Result<Value> {
    let overview = show_overview(daemon)?;
    let empty = || Value::Object(Map::new());
    Ok(overview.get(section).cloned().unwrap_or_else(empty))
}
