//! Several nodes on one config database, as a Colony shares one: each opens it (at the same
//! moment, so migrations race), each registers itself, and each sees and changes only the rows
//! under its own `app_id`, even where the slugs are the same.

use uuid::Uuid;
use wurkerd::store::{bees, commands, crons, query, queue};

use crate::backends::{Kind, TestDb};
use crate::on_every_backend;
use crate::story::{bee, command, cron};

on_every_backend!(nodes_sharing_a_database_see_only_their_own_rows);

async fn nodes_sharing_a_database_see_only_their_own_rows(kind: Kind) {
    let Some(db) = TestDb::new(kind) else { return };
    let (queen_id, drone_id) = (Uuid::new_v4(), Uuid::new_v4());
    let (queen, drone) = tokio::join!(db.open(queen_id), db.open(drone_id));

    for (store, app_id, name) in [(&queen, queen_id, "queen"), (&drone, drone_id, "drone")] {
        let mut tx = store.write.begin().await.unwrap();
        let sh = commands::insert(&mut tx, &command(app_id, "sh", false))
            .await
            .unwrap();
        let sup = crons::insert(&mut tx, &cron(app_id, "sup", None))
            .await
            .unwrap();
        let mut row = bee(app_id, "same_slug", sh, Some(sup));
        row.name = format!("{name}'s Bee");
        let id = bees::insert(&mut tx, &row).await.unwrap();
        bees::insert(&mut tx, &bee(app_id, &format!("only_{name}"), sh, None))
            .await
            .unwrap();
        queue::insert(&mut tx, app_id, id, None).await.unwrap();
        tx.commit().await.unwrap();
    }

    let mut conn = queen.read.acquire().await.unwrap();
    let queen_bees = bees::list(&mut conn, queen_id, None).await.unwrap();
    let names: Vec<(&str, &str)> = queen_bees
        .iter()
        .map(|b| (b.slug.as_str(), b.name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("only_queen", "Bee only_queen"),
            ("same_slug", "queen's Bee")
        ]
    );
    assert!(queen_bees.iter().all(|b| b.app_id == queen_id));
    let queued = queue::list(&mut conn, queen_id).await.unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].bee_slug, "same_slug");
    assert_eq!(
        bees::find_row(&mut conn, queen_id, "only_drone")
            .await
            .unwrap(),
        None
    );

    // The Drone's Command, asked for by id under the Queen's app_id, is not hers.
    let drone_sh = {
        let mut drone_conn = drone.read.acquire().await.unwrap();
        commands::find(&mut drone_conn, drone_id, "sh")
            .await
            .unwrap()
            .unwrap()
    };
    assert_eq!(
        commands::find_by_id(&mut conn, queen_id, drone_sh.id)
            .await
            .unwrap(),
        None
    );
    drop(conn);

    // An edit under the Queen's app_id does not reach the Drone's row with the same id.
    let mut tx = queen.write.begin().await.unwrap();
    let mut stolen = drone_sh.clone();
    stolen.app_id = queen_id;
    stolen.name = "changed by the queen".into();
    commands::update(&mut tx, &stolen).await.unwrap();
    tx.commit().await.unwrap();
    let mut drone_conn = drone.read.acquire().await.unwrap();
    let unchanged = commands::find(&mut drone_conn, drone_id, "sh")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(unchanged, drone_sh);

    // Both nodes registered themselves; the Queen can count her Colony.
    let nodes = query("SELECT COUNT(*) AS n FROM wurker_control")
        .fetch_one(&mut drone_conn)
        .await
        .unwrap()
        .int("n")
        .unwrap();
    assert_eq!(nodes, 2);
    let statuses = query("SELECT app_id, name FROM wurker_status ORDER BY name")
        .fetch_all(&mut drone_conn)
        .await
        .unwrap();
    let ids: Vec<Uuid> = statuses
        .iter()
        .map(|row| row.uuid("app_id").unwrap())
        .collect();
    assert!(
        ids.contains(&queen_id) && ids.contains(&drone_id),
        "{ids:?}"
    );
}
