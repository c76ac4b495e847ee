//! The two `oxend_request` endpoints a node answers, typed: `ons_resolve`
//! (params and answer are [`crate::ons`]'s) and `get_service_nodes`, the
//! active node list, with the params Session clients send and the fields they
//! read. The storage server forwards both to oxend and answers
//! `{"result": <oxend's answer>, "t", "hf"}` ([`super::response::OxendResponse`]).

use super::request::{OxendEndpoint, OxendRequest};
use crate::ons::{NameHash, OnsRequest, TYPE_SESSION};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The `fields` Session clients ask `get_service_nodes` for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ServiceNodeFields {
    /// `public_ip`.
    #[serde(default)]
    pub public_ip: bool,
    /// `storage_port` (HTTPS).
    #[serde(default)]
    pub storage_port: bool,
    /// `pubkey_x25519`.
    #[serde(default)]
    pub pubkey_x25519: bool,
    /// `pubkey_ed25519`.
    #[serde(default)]
    pub pubkey_ed25519: bool,
}

/// `params` of `get_service_nodes`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ServiceNodesParams {
    /// Only active nodes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_only: Option<bool>,
    /// At most this many nodes (oxend picks them at random when fewer than
    /// all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// Which fields to answer with (omitted: all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<ServiceNodeFields>,
}

/// One node of the `get_service_nodes` answer: the fields Session clients
/// read (others are kept in `other`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceNodeState {
    /// The node's IP address (`0.0.0.0` when unknown; clients skip it).
    pub public_ip: String,
    /// The node's storage (HTTPS) port.
    pub storage_port: u16,
    /// The node's X25519 key, hex.
    pub pubkey_x25519: String,
    /// The node's Ed25519 key, hex: the key of its receipts.
    pub pubkey_ed25519: String,
    /// Any other field oxend answers with.
    #[serde(flatten)]
    pub other: serde_json::Map<String, Value>,
}

/// The `get_service_nodes` answer (the `result` of `oxend_request`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceNodesResult {
    /// The nodes.
    pub service_node_states: Vec<ServiceNodeState>,
    /// Any other field oxend answers with (`height`, `hardfork`, …).
    #[serde(flatten)]
    pub other: serde_json::Map<String, Value>,
}

impl OxendRequest {
    /// `ons_resolve` of a name hash, as Session clients ask it: type 0 (a
    /// Session ID) and the hash in base64.
    pub fn ons_resolve(name_hash: &NameHash) -> Self {
        let params = OnsRequest {
            kind: TYPE_SESSION,
            name_hash: name_hash.to_base64(),
        };
        Self {
            endpoint: OxendEndpoint::OnsResolve,
            params: serde_json::to_value(params).ok(),
        }
    }

    /// The active node list with the fields Session clients ask for.
    pub fn service_nodes(limit: Option<u64>) -> Self {
        let params = ServiceNodesParams {
            active_only: Some(true),
            limit,
            fields: Some(ServiceNodeFields {
                public_ip: true,
                storage_port: true,
                pubkey_x25519: true,
                pubkey_ed25519: true,
            }),
        };
        Self {
            endpoint: OxendEndpoint::GetServiceNodes,
            params: serde_json::to_value(params).ok(),
        }
    }

    /// The params of an `ons_resolve`, when they are an [`OnsRequest`].
    pub fn ons_params(&self) -> Option<OnsRequest> {
        match (self.endpoint, &self.params) {
            (OxendEndpoint::OnsResolve, Some(p)) => serde_json::from_value(p.clone()).ok(),
            _ => None,
        }
    }

    /// The params of a `get_service_nodes` (none given: all defaults).
    pub fn service_nodes_params(&self) -> Option<ServiceNodesParams> {
        match (self.endpoint, &self.params) {
            (OxendEndpoint::GetServiceNodes, None) => Some(ServiceNodesParams::default()),
            (OxendEndpoint::GetServiceNodes, Some(p)) => serde_json::from_value(p.clone()).ok(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage_rpc::{Request, SubRequest};
    use serde_json::json;

    #[test]
    fn ons_resolve_as_session_clients_send_it() {
        let hash = NameHash::of("alice");
        let request = OxendRequest::ons_resolve(&hash);
        let json = SubRequest::OxendRequest(request.clone()).to_json();
        assert_eq!(
            json,
            json!({"method": "oxend_request", "params": {"endpoint": "ons_resolve",
                "params": {"type": 0, "name_hash": hash.to_base64()}}})
        );
        let Request::One(SubRequest::OxendRequest(back)) = Request::from_value(&json).unwrap()
        else {
            panic!()
        };
        let params = back.ons_params().unwrap();
        assert_eq!(NameHash::parse(&params.name_hash).unwrap(), hash);
    }

    #[test]
    fn service_nodes_params_and_answer() {
        let request = OxendRequest::service_nodes(Some(256));
        let params = request.service_nodes_params().unwrap();
        assert_eq!(params.active_only, Some(true));
        assert!(params.fields.unwrap().pubkey_ed25519);
        let answer = json!({"service_node_states": [{
            "public_ip": "10.0.0.1", "storage_port": 22021,
            "pubkey_x25519": "aa", "pubkey_ed25519": "bb", "swarm_id": 7
        }], "height": 5});
        let parsed: ServiceNodesResult = serde_json::from_value(answer.clone()).unwrap();
        assert_eq!(parsed.service_node_states[0].storage_port, 22021);
        assert_eq!(serde_json::to_value(&parsed).unwrap(), answer);
        let bare = OxendRequest {
            endpoint: OxendEndpoint::GetServiceNodes,
            params: None,
        };
        assert_eq!(
            bare.service_nodes_params(),
            Some(ServiceNodesParams::default())
        );
    }
}
