//! Onion requests (issue 19): a request wrapped by `sesh_core::onion` for a path of three
//! real, staked nodes is relayed by the first two and carried out by the last, whose answer
//! only the client opens; layers that are garbage, tampered with, or name a node outside the
//! active set get their refusal and the node keeps serving.

use alloy::primitives::B256;
use sesh_core::api::NameResponse;
use sesh_core::onion::{self, Answer, EncType, Hop, OnionRequest};
use sesh_core::storage_rpc::response::InfoResponse;
use sesh_core::storage_rpc::{
    Namespace, Request, Store, StoreResponse, SubRequest, UserPubkey, parse_response,
};
use sesh_e2e::node::{NodeTestbed, RegistryNode, http, wait_all_indexed};
use sesh_e2e::swarm::staked_nodes;
use std::time::Duration;

/// The hop of `node`: its onion key is its Ed25519 key mapped to X25519.
fn hop(node: &RegistryNode) -> Hop {
    let key: [u8; 32] = hex::decode(&node.node_key)
        .expect("hex")
        .try_into()
        .expect("32 bytes");
    Hop::from_ed25519(key).expect("a node key converts")
}

/// POSTs `body` to `node`'s `/onion_req/v2`: the status and the raw body.
async fn send(node: &RegistryNode, body: Vec<u8>) -> (u16, Vec<u8>) {
    let response = http()
        .post(format!("{}{}", node.url, onion::PATH))
        .body(body)
        .send()
        .await
        .expect("POST /onion_req/v2");
    let status = response.status().as_u16();
    (status, response.bytes().await.expect("a body").to_vec())
}

/// Sends `request` along `path` (first node first) and opens the answer.
async fn through(path: &[Hop], first: &RegistryNode, request: &[u8], enc: EncType) -> Answer {
    let OnionRequest { body, reply } = onion::build(path, request, enc).expect("build");
    let (status, sealed) = send(first, body).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&sealed));
    // What comes back through the relays is ciphertext (base64), not the answer.
    assert!(
        !String::from_utf8_lossy(&sealed).contains("version"),
        "the relays pass the answer sealed"
    );
    reply.open(&sealed).expect("the client opens the answer")
}

#[tokio::test]
async fn a_request_through_three_nodes_is_carried_out_by_the_last() -> eyre::Result<()> {
    let bed = NodeTestbed::funded(1_000).await?;
    let nodes = staked_nodes(
        &bed.url,
        &bed.deployment,
        &[bed.dev_key(2), bed.dev_key(3), bed.dev_key(4)],
    )
    .await?;
    let block = bed
        .register("onionname", B256::repeat_byte(0x07), true)
        .await?;
    wait_all_indexed(&nodes, block, Duration::from_secs(30)).await;
    let path: Vec<Hop> = nodes.iter().map(hop).collect();
    let deployment = &bed.deployment;

    // By the nodes' own request counts: every node of the path takes one onion request, and
    // only the last one serves the lookup; the first two never see it.
    let lookup = br#"{"endpoint":"/v1/names/onionname","method":"GET"}"#;
    const LOOKUP: &str = "/v1/names/{name}";
    let mut before = Vec::new();
    for node in &nodes {
        before.push((node.served(onion::PATH).await, node.served(LOOKUP).await));
    }
    through(&path, &nodes[0], lookup, EncType::AesGcm).await;
    for (i, node) in nodes.iter().enumerate() {
        let (onions, lookups) = before[i];
        assert_eq!(node.served(onion::PATH).await, onions + 1, "node {i}");
        let expected = if i == 2 { lookups + 1 } else { lookups };
        assert_eq!(node.served(LOOKUP).await, expected, "node {i}");
    }

    for enc in [EncType::AesGcm, EncType::XChaCha20] {
        // A storage RPC, as Session's clients send one to a service node.
        let answer = through(&path, &nodes[0], br#"{"method":"info","params":{}}"#, enc).await;
        assert_eq!(answer.status, 200, "{enc}: {answer:?}");
        let info: InfoResponse = parse_response(answer.status, &answer.body_bytes())?;
        assert!(info.timestamp > 0, "{info:?}");

        // A name lookup in the endpoint form: the last node answers, and signs.
        let answer = through(&path, &nodes[0], lookup, enc).await;
        assert_eq!(answer.status, 200, "{enc}: {answer:?}");
        let name: NameResponse = serde_json::from_slice(&answer.body_bytes())?;
        name.name
            .verify(deployment.chain_id, deployment.contracts.name_registry)?;
        assert_eq!(
            name.name.attestation.node_key.to_string(),
            nodes[2].node_key
        );

        // The same request along the path reversed is answered by the first node.
        let reversed: Vec<Hop> = path.iter().rev().copied().collect();
        let answer = through(&reversed, &nodes[2], lookup, enc).await;
        let name: NameResponse = serde_json::from_slice(&answer.body_bytes())?;
        assert_eq!(
            name.name.attestation.node_key.to_string(),
            nodes[0].node_key
        );
    }

    // A store of 40,000 bytes (more than the 16 KiB most routes take) through the path: the
    // destination keeps it and hands it on to its swarm, whose receipts all verify.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis() as u64;
    let store = Store::new(
        UserPubkey::from(&sesh_core::envelope::session_id_from_seed(&[0x33; 32])),
        Namespace::DEFAULT,
        vec![0x5a; 40_000],
        now,
        60_000,
    );
    let hash = store.hash();
    let request = Request::One(SubRequest::Store(store)).to_json().to_string();
    let answer = through(&path, &nodes[0], request.as_bytes(), EncType::XChaCha20).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let stored: StoreResponse = parse_response(answer.status, &answer.body_bytes())?;
    let receipts = stored.verify_receipts(&hash);
    assert_eq!(receipts.len(), 3, "{stored:?}");
    for (key, checked) in receipts {
        checked.map_err(|error| eyre::eyre!("{key}: {error}"))?;
    }

    // A lookup of a name nobody holds is the node's own 404, sealed.
    let answer = through(
        &path,
        &nodes[0],
        br#"{"endpoint":"/v1/names/nobodyhere","method":"GET"}"#,
        EncType::AesGcm,
    )
    .await;
    assert_eq!(answer.status, 404, "{answer:?}");
    // A final request of neither form: 400 inside the sealed answer.
    let answer = through(&path, &nodes[0], br#"{"params":{}}"#, EncType::AesGcm).await;
    assert_eq!(answer.status, 400, "{answer:?}");
    Ok(())
}

#[tokio::test]
async fn bad_layers_are_refused_and_the_node_stays_up() -> eyre::Result<()> {
    let bed = NodeTestbed::new();
    let nodes = staked_nodes(
        &bed.url,
        &bed.deployment,
        &[bed.dev_key(2), bed.dev_key(3), bed.dev_key(4)],
    )
    .await?;
    let path: Vec<Hop> = nodes.iter().map(hop).collect();
    let info = br#"{"method":"info","params":{}}"#;

    // Garbage at the first node: 400 with the reason, plain text.
    let mut tampered = onion::build(&path, info, EncType::AesGcm)?.body;
    tampered[10] ^= 1;
    for garbage in [
        Vec::new(),
        b"garbage".to_vec(),
        vec![0xff; 4096],
        b"\x05\x00\x00\x00abcde{\"ephemeral_key\":\"00\"}".to_vec(),
        tampered,
    ] {
        let (status, text) = send(&nodes[0], garbage).await;
        assert_eq!(status, 400, "{}", String::from_utf8_lossy(&text));
        assert!(
            String::from_utf8_lossy(&text).starts_with("Error parsing onion request"),
            "{}",
            String::from_utf8_lossy(&text)
        );
    }

    // A layer for the second node sent to the first does not decrypt there.
    let built = onion::build(&path[1..], info, EncType::XChaCha20)?;
    assert_eq!(send(&nodes[0], built.body).await.0, 400);

    // A next node outside the active set: 502 from the relay.
    let stranger =
        Hop::from_ed25519(sesh_core::envelope::ed25519_public(&[42u8; 32])).expect("a key");
    let built = onion::build(&[path[0], stranger], info, EncType::AesGcm)?;
    let (status, text) = send(&nodes[0], built.body).await;
    assert_eq!(status, 502, "{}", String::from_utf8_lossy(&text));
    assert!(String::from_utf8_lossy(&text).starts_with("Next node not found"));

    // Every node still serves, and a good request still goes through.
    for node in &nodes {
        assert_eq!(node.get("/health").await.0, 200);
    }
    let answer = through(&path, &nodes[0], info, EncType::AesGcm).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    Ok(())
}
