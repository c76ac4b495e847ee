//! Extractors and parameter parsers that refuse with [`ApiError`], so every refusal a client
//! sees (a body, a query string or a path parameter that does not decode) has our error body.

use crate::handlers::error::ApiError;
use alloy::primitives::Address;
use axum::Json;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use sesh_core::SessionId;

/// A JSON request body that must be an object of type `T`: every route that takes a body
/// reads it with this, so every refusal (not JSON, no `application/json` content type, not an
/// object, a field missing or of the wrong type, too large) is an [`ApiError`] with our
/// error body. A JSON array is refused even where serde would read it as a struct's fields
/// in order (`[["alice"]]` for `{"names":["alice"]}`): the API documents objects only.
pub(crate) struct JsonObject<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonObject<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let Json(mut value) = Json::<serde_json::Value>::from_request(request, state).await?;
        if !value.is_object() {
            return Err(ApiError::NotAnObject);
        }
        whole_floats_as_integers(&mut value);
        serde_json::from_value(value)
            .map(Self)
            .map_err(ApiError::JsonShape)
    }
}

/// The query string, as a `T`.
pub(crate) struct QueryParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Query(query) = Query::from_request_parts(parts, state).await?;
        Ok(Self(query))
    }
}

/// The path parameters, as a `T` (a `String` for routes with one).
pub(crate) struct PathParam<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PathParam<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(value) = Path::from_request_parts(parts, state).await?;
        Ok(Self(value))
    }
}

/// The `{session_id}` path parameter, checked with [`parse_session_id`] (before the body is
/// read, so a malformed Session ID is what a request with both wrong is told).
pub(crate) struct SessionIdParam(pub SessionId);

impl<S: Send + Sync> FromRequestParts<S> for SessionIdParam {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let PathParam(text) = PathParam::<String>::from_request_parts(parts, state).await?;
        parse_session_id(&text).map(Self)
    }
}

/// JSON has one number type, and JSON Schema counts `5.0` as the integer 5 (docs/openapi.yaml
/// says `integer`): a whole number written with a fraction or an exponent is read as that
/// integer, where it fits one.
fn whole_floats_as_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(number) if !number.is_i64() && !number.is_u64() => {
            let Some(float) = number.as_f64() else { return };
            // Below 2^63 (i64) or 2^64 (u64), both exact as f64 bounds.
            if float.fract() == 0.0 && float >= -9_223_372_036_854_775_808.0 {
                if float < 0.0 {
                    *value = Value::from(float as i64);
                } else if float < 18_446_744_073_709_551_616.0 {
                    *value = Value::from(float as u64);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_floats_as_integers),
        Value::Object(fields) => fields.values_mut().for_each(whole_floats_as_integers),
        _ => {}
    }
}

/// Parses a Session ID path parameter: exactly `05` and 64 hex digits (either case), as
/// docs/openapi.yaml says; nothing around it (no `0x`, no spaces, which
/// [`SessionId::parse`] forgives in typed input), and not the all-zero key.
fn parse_session_id(input: &str) -> Result<SessionId, ApiError> {
    if input.len() != 66 || !input.starts_with("05") {
        return Err(ApiError::SessionIdForm(input.to_string()));
    }
    Ok(SessionId::parse(input)?)
}

/// Parses an EVM address path or query parameter (a mixed-case one must pass its EIP-55
/// checksum, as everywhere an address is read).
pub(crate) fn parse_address(input: &str) -> Result<Address, ApiError> {
    Ok(sesh_core::parse_address(input)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn whole_floats_are_read_as_integers_and_fractions_are_not() {
        let mut value = json!({"a": 5.0, "b": [1e3, -2.0, 0.5], "c": {"d": 1.5e19}, "e": 3e30});
        whole_floats_as_integers(&mut value);
        assert_eq!(
            value,
            json!({"a": 5, "b": [1000, -2, 0.5], "c": {"d": 15_000_000_000_000_000_000_u64}, "e": 3e30})
        );
    }

    async fn read(content_type: Option<&str>, body: &str) -> Result<Vec<String>, ApiError> {
        #[derive(serde::Deserialize)]
        struct Names {
            names: Vec<String>,
        }
        let mut request = Request::builder().method("POST").uri("/");
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let request = request
            .body(axum::body::Body::from(body.to_string()))
            .unwrap();
        let JsonObject(names) = JsonObject::<Names>::from_request(request, &()).await?;
        Ok(names.names)
    }

    #[tokio::test]
    async fn every_body_refusal_is_a_400_with_our_words() {
        let json = Some("application/json");
        assert_eq!(read(json, r#"{"names":["a"]}"#).await.unwrap(), ["a"]);
        for (content_type, body, words) in [
            (json, r#"[["a"]]"#, "the body must be a JSON object"),
            (json, "7", "the body must be a JSON object"),
            (json, "{", "Failed to parse the request body as JSON"),
            (
                json,
                r#"{"names":3}"#,
                "Failed to deserialize the JSON body",
            ),
            (None, r#"{"names":[]}"#, "Content-Type: application/json"),
            (
                Some("text/plain"),
                r#"{"names":[]}"#,
                "Content-Type: application/json",
            ),
        ] {
            let error = read(content_type, body).await.unwrap_err();
            assert_eq!(
                error.status(),
                axum::http::StatusCode::BAD_REQUEST,
                "{body}"
            );
            assert!(error.to_string().contains(words), "{body}: {error}");
        }
    }

    #[test]
    fn a_session_id_in_a_path_is_05_and_64_hex_digits_and_nothing_else() {
        let id = format!("05{}", "ab".repeat(32));
        assert!(parse_session_id(&id).is_ok());
        assert!(parse_session_id(&id.to_uppercase()).is_ok());
        for bad in [
            format!("0x{id}"),
            format!(" {id}"),
            format!("{id} "),
            format!("05{}", "00".repeat(32)),
            format!("06{}", "ab".repeat(32)),
            id[..65].to_string(),
        ] {
            assert!(parse_session_id(&bad).is_err(), "{bad:?}");
        }
    }
}
