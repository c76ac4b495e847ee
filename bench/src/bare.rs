//! The ceiling: a bare axum server on the same runtime as the registry node (tokio's default
//! multi-threaded runtime), one handler that answers every name lookup with the same constant
//! body. Whatever the node does beyond this is its own cost.

use axum::Router;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::get;

/// The router: `GET /v1/names/{name}` answers `body` (as JSON) whatever the name.
pub fn router(body: &'static [u8]) -> Router {
    Router::new().route(
        "/v1/names/{name}",
        get(move || async move { ([(CONTENT_TYPE, "application/json")], body).into_response() }),
    )
}

/// A constant JSON body of exactly `len` bytes (at least 12): `{"pad":"xxx…"}`.
pub fn constant_body(len: usize) -> Vec<u8> {
    let pad = len.saturating_sub(10).max(2);
    format!(r#"{{"pad":"{}"}}"#, "x".repeat(pad)).into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_has_the_asked_size_and_is_json() {
        let body = constant_body(1_234);
        assert_eq!(body.len(), 1_234);
        serde_json::from_slice::<serde_json::Value>(&body).unwrap();
    }
}
