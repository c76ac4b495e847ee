//! Graceful shutdown: SIGINT or SIGTERM cancels one token, which stops both the
//! HTTP server (after in-flight requests) and the indexer (between batches).
//!
//! The token is cancelled before anything is logged, so stopping never depends on
//! writing a log line (and logging never fails or blocks; see [`crate::telemetry`]).

use tokio_util::sync::CancellationToken;

/// Cancels `token` on SIGINT or SIGTERM.
///
/// The handlers are installed before this returns, so a signal that arrives right after
/// is not missed.
pub(crate) fn cancel_on_signal(token: CancellationToken) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let install = |kind: SignalKind, name: &'static str| match signal(kind) {
            Ok(stream) => Some(stream),
            Err(error) => {
                tracing::error!(%error, "cannot handle {name}");
                None
            }
        };
        let mut interrupt = install(SignalKind::interrupt(), "SIGINT");
        let mut terminate = install(SignalKind::terminate(), "SIGTERM");
        tokio::spawn(async move {
            let name = tokio::select! {
                () = received(&mut interrupt) => "SIGINT",
                () = received(&mut terminate) => "SIGTERM",
            };
            token.cancel();
            tracing::info!("{name}: shutting down");
        });
    }
    #[cfg(not(unix))]
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        token.cancel();
        tracing::info!("interrupt: shutting down");
    });
}

/// The next signal of `stream`; never, when its handler could not be installed.
#[cfg(unix)]
async fn received(stream: &mut Option<tokio::signal::unix::Signal>) {
    match stream {
        Some(stream) => {
            stream.recv().await;
        }
        None => std::future::pending().await,
    }
}
