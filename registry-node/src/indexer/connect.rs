//! The chain connection: one [`DynProvider`] for an HTTP or a WebSocket RPC URL.
//!
//! Over HTTP every call is its own request, so an RPC that goes away and comes
//! back needs nothing special. Over WebSocket the connection is made lazily (a
//! node starts and serves its index even when the RPC is down) and rebuilt
//! whenever the old one is gone: [`ReconnectingWs`] holds the current
//! connection and replaces it on the next call after it died. Callers see
//! failed calls as RPC errors and retry them with backoff, exactly as over
//! HTTP; the indexer's batch/cursor design makes a retried step neither lose
//! nor duplicate anything.

use crate::config::RpcScheme;
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::pubsub::{PubSubConnect, PubSubFrontend};
use alloy::rpc::client::RpcClient;
use alloy::rpc::json_rpc::{RequestPacket, ResponsePacket};
use alloy::transports::ws::WsConnect;
use alloy::transports::{TransportError, TransportErrorKind, TransportFut};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

/// A provider for `url` (`http(s)://` or `ws(s)://`).
pub fn provider(url: &str) -> Result<DynProvider, String> {
    match crate::config::rpc_scheme(url).map_err(|e| e.to_string())? {
        RpcScheme::Http => Ok(ProviderBuilder::new()
            .connect_http(
                url.parse()
                    .map_err(|e| format!("the RPC URL {url:?} is not a URL: {e}"))?,
            )
            .erased()),
        RpcScheme::Ws => Ok(ProviderBuilder::new()
            .connect_client(RpcClient::new(ReconnectingWs::new(url), false))
            .erased()),
    }
}

/// A WebSocket transport that connects on first use and reconnects after the connection died.
#[derive(Debug, Clone)]
pub struct ReconnectingWs {
    url: String,
    /// The current connection and its generation (so a failure of an old one never drops a
    /// newer one).
    current: Arc<tokio::sync::Mutex<(u64, Option<PubSubFrontend>)>>,
}

impl ReconnectingWs {
    /// Not connected yet.
    pub fn new(url: &str) -> Self {
        Self {
            url: url.to_string(),
            current: Arc::default(),
        }
    }

    /// The live connection, made now if there is none (one connect at a time).
    async fn connection(&self) -> Result<(u64, PubSubFrontend), TransportError> {
        let mut current = self.current.lock().await;
        if let Some(frontend) = &current.1 {
            return Ok((current.0, frontend.clone()));
        }
        // alloy retries a dropped socket a few times by itself; once it gives up, calls fail
        // with `BackendGone` and the next call builds a fresh connection here.
        let frontend = WsConnect::new(self.url.clone())
            .with_max_retries(3)
            .with_retry_interval(Duration::from_millis(500))
            .into_service()
            .await?;
        tracing::info!(url = %self.url, "connected to the WebSocket RPC");
        current.0 += 1;
        current.1 = Some(frontend.clone());
        Ok((current.0, frontend))
    }

    /// Drops connection `generation` (it is gone) if it is still the current one.
    async fn forget(&self, generation: u64) {
        let mut current = self.current.lock().await;
        if current.0 == generation && current.1.take().is_some() {
            tracing::warn!(url = %self.url, "the WebSocket RPC connection is gone; reconnecting on the next call");
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
