//! Mailboxes: store (anyone), retrieve and delete (the owner, signed).

use crate::app::AppState;
use crate::handlers::error::{ApiError, ApiResult};
use crate::handlers::extract::{JsonObject, SessionIdParam};
use crate::mailbox::now_ms;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use sesh_core::SessionId;
use sesh_core::api::{
    DeleteRequest, DeleteResponse, MAX_MESSAGE_BYTES, MAX_PREMIUM_TTL_MS, MAX_RETRIEVE, MAX_TTL_MS,
    MIN_TTL_MS, RetrieveRequest, RetrieveResponse, StoreRequest, StoreResponse,
};
use sesh_core::envelope::{self, MessageHash};
use sesh_core::swarm::{self, SWARM_SIZE};

/// The largest store body: the base64 of [`MAX_MESSAGE_BYTES`] and the JSON around it.
pub(crate) const MAX_STORE_BODY_BYTES: usize = MAX_MESSAGE_BYTES.div_ceil(3) * 4 + 1024;

/// `POST /v1/messages/{session_id}`: keep an envelope for the Session ID.
pub(crate) async fn store(
    State(app): State<AppState>,
    SessionIdParam(session_id): SessionIdParam,
    body: Result<JsonObject<StoreRequest>, ApiError>,
) -> ApiResult<Json<StoreResponse>> {
    let JsonObject(request) = body.map_err(|error| match error.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::StoreBodyTooLarge {
            max_body: MAX_STORE_BODY_BYTES,
        },
        _ => error,
    })?;
    if request.namespace != 0 {
        return Err(ApiError::BadRequest(format!(
            "namespace {} does not take stores: only namespace 0 (the inbox) does",
            request.namespace
        )));
    }
    if request.data.is_empty() {
        return Err(ApiError::BadRequest("the message is empty".into()));
    }
    if request.data.len() > MAX_MESSAGE_BYTES {
        return Err(ApiError::MessageTooLarge(request.data.len()));
    }
    let now = now_ms();
    let premium = app.premium_expiry(session_id)?.saturating_mul(1000) > now;
    let max_ttl = if premium {
        MAX_PREMIUM_TTL_MS
    } else {
        MAX_TTL_MS
    };
    if !(MIN_TTL_MS..=max_ttl).contains(&request.ttl_ms) {
        let why = if premium {
            " (the recipient has premium)"
        } else if request.ttl_ms <= MAX_PREMIUM_TTL_MS {
            " (up to 30 days when the recipient has premium)"
        } else {
            ""
        };
        return Err(ApiError::BadRequest(format!(
            "ttl_ms {} is out of range: from {MIN_TTL_MS} (10 s) to {max_ttl} ({}){why}",
            request.ttl_ms,
            sesh_core::text::duration(max_ttl / 1000)
        )));
    }
    check_swarm(&app, &session_id)?;
    let stored = app
        .mailbox
        .store_async(session_id, 0, request.data, now, request.ttl_ms)
        .await?;
    Ok(Json(StoreResponse {
        hash: stored.hash,
        stored_ms: stored.stored_ms,
        expiry_ms: stored.expiry_ms,
        duplicate: stored.duplicate,
    }))
}

/// `POST /v1/messages/{session_id}/retrieve`: the owner reads its mailbox.
pub(crate) async fn retrieve(
    State(app): State<AppState>,
    SessionIdParam(session_id): SessionIdParam,
    JsonObject(request): JsonObject<RetrieveRequest>,
) -> ApiResult<Json<RetrieveResponse>> {
    let limit = match request.limit {
        None => MAX_RETRIEVE,
        Some(limit @ 1..=MAX_RETRIEVE) => limit,
        Some(other) => {
            return Err(ApiError::BadRequest(format!(
                "limit {other} is out of range: 1 to {MAX_RETRIEVE}"
            )));
        }
    };
    let message = envelope::retrieve_auth_message(request.namespace, request.timestamp_ms);
    authenticate(
        &app,
        &session_id,
        &request.ed25519_key,
        &request.signature,
        &message,
        request.timestamp_ms,
    )?;
    let page = app.mailbox.retrieve(
        &session_id,
        request.namespace,
        request.last_hash.as_ref(),
        limit,
        now_ms(),
    )?;
    Ok(Json(RetrieveResponse {
        messages: page.messages,
        more: page.more,
    }))
}

/// `POST /v1/messages/{session_id}/delete`: the owner deletes messages.
pub(crate) async fn delete(
    State(app): State<AppState>,
    SessionIdParam(session_id): SessionIdParam,
    JsonObject(request): JsonObject<DeleteRequest>,
) -> ApiResult<Json<DeleteResponse>> {
    if request.hashes.is_empty() || request.hashes.len() > MAX_RETRIEVE {
        return Err(ApiError::BadRequest(format!(
            "a delete names 1 to {MAX_RETRIEVE} message hashes; got {}",
            request.hashes.len()
        )));
    }
    let message =
        envelope::delete_auth_message(request.namespace, request.timestamp_ms, &request.hashes);
    authenticate(
        &app,
        &session_id,
        &request.ed25519_key,
        &request.signature,
        &message,
        request.timestamp_ms,
    )?;
    let mailbox = app.mailbox.clone();
    let hashes: Vec<MessageHash> = request.hashes;
    let namespace = request.namespace;
    let deleted =
        tokio::task::spawn_blocking(move || mailbox.delete(&session_id, namespace, &hashes))
            .await
            .map_err(|source| ApiError::Task {
                what: "delete",
                source,
            })??;
    Ok(Json(DeleteResponse { deleted }))
}

/// Checks the owner's signature over `message` and refuses a replay.
fn authenticate(
    app: &AppState,
    session_id: &SessionId,
    ed25519_key: &str,
    signature: &str,
    message: &[u8],
    timestamp_ms: u64,
) -> ApiResult<()> {
    let key: [u8; 32] = decode_hex(ed25519_key, "ed25519_key")?;
    let signature: [u8; 64] = decode_hex(signature, "signature")?;
    let now = now_ms();
    envelope::verify_mailbox_signature(session_id, &key, message, timestamp_ms, &signature, now)?;
    Ok(app.replay.admit(&signature, timestamp_ms, now)?)
}

fn decode_hex<const N: usize>(text: &str, field: &'static str) -> ApiResult<[u8; N]> {
    hex::decode(text.strip_prefix("0x").unwrap_or(text))
        .ok()
        .and_then(|bytes| <[u8; N]>::try_from(bytes).ok())
        .ok_or(ApiError::Hex { field, bytes: N })
}

/// Refuses a mailbox this node does not keep: when this node is active and the
/// active set is larger than a swarm, only the recipient's 3 rendezvous nodes
/// keep its mailbox (the answer names them). A node outside the active set (a
/// standalone or not yet staked node) keeps any mailbox.
fn check_swarm(app: &AppState, session_id: &SessionId) -> ApiResult<()> {
    let active = app.active_nodes()?;
    let me = app.node_key();
    if active.len() <= SWARM_SIZE || !active.iter().any(|(key, _)| *key == me) {
        return Ok(());
    }
    let subject = swarm::mailbox_subject(session_id);
    let members = swarm::pick(active, &subject, |(key, _)| Some(*key), SWARM_SIZE);
    if members.iter().any(|(key, _)| *key == me) {
        return Ok(());
    }
    Err(ApiError::Misdirected {
        session_id: *session_id,
        swarm: members.into_iter().map(|(_, url)| url).collect(),
    })
}
