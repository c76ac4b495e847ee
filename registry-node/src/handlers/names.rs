//! Names: lookup, batch lookup, reverse lookup, names by owner, availability.

use crate::app::AppState;
use crate::error::{ApiError, ApiResult};
use crate::handlers::parse_address;
use alloy::primitives::U256;
use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use sesh_core::api::{
    AvailabilityResponse, BatchItem, BatchRequest, BatchResponse, MAX_BATCH, NameResponse,
    NameState, OwnerNamesResponse, ReverseResponse,
};
use sesh_core::bindings::NameRegistry;
use sesh_core::{Name, SessionId};

/// `GET /v1/names/{name}`.
pub async fn lookup(
    State(app): State<AppState>,
    Path(name): Path<String>,
) -> ApiResult<Json<NameResponse>> {
    let name = Name::parse(&name)?;
    let signed = app
        .name(&name)?
        .ok_or_else(|| ApiError::NotFound(format!("name {name} is not registered")))?;
    let freshness = app.status.freshness();
    Ok(Json(NameResponse {
        state: signed.answer.state_at(freshness.head.answer.timestamp),
        name: signed,
        freshness,
    }))
}

/// `POST /v1/names/batch`.
pub async fn batch(
    State(app): State<AppState>,
    body: Result<Json<BatchRequest>, JsonRejection>,
) -> ApiResult<Json<BatchResponse>> {
    let Json(request) = body?;
    if request.names.len() > MAX_BATCH {
        return Err(ApiError::BadRequest(format!(
            "a batch holds at most {MAX_BATCH} names; got {}",
            request.names.len()
        )));
    }
    let freshness = app.status.freshness();
    let now = freshness.head.answer.timestamp;
    let mut results = Vec::with_capacity(request.names.len());
    for query in request.names {
        let item = match Name::parse(&query) {
            Err(error) => BatchItem {
                query,
                name: None,
                state: None,
                error: Some(error.to_string()),
            },
            Ok(name) => match app.name(&name)? {
                Some(signed) => BatchItem {
                    query,
                    state: Some(signed.answer.state_at(now)),
                    name: Some(signed),
                    error: None,
                },
                None => BatchItem {
                    error: Some(format!("name {name} is not registered")),
                    query,
                    name: None,
                    state: None,
                },
            },
        };
        results.push(item);
    }
    Ok(Json(BatchResponse { results, freshness }))
}

/// `GET /v1/reverse/{session_id}`.
pub async fn reverse(
    State(app): State<AppState>,
    Path(session_id): Path<String>,
) -> ApiResult<Json<ReverseResponse>> {
    let session_id = SessionId::parse(&session_id)?;
    let reverse = app.reverse(session_id)?;
    Ok(Json(ReverseResponse {
        reverse,
        freshness: app.status.freshness(),
    }))
}

/// `GET /v1/owners/{address}/names`.
pub async fn by_owner(
    State(app): State<AppState>,
    Path(owner): Path<String>,
) -> ApiResult<Json<OwnerNamesResponse>> {
    let owner = parse_address(&owner)?;
    Ok(Json(OwnerNamesResponse {
        names: app.owner_names(owner)?,
        freshness: app.status.freshness(),
    }))
}

/// Query of `GET /v1/availability/{name}`.
#[derive(Debug, Deserialize)]
pub struct QuoteQuery {
    /// Seconds of rent to quote (default 365 days).
    pub duration: Option<u64>,
}

/// `GET /v1/availability/{name}?duration=SECONDS`: whether the name can be registered and what
/// it costs now, read from the contract's own `rentPrice` (so it is exactly what `register`
/// charges at the latest block).
pub async fn availability(
    State(app): State<AppState>,
    Path(name): Path<String>,
    query: Result<Query<QuoteQuery>, QueryRejection>,
) -> ApiResult<Json<AvailabilityResponse>> {
    let Query(query) = query?;
    let name = Name::parse(&name)?;
    let duration = query.duration.unwrap_or(365 * 24 * 3600);
    let registry = NameRegistry::new(app.deployment.contracts.name_registry, &app.provider);
    let unavailable = |error: String| {
        ApiError::Unavailable(format!("cannot read the price from the chain: {error}"))
    };
    let call = async {
        let block = alloy::providers::Provider::get_block_number(&app.provider)
            .await
            .map_err(|e| e.to_string())?;
        let price = registry
            .rentPrice(name.to_string(), U256::from(duration))
            .block(block.into())
            .call()
            .await
            .map_err(|e| e.to_string())?;
        let available = registry
            .available(name.to_string())
            .block(block.into())
            .call()
            .await
            .map_err(|e| e.to_string())?;
        Ok::<_, String>((block, price, available))
    };
    let (block, price, available) = tokio::time::timeout(app.rpc_timeout, call)
        .await
        .map_err(|_| unavailable("timed out".into()))?
        .map_err(|e| {
            if e.contains("NameDuration") || e.contains("revert") {
                ApiError::BadRequest(format!(
                    "the contract refuses a quote for {duration} seconds (28 days to 100 years): {e}"
                ))
            } else {
                unavailable(e)
            }
        })?;
    let state: Option<NameState> = app.name(&name)?.map(|signed| {
        signed
            .answer
            .state_at(app.status.freshness().head.answer.timestamp)
    });
    Ok(Json(AvailabilityResponse {
        name: name.to_string(),
        available,
        state,
        duration,
        rent: price.rent,
        premium: price.premium,
        total: price.rent.saturating_add(price.premium),
        quoted_at_block: block,
    }))
}
