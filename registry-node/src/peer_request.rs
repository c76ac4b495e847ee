//! How a node proves to another that it sent a request.
//!
//! - Signed (`/v1/handover`, `/v1/storage_test`): the sender signs `context ‖ body` with its
//!   Ed25519 node key and puts the signature in [`SIGNATURE_HEADER`]; each route has its own
//!   context, so that no signed body of one route is taken by another, and the body carries
//!   the sender's key and a timestamp, which must be within ±60 s of the receiver's clock.
//! - MACed (`/v1/storage_forward`, a forward for every store a swarm takes, where verifying
//!   a signature would cost more than the store): HMAC-SHA256 under the key the two nodes
//!   share ([`PeerLinks`], drawn from their onion keys), over the route's context, the clock
//!   and the body.
//!
//! Who may send is each route's own rule. Requests to peers (these, and onion relays) go
//! through one HTTP client ([`client`]), each with its own timeout.

use alloy::transports::http::reqwest;
use axum::http::{HeaderMap, StatusCode};
use sesh_core::attestation::{NodeKey, NodeSigner};
use sesh_core::onion::LinkKey;
use sesh_core::storage_rpc::SIGNATURE_TOLERANCE_MS;
use sesh_core::storage_rpc::receipt::verify_receipt;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// The header with the sender's signature (128 hex characters).
pub(crate) const SIGNATURE_HEADER: &str = "x-sesh-node-signature";

/// The HTTP client of requests to peers (onion relays, handovers, forwards, the policing
/// rounds' tests and votes), built once so that they share its connections; each request
/// sets its own timeout.
pub(crate) fn client() -> &'static reqwest::Client {
    static CLIENT: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    CLIENT.get_or_init(reqwest::Client::new)
}

/// The wait before a peer that failed is tried again (a handover, a change it missed),
/// after its first failure; it doubles with each further one.
pub(crate) const FIRST_RETRY: Duration = Duration::from_secs(2);

/// The longest wait between tries of one peer: a member back from a long outage is caught
/// up within a minute of answering again, and a peer that stays down costs one refused
/// connection a minute.
pub(crate) const MAX_RETRY: Duration = Duration::from_secs(60);

/// How long to wait before trying a peer again after its `failures`-th failure in a row:
/// [`FIRST_RETRY`], doubling, at most [`MAX_RETRY`].
pub(crate) fn retry_wait(failures: u32) -> Duration {
    let doublings = failures.clamp(1, 17) - 1;
    FIRST_RETRY.saturating_mul(1 << doublings).min(MAX_RETRY)
}

/// Links kept before the table is emptied (active sets are far smaller; nodes that left
/// are not dropped one by one).
const MAX_LINKS: usize = 4096;

/// The [`LinkKey`]s this node shares with its peers, each drawn once (an X25519
/// multiplication) and kept.
#[derive(Debug, Default)]
pub(crate) struct PeerLinks {
    keys: RwLock<HashMap<NodeKey, Arc<LinkKey>>>,
}

impl PeerLinks {
    /// The key `signer`'s node shares with `peer`; `None` for a key with no X25519
    /// counterpart (no node's).
    pub(crate) fn with(&self, signer: &NodeSigner, peer: &NodeKey) -> Option<Arc<LinkKey>> {
        if let Some(key) = self.keys.read().expect("links lock").get(peer) {
            return Some(key.clone());
        }
        let key = Arc::new(signer.onion_key().link_key(&peer.0).ok()?);
        let mut keys = self.keys.write().expect("links lock");
        if keys.len() >= MAX_LINKS {
            keys.clear();
        }
        keys.insert(*peer, key.clone());
        Some(key)
    }
}

/// Why a node-signed request's signature is not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum SignatureRefusal {
    /// No or a malformed signature header.
    #[error("{SIGNATURE_HEADER} must be the sender's Ed25519 signature as 128 hex characters")]
    Header,
    /// The timestamp is outside the window.
    #[error("the request's timestamp {timestamp} is more than 60 s from this node's clock {now}")]
    Clock {
        /// The request's timestamp (ms).
        timestamp: u64,
        /// This node's clock (ms).
        now: u64,
    },
    /// The signature does not verify with the sender's key.
    #[error("the request's signature does not verify with the key of {0}")]
    BadSignature(NodeKey),
}

impl SignatureRefusal {
    /// The HTTP status: 406 for the clock (as the storage server answers a clock out of
    /// bounds), 401 otherwise.
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            Self::Clock { .. } => StatusCode::NOT_ACCEPTABLE,
            Self::Header | Self::BadSignature(_) => StatusCode::UNAUTHORIZED,
        }
    }
}

/// The bytes a request signature covers.
fn signed_bytes(context: &[u8], body: &[u8]) -> Vec<u8> {
    [context, body].concat()
}

/// The [`SIGNATURE_HEADER`] value of a request `body` that `signer` sends under `context`.
pub(crate) fn sign(signer: &NodeSigner, context: &[u8], body: &[u8]) -> String {
    hex::encode(signer.sign_raw(&signed_bytes(context, body)))
}

/// Checks that `headers`' [`SIGNATURE_HEADER`] verifies over `context` ‖ `body` with
/// `from`, and that the request's `timestamp` is within ±60 s of `now` (both ms).
pub(crate) fn verify(
    headers: &HeaderMap,
    context: &[u8],
    body: &[u8],
    from: &NodeKey,
    timestamp: u64,
    now: u64,
) -> Result<(), SignatureRefusal> {
    let signature: [u8; 64] = headers
        .get(SIGNATURE_HEADER)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| hex::decode(text).ok())
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or(SignatureRefusal::Header)?;
    if timestamp.abs_diff(now) > SIGNATURE_TOLERANCE_MS {
        return Err(SignatureRefusal::Clock { timestamp, now });
    }
    verify_receipt(&from.0, &signed_bytes(context, body), &signature)
        .map_err(|_| SignatureRefusal::BadSignature(*from))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(signature: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(SIGNATURE_HEADER, HeaderValue::from_str(signature).unwrap());
        headers
    }

    #[test]
    fn a_signature_holds_for_its_context_body_key_and_clock_only() {
        let signer = NodeSigner::from_seed([3; 32]);
        let from = signer.node_key();
        let other = NodeSigner::from_seed([4; 32]).node_key();
        let signed = headers(&sign(&signer, b"sesh-a", b"body"));
        let now = 1_800_000_000_000;
        assert_eq!(verify(&signed, b"sesh-a", b"body", &from, now, now), Ok(()));
        assert_eq!(
            verify(&signed, b"sesh-a", b"body", &from, now - 60_000, now),
            Ok(())
        );
        let bad = Err(SignatureRefusal::BadSignature(from));
        assert_eq!(verify(&signed, b"sesh-b", b"body", &from, now, now), bad);
        assert_eq!(verify(&signed, b"sesh-a", b"bodx", &from, now, now), bad);
        assert_eq!(
            verify(&signed, b"sesh-a", b"body", &other, now, now),
            Err(SignatureRefusal::BadSignature(other))
        );
        assert_eq!(
            verify(&signed, b"sesh-a", b"body", &from, now - 60_001, now),
            Err(SignatureRefusal::Clock {
                timestamp: now - 60_001,
                now
            })
        );
        for malformed in [HeaderMap::new(), headers("00"), headers("not hex")] {
            assert_eq!(
                verify(&malformed, b"sesh-a", b"body", &from, now, now),
                Err(SignatureRefusal::Header)
            );
        }
    }

    #[test]
    fn the_wait_before_a_retry_doubles_up_to_the_cap() {
        assert_eq!(retry_wait(1), FIRST_RETRY);
        assert_eq!(retry_wait(2), FIRST_RETRY * 2);
        assert_eq!(retry_wait(3), FIRST_RETRY * 4);
        assert_eq!(retry_wait(20), MAX_RETRY);
        assert_eq!(retry_wait(u32::MAX), MAX_RETRY);
        assert_eq!(retry_wait(0), FIRST_RETRY, "called only after a failure");
    }
}
