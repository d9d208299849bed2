//! `wurk admin stinger sting|unsting|resting|extract|refactor`: asks the daemon, which owns the
//! home, and prints its report of what was injected, overwritten, skipped and removed.

use protocol::Request;
use protocol::admin::{ExtractLevel, ExtractRequest, StingerSource};

use super::DaemonFlags;
use super::admin::{absolute, print_lines};
use crate::cli::admin::{ExtractArgs, ExtractCommand, StingerCommand, StingerSource as Args};

/// Carries out one `wurk admin stinger` command.
///
/// # Errors
/// The daemon's refusal (a missing root, stinger, node or env; a link out of the tree), or
/// failing to reach it.
pub fn run(command: &StingerCommand, daemon: &DaemonFlags) -> anyhow::Result<()> {
    let (request, name) = match command {
        StingerCommand::Sting { source } => (Request::Sting(source_of(source)?), "sting"),
        StingerCommand::Unsting { drop_schema } => (
            Request::Unsting {
                drop_schema: *drop_schema,
            },
            "unsting",
        ),
        StingerCommand::Resting {
            source,
            drop_schema,
        } => (
            Request::Resting {
                source: source_of(source)?,
                drop_schema: *drop_schema,
            },
            "resting",
        ),
        StingerCommand::Extract(ExtractCommand::Wurker(args)) => {
            (extract(args, ExtractLevel::Wurker)?, "extract wurker")
        }
        StingerCommand::Extract(ExtractCommand::Colony(args)) => {
            (extract(args, ExtractLevel::Colony)?, "extract colony")
        }
        StingerCommand::Refactor { root } => (
            Request::Refactor {
                root: absolute(root.as_deref())?,
            },
            "refactor",
        ),
    };
    print_lines(daemon.call(&request)?, &format!("admin stinger {name}"))
}

/// The protocol's stinger source for the command line's options.
///
/// # Errors
/// When `--root` cannot be made absolute.
pub fn source_of(args: &Args) -> anyhow::Result<StingerSource> {
    Ok(StingerSource {
        root: absolute(args.root.as_deref())?,
        slug: args.slug.clone(),
        node: args.node.clone(),
        env: args.env.clone(),
    })
}

fn extract(args: &ExtractArgs, level: ExtractLevel) -> anyhow::Result<Request> {
    Ok(Request::Extract(ExtractRequest {
        level,
        resources: args.resource.clone(),
        root: absolute(args.root.as_deref())?,
        slug: args.slug.clone(),
        node: args.node.clone(),
        env: args.env.clone(),
    }))
}
