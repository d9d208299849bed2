//! One node's definitions through the store on every backend: what is written reads back the
//! same (UUIDs, booleans, JSON, times, NULLs), keys and references are enforced and reported as
//! domain errors, deletes cascade as the schema says, and a transaction dropped without commit
//! leaves nothing behind.

use chrono::{DurationRound, TimeDelta, Utc};
use protocol::model::CronField;
use protocol::{Command, Cron, JsonText};
use serde_json::{Value, json};
use uuid::Uuid;
use wurkerd::store::bees::{BeeRow, UsedColumn};
use wurkerd::store::{Conn, StoreError, bees, commands, crons, query, queue};

use crate::backends::{Kind, TestDb};
use crate::on_every_backend;

on_every_backend!(
    definitions_round_trip,
    keys_and_references_are_domain_errors,
    deletes_follow_the_schema,
    a_dropped_transaction_changes_nothing,
    times_round_trip_in_utc,
);

pub fn command(app_id: Uuid, slug: &str, is_module: bool) -> Command {
    Command {
        id: 0,
        app_id,
        slug: slug.to_string(),
        name: format!("Command « {slug} »"),
        description: None,
        command: Some(if is_module {
            slug.to_string()
        } else {
            "/bin/sh".to_string()
        }),
        is_module,
    }
}

pub fn cron(app_id: Uuid, slug: &str, expression: Option<&str>) -> Cron {
    Cron {
        id: 0,
        app_id,
        slug: slug.to_string(),
        name: slug.to_uppercase(),
        cron: expression.map(str::to_string),
        overrun: 2,
    }
}

pub fn bee(app_id: Uuid, slug: &str, command_id: i64, cron_id: Option<i64>) -> BeeRow {
    BeeRow {
        id: 0,
        app_id,
        slug: slug.to_string(),
        name: format!("Bee {slug}"),
        description: Some("a test Bee".to_string()),
        command_id,
        cron_id,
        args: Some(JsonText(r#"["-c","echo \"hi\" ünïcode"]"#.to_string())),
        quiet_restart: false,
        enabled: true,
    }
}

fn as_json(text: &Option<JsonText>) -> Option<Value> {
    text.as_ref().map(JsonText::to_value)
}

async fn definitions_round_trip(kind: Kind) {
    let Some(db) = TestDb::new(kind) else { return };
    let app_id = Uuid::new_v4();
    let store = db.open(app_id).await;
    let mut tx = store.write.begin().await.unwrap();

    let sh = commands::insert(&mut tx, &command(app_id, "sh", false))
        .await
        .unwrap();
    let py = commands::insert(&mut tx, &command(app_id, "Py_Mod", true))
        .await
        .unwrap();
    let sup = crons::insert(&mut tx, &cron(app_id, "supervised", None))
        .await
        .unwrap();
    let five = crons::insert(&mut tx, &cron(app_id, "five", Some("*/5 * * * *")))
        .await
        .unwrap();
    let mut quiet = bee(app_id, "quiet", sh, Some(sup));
    quiet.quiet_restart = true;
    quiet.enabled = false;
    let quiet_id = bees::insert(&mut tx, &quiet).await.unwrap();
    let mut pybee = bee(app_id, "pybee", py, Some(five));
    pybee.args = Some(JsonText(
        r#"{"z": 1, "a": [true, null], "s": "x"}"#.to_string(),
    ));
    pybee.description = None;
    bees::insert(&mut tx, &pybee).await.unwrap();
    let mut bare = bee(app_id, "bare", sh, None);
    bare.args = None;
    bees::insert(&mut tx, &bare).await.unwrap();
    tx.commit().await.unwrap();

    let mut conn = store.read.acquire().await.unwrap();
    let listed = commands::list(&mut conn, app_id, None).await.unwrap();
    let slugs: Vec<&str> = listed.iter().map(|c| c.slug.as_str()).collect();
    assert_eq!(slugs, ["Py_Mod", "sh"], "slugs sort byte-wise on {kind:?}");
    let found = commands::find_by_id(&mut conn, app_id, py)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        found,
        Command {
            id: py,
            ..command(app_id, "Py_Mod", true)
        }
    );
    let supervised = crons::find(&mut conn, app_id, "supervised")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        supervised,
        Cron {
            id: sup,
            ..cron(app_id, "supervised", None)
        }
    );

    let all = bees::list(&mut conn, app_id, None).await.unwrap();
    assert_eq!(all.len(), 3);
    let quiet_bee = all.iter().find(|b| b.slug == "quiet").unwrap();
    assert_eq!((quiet_bee.id, quiet_bee.app_id), (quiet_id, app_id));
    assert!(quiet_bee.quiet_restart && !quiet_bee.enabled);
    assert_eq!(quiet_bee.cron, Some(CronField::Supervised));
    assert_eq!(quiet_bee.command.as_deref(), Some("/bin/sh"));
    assert_eq!(
        as_json(&quiet_bee.args),
        Some(json!(["-c", "echo \"hi\" ünïcode"]))
    );
    let py_bee = all.iter().find(|b| b.slug == "pybee").unwrap();
    assert_eq!(py_bee.module.as_deref(), Some("Py_Mod"));
    assert_eq!(
        py_bee.cron,
        Some(CronField::Expression("*/5 * * * *".into()))
    );
    assert_eq!(py_bee.description, None);
    assert_eq!(
        as_json(&py_bee.args),
        Some(json!({"z": 1, "a": [true, null], "s": "x"}))
    );
    let bare_bee = all.iter().find(|b| b.slug == "bare").unwrap();
    assert_eq!((bare_bee.cron.clone(), bare_bee.args.clone()), (None, None));

    let users = bees::slugs_using(&mut conn, UsedColumn::Command, sh)
        .await
        .unwrap();
    assert_eq!(users, ["bare", "quiet"]);
    drop(conn);

    let mut tx = store.write.begin().await.unwrap();
    let mut edited = bees::find_row(&mut tx, app_id, "bare")
        .await
        .unwrap()
        .unwrap();
    edited.slug = "renamed".into();
    edited.enabled = false;
    edited.args = Some(JsonText("\"one string\"".into()));
    bees::update(&mut tx, &edited).await.unwrap();
    queue::insert(&mut tx, app_id, quiet_id, None)
        .await
        .unwrap();
    queue::insert(
        &mut tx,
        app_id,
        edited.id,
        Some(&JsonText("[\"x\"]".into())),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let mut conn = store.read.acquire().await.unwrap();
    let reread = bees::find_row(&mut conn, app_id, "renamed")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(reread, edited);
    let queued = queue::list(&mut conn, app_id).await.unwrap();
    let order: Vec<(&str, Option<Value>)> = queued
        .iter()
        .map(|q| (q.bee_slug.as_str(), as_json(&q.args)))
        .collect();
    assert_eq!(order, [("quiet", None), ("renamed", Some(json!(["x"])))]);
    assert!(queue::contains(&mut conn, quiet_id).await.unwrap());
}

async fn keys_and_references_are_domain_errors(kind: Kind) {
    let Some(db) = TestDb::new(kind) else { return };
    let app_id = Uuid::new_v4();
    let store = db.open(app_id).await;
    let mut conn = store.write.acquire().await.unwrap();
    let sh = commands::insert(&mut conn, &command(app_id, "sh", false))
        .await
        .unwrap();

    let again = commands::insert(&mut conn, &command(app_id, "sh", false)).await;
    assert!(
        matches!(again, Err(StoreError::Conflict { .. })),
        "{again:?}"
    );
    // Slugs differ by case only: two slugs, on every backend.
    commands::insert(&mut conn, &command(app_id, "SH", false))
        .await
        .unwrap();

    let dangling = bees::insert(&mut conn, &bee(app_id, "b", sh + 1000, None)).await;
    assert!(
        matches!(dangling, Err(StoreError::Reference { .. })),
        "{dangling:?}"
    );

    let id = bees::insert(&mut conn, &bee(app_id, "b", sh, None))
        .await
        .unwrap();
    queue::insert(&mut conn, app_id, id, None).await.unwrap();
    let twice = queue::insert(&mut conn, app_id, id, None).await;
    assert!(
        matches!(twice, Err(StoreError::Conflict { .. })),
        "{twice:?}"
    );
    let queued_bee = bees::delete(&mut conn, id).await;
    assert!(
        matches!(queued_bee, Err(StoreError::Reference { .. })),
        "{queued_bee:?}"
    );
    let used_command = commands::delete(&mut conn, sh).await;
    assert!(
        matches!(used_command, Err(StoreError::Reference { .. })),
        "{used_command:?}"
    );

    let too_long = commands::insert(&mut conn, &command(app_id, &"x".repeat(37), false)).await;
    if kind != Kind::Sqlite {
        // SQLite does not enforce VARCHAR lengths; the servers refuse rather than cut.
        assert!(
            too_long.is_err(),
            "a 37-character slug was stored on {kind:?}"
        );
    }
    assert!(
        store.is_available(),
        "refusals are answers: the database is reachable"
    );
}

async fn report_count(conn: &mut Conn, bee_id: i64) -> i64 {
    query("SELECT COUNT(*) AS n FROM wurker_bee_report WHERE wurker_bee_id = ?")
        .bind(bee_id)
        .fetch_one(conn)
        .await
        .unwrap()
        .int("n")
        .unwrap()
}

async fn insert_report(conn: &mut Conn, app_id: Uuid, bee_id: i64, cron_id: Option<i64>) -> i64 {
    query(
        "INSERT INTO wurker_bee_report (app_id, wurker_bee_id, wurker_cron_id, status, \
         status_info, hive_timestamp) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(app_id)
    .bind(bee_id)
    .bind(cron_id)
    .bind("PROCESSING")
    .bind(&JsonText(r#"{"runcount": 1}"#.into()))
    .bind(Utc::now())
    .insert(conn)
    .await
    .unwrap()
}

async fn deletes_follow_the_schema(kind: Kind) {
    let Some(db) = TestDb::new(kind) else { return };
    let app_id = Uuid::new_v4();
    let store = db.open(app_id).await;
    let mut conn = store.write.acquire().await.unwrap();
    let sh = commands::insert(&mut conn, &command(app_id, "sh", false))
        .await
        .unwrap();
    let five = crons::insert(&mut conn, &cron(app_id, "five", Some("*/5 * * * *")))
        .await
        .unwrap();
    let kept = bees::insert(&mut conn, &bee(app_id, "kept", sh, None))
        .await
        .unwrap();
    let gone = bees::insert(&mut conn, &bee(app_id, "gone", sh, None))
        .await
        .unwrap();
    let first = insert_report(&mut conn, app_id, gone, None).await;
    let second = insert_report(&mut conn, app_id, gone, None).await;
    assert!(second > first, "ids increase: {first} then {second}");
    insert_report(&mut conn, app_id, kept, Some(five)).await;

    bees::delete(&mut conn, gone).await.unwrap();
    assert_eq!(
        report_count(&mut conn, gone).await,
        0,
        "reports go with their Bee"
    );
    assert_eq!(report_count(&mut conn, kept).await, 1);
    crons::delete(&mut conn, five).await.unwrap();
    assert_eq!(
        report_count(&mut conn, kept).await,
        0,
        "reports go with their Cron"
    );
    assert!(
        bees::find_row(&mut conn, app_id, "kept")
            .await
            .unwrap()
            .is_some()
    );
}

async fn a_dropped_transaction_changes_nothing(kind: Kind) {
    let Some(db) = TestDb::new(kind) else { return };
    let app_id = Uuid::new_v4();
    let store = db.open(app_id).await;
    let mut tx = store.write.begin().await.unwrap();
    commands::insert(&mut tx, &command(app_id, "sh", false))
        .await
        .unwrap();
    drop(tx);
    let mut conn = store.read.acquire().await.unwrap();
    assert!(
        commands::list(&mut conn, app_id, None)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn times_round_trip_in_utc(kind: Kind) {
    let Some(db) = TestDb::new(kind) else { return };
    let app_id = Uuid::new_v4();
    let store = db.open(app_id).await;
    let mut conn = store.write.acquire().await.unwrap();
    let sh = commands::insert(&mut conn, &command(app_id, "sh", false))
        .await
        .unwrap();
    let id = bees::insert(&mut conn, &bee(app_id, "b", sh, None))
        .await
        .unwrap();
    let report = insert_report(&mut conn, app_id, id, None).await;
    let at = Utc::now()
        .duration_trunc(TimeDelta::microseconds(1))
        .unwrap();
    query("UPDATE wurker_bee_report SET hive_timestamp = ? WHERE id = ?")
        .bind(at)
        .bind(report)
        .execute(&mut conn)
        .await
        .unwrap();

    let row =
        query("SELECT hive_timestamp, created_at, hive_pid FROM wurker_bee_report WHERE id = ?")
            .bind(report)
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(row.time("hive_timestamp").unwrap(), Some(at));
    assert_eq!(row.opt_int("hive_pid").unwrap(), None);
    // The column default is the server's clock, in UTC like Wurker's own times.
    let created = row.time("created_at").unwrap().unwrap();
    assert!(
        (created - at).num_seconds().abs() < 60,
        "created_at {created} vs {at}"
    );
}

on_every_backend!(statuses_are_labels_even_in_a_postgres_enum_column);

/// Wurker 0.1 made `wurker_bee_report.status` a native ENUM on PostgreSQL; Wurker's own schema
/// makes it VARCHAR(10). Statuses bound as labels are written, compared and read in both.
async fn statuses_are_labels_even_in_a_postgres_enum_column(kind: Kind) {
    let Some(db) = TestDb::new(kind) else { return };
    let app_id = Uuid::new_v4();
    let store = db.open(app_id).await;
    let mut conn = store.write.acquire().await.unwrap();
    if kind == Kind::Postgres {
        for sql in [
            "CREATE TYPE beestatus AS ENUM \
             ('PROCESSING', 'OVERRUN', 'TIMEOUT', 'ERROR', 'COMPLETED')",
            "ALTER TABLE wurker_bee_report ALTER COLUMN status TYPE beestatus \
             USING status::beestatus",
        ] {
            query(sql).execute(&mut conn).await.unwrap();
        }
    }
    let sh = commands::insert(&mut conn, &command(app_id, "sh", false))
        .await
        .unwrap();
    let id = bees::insert(&mut conn, &bee(app_id, "b", sh, None))
        .await
        .unwrap();
    query("INSERT INTO wurker_bee_report (app_id, wurker_bee_id, status) VALUES (?, ?, ?)")
        .bind(app_id)
        .bind(id)
        .bind(wurkerd::store::Value::label("PROCESSING"))
        .execute(&mut conn)
        .await
        .unwrap();
    let changed = query("UPDATE wurker_bee_report SET status = ? WHERE status = ? AND app_id = ?")
        .bind(wurkerd::store::Value::label("COMPLETED"))
        .bind(wurkerd::store::Value::label("PROCESSING"))
        .bind(app_id)
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(changed, 1);
    let row = query("SELECT status FROM wurker_bee_report WHERE status = ?")
        .bind(wurkerd::store::Value::label("COMPLETED"))
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(row.text("status").unwrap(), "COMPLETED");
}
