//! `wurk report` against a real daemon whose config database holds reports written as Wurker
//! 0.1 wrote them: the original's envelope and key order, sorting over the whole result before
//! paging, either date bound alone, the status and slug filters, reports of deleted Bees, and
//! clear errors for bad values.

use serde_json::{Value, json};
use wurker_e2e::Daemon;

use crate::config_db::{ConfigDb, Ids, Table, add_definitions, runs};
use crate::fixtures::{keys, rows};

/// Key order of one report row (reference §4.4).
const ROW_KEYS: [&str; 15] = [
    "id",
    "bee_id",
    "bee_slug",
    "bee_name",
    "cron_id",
    "cron_slug",
    "cron_name",
    "hive_pid",
    "hive_timestamp",
    "hive_runcount",
    "hive_duration",
    "status",
    "status_info",
    "created_at",
    "updated_at",
];

/// A daemon with the three test Bees and the seven reports of [`runs`].
fn daemon_with_reports() -> (Daemon, ConfigDb, Ids) {
    let daemon = Daemon::start();
    let ids = add_definitions(&daemon);
    let db = ConfigDb::open(&daemon);
    db.insert(&runs(ids));
    (daemon, db, ids)
}

/// `wurk report ARGS`, checked to succeed, as JSON.
fn report(daemon: &Daemon, args: &[&str]) -> Value {
    let args: Vec<&str> = std::iter::once("report")
        .chain(args.iter().copied())
        .collect();
    daemon.wurk(&args).json()
}

/// The ids of a report page, in the order printed.
fn ids(page: &Value) -> Vec<i64> {
    rows(&page["data"])
        .iter()
        .map(|row| row["id"].as_i64().expect("ids are integers"))
        .collect()
}

#[test]
fn report_prints_the_original_envelope_with_offset_timestamps() {
    let (daemon, _db, defs) = daemon_with_reports();
    let out = daemon.wurk(&["report"]);
    assert!(
        out.stdout
            .starts_with("{\n  \"total\": 6,\n  \"page\": 0,\n"),
        "2-space indent, envelope order: {out}"
    );
    let page = out.json();
    assert_eq!(keys(&page), ["total", "page", "limit", "data"]);
    assert_eq!(page["limit"], 20);
    assert_eq!(ids(&page), [1, 2, 3, 4, 5, 7], "only this node's rows");

    let row = &page["data"][1];
    assert_eq!(keys(row), ROW_KEYS);
    let expected = json!({
        "id": 2, "bee_id": defs.alpha, "bee_slug": "alpha", "bee_name": "Bee alpha",
        "cron_id": defs.nightly, "cron_slug": "nightly", "cron_name": "nightly",
        "hive_pid": 20002, "hive_timestamp": "2026-12-03T18:43:25+00:00", "hive_runcount": 1,
        "hive_duration": 7.25, "status": "ERROR",
        "status_info": {"runcount": 1, "errors": ["oops"], "exit_code": 3},
        "created_at": "2026-12-03T18:43:25.500000+00:00",
        "updated_at": "2026-12-03T18:43:25.500000+00:00",
    });
    assert_eq!(row, &expected);

    let first = &page["data"][0];
    assert_eq!(first["hive_timestamp"], "2026-12-03T18:43:26.583045+00:00");
    assert_eq!(first["created_at"], "2026-12-03T18:43:25+00:00");
    let ondemand = &page["data"][3];
    assert_eq!(
        ondemand["cron_id"],
        Value::Null,
        "a run without a Cron: {ondemand}"
    );
    assert_eq!(ondemand["cron_slug"], Value::Null);
}

#[test]
fn sorting_covers_the_whole_result_before_paging() {
    let (daemon, _db, _ids) = daemon_with_reports();
    let whole = [2, 5, 4, 7, 1, 3];
    let mut paged = Vec::new();
    for page in ["0", "1", "2"] {
        let args = ["--sort", "bee_slug", "--page-limit", "2", "--page", page];
        let out = report(&daemon, &args);
        assert_eq!(out["total"], 6);
        assert_eq!(out["limit"], 2);
        paged.extend(ids(&out));
    }
    assert_eq!(paged, whole, "alpha, mike, zulu; ties by id");

    let desc = report(&daemon, &["--sort", "bee_slug", "--sort-order", "desc"]);
    let reversed: Vec<i64> = whole.iter().rev().copied().collect();
    assert_eq!(ids(&desc), reversed);

    let longest = report(
        &daemon,
        &[
            "--sort",
            "hive_duration",
            "--sort-order",
            "desc",
            "--page-limit",
            "1",
        ],
    );
    assert_eq!(
        ids(&longest),
        [2],
        "the longest run of all, not of the first page"
    );

    let beyond = report(&daemon, &["--page", "3", "--page-limit", "2"]);
    assert_eq!(beyond["total"], 6);
    assert_eq!(beyond["data"], json!([]));
}

#[test]
fn either_date_bound_alone_filters_and_both_together() {
    let (daemon, _db, _ids) = daemon_with_reports();
    let cases: [(&[&str], &[i64]); 6] = [
        (&["--start", "2026-12-03T18:44:00"], &[3, 4, 5, 7]),
        (&["--start", "2026-12-03 18:43:25"], &[1, 2, 3, 4, 5, 7]),
        (&["--end", "2026-12-04"], &[1, 2, 3, 4]),
        (&["--start", "12/04/2026"], &[5, 7]),
        (
            &[
                "--start",
                "2026-12-03T20:44:00+02:00",
                "--end",
                "2026-12-04T00:00:00Z",
            ],
            &[3, 4],
        ),
        (
            &[
                "--start",
                "2026-12-03T18:43:25.5",
                "--end",
                "2026-12-03T18:44:00.000001",
            ],
            &[2, 3],
        ),
    ];
    for (args, expected) in cases {
        let page = report(&daemon, args);
        assert_eq!(ids(&page), expected, "wurk report {}", args.join(" "));
        assert_eq!(
            page["total"],
            expected.len(),
            "wurk report {}",
            args.join(" ")
        );
    }
}

#[test]
fn status_and_slug_filters() {
    let (daemon, _db, _ids) = daemon_with_reports();
    let cases: [(&[&str], &[i64]); 7] = [
        (&["--status", "ERROR"], &[2, 7]),
        (&["--status", "timeout"], &[5]),
        (&["cron", "--slug", "nightly"], &[2, 5]),
        (&["cron"], &[1, 2, 3, 4, 5, 7]),
        (&["bee", "--slug", "mike"], &[4, 7]),
        (&["--slug", "zulu"], &[1, 3]),
        (&["bee", "--slug", "mike", "--status", "ERROR"], &[7]),
    ];
    for (args, expected) in cases {
        let page = report(&daemon, args);
        assert_eq!(ids(&page), expected, "wurk report {}", args.join(" "));
    }
}

#[test]
fn unknown_slug_and_zero_limit_give_empty_pages() {
    let (daemon, _db, _ids) = daemon_with_reports();
    let unknown = report(&daemon, &["bee", "--slug", "nobody"]);
    assert_eq!(
        unknown,
        json!({"total": 0, "page": 0, "limit": 20, "data": []})
    );
    assert_eq!(keys(&unknown), ["total", "page", "limit", "data"]);

    let counted = report(&daemon, &["--page-limit", "0"]);
    assert_eq!(
        counted,
        json!({"total": 6, "page": 0, "limit": 0, "data": []})
    );
}

#[test]
fn reports_of_deleted_bees_and_crons_still_list() {
    let (daemon, db, defs) = daemon_with_reports();
    db.delete_leaving_reports(Table::Bee, defs.alpha);
    db.delete_leaving_reports(Table::Cron, defs.nightly);

    let page = report(&daemon, &["--sort", "bee_slug"]);
    assert_eq!(page["total"], 6);
    assert_eq!(ids(&page)[..2], [2, 5], "rows without a Bee sort first");
    let orphan = &page["data"][0];
    assert_eq!(orphan["bee_id"], defs.alpha);
    assert_eq!(orphan["bee_slug"], Value::Null);
    assert_eq!(orphan["bee_name"], Value::Null);
    assert_eq!(orphan["cron_id"], defs.nightly);
    assert_eq!(orphan["cron_slug"], Value::Null);
    assert_eq!(orphan["status"], "ERROR");
}

#[test]
fn bad_values_are_errors_that_name_the_problem() {
    let (daemon, _db, _ids) = daemon_with_reports();
    let cases: [(&[&str], &str); 7] = [
        (
            &["--start", "yesterday"],
            "start 'yesterday' is not a date or time; use YYYY-MM-DD",
        ),
        (
            &["--end", "2026-13-01"],
            "end '2026-13-01' is not a date or time",
        ),
        (
            &["--page", "-1"],
            "page -1 is negative; pages are numbered from 0",
        ),
        (
            &["--page-limit", "-3"],
            "page limit -3 is out of range; use 0 to 1000 rows per page",
        ),
        (&["--page-limit", "1001"], "page limit 1001 is out of range"),
        (
            &["--status", "FAILED"],
            "unknown status 'FAILED'; use one of PROCESSING, OVERRUN, TIMEOUT, ERROR, COMPLETED",
        ),
        (
            &["--page", "9223372036854775807", "--page-limit", "2"],
            "page 9223372036854775807 is beyond any report",
        ),
    ];
    for (args, expected) in cases {
        let mut full = vec!["report"];
        full.extend_from_slice(args);
        let out = daemon.wurk(&full);
        let message = out.error_message();
        assert!(
            message.starts_with(expected),
            "wurk {}: {message:?} should start with {expected:?}",
            full.join(" ")
        );
    }

    let usage = daemon.wurk(&["report", "--sort", "args"]);
    usage.assert_code(2);
}
