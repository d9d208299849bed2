//! One client connection: the hello exchange, then requests answered in order until the client
//! leaves, sends something that is not ours, or the daemon shuts down.

use futures::{SinkExt, StreamExt};
use interprocess::local_socket::tokio::Stream;
use protocol::codec::{self, Hello};
use protocol::{Request, Response};
use tokio_util::codec::Framed;
use tokio_util::sync::CancellationToken;

use crate::handlers::{self, Context};
use crate::ipc::HANDSHAKE_TIMEOUT;

/// Serves one client. Errors end only this connection and are logged, never propagated.
#[tracing::instrument(name = "connection", skip_all, fields(conn.id = id))]
pub async fn run(stream: Stream, ctx: Context, shutdown: CancellationToken, id: u64) {
    let mut framed = Framed::new(stream, codec::frame_codec());
    if let Err(why) = handshake(&mut framed).await {
        tracing::debug!(reason = %why, "handshake failed");
        return;
    }
    loop {
        let frame = tokio::select! {
            () = shutdown.cancelled() => break,
            frame = framed.next() => frame,
        };
        let payload = match frame {
            None => break,
            Some(Ok(payload)) => payload,
            Some(Err(err)) => {
                tracing::warn!(error = %err, "bad frame; closing the connection");
                break;
            }
        };
        let request: Request = match codec::decode(&payload) {
            Ok(request) => request,
            Err(err) => {
                tracing::warn!(error = %err, "undecodable request; closing the connection");
                break;
            }
        };
        if let Request::Logs { bee, run, follow } = request {
            let mut responses = handlers::logs::stream(&ctx, bee, run, follow);
            while let Some(response) = responses.recv().await {
                if !send(&mut framed, &response).await {
                    return;
                }
            }
            continue;
        }
        let response = answer(&ctx, request).await;
        if !send(&mut framed, &response).await {
            break;
        }
    }
}

/// Sends one response; false when the connection is no longer usable.
async fn send(
    framed: &mut Framed<Stream, tokio_util::codec::LengthDelimitedCodec>,
    response: &Response,
) -> bool {
    let Ok(bytes) = codec::encode(response) else {
        tracing::error!("a response could not be encoded; closing the connection");
        return false;
    };
    if let Err(err) = framed.send(bytes).await {
        tracing::debug!(error = %err, "client went away before its answer");
        return false;
    }
    true
}

#[tracing::instrument(name = "request", skip_all, fields(request = request_name(&request)))]
async fn answer(ctx: &Context, request: Request) -> Response {
    tracing::debug!("request received");
    handlers::handle(ctx, request).await
}

fn request_name(request: &Request) -> &'static str {
    match request {
        Request::ShowCommands { .. } => "show_commands",
        Request::ShowCrons { .. } => "show_crons",
        Request::ShowBees { .. } => "show_bees",
        Request::ShowOverview => "show_overview",
        Request::Add { .. } => "add",
        Request::Edit { .. } => "edit",
        Request::Remove { .. } => "remove",
        Request::Run { .. } => "run",
        Request::Kill { .. } => "kill",
        Request::Report(_) => "report",
        Request::Status => "status",
        Request::Control(_) => "control",
        Request::Logs { .. } => "logs",
        Request::Sting(_) => "sting",
        Request::Unsting { .. } => "unsting",
        Request::Resting { .. } => "resting",
        Request::Extract(_) => "extract",
        Request::Refactor { .. } => "refactor",
        Request::Seed(_) => "seed",
        Request::SeedCheck { .. } => "seed_check",
        Request::Init(_) => "init",
        Request::ReloadConfig => "reload_config",
    }
}

/// Sends our hello, then waits (bounded) for the client's and checks it.
async fn handshake(
    framed: &mut Framed<Stream, tokio_util::codec::LengthDelimitedCodec>,
) -> Result<(), String> {
    let ours = codec::encode(&Hello::ours("wurkerd")).map_err(|err| err.to_string())?;
    framed.send(ours).await.map_err(|err| err.to_string())?;
    let frame = tokio::time::timeout(HANDSHAKE_TIMEOUT, framed.next())
        .await
        .map_err(|_| "no hello within the time allowed".to_string())?;
    let payload = match frame {
        Some(Ok(payload)) => payload,
        Some(Err(err)) => return Err(err.to_string()),
        None => return Err("closed before saying hello".to_string()),
    };
    let theirs: Hello = codec::decode(&payload).map_err(|err| err.to_string())?;
    theirs.check().map_err(|err| err.to_string())
}
