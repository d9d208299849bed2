//! The administration side of the protocol: stinging a home from a stinger tree, seeding the
//! databases, first-run initialization and config reloads. Paths travel absolute: the client
//! resolves them against its own working directory, which the daemon does not share.

use serde::{Deserialize, Serialize};

/// Which stinger to layer into the home, and for which node and environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StingerSource {
    /// The stingers root; `None` is the home's `etc/stingers`.
    pub root: Option<String>,
    /// The stinger directory under the root.
    pub slug: String,
    /// The Colony node; `None` is `queen`, which may then be absent from the tree.
    pub node: Option<String>,
    /// The environment; `None` is `local`, which may then be absent from the tree.
    pub env: Option<String>,
}

/// Where `extract` writes: the level every node shares, or one node's environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExtractLevel {
    /// `ROOT/SLUG/wurker/`.
    Wurker,
    /// `ROOT/SLUG/colony/NODE/ENV/`.
    Colony,
}

/// What `extract` copies out of the home, and where to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtractRequest {
    pub level: ExtractLevel,
    /// Resource names (`seeds`, `bees`, `wurker.toml`, ...); empty means all of them.
    pub resources: Vec<String>,
    pub root: Option<String>,
    pub slug: String,
    pub node: String,
    pub env: String,
}

/// The two databases that `seed` and `init` may be limited to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SeedPart {
    /// The config database: Commands, Crons and Bees from `etc/seeds/`.
    Wurker,
    /// The local database: UI users and API credentials from `data/`.
    Local,
}

/// `wurk admin seed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeedRequest {
    pub only: Option<SeedPart>,
    /// Remove this node's seeded data instead of seeding.
    pub drop: bool,
    /// Apply every seed file again, even those already applied.
    pub force: bool,
}

/// `wurk admin init`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitRequest {
    pub source: StingerSource,
    pub only: Option<SeedPart>,
    pub drop: bool,
    pub recreate: bool,
    pub no_status: bool,
    /// A UI user to add or update, with its password (both or neither).
    pub username: Option<String>,
    pub password: Option<String>,
}
