//! Forwarded writes between the members of a swarm (`POST /v1/storage_forward`): the wire
//! format both the registry node and the benchmark's load generator speak. The body is one
//! storage-protocol sub-request; the forwarding node names its key ([`NODE_KEY_HEADER`]) and
//! clock ([`NODE_TIME_HEADER`]) and authenticates the request with [`MAC_HEADER`]:
//! HMAC-SHA256, under the key the two nodes share ([`crate::onion::LinkKey`]), of
//! [`CONTEXT`] ‖ the clock (8 bytes, big-endian) ‖ body. docs/api.md, "Node to node:
//! forwarded writes", says why a MAC and not a signature.

use crate::attestation::NodeSigner;
use crate::onion::{LinkKey, OnionError};

/// The node-to-node route of forwarded writes.
pub const PATH: &str = "/v1/storage_forward";

/// The forwarding node's Ed25519 key (64 hex characters).
pub const NODE_KEY_HEADER: &str = "x-sesh-node-key";

/// The forwarding node's clock when it sent the forward (ms since the Unix epoch).
pub const NODE_TIME_HEADER: &str = "x-sesh-node-time";

/// The forward's MAC (64 hex characters).
pub const MAC_HEADER: &str = "x-sesh-node-mac";

/// What the MAC covers before the clock and the body (no other request's).
pub const CONTEXT: &[u8] = b"sesh-storage-forward";

/// The MAC of a forward of `body` sent at `time_ms` over `link`.
pub fn mac(link: &LinkKey, time_ms: u64, body: &[u8]) -> [u8; 32] {
    link.mac(&[CONTEXT, &time_ms.to_be_bytes(), body])
}

/// Whether `tag` is the MAC of a forward of `body` sent at `time_ms` over `link`.
pub fn verify(link: &LinkKey, time_ms: u64, body: &[u8], tag: &[u8]) -> bool {
    link.verify(&[CONTEXT, &time_ms.to_be_bytes(), body], tag)
}

/// The three headers of a forward of `body` from `from` to the node whose Ed25519 key is
/// `to`, sent at `time_ms`: (name, value) pairs.
pub fn headers(
    from: &NodeSigner,
    to: &[u8; 32],
    time_ms: u64,
    body: &[u8],
) -> Result<[(&'static str, String); 3], OnionError> {
    let link = from.onion_key().link_key(to)?;
    Ok(headers_with(
        &from.node_key().to_string(),
        &link,
        time_ms,
        body,
    ))
}

/// [`headers`] with the link already drawn and the sender's key as hex.
pub fn headers_with(
    from_hex: &str,
    link: &LinkKey,
    time_ms: u64,
    body: &[u8],
) -> [(&'static str, String); 3] {
    [
        (NODE_KEY_HEADER, from_hex.to_owned()),
        (NODE_TIME_HEADER, time_ms.to_string()),
        (MAC_HEADER, hex::encode(mac(link, time_ms, body))),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forward_verifies_at_its_receiver_for_its_clock_and_body_only() {
        let (a, b) = (
            NodeSigner::from_seed([1; 32]),
            NodeSigner::from_seed([2; 32]),
        );
        let [(_, key), (_, time), (_, tag)] = headers(&a, &b.node_key().0, 7, b"{}").unwrap();
        assert_eq!(key, a.node_key().to_string());
        assert_eq!(time, "7");
        let tag = hex::decode(tag).unwrap();
        let link = b.onion_key().link_key(&a.node_key().0).unwrap();
        assert!(verify(&link, 7, b"{}", &tag));
        assert!(!verify(&link, 8, b"{}", &tag));
        assert!(!verify(&link, 7, b"[]", &tag));
    }
}
