//! Session's storage protocol from a test's side: a clock that never gives the same
//! millisecond twice, and POSTs to a node's `/storage_rpc/v1`.

use crate::node::http;
use sesh_core::storage_rpc::{PATH, Request, SubRequest};
use std::sync::atomic::{AtomicU64, Ordering};

/// The clock in ms, strictly increasing from call to call: requests signed in the same
/// millisecond carry the same signature (Ed25519 is deterministic), which a node's replay
/// guard accepts once.
pub fn now_ms() -> u64 {
    static LAST: AtomicU64 = AtomicU64::new(0);
    let clock = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_millis() as u64;
    let previous = LAST
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |last| {
            Some(clock.max(last + 1))
        })
        .expect("always Some");
    clock.max(previous + 1)
}

/// POSTs `body` to the `/storage_rpc/v1` of the node at `url`: the status and the raw body.
pub async fn post(url: &str, body: String) -> (u16, Vec<u8>) {
    let response = http()
        .post(format!("{}{PATH}", url.trim_end_matches('/')))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("POST /storage_rpc/v1");
    let status = response.status().as_u16();
    (status, response.bytes().await.expect("a body").to_vec())
}

/// POSTs one request (not a batch) to the node at `url`: the status and the raw body.
pub async fn send(url: &str, request: SubRequest) -> (u16, Vec<u8>) {
    post(url, Request::One(request).to_json().to_string()).await
}
