//! Names: lookup, batch lookup, reverse lookup, names by owner, availability.

use crate::app::{App, AppState};
use crate::cache::RenderedName;
use crate::handlers::error::{ApiError, ApiResult, ChainReadError};
use crate::handlers::extract::{JsonObject, PathParam, QueryParams, SessionIdParam, parse_address};
use alloy::primitives::U256;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sesh_core::Name;
use sesh_core::api::{
    AvailabilityResponse, BatchRequest, MAX_BATCH, NameState, OwnerNamesResponse, ReverseResponse,
};
use sesh_core::bindings::NameRegistry;

// Lookups answer with JSON assembled from pieces rendered once (a name's signed answer, the
// freshness): byte for byte what serde writes for `NameResponse` and `BatchResponse`, which
// the tests below check.

/// `GET /v1/names/{name}`: a `NameResponse`. (Most lookups are answered by
/// [`crate::router::Api`] before the router; both call [`lookup_now`].)
pub(crate) async fn lookup(
    State(app): State<AppState>,
    PathParam(name): PathParam<String>,
) -> ApiResult<Response> {
    lookup_now(&app, &name)
}

/// The answer to `GET /v1/names/{name}` for the path segment `name` (percent-decoded).
pub(crate) fn lookup_now(app: &App, name: &str) -> ApiResult<Response> {
    let name = Name::parse(name)?;
    let rendered = app
        .name_rendered(&name)?
        .ok_or_else(|| ApiError::NameNotRegistered(name.clone()))?;
    let (timestamp, freshness) = app.status.freshness_json();
    Ok(json_response(name_response(
        &rendered, timestamp, &freshness,
    )))
}

/// `POST /v1/names/batch`: a `BatchResponse`.
pub(crate) async fn batch(
    State(app): State<AppState>,
    JsonObject(request): JsonObject<BatchRequest>,
) -> ApiResult<Response> {
    if request.names.len() > MAX_BATCH {
        return Err(ApiError::BadRequest(format!(
            "a batch holds at most {MAX_BATCH} names; got {}",
            request.names.len()
        )));
    }
    let mut answers = Vec::with_capacity(request.names.len());
    for query in &request.names {
        answers.push(match Name::parse(query) {
            Err(error) => Err(error.to_string()),
            Ok(name) => app
                .name_rendered(&name)?
                .ok_or_else(|| ApiError::NameNotRegistered(name).to_string()),
        });
    }
    let (timestamp, freshness) = app.status.freshness_json();
    let items = request.names.iter().zip(&answers);
    Ok(json_response(batch_response(items, timestamp, &freshness)))
}

fn json_response(body: Vec<u8>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

/// `{"name":…,"state":…,"freshness":…}`.
fn name_response(rendered: &RenderedName, timestamp: u64, freshness: &[u8]) -> Vec<u8> {
    let state = rendered.state_at(timestamp).json();
    let mut body = Vec::with_capacity(rendered.json.len() + freshness.len() + 48);
    body.extend_from_slice(b"{\"name\":");
    body.extend_from_slice(&rendered.json);
    body.extend_from_slice(b",\"state\":");
    body.extend_from_slice(state.as_bytes());
    body.extend_from_slice(b",\"freshness\":");
    body.extend_from_slice(freshness);
    body.push(b'}');
    body
}

/// `{"results":[{"query":…,"name":…,"state":…,"error":…},…],"freshness":…}`.
fn batch_response<'a>(
    items: impl ExactSizeIterator<Item = (&'a String, &'a Result<RenderedName, String>)>,
    timestamp: u64,
    freshness: &[u8],
) -> Vec<u8> {
    let mut body = Vec::with_capacity(items.len() * 800 + freshness.len() + 32);
    body.extend_from_slice(b"{\"results\":[");
    for (index, (query, answer)) in items.enumerate() {
        if index > 0 {
            body.push(b',');
        }
        body.extend_from_slice(b"{\"query\":");
        write_json_string(&mut body, query);
        match answer {
            Ok(rendered) => {
                body.extend_from_slice(b",\"name\":");
                body.extend_from_slice(&rendered.json);
                body.extend_from_slice(b",\"state\":");
                body.extend_from_slice(rendered.state_at(timestamp).json().as_bytes());
                body.extend_from_slice(b",\"error\":null}");
            }
            Err(error) => {
                body.extend_from_slice(b",\"name\":null,\"state\":null,\"error\":");
                write_json_string(&mut body, error);
                body.push(b'}');
            }
        }
    }
    body.extend_from_slice(b"],\"freshness\":");
    body.extend_from_slice(freshness);
    body.push(b'}');
    body
}

fn write_json_string(body: &mut Vec<u8>, text: &str) {
    serde_json::to_writer(body, text).expect("writing to a Vec cannot fail");
}

/// `GET /v1/reverse/{session_id}`.
pub(crate) async fn reverse(
    State(app): State<AppState>,
    SessionIdParam(session_id): SessionIdParam,
) -> ApiResult<Json<ReverseResponse>> {
    let reverse = app.reverse(session_id)?;
    Ok(Json(ReverseResponse {
        reverse,
        freshness: app.status.freshness(),
    }))
}

/// `GET /v1/owners/{address}/names`.
pub(crate) async fn by_owner(
    State(app): State<AppState>,
    PathParam(owner): PathParam<String>,
) -> ApiResult<Json<OwnerNamesResponse>> {
    let owner = parse_address(&owner)?;
    Ok(Json(OwnerNamesResponse {
        names: app.owner_names(owner)?,
        freshness: app.status.freshness(),
    }))
}

/// Query of `GET /v1/availability/{name}`.
#[derive(Debug, Deserialize)]
pub(crate) struct QuoteQuery {
    /// Seconds of rent to quote (default 365 days).
    pub duration: Option<u64>,
}

/// `GET /v1/availability/{name}?duration=SECONDS`: whether the name can be registered and what
/// it costs now, read from the contract's own `rentPrice` (so it is exactly what `register`
/// charges at the latest block).
pub(crate) async fn availability(
    State(app): State<AppState>,
    PathParam(name): PathParam<String>,
    QueryParams(query): QueryParams<QuoteQuery>,
) -> ApiResult<Json<AvailabilityResponse>> {
    let name = Name::parse(&name)?;
    let duration = query.duration.unwrap_or(sesh_core::protocol::YEAR);
    let registry = NameRegistry::new(app.deployment.contracts.name_registry, &app.provider);
    let call = async {
        let block = alloy::providers::Provider::get_block_number(&app.provider).await?;
        let price = registry
            .rentPrice(name.to_string(), U256::from(duration))
            .block(block.into())
            .call()
            .await?;
        let available = registry
            .available(name.to_string())
            .block(block.into())
            .call()
            .await?;
        Ok::<_, ChainReadError>((block, price, available))
    };
    let (block, price, available) = tokio::time::timeout(app.rpc_timeout, call)
        .await
        .unwrap_or(Err(ChainReadError::TimedOut))
        .map_err(|error| {
            let text = error.to_string();
            if text.contains("NameDuration") || text.contains("revert") {
                ApiError::QuoteRefused {
                    duration,
                    source: error,
                }
            } else {
                ApiError::PriceUnavailable(error)
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

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::primitives::{Address, B256};
    use sesh_core::SessionId;
    use sesh_core::api::{
        BatchItem, BatchResponse, Freshness, HeadAnswer, NameAnswer, NameResponse, Signed,
    };
    use sesh_core::attestation::{Kind, NodeSigner};

    fn signed_name(label: &str, valid: bool) -> Signed<NameAnswer> {
        let signer = NodeSigner::from_seed([3; 32]);
        let answer = NameAnswer {
            name: label.into(),
            token_id: Name::parse(label).unwrap().token_id(),
            owner: Address::repeat_byte(0xab),
            expiry: 2_000,
            session_id: SessionId::from_key(B256::repeat_byte(0x05)),
            evm_address: Some(Address::repeat_byte(0x11)),
            primary: true,
            valid,
        };
        Signed {
            attestation: signer.attest(Kind::Name, 31337, Address::repeat_byte(3), 9, &answer),
            answer,
        }
    }

    fn freshness(timestamp: u64) -> Freshness {
        let signer = NodeSigner::from_seed([3; 32]);
        let head = HeadAnswer {
            block: 12,
            block_hash: B256::repeat_byte(0x77),
            timestamp,
        };
        Freshness {
            head: Signed {
                attestation: signer.attest(Kind::Head, 31337, Address::repeat_byte(3), 12, &head),
                answer: head,
            },
            chain_head: 14,
            lag_blocks: 2,
            stale: false,
        }
    }

    #[test]
    fn a_lookup_body_is_what_serde_writes() {
        for (valid, timestamp) in [(true, 1_999), (true, 2_000), (false, 5), (true, 1 << 40)] {
            let signed = signed_name("alice", valid);
            let freshness = freshness(timestamp);
            let expected = serde_json::to_vec(&NameResponse {
                state: signed.answer.state_at(timestamp),
                name: signed.clone(),
                freshness: freshness.clone(),
            })
            .unwrap();
            let body = name_response(
                &RenderedName::new(&signed),
                timestamp,
                &serde_json::to_vec(&freshness).unwrap(),
            );
            assert_eq!(
                String::from_utf8(body).unwrap(),
                String::from_utf8(expected).unwrap()
            );
        }
    }

    #[test]
    fn a_batch_body_is_what_serde_writes() {
        let timestamp = 1_500;
        let freshness = freshness(timestamp);
        let alice = signed_name("alice", true);
        let queries: Vec<String> = vec![
            "Alice".into(),
            "bad \"name\"\n\u{1}é".into(),
            "nobody".into(),
        ];
        let answers: Vec<Result<RenderedName, String>> = vec![
            Ok(RenderedName::new(&alice)),
            Err("the name has \"quotes\" and a \\ backslash".into()),
            Err("name nobody is not registered".into()),
        ];
        let expected = serde_json::to_vec(&BatchResponse {
            results: vec![
                BatchItem {
                    query: queries[0].clone(),
                    state: Some(alice.answer.state_at(timestamp)),
                    name: Some(alice.clone()),
                    error: None,
                },
                BatchItem {
                    query: queries[1].clone(),
                    name: None,
                    state: None,
                    error: Some(answers[1].clone().unwrap_err()),
                },
                BatchItem {
                    query: queries[2].clone(),
                    name: None,
                    state: None,
                    error: Some(answers[2].clone().unwrap_err()),
                },
            ],
            freshness: freshness.clone(),
        })
        .unwrap();
        let body = batch_response(
            queries.iter().zip(&answers),
            timestamp,
            &serde_json::to_vec(&freshness).unwrap(),
        );
        assert_eq!(
            String::from_utf8(body).unwrap(),
            String::from_utf8(expected).unwrap()
        );

        let empty = serde_json::to_vec(&BatchResponse {
            results: vec![],
            freshness: freshness.clone(),
        })
        .unwrap();
        let body = batch_response(
            std::iter::empty::<(&String, &Result<RenderedName, String>)>(),
            timestamp,
            &serde_json::to_vec(&freshness).unwrap(),
        );
        assert_eq!(body, empty);
    }
}
