//! `wurk admin seed` (and `--check FILE`) and `wurk admin init`, both carried out by the
//! daemon, which prints what it applied.

use protocol::Request;
use protocol::admin::{InitRequest, SeedPart, SeedRequest, StingerSource};

use super::DaemonFlags;
use super::admin::{absolute, print_lines};
use crate::cli::admin::{Database, InitArgs, SeedArgs};
use crate::input::read_document;

/// `wurk admin seed`.
///
/// # Errors
/// The daemon's refusal naming the seed file, item and field at fault, or failing to reach it.
pub fn seed(args: &SeedArgs, daemon: &DaemonFlags) -> anyhow::Result<()> {
    if let Some(file) = &args.check {
        let json = read_document(file)?;
        let name = if file.as_os_str() == "-" {
            "standard input".to_string()
        } else {
            file.display().to_string()
        };
        let request = Request::SeedCheck { name, json };
        return print_lines(daemon.call(&request)?, "admin seed --check");
    }
    let request = Request::Seed(SeedRequest {
        only: args.only.map(part),
        drop: args.drop,
        force: args.force,
    });
    print_lines(daemon.call(&request)?, "admin seed")
}

/// `wurk admin init`.
///
/// # Errors
/// As [`seed`], and a username without a password (or the reverse).
pub fn init(args: &InitArgs, daemon: &DaemonFlags) -> anyhow::Result<()> {
    if args.username.is_some() != args.password.is_some() {
        anyhow::bail!("give both --username and --password, or neither");
    }
    let request = Request::Init(InitRequest {
        source: StingerSource {
            root: absolute(args.root.as_deref())?,
            slug: args.slug.clone(),
            node: args.node.clone(),
            env: args.env.clone(),
        },
        only: args.only.map(part),
        drop: args.drop,
        recreate: args.recreate,
        no_status: args.no_status,
        username: args.username.clone(),
        password: args.password.clone(),
    });
    print_lines(daemon.call(&request)?, "admin init")
}

fn part(database: Database) -> SeedPart {
    match database {
        Database::Wurker => SeedPart::Wurker,
        Database::Local => SeedPart::Local,
    }
}
