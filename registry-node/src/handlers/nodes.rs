//! Staking nodes.

use crate::app::AppState;
use crate::error::{ApiError, ApiResult};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use sesh_core::api::{NodeState, NodesResponse};

/// Query of `GET /v1/nodes`.
#[derive(Debug, Deserialize)]
pub struct NodesQuery {
    /// Only nodes in this state; default `active`. `all` lists every node.
    pub state: Option<String>,
}

/// `GET /v1/nodes?state=active|open|exited|deregistered|cancelled|all`.
pub async fn list(
    State(app): State<AppState>,
    query: Result<Query<NodesQuery>, QueryRejection>,
) -> ApiResult<Json<NodesResponse>> {
    let Query(query) = query?;
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
pub async fn one(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<NodesResponse>> {
    let node_id: u64 = id
        .parse()
        .map_err(|_| ApiError::BadRequest(format!("node id {id:?} is not a number")))?;
    let node = app
        .node(node_id)?
        .ok_or_else(|| ApiError::NotFound(format!("node {node_id} does not exist")))?;
    Ok(Json(NodesResponse {
        nodes: vec![node],
        freshness: app.status.freshness(),
    }))
}
