//! The accept loop: one task per client, bounded in number, until shutdown.

use std::sync::Arc;
use std::time::Duration;

use interprocess::local_socket::tokio::Listener;
use interprocess::local_socket::traits::StreamCommon;
use interprocess::local_socket::traits::tokio::Listener as _;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::handlers::Context;
use crate::ipc::{MAX_CONNECTIONS, PeerPolicy, connection};

/// Accepts clients until `shutdown` is cancelled, serving each on its own task tracked by
/// `tasks`. Accept errors back off instead of spinning; refused peers are logged and dropped.
pub async fn serve(
    listener: Listener,
    ctx: Context,
    policy: PeerPolicy,
    shutdown: CancellationToken,
    tasks: TaskTracker,
) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut backoff = Duration::from_millis(10);
    let mut next_id: u64 = 0;
    loop {
        let accepted = tokio::select! {
            () = shutdown.cancelled() => break,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok(stream) => stream,
            Err(err) => {
                tracing::warn!(error = %err, backoff_ms = backoff.as_millis(), "accept failed");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(1));
                continue;
            }
        };
        backoff = Duration::from_millis(10);
        next_id += 1;

        match stream.peer_creds() {
            Ok(creds) if policy.allows(&creds) => {}
            Ok(creds) => {
                tracing::warn!(conn.id = next_id, peer.uid = ?creds.euid(), "peer refused");
                continue;
            }
            Err(err) => {
                tracing::warn!(conn.id = next_id, error = %err, "cannot read peer credentials");
                continue;
            }
        }
        let Ok(permit) = slots.clone().acquire_owned().await else {
            break;
        };
        let (ctx, shutdown) = (ctx.clone(), shutdown.clone());
        tasks.spawn(async move {
            connection::run(stream, ctx, shutdown, next_id).await;
            drop(permit);
        });
    }
    tracing::debug!("stopped accepting clients");
}
