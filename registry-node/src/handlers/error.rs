//! Why a request is refused, and the HTTP status policy: [`ApiError`] is a closed enum,
//! [`ApiError::status`] is the one `match` that decides every status code, and its
//! `IntoResponse` writes every error body (`{"errors":[{"detail":…}]}`).

use crate::app::OnsResolveError;
use crate::mailbox::MailboxError;
use crate::mailbox::replay::ReplayError;
use crate::ratelimit::RateLimited;
use crate::store::StoreError;
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sesh_core::api::{ErrorBody, ErrorDetail};
use sesh_core::envelope::RetrieveAuthError;
use sesh_core::ons::{NOT_FOUND, NameHashError};
use sesh_core::{AddressError, Name, NameError, SessionId, SessionIdError};

/// Why a request is refused. The text of each variant is the `detail` clients see, except
/// for the 500s: those are logged and answered with a generic message.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ApiError {
    /// The name breaks a name rule (the rule's message, verbatim).
    #[error(transparent)]
    InvalidName(#[from] NameError),
    /// The Session ID is malformed.
    #[error(transparent)]
    InvalidSessionId(#[from] SessionIdError),
    /// A Session ID path parameter that is not exactly `05` and 64 hex digits.
    #[error("{0:?} is not a Session ID: 05 and 64 hex digits")]
    SessionIdForm(String),
    /// The EVM address is malformed or fails its checksum.
    #[error(transparent)]
    InvalidAddress(#[from] AddressError),
    /// The ONS name hash is malformed.
    #[error(transparent)]
    InvalidNameHash(#[from] NameHashError),
    /// An ONS type other than 0 (Session).
    #[error("ONS type {0} is not supported; only type 0 (Session) is")]
    OnsType(u16),
    /// The body is not JSON, has no JSON content type, or is too large.
    #[error("{}", .0.body_text())]
    Json(#[from] JsonRejection),
    /// The body is JSON, but not an object.
    #[error("the body must be a JSON object; see docs/api.md")]
    NotAnObject,
    /// The body is a JSON object without the documented fields and types.
    #[error("Failed to deserialize the JSON body into the target type: {0}")]
    JsonShape(#[source] serde_json::Error),
    /// The query string does not have the documented parameters and types.
    #[error("{}", .0.body_text())]
    Query(#[from] QueryRejection),
    /// A path parameter does not decode.
    #[error("{}", .0.body_text())]
    Path(#[from] PathRejection),
    /// A node id path parameter that is not a number.
    #[error("node id {id:?} is not a number")]
    NodeId {
        id: String,
        /// Why it does not parse.
        source: std::num::ParseIntError,
    },
    /// Another rule of a request broken, in words.
    #[error("{0}")]
    BadRequest(String),
    /// The contract refuses to quote a rent for this duration.
    #[error("the contract refuses a quote for {duration} seconds (28 days to 100 years): {source}")]
    QuoteRefused {
        /// The duration asked, seconds.
        duration: u64,
        source: ChainReadError,
    },
    /// The signature, key or time of a signed mailbox request does not check out.
    #[error(transparent)]
    Unauthorized(#[from] RetrieveAuthError),
    /// A signed mailbox request seen before.
    #[error(transparent)]
    Replay(#[from] ReplayError),
    /// The name was never registered.
    #[error("name {0} is not registered")]
    NameNotRegistered(Name),
    /// No node has this id.
    #[error("node {0} does not exist")]
    NoSuchNode(u64),
    /// The Session ID never had premium.
    #[error("Session ID {0} never had premium")]
    NeverPremium(SessionId),
    /// The ONS name does not resolve (whatever the reason: the answer tells nothing more).
    #[error("{NOT_FOUND}")]
    OnsNotFound,
    /// `GET /v1/debug/dump` on a node that does not serve it.
    #[error("the index dump is disabled (enable_dump = true turns it on)")]
    DumpDisabled,
    /// No route has this path and method.
    #[error("no such route; see docs/api.md")]
    NoSuchRoute,
    /// The mailbox store refuses (full, a deleted message) or fails.
    #[error(transparent)]
    Mailbox(#[from] MailboxError),
    /// The client made more mailbox requests than its rate allows.
    #[error(transparent)]
    RateLimited(#[from] RateLimited),
    /// The answer needs the chain, which does not answer now.
    #[error("cannot read the price from the chain: {0}")]
    PriceUnavailable(#[source] ChainReadError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An ONS answer cannot be made.
    #[error(transparent)]
    OnsResolve(#[from] OnsResolveError),
    /// A single-name lookup panicked.
    #[error("the lookup panicked")]
    LookupPanicked,
}

/// Why a read from the chain failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ChainReadError {
    /// The RPC took longer than `rpc_timeout_secs`.
    #[error("timed out")]
    TimedOut,
    /// The RPC refused or failed.
    #[error(transparent)]
    Rpc(#[from] alloy::transports::TransportError),
    /// The contract call failed or reverted.
    #[error(transparent)]
    Call(#[from] alloy::contract::Error),
}

impl ApiError {
    /// The status code of each refusal.
    pub(crate) fn status(&self) -> StatusCode {
        use StatusCode as S;
        match self {
            Self::Json(rejection) if rejection.status() == S::PAYLOAD_TOO_LARGE => {
                S::PAYLOAD_TOO_LARGE
            }
            Self::Path(rejection) if rejection.status().is_server_error() => {
                S::INTERNAL_SERVER_ERROR
            }
            Self::InvalidName(_)
            | Self::InvalidSessionId(_)
            | Self::SessionIdForm(_)
            | Self::InvalidAddress(_)
            | Self::InvalidNameHash(_)
            | Self::OnsType(_)
            | Self::NodeId { .. }
            | Self::Json(_)
            | Self::NotAnObject
            | Self::JsonShape(_)
            | Self::Query(_)
            | Self::Path(_)
            | Self::BadRequest(_)
            | Self::QuoteRefused { .. } => S::BAD_REQUEST,
            Self::Unauthorized(_) | Self::Replay(_) => S::UNAUTHORIZED,
            Self::NameNotRegistered(_)
            | Self::NoSuchNode(_)
            | Self::NeverPremium(_)
            | Self::OnsNotFound
            | Self::DumpDisabled
            | Self::NoSuchRoute => S::NOT_FOUND,
            Self::Mailbox(MailboxError::Full { .. } | MailboxError::NodeFull { .. }) => {
                S::INSUFFICIENT_STORAGE
            }
            Self::Mailbox(MailboxError::Deleted { .. }) => S::GONE,
            Self::RateLimited(_) => S::TOO_MANY_REQUESTS,
            Self::PriceUnavailable(_) => S::SERVICE_UNAVAILABLE,
            Self::Mailbox(_) | Self::Store(_) | Self::OnsResolve(_) | Self::LookupPanicked => {
                S::INTERNAL_SERVER_ERROR
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let detail = if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!(error = %self, "internal error");
            "internal error".to_string()
        } else {
            self.to_string()
        };
        let body = ErrorBody {
            errors: vec![ErrorDetail { detail }],
        };
        let mut response = (status, Json(body)).into_response();
        if let Self::RateLimited(limited) = &self {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(limited.retry_after_secs()));
        }
        response
    }
}

impl IntoResponse for RateLimited {
    fn into_response(self) -> Response {
        ApiError::from(self).into_response()
    }
}

/// A `Result` of a handler.
pub(crate) type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ratelimit::{Limiter, Rate, Scope};
    use governor::clock::FakeRelativeClock;

    async fn answer(error: ApiError) -> (StatusCode, Option<String>, String) {
        let response = error.into_response();
        let status = response.status();
        let retry = response
            .headers()
            .get(RETRY_AFTER)
            .map(|value| value.to_str().unwrap().to_string());
        let body = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        let body: ErrorBody = serde_json::from_slice(&body).unwrap();
        assert_eq!(body.errors.len(), 1);
        (status, retry, body.errors[0].detail.clone())
    }

    #[tokio::test]
    async fn each_refusal_has_its_status_and_its_words_and_500s_say_nothing() {
        let (status, _, detail) = answer(ApiError::NoSuchNode(7)).await;
        assert_eq!(
            (status, detail.as_str()),
            (StatusCode::NOT_FOUND, "node 7 does not exist")
        );

        let full = MailboxError::NodeFull {
            bytes: 10,
            max_bytes: 10,
        };
        let text = full.to_string();
        let (status, _, detail) = answer(full.into()).await;
        assert_eq!((status, detail), (StatusCode::INSUFFICIENT_STORAGE, text));
        let (status, _, _) = answer(MailboxError::Deleted { until_ms: 1 }.into()).await;
        assert_eq!(status, StatusCode::GONE);

        let (status, _, detail) = answer(MailboxError::Corrupt("message").into()).await;
        assert_eq!(
            (status, detail.as_str()),
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error")
        );
        let (status, _, detail) = answer(ApiError::LookupPanicked).await;
        assert_eq!(
            (status, detail.as_str()),
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error")
        );
    }

    #[tokio::test]
    async fn a_client_over_its_rate_is_told_when_to_retry() {
        let limiter = Limiter::with_clock(
            Scope::Mailbox,
            Rate::new(1, 1).unwrap(),
            FakeRelativeClock::default(),
        );
        let ip = "192.0.2.1".parse().unwrap();
        limiter.check(ip).unwrap();
        let refused = limiter.check(ip).unwrap_err();
        let (status, retry, detail) = answer(refused.into()).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(retry.as_deref(), Some("1"));
        assert!(
            detail.starts_with("too many mailbox requests from 192.0.2.1"),
            "{detail}"
        );
    }
}
