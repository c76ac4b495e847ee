//! The WebSocket RPC transport: connected lazily, rebuilt after it died, with
//! our TLS roots for `wss://`.
//!
//! alloy's own `WsConnect` builds its TLS connector from webpki's roots alone,
//! so a `wss://` RPC behind a private CA could never be reached; [`WsTls`]
//! makes the same connection with [`super::TrustRoots`]' configuration and
//! hands the socket to alloy's backend.
//!
//! Over WebSocket the connection is made on first use (a registry node starts
//! and serves its index even when the RPC is down) and rebuilt whenever the
//! old one is gone: [`ReconnectingWs`] holds the current connection and
//! replaces it on the next call after it died. Callers see failed calls as RPC
//! errors and retry them as they would over HTTP.

use alloy::pubsub::{ConnectionHandle, PubSubConnect, PubSubFrontend};
use alloy::rpc::json_rpc::{RequestPacket, ResponsePacket};
use alloy::transports::ws::WsBackend;
use alloy::transports::{TransportError, TransportErrorKind, TransportFut, TransportResult};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio_tungstenite::Connector;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// alloy's keepalive: a ping after this long without traffic.
const KEEPALIVE: Duration = Duration::from_secs(10);

/// One WebSocket connection with our TLS configuration.
#[derive(Debug, Clone)]
struct WsTls {
    url: String,
    tls: Arc<rustls::ClientConfig>,
}

impl PubSubConnect for WsTls {
    fn is_local(&self) -> bool {
        alloy::transports::utils::guess_local_url(&self.url)
    }

    async fn connect(&self) -> TransportResult<ConnectionHandle> {
        let request = self
            .url
            .as_str()
            .into_client_request()
            .map_err(TransportErrorKind::custom)?;
        let (socket, _) = tokio_tungstenite::connect_async_tls_with_config(
            request,
            None,
            false,
            Some(Connector::Rustls(self.tls.clone())),
        )
        .await
        .map_err(TransportErrorKind::custom)?;
        let (handle, interface) = ConnectionHandle::new();
        WsBackend::from_socket(socket, interface, KEEPALIVE).spawn();
        // alloy retries a dropped socket a few times by itself; once it gives up, calls fail
        // with `BackendGone` and [`ReconnectingWs`] builds a fresh connection.
        Ok(handle
            .with_max_retries(3)
            .with_retry_interval(Duration::from_millis(500)))
    }
}

/// A WebSocket transport that connects on first use and reconnects after the connection died.
#[derive(Debug, Clone)]
pub struct ReconnectingWs {
    connect: WsTls,
    /// The current connection and its generation (so a failure of an old one never drops a
    /// newer one).
    current: Arc<tokio::sync::Mutex<(u64, Option<PubSubFrontend>)>>,
}

impl ReconnectingWs {
    /// Not connected yet.
    pub fn new(url: &str, tls: Arc<rustls::ClientConfig>) -> Self {
        Self {
            connect: WsTls {
                url: url.to_string(),
                tls,
            },
            current: Arc::default(),
        }
    }

    /// The live connection, made now if there is none (one connect at a time).
    async fn connection(&self) -> Result<(u64, PubSubFrontend), TransportError> {
        let mut current = self.current.lock().await;
        if let Some(frontend) = &current.1 {
            return Ok((current.0, frontend.clone()));
        }
        let frontend = self.connect.clone().into_service().await?;
        tracing::info!(url = %self.connect.url, "connected to the WebSocket RPC");
        current.0 += 1;
        current.1 = Some(frontend.clone());
        Ok((current.0, frontend))
    }

    /// Drops connection `generation` (it is gone) if it is still the current one.
    async fn forget(&self, generation: u64) {
        let mut current = self.current.lock().await;
        if current.0 == generation && current.1.take().is_some() {
            tracing::warn!(url = %self.connect.url, "the WebSocket RPC connection is gone; reconnecting on the next call");
        }
    }
}

impl tower::Service<RequestPacket> for ReconnectingWs {
    type Response = ResponsePacket;
    type Error = TransportError;
    type Future = TransportFut<'static>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: RequestPacket) -> Self::Future {
        let this = self.clone();
        Box::pin(async move {
            let (generation, frontend) = this.connection().await?;
            let result = frontend.send_packet(request).await;
            if let Err(TransportError::Transport(TransportErrorKind::BackendGone)) = &result {
                this.forget(generation).await;
            }
            result
        })
    }
}
