//! Storage tests on the network (docs/policing.md, "Storage tests"): the tester's request
//! ([`test`]) and the testee's route, `POST /v1/storage_test` ([`answer`]).
//!
//! As Session's `sn.storage_test`, the request names a message by its storage hash and the
//! testee answers with the message's bytes; it comes from a node, signed with its Ed25519
//! key as `/v1/handover` requests are (`crate::handover::check_request`, under its own
//! context [`SIGNED_CONTEXT`]), and is answered only to an active node that is a member of
//! the account's swarm (in the testee's index), which holds the message itself. The choice
//! of message and the judgement are `crate::police::storage`.

use crate::app::AppState;
use crate::handover::{HandoverRefusal, check_request};
use crate::mailbox::{MailboxError, now_ms};
use crate::peer_request::{self, SIGNATURE_HEADER, SignatureRefusal};
use crate::police::storage::{Assignment, StorageFailure, judge};
use crate::store::StoreError;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use sesh_core::SessionId;
use sesh_core::api::{ErrorBody, ErrorDetail};
use sesh_core::attestation::NodeKey;
use sesh_core::encoding::decode_base64;
use sesh_core::storage_rpc::MessageHash;
use sesh_core::storage_rpc::response::Base64Bytes;
use sesh_core::swarm;
use std::time::Duration;

/// The route.
pub(crate) const PATH: &str = "/v1/storage_test";

/// What the tester signs before the body (not the handover's: neither route takes the
/// other's signed bodies).
pub(crate) const SIGNED_CONTEXT: &[u8] = b"sesh-storage-test";

/// A storage test (`POST /v1/storage_test`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StorageTestRequest {
    /// The tester's node key.
    pub from: NodeKey,
    /// When it was sent (ms since the Unix epoch).
    pub timestamp: u64,
    /// The account (`05…`).
    pub pubkey: SessionId,
    /// The message's storage hash (43 base64 characters).
    pub hash: MessageHash,
}

/// The answer: the message's bytes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StorageTestResponse {
    /// The stored bytes (base64).
    pub data: Base64Bytes,
}

/// Why a storage test is not answered with the message.
#[derive(Debug, thiserror::Error)]
pub(crate) enum StorageTestRefusal {
    /// The signature, the clock or the sender does not hold (as for a handover).
    #[error(transparent)]
    Request(#[from] HandoverRefusal),
    /// The body does not parse.
    #[error("the storage test does not parse: {0}")]
    Body(#[source] serde_json::Error),
    /// The sender is not an active node (with a valid key proof) of this node's index.
    #[error("{0} is not an active node")]
    NotActive(NodeKey),
    /// The sender is not a member of the account's swarm, so it does not hold the message.
    #[error("{from} is not a member of the swarm of {account}")]
    NotMember {
        /// The sender.
        from: NodeKey,
        /// The account.
        account: SessionId,
    },
    /// This node does not hold the message (or it expired).
    #[error("message {hash} of {account} is not held here")]
    NotHeld {
        /// The account.
        account: SessionId,
        /// The hash asked for.
        hash: MessageHash,
    },
    /// The index cannot be read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The mailbox cannot be read.
    #[error(transparent)]
    Mailbox(#[from] MailboxError),
}

impl IntoResponse for StorageTestRefusal {
    fn into_response(self) -> Response {
        if let Self::Request(refusal) = self {
            return refusal.into_response();
        }
        let status = match &self {
            Self::Request(_) | Self::Body(_) => StatusCode::BAD_REQUEST,
            Self::NotActive(_) | Self::NotMember { .. } => StatusCode::FORBIDDEN,
            Self::NotHeld { .. } => StatusCode::NOT_FOUND,
            Self::Store(_) | Self::Mailbox(_) => {
                tracing::error!(error = %self, "storage test: internal error");
                let body = ErrorBody {
                    errors: vec![ErrorDetail {
                        detail: "internal error".into(),
                    }],
                };
                return (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response();
            }
        };
        let body = ErrorBody {
            errors: vec![ErrorDetail {
                detail: self.to_string(),
            }],
        };
        (status, Json(body)).into_response()
    }
}

/// `POST /v1/storage_test`: the message's bytes, to an active member of its account's swarm
/// that signed the request; 404 when this node does not hold it.
pub(crate) async fn answer(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<StorageTestResponse>, StorageTestRefusal> {
    if !headers.contains_key(SIGNATURE_HEADER) {
        return Err(HandoverRefusal::from(SignatureRefusal::Header).into());
    }
    let request: StorageTestRequest =
        serde_json::from_slice(&body).map_err(StorageTestRefusal::Body)?;
    // The active set is read once per index commit: a stranger is refused before the
    // signature is checked.
    let active: Vec<NodeKey> = app.active_nodes()?.into_iter().map(|(k, _)| k).collect();
    if !active.contains(&request.from) {
        return Err(StorageTestRefusal::NotActive(request.from));
    }
    let now = now_ms();
    check_request(
        &app,
        &headers,
        SIGNED_CONTEXT,
        &body,
        &request.from,
        request.timestamp,
        now,
    )?;
    if !swarm::is_member(&active, &request.pubkey, &request.from) {
        return Err(StorageTestRefusal::NotMember {
            from: request.from,
            account: request.pubkey,
        });
    }
    let not_held = || StorageTestRefusal::NotHeld {
        account: request.pubkey,
        hash: request.hash.clone(),
    };
    let Some(digest) = decode_base64(request.hash.as_str())
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
    else {
        return Err(not_held());
    };
    let message = app
        .mailbox
        .held_message(&request.pubkey, &digest, now)?
        .ok_or_else(not_held)?;
    Ok(Json(StorageTestResponse {
        data: Base64Bytes(message.data),
    }))
}

/// Asks `url` (the peer of `assignment`) for the message of `assignment` and judges the
/// answer: the same bytes pass, a 404 or other bytes fail, and any other answer is a
/// refusal, which fails too (Session's "wrong request" and "other" results).
pub(crate) async fn test(
    app: &AppState,
    url: &str,
    assignment: &Assignment,
    timeout: Duration,
) -> Result<(), StorageFailure> {
    let request = StorageTestRequest {
        from: app.node_key(),
        timestamp: now_ms(),
        pubkey: assignment.account,
        hash: MessageHash::from_digest(&assignment.message.hash),
    };
    let body = serde_json::to_vec(&request).unwrap_or_default();
    let response = peer_request::client()
        .post(format!("{}{PATH}", url.trim_end_matches('/')))
        .timeout(timeout)
        .header(header::CONTENT_TYPE, "application/json")
        .header(
            SIGNATURE_HEADER,
            peer_request::sign(&app.signer, SIGNED_CONTEXT, &body),
        )
        .body(body)
        .send()
        .await
        .map_err(StorageFailure::Unanswered)?;
    match response.status() {
        StatusCode::OK => {
            let answer: StorageTestResponse =
                response.json().await.map_err(StorageFailure::Unreadable)?;
            judge(assignment, Some(&answer.data.0))
        }
        StatusCode::NOT_FOUND => judge(assignment, None),
        status => {
            let text = response.text().await.unwrap_or_default();
            Err(StorageFailure::Refused {
                status: status.as_u16(),
                answer: text.chars().take(200).collect(),
            })
        }
    }
}
