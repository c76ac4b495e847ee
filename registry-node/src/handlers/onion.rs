//! `POST /onion_req/v2`: Session's onion requests (`sesh_core::onion`), relayed and carried
//! out as the storage server does (`oxenss/rpc/onion_processing.cpp`, `request_handler.cpp`).
//!
//! The node peels its layer with its onion key (its Ed25519 key mapped to X25519) and:
//!
//! - a layer naming a next node (`destination`: the Ed25519 key, hex, of a node of the active
//!   set; no other form, and no relay to outside servers) is POSTed on to that node's
//!   `/onion_req/v2` with its hop number one higher, and the next node's answer comes back
//!   as it came (status and body);
//! - at the destination, the request is carried out by this node's own routes ([`carry_out`])
//!   and the answer `{"status", "body"}` sealed to the client's key, base64 unless the client
//!   said `"base64": false`.
//!
//! Refusals, plain text as the storage server's: a layer that cannot be read or decrypted,
//! or past the 15th hop, 400; an unknown next node, 502; a next node that does not answer,
//! 504. A layer that decrypts but whose inside is malformed is answered to the client, sealed,
//! with status 400 inside (the storage server's "Invalid json"). Layers are never logged.

use crate::app::AppState;
use crate::handlers::storage_rpc::MAX_RPC_BODY_BYTES;
use alloy::transports::http::reqwest;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use sesh_core::onion::{Answer, MAX_HOPS, OnionError, PATH, Relay, ReplyKey, Route};
use std::convert::Infallible;
use std::time::Duration;
use tower::{Service, ServiceExt};

/// The largest body: the largest storage RPC and, for each of [`MAX_HOPS`] layers, its
/// length, nonce, tag and JSON.
pub(crate) const MAX_ONION_BODY_BYTES: usize = MAX_RPC_BODY_BYTES + MAX_HOPS * 512;

/// How long a relay waits for the next node (the storage server's 30 s).
const RELAY_TIMEOUT: Duration = Duration::from_secs(30);

/// The largest answer the destination seals.
const MAX_ANSWER_BYTES: usize = 16 * 1024 * 1024;

/// Why a layer is refused before it reaches its destination.
#[derive(Debug, thiserror::Error)]
enum Refusal {
    /// The layer cannot be read, is past the last hop, or does not decrypt.
    #[error("Error parsing onion request: {0}")]
    Layer(#[source] OnionError),
    /// The next node is not in the active set.
    #[error("Next node not found: {0}")]
    NextNodeNotFound(String),
    /// The next node did not answer in time.
    #[error("Request time out")]
    Timeout,
    /// The next node could not be reached.
    #[error("Next node unreachable: {0}")]
    Unreachable(#[source] reqwest::Error),
    /// The active set cannot be read, or the answer cannot be sealed.
    #[error("internal error")]
    Internal,
}

impl Refusal {
    fn status(&self) -> StatusCode {
        match self {
            Self::Layer(_) => StatusCode::BAD_REQUEST,
            Self::NextNodeNotFound(_) | Self::Unreachable(_) => StatusCode::BAD_GATEWAY,
            Self::Timeout => StatusCode::GATEWAY_TIMEOUT,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        (
            self.status(),
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            self.to_string(),
        )
            .into_response()
    }
}

/// `POST /onion_req/v2`. `routes` is this node's API, which carries out a final request (the
/// router passes it, built once, so that this handler need not know the router). The request
/// inside has no client address: the limits keyed by one do not apply to it again (the onion
/// request took its token, under the previous hop's address; see `crate::ratelimit`).
pub(crate) async fn onion_req<S>(app: AppState, body: Bytes, routes: S) -> Response
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    let peeled = match app.signer.onion_key().peel(&body) {
        Ok(peeled) => peeled,
        Err(error) => return Refusal::Layer(error).into_response(),
    };
    match peeled.route() {
        Ok(Route::Relay(relay)) => match self::relay(&app, relay).await {
            Ok(response) => response,
            Err(refusal) => refusal.into_response(),
        },
        Ok(Route::Final(request)) => {
            let (status, is_json, bytes) = carry_out(&request.request, routes).await;
            let answer = Answer {
                status,
                body: request.answer_body(&bytes, is_json),
            };
            sealed(peeled.reply(), &answer, request.base64)
        }
        Err(error) => {
            let answer = Answer {
                status: StatusCode::BAD_REQUEST.as_u16(),
                body: Value::String(format!("Invalid json: {error}")),
            };
            sealed(peeled.reply(), &answer, true)
        }
    }
}

/// The answer sealed for the client (200, as the storage server sends it).
fn sealed(reply: &ReplyKey, answer: &Answer, base64: bool) -> Response {
    match reply.seal(answer, base64) {
        Ok(bytes) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            bytes,
        )
            .into_response(),
        Err(_) => Refusal::Internal.into_response(),
    }
}

/// Hands `relay` on to its next node and answers with what that node answered.
async fn relay(app: &AppState, relay: Relay) -> Result<Response, Refusal> {
    let active = app.active_nodes().map_err(|_| Refusal::Internal)?;
    let url = active
        .iter()
        .find(|(key, _)| key.0 == relay.destination)
        .map(|(_, url)| url.trim_end_matches('/').to_owned())
        .ok_or_else(|| Refusal::NextNodeNotFound(hex::encode(relay.destination)))?;
    let answer = crate::peer_request::client()
        .post(format!("{url}{PATH}"))
        .timeout(RELAY_TIMEOUT)
        .body(relay.body)
        .send()
        .await
        .map_err(|error| {
            if error.is_timeout() {
                Refusal::Timeout
            } else {
                Refusal::Unreachable(error)
            }
        })?;
    let status = StatusCode::from_u16(answer.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let content_type = answer.headers().get(header::CONTENT_TYPE).cloned();
    let bytes = answer.bytes().await.map_err(|error| {
        if error.is_timeout() {
            Refusal::Timeout
        } else {
            Refusal::Unreachable(error)
        }
    })?;
    let mut response = (status, bytes).into_response();
    if let Some(content_type) = content_type {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, content_type);
    }
    Ok(response)
}

/// Why a final request cannot be carried out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum FinalRequestError {
    /// Not a JSON object.
    #[error("the request is not a JSON object")]
    NotAnObject,
    /// Neither form.
    #[error(
        "the request is neither a storage RPC ({{\"method\", \"params\"}}) nor an endpoint request ({{\"endpoint\", \"method\"}})"
    )]
    UnknownForm,
    /// A method other than GET or POST.
    #[error("method {0:?} is not served through onion requests (GET or POST)")]
    Method(String),
    /// An endpoint that is not a path, or that is this route again.
    #[error("endpoint {0:?} is not a path of this node's API (and not /onion_req/v2)")]
    Endpoint(String),
    /// `headers` that are not an object of strings, or a header that cannot be sent.
    #[error("headers must be an object of header names to strings")]
    Headers,
}

/// The HTTP request an onion request's final layer asks for:
///
/// - a storage RPC, `{"method": …, "params": …}` (what Session's clients send to a
///   service node), as `POST /storage_rpc/v1` with the same bytes;
/// - an endpoint request, `{"endpoint": "/v1/names/alice", "method": "GET", "body"?: string or
///   JSON, "headers"?: {name: value}}` (the form Session's clients send to servers through
///   onion requests), for every other route of the node (lookups, ONS, premium status and
///   proofs); a missing leading `/` is added.
pub(crate) fn final_http_request(bytes: &[u8]) -> Result<Request, FinalRequestError> {
    let Ok(Value::Object(json)) = serde_json::from_slice::<Value>(bytes) else {
        return Err(FinalRequestError::NotAnObject);
    };
    let Some(endpoint) = json.get("endpoint") else {
        if !json.contains_key("method") {
            return Err(FinalRequestError::UnknownForm);
        }
        return Ok(http_request(
            Method::POST,
            sesh_core::storage_rpc::PATH,
            HeaderMap::new(),
            Body::from(bytes.to_vec()),
        ));
    };
    let endpoint = endpoint
        .as_str()
        .ok_or_else(|| FinalRequestError::Endpoint(endpoint.to_string()))?;
    let path = if endpoint.starts_with('/') {
        endpoint.to_owned()
    } else {
        format!("/{endpoint}")
    };
    if path.starts_with(PATH) || path.starts_with("//") || path.parse::<axum::http::Uri>().is_err()
    {
        return Err(FinalRequestError::Endpoint(endpoint.to_owned()));
    }
    let method = match json.get("method").and_then(Value::as_str).unwrap_or("GET") {
        "GET" => Method::GET,
        "POST" => Method::POST,
        other => return Err(FinalRequestError::Method(other.to_owned())),
    };
    let mut headers = HeaderMap::new();
    if let Some(given) = json.get("headers") {
        let given = given.as_object().ok_or(FinalRequestError::Headers)?;
        for (name, value) in given {
            let value = value.as_str().ok_or(FinalRequestError::Headers)?;
            let name = HeaderName::try_from(name).map_err(|_| FinalRequestError::Headers)?;
            let value = HeaderValue::try_from(value).map_err(|_| FinalRequestError::Headers)?;
            headers.insert(name, value);
        }
    }
    let body = match json.get("body") {
        None | Some(Value::Null) => Body::empty(),
        Some(Value::String(text)) => Body::from(text.clone()),
        Some(other) => {
            headers
                .entry(header::CONTENT_TYPE)
                .or_insert(HeaderValue::from_static("application/json"));
            Body::from(other.to_string())
        }
    };
    Ok(http_request(method, &path, headers, body))
}

fn http_request(method: Method, path: &str, headers: HeaderMap, body: Body) -> Request {
    let mut request = Request::new(body);
    *request.method_mut() = method;
    // A path checked to parse as a URI above (or a constant).
    *request.uri_mut() = path.parse().unwrap_or_default();
    let given = std::mem::replace(request.headers_mut(), headers);
    request.headers_mut().extend(given);
    if request.method() == Method::POST && !request.headers().contains_key(header::CONTENT_TYPE) {
        request.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    }
    request
}

/// Carries out the final request on this node's own routes: its status, whether the answer
/// is JSON, and its bytes.
async fn carry_out<S>(bytes: &[u8], routes: S) -> (u16, bool, Vec<u8>)
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    let request = match final_http_request(bytes) {
        Ok(request) => request,
        Err(error) => return (400, false, error.to_string().into_bytes()),
    };
    let Ok(response) = routes.oneshot(request).await;
    let status = response.status().as_u16();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    match axum::body::to_bytes(response.into_body(), MAX_ANSWER_BYTES).await {
        Ok(body) => (status, is_json, body.to_vec()),
        Err(_) => (500, false, b"the answer is too large to relay".to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(request: &Request) -> (Method, String, Option<String>) {
        (
            request.method().clone(),
            request.uri().to_string(),
            request
                .headers()
                .get(header::CONTENT_TYPE)
                .map(|value| value.to_str().unwrap().to_owned()),
        )
    }

    #[test]
    fn a_storage_rpc_goes_to_storage_rpc_as_it_is() {
        let request = final_http_request(br#"{"method":"info","params":{}}"#).unwrap();
        assert_eq!(
            parts(&request),
            (
                Method::POST,
                "/storage_rpc/v1".into(),
                Some("application/json".into())
            )
        );
    }

    #[test]
    fn an_endpoint_request_goes_to_that_route() {
        let request =
            final_http_request(br#"{"endpoint":"v1/names/alice","method":"GET"}"#).unwrap();
        assert_eq!(
            parts(&request),
            (Method::GET, "/v1/names/alice".into(), None)
        );
        let request = final_http_request(
            br#"{"endpoint":"/v1/names/batch","method":"POST","body":{"names":["a"]},"headers":{"x-a":"1"}}"#,
        )
        .unwrap();
        assert_eq!(
            parts(&request),
            (
                Method::POST,
                "/v1/names/batch".into(),
                Some("application/json".into())
            )
        );
        assert_eq!(request.headers()["x-a"], "1");
    }

    #[test]
    fn final_requests_outside_the_forms_are_refused() {
        for (bytes, error) in [
            (&b"[1]"[..], FinalRequestError::NotAnObject),
            (b"not json", FinalRequestError::NotAnObject),
            (br#"{"params":{}}"#, FinalRequestError::UnknownForm),
            (
                br#"{"endpoint":"/v1/names/a","method":"DELETE"}"#,
                FinalRequestError::Method("DELETE".into()),
            ),
            (
                br#"{"endpoint":"/onion_req/v2","method":"POST"}"#,
                FinalRequestError::Endpoint("/onion_req/v2".into()),
            ),
            (
                br#"{"endpoint":"//evil.example/x"}"#,
                FinalRequestError::Endpoint("//evil.example/x".into()),
            ),
            (
                br#"{"endpoint":7}"#,
                FinalRequestError::Endpoint("7".into()),
            ),
            (
                br#"{"endpoint":"/health","headers":{"a":1}}"#,
                FinalRequestError::Headers,
            ),
        ] {
            assert_eq!(
                final_http_request(bytes).unwrap_err(),
                error,
                "{}",
                String::from_utf8_lossy(bytes)
            );
        }
    }

    #[test]
    fn refusals_are_plain_text_with_the_storage_servers_statuses() {
        let layer = Refusal::Layer(OnionError::TooShort { len: 1 }).into_response();
        assert_eq!(layer.status(), StatusCode::BAD_REQUEST);
        assert!(
            layer.headers()[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/plain")
        );
        assert_eq!(
            Refusal::NextNodeNotFound("ab".into()).status(),
            StatusCode::BAD_GATEWAY
        );
        assert_eq!(Refusal::Timeout.status(), StatusCode::GATEWAY_TIMEOUT);
    }

    #[tokio::test]
    async fn a_refused_layer_says_why() {
        let response = Refusal::Layer(OnionError::LengthOverrun {
            declared: 9,
            available: 1,
        })
        .into_response();
        let body = axum::body::to_bytes(response.into_body(), 1024)
            .await
            .unwrap();
        assert_eq!(
            &body[..],
            b"Error parsing onion request: a layer's length says 9 bytes of ciphertext, 1 follow"
        );
    }
}
