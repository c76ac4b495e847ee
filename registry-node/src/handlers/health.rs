//! Operations: health, metrics, identity, flagged events, the index dump.

use crate::app::AppState;
use crate::handlers::error::{ApiError, ApiResult};
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use sesh_core::api::{FlaggedResponse, HealthResponse, IdentityResponse};
use std::collections::BTreeMap;

/// `GET /health`: 200 when the RPC answers and the index keeps up, 503 otherwise (the node
/// still serves lookups then, marked stale).
pub(crate) async fn health(State(app): State<AppState>) -> impl IntoResponse {
    let freshness = app.status.freshness();
    let healthy = !freshness.stale;
    let body = HealthResponse {
        status: if healthy { "ok" } else { "degraded" }.into(),
        indexed_block: freshness.head.answer.block,
        chain_head: freshness.chain_head,
        lag_blocks: freshness.lag_blocks,
        rpc_reachable: app.status.rpc_ok(),
        seconds_since_rpc: app.status.seconds_since_rpc(),
    };
    let status = if healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body))
}

/// `GET /metrics`: Prometheus text.
pub(crate) async fn metrics(State(app): State<AppState>) -> impl IntoResponse {
    let freshness = app.status.freshness();
    let mailbox = app.mailbox.totals().unwrap_or_else(|error| {
        tracing::warn!(%error, "cannot read the mailbox totals");
        Default::default()
    });
    let text = app.metrics.render(&[
        (
            "registry_indexed_block",
            "The last block indexed.",
            freshness.head.answer.block,
        ),
        (
            "registry_chain_head",
            "The chain head last seen.",
            freshness.chain_head,
        ),
        (
            "registry_head_lag_blocks",
            "Blocks between the chain head and the index.",
            freshness.lag_blocks,
        ),
        (
            "registry_rpc_up",
            "Whether the last RPC call succeeded.",
            u64::from(app.status.rpc_ok()),
        ),
        (
            "registry_answer_signatures",
            "Signatures made over answers since start (cached per record change).",
            app.signatures_made(),
        ),
        (
            "registry_answer_cache_entries",
            "Name answers held rendered in memory.",
            app.answers.len() as u64,
        ),
        (
            "registry_answer_cache_bytes",
            "Memory the rendered name answers take, bytes.",
            app.answers.weight(),
        ),
        (
            "registry_mailbox_messages",
            "Messages held in mailboxes.",
            mailbox.messages,
        ),
        (
            "registry_mailbox_bytes",
            "Envelope bytes held in mailboxes.",
            mailbox.bytes,
        ),
        (
            "registry_mailbox_recipients",
            "Recipients with at least one message held.",
            mailbox.recipients,
        ),
    ]) + &app.police.counters.exposition();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text)
}

/// `GET /v1/identity`.
pub(crate) async fn identity(State(app): State<AppState>) -> Json<IdentityResponse> {
    Json(IdentityResponse {
        node_key: app.node_key(),
        chain_id: app.deployment.chain_id,
        contracts: app.deployment.contracts.clone(),
        version: env!("CARGO_PKG_VERSION").into(),
        freshness: app.status.freshness(),
    })
}

/// `GET /v1/flagged`.
pub(crate) async fn flagged(State(app): State<AppState>) -> ApiResult<Json<FlaggedResponse>> {
    Ok(Json(FlaggedResponse {
        flagged: app.flagged()?,
    }))
}

/// `GET /v1/debug/dump` (only with `enable_dump`): every index table and the cursor.
pub(crate) async fn dump(
    State(app): State<AppState>,
) -> ApiResult<Json<BTreeMap<String, BTreeMap<String, String>>>> {
    if !app.enable_dump {
        return Err(ApiError::DumpDisabled);
    }
    Ok(Json(app.store.dump()?))
}
