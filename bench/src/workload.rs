//! What the load generator sends: requests prepared before the run (so building them costs
//! nothing while measuring), or, for mailbox stores and retrievals, made per request because
//! each must be new (a fresh message, a fresh signed timestamp). Mailboxes are spoken to
//! through Session's storage protocol, `POST /storage_rpc/v1` (`sesh_core::storage_rpc`).

use crate::http1::{Response, request, request_with_headers};
use crate::names::{Rng, label_of};
use alloy::primitives::Address;
use alloy::sol_types::SolCall;
use sesh_core::attestation::NodeSigner;
use sesh_core::bindings::name_registry::NameRegistry::resolveCall;
use sesh_core::onion::{LinkKey, OnionError};
use sesh_core::storage_rpc::forward;
use sesh_core::storage_rpc::{self, Namespace, Request, Retrieve, Store, SubRequest, UserPubkey};
use std::time::{SystemTime, UNIX_EPOCH};

/// How a response is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// HTTP 200.
    Ok,
    /// HTTP 200 and no JSON-RPC `"error"` in the body.
    OkNoRpcError,
    /// HTTP 200 and no swarm member `"failed"` in a storage-protocol answer.
    OkNoFailedMember,
}

/// One mailbox to read: its Session ID and its owner's Ed25519 seed.
#[derive(Debug, Clone)]
pub struct Mailbox {
    /// `05…`, 66 hex characters.
    pub session_id: String,
    /// The same account as the storage protocol names it.
    pub pubkey: UserPubkey,
    /// The owner's Ed25519 seed.
    pub seed: [u8; 32],
}

/// Stores sent as another member of the swarm hands them on
/// (`sesh_core::storage_rpc::forward`): the receiving node carries each out and hands it on
/// no further. The store load sends them so, so that a run measures what one node takes
/// (the store and the check of the forward's MAC), not one node plus its forwards to the
/// other nodes of the run on the same 2 cores.
#[derive(Debug)]
pub struct Forwarder {
    /// The forwarding node's key, hex.
    from: String,
    /// The key it shares with the loaded node.
    link: LinkKey,
}

impl Forwarder {
    /// Forwards as the node whose Ed25519 seed is `from_seed`, to the node whose key is `to`.
    pub fn new(from_seed: &[u8; 32], to: &[u8; 32]) -> Result<Self, OnionError> {
        let from = NodeSigner::from_seed(*from_seed);
        Ok(Self {
            link: from.onion_key().link_key(to)?,
            from: from.node_key().to_string(),
        })
    }

    /// Forwards as the node whose key file (its Ed25519 seed, hex) is `path`, to `to`.
    pub fn from_key_file(path: &std::path::Path, to: &[u8; 32]) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
        let text = text.trim();
        let seed: [u8; 32] = hex::decode(text.strip_prefix("0x").unwrap_or(text))
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or_else(|| format!("{} does not hold a 32-byte hex seed", path.display()))?;
        Self::new(&seed, to).map_err(|error| format!("node key {}: {error}", hex::encode(to)))
    }

    /// The forward's headers for `body`, sent now.
    pub fn headers(&self, body: &[u8]) -> [(&'static str, String); 3] {
        forward::headers_with(&self.from, &self.link, now_ms(), body)
    }
}

impl Mailbox {
    /// Mailbox `index` of the benchmark: its seed is `keccak256("mailbox" ‖ index)`.
    pub fn bench(index: u64) -> Self {
        let mut input = b"mailbox".to_vec();
        input.extend_from_slice(&index.to_be_bytes());
        let seed = alloy::primitives::keccak256(&input).0;
        let session_id = sesh_core::envelope::session_id_from_seed(&seed);
        Self {
            session_id: session_id.to_string(),
            pubkey: UserPubkey::from(&session_id),
            seed,
        }
    }
}

/// A workload.
#[derive(Debug)]
pub enum Workload {
    /// One of prepared requests, picked uniformly at random.
    Pool {
        /// Its name in reports.
        name: String,
        /// The whole requests.
        requests: Vec<Vec<u8>>,
        /// Items per request.
        items: u64,
        /// How a response is judged.
        check: Check,
    },
    /// A `store` of a new random payload each time (namespace 0), handed on as a swarm
    /// member does ([`Forwarder`]).
    MsgStore {
        /// `Host` header value.
        host: String,
        /// Recipients, picked at random.
        recipients: Vec<UserPubkey>,
        /// Payload bytes (before base64).
        payload_len: usize,
        /// TTL of the stored messages.
        ttl_ms: u64,
        /// The member the stores come from.
        forwarder: Forwarder,
    },
    /// A `retrieve` of namespace 0 (`POST /storage_rpc/v1`), signed with a fresh timestamp
    /// each time; connection `i` reads mailbox `i mod len`.
    MsgRetrieve {
        /// `Host` header value.
        host: String,
        /// The mailboxes.
        mailboxes: Vec<Mailbox>,
    },
}

/// Per-connection state.
#[derive(Debug, Default)]
pub struct ConnectionState {
    mailbox: usize,
    last_ms: u64,
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// `GET /v1/names/{label}` for every name `0..names`.
pub fn name_lookups(name: &str, host: &str, names: u64) -> Workload {
    Workload::Pool {
        name: name.to_string(),
        requests: (0..names)
            .map(|i| request("GET", host, &format!("/v1/names/{}", label_of(i)), None))
            .collect(),
        items: 1,
        check: Check::Ok,
    }
}

fn eth_call_json(registry: Address, index: u64, id: u64) -> serde_json::Value {
    let data = resolveCall {
        label: label_of(index),
    }
    .abi_encode();
    serde_json::json!({
        "jsonrpc": "2.0",
        "id": id,
        "method": "eth_call",
        "params": [{"to": registry, "data": format!("0x{}", hex::encode(data))}, "latest"],
    })
}

/// `eth_call` of `NameRegistry.resolve(label)` for every name `0..names`.
pub fn eth_calls(host: &str, registry: Address, names: u64) -> Workload {
    Workload::Pool {
        name: "eth_call resolve".into(),
        requests: (0..names)
            .map(|i| {
                let body = eth_call_json(registry, i, 1).to_string();
                request("POST", host, "/", Some(body.as_bytes()))
            })
            .collect(),
        items: 1,
        check: Check::OkNoRpcError,
    }
}

/// `pool` bodies of `POST /v1/names/batch`, each with `per` random names of `0..names`.
pub fn name_batches(host: &str, names: u64, per: u64, pool: usize, seed: u64) -> Workload {
    let mut rng = Rng::new(seed);
    Workload::Pool {
        name: format!("node POST /v1/names/batch ({per} names)"),
        requests: (0..pool)
            .map(|_| {
                let batch: Vec<String> = (0..per).map(|_| label_of(rng.below(names))).collect();
                let body = serde_json::json!({ "names": batch }).to_string();
                request("POST", host, "/v1/names/batch", Some(body.as_bytes()))
            })
            .collect(),
        items: per,
        check: Check::Ok,
    }
}

/// `pool` JSON-RPC batches of `per` `eth_call`s of random names of `0..names`.
pub fn eth_call_batches(
    host: &str,
    registry: Address,
    names: u64,
    per: u64,
    pool: usize,
    seed: u64,
) -> Workload {
    let mut rng = Rng::new(seed);
    Workload::Pool {
        name: format!("eth_call JSON-RPC batch ({per} calls)"),
        requests: (0..pool)
            .map(|_| {
                let calls: Vec<serde_json::Value> = (0..per)
                    .map(|id| eth_call_json(registry, rng.below(names), id + 1))
                    .collect();
                let body = serde_json::Value::Array(calls).to_string();
                request("POST", host, "/", Some(body.as_bytes()))
            })
            .collect(),
        items: per,
        check: Check::OkNoRpcError,
    }
}

impl Workload {
    /// The name in reports.
    pub fn name(&self) -> &str {
        match self {
            Self::Pool { name, .. } => name,
            Self::MsgStore { .. } => "node POST /v1/storage_forward store",
            Self::MsgRetrieve { .. } => "node POST /storage_rpc/v1 retrieve",
        }
    }

    /// Items per request.
    pub fn items_per_request(&self) -> u64 {
        match self {
            Self::Pool { items, .. } => *items,
            Self::MsgStore { .. } | Self::MsgRetrieve { .. } => 1,
        }
    }

    /// The state of connection `index`.
    pub fn connection_state(&self, index: usize) -> ConnectionState {
        match self {
            Self::MsgRetrieve { mailboxes, .. } if !mailboxes.is_empty() => ConnectionState {
                mailbox: index % mailboxes.len(),
                last_ms: 0,
            },
            _ => ConnectionState::default(),
        }
    }

    /// Writes the next request into `out`.
    pub fn fill(&self, rng: &mut Rng, state: &mut ConnectionState, out: &mut Vec<u8>) {
        match self {
            Self::Pool { requests, .. } => {
                if !requests.is_empty() {
                    let pick = rng.below(requests.len() as u64) as usize;
                    out.extend_from_slice(&requests[pick]);
                }
            }
            Self::MsgStore {
                host,
                recipients,
                payload_len,
                ttl_ms,
                forwarder,
            } => {
                let mut payload = vec![0u8; *payload_len];
                rng.fill(&mut payload);
                let Some(recipient) =
                    recipients.get(rng.below(recipients.len().max(1) as u64) as usize)
                else {
                    return;
                };
                out.extend_from_slice(&store_request(
                    host,
                    *recipient,
                    payload,
                    (now_ms(), *ttl_ms),
                    forwarder,
                ));
            }
            Self::MsgRetrieve { host, mailboxes } => {
                let Some(mailbox) = mailboxes.get(state.mailbox) else {
                    return;
                };
                let timestamp = now_ms().max(state.last_ms + 1);
                state.last_ms = timestamp;
                out.extend_from_slice(&retrieve_request(host, mailbox, timestamp));
            }
        }
    }

    /// Whether `response` is a correct answer.
    pub fn check(&self, response: &Response) -> Result<(), String> {
        let check = match self {
            Self::Pool { check, .. } => *check,
            Self::MsgStore { .. } => Check::OkNoFailedMember,
            Self::MsgRetrieve { .. } => Check::Ok,
        };
        if response.status != 200 {
            let body = String::from_utf8_lossy(&response.body);
            return Err(format!(
                "HTTP {}: {}",
                response.status,
                body.chars().take(300).collect::<String>()
            ));
        }
        if check == Check::OkNoRpcError && contains(&response.body, b"\"error\"") {
            let body = String::from_utf8_lossy(&response.body);
            return Err(format!(
                "JSON-RPC error: {}",
                body.chars().take(300).collect::<String>()
            ));
        }
        // A member that refused (quota, node-wide bound) is `"failed": true` in an HTTP 200.
        if check == Check::OkNoFailedMember && contains(&response.body, b"\"failed\"") {
            let body = String::from_utf8_lossy(&response.body);
            return Err(format!(
                "a member refused the store: {}",
                body.chars().take(300).collect::<String>()
            ));
        }
        Ok(())
    }
}

/// The whole `store` request of `data` for `recipient` in namespace 0 at `timestamp_ms` for
/// `ttl_ms`, handed on by `forwarder`.
pub fn store_request(
    host: &str,
    recipient: UserPubkey,
    data: Vec<u8>,
    (timestamp_ms, ttl_ms): (u64, u64),
    forwarder: &Forwarder,
) -> Vec<u8> {
    let store = Store::new(recipient, Namespace::DEFAULT, data, timestamp_ms, ttl_ms);
    let body = Request::One(SubRequest::Store(store)).to_json().to_string();
    let headers = forwarder.headers(body.as_bytes());
    let headers: Vec<(&str, &str)> = headers
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    request_with_headers("POST", host, forward::PATH, &headers, Some(body.as_bytes()))
}

/// The whole `retrieve` request of `mailbox`'s namespace 0, signed at `timestamp_ms`.
pub fn retrieve_request(host: &str, mailbox: &Mailbox, timestamp_ms: u64) -> Vec<u8> {
    let retrieve = Retrieve::signed(&mailbox.seed, Namespace::DEFAULT, timestamp_ms, None);
    let body = Request::One(SubRequest::Retrieve(retrieve))
        .to_json()
        .to_string();
    request("POST", host, storage_rpc::PATH, Some(body.as_bytes()))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eth_call_bodies_name_the_registry_and_resolve() {
        let registry = Address::repeat_byte(0x11);
        let Workload::Pool { requests, .. } = eth_calls("h", registry, 2) else {
            panic!("a pool");
        };
        let text = String::from_utf8(requests[1].clone()).unwrap();
        assert!(text.starts_with("POST / HTTP/1.1\r\n"));
        assert!(text.contains("eth_call"));
        assert!(text.contains(&format!("{registry}").to_lowercase()[2..]));
        let selector = hex::encode(resolveCall::SELECTOR);
        assert!(text.contains(&selector));
    }

    #[test]
    fn mailbox_requests_are_storage_protocol_requests() {
        let mailbox = Mailbox::bench(7);
        let now = 1_780_000_000_000;
        let (from, to) = (
            NodeSigner::from_seed([1; 32]),
            NodeSigner::from_seed([2; 32]),
        );
        let forwarder = Forwarder::new(&[1; 32], &to.node_key().0).unwrap();
        let text = store_request("h", mailbox.pubkey, vec![1; 400], (now, 60_000), &forwarder);
        let (head, body) =
            text.split_at(text.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4);
        let head = String::from_utf8(head.to_vec()).unwrap();
        assert!(head.starts_with("POST /v1/storage_forward HTTP/1.1\r\n"));
        assert!(head.contains(&format!("x-sesh-node-key: {}\r\n", from.node_key())));
        // The receiver checks the MAC with the key it shares with the sender.
        let header = |name: &str| {
            head.lines()
                .find_map(|line| line.strip_prefix(&format!("{name}: ")))
                .unwrap()
                .to_owned()
        };
        let time: u64 = header("x-sesh-node-time").parse().unwrap();
        let mac = hex::decode(header("x-sesh-node-mac")).unwrap();
        let link = to.onion_key().link_key(&from.node_key().0).unwrap();
        assert!(forward::verify(&link, time, body, &mac));
        let Request::One(SubRequest::Store(store)) = Request::parse(body).unwrap() else {
            panic!("a store");
        };
        assert_eq!(
            (store.pubkey, store.data.len(), store.expiry),
            (mailbox.pubkey, 400, now + 60_000)
        );

        let text = retrieve_request("h", &mailbox, now);
        let body = &text[text.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4..];
        let Request::One(SubRequest::Retrieve(retrieve)) = Request::parse(body).unwrap() else {
            panic!("a retrieve");
        };
        assert_eq!(retrieve.pubkey, mailbox.pubkey);
        assert_eq!(retrieve.check(now), Ok(()));
    }

    #[test]
    fn a_failed_member_is_a_failure() {
        let workload = Workload::MsgStore {
            host: "h".into(),
            recipients: Vec::new(),
            payload_len: 1,
            ttl_ms: 1,
            forwarder: Forwarder::new(&[1; 32], &NodeSigner::from_seed([2; 32]).node_key().0)
                .unwrap(),
        };
        let refused = Response {
            status: 200,
            body: br#"{"swarm":{"aa":{"failed":true,"code":507}}}"#.to_vec(),
            close: false,
        };
        assert!(workload.check(&refused).is_err());
    }

    #[test]
    fn rpc_errors_are_failures() {
        let workload = eth_calls("h", Address::ZERO, 1);
        let ok = Response {
            status: 200,
            body: br#"{"result":"0x"}"#.to_vec(),
            close: false,
        };
        assert!(workload.check(&ok).is_ok());
        let error = Response {
            status: 200,
            body: br#"{"error":{"code":3}}"#.to_vec(),
            close: false,
        };
        assert!(workload.check(&error).is_err());
    }
}
