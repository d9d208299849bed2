//! The JSON the original Wurker printed, built from our types, so that the CLI and the HTTP API
//! give scripts exactly the shapes they were written against. Key order is part of the shape:
//! `show bee|cron|command` keep the original's field order, the `show` views sort their keys.

use serde_json::{Map, Value, json};

use crate::model::{Bee, Command, Cron, CronField, HiveEntry, Overview, RuntimeBee, RuntimeCron};
use crate::runtime::{ReportPage, ReportRow, RunSummary};

/// `wurk show command`: an array of Commands.
pub fn commands(commands: &[Command]) -> Value {
    Value::Array(commands.iter().map(command).collect())
}

fn command(command: &Command) -> Value {
    json!({
        "id": command.id,
        "app_id": command.app_id.to_string(),
        "name": command.name,
        "slug": command.slug,
        "description": command.description,
        "command": command.command,
        "is_module": command.is_module,
    })
}

/// `wurk show cron`: an array of Crons.
pub fn crons(crons: &[Cron]) -> Value {
    Value::Array(crons.iter().map(cron).collect())
}

fn cron(cron: &Cron) -> Value {
    json!({
        "id": cron.id,
        "app_id": cron.app_id.to_string(),
        "name": cron.name,
        "slug": cron.slug,
        "cron": cron.cron,
        "overrun": cron.overrun,
    })
}

/// `wurk show bee`: an array of Bees; the `cron` key is present only for a Bee with a Cron.
pub fn bees(bees: &[Bee]) -> Value {
    Value::Array(bees.iter().map(bee).collect())
}

fn bee(bee: &Bee) -> Value {
    let mut out = Map::new();
    out.insert("id".into(), json!(bee.id));
    out.insert("app_id".into(), json!(bee.app_id.to_string()));
    out.insert("name".into(), json!(bee.name));
    out.insert("slug".into(), json!(bee.slug));
    out.insert("description".into(), json!(bee.description));
    out.insert("command_id".into(), json!(bee.command_id));
    out.insert("command_slug".into(), json!(bee.command_slug));
    out.insert("cron_id".into(), json!(bee.cron_id));
    out.insert("cron_slug".into(), json!(bee.cron_slug));
    out.insert(
        "args".into(),
        bee.args
            .as_ref()
            .map_or(Value::Null, |args| args.to_value()),
    );
    out.insert("quiet_restart".into(), json!(bee.quiet_restart));
    out.insert("enabled".into(), json!(bee.enabled));
    out.insert("module".into(), json!(bee.module));
    out.insert("command".into(), json!(bee.command));
    match &bee.cron {
        Some(CronField::Expression(expression)) => {
            out.insert("cron".into(), json!(expression));
        }
        Some(CronField::Supervised) => {
            out.insert("cron".into(), Value::Null);
        }
        None => {}
    }
    Value::Object(out)
}

/// The sections of `wurk show`, each rendered alone by `wurk show <section>`.
pub const SECTIONS: [&str; 6] = [
    "disabled",
    "hive",
    "ondemand",
    "orphaned",
    "scheduled",
    "supervised",
];

/// `wurk show` / `wurk show all`: every section, keys sorted, empty sections as `{}`.
pub fn overview(overview: &Overview) -> Value {
    let mut sections: Map<String, Value> = SECTIONS
        .iter()
        .map(|name| (name.to_string(), Value::Object(Map::new())))
        .collect();
    for entry in &overview.bees {
        insert_nested(
            &mut sections,
            entry.section.key(),
            &entry.group,
            &entry.bee.slug,
            runtime_bee(&entry.bee),
        );
    }
    for entry in &overview.hive {
        insert_nested(
            &mut sections,
            "hive",
            &entry.group,
            &entry.bee_slug,
            hive_item(entry),
        );
    }
    sort_keys(Value::Object(sections))
}

fn insert_nested(
    sections: &mut Map<String, Value>,
    section: &str,
    group: &str,
    slug: &str,
    value: Value,
) {
    let groups = sections
        .entry(section)
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(groups) = groups {
        let members = groups
            .entry(group)
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(members) = members {
            members.insert(slug.to_string(), value);
        }
    }
}

fn runtime_bee(bee: &RuntimeBee) -> Value {
    let cron = match &bee.cron {
        RuntimeCron::Expression(expression) => json!(expression),
        RuntimeCron::Supervised => Value::Null,
        RuntimeCron::Unscheduled => json!(""),
    };
    json!({
        "app_id": bee.app_id.to_string(),
        "args": bee.args.as_ref().map_or(Value::Null, |args| args.to_value()),
        "command": bee.command,
        "command_id": bee.command_id,
        "command_slug": bee.command_slug,
        "cron": cron,
        "cron_id": bee.cron_id,
        "description": bee.description,
        "enabled": bee.enabled,
        "id": bee.id,
        "module_name": bee.module_name,
        "name": bee.name,
        "next_run": bee.next_run,
        "quiet_restart": bee.quiet_restart,
        "slug": bee.slug,
        "timeout": bee.timeout,
    })
}

fn hive_item(entry: &HiveEntry) -> Value {
    json!({
        "duration": timedelta_text(entry.duration_us),
        "pid": entry.pid,
        "runcount": entry.runcount,
        "timestamp": entry.timestamp,
    })
}

/// `wurk run` and `wurk kill`: one object per run, in the order the runs were named.
pub fn runs(runs: &[RunSummary]) -> Value {
    Value::Array(
        runs.iter()
            .map(|run| {
                json!({
                    "bee_slug": run.bee_slug,
                    "run_id": run.run_id,
                    "pid": run.pid,
                    "status": run.status,
                    "exit_code": run.exit_code,
                    "duration": run.duration,
                })
            })
            .collect(),
    )
}

/// A duration written as the original wrote it (Python's timedelta text):
/// `H:MM:SS[.ffffff]`, preceded by `N day(s), ` past a day.
pub fn timedelta_text(micros: i64) -> String {
    let micros = micros.max(0);
    let (secs, frac) = (micros / 1_000_000, micros % 1_000_000);
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let clock = format!("{}:{:02}:{:02}", rest / 3600, rest % 3600 / 60, rest % 60);
    let clock = if frac > 0 {
        format!("{clock}.{frac:06}")
    } else {
        clock
    };
    match days {
        0 => clock,
        1 => format!("1 day, {clock}"),
        n => format!("{n} days, {clock}"),
    }
}

/// `wurk report`: the `{total, page, limit, data}` envelope, each row's keys in the original's
/// order (not sorted).
pub fn report(page: &ReportPage) -> Value {
    json!({
        "total": page.total,
        "page": page.page,
        "limit": page.limit,
        "data": page.rows.iter().map(report_row).collect::<Vec<_>>(),
    })
}

fn report_row(row: &ReportRow) -> Value {
    json!({
        "id": row.id,
        "bee_id": row.bee_id,
        "bee_slug": row.bee_slug,
        "bee_name": row.bee_name,
        "cron_id": row.cron_id,
        "cron_slug": row.cron_slug,
        "cron_name": row.cron_name,
        "hive_pid": row.hive_pid,
        "hive_timestamp": row.hive_timestamp,
        "hive_runcount": row.hive_runcount,
        "hive_duration": row.hive_duration,
        "status": row.status,
        "status_info": row.status_info.as_ref().map_or(Value::Null, |info| info.to_value()),
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    })
}

/// Sorts the keys of every object in a value, recursively, as Python's `sort_keys=True` did.
pub fn sort_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, sort_keys(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sort_keys).collect()),
        other => other,
    }
}

/// JSON text with the original's 2-space indentation.
pub fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timedelta_matches_python() {
        assert_eq!(timedelta_text(28_572_611), "0:00:28.572611");
        assert_eq!(timedelta_text(3_600_000_000), "1:00:00");
        assert_eq!(timedelta_text(93_784_500_000), "1 day, 2:03:04.500000");
        assert_eq!(timedelta_text(2 * 86_400_000_000), "2 days, 0:00:00");
    }

    #[test]
    fn report_keeps_the_original_key_order() {
        let row = ReportRow {
            id: 2,
            bee_id: 10,
            bee_slug: Some("fail1".into()),
            bee_name: Some("fail1".into()),
            cron_id: None,
            cron_slug: None,
            cron_name: None,
            hive_pid: Some(20260),
            hive_timestamp: Some("2026-12-03T18:43:26.583045+00:00".into()),
            hive_runcount: Some(1),
            hive_duration: Some(1.064811),
            status: "ERROR".into(),
            status_info: Some(crate::JsonText(r#"{"runcount":1,"exit_code":3}"#.into())),
            created_at: Some("2026-12-03T18:43:25+00:00".into()),
            updated_at: None,
        };
        let page = ReportPage {
            total: 5,
            page: 0,
            limit: 20,
            rows: vec![row],
        };
        let value = report(&page);
        let keys: Vec<&String> = value
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        assert_eq!(keys, ["total", "page", "limit", "data"]);
        let row = &value["data"][0];
        let keys: Vec<&String> = row
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        assert_eq!(
            keys,
            [
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
                "updated_at"
            ]
        );
        assert_eq!(row["status_info"]["exit_code"], 3);
        assert_eq!(row["cron_id"], Value::Null);
    }

    #[test]
    fn sort_keys_is_recursive() {
        let value = json!({"b": {"z": 1, "a": 2}, "a": [{"y": 1, "x": 2}]});
        let text = sort_keys(value).to_string();
        assert_eq!(text, r#"{"a":[{"x":2,"y":1}],"b":{"a":2,"z":1}}"#);
    }
}
