//! The `[local_db]` / `[remote_db]` rules, through `Config::parse` as an operator meets them.

use std::path::PathBuf;

use protocol::home::Layout;
use uuid::Uuid;

use crate::config::{Config, ConfigDb, ServerKind, TlsMode};

fn parse(tables: &str) -> Result<Config, String> {
    let layout = Layout::new(PathBuf::from("/srv/wurker"));
    let text = format!("[wurker]\napp_id = \"{}\"\n{tables}", Uuid::new_v4());
    Config::parse(&layout, &text).map_err(|err| err.to_string())
}

fn server(tables: &str) -> crate::config::ServerDb {
    match parse(tables).unwrap().config_db {
        ConfigDb::Server(server) => server,
        other => panic!("not a server: {other:?}"),
    }
}

#[test]
fn the_original_keys_name_a_server_database() {
    let db = server(
        "[remote_db]\ndbdriver = \"mysql\"\nhostname = \"db.example\"\nusername = \"wurker\"\n\
         password = \"hunter2\"\ndatabase = \"wurker\"\nport = 0\n",
    );
    assert_eq!(
        (db.kind, db.host.as_str(), db.port),
        (ServerKind::MySql, "db.example", 3306)
    );
    assert_eq!(db.password.expose(), "hunter2");
    let pg = server("[remote_db]\ndbdriver = \"postgresql\"\ndatabase = \"w\"\nport = 6543\n");
    assert_eq!(
        (pg.kind, pg.host.as_str(), pg.port),
        (ServerKind::Postgres, "localhost", 6543)
    );
}

#[test]
fn a_url_fills_the_same_fields() {
    let db = server(
        "[remote_db]\ndbdriver = \"postgresql\"\n\
         url = \"postgres://wurker:s3cret@db.example:5433/colony?sslmode=require\"\n",
    );
    assert_eq!(
        (
            db.host.as_str(),
            db.port,
            db.username.as_str(),
            db.database.as_str()
        ),
        ("db.example", 5433, "wurker", "colony")
    );
    assert_eq!(
        db.tls.mode, None,
        "the URL's own sslmode is left to the URL"
    );
}

#[test]
fn passwords_never_show() {
    let config =
        parse("[remote_db]\ndbdriver = \"mysql\"\nurl = \"mysql://root:s3cret@127.0.0.1/w\"\n")
            .unwrap();
    let shown = format!("{config:?} {}", config.config_db);
    assert!(!shown.contains("s3cret"), "{shown}");
    assert_eq!(
        config.config_db.to_string(),
        "mysql://root@127.0.0.1:3306/w"
    );
    let keys =
        server("[remote_db]\ndbdriver = \"mysql\"\npassword = \"hunter2\"\ndatabase = \"w\"\n");
    assert!(!format!("{keys:?}").contains("hunter2"));
}

#[test]
fn empty_driver_and_database_fall_back_to_the_local_file_as_in_the_original() {
    let config = parse("[remote_db]\ndbdriver = \"\"\n").unwrap();
    assert_eq!(config.config_db, ConfigDb::Sqlite(config.local_db.clone()));
    let config = parse("[remote_db]\ndbdriver = \"sqlite\"\ndatabase = \"\"\n").unwrap();
    assert_eq!(
        config.config_db,
        ConfigDb::Sqlite(PathBuf::from("/srv/wurker/data/wurker.db"))
    );
    let config = parse("[remote_db]\ndbdriver = \"sqlite\"\ndatabase = \"/var/w.db\"\n").unwrap();
    assert_eq!(
        config.config_db,
        ConfigDb::Sqlite(PathBuf::from("/var/w.db"))
    );
}

#[test]
fn tls_modes_and_files() {
    let db =
        server("[remote_db]\ndbdriver = \"mysql\"\ndatabase = \"w\"\nssl_mode = \"verify-full\"\n");
    assert_eq!(db.tls.mode, Some(TlsMode::VerifyFull));
    let ca = tempfile::NamedTempFile::new().unwrap();
    let db = server(&format!(
        "[remote_db]\ndbdriver = \"postgresql\"\ndatabase = \"w\"\nssl_ca = \"{}\"\n",
        ca.path().display()
    ));
    assert_eq!(db.tls.ca.as_deref(), Some(ca.path()));
}

#[test]
fn every_mistake_names_its_key() {
    let cases = [
        (
            "[remote_db]\ndbdriver = \"oracle\"\n",
            "remote_db.dbdriver",
            "oracle",
        ),
        (
            "[local_db]\ndbdriver = \"mysql\"\n",
            "local_db.dbdriver",
            "always SQLite",
        ),
        (
            "[remote_db]\ndbdriver = \"mysql\"\n",
            "remote_db.database",
            "must name",
        ),
        (
            "[remote_db]\ndbdriver = \"mysql\"\ndatabase = \"w\"\nport = 70000\n",
            "remote_db.port",
            "70000",
        ),
        (
            "[remote_db]\ndbdriver = \"mysql\"\nurl = \"postgres://h/w\"\n",
            "remote_db.url",
            "mysql://",
        ),
        (
            "[remote_db]\ndbdriver = \"mysql\"\nurl = \"mysql://h/w\"\nhostname = \"x\"\n",
            "remote_db.hostname",
            "cannot be combined",
        ),
        (
            "[remote_db]\ndbdriver = \"postgresql\"\nurl = \"postgres://h\"\n",
            "remote_db.url",
            "database",
        ),
        (
            "[remote_db]\ndbdriver = \"mysql\"\ndatabase = \"w\"\nssl_mode = \"maybe\"\n",
            "remote_db.ssl_mode",
            "verify-full",
        ),
        (
            "[remote_db]\ndbdriver = \"mysql\"\ndatabase = \"w\"\nssl_ca = \"/no/such/ca.pem\"\n",
            "remote_db.ssl_ca",
            "/no/such/ca.pem",
        ),
        (
            "[remote_db]\ndbdriver = \"sqlite\"\nurl = \"mysql://h/w\"\n",
            "remote_db.url",
            "only used",
        ),
        (
            "[local_db]\nssl_mode = \"require\"\n",
            "local_db.ssl_mode",
            "only used",
        ),
    ];
    for (tables, key, words) in cases {
        let err = parse(tables).expect_err(tables);
        assert!(err.contains("/srv/wurker/etc/wurker.toml"), "{err}");
        assert!(err.contains(key) && err.contains(words), "{tables}: {err}");
    }
}

#[test]
fn a_bad_url_is_refused_without_repeating_it() {
    let err = parse("[remote_db]\ndbdriver = \"mysql\"\nurl = \"mysql://root:s3cret@h:port/w\"\n")
        .expect_err("a non-numeric port");
    assert!(err.contains("remote_db.url"), "{err}");
    assert!(!err.contains("s3cret"), "{err}");
}

#[test]
fn a_password_is_known_to_be_set_without_being_shown() {
    let keys =
        server("[remote_db]\ndbdriver = \"mysql\"\npassword = \"hunter2\"\ndatabase = \"w\"\n");
    assert!(keys.has_password());
    let cases = [
        ("postgres://wurker:s3cret@db.example:5433/colony", true),
        ("postgres://wurker@db.example/colony", false),
        ("postgres://wurker:@db.example/colony", false),
        ("postgres://db.example/colony?user=a:b@c", false),
        (
            "postgres://wurker@db.example/colony?sslmode=require&password=s3cret",
            true,
        ),
    ];
    for (url, expected) in cases {
        let db = server(&format!(
            "[remote_db]\ndbdriver = \"postgresql\"\nurl = \"{url}\"\n"
        ));
        assert_eq!(db.has_password(), expected, "{url}");
    }
}
