//! Premium (Session Pro): status and proof.

use crate::app::AppState;
use crate::error::{ApiError, ApiResult};
use axum::Json;
use axum::extract::{Path, State};
use sesh_core::api::{PremiumAnswer, PremiumResponse, Signed};

/// `GET /v1/premium/{session_id}`.
pub async fn status(
    State(app): State<AppState>,
    Path(session_id): Path<String>,
) -> ApiResult<Json<PremiumResponse>> {
    let session_id = crate::handlers::parse_session_id(&session_id)?;
    let premium = app.premium(session_id)?;
    let freshness = app.status.freshness();
    Ok(Json(PremiumResponse {
        active: premium.answer.expiry > freshness.head.answer.timestamp,
        premium,
        freshness,
    }))
}

/// `GET /v1/premium/{session_id}/proof`: the signed statement (Session ID, premium expiry) a
/// sender attaches to a long message; 404 if the Session ID never had premium.
pub async fn proof(
    State(app): State<AppState>,
    Path(session_id): Path<String>,
) -> ApiResult<Json<Signed<PremiumAnswer>>> {
    let session_id = crate::handlers::parse_session_id(&session_id)?;
    let premium = app.premium(session_id)?;
    if premium.answer.expiry == 0 {
        return Err(ApiError::NotFound(format!(
            "Session ID {session_id} never had premium"
        )));
    }
    Ok(Json(premium))
}
