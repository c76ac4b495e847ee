//! Premium (Session Pro): status and proof.

use crate::app::AppState;
use crate::handlers::error::{ApiError, ApiResult};
use crate::handlers::extract::SessionIdParam;
use axum::Json;
use axum::extract::State;
use sesh_core::api::{PremiumAnswer, PremiumResponse, Signed};

/// `GET /v1/premium/{session_id}`.
pub(crate) async fn status(
    State(app): State<AppState>,
    SessionIdParam(session_id): SessionIdParam,
) -> ApiResult<Json<PremiumResponse>> {
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
pub(crate) async fn proof(
    State(app): State<AppState>,
    SessionIdParam(session_id): SessionIdParam,
) -> ApiResult<Json<Signed<PremiumAnswer>>> {
    let premium = app.premium(session_id)?;
    if premium.answer.expiry == 0 {
        return Err(ApiError::NeverPremium(session_id));
    }
    Ok(Json(premium))
}
