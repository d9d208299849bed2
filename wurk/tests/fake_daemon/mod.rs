//! A stand-in for `wurkerd` that serves exactly one connection: it answers the client's hello
//! with a chosen hello, records the one request that follows and answers it with a chosen
//! response. It lets the CLI's happy and error paths be tested without the real daemon.

use std::path::PathBuf;
use std::thread::JoinHandle;
use std::time::Duration;

use futures::{SinkExt as _, StreamExt as _};
use interprocess::local_socket::tokio::{Listener, prelude::*};
use interprocess::local_socket::{GenericFilePath, ListenerOptions};
use tempfile::TempDir;
use tokio_util::codec::Framed;

use protocol::codec::{self, Hello, frame_codec};
use protocol::{Request, Response};

/// How long the fake waits for the client before giving up, so a broken test fails instead
/// of hanging.
const PATIENCE: Duration = Duration::from_secs(10);

/// A listening fake daemon; [`FakeDaemon::request`] waits for its one conversation to end.
pub struct FakeDaemon {
    /// Where it listens; the temp dir holding it lives as long as the fake.
    pub socket: PathBuf,
    _dir: TempDir,
    conversation: JoinHandle<Option<Request>>,
}

impl FakeDaemon {
    /// Listens on a socket in a fresh temp dir, ready before this returns.
    pub fn start(hello: Hello, reply: Response) -> Self {
        Self::listen(|listener| serve_one(listener, hello, reply))
    }

    /// Listens, accepts one connection and never says a word on it.
    pub fn silent() -> Self {
        Self::listen(stay_silent)
    }

    fn listen<F, S>(serve: S) -> Self
    where
        S: FnOnce(Listener) -> F + Send + 'static,
        F: Future<Output = Option<Request>>,
    {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("wurkerd.sock");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();

        let listener = {
            let _entered = runtime.enter();
            let name = socket.clone().to_fs_name::<GenericFilePath>().unwrap();
            ListenerOptions::new().name(name).create_tokio().unwrap()
        };
        let conversation = std::thread::spawn(move || {
            let serve = serve(listener);
            runtime.block_on(async { tokio::time::timeout(PATIENCE, serve).await.ok().flatten() })
        });
        Self {
            socket,
            _dir: dir,
            conversation,
        }
    }

    /// The request the client sent, `None` if it hung up before sending one.
    pub fn request(self) -> Option<Request> {
        self.conversation.join().unwrap()
    }
}

async fn serve_one(listener: Listener, hello: Hello, reply: Response) -> Option<Request> {
    let stream = listener.accept().await.unwrap();
    let mut frames = Framed::new(stream, frame_codec());

    let theirs: Hello = codec::decode(&frames.next().await?.unwrap()).unwrap();
    assert_eq!(
        theirs.software,
        format!("wurk {}", env!("CARGO_PKG_VERSION"))
    );
    frames.send(codec::encode(&hello).unwrap()).await.unwrap();

    let request: Request = codec::decode(&frames.next().await?.ok()?).unwrap();
    frames.send(codec::encode(&reply).unwrap()).await.unwrap();
    Some(request)
}

async fn stay_silent(listener: Listener) -> Option<Request> {
    let stream = listener.accept().await.unwrap();
    let mut frames = Framed::new(stream, frame_codec());
    while frames.next().await.is_some() {}
    None
}
