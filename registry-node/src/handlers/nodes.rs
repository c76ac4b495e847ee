//! Staking nodes.

use crate::app::AppState;
use crate::handlers::error::{ApiError, ApiResult};
use crate::handlers::extract::{PathParam, QueryParams};
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use sesh_core::api::{NodeState, NodesResponse};

/// Query of `GET /v1/nodes`.
#[derive(Debug, Deserialize)]
pub(crate) struct NodesQuery {
    /// Only nodes in this state; default `active`. `all` lists every node.
    pub state: Option<String>,
}

/// `GET /v1/nodes?state=active|open|exited|deregistered|cancelled|all`.
pub(crate) async fn list(
    State(app): State<AppState>,
    QueryParams(query): QueryParams<NodesQuery>,
) -> ApiResult<Json<NodesResponse>> {
    let wanted = match query.state.as_deref().unwrap_or("active") {
        "all" => None,
        other => Some(
            serde_json::from_value::<NodeState>(serde_json::Value::String(other.into())).map_err(
                |_| {
                    ApiError::BadRequest(format!(
                        "state {other:?} is not one of active, open, exited, deregistered, cancelled, all"
                    ))
                },
            )?,
        ),
    };
    let nodes = app
        .nodes()?
        .into_iter()
        .filter(|node| wanted.is_none_or(|state| node.answer.state == state))
        .filter(|node| wanted != Some(NodeState::Active) || node.answer.key_proof_valid)
        .collect();
    Ok(Json(NodesResponse {
        nodes,
        freshness: app.status.freshness(),
    }))
}

/// `GET /v1/nodes/{id}`.
pub(crate) async fn one(
    State(app): State<AppState>,
    PathParam(id): PathParam<String>,
) -> ApiResult<Json<NodesResponse>> {
    let node_id: u64 = id
        .parse()
        .map_err(|source| ApiError::NodeId { id, source })?;
    let node = app.node(node_id)?.ok_or(ApiError::NoSuchNode(node_id))?;
    Ok(Json(NodesResponse {
        nodes: vec![node],
        freshness: app.status.freshness(),
    }))
}
