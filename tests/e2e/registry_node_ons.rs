//! `ons_resolve` against a real node: the encrypted Session ID decrypts with
//! the name, the signature checks out, every name that does not resolve gets
//! the identical answer, bad hashes are refused, and `sesh name lookup
//! --private` resolves through it.

use alloy::primitives::{Address, B256};
use alloy::providers::Provider;
use serde_json::{Value, json};
use sesh_core::SessionId;
use sesh_core::bindings::NameRegistry;
use sesh_core::ons::{self, NameHash, OnsResult};
use sesh_e2e::cli::SeshHome;
use sesh_e2e::node::{NodeTestbed, RegistryNode};
use std::time::Duration;

fn session(byte: u8) -> SessionId {
    SessionId::from_key(B256::repeat_byte(byte)).unwrap()
}

/// Every way of asking: GET hex, GET base64 (URL-escaped), POST, JSON-RPC on `/json_rpc` and `/`.
async fn ask_all(node: &RegistryNode, name: &str) -> Vec<(u16, Value)> {
    let hash = NameHash::of(name);
    let b64 = hash.to_base64().replace('+', "%2B").replace('/', "%2F");
    let rpc = json!({"jsonrpc":"2.0","id":7,"method":"ons_resolve",
        "params":{"type":0,"name_hash":hash.to_base64()}})
    .to_string();
    vec![
        node.get(&format!("/v1/ons/{}", hash.to_hex())).await,
        node.get(&format!("/v1/ons/{b64}")).await,
        node.post(
            "/v1/ons",
            json!({"type":0,"name_hash":hash.to_hex()}).to_string(),
        )
        .await,
        node.post("/json_rpc", rpc.clone()).await,
        node.post("/", rpc).await,
    ]
}

fn resolved(
    answers: &[(u16, Value)],
    name: &str,
    chain_id: u64,
    contract: Address,
) -> eyre::Result<SessionId> {
    let hash = NameHash::of(name);
    let mut ids = Vec::new();
    for (index, (status, body)) in answers.iter().enumerate() {
        assert_eq!(*status, 200, "{body}");
        let result = if index >= 3 {
            assert_eq!(body["jsonrpc"], "2.0");
            assert_eq!(body["id"], 7);
            body["result"].clone()
        } else {
            body.clone()
        };
        let result: OnsResult = serde_json::from_value(result)?;
        assert_eq!(result.encrypted_value.len(), 98);
        assert_eq!(result.nonce.len(), 48);
        let answer = result.verify(hash, chain_id, contract)?;
        ids.push(ons::decrypt(name, &answer.encrypted_value, &answer.nonce)?);
    }
    assert!(ids.windows(2).all(|w| w[0] == w[1]));
    Ok(ids[0])
}

fn assert_not_found(answers: &[(u16, Value)]) {
    let rest = json!({"errors":[{"detail": ons::NOT_FOUND}]});
    for (index, (status, body)) in answers.iter().enumerate() {
        if index >= 3 {
            assert_eq!(*status, 200);
            assert_eq!(
                body,
                &json!({"jsonrpc":"2.0","id":7,"result":{}}),
                "JSON-RPC not found"
            );
        } else {
            assert_eq!(*status, 404, "{body}");
            assert_eq!(body, &rest, "REST not found");
        }
    }
}

#[tokio::test]
async fn ons_resolve_answers_encrypted_and_signed_and_hides_why_not() -> eyre::Result<()> {
    let bed = NodeTestbed::funded(1_000).await?;
    let (chain, deployment, provider) = (&bed.chain, &bed.deployment, &bed.provider);
    let contracts = &deployment.contracts;
    let mut options = bed.node_options();
    options.confirmations = 0;
    let node = RegistryNode::start(options);

    bed.register("alice", session(0xab).key(), true).await?;
    let block = bed.register("carol", session(0xcd).key(), false).await?;
    node.wait_indexed(block, Duration::from_secs(20)).await;

    // Resolves, whatever the case of the name and the encoding of the hash.
    let answers = ask_all(&node, "Alice").await;
    let id = resolved(
        &answers,
        "alice",
        deployment.chain_id,
        contracts.name_registry,
    )?;
    assert_eq!(id, session(0xab));
    // A changed answer does not verify.
    let mut forged: OnsResult = serde_json::from_value(answers[0].1.clone())?;
    forged.nonce = "00".repeat(24);
    assert!(
        forged
            .verify(
                NameHash::of("alice"),
                deployment.chain_id,
                contracts.name_registry
            )
            .is_err()
    );

    // The CLI resolves privately.
    let home = SeshHome::new(chain);
    let run = home
        .run(
            &[
                "--registry",
                &node.url,
                "name",
                "lookup",
                "alice",
                "--private",
            ],
            None,
        )
        .ok();
    assert!(
        run.stdout.contains(&session(0xab).to_string()),
        "{}",
        run.stdout
    );
    let run = home
        .run(&["name", "lookup", "alice", "--private"], None)
        .failed();
    assert!(
        run.stderr.contains("--private needs --registry URL"),
        "{}",
        run.stderr
    );

    // Never registered.
    let unregistered = ask_all(&node, "nobody").await;
    assert_not_found(&unregistered);

    // Record cleared.
    let registry = NameRegistry::new(contracts.name_registry, provider);
    let receipt = registry
        .setRecord(
            sesh_core::Name::parse("carol")?.token_id(),
            B256::ZERO,
            Address::ZERO,
        )
        .send()
        .await?
        .get_receipt()
        .await?;
    node.wait_indexed(receipt.block_number.unwrap(), Duration::from_secs(20))
        .await;
    let cleared = ask_all(&node, "carol").await;
    assert_not_found(&cleared);

    // Expired (in grace): past the expiry, one block mined.
    provider
        .raw_request::<_, Value>("evm_increaseTime".into(), (366 * 24 * 3600u64,))
        .await?;
    provider
        .raw_request::<_, String>("evm_mine".into(), ())
        .await?;
    let head = provider.get_block_number().await?;
    node.wait_indexed(head, Duration::from_secs(20)).await;
    let expired = ask_all(&node, "alice").await;
    assert_not_found(&expired);
    assert_eq!(expired, unregistered, "the same answer whatever the reason");
    assert_eq!(cleared, unregistered, "the same answer whatever the reason");

    // Bad hashes and types.
    for bad in ["abc", &"g".repeat(64), &"*".repeat(44), &"ab".repeat(33)] {
        let (status, body) = node.get(&format!("/v1/ons/{bad}")).await;
        assert_eq!(status, 400, "{bad}: {body}");
        let (status, body) = node
            .post(
                "/json_rpc",
                json!({"jsonrpc":"2.0","id":1,"method":"ons_resolve",
                    "params":{"type":0,"name_hash":bad}})
                .to_string(),
            )
            .await;
        assert_eq!(status, 200);
        assert_eq!(body["error"]["code"], -32602, "{bad}: {body}");
    }
    let hex = NameHash::of("alice").to_hex();
    let (status, _) = node
        .post("/v1/ons", json!({"type":1,"name_hash":hex}).to_string())
        .await;
    assert_eq!(status, 400);
    let (_, body) = node
        .post(
            "/json_rpc",
            json!({"jsonrpc":"2.0","id":1,"method":"ons_resolve",
                "params":{"type":2,"name_hash":hex}})
            .to_string(),
        )
        .await;
    assert_eq!(body["error"]["code"], -32602, "{body}");
    Ok(())
}
