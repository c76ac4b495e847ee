//! ONS: `ons_resolve` as Session clients call it (libsession's
//! `decrypt_ons_response`), over REST and JSON-RPC. See `docs/api.md`.
//!
//! Every name that does not resolve gets the same "not found" answer, whatever
//! the reason, so the answer tells nothing about why.

use crate::app::AppState;
use crate::handlers::error::{ApiError, ApiResult};
use crate::handlers::extract::{JsonObject, PathParam};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use serde_json::{Value, json};
use sesh_core::ons::{NameHash, OnsRequest, OnsResult, TYPE_SESSION};

/// JSON-RPC: the body is not JSON.
pub(crate) const PARSE_ERROR: i64 = -32700;
/// JSON-RPC: not a request object.
pub(crate) const INVALID_REQUEST: i64 = -32600;
/// JSON-RPC: another method than `ons_resolve`.
pub(crate) const METHOD_NOT_FOUND: i64 = -32601;
/// JSON-RPC: bad `params` (type other than 0, malformed name hash).
pub(crate) const INVALID_PARAMS: i64 = -32602;
/// JSON-RPC: the node cannot answer now.
pub(crate) const INTERNAL_ERROR: i64 = -32603;

/// Checks a request: type 0 and a well-formed name hash.
fn parse(kind: u16, name_hash: &str) -> ApiResult<NameHash> {
    if kind != TYPE_SESSION {
        return Err(ApiError::OnsType(kind));
    }
    Ok(NameHash::parse(name_hash)?)
}

fn resolve(app: &AppState, kind: u16, name_hash: &str) -> ApiResult<OnsResult> {
    let hash = parse(kind, name_hash)?;
    app.ons_resolve(hash)?.ok_or(ApiError::OnsNotFound)
}

/// `GET /v1/ons/{name_hash}` (type 0).
pub(crate) async fn get(
    State(app): State<AppState>,
    PathParam(name_hash): PathParam<String>,
) -> ApiResult<Json<OnsResult>> {
    resolve(&app, TYPE_SESSION, &name_hash).map(Json)
}

/// `POST /v1/ons` with `{"type":0,"name_hash":"…"}`.
pub(crate) async fn post(
    State(app): State<AppState>,
    JsonObject(request): JsonObject<OnsRequest>,
) -> ApiResult<Json<OnsResult>> {
    resolve(&app, request.kind, &request.name_hash).map(Json)
}

fn rpc_error(id: Value, code: i64, message: impl Into<String>) -> Json<Value> {
    Json(json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": {"code": code, "message": message.into()},
    }))
}

/// `POST /json_rpc` (and `POST /`): JSON-RPC 2.0 `ons_resolve`. A name that does not
/// resolve answers `"result": {}` (no `encrypted_value`), as oxend does.
pub(crate) async fn json_rpc(State(app): State<AppState>, body: Bytes) -> Json<Value> {
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return rpc_error(
            Value::Null,
            PARSE_ERROR,
            "parse error: the body is not JSON",
        );
    };
    let Some(object) = request.as_object() else {
        return rpc_error(
            Value::Null,
            INVALID_REQUEST,
            "invalid request: not an object",
        );
    };
    let id = object.get("id").cloned().unwrap_or(Value::Null);
    let Some(method) = object.get("method").and_then(Value::as_str) else {
        return rpc_error(id, INVALID_REQUEST, "invalid request: no method");
    };
    if method != "ons_resolve" {
        return rpc_error(
            id,
            METHOD_NOT_FOUND,
            format!("method {method:?} not found; this node answers ons_resolve"),
        );
    }
    let params = object.get("params").cloned().unwrap_or(Value::Null);
    let request: OnsRequest = match serde_json::from_value(params) {
        Ok(request) => request,
        Err(e) => {
            return rpc_error(
                id,
                INVALID_PARAMS,
                format!("invalid params: {e}; expected {{\"type\":0,\"name_hash\":\"…\"}}"),
            );
        }
    };
    let hash = match parse(request.kind, &request.name_hash) {
        Ok(hash) => hash,
        Err(e) => return rpc_error(id, INVALID_PARAMS, format!("invalid params: {e}")),
    };
    match app.ons_resolve(hash) {
        Ok(Some(result)) => Json(json!({"jsonrpc": "2.0", "id": id, "result": result})),
        Ok(None) => Json(json!({"jsonrpc": "2.0", "id": id, "result": {}})),
        Err(e) => {
            tracing::error!(error = %e, "ons_resolve");
            rpc_error(id, INTERNAL_ERROR, "internal error")
        }
    }
}
