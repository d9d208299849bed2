//! What `wurk report` reads, on every backend: report pages sorted over the whole result (rows
//! without a value first, ties by id), either date bound alone or both (the start inclusive to
//! the microsecond, the end exclusive), the status and slug filters, only this node's rows.
//!
//! On SQLite some rows keep Wurker 0.1's `created_at` to the second, next to Wurker's own
//! microsecond text; on PostgreSQL the status column is Wurker 0.1's native ENUM.

use chrono::{DateTime, NaiveDateTime, Utc};
use protocol::JsonText;
use protocol::runtime::ReportRow;
use uuid::Uuid;
use wurkerd::store::reports::{
    self, PageWindow, ReportFilter, ReportOrder, ReportSort, SlugFilter,
};
use wurkerd::store::{Conn, Store, Value, bees, commands, crons, query};

use crate::backends::{Kind, TestDb};
use crate::on_every_backend;
use crate::story::{bee, command, cron};

on_every_backend!(report_pages, report_filters);

/// One report row to write: its name in the test, Bee, Cron, status, duration and creation.
struct Run {
    name: &'static str,
    bee: &'static str,
    cron: Option<&'static str>,
    status: &'static str,
    duration: i64,
    created_at: &'static str,
}

/// This node's runs, in id order, and one run of another node (`other`) among them.
const RUNS: [Run; 7] = [
    run(
        "r1",
        "zulu",
        Some("minutely"),
        "COMPLETED",
        2,
        "2026-12-03 18:43:25",
    ),
    run(
        "r2",
        "alpha",
        Some("nightly"),
        "ERROR",
        7,
        "2026-12-03 18:43:25.5",
    ),
    run(
        "r3",
        "zulu",
        Some("minutely"),
        "COMPLETED",
        1,
        "2026-12-03 18:44:00",
    ),
    run(
        "r4",
        "mike",
        None,
        "OVERRUN",
        0,
        "2026-12-03 18:44:00.000001",
    ),
    run(
        "r5",
        "alpha",
        Some("nightly"),
        "TIMEOUT",
        4,
        "2026-12-04 00:00:00",
    ),
    run(
        "other",
        "zulu",
        Some("minutely"),
        "COMPLETED",
        9,
        "2026-12-03 18:43:30",
    ),
    run("r7", "mike", None, "ERROR", 3, "2026-12-04 09:15:00.25"),
];

const fn run(
    name: &'static str,
    bee: &'static str,
    cron: Option<&'static str>,
    status: &'static str,
    duration: i64,
    created_at: &'static str,
) -> Run {
    Run {
        name,
        bee,
        cron,
        status,
        duration,
        created_at,
    }
}

fn at(text: &str) -> DateTime<Utc> {
    let text = if text.len() == 10 {
        format!("{text} 00:00:00")
    } else {
        text.to_string()
    };
    NaiveDateTime::parse_from_str(&text, "%Y-%m-%d %H:%M:%S%.f")
        .unwrap_or_else(|err| panic!("{text}: {err}"))
        .and_utc()
}

/// A database holding [`RUNS`], and the ids they were given.
struct Reports {
    _db: TestDb,
    store: Store,
    app_id: Uuid,
    ids: Vec<(&'static str, i64)>,
}

impl Reports {
    async fn new(kind: Kind) -> Option<Self> {
        let db = TestDb::new(kind)?;
        let (app_id, other_id) = (Uuid::new_v4(), Uuid::new_v4());
        let store = db.open(app_id).await;
        // The other node registers itself, as a Drone sharing the database does.
        db.open(other_id).await.close().await;

        let mut tx = store.write.begin().await.unwrap();
        if kind == Kind::Postgres {
            make_status_an_enum(&mut tx).await;
        }
        let sh = commands::insert(&mut tx, &command(app_id, "sh", false))
            .await
            .unwrap();
        let mut crons_by_slug = Vec::new();
        for slug in ["minutely", "nightly"] {
            let id = crons::insert(&mut tx, &cron(app_id, slug, Some("* * * * *")))
                .await
                .unwrap();
            crons_by_slug.push((slug, id));
        }
        let cron_id = |slug: Option<&str>| {
            slug.and_then(|slug| crons_by_slug.iter().find(|(s, _)| *s == slug))
                .map(|(_, id)| *id)
        };
        let mut bees_by_slug = Vec::new();
        // Added out of slug order, so that sorting by slug is not sorting by id.
        for (slug, cron) in [
            ("zulu", Some("minutely")),
            ("alpha", Some("nightly")),
            ("mike", None),
        ] {
            let id = bees::insert(&mut tx, &bee(app_id, slug, sh, cron_id(cron)))
                .await
                .unwrap();
            bees_by_slug.push((slug, id));
        }
        let other_sh = commands::insert(&mut tx, &command(other_id, "sh", false))
            .await
            .unwrap();
        let other_bee = bees::insert(&mut tx, &bee(other_id, "zulu", other_sh, None))
            .await
            .unwrap();

        let mut ids = Vec::new();
        for run in &RUNS {
            let (owner, bee_id, cron) = match run.name {
                "other" => (other_id, other_bee, None),
                _ => {
                    let bee_id = bees_by_slug.iter().find(|(s, _)| *s == run.bee).unwrap().1;
                    (app_id, bee_id, cron_id(run.cron))
                }
            };
            let id = insert_run(&mut tx, owner, bee_id, cron, run).await;
            ids.push((run.name, id));
        }
        if kind == Kind::Sqlite {
            keep_seconds_as_wurker_0_1_wrote_them(&mut tx, &ids).await;
        }
        tx.commit().await.unwrap();
        Some(Self {
            _db: db,
            store,
            app_id,
            ids,
        })
    }

    fn filter(&self) -> ReportFilter {
        ReportFilter {
            app_id: self.app_id,
            slug: None,
            start: None,
            end: None,
            status: None,
        }
    }

    /// The page's rows by their names in [`RUNS`], and the total, read in one snapshot.
    async fn list(
        &self,
        filter: &ReportFilter,
        sort: ReportSort,
        descending: bool,
        window: PageWindow,
    ) -> (Vec<&'static str>, i64) {
        let (rows, total) = self.rows(filter, sort, descending, window).await;
        (rows.iter().map(|row| self.name(row.id)).collect(), total)
    }

    async fn rows(
        &self,
        filter: &ReportFilter,
        sort: ReportSort,
        descending: bool,
        window: PageWindow,
    ) -> (Vec<ReportRow>, i64) {
        let mut tx = self.store.read.begin_read().await.unwrap();
        let total = reports::count(&mut tx, filter).await.unwrap();
        let order = ReportOrder { sort, descending };
        let rows = reports::page(&mut tx, filter, order, window).await.unwrap();
        tx.commit().await.unwrap();
        (rows, total)
    }

    /// The ids of a filter's whole result, by name, in id order.
    async fn selected(&self, filter: &ReportFilter) -> Vec<&'static str> {
        let (names, total) = self.list(filter, ReportSort::Id, false, ALL).await;
        assert_eq!(total, names.len() as i64, "count and page agree");
        names
    }

    fn name(&self, id: i64) -> &'static str {
        self.ids
            .iter()
            .find(|(_, found)| *found == id)
            .map(|(name, _)| *name)
            .unwrap_or_else(|| panic!("report {id} was not written by the test"))
    }
}

const ALL: PageWindow = PageWindow {
    offset: 0,
    limit: 100,
};

/// Wurker 0.1 made `wurker_bee_report.status` a native ENUM on PostgreSQL.
async fn make_status_an_enum(conn: &mut Conn) {
    for sql in [
        "CREATE TYPE beestatus AS ENUM ('PROCESSING', 'OVERRUN', 'TIMEOUT', 'ERROR', 'COMPLETED')",
        "ALTER TABLE wurker_bee_report ALTER COLUMN status TYPE beestatus USING status::beestatus",
    ] {
        query(sql).execute(conn).await.unwrap();
    }
}

async fn insert_run(
    conn: &mut Conn,
    app_id: Uuid,
    bee_id: i64,
    cron_id: Option<i64>,
    run: &Run,
) -> i64 {
    let created = at(run.created_at);
    query(
        "INSERT INTO wurker_bee_report (app_id, wurker_bee_id, wurker_cron_id, hive_pid, \
         hive_timestamp, hive_runcount, hive_duration, status, status_info, created_at, \
         updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(app_id)
    .bind(bee_id)
    .bind(cron_id)
    .bind(20_000 + run.duration)
    .bind(created)
    .bind(1)
    .bind(run.duration)
    .bind(Value::label(run.status))
    .bind(&JsonText(format!(
        r#"{{"runcount": 1, "run": "{}"}}"#,
        run.name
    )))
    .bind(created)
    .bind(created)
    .insert(conn)
    .await
    .unwrap()
}

/// Wurker 0.1 left `created_at` to the second (SQLite's `CURRENT_TIMESTAMP`), where Wurker
/// writes microseconds: rewrite the whole-second runs that way.
async fn keep_seconds_as_wurker_0_1_wrote_them(conn: &mut Conn, ids: &[(&str, i64)]) {
    for (name, id) in ids {
        let run = RUNS.iter().find(|run| run.name == *name).unwrap();
        if run.created_at.len() == 19 {
            query("UPDATE wurker_bee_report SET created_at = ? WHERE id = ?")
                .bind(run.created_at)
                .bind(*id)
                .execute(conn)
                .await
                .unwrap();
        }
    }
}

async fn report_pages(kind: Kind) {
    let Some(reports) = Reports::new(kind).await else {
        return;
    };
    let all = reports.filter();
    let (names, total) = reports.list(&all, ReportSort::Id, false, ALL).await;
    assert_eq!(
        names,
        ["r1", "r2", "r3", "r4", "r5", "r7"],
        "only this node's rows"
    );
    assert_eq!(total, 6);

    // Sorted over the whole result, then cut; ties by id, in the sort's direction.
    let by_bee = ["r2", "r5", "r4", "r7", "r1", "r3"];
    let mut paged = Vec::new();
    for offset in [0, 2, 4] {
        let window = PageWindow { offset, limit: 2 };
        let (page, total) = reports.list(&all, ReportSort::BeeSlug, false, window).await;
        assert_eq!(total, 6);
        paged.extend(page);
    }
    assert_eq!(paged, by_bee, "on {kind:?}");
    let (desc, _) = reports.list(&all, ReportSort::BeeSlug, true, ALL).await;
    assert_eq!(desc, by_bee.iter().rev().copied().collect::<Vec<_>>());

    // Runs without a Cron come first ascending and last descending, on every backend.
    let (by_cron, _) = reports.list(&all, ReportSort::CronSlug, false, ALL).await;
    assert_eq!(by_cron, ["r4", "r7", "r1", "r3", "r2", "r5"], "on {kind:?}");
    let (by_cron, _) = reports.list(&all, ReportSort::CronSlug, true, ALL).await;
    assert_eq!(by_cron, ["r5", "r2", "r3", "r1", "r7", "r4"], "on {kind:?}");

    let (longest, _) = reports
        .list(&all, ReportSort::HiveDuration, true, ALL)
        .await;
    assert_eq!(longest, ["r2", "r5", "r7", "r1", "r3", "r4"]);
    let first = PageWindow {
        offset: 0,
        limit: 1,
    };
    let (longest, _) = reports
        .list(&all, ReportSort::HiveDuration, true, first)
        .await;
    assert_eq!(longest, ["r2"], "the longest of all, not of a page");
    let (by_time, _) = reports.list(&all, ReportSort::CreatedAt, false, ALL).await;
    assert_eq!(by_time, ["r1", "r2", "r3", "r4", "r5", "r7"]);

    let beyond = PageWindow {
        offset: 6,
        limit: 2,
    };
    let (empty, total) = reports.list(&all, ReportSort::Id, false, beyond).await;
    assert!(empty.is_empty());
    assert_eq!(total, 6);

    let (rows, _) = reports.rows(&all, ReportSort::Id, false, ALL).await;
    let (r1, r2, r4) = (&rows[0], &rows[1], &rows[3]);
    assert_eq!(r1.created_at.as_deref(), Some("2026-12-03T18:43:25+00:00"));
    assert_eq!(
        (r2.bee_slug.as_deref(), r2.bee_name.as_deref()),
        (Some("alpha"), Some("Bee alpha"))
    );
    assert_eq!(r2.cron_slug.as_deref(), Some("nightly"));
    assert_eq!(r2.status, "ERROR");
    assert_eq!(r2.hive_duration, Some(7.0));
    assert_eq!((r2.hive_pid, r2.hive_runcount), (Some(20_007), Some(1)));
    assert_eq!(
        r2.created_at.as_deref(),
        Some("2026-12-03T18:43:25.500000+00:00")
    );
    assert_eq!(r2.hive_timestamp, r2.created_at);
    let info = r2.status_info.as_ref().map(JsonText::to_value);
    assert_eq!(info.unwrap()["run"], "r2");
    assert_eq!((r4.cron_id, r4.cron_slug.as_deref()), (None, None));
}

async fn report_filters(kind: Kind) {
    let Some(reports) = Reports::new(kind).await else {
        return;
    };
    let bounds: [(Option<&str>, Option<&str>, &[&str]); 7] = [
        (
            Some("2026-12-03 18:43:25"),
            None,
            &["r1", "r2", "r3", "r4", "r5", "r7"],
        ),
        (
            Some("2026-12-03 18:43:25.5"),
            None,
            &["r2", "r3", "r4", "r5", "r7"],
        ),
        (
            Some("2026-12-03 18:43:25.500001"),
            None,
            &["r3", "r4", "r5", "r7"],
        ),
        (None, Some("2026-12-03 18:44:00"), &["r1", "r2"]),
        (
            None,
            Some("2026-12-03 18:44:00.000001"),
            &["r1", "r2", "r3"],
        ),
        (
            Some("2026-12-03 18:44:00"),
            Some("2026-12-04"),
            &["r3", "r4"],
        ),
        (Some("2026-12-04"), None, &["r5", "r7"]),
    ];
    for (start, end, expected) in bounds {
        let filter = ReportFilter {
            start: start.map(at),
            end: end.map(at),
            ..reports.filter()
        };
        assert_eq!(
            reports.selected(&filter).await,
            expected,
            "from {start:?} to {end:?} on {kind:?}"
        );
    }

    let slugs_and_statuses: [(Option<SlugFilter>, Option<&str>, &[&str]); 6] = [
        (None, Some("ERROR"), &["r2", "r7"]),
        (None, Some("TIMEOUT"), &["r5"]),
        (Some(SlugFilter::Bee("zulu".into())), None, &["r1", "r3"]),
        (
            Some(SlugFilter::Cron("nightly".into())),
            None,
            &["r2", "r5"],
        ),
        (Some(SlugFilter::Bee("mike".into())), Some("ERROR"), &["r7"]),
        (Some(SlugFilter::Bee("nobody".into())), None, &[]),
    ];
    for (slug, status, expected) in slugs_and_statuses {
        let filter = ReportFilter {
            slug: slug.clone(),
            status: status.map(str::to_string),
            ..reports.filter()
        };
        assert_eq!(
            reports.selected(&filter).await,
            expected,
            "{slug:?} {status:?} on {kind:?}"
        );
    }
}
