//! The policing routes: `POST /v1/votes` (a peer's vote) and `GET /v1/police` (what
//! this node tested, saw, signed, holds and submitted).

use super::state::PoliceReport;
use super::task::active_from_index;
use super::vote::{Vote, VoteError};
use crate::app::AppState;
use crate::store::StoreError;
use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sesh_core::api::{ErrorBody, ErrorDetail};

/// Why a policing request is refused.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PoliceRouteError {
    /// The body is no vote.
    #[error("not a vote: {0}")]
    Body(#[from] JsonRejection),
    /// The vote does not hold.
    #[error("vote refused: {0}")]
    Vote(#[from] VoteError),
    /// The index cannot be read.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl IntoResponse for PoliceRouteError {
    fn into_response(self) -> Response {
        let (status, detail) = match &self {
            Self::Body(_) => (StatusCode::BAD_REQUEST, self.to_string()),
            Self::Vote(VoteError::NotActive { .. }) => (StatusCode::FORBIDDEN, self.to_string()),
            Self::Vote(_) => (StatusCode::BAD_REQUEST, self.to_string()),
            Self::Store(error) => {
                tracing::error!(%error, "internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal error".into())
            }
        };
        let body = ErrorBody {
            errors: vec![ErrorDetail { detail }],
        };
        (status, Json(body)).into_response()
    }
}

/// `POST /v1/votes`: keeps a vote signed by an active node's signer (checked as the
/// contract checks it, with a deadline at most 2 hours ahead). 202 when kept.
pub(crate) async fn receive_vote(
    State(app): State<AppState>,
    vote: Result<Json<Vote>, JsonRejection>,
) -> Result<StatusCode, PoliceRouteError> {
    let Json(vote) = vote?;
    let active = active_from_index(&app)?;
    let now = app.status.head().answer.timestamp;
    let (chain_id, staking) = (
        app.deployment.chain_id,
        app.deployment.contracts.node_staking,
    );
    app.police
        .receive(vote, |vote| vote.check(chain_id, staking, &active, now))?;
    Ok(StatusCode::ACCEPTED)
}

/// `GET /v1/police`.
pub(crate) async fn report(
    State(app): State<AppState>,
) -> Result<Json<PoliceReport>, PoliceRouteError> {
    let active = active_from_index(&app)?;
    let now = app.status.head().answer.timestamp;
    Ok(Json(app.police.report(now, &active)))
}
