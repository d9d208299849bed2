//! The connection to `wurkerd`: connect to its local socket, exchange hellos, then send
//! requests and read one response for each. Every wait is bounded, so a daemon that hangs gives
//! a clear error instead of a stuck command.

use std::io;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context as _, bail};
use futures::{SinkExt as _, StreamExt as _};
use interprocess::local_socket::GenericFilePath;
use interprocess::local_socket::tokio::{Stream, prelude::*};
use tokio_util::codec::{Framed, LengthDelimitedCodec};

use protocol::codec::{self, Hello, frame_codec};
use protocol::{Request, Response};

use crate::endpoint::Endpoint;

/// How long the daemon has to accept the connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// How long the daemon has to answer our hello with its own.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(2);
/// How long the daemon has to answer one request.
const REPLY_TIMEOUT: Duration = Duration::from_secs(30);

/// Nothing listens at the socket: the daemon is not running (or listens elsewhere).
#[derive(Debug, thiserror::Error)]
#[error("wurkerd is not running: nothing answers at {}; {start_hint}", socket.display())]
pub struct NotRunning {
    /// The socket that nobody answers at.
    pub socket: PathBuf,
    /// How to start a daemon there, from [`Endpoint::start_hint`].
    pub start_hint: String,
}

/// An open, handshaken connection to the daemon.
pub struct Connection {
    frames: Framed<Stream, LengthDelimitedCodec>,
    socket: PathBuf,
}

impl Connection {
    /// Connects to the daemon at the endpoint and exchanges hellos.
    ///
    /// # Errors
    /// [`NotRunning`] when the socket file is missing or refuses the connection; otherwise an
    /// error naming the socket when the connection or handshake fails or takes too long, or
    /// when the peer is not `wurkerd` or speaks another protocol version.
    pub async fn open(endpoint: &Endpoint) -> anyhow::Result<Self> {
        let stream = connect(endpoint).await?;
        tracing::debug!(socket.path = %endpoint.socket.display(), "connected");

        let frames = Framed::new(stream, frame_codec());
        let mut connection = Self {
            frames,
            socket: endpoint.socket.clone(),
        };
        within(HANDSHAKE_TIMEOUT, "no hello", connection.handshake())
            .await
            .with_context(|| format!("handshake with wurkerd at {}", endpoint.socket.display()))?;
        Ok(connection)
    }

    async fn handshake(&mut self) -> anyhow::Result<()> {
        self.send(&Hello::ours("wurk")).await?;

        let theirs: Hello = self.receive().await?;
        tracing::debug!(peer.software = %theirs.software, "daemon said hello");
        theirs.check()?;
        Ok(())
    }

    /// Sends one request and waits for its response.
    ///
    /// # Errors
    /// The daemon's [`protocol::ErrorReply`] when it answers with an error, unwrapped, so that
    /// its message is the whole error; otherwise an error naming the socket when sending fails,
    /// the connection closes, the reply is not a response, or no reply comes in time.
    pub async fn call(&mut self, request: &Request) -> anyhow::Result<Response> {
        let reply = self
            .exchange(request)
            .await
            .with_context(|| format!("talking to wurkerd at {}", self.socket.display()))?;
        match reply {
            Response::Error(error) => Err(error.into()),
            response => Ok(response),
        }
    }

    async fn exchange(&mut self, request: &Request) -> anyhow::Result<Response> {
        self.send(request).await?;
        let reply = match waits_for_runs(request) {
            true => self.receive::<Response>().await?,
            false => within(REPLY_TIMEOUT, "no answer", self.receive::<Response>()).await?,
        };
        tracing::trace!(reply = reply.kind(), "reply received");
        Ok(reply)
    }

    /// Sends a request whose answer is a stream (a log), handing each response but the last
    /// to `each`, until `Done`.
    ///
    /// # Errors
    /// The daemon's error reply, an error from `each`, or a broken connection.
    pub async fn stream(
        &mut self,
        request: &Request,
        mut each: impl FnMut(Response) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        self.send(request).await?;
        loop {
            let response = self
                .receive::<Response>()
                .await
                .with_context(|| format!("talking to wurkerd at {}", self.socket.display()))?;
            match response {
                Response::Done => return Ok(()),
                Response::Error(error) => return Err(error.into()),
                other => each(other)?,
            }
        }
    }

    async fn send<T: serde::Serialize>(&mut self, message: &T) -> anyhow::Result<()> {
        let payload = codec::encode(message)?;
        self.frames.send(payload).await.context("sending a message")
    }

    async fn receive<T: serde::de::DeserializeOwned>(&mut self) -> anyhow::Result<T> {
        let frame = match self.frames.next().await {
            Some(frame) => frame.context("reading a message")?,
            None => bail!("wurkerd closed the connection"),
        };
        Ok(codec::decode(&frame)?)
    }
}

/// Whether the answer to a request comes only when runs end (`run --wait`, `kill`), which
/// may take longer than any fixed limit.
fn waits_for_runs(request: &Request) -> bool {
    matches!(
        request,
        Request::Run { wait: true, .. } | Request::Kill { .. }
    )
}

/// Awaits a step of the conversation, failing with `missing` when it takes longer than `limit`.
async fn within<T>(
    limit: Duration,
    missing: &str,
    step: impl Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<T> {
    match tokio::time::timeout(limit, step).await {
        Ok(outcome) => outcome,
        Err(_) => bail!("{missing} within {} s", limit.as_secs()),
    }
}

async fn connect(endpoint: &Endpoint) -> anyhow::Result<Stream> {
    let socket = &endpoint.socket;
    let name = socket
        .as_path()
        .to_fs_name::<GenericFilePath>()
        .with_context(|| format!("using {} as a socket path", socket.display()))?;

    let attempt = tokio::time::timeout(CONNECT_TIMEOUT, Stream::connect(name)).await;
    match attempt {
        Err(_) => bail!(
            "connecting to wurkerd at {}: not accepted within {} s",
            socket.display(),
            CONNECT_TIMEOUT.as_secs()
        ),
        Ok(Ok(stream)) => Ok(stream),
        Ok(Err(err)) if is_nobody_there(&err) => Err(NotRunning {
            socket: socket.clone(),
            start_hint: endpoint.start_hint.clone(),
        }
        .into()),
        Ok(Err(err)) => {
            Err(err).with_context(|| format!("connecting to wurkerd at {}", socket.display()))
        }
    }
}

/// A missing socket file and a refused connection (a stale socket file) both mean that no
/// daemon listens there.
fn is_nobody_there(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::NotFound | io::ErrorKind::ConnectionRefused
    )
}

/// Sends one request to the daemon on a fresh connection and returns its response, driving the
/// connection on a single-threaded runtime (the CLI makes one call, so start-up time matters
/// more than throughput).
///
/// # Errors
/// As [`Connection::open`] and [`Connection::call`], or when the runtime cannot be created.
pub fn call(endpoint: &Endpoint, request: &Request) -> anyhow::Result<Response> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .context("starting the async runtime")?;

    runtime.block_on(async {
        let mut connection = Connection::open(endpoint).await?;
        connection.call(request).await
    })
}

/// Sends one request whose answer is a stream and hands each piece to `each`; see
/// [`Connection::stream`].
///
/// # Errors
/// As [`Connection::open`] and [`Connection::stream`].
pub fn stream(
    endpoint: &Endpoint,
    request: &Request,
    each: impl FnMut(Response) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let mut connection = Connection::open(endpoint).await?;
        connection.stream(request, each).await
    })
}
