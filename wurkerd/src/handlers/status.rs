//! `wurk admin status`: the node's status document in the original's shape (keys sorted),
//! built without any outbound call. Database passwords, DSNs and URLs are masked as the
//! original's HTTP API masked them (`"PASSWORD"`, `"DSN"`, `"URL"`), here on every client.
//!
//! The checks run in the original's order (databases answer, the schema is there, the node
//! has its control row, then Drones and Bee counts); the first that fails stops the rest,
//! whose keys stay `null`, and `status` is then `false`.

use protocol::{JsonText, Response, render};
use serde_json::{Map, Value, json};

use crate::config::{Config, ConfigDb};
use crate::handlers::{Context, Outcome};
use crate::host;
use crate::store::StoreError;
use crate::store::status::{self as node, BeeCounts, ControlFlags, NodeStatus};

pub async fn status(ctx: &Context) -> Outcome<Response> {
    let config = ctx.settings.current();
    let mut document = identity(&config);
    let checks = Checks::run(ctx, config.is_queen).await;
    document.extend(checks.into_fields());
    let document = render::sort_keys(Value::Object(document));
    Ok(Response::Status(JsonText::from_value(&document)))
}

/// What the node is, from its configuration and its host.
fn identity(config: &Config) -> Map<String, Value> {
    let env = if config.env.is_empty() {
        "production"
    } else {
        config.env.as_str()
    };
    let private_ip = host::private_ipv4().map(|ip| ip.to_string());
    let fields = json!({
        "app_id": config.app_id.to_string(),
        "config_dirs": {
            "data_root": config.layout.data.display().to_string(),
            "etc_root": config.layout.etc.display().to_string(),
            "opt_root": config.layout.opt.display().to_string(),
        },
        "env": env,
        "is_queen": config.is_queen,
        "local_db": database(&ConfigDb::Sqlite(config.local_db.clone())),
        "name": config.name,
        "private_ip": private_ip,
        "public_ip": null,
        "remote_db": database(&config.config_db),
        "server_domain": config.domain,
        "slug": config.slug,
        "ui_domain": null,
    });
    match fields {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// A database as the original's `[*_db]` table showed it, from what the node connects to, with
/// the secrets masked. A SQLite file has no DSN and uses no password (one written in its table
/// is ignored); every database has a URL, which may carry the password.
fn database(db: &ConfigDb) -> Value {
    let (dbdriver, database, hostname, username, port, has_password) = match db {
        ConfigDb::Sqlite(path) => ("sqlite", path.display().to_string(), "", "", 0, false),
        ConfigDb::Server(server) => (
            server.kind.scheme(),
            server.database.clone(),
            server.host.as_str(),
            server.username.as_str(),
            server.port,
            server.has_password(),
        ),
    };
    let is_server = matches!(db, ConfigDb::Server(_));
    json!({
        "database": database,
        "dbdriver": dbdriver,
        "dsn": mask(is_server, "DSN"),
        "hostname": hostname,
        "password": mask(has_password, "PASSWORD"),
        "port": port,
        "url": mask(true, "URL"),
        "username": username,
    })
}

/// The literal that stands for a secret that is set, or `""` when it is not.
fn mask(is_set: bool, literal: &str) -> &str {
    if is_set { literal } else { "" }
}

/// The results of the checks, `null` for those that did not run.
#[derive(Debug, Default)]
struct Checks {
    local_db_conn: bool,
    remote_db_conn: bool,
    remote_db_schema: bool,
    control: Option<ControlFlags>,
    /// Other nodes, listed only for a Queen.
    drones: Option<Vec<NodeStatus>>,
    bees: Option<BeeCounts>,
}

impl Checks {
    async fn run(ctx: &Context, is_queen: bool) -> Self {
        let local_db_conn = match ctx.store.local.ping().await {
            Ok(()) => true,
            Err(err) => {
                tracing::warn!(error = %err, "status: the local database does not answer");
                false
            }
        };
        let mut checks = Checks {
            local_db_conn,
            ..Checks::default()
        };
        if let Err(err) = checks.run_config(ctx, is_queen).await {
            tracing::warn!(error = %err, "status: the config database failed a check");
        }
        checks
    }

    /// The config database's checks, in order; each stops the rest when it fails.
    async fn run_config(&mut self, ctx: &Context, is_queen: bool) -> Result<(), StoreError> {
        let app_id = ctx.store.app_id;
        ctx.store.read.ping().await?;
        let mut conn = ctx.store.read.acquire().await?;
        self.remote_db_conn = true;

        let missing = node::missing_tables(&mut conn).await?;
        if !missing.is_empty() {
            tracing::warn!(tables = ?missing, "status: the config database lacks tables");
            return Ok(());
        }
        self.remote_db_schema = true;

        let Some(control) = node::control(&mut conn, app_id).await? else {
            tracing::warn!(%app_id, "status: this node has no control row");
            return Ok(());
        };
        self.control = Some(control);
        self.drones = if is_queen {
            Some(node::other_nodes(&mut conn, app_id).await?)
        } else {
            Some(Vec::new())
        };
        self.bees = Some(node::bee_counts(&mut conn, app_id).await?);
        Ok(())
    }

    /// Everything answered: both databases, the schema, the control row and the counts.
    fn is_complete(&self) -> bool {
        self.local_db_conn && self.bees.is_some()
    }

    fn into_fields(self) -> Map<String, Value> {
        let drones = match &self.drones {
            Some(nodes) if !nodes.is_empty() => Value::Object(
                nodes
                    .iter()
                    .map(|node| (node.control.app_id.to_string(), drone(node)))
                    .collect(),
            ),
            _ => Value::Null,
        };
        let mut fields = Map::new();
        fields.insert("status".into(), json!(self.is_complete()));
        fields.insert("local_db_conn".into(), json!(self.local_db_conn));
        fields.insert("remote_db_conn".into(), json!(self.remote_db_conn));
        fields.insert("remote_db_schema".into(), json!(self.remote_db_schema));
        fields.insert(
            "control".into(),
            self.control.as_ref().map_or(Value::Null, |control| {
                json!({"pause": control.pause, "reload": control.reload, "seed": control.seed})
            }),
        );
        fields.insert("drones".into(), drones);
        fields.insert(
            "bees".into(),
            self.bees.map_or(
                Value::Null,
                |bees| json!({"disabled": bees.disabled, "enabled": bees.enabled}),
            ),
        );
        fields
    }
}

/// One Drone as the original listed it under `drones`.
fn drone(node: &NodeStatus) -> Value {
    json!({
        "slug": node.slug,
        "name": node.name,
        "is_queen": node.is_queen,
        "env": node.env,
        "private_ip": node.private_ip,
        "public_ip": node.public_ip,
        "server_domain": node.server_domain,
        "control": {
            "app_id": node.control.app_id.to_string(),
            "reload": node.control.reload,
            "pause": node.control.pause,
            "seed": node.control.seed,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config_db(remote_db: &str) -> ConfigDb {
        let layout = protocol::home::Layout::new("/srv/wurker".into());
        let text = format!(
            "[wurker]\napp_id = \"{}\"\n[remote_db]\n{remote_db}",
            uuid::Uuid::new_v4()
        );
        let config = Config::parse(&layout, &text).unwrap_or_else(|err| panic!("{err}"));
        config.config_db
    }

    #[test]
    fn secrets_are_masked() {
        let keys = database(&config_db(
            "dbdriver = \"mysql\"\nhostname = \"db.example\"\nusername = \"wurker\"\n\
             password = \"hunter2\"\ndatabase = \"colony\"\n",
        ));
        assert_eq!(keys["password"], "PASSWORD");
        assert_eq!(keys["dsn"], "DSN");
        assert_eq!(keys["url"], "URL");
        assert_eq!(
            (&keys["hostname"], &keys["port"], &keys["database"]),
            (&json!("db.example"), &json!(3306), &json!("colony"))
        );
        assert!(!keys.to_string().contains("hunter2"), "{keys}");

        let url = database(&config_db(
            "dbdriver = \"postgresql\"\nurl = \"postgres://wurker:hunter2@db.example/colony\"\n",
        ));
        assert_eq!(url["password"], "PASSWORD", "a password inside the URL");
        assert_eq!(url["dbdriver"], "postgresql");
        assert_eq!(url["username"], "wurker");
        assert!(!url.to_string().contains("hunter2"), "{url}");
        let no_password = database(&config_db(
            "dbdriver = \"postgresql\"\nurl = \"postgres://wurker@db.example/colony\"\n",
        ));
        assert_eq!(no_password["password"], "");

        let sqlite = database(&ConfigDb::Sqlite("/srv/data/x.db".into()));
        assert_eq!(sqlite["password"], "");
        assert_eq!(sqlite["dsn"], "");
        assert_eq!(sqlite["url"], "URL");
        assert_eq!(sqlite["database"], "/srv/data/x.db");
        assert_eq!(sqlite["dbdriver"], "sqlite");
    }

    #[test]
    fn failed_checks_leave_nulls_and_false() {
        let fields = Checks {
            local_db_conn: true,
            remote_db_conn: true,
            ..Checks::default()
        }
        .into_fields();
        assert_eq!(fields["status"], false);
        assert_eq!(fields["remote_db_schema"], false);
        assert_eq!(fields["control"], Value::Null);
        assert_eq!(fields["bees"], Value::Null);
    }
}
