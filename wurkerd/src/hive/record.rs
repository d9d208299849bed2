//! A run's records: its report in the config database and its row in the local Hive table.
//! The ending of a run is never lost: when the config database cannot take it, it is kept in
//! the run's Hive row and written later by [`flush_kept`].

use std::time::Duration;

use protocol::JsonText;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::hive::HiveContext;
use crate::hive::journal::Entry;
use crate::store::hive::HiveRow;
use crate::store::runs::{Ending, Opening, Status};
use crate::store::{StoreError, hive};

/// How often a final report is tried before it is kept locally.
const FINISH_ATTEMPTS: u32 = 3;

/// The `status_info` of a run: the original's keys, in its order, plus Wurker's extras.
#[derive(Debug, Clone, Default)]
pub struct StatusInfo {
    pub runcount: i64,
    pub exit_code: Option<i64>,
    pub errors: Vec<String>,
    pub message: Option<String>,
    /// Set on a supervised run that was started after a back-off.
    pub restart: Option<Value>,
}

impl StatusInfo {
    pub fn to_json(&self) -> JsonText {
        let mut map = Map::new();
        map.insert("runcount".into(), json!(self.runcount));
        if let Some(code) = self.exit_code {
            map.insert("exit_code".into(), json!(code));
        }
        if !self.errors.is_empty() {
            map.insert("errors".into(), json!(self.errors));
        }
        if let Some(message) = &self.message {
            map.insert("message".into(), json!(message));
        }
        if let Some(restart) = &self.restart {
            map.insert("restart".into(), restart.clone());
        }
        JsonText::from_value(&Value::Object(map))
    }
}

/// An ending as kept in the Hive table.
#[derive(Debug, Serialize, Deserialize)]
struct KeptEnding {
    status: String,
    runcount: i64,
    duration: f64,
    status_info: String,
    /// The Bee whose ondemand item goes with the report.
    #[serde(default)]
    dequeue: Option<i64>,
    /// The args of a run that has no report row yet.
    #[serde(default)]
    args: Option<String>,
}

/// Writes a run's final report (and removes the Bee's ondemand item `dequeue`), retrying
/// briefly; a run that started without a report row (`opening`) gets its whole row. When the
/// config database stays out of reach the ending is kept in the run's Hive row. Returns the
/// run id of the final report, or `None` when it was kept (the Hive row must then stay).
pub async fn finish(
    ctx: &HiveContext,
    run_id: i64,
    ending: &Ending,
    dequeue: Option<i64>,
    opening: Option<&Opening>,
) -> Option<i64> {
    let mut delay = Duration::from_millis(100);
    for attempt in 1..=FINISH_ATTEMPTS {
        match write_ending(ctx, run_id, ending, dequeue, opening).await {
            Ok(id) => return Some(id),
            Err(err) if attempt < FINISH_ATTEMPTS && err.is_unavailable() => {
                tokio::time::sleep(delay).await;
                delay *= 4;
            }
            Err(err) => {
                tracing::warn!(run.id = run_id, error = %err,
                    "cannot write a run's report; keeping it until the config database answers");
                break;
            }
        }
    }
    let kept = KeptEnding {
        status: ending.status.name().to_string(),
        runcount: ending.runcount,
        duration: ending.duration,
        status_info: ending.status_info.0.clone(),
        dequeue,
        args: opening
            .and_then(|o| o.args.as_ref())
            .map(|args| args.0.clone()),
    };
    let text = serde_json::to_string(&kept).unwrap_or_default();
    if let Err(err) = hive::keep_ending(&ctx.store.local, run_id, &text).await {
        tracing::error!(run.id = run_id, error = %err, "cannot keep a run's ending; it is lost");
    }
    ctx.kept.notify_one();
    None
}

/// How soon, and at most how long apart, kept endings are tried again.
const KEPT_FIRST: Duration = Duration::from_secs(1);
const KEPT_LONGEST: Duration = Duration::from_secs(30);

/// Writes kept run endings whenever some are kept, trying again less and less often while the
/// config database stays out of reach. Runs for as long as the daemon, apart from the runtime,
/// so a database that does not answer never holds up a run.
pub async fn write_kept(ctx: std::sync::Arc<HiveContext>) {
    loop {
        ctx.kept.notified().await;
        let mut wait = KEPT_FIRST;
        loop {
            tokio::time::sleep(wait).await;
            if flush_kept(&ctx).await == 0 {
                break;
            }
            wait = (wait * 2).min(KEPT_LONGEST);
        }
    }
}

async fn write_ending(
    ctx: &HiveContext,
    run_id: i64,
    ending: &Ending,
    dequeue: Option<i64>,
    opening: Option<&Opening>,
) -> Result<i64, StoreError> {
    let entry = Entry::Finish {
        run_id,
        ending: ending.clone(),
        dequeue,
        opening: opening.map(|opening| Box::new(opening.clone())),
    };
    ctx.journal.write(entry).await
}

/// The opening of a run whose Hive row has a provisional (negative) run id: it started while
/// the config database could not take its report row.
pub fn opening_of(ctx: &HiveContext, row: &HiveRow, args: Option<String>) -> Option<Opening> {
    (row.run_id < 0).then(|| Opening {
        app_id: ctx.store.app_id,
        bee_id: row.bee_id,
        cron_id: row.cron_id,
        args: args.map(JsonText),
        started_at: row.started_at,
        pid: row.pid,
    })
}

/// Gives a run's log the run id its report got.
pub fn rename_log(ctx: &HiveContext, bee_id: i64, from: i64, to: i64) {
    if from == to {
        return;
    }
    let (old, new) = (
        crate::hive::output::log_path(&ctx.data, bee_id, from),
        crate::hive::output::log_path(&ctx.data, bee_id, to),
    );
    for (old, new) in [
        (
            crate::hive::output::rotated(&old),
            crate::hive::output::rotated(&new),
        ),
        (old, new),
    ] {
        let _ = std::fs::rename(old, new);
    }
}

/// Writes the endings kept while the config database was out of reach. Returns how many are
/// still waiting.
pub async fn flush_kept(ctx: &HiveContext) -> usize {
    let kept = match hive::kept_endings(&ctx.store.local).await {
        Ok(kept) => kept,
        Err(err) => {
            tracing::error!(error = %err, "cannot read the kept run endings");
            return 0;
        }
    };
    let mut waiting = 0;
    for (row, text) in kept {
        let run_id = row.run_id;
        let parsed = serde_json::from_str::<KeptEnding>(&text).ok();
        let args = parsed.as_ref().and_then(|kept| kept.args.clone());
        let Some((ending, dequeue)) = parsed.and_then(|kept| kept.into_ending()) else {
            tracing::error!(
                run.id = run_id,
                "a kept run ending is unreadable; dropping it"
            );
            let _ = ctx.journal.write(Entry::Forget { run_id }).await;
            continue;
        };
        let opening = opening_of(ctx, &row, args);
        match write_ending(ctx, run_id, &ending, dequeue, opening.as_ref()).await {
            Ok(id) => {
                tracing::info!(run.id = id, "kept run ending written");
                rename_log(ctx, row.bee_id, run_id, id);
                let _ = ctx.journal.write(Entry::Forget { run_id }).await;
            }
            Err(_) => waiting += 1,
        }
    }
    waiting
}

impl KeptEnding {
    fn into_ending(self) -> Option<(Ending, Option<i64>)> {
        let status = [
            Status::Processing,
            Status::Overrun,
            Status::Timeout,
            Status::Error,
            Status::Completed,
        ]
        .into_iter()
        .find(|status| status.name() == self.status)?;
        let ending = Ending {
            status,
            runcount: self.runcount,
            duration: self.duration,
            status_info: JsonText(self.status_info),
        };
        Some((ending, self.dequeue))
    }
}

/// Writes a report for a run that did not survive a daemon's end: ERROR, saying why.
pub async fn close_orphan(
    ctx: &HiveContext,
    run_id: i64,
    runcount: i64,
    message: &str,
    opening: Option<&Opening>,
) {
    let info = StatusInfo {
        runcount,
        message: Some(message.to_string()),
        ..StatusInfo::default()
    };
    let ending = Ending {
        status: Status::Error,
        runcount,
        duration: 0.0,
        status_info: info.to_json(),
    };
    if finish(ctx, run_id, &ending, None, opening).await.is_some() {
        let _ = ctx.journal.write(Entry::Forget { run_id }).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_info_keeps_the_original_keys_and_order() {
        let info = StatusInfo {
            runcount: 1,
            exit_code: Some(3),
            errors: vec!["oops".into()],
            message: None,
            restart: None,
        };
        assert_eq!(
            info.to_json().0,
            r#"{"runcount":1,"exit_code":3,"errors":["oops"]}"#
        );
        let bare = StatusInfo {
            runcount: 2,
            ..StatusInfo::default()
        };
        assert_eq!(bare.to_json().0, r#"{"runcount":2}"#);
    }
}
