//! Seeding on every backend: seed files apply once each and whole (a bad file changes nothing
//! and leaves the seed level where it was), `--check` leaves no trace, and dropping the seeded
//! data removes this node's definitions, queue and reports only, never another node's.

use protocol::admin::{SeedPart, SeedRequest};
use protocol::home::Layout;
use serde_json::{Value, json};
use uuid::Uuid;
use wurkerd::seed;
use wurkerd::store::{Conn, Store, bees, commands, crons, query, queue, seeds};

use crate::backends::{Kind, TestDb};
use crate::on_every_backend;
use crate::story::command;

on_every_backend!(seeds_apply_once_and_drop_only_this_node);

const WURKER_ONLY: SeedRequest = SeedRequest {
    only: Some(SeedPart::Wurker),
    drop: false,
    force: false,
};

fn write_seed(layout: &Layout, name: &str, seed: &Value) {
    let dir = layout.etc.join("seeds");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), seed.to_string()).unwrap();
}

async fn slugs(store: &Store) -> (Vec<String>, Vec<String>, Vec<String>) {
    let mut conn = store.read.acquire().await.unwrap();
    let app_id = store.app_id;
    let commands = commands::list(&mut conn, app_id, None).await.unwrap();
    let crons = crons::list(&mut conn, app_id, None).await.unwrap();
    let bees = bees::list(&mut conn, app_id, None).await.unwrap();
    (
        commands.into_iter().map(|c| c.slug).collect(),
        crons.into_iter().map(|c| c.slug).collect(),
        bees.into_iter().map(|b| b.slug).collect(),
    )
}

async fn level(store: &Store) -> i64 {
    let mut conn = store.read.acquire().await.unwrap();
    seeds::level(&mut conn, store.app_id).await.unwrap()
}

async fn count(conn: &mut Conn, table: &str, app_id: Uuid) -> i64 {
    let sql = format!("SELECT COUNT(*) AS n FROM {table} WHERE app_id = ?");
    query(sqlx::AssertSqlSafe(sql))
        .bind(app_id)
        .fetch_one(conn)
        .await
        .unwrap()
        .int("n")
        .unwrap()
}

async fn seeds_apply_once_and_drop_only_this_node(kind: Kind) {
    let Some(db) = TestDb::new(kind) else { return };
    let (app_id, other_id) = (Uuid::new_v4(), Uuid::new_v4());
    let store = db.open(app_id).await;
    let other = db.open(other_id).await;
    let layout = Layout::new(db.home.path().to_path_buf());
    {
        let mut tx = other.write.begin().await.unwrap();
        commands::insert(&mut tx, &command(other_id, "theirs", false))
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    assert_eq!(level(&store).await, -1, "no seed applied yet");

    write_seed(
        &layout,
        "001_seed.json",
        &json!({
            "wurker_command": [{"slug": "job", "name": "Job", "command": "/bin/true"}],
            "wurker_cron": [{"slug": "hourly", "name": "Hourly", "cron": "0 * * * *"}],
            "wurker_bee": [
                {"slug": "a", "name": "A", "command_slug": "job", "cron_slug": "hourly",
                 "args": ["-v"], "enabled": true},
                {"slug": "b", "name": "B", "command_slug": "job"}
            ]
        }),
    );
    write_seed(
        &layout,
        "002_seed.json",
        &json!({"wurker_bee": [{"slug": "b", "delete": true}, {"slug": "a", "enabled": false}]}),
    );
    let lines = seed::run(&store, &layout, &WURKER_ONLY).await.unwrap();
    assert!(
        lines.iter().any(|l| l.contains("applied: 002")),
        "{lines:?}"
    );
    assert_eq!(level(&store).await, 2);
    let strings = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let seeded = (strings(&["job"]), strings(&["hourly"]), strings(&["a"]));
    assert_eq!(slugs(&store).await, seeded, "on {kind:?}");

    // Applied files are skipped; a bad file changes nothing, not even the seed level.
    write_seed(
        &layout,
        "003_seed.json",
        &json!({
            "wurker_cron": [{"slug": "later", "name": "Later", "cron": null}],
            "wurker_bee": [{"slug": "c", "name": "C", "command_slug": "missing"}]
        }),
    );
    let refused = seed::run(&store, &layout, &WURKER_ONLY).await;
    let message = format!("{refused:?}");
    assert!(
        message.contains("003_seed.json") && message.contains("'missing'"),
        "{message}"
    );
    assert_eq!(level(&store).await, 2);
    assert_eq!(slugs(&store).await, seeded, "nothing of 003 on {kind:?}");

    // A check applies the file in a transaction that is rolled back.
    let candidate = json!({"wurker_cron": [{"slug": "checked", "name": "C", "cron": null}]});
    let lines = seed::check(&store, &layout, "candidate.json", &candidate.to_string())
        .await
        .unwrap();
    assert!(lines[0].contains("1 cron added"), "{lines:?}");
    assert_eq!(slugs(&store).await, seeded);

    // Dropping removes this node's definitions, queue and reports, and resets its level.
    let mut tx = store.write.begin().await.unwrap();
    let a = bees::find_row(&mut tx, app_id, "a").await.unwrap().unwrap();
    queue::insert(&mut tx, app_id, a.id, None).await.unwrap();
    query("INSERT INTO wurker_bee_report (app_id, wurker_bee_id, status) VALUES (?, ?, ?)")
        .bind(app_id)
        .bind(a.id)
        .bind(wurkerd::store::Value::label("COMPLETED"))
        .execute(&mut tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    seed::drop(&store, true, false).await.unwrap();
    assert_eq!(level(&store).await, -1);
    assert_eq!(slugs(&store).await, (vec![], vec![], vec![]));
    let mut conn = store.read.acquire().await.unwrap();
    for table in ["wurker_queue", "wurker_bee_report"] {
        assert_eq!(count(&mut conn, table, app_id).await, 0, "{table}");
    }
    assert_eq!(count(&mut conn, "wurker_command", other_id).await, 1);
    assert_eq!(count(&mut conn, "wurker_control", app_id).await, 1);
    assert_eq!(count(&mut conn, "wurker_status", app_id).await, 1);
}
