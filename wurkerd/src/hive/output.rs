//! A run's output: its stdout and stderr go to two named pipes in `data/runs/`, which the daemon
//! drains into the run's log file (`data/logs/BEE_ID/RUN_ID.log`) while keeping the last lines
//! of stderr for the report.
//!
//! The pipes live in memory (`/dev/shm/wurker-APP_ID/` where the system has it, else the home's
//! `data/runs/`): a short run would otherwise spend most of its start making and removing them
//! on disk.
//!
//! Named pipes rather than anonymous ones: the Bee holds its pipe open for reading as well as
//! writing, so if the daemon dies the Bee never gets SIGPIPE; its writes wait in the pipe (and
//! at worst block once the pipe is full) until the next daemon opens the pipe by its name and
//! drains it again. A Bee never waits on the daemon otherwise: the daemon reads as fast as the
//! Bee writes, whatever the amount.

use std::collections::VecDeque;
use std::fs::File;
use std::path::{Path, PathBuf};

use nix::sys::stat::Mode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::unix::pipe;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

/// How many lines of stderr the report keeps.
const TAIL_LINES: usize = 20;
/// How many bytes of stderr the report keeps at most.
const TAIL_BYTES: usize = 4096;
/// The size of one read from a pipe.
const CHUNK: usize = 64 * 1024;

/// The places of one run's output.
#[derive(Debug, Clone)]
pub struct OutputPaths {
    pub stdout_fifo: PathBuf,
    pub stderr_fifo: PathBuf,
    pub log: PathBuf,
}

impl OutputPaths {
    /// The paths for run `run_id` of Bee `bee_id`: pipes in `pipes` (see [`pipe_dir`]), the log
    /// in the home's `data/`.
    pub fn new(pipes: &Path, data: &Path, bee_id: i64, run_id: i64) -> Self {
        Self {
            stdout_fifo: pipes.join(format!("{run_id}.out")),
            stderr_fifo: pipes.join(format!("{run_id}.err")),
            log: log_path(data, bee_id, run_id),
        }
    }

    /// The log of the previous part of the output, once the log has been rotated.
    pub fn rotated_log(&self) -> PathBuf {
        rotated(&self.log)
    }

    /// Removes the pipes; they are gone already when the run never started.
    pub fn remove_fifos(&self) {
        for fifo in [&self.stdout_fifo, &self.stderr_fifo] {
            let _ = std::fs::remove_file(fifo);
        }
    }
}

/// Where a node keeps its runs' pipes: a private directory in `/dev/shm` named by the node,
/// else `data/runs`. Both daemons of a home (before and after a restart) choose the same one.
pub fn pipe_dir(data: &Path, app_id: &str) -> PathBuf {
    let shared = Path::new("/dev/shm");
    if shared.is_dir() {
        let dir = shared.join(format!("wurker-{app_id}"));
        if private_dir(&dir) {
            return dir;
        }
    }
    data.join("runs")
}

/// Makes `dir` if needed and says whether it is ours alone.
fn private_dir(dir: &Path) -> bool {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt};
    let _ = std::fs::DirBuilder::new().mode(0o700).create(dir);
    std::fs::symlink_metadata(dir).is_ok_and(|meta| {
        meta.is_dir() && meta.uid() == nix::unistd::getuid().as_raw() && meta.mode() & 0o077 == 0
    })
}

/// A run's log file.
pub fn log_path(data: &Path, bee_id: i64, run_id: i64) -> PathBuf {
    data.join("logs")
        .join(bee_id.to_string())
        .join(format!("{run_id}.log"))
}

/// The file an older part of a log was moved to when the log reached its size limit.
pub fn rotated(log: &Path) -> PathBuf {
    let mut name = log.as_os_str().to_owned();
    name.push(".1");
    PathBuf::from(name)
}

/// Whether the log of run `run_id` would still be kept: fewer than `keep` newer runs of the Bee
/// have logs. A kept run without a log file printed nothing.
pub fn is_kept(data: &Path, bee_id: i64, run_id: i64, keep: usize) -> bool {
    let dir = data.join("logs").join(bee_id.to_string());
    let newer = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|entry| {
                    let name = entry.file_name();
                    name.to_str()?.strip_suffix(".log")?.parse::<i64>().ok()
                })
                .filter(|id| *id > run_id)
                .count()
        })
        .unwrap_or(0);
    newer < keep
}

/// Removes the oldest run logs of a Bee so that `keep` remain, sparing the runs in `live`.
pub fn prune(data: &Path, bee_id: i64, keep: usize, live: &[i64]) {
    let dir = data.join("logs").join(bee_id.to_string());
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    let mut runs: Vec<i64> = entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name();
            name.to_str()?.strip_suffix(".log")?.parse().ok()
        })
        .filter(|run_id| !live.contains(run_id))
        .collect();
    runs.sort_unstable_by(|a, b| b.cmp(a));
    for run_id in runs.into_iter().skip(keep) {
        let log = log_path(data, bee_id, run_id);
        let _ = std::fs::remove_file(rotated(&log));
        let _ = std::fs::remove_file(&log);
    }
}

/// The ends of the pipes the Bee writes to, given to the process as stdout and stderr.
#[derive(Debug)]
pub struct ChildEnds {
    pub stdout: File,
    pub stderr: File,
}

/// The daemon's ends of a run's pipes, opened before the Bee starts. A Bee that exits at once
/// leaves its output in the pipes only while some end is open: a reader that opened them by
/// name afterwards would find new, empty pipes.
#[derive(Debug)]
pub struct Readers {
    stdout: pipe::Receiver,
    stderr: pipe::Receiver,
}

/// Makes a run's pipes and its log directory, and opens the Bee's ends and the daemon's.
/// Must be called within the Tokio runtime.
///
/// # Errors
/// When the files cannot be created.
pub fn prepare(paths: &OutputPaths) -> std::io::Result<(ChildEnds, Readers)> {
    for dir in [paths.stdout_fifo.parent(), paths.log.parent()]
        .into_iter()
        .flatten()
    {
        std::fs::create_dir_all(dir)?;
    }
    for fifo in [&paths.stdout_fifo, &paths.stderr_fifo] {
        let _ = std::fs::remove_file(fifo);
        nix::unistd::mkfifo(fifo, Mode::S_IRUSR | Mode::S_IWUSR)?;
    }
    // Read and write: opening does not wait for a reader, and the Bee never sees a pipe
    // without a reader (see the module notes).
    let open = |path: &Path| {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
    };
    let ends = ChildEnds {
        stdout: open(&paths.stdout_fifo)?,
        stderr: open(&paths.stderr_fifo)?,
    };
    let readers = Readers {
        stdout: pipe::OpenOptions::new().open_receiver(&paths.stdout_fifo)?,
        stderr: pipe::OpenOptions::new().open_receiver(&paths.stderr_fifo)?,
    };
    Ok((ends, readers))
}

/// How far a run's log has been written, for readers that follow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// Bumped each time the log is rotated.
    pub generation: u32,
    /// Bytes in the current log file.
    pub len: u64,
    /// The run's output has ended.
    pub done: bool,
}

/// What the output of a run leaves for its report.
#[derive(Debug, Clone, Default)]
pub struct OutputSummary {
    /// The last lines of stderr, trimmed.
    pub stderr_tail: String,
    pub bytes: u64,
}

/// Drains both pipes into the log until both are closed by the Bee's side, or until `stop`
/// when processes that outlived the Bee still hold them. Returns the stderr tail. `readers`
/// are the ends opened before the Bee started; without them (a run adopted from a daemon
/// that died, whose Bee still holds its pipes) the pipes are opened by name.
pub async fn drain(
    paths: OutputPaths,
    readers: Option<Readers>,
    max_bytes: u64,
    progress: watch::Sender<Progress>,
    stop: CancellationToken,
) -> OutputSummary {
    let opened = match readers {
        Some(readers) => (Ok(readers.stdout), Ok(readers.stderr)),
        None => (
            pipe::OpenOptions::new().open_receiver(&paths.stdout_fifo),
            pipe::OpenOptions::new().open_receiver(&paths.stderr_fifo),
        ),
    };
    let (mut out, mut err) = match opened {
        (Ok(out), Ok(err)) => (Some(out), Some(err)),
        (out, err) => {
            let error = out
                .err()
                .or(err.err())
                .map(|e| e.to_string())
                .unwrap_or_default();
            tracing::error!(log = %paths.log.display(), error, "cannot open a run's output");
            progress.send_modify(|p| p.done = true);
            return OutputSummary::default();
        }
    };
    let mut log = LogWriter::open(&paths.log, max_bytes, progress).await;
    let mut tail = Tail::default();
    let (mut out_buf, mut err_buf) = (vec![0u8; CHUNK], vec![0u8; CHUNK]);
    while out.is_some() || err.is_some() {
        tokio::select! {
            read = read_some(&mut out, &mut out_buf) => match read {
                Some(n) => log.write(&out_buf[..n]).await,
                None => out = None,
            },
            read = read_some(&mut err, &mut err_buf) => match read {
                Some(n) => {
                    tail.push(&err_buf[..n]);
                    log.write(&err_buf[..n]).await;
                }
                None => err = None,
            },
            () = stop.cancelled() => break,
        }
    }
    log.finish().await;
    OutputSummary {
        stderr_tail: tail.text(),
        bytes: log.total,
    }
}

/// Reads what a pipe has; `None` at its end (or when it is already closed).
async fn read_some(pipe: &mut Option<pipe::Receiver>, buf: &mut [u8]) -> Option<usize> {
    match pipe {
        Some(receiver) => match receiver.read(buf).await {
            Ok(0) | Err(_) => None,
            Ok(n) => Some(n),
        },
        None => std::future::pending().await,
    }
}

/// The log file of one run, bounded: past its limit the file is moved aside (replacing the
/// previous one) and a new one started, so at most twice the limit is kept, newest output
/// first to survive.
struct LogWriter {
    path: PathBuf,
    file: Option<tokio::fs::File>,
    /// The file could not be written; the rest of the output is dropped.
    failed: bool,
    len: u64,
    total: u64,
    max_bytes: u64,
    progress: watch::Sender<Progress>,
}

impl LogWriter {
    /// A writer for `path`; the file is made at the first output (creating files is the
    /// costliest step of a short run, and many runs print nothing).
    async fn open(path: &Path, max_bytes: u64, progress: watch::Sender<Progress>) -> Self {
        // An adopted run appends to the log its first daemon started.
        let len = tokio::fs::metadata(path)
            .await
            .map(|m| m.len())
            .unwrap_or(0);
        progress.send_modify(|p| p.len = len);
        Self {
            path: path.to_path_buf(),
            file: None,
            failed: false,
            len,
            total: 0,
            max_bytes,
            progress,
        }
    }

    async fn file(&mut self) -> Option<&mut tokio::fs::File> {
        if self.file.is_none() && !self.failed {
            let opened = tokio::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.path)
                .await;
            match opened {
                Ok(file) => self.file = Some(file),
                Err(err) => {
                    tracing::error!(log = %self.path.display(), error = %err,
                        "cannot write a run's log");
                    self.failed = true;
                }
            }
        }
        self.file.as_mut()
    }

    async fn write(&mut self, bytes: &[u8]) {
        self.total += bytes.len() as u64;
        if self.len > 0 && self.len + bytes.len() as u64 > self.max_bytes {
            self.rotate().await;
        }
        let Some(file) = self.file().await else {
            return;
        };
        if let Err(err) = file.write_all(bytes).await {
            tracing::error!(log = %self.path.display(), error = %err, "cannot write a run's log");
            self.file = None;
            self.failed = true;
            return;
        }
        self.len += bytes.len() as u64;
        self.progress.send_modify(|p| p.len = self.len);
    }

    async fn rotate(&mut self) {
        self.file = None;
        if let Err(err) = tokio::fs::rename(&self.path, rotated(&self.path)).await {
            tracing::warn!(log = %self.path.display(), error = %err, "cannot rotate a run's log");
        }
        self.len = 0;
        self.progress.send_modify(|p| {
            p.generation += 1;
            p.len = 0;
        });
    }

    async fn finish(&mut self) {
        if let Some(file) = &mut self.file {
            let _ = file.flush().await;
        }
        self.progress.send_modify(|p| p.done = true);
    }
}

/// The last lines of stderr.
#[derive(Default)]
struct Tail {
    lines: VecDeque<Vec<u8>>,
    partial: Vec<u8>,
}

impl Tail {
    fn push(&mut self, bytes: &[u8]) {
        for piece in bytes.split_inclusive(|byte| *byte == b'\n') {
            self.partial.extend_from_slice(piece);
            // A line ends at its newline, or when it grows past what the tail keeps anyway.
            if piece.ends_with(b"\n") || self.partial.len() > TAIL_BYTES {
                let line = std::mem::take(&mut self.partial);
                self.keep(line);
            }
        }
    }

    fn keep(&mut self, line: Vec<u8>) {
        self.lines.push_back(line);
        while self.lines.len() > TAIL_LINES {
            self.lines.pop_front();
        }
    }

    fn text(mut self) -> String {
        if !self.partial.is_empty() {
            let line = std::mem::take(&mut self.partial);
            self.keep(line);
        }
        let joined: Vec<u8> = self.lines.into_iter().flatten().collect();
        let start = joined.len().saturating_sub(TAIL_BYTES);
        String::from_utf8_lossy(&joined[start..]).trim().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_keeps_the_last_lines() {
        let mut tail = Tail::default();
        for n in 0..50 {
            tail.push(format!("line {n}\n").as_bytes());
        }
        tail.push(b"no newline");
        let text = tail.text();
        assert!(text.starts_with("line 31\n"), "{text}");
        assert!(text.ends_with("line 49\nno newline"), "{text}");
    }

    #[test]
    fn tail_is_bounded_in_bytes() {
        let mut tail = Tail::default();
        tail.push(&vec![b'x'; 100_000]);
        assert!(tail.text().len() <= TAIL_BYTES);
    }
}
