//! What `wurk admin status` reads, on every backend: the schema probe (a missing table is
//! named), this node's control flags and Bee counts, and the other nodes of a shared database
//! with the private address each registered.

use std::net::Ipv4Addr;

use uuid::Uuid;
use wurkerd::store::status::{self, BeeCounts};
use wurkerd::store::{bees, commands, control, query};

use crate::backends::{Kind, TestDb};
use crate::on_every_backend;
use crate::story::{bee, command};

on_every_backend!(status_reads);

async fn status_reads(kind: Kind) {
    let Some(db) = TestDb::new(kind) else { return };
    let (app_id, drone_id) = (Uuid::new_v4(), Uuid::new_v4());
    let store = db.open(app_id).await;
    let mut tx = store.write.begin().await.unwrap();
    let drone = db.config(drone_id);
    control::register(&mut tx, &drone, Some(Ipv4Addr::new(192, 0, 2, 7)))
        .await
        .unwrap();
    let sh = commands::insert(&mut tx, &command(app_id, "sh", false))
        .await
        .unwrap();
    for (slug, enabled) in [("a", true), ("b", false), ("c", true)] {
        let mut row = bee(app_id, slug, sh, None);
        row.enabled = enabled;
        bees::insert(&mut tx, &row).await.unwrap();
    }
    tx.commit().await.unwrap();

    let mut conn = store.read.acquire().await.unwrap();
    assert_eq!(
        status::missing_tables(&mut conn).await.unwrap(),
        Vec::<&str>::new()
    );
    let control = status::control(&mut conn, app_id).await.unwrap().unwrap();
    assert_eq!(
        (control.app_id, control.seed, control.reload, control.pause),
        (app_id, Some(-1), false, false)
    );
    assert_eq!(
        status::control(&mut conn, Uuid::new_v4()).await.unwrap(),
        None
    );
    assert_eq!(
        status::bee_counts(&mut conn, app_id).await.unwrap(),
        BeeCounts {
            enabled: 2,
            disabled: 1
        }
    );
    assert_eq!(
        status::bee_counts(&mut conn, drone_id).await.unwrap(),
        BeeCounts {
            enabled: 0,
            disabled: 0
        }
    );

    let others = status::other_nodes(&mut conn, app_id).await.unwrap();
    assert_eq!(others.len(), 1, "{others:?}");
    let node = &others[0];
    assert_eq!(node.control.app_id, drone_id);
    assert_eq!(node.slug, drone.slug.chars().take(36).collect::<String>());
    assert_eq!(node.private_ip.as_deref(), Some("192.0.2.7"));
    assert_eq!(
        (node.public_ip.as_deref(), node.is_queen),
        (None, Some(true))
    );
    assert_eq!(node.control.seed, Some(-1));
    drop(conn);

    // A table gone from the schema is named, and the others still answer.
    let mut conn = store.write.acquire().await.unwrap();
    query("DROP TABLE wurker_kill_queue")
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        status::missing_tables(&mut conn).await.unwrap(),
        ["wurker_kill_queue"]
    );
    assert!(store.is_available());
}
