//! Tests of the report listing: the SQL it builds, and what it selects from a database holding
//! rows in Wurker 0.1's formats and in ours.

use chrono::{NaiveDate, NaiveDateTime};
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

use super::*;

fn at(text: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f")
        .or_else(|_| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(|date| date.and_hms_opt(0, 0, 0).expect("midnight exists"))
        })
        .expect("test times are well formed")
        .and_utc()
}

fn ours() -> Uuid {
    Uuid::from_u128(0x6b01_8c2b_77b7_40ca_bb82_cc83_7825_2f67)
}

fn filter() -> ReportFilter {
    ReportFilter {
        app_id: ours(),
        slug: None,
        start: None,
        end: None,
        status: None,
    }
}

fn by(sort: ReportSort, descending: bool) -> ReportOrder {
    ReportOrder { sort, descending }
}

const ALL_ROWS: PageWindow = PageWindow {
    offset: 0,
    limit: 100,
};

#[test]
fn sort_names_are_the_listing_keys_and_nothing_else() {
    for sort in ReportSort::ALL {
        assert_eq!(ReportSort::from_name(sort.name()), Some(sort));
    }
    assert_eq!(ReportSort::from_name("status_info"), None);
    assert_eq!(ReportSort::from_name("id; DROP TABLE wurker_bee"), None);
}

#[test]
fn order_puts_missing_values_first_and_breaks_ties_by_id_in_the_same_direction() {
    assert_eq!(
        order_clause(by(ReportSort::BeeSlug, false)),
        "ORDER BY CASE WHEN b.slug IS NULL THEN 0 ELSE 1 END ASC, b.slug ASC, r.id ASC"
    );
    assert_eq!(
        order_clause(by(ReportSort::HiveDuration, true)),
        "ORDER BY CASE WHEN r.hive_duration IS NULL THEN 0 ELSE 1 END DESC, \
         r.hive_duration DESC, r.id DESC"
    );
}

#[test]
fn where_clause_binds_every_condition_in_order() {
    let start = at("2026-12-03");
    let end = at("2026-12-04 06:30:00.25");
    let (sql, values) = where_clause(&ReportFilter {
        slug: Some(SlugFilter::Cron("nightly".into())),
        start: Some(start),
        end: Some(end),
        status: Some("ERROR".into()),
        ..filter()
    });
    assert_eq!(
        sql,
        "WHERE r.app_id = ? AND c.slug = ? AND r.created_at >= ? AND r.created_at < ? \
         AND r.status = ?"
    );
    assert_eq!(
        values,
        [
            Value::from(ours()),
            Value::from("nightly"),
            Value::time_bound(start),
            Value::time_bound(end),
            Value::label("ERROR"),
        ]
    );
    assert_eq!(where_clause(&filter()).0, "WHERE r.app_id = ?");
}

#[test]
fn times_print_as_python_isoformat_in_utc() {
    assert_eq!(
        iso_utc(at("2026-12-03 18:43:25")),
        "2026-12-03T18:43:25+00:00"
    );
    assert_eq!(
        iso_utc(at("2026-12-03 18:43:26.583045")),
        "2026-12-03T18:43:26.583045+00:00"
    );
    assert_eq!(
        iso_utc(at("2026-12-03 18:43:26.5")),
        "2026-12-03T18:43:26.500000+00:00"
    );
}

/// id, app, bee, cron, duration, status, created_at (0.1: seconds; ours: microseconds).
type ReportSeed = (
    i64,
    Uuid,
    i64,
    Option<i64>,
    &'static str,
    &'static str,
    &'static str,
);

/// A config database with two Bees on two Crons, a Bee deleted after it ran, another node's
/// report, and reports in both stored forms. Foreign keys are off, as Wurker 0.1 left them.
async fn database() -> SqlitePool {
    let options = SqliteConnectOptions::new()
        .in_memory(true)
        .foreign_keys(false);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .expect("an in-memory database opens");
    sqlx::migrate!("./migrations/config-sqlite")
        .run(&pool)
        .await
        .expect("the schema applies");

    let other = Uuid::from_u128(7);
    let setup = [
        "INSERT INTO wurker_command (id, app_id, slug, name, command) VALUES (1, ?1, 'c', 'C', '/bin/true')",
        "INSERT INTO wurker_cron (id, app_id, slug, name, cron) VALUES (1, ?1, 'minutely', 'Minutely', '* * * * *')",
        "INSERT INTO wurker_cron (id, app_id, slug, name, cron) VALUES (2, ?1, 'hourly', 'Hourly', '0 * * * *')",
        "INSERT INTO wurker_bee (id, app_id, slug, name, command_id, cron_id) VALUES (1, ?1, 'zulu', 'Zulu', 1, 1)",
        "INSERT INTO wurker_bee (id, app_id, slug, name, command_id, cron_id) VALUES (2, ?1, 'alpha', 'Alpha', 1, 2)",
    ];
    for sql in setup {
        sqlx::query(sql)
            .bind(ours().as_bytes().to_vec())
            .execute(&pool)
            .await
            .expect("setup row");
    }
    let reports: [ReportSeed; 7] = [
        (
            1,
            ours(),
            1,
            Some(1),
            "1.5",
            "COMPLETED",
            "2026-12-03 18:43:25",
        ),
        (
            2,
            ours(),
            2,
            Some(2),
            "7",
            "ERROR",
            "2026-12-03 18:43:25.500000",
        ),
        (
            3,
            ours(),
            1,
            Some(1),
            "0.25",
            "COMPLETED",
            "2026-12-03 18:44:00",
        ),
        (
            4,
            ours(),
            2,
            None,
            "3.75",
            "PROCESSING",
            "2026-12-03 18:44:00.000001",
        ),
        (5, ours(), 9, Some(5), "2", "ERROR", "2026-12-03 18:45:00"),
        (
            6,
            other,
            1,
            Some(1),
            "0",
            "COMPLETED",
            "2026-12-03 18:43:30",
        ),
        (
            7,
            ours(),
            1,
            Some(1),
            "5",
            "TIMEOUT",
            "2026-12-04 00:00:00.000000",
        ),
    ];
    for (id, app, bee, cron, duration, status, created) in reports {
        sqlx::query(
            "INSERT INTO wurker_bee_report (id, app_id, wurker_bee_id, wurker_cron_id, \
             hive_duration, status, created_at, updated_at, hive_timestamp, hive_runcount) \
             VALUES (?, ?, ?, ?, CAST(? AS REAL), ?, ?, ?, ?, 1)",
        )
        .bind(id)
        .bind(app.as_bytes().to_vec())
        .bind(bee)
        .bind(cron)
        .bind(duration)
        .bind(status)
        .bind(created)
        .bind(created)
        .bind(created)
        .execute(&pool)
        .await
        .expect("report row");
    }
    pool
}

async fn ids(
    pool: &SqlitePool,
    filter: &ReportFilter,
    order: ReportOrder,
    window: PageWindow,
) -> Vec<i64> {
    let mut conn = pool.acquire().await.expect("connection");
    let rows = page(&mut conn, filter, order, window)
        .await
        .expect("listing");
    rows.iter().map(|row| row.id).collect()
}

async fn total(pool: &SqlitePool, filter: &ReportFilter) -> i64 {
    let mut conn = pool.acquire().await.expect("connection");
    count(&mut conn, filter).await.expect("count")
}

#[tokio::test]
async fn pages_cut_a_result_sorted_as_a_whole() {
    let pool = database().await;
    let order = by(ReportSort::BeeSlug, false);
    let whole = ids(&pool, &filter(), order, ALL_ROWS).await;
    // The deleted Bee (no slug) sorts first, then alpha, then zulu; ties by id.
    assert_eq!(whole, [5, 2, 4, 1, 3, 7]);

    let mut paged = Vec::new();
    for offset in [0, 2, 4] {
        let window = PageWindow { offset, limit: 2 };
        paged.extend(ids(&pool, &filter(), order, window).await);
    }
    assert_eq!(paged, whole);

    let reversed = ids(&pool, &filter(), by(ReportSort::BeeSlug, true), ALL_ROWS).await;
    assert_eq!(reversed, whole.iter().rev().copied().collect::<Vec<_>>());
}

#[tokio::test]
async fn durations_sort_as_numbers() {
    let pool = database().await;
    let order = by(ReportSort::HiveDuration, true);
    assert_eq!(
        ids(&pool, &filter(), order, ALL_ROWS).await,
        [2, 7, 4, 5, 1, 3]
    );
}

#[tokio::test]
async fn either_bound_alone_filters_and_both_stored_forms_compare_right() {
    let pool = database().await;
    let order = by(ReportSort::Id, false);
    let start = ReportFilter {
        start: Some(at("2026-12-03 18:43:25")),
        ..filter()
    };
    assert_eq!(
        ids(&pool, &start, order, ALL_ROWS).await,
        [1, 2, 3, 4, 5, 7],
        "a row stored at the start second is kept"
    );
    let start = ReportFilter {
        start: Some(at("2026-12-03 18:43:25.5")),
        ..filter()
    };
    assert_eq!(ids(&pool, &start, order, ALL_ROWS).await, [2, 3, 4, 5, 7]);

    let end = ReportFilter {
        end: Some(at("2026-12-03 18:44:00")),
        ..filter()
    };
    assert_eq!(
        ids(&pool, &end, order, ALL_ROWS).await,
        [1, 2],
        "the end is excluded"
    );

    let both = ReportFilter {
        start: Some(at("2026-12-03 18:44:00")),
        end: Some(at("2026-12-04")),
        ..filter()
    };
    assert_eq!(ids(&pool, &both, order, ALL_ROWS).await, [3, 4, 5]);
    assert_eq!(total(&pool, &both).await, 3);
}

#[tokio::test]
async fn slug_and_status_filters_and_only_this_node() {
    let pool = database().await;
    let order = by(ReportSort::Id, false);
    let bee = ReportFilter {
        slug: Some(SlugFilter::Bee("zulu".into())),
        ..filter()
    };
    assert_eq!(ids(&pool, &bee, order, ALL_ROWS).await, [1, 3, 7]);

    let cron = ReportFilter {
        slug: Some(SlugFilter::Cron("hourly".into())),
        ..filter()
    };
    assert_eq!(ids(&pool, &cron, order, ALL_ROWS).await, [2]);

    let status = ReportFilter {
        status: Some("ERROR".into()),
        ..filter()
    };
    assert_eq!(ids(&pool, &status, order, ALL_ROWS).await, [2, 5]);

    let unknown = ReportFilter {
        slug: Some(SlugFilter::Bee("nobody".into())),
        ..filter()
    };
    assert_eq!(total(&pool, &unknown).await, 0);
    assert_eq!(
        total(&pool, &filter()).await,
        6,
        "the other node's row is not counted"
    );
}

#[tokio::test]
async fn rows_read_in_the_listing_form() {
    let pool = database().await;
    let mut conn = pool.acquire().await.expect("connection");
    let rows = page(&mut conn, &filter(), by(ReportSort::Id, false), ALL_ROWS)
        .await
        .expect("listing");

    let first = &rows[0];
    assert_eq!(first.bee_slug.as_deref(), Some("zulu"));
    assert_eq!(first.cron_name.as_deref(), Some("Minutely"));
    assert_eq!(first.hive_duration, Some(1.5));
    assert_eq!(
        first.created_at.as_deref(),
        Some("2026-12-03T18:43:25+00:00")
    );
    assert_eq!(first.hive_runcount, Some(1));

    let second = &rows[1];
    assert_eq!(
        second.hive_duration,
        Some(7.0),
        "an integer duration reads as seconds"
    );
    assert_eq!(
        second.hive_timestamp.as_deref(),
        Some("2026-12-03T18:43:25.500000+00:00")
    );

    let orphan = rows
        .iter()
        .find(|row| row.id == 5)
        .expect("row 5 is listed");
    assert_eq!(orphan.bee_id, 9);
    assert_eq!(orphan.bee_slug, None);
    assert_eq!(orphan.cron_id, Some(5));
    assert_eq!(orphan.cron_slug, None);
}

#[tokio::test]
async fn a_time_in_no_known_form_lists_as_stored() {
    let pool = database().await;
    sqlx::query("UPDATE wurker_bee_report SET updated_at = 'last tuesday' WHERE id = 3")
        .execute(&pool)
        .await
        .expect("update");
    let mut conn = pool.acquire().await.expect("connection");
    let rows = page(&mut conn, &filter(), by(ReportSort::Id, false), ALL_ROWS)
        .await
        .expect("one odd row does not fail the page");
    let odd = rows
        .iter()
        .find(|row| row.id == 3)
        .expect("row 3 is listed");
    assert_eq!(odd.updated_at.as_deref(), Some("last tuesday"));
    assert_eq!(odd.created_at.as_deref(), Some("2026-12-03T18:44:00+00:00"));
}
