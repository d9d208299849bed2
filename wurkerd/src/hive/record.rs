//! A run's records: its report in the config database and its row in the local Hive table.
//! The ending of a run is never lost: when the config database cannot take it, it is kept in
//! the run's Hive row and written later by [`flush_kept`].

use std::time::Duration;

use protocol::JsonText;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::hive::HiveContext;
use crate::hive::journal::Entry;
use crate::store::runs::{Ending, Status};
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
}

/// Writes a run's final report (and removes the Bee's ondemand item `dequeue`), retrying
/// briefly; when the config database stays out of reach the ending is kept in the run's Hive
/// row. Returns whether the report is final (so the Hive row may go).
pub async fn finish(ctx: &HiveContext, run_id: i64, ending: &Ending, dequeue: Option<i64>) -> bool {
    let mut delay = Duration::from_millis(100);
    for attempt in 1..=FINISH_ATTEMPTS {
        match write_ending(ctx, run_id, ending, dequeue).await {
            Ok(()) => return true,
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
    };
    let text = serde_json::to_string(&kept).unwrap_or_default();
    if let Err(err) = hive::keep_ending(&ctx.store.local, run_id, &text).await {
        tracing::error!(run.id = run_id, error = %err, "cannot keep a run's ending; it is lost");
    }
    false
}

async fn write_ending(
    ctx: &HiveContext,
    run_id: i64,
    ending: &Ending,
    dequeue: Option<i64>,
) -> Result<(), StoreError> {
    let entry = Entry::Finish {
        run_id,
        ending: ending.clone(),
        dequeue,
    };
    ctx.journal.write(entry).await.map(drop)
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
    for (run_id, text) in kept {
        let Some((ending, dequeue)) = serde_json::from_str::<KeptEnding>(&text)
            .ok()
            .and_then(|kept| kept.into_ending())
        else {
            tracing::error!(
                run.id = run_id,
                "a kept run ending is unreadable; dropping it"
            );
            let _ = ctx.journal.write(Entry::Forget { run_id }).await;
            continue;
        };
        match write_ending(ctx, run_id, &ending, dequeue).await {
            Ok(()) => {
                tracing::info!(run.id = run_id, "kept run ending written");
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
pub async fn close_orphan(ctx: &HiveContext, run_id: i64, runcount: i64, message: &str) {
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
    if finish(ctx, run_id, &ending, None).await {
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
