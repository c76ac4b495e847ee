//! Every route, in one place.

use crate::app::AppState;
use crate::error::ApiError;
use crate::handlers::{health, market, messages, names, nodes, ons, premium};
use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::time::Instant;
use tower_http::catch_panic::CatchPanicLayer;

/// The largest request body accepted (a batch of 100 names of 64 characters fits easily);
/// storing a message takes up to [`messages::MAX_STORE_BODY_BYTES`].
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// The HTTP API.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/v1/names/batch", post(names::batch))
        .route("/v1/names/{name}", get(names::lookup))
        .route("/v1/names/{name}/offers", get(market::offers))
        .route("/v1/reverse/{session_id}", get(names::reverse))
        .route("/v1/owners/{address}/names", get(names::by_owner))
        .route("/v1/availability/{name}", get(names::availability))
        .route("/v1/listings", get(market::listings))
        .route("/v1/premium/{session_id}", get(premium::status))
        .route("/v1/premium/{session_id}/proof", get(premium::proof))
        .route(
            "/v1/messages/{session_id}",
            post(messages::store).layer(DefaultBodyLimit::max(messages::MAX_STORE_BODY_BYTES)),
        )
        .route(
            "/v1/messages/{session_id}/retrieve",
            post(messages::retrieve),
        )
        .route("/v1/messages/{session_id}/delete", post(messages::delete))
        .route("/v1/nodes", get(nodes::list))
        .route("/v1/nodes/{id}", get(nodes::one))
        .route("/v1/ons", post(ons::post))
        .route("/v1/ons/{name_hash}", get(ons::get))
        .route("/json_rpc", post(ons::json_rpc))
        .route("/", post(ons::json_rpc))
        .route("/v1/identity", get(health::identity))
        .route("/v1/flagged", get(health::flagged))
        .route("/v1/debug/dump", get(health::dump))
        .route("/health", get(health::health))
        .route("/metrics", get(health::metrics))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(CatchPanicLayer::new())
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::NotFound("no such route; see docs/api.md".into())
}

/// Counts requests by route and status, times them, and logs them.
async fn observe(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.extensions().get::<MatchedPath>().cloned();
    let route = path.as_ref().map_or("unmatched", MatchedPath::as_str);
    let method = request.method().clone();
    let started = Instant::now();
    let response = next.run(request).await.into_response();
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    app.metrics.observe_request(route, status, elapsed);
    tracing::debug!(%method, route, status, micros = elapsed.as_micros() as u64, "request");
    response
}
