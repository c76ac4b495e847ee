//! Every route, in one place.

use crate::app::{App, AppState};
use crate::handlers::error::ApiError;
use crate::handlers::{health, market, names, nodes, onion, ons, premium, storage_rpc};
use crate::ratelimit::{self, Limits};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;
use tower::Service;
use tower_http::catch_panic::CatchPanicLayer;

/// The largest request body accepted (a batch of 100 names of 64 characters fits easily);
/// the storage protocol takes up to [`storage_rpc::MAX_RPC_BODY_BYTES`].
pub(crate) const MAX_BODY_BYTES: usize = 16 * 1024;

/// The HTTP API. An onion request's final layer is carried out by an [`Api`] of the same
/// routes (all but `/onion_req/v2`), built here once with the same state: it lives as long as
/// this router, so nothing of the node's state outlives the server (no cycle through
/// [`App`]).
pub(crate) fn router(state: AppState) -> Router {
    let inner = Api {
        router: finish(routes(&state.limits).router, state.clone()),
        app: state.clone(),
    };
    let onion_limit = middleware::from_fn_with_state(state.limits.onion.clone(), ratelimit::limit);
    let routes = routes(&state.limits).route(
        sesh_core::onion::PATH,
        post(move |State(app): State<AppState>, body: Bytes| {
            onion::onion_req(app, body, inner.clone())
        })
        .layer(DefaultBodyLimit::max(onion::MAX_ONION_BODY_BYTES))
        .layer(onion_limit),
    );
    finish(routes.router, state)
}

/// Routes as they are added, with their paths kept (so that a test holds docs/openapi.yaml
/// to them; an axum router cannot list its routes).
struct Routes {
    router: Router<AppState>,
    paths: Vec<&'static str>,
}

impl Routes {
    fn new() -> Self {
        Self {
            router: Router::new(),
            paths: Vec::new(),
        }
    }

    fn route(mut self, path: &'static str, method: MethodRouter<AppState>) -> Self {
        self.paths.push(path);
        self.router = self.router.route(path, method);
        self
    }
}

/// Every route but `/onion_req/v2`, with its limits.
fn routes(limits: &Limits) -> Routes {
    let mailbox_limit = middleware::from_fn_with_state(limits.mailbox.clone(), ratelimit::limit);
    let policing_limit = middleware::from_fn_with_state(limits.policing.clone(), ratelimit::limit);
    Routes::new()
        .route("/v1/names/batch", post(names::batch))
        .route("/v1/names/{name}", get(names::lookup))
        .route("/v1/names/{name}/offers", get(market::offers))
        .route("/v1/reverse/{session_id}", get(names::reverse))
        .route("/v1/owners/{address}/names", get(names::by_owner))
        .route("/v1/availability/{name}", get(names::availability))
        .route("/v1/listings", get(market::listings))
        .route("/v1/premium/{session_id}", get(premium::status))
        .route("/v1/premium/{session_id}/proof", get(premium::proof))
        .route(
            sesh_core::storage_rpc::PATH,
            post(storage_rpc::storage_rpc)
                .layer(DefaultBodyLimit::max(storage_rpc::MAX_RPC_BODY_BYTES))
                .layer(mailbox_limit),
        )
        .route(
            storage_rpc::FORWARD_PATH,
            post(storage_rpc::storage_forward)
                .layer(DefaultBodyLimit::max(storage_rpc::MAX_RPC_BODY_BYTES)),
        )
        .route(
            crate::handover::PATH,
            post(crate::handover::receive)
                .layer(DefaultBodyLimit::max(crate::handover::MAX_BODY_BYTES)),
        )
        .route(
            crate::policing::storage_test::PATH,
            post(crate::policing::storage_test::answer).layer(policing_limit.clone()),
        )
        .route("/v1/nodes", get(nodes::list))
        .route("/v1/nodes/{id}", get(nodes::one))
        .route("/v1/ons", post(ons::post))
        .route("/v1/ons/{name_hash}", get(ons::get))
        .route("/json_rpc", post(ons::json_rpc))
        .route("/", post(ons::json_rpc))
        .route(
            "/v1/votes",
            post(crate::policing::routes::receive_vote).layer(policing_limit.clone()),
        )
        .route(
            "/v1/evidence",
            post(crate::policing::routes::receive_evidence).layer(policing_limit.clone()),
        )
        .route(
            "/v1/police",
            get(crate::policing::routes::report).layer(policing_limit.clone()),
        )
        .route(
            "/v1/police/standings",
            get(crate::policing::routes::standings).layer(policing_limit),
        )
        .route("/v1/identity", get(health::identity))
        .route("/v1/flagged", get(health::flagged))
        .route("/v1/debug/dump", get(health::dump))
        .route("/health", get(health::health))
        .route("/metrics", get(health::metrics))
}

/// `router` with the fallback, the layers every route has, and `state`.
fn finish(router: Router<AppState>, state: AppState) -> Router {
    router
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(CatchPanicLayer::new())
        .with_state(state)
}

/// The route of single-name lookups, as metrics name it.
const LOOKUP_ROUTE: &str = "/v1/names/{name}";

/// The HTTP API as one service: single-name lookups, most of a node's traffic, are answered
/// before the [`router`] (they need none of its layers: no body, one plain path segment) and
/// counted in the same metrics; every other request goes through it.
#[derive(Clone)]
pub(crate) struct Api {
    app: AppState,
    router: Router,
}

impl Api {
    pub(crate) fn new(state: AppState) -> Self {
        Self {
            router: router(state.clone()),
            app: state,
        }
    }

    fn lookup(&self, name: &str) -> Response {
        let started = Instant::now();
        let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            names::lookup_now(&self.app, name)
        }));
        let response = match answer {
            Ok(answer) => answer.into_response(),
            Err(_) => ApiError::LookupPanicked.into_response(),
        };
        record(&self.app, &Method::GET, LOOKUP_ROUTE, &response, started);
        response
    }
}

/// The name of `GET /v1/names/NAME` when NAME needs no decoding (no `%`), else `None`.
fn plain_lookup(request: &Request) -> Option<&str> {
    if request.method() != Method::GET {
        return None;
    }
    let name = request.uri().path().strip_prefix("/v1/names/")?;
    (!name.is_empty() && !name.contains(['/', '%'])).then_some(name)
}

/// [`Api`]'s future: a lookup already answered, or the router's.
pub(crate) enum ApiFuture {
    /// Answered before the router.
    Ready(Option<Response>),
    /// The router's answer.
    Router(Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>),
}

impl Future for ApiFuture {
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut() {
            Self::Ready(response) => Poll::Ready(Ok(response
                .take()
                .expect("an answered future is polled once"))),
            Self::Router(future) => future.as_mut().poll(cx),
        }
    }
}

impl Service<Request> for Api {
    type Response = Response;
    type Error = Infallible;
    type Future = ApiFuture;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> ApiFuture {
        match plain_lookup(&request) {
            Some(name) => ApiFuture::Ready(Some(self.lookup(name))),
            None => ApiFuture::Router(Box::pin(self.router.call(request))),
        }
    }
}

async fn not_found() -> ApiError {
    ApiError::NoSuchRoute
}

/// Counts requests by route and status, times them, and logs them.
async fn observe(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.extensions().get::<MatchedPath>().cloned();
    let route = path.as_ref().map_or("unmatched", MatchedPath::as_str);
    let method = request.method().clone();
    let started = Instant::now();
    let response = next.run(request).await.into_response();
    record(&app, &method, route, &response, started);
    response
}

/// Counts and logs one answered request.
fn record(app: &App, method: &Method, route: &str, response: &Response, started: Instant) {
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    app.metrics.observe_request(route, status, elapsed);
    tracing::debug!(%method, route, status, micros = elapsed.as_micros() as u64, "request");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The paths docs/openapi.yaml documents: the keys under `paths:`, two spaces in, up to
    /// their `:` (`/json_rpc: &json_rpc` names an anchor).
    fn documented_paths() -> std::collections::BTreeSet<&'static str> {
        include_str!("../../docs/openapi.yaml")
            .lines()
            .filter_map(|line| line.strip_prefix("  "))
            .filter(|key| key.starts_with('/'))
            .filter_map(|key| key.split_once(':').map(|(path, _)| path))
            .collect()
    }

    /// A node's state on `dir`'s files, with an RPC that does not answer.
    fn app_on(dir: &std::path::Path) -> AppState {
        use crate::mailbox::{Mailbox, Quota};
        use crate::store::{Store, testing::contracts};
        use alloy::providers::{Provider, ProviderBuilder};
        use sesh_core::attestation::NodeSigner;
        use std::sync::Arc;
        let deployment: sesh_core::deployment::Deployment =
            serde_json::from_value(serde_json::json!({
                "chainId": 31337,
                "deployBlock": 1,
                "contracts": contracts(),
                "parameters": {
                    "minCommitmentAge": 60,
                    "maxCommitmentAge": 86400,
                    "stakingRequirement": "100000000000",
                    "testToken": true
                }
            }))
            .unwrap();
        let store = Arc::new(
            Store::open(&dir.join("index.redb"), 31337, &deployment.contracts, 1).unwrap(),
        );
        let mailbox = Arc::new(Mailbox::open(&dir.join("mailbox.redb"), Quota::default()).unwrap());
        let signer = Arc::new(NodeSigner::from_seed([7; 32]));
        let status = Arc::new(crate::status::Status::new(
            signer.clone(),
            31337,
            deployment.contracts.name_registry,
            0,
            store.cursor().unwrap(),
        ));
        let provider = ProviderBuilder::new()
            .connect_http("http://127.0.0.1:9".parse().unwrap())
            .erased();
        AppState(Arc::new(App::new(
            store,
            signer,
            deployment,
            status,
            Default::default(),
            provider,
            std::time::Duration::from_secs(1),
            false,
            mailbox,
            ratelimit::Rates::default(),
            1 << 20,
        )))
    }

    #[tokio::test]
    async fn the_api_that_carries_out_onion_requests_lets_the_state_and_its_files_go() {
        use sesh_core::onion::{self, EncType, Hop};
        use tower::ServiceExt;
        let dir = tempfile::tempdir().unwrap();
        let state = app_on(dir.path());
        let api = Api::new(state.clone());
        // An onion request of one hop, carried out by the API the onion handler holds.
        let hop = Hop::from_ed25519(state.node_key().0).unwrap();
        let built = onion::build(
            &[hop],
            br#"{"endpoint":"/v1/names/nobodyhere"}"#,
            EncType::XChaCha20,
        )
        .unwrap();
        let request = Request::builder()
            .method(Method::POST)
            .uri(onion::PATH)
            .body(axum::body::Body::from(built.body))
            .unwrap();
        let response = api.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), axum::http::StatusCode::OK);
        let sealed = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        assert_eq!(built.reply.open(&sealed).unwrap().status, 404);

        // Once the server drops its API, nothing holds the state: its redb files close and
        // open again (redb refuses a file this process still has open).
        let weak = std::sync::Arc::downgrade(&state.0);
        drop(state);
        assert!(
            weak.upgrade().is_some(),
            "the API holds the state while it serves"
        );
        drop(api);
        assert!(weak.upgrade().is_none(), "the API keeps the state alive");
        crate::store::Store::open(
            &dir.path().join("index.redb"),
            31337,
            &crate::store::testing::contracts(),
            1,
        )
        .unwrap();
        crate::mailbox::Mailbox::open(&dir.path().join("mailbox.redb"), Default::default())
            .unwrap();
    }

    #[test]
    fn openapi_yaml_documents_every_route_and_no_other() {
        let mut served: std::collections::BTreeSet<&str> =
            routes(&Limits::default()).paths.into_iter().collect();
        served.insert(sesh_core::onion::PATH);
        let documented = documented_paths();
        let undocumented: Vec<_> = served.difference(&documented).collect();
        let not_served: Vec<_> = documented.difference(&served).collect();
        assert!(
            undocumented.is_empty() && not_served.is_empty(),
            "routes missing from docs/openapi.yaml: {undocumented:?}; \
             documented but not served: {not_served:?}"
        );
    }

    fn request(method: Method, path: &str) -> Request {
        Request::builder()
            .method(method)
            .uri(path)
            .body(axum::body::Body::empty())
            .unwrap()
    }

    #[test]
    fn only_plain_single_name_lookups_skip_the_router() {
        let plain = |method, path| plain_lookup(&request(method, path)).map(str::to_string);
        assert_eq!(
            plain(Method::GET, "/v1/names/alice").as_deref(),
            Some("alice")
        );
        assert_eq!(
            plain(Method::GET, "/v1/names/Alice?x=1").as_deref(),
            Some("Alice")
        );
        // Names that break the rules still skip it: the lookup refuses them itself.
        assert_eq!(plain(Method::GET, "/v1/names/-ab").as_deref(), Some("-ab"));
        for (method, path) in [
            (Method::GET, "/v1/names/al%20ice"),
            (Method::GET, "/v1/names/alice/offers"),
            (Method::GET, "/v1/names/"),
            (Method::GET, "/v1/reverse/alice"),
            (Method::POST, "/v1/names/batch"),
            (Method::HEAD, "/v1/names/alice"),
        ] {
            assert_eq!(plain(method.clone(), path), None, "{method} {path}");
        }
    }
}
