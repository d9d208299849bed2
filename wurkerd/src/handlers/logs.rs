//! `wurk logs BEE [--run ID] [--follow]`: a run's output, sent as a stream of chunks ended by
//! `Done`. Following a run that is still going sends its output as it is written, until the
//! run ends.

use std::io::SeekFrom;
use std::path::{Path, PathBuf};

use protocol::runtime::LogChunk;
use protocol::{ErrorReply, Response};
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio::sync::mpsc;

use crate::handlers::{Context, Failure, Outcome};
use crate::hive::output::{self, Progress};
use crate::store::{bees, runs};

/// The most output sent in one frame.
const CHUNK: usize = 256 * 1024;

/// Starts streaming a run's log; the receiver yields the responses to send, in order.
pub fn stream(
    ctx: &Context,
    bee: String,
    run: Option<i64>,
    follow: bool,
) -> mpsc::Receiver<Response> {
    let (tx, rx) = mpsc::channel(4);
    let ctx = ctx.clone();
    tokio::spawn(async move {
        let outcome = send_log(&ctx, &bee, run, follow, &tx).await;
        let last = match outcome {
            Ok(()) => Response::Done,
            Err(Failure::Reply(reply)) => Response::Error(reply),
            Err(Failure::Store(err)) => Response::Error(crate::handlers::store_failure(&err)),
        };
        let _ = tx.send(last).await;
    });
    rx
}

async fn send_log(
    ctx: &Context,
    bee: &str,
    run: Option<i64>,
    follow: bool,
    tx: &mpsc::Sender<Response>,
) -> Outcome<()> {
    let (bee_id, run_id) = find_run(ctx, bee, run).await?;
    let log = output::log_path(&ctx.data, bee_id, run_id);
    let live = ctx
        .logs
        .lock()
        .ok()
        .and_then(|logs| logs.get(&run_id).cloned());
    let mut sender = Sender { tx, run_id };
    match live {
        Some(live) if follow => sender.follow(&live.path, live.progress).await,
        _ => {
            let keep = ctx.settings.current().runtime.log_keep;
            if !log.exists() && output::is_kept(&ctx.data, bee_id, run_id, keep) {
                // The run printed nothing.
                return Ok(());
            }
            if !log.exists() {
                return Err(ErrorReply::not_found(format!(
                    "no log is kept for run {run_id} of Bee '{bee}' (only the latest runs' logs \
                     are kept)"
                ))
                .into());
            }
            let rotated = output::rotated(&log);
            if rotated.exists() {
                sender.send_file(&rotated, 0, None).await?;
            }
            sender.send_file(&log, 0, None).await.map(drop)
        }
    }
}

async fn find_run(ctx: &Context, bee: &str, run: Option<i64>) -> Outcome<(i64, i64)> {
    let app_id = ctx.store.app_id;
    let mut conn = ctx.store.read.acquire().await?;
    let row = bees::find_row(&mut conn, app_id, bee)
        .await?
        .ok_or_else(|| ErrorReply::not_found(format!("Bee not found: '{bee}'")))?;
    let run_id = match run {
        Some(run_id) => {
            if runs::bee_of(&mut conn, app_id, run_id).await? != Some(row.id) {
                return Err(ErrorReply::not_found(format!(
                    "run {run_id} is not a run of Bee '{bee}'"
                ))
                .into());
            }
            run_id
        }
        None => runs::latest(&mut conn, app_id, row.id)
            .await?
            .ok_or_else(|| ErrorReply::not_found(format!("Bee '{bee}' has not run yet")))?,
    };
    Ok((row.id, run_id))
}

struct Sender<'a> {
    tx: &'a mpsc::Sender<Response>,
    run_id: i64,
}

impl Sender<'_> {
    /// Sends a file from `offset` up to `end` (or its end), returning the offset reached.
    async fn send_file(&mut self, path: &Path, offset: u64, end: Option<u64>) -> Outcome<u64> {
        let mut file = match tokio::fs::File::open(path).await {
            Ok(file) => file,
            Err(_) => return Ok(offset),
        };
        file.seek(SeekFrom::Start(offset))
            .await
            .map_err(read_error)?;
        let mut at = offset;
        let mut buf = vec![0u8; CHUNK];
        loop {
            let want = match end {
                Some(end) if at >= end => break,
                Some(end) => usize::try_from(end - at).unwrap_or(CHUNK).min(CHUNK),
                None => CHUNK,
            };
            let n = file.read(&mut buf[..want]).await.map_err(read_error)?;
            if n == 0 {
                break;
            }
            at += n as u64;
            let chunk = LogChunk {
                run_id: self.run_id,
                bytes: buf[..n].to_vec(),
            };
            if self.tx.send(Response::Log(chunk)).await.is_err() {
                return Err(ErrorReply::invalid("the client left").into());
            }
        }
        Ok(at)
    }

    /// Sends the log as it grows until the run's output ends.
    async fn follow(
        &mut self,
        path: &Path,
        mut progress: tokio::sync::watch::Receiver<Progress>,
    ) -> Outcome<()> {
        let rotated: PathBuf = output::rotated(path);
        let mut seen = *progress.borrow_and_update();
        let mut offset = self.send_file(path, 0, Some(seen.len)).await?;
        loop {
            let ended = progress.changed().await.is_err();
            let now = *progress.borrow_and_update();
            if now.generation != seen.generation {
                self.send_file(&rotated, offset, None).await?;
                offset = 0;
            }
            let until = (!now.done && !ended).then_some(now.len);
            offset = self.send_file(path, offset, until).await?;
            seen = now;
            if now.done || ended {
                return Ok(());
            }
        }
    }
}

fn read_error(err: std::io::Error) -> Failure {
    tracing::error!(error = %err, "cannot read a run's log");
    ErrorReply::new(
        protocol::ErrorCode::Internal,
        "the run's log cannot be read",
    )
    .into()
}
