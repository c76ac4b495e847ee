//! The registry node against a real anvil with the real contracts, over real
//! HTTP: a registration is served once confirmed, signed; bad requests get the
//! documented errors; three nodes give the same answers, each signed by its own key.

use alloy::primitives::{B256, U256};
use alloy::providers::Provider;
use sesh_core::api::{
    BatchResponse, IdentityResponse, NameResponse, NameState, NodesResponse, OwnerNamesResponse,
    PremiumAnswer, PremiumResponse, ReverseResponse, Signed,
};
use sesh_core::attestation::Kind;
use sesh_core::bindings::node_staking::INodeStaking;
use sesh_core::bindings::{NodeStaking, Premium};
use sesh_core::keys::SessionKeys;
use sesh_core::{Name, NameError, SessionId};
use sesh_e2e::node::{
    NodeTestbed, RegistryNode, fund_and_approve, wait_all_indexed, wallet_provider,
};
use std::time::Duration;

fn session(byte: u8) -> SessionId {
    SessionId::from_key(B256::repeat_byte(byte)).unwrap()
}

#[tokio::test]
async fn serves_a_confirmed_registration_signed_and_refuses_bad_requests() -> eyre::Result<()> {
    let bed = NodeTestbed::funded(1_000).await?;
    let deployment = bed.deployment.clone();
    let contracts = &deployment.contracts;
    let alice = bed.alice.clone();
    let provider = bed.provider.clone();

    let mut options = bed.node_options();
    options.confirmations = 1;
    let node = RegistryNode::start(options);

    // Alice's name points at her own Session ID, which consents to it as its reverse name.
    let alice_session = SessionKeys::from_seed(&[0xab; 32]);
    let alice_id = alice_session.session_id();
    let block = bed.register_consented("alice", &alice_session, 1).await?;
    // At the chain head the registration has 0 confirmations: not served yet.
    node.wait_indexed(block - 1, Duration::from_secs(20)).await;
    let (status, _) = node.get("/v1/names/alice").await;
    assert_eq!(status, 404, "served before its confirmation depth");

    // One more block: confirmed; served within one poll.
    provider
        .raw_request::<_, String>("evm_mine".into(), ())
        .await?;
    node.wait_indexed(block, Duration::from_secs(5)).await;
    let (status, body) = node.get("/v1/names/Alice").await;
    assert_eq!(status, 200, "{body}");
    let answer: NameResponse = serde_json::from_value(body)?;
    answer
        .name
        .verify(deployment.chain_id, contracts.name_registry)?;
    answer
        .freshness
        .head
        .verify(deployment.chain_id, contracts.name_registry)?;
    assert_eq!(answer.name.attestation.kind, Kind::Name);
    assert_eq!(
        answer.name.attestation.block, block,
        "signed at the block of the change"
    );
    assert_eq!(answer.name.attestation.node_key.to_string(), node.node_key);
    assert_eq!(answer.name.answer.owner, alice.address());
    assert_eq!(answer.name.answer.session_id, Some(alice_id));
    assert_eq!(
        answer.name.answer.token_id,
        Name::parse("alice")?.token_id()
    );
    assert!(answer.name.answer.primary && answer.name.answer.valid);
    assert_eq!(answer.state, NameState::Live);
    assert!(answer.freshness.head.answer.block >= block);

    let (_, body) = node.get(&format!("/v1/reverse/{alice_id}")).await;
    let reverse: ReverseResponse = serde_json::from_value(body)?;
    reverse
        .reverse
        .verify(deployment.chain_id, contracts.name_registry)?;
    assert_eq!(reverse.reverse.answer.name.as_deref(), Some("alice"));
    // The answer carries the consent, which the wallet checks itself.
    reverse
        .reverse
        .answer
        .check_consent(deployment.chain_id, contracts.name_registry)
        .map_err(|e| eyre::eyre!(e))?;
    assert!(reverse.reverse.answer.consent.is_some());

    let (_, body) = node
        .get(&format!("/v1/owners/{}/names", alice.address()))
        .await;
    let owned: OwnerNamesResponse = serde_json::from_value(body)?;
    owned
        .names
        .verify(deployment.chain_id, contracts.name_registry)?;
    assert_eq!(owned.names.answer.names, vec!["alice".to_string()]);
    assert_eq!(owned.names.answer.primary.as_deref(), Some("alice"));

    // The signature is made once per record change, not once per request.
    let before = node.metric("registry_answer_signatures").await;
    assert!(before.is_some());
    for _ in 0..5 {
        assert_eq!(node.get("/v1/names/alice").await.0, 200);
    }
    assert_eq!(
        node.metric("registry_answer_signatures").await,
        before,
        "lookups re-signed an unchanged record"
    );
    let metrics = node.metrics().await;
    assert!(
        metrics.contains("registry_http_requests_total{route=\"/v1/names/{name}\",status=\"200\"}")
    );
    assert!(metrics.contains("registry_http_request_duration_seconds_bucket"));
    assert!(metrics.contains("registry_head_lag_blocks"));

    // Availability and an exact quote (5+ characters: 100 SESH a year).
    let (status, body) = node.get("/v1/availability/bobby?duration=31536000").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["available"], true);
    assert_eq!(body["rent"], "100000000000");
    assert_eq!(body["premium"], "0");
    let (_, body) = node.get("/v1/availability/alice").await;
    assert_eq!(body["available"], false);
    assert_eq!(body["state"], "live");

    // Bad requests.
    let (status, body) = node.get("/v1/names/al%20ice").await;
    assert_eq!(status, 400);
    assert_eq!(
        body["errors"][0]["detail"],
        NameError::InvalidCharacter {
            position: 3,
            character: ' '
        }
        .to_string()
    );
    let (status, body) = node.get("/v1/names/-ab").await;
    assert_eq!(status, 400);
    assert_eq!(
        body["errors"][0]["detail"],
        NameError::EdgeHyphen.to_string()
    );
    let (status, body) = node.get(&format!("/v1/names/{}", "x".repeat(65))).await;
    assert_eq!(status, 400);
    assert_eq!(
        body["errors"][0]["detail"],
        NameError::TooLong { len: 65 }.to_string()
    );
    let (status, body) = node.get("/v1/names/nobody").await;
    assert_eq!(status, 404);
    assert!(
        body["errors"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("not registered")
    );
    let (status, body) = node.post("/v1/names/batch", "{\"names\": [").await;
    assert_eq!(status, 400);
    assert!(body["errors"][0]["detail"].is_string(), "{body}");
    let (status, _) = node.post("/v1/names/batch", vec![b' '; 20 * 1024]).await;
    assert_eq!(status, 413);
    let too_many = serde_json::json!({ "names": vec!["a"; 101] }).to_string();
    let (status, body) = node.post("/v1/names/batch", too_many).await;
    assert_eq!(status, 400);
    assert!(
        body["errors"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("at most 100")
    );
    let (status, _) = node.get("/v1/reverse/0512").await;
    assert_eq!(status, 400);
    let (status, _) = node.get("/v1/owners/not-an-address/names").await;
    assert_eq!(status, 400);
    // A mixed-case address with one letter's case flipped fails its EIP-55 checksum.
    let (status, body) = node
        .get("/v1/owners/0x70997970c51812dc3A010C7d01b50e0d17dc79C8/names")
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.to_string().contains("EIP-55 checksum"), "{body}");
    let (status, _) = node
        .get("/v1/owners/0x70997970c51812dc3a010c7d01b50e0d17dc79c8/names")
        .await;
    assert_eq!(status, 200, "all-lowercase is accepted unchecked");
    let (status, _) = node.get("/v1/no/such/route").await;
    assert_eq!(status, 404);

    // A batch answers each name in order.
    let request = serde_json::json!({ "names": ["alice", "nobody", "Bad Name"] }).to_string();
    let (status, body) = node.post("/v1/names/batch", request).await;
    assert_eq!(status, 200, "{body}");
    let batch: BatchResponse = serde_json::from_value(body)?;
    assert_eq!(batch.results.len(), 3);
    batch.results[0]
        .name
        .as_ref()
        .unwrap()
        .verify(deployment.chain_id, contracts.name_registry)?;
    assert!(
        batch.results[1]
            .error
            .as_deref()
            .unwrap()
            .contains("not registered")
    );
    assert!(
        batch.results[2]
            .error
            .as_deref()
            .unwrap()
            .contains("position 4")
    );

    // Answers are kept rendered, and a commit drops exactly the ones it changed: a new primary
    // name turns alice's primary flag off at the next lookup, single or batch.
    let entries = node.metric("registry_answer_cache_entries").await;
    assert!(entries >= Some(1), "{entries:?}");
    let block = bed.register("alicetwo", session(0xac).key(), true).await?;
    provider
        .raw_request::<_, String>("evm_mine".into(), ())
        .await?;
    node.wait_indexed(block, Duration::from_secs(5)).await;
    let (status, body) = node.get("/v1/names/alice").await;
    assert_eq!(status, 200, "{body}");
    let answer: NameResponse = serde_json::from_value(body)?;
    answer
        .name
        .verify(deployment.chain_id, contracts.name_registry)?;
    assert!(
        !answer.name.answer.primary,
        "a cached answer outlived a primary-name change"
    );
    assert_eq!(answer.name.attestation.block, block);
    let request = serde_json::json!({ "names": ["alicetwo", "alice"] }).to_string();
    let (_, body) = node.post("/v1/names/batch", request).await;
    let batch: BatchResponse = serde_json::from_value(body)?;
    let primaries: Vec<bool> = batch
        .results
        .iter()
        .map(|item| item.name.as_ref().is_some_and(|n| n.answer.primary))
        .collect();
    assert_eq!(primaries, [true, false]);

    let (status, body) = node.get("/health").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["rpc_reachable"], true);

    // The RPC goes away: the node keeps serving its index, marked stale, and says so in /health.
    drop(provider);
    drop(bed);
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while node.get("/health").await.0 != 503 {
        assert!(
            std::time::Instant::now() < deadline,
            "/health did not notice the RPC is gone"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (_, health) = node.get("/health").await;
    assert_eq!(health["status"], "degraded");
    assert_eq!(health["rpc_reachable"], false);
    let (status, body) = node.get("/v1/names/alice").await;
    assert_eq!(status, 200, "{body}");
    let answer: NameResponse = serde_json::from_value(body)?;
    assert!(answer.freshness.stale);
    answer
        .name
        .verify(deployment.chain_id, contracts.name_registry)?;

    let exit = node.terminate();
    assert!(exit.success(), "SIGTERM is a clean shutdown: {exit:?}");
    Ok(())
}

#[tokio::test]
async fn three_nodes_give_the_same_answers_each_signed_by_its_own_key() -> eyre::Result<()> {
    let bed = NodeTestbed::funded(100_000).await?;
    let (deployment, url, alice, provider) = (&bed.deployment, &bed.url, &bed.alice, &bed.provider);
    let contracts = &deployment.contracts;
    let sesh = sesh_core::bindings::TestSESH::new(contracts.sesh, provider);
    for spender in [contracts.premium, contracts.node_staking] {
        sesh.approve(spender, U256::MAX)
            .send()
            .await?
            .get_receipt()
            .await?;
    }

    let nodes = bed.start_nodes(3);

    bed.register("carol", session(1).key(), true).await?;
    bed.register("dave", session(2).key(), false).await?;
    let premium = Premium::new(contracts.premium, provider);
    premium
        .buy(
            session(1).key(),
            U256::from(2),
            U256::MAX,
            sesh_core::bindings::premium::no_permit(),
        )
        .send()
        .await?
        .get_receipt()
        .await?;

    // A staking node whose key proof the first registry node signs with `sign-registration`.
    let staking = NodeStaking::new(contracts.node_staking, provider);
    let output = std::process::Command::new(sesh_e2e::node::registry_node_bin())
        .arg("sign-registration")
        .args(["--rpc-url", url])
        .arg("--deployment")
        .arg(&nodes[0].options.manifest)
        .arg("--data-dir")
        .arg(&nodes[0].options.data_dir)
        .args(["--operator", &alice.address().to_string()])
        .args(["--signer", &alice.address().to_string()])
        .output()?;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let proof: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    assert_eq!(
        proof["ed25519_key"].as_str().unwrap(),
        format!("0x{}", nodes[0].node_key)
    );
    let requirement = staking.stakingRequirement().call().await?;
    let receipt = staking
        .createNode(INodeStaking::NodeRegistration {
            ed25519Key: proof["ed25519_key"].as_str().unwrap().parse()?,
            ed25519Signature: proof["ed25519_signature"].as_str().unwrap().parse()?,
            signer: alice.address(),
            url: nodes[0].url.clone(),
            feeBps: U256::from(500),
            operatorStake: requirement,
            reservations: vec![],
        })
        .send()
        .await?
        .get_receipt()
        .await?;
    assert!(receipt.status());
    let head = provider.get_block_number().await?;

    wait_all_indexed(&nodes, head, Duration::from_secs(20)).await;
    let mut answers = Vec::new();
    for node in &nodes {
        let (_, identity) = node.get("/v1/identity").await;
        let identity: IdentityResponse = serde_json::from_value(identity)?;
        assert_eq!(identity.node_key.to_string(), node.node_key);
        assert_eq!(identity.contracts, deployment.contracts);

        let (_, carol) = node.get("/v1/names/carol").await;
        let carol: NameResponse = serde_json::from_value(carol)?;
        carol
            .name
            .verify(deployment.chain_id, contracts.name_registry)?;
        assert_eq!(carol.name.attestation.node_key, identity.node_key);

        let (_, dave) = node.get("/v1/names/dave").await;
        let dave: NameResponse = serde_json::from_value(dave)?;
        dave.name
            .verify(deployment.chain_id, contracts.name_registry)?;
        assert!(!dave.name.answer.primary);

        let (_, status) = node.get(&format!("/v1/premium/{}", session(1))).await;
        let status: PremiumResponse = serde_json::from_value(status)?;
        status
            .premium
            .verify(deployment.chain_id, contracts.premium)?;
        assert!(status.active);
        let (code, proof) = node.get(&format!("/v1/premium/{}/proof", session(1))).await;
        assert_eq!(code, 200);
        let proof: Signed<PremiumAnswer> = serde_json::from_value(proof)?;
        proof.verify(deployment.chain_id, contracts.premium)?;
        assert_eq!(
            proof.answer.expiry,
            premium
                .premiumExpiry(session(1).key())
                .call()
                .await?
                .to::<u64>()
        );
        assert_eq!(
            node.get(&format!("/v1/premium/{}/proof", session(9)))
                .await
                .0,
            404
        );

        let (_, listed) = node.get("/v1/nodes?state=all").await;
        let listed: NodesResponse = serde_json::from_value(listed)?;
        assert_eq!(listed.nodes.len(), 1);
        let staked = &listed.nodes[0];
        staked.verify(deployment.chain_id, contracts.node_staking)?;
        assert!(
            staked.answer.key_proof_valid,
            "the sign-registration proof checks out"
        );
        assert_eq!(staked.answer.ed25519_key.to_string(), nodes[0].node_key);
        assert_eq!(staked.answer.total_staked, requirement);
        assert_eq!(staked.answer.contributors.len(), 1);

        answers.push((
            carol.name.answer,
            dave.name.answer,
            status.premium.answer,
            staked.answer.clone(),
        ));
    }
    assert!(
        answers.windows(2).all(|w| w[0] == w[1]),
        "the three nodes disagree"
    );
    let keys: std::collections::BTreeSet<_> = nodes.iter().map(|n| n.node_key.clone()).collect();
    assert_eq!(keys.len(), 3, "each node signs with its own key");
    Ok(())
}

#[tokio::test]
async fn indexes_listings_offers_and_verified_sales() -> eyre::Result<()> {
    use sesh_core::api::{ListingsResponse, OffersResponse};
    use sesh_core::bindings::{NameMarket, NameRegistry};

    let bed = NodeTestbed::funded(1_000).await?;
    let (deployment, alice, alice_provider) = (&bed.deployment, &bed.alice, &bed.provider);
    let contracts = &deployment.contracts;
    let bob = bed.dev_key(2);
    let bob_provider = wallet_provider(&bed.url, bob.clone());
    fund_and_approve(
        &bob_provider,
        deployment,
        bob.address(),
        contracts.name_market,
        2_000,
    )
    .await?;
    let node = bed.start_node();

    bed.register("for-sale", session(7).key(), true).await?;
    let token_id = Name::parse("for-sale")?.token_id();
    NameRegistry::new(contracts.name_registry, &alice_provider)
        .setApprovalForAll(contracts.name_market, true)
        .send()
        .await?
        .get_receipt()
        .await?;
    let now = alice_provider
        .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
        .await?
        .expect("latest block")
        .header
        .timestamp;
    let price = U256::from(500_000_000_000u64);
    let market = NameMarket::new(contracts.name_market, &alice_provider);
    market
        .list(token_id, price, U256::from(now + 86_400))
        .send()
        .await?
        .get_receipt()
        .await?;
    let no_permit = sesh_core::bindings::name_market::no_permit();
    let bob_market = NameMarket::new(contracts.name_market, &bob_provider);
    bob_market
        .makeOffer(
            token_id,
            U256::from(300_000_000_000u64),
            U256::from(now + 3_600),
            session(8).key(),
            alloy::primitives::Address::ZERO,
            no_permit.clone(),
        )
        .send()
        .await?
        .get_receipt()
        .await?;
    let head = alice_provider.get_block_number().await?;
    node.wait_indexed(head, Duration::from_secs(20)).await;

    let (status, body) = node
        .get("/v1/listings?sort=price&order=desc&limit=10")
        .await;
    assert_eq!(status, 200, "{body}");
    let listings: ListingsResponse = serde_json::from_value(body)?;
    assert_eq!(listings.total, 1);
    listings.listings[0].verify(deployment.chain_id, contracts.name_market)?;
    assert_eq!(listings.listings[0].answer.name, "for-sale");
    assert_eq!(listings.listings[0].answer.price, price);
    assert_eq!(listings.listings[0].answer.seller, alice.address());
    let (_, body) = node
        .get(&format!(
            "/v1/listings?seller={}&max_price=1",
            alice.address()
        ))
        .await;
    assert_eq!(body["total"], 0);
    assert_eq!(node.get("/v1/listings?sort=name").await.0, 400);

    let (_, body) = node.get("/v1/names/for-sale/offers").await;
    let offers: OffersResponse = serde_json::from_value(body)?;
    assert_eq!(offers.offers.len(), 1);
    offers.offers[0].verify(deployment.chain_id, contracts.name_market)?;
    assert_eq!(offers.offers[0].answer.bidder, bob.address());

    // Bob buys the listing: the fee reaches the pool, the name moves with Bob's record.
    let receipt = bob_market
        .buy(
            token_id,
            price,
            session(9).key(),
            alloy::primitives::Address::ZERO,
            no_permit,
        )
        .send()
        .await?
        .get_receipt()
        .await?;
    assert!(receipt.status());
    node.wait_indexed(receipt.block_number.unwrap(), Duration::from_secs(20))
        .await;
    let (_, body) = node.get("/v1/listings").await;
    assert_eq!(body["total"], 0, "a sold listing is gone");
    let (_, body) = node.get("/v1/names/for-sale").await;
    let answer: NameResponse = serde_json::from_value(body)?;
    assert_eq!(answer.name.answer.owner, bob.address());
    assert_eq!(answer.name.answer.session_id, Some(session(9)));
    assert!(answer.name.answer.valid && !answer.name.answer.primary);
    let (_, flagged) = node.get("/v1/flagged").await;
    assert_eq!(
        flagged["flagged"],
        serde_json::json!([]),
        "the sale paid its fee"
    );
    Ok(())
}

/// A child process killed (if still running) and reaped when dropped.
struct Reaped(std::process::Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `registry-node run` for `options` listening on `listen`, stdout and stderr piped; the
/// caller reads or closes them.
fn spawn_piped(options: &sesh_e2e::node::NodeOptions, listen: &str, rust_log: &str) -> Reaped {
    use std::process::{Command, Stdio};
    sesh_e2e::node::init_key(options);
    let child = Command::new(sesh_e2e::node::registry_node_bin())
        .arg("run")
        .args(["--rpc-url", &options.rpc_url])
        .arg("--deployment")
        .arg(&options.manifest)
        .arg("--data-dir")
        .arg(&options.data_dir)
        .args(["--listen", listen, "--confirmations", "0"])
        .args(["--poll-interval-ms", "20"])
        .env("RUST_LOG", rust_log)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start registry-node");
    Reaped(child)
}

/// Waits up to `timeout` for `child` to exit.
fn exit_within(
    child: &mut std::process::Child,
    timeout: Duration,
) -> Option<std::process::ExitStatus> {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait().expect("wait for registry-node") {
            return Some(status);
        }
        if std::time::Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// Issue 14, item 9: with its stdout and stderr pipes closed by their reader (as
/// `registry-node 2>&1 | head` does), the node kept serving after SIGTERM: the signal
/// task logged before stopping the node, and a failed log write panicked it.
#[tokio::test]
async fn sigterm_stops_the_node_even_when_its_output_pipes_are_closed() -> eyre::Result<()> {
    sigterm_with_closed_pipes("info").await
}

/// The same with every request and every poll of the indexer logging a line: each write
/// fails, and the node still serves and stops.
#[tokio::test]
async fn sigterm_stops_the_node_whose_debug_log_writes_all_fail() -> eyre::Result<()> {
    sigterm_with_closed_pipes("debug").await
}

async fn sigterm_with_closed_pipes(rust_log: &str) -> eyre::Result<()> {
    use std::io::{BufRead, BufReader};
    let bed = NodeTestbed::new();
    let options = bed.node_options();
    let mut node = spawn_piped(&options, "127.0.0.1:0", rust_log);
    let child = &mut node.0;
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        let _ = reader.read_line(&mut line);
        let _ = tx.send(line);
        // `reader` (the read end of stdout) is dropped here: the pipe is closed.
    });
    let line = rx.recv_timeout(Duration::from_secs(30))?;
    let url = line
        .split_whitespace()
        .last()
        .filter(|word| word.starts_with("http://"))
        .unwrap_or_else(|| panic!("registry-node did not start: {line:?}"))
        .to_string();
    // Close stderr's read end too, then let the node write (and fail to write) for a while.
    drop(child.stderr.take());
    let health = || async {
        sesh_e2e::node::http()
            .get(format!("{url}/health"))
            .send()
            .await
            .map(|response| response.status().as_u16())
    };
    for _ in 0..10 {
        // 200, or 503 until the indexer has caught up with the chain: either way, it answers.
        let status = health().await.map_err(|error| {
            let exited = child.try_wait().ok().flatten();
            eyre::eyre!("/health failed with the pipes closed ({error:?}); exited: {exited:?}")
        })?;
        assert!(status == 200 || status == 503, "/health answered {status}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let pid = child.id().to_string();
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()?;
    assert!(sent.success());
    let exit = exit_within(child, Duration::from_secs(15));
    if exit.is_none() {
        let still_serving = health().await.is_ok();
        panic!(
            "registry-node ignored SIGTERM with its output pipes closed (still serving: {still_serving})"
        );
    }
    let exit = exit.expect("exited");
    assert!(exit.success(), "a clean shutdown exits with 0: {exit:?}");
    assert!(
        health().await.is_err(),
        "nothing listens after the shutdown"
    );
    Ok(())
}

/// Issue 14: a listen address already taken was reported with "Address already in use"
/// twice, and without the setting to change.
#[tokio::test]
async fn a_taken_listen_address_is_reported_once_with_the_setting_to_change() -> eyre::Result<()> {
    let bed = NodeTestbed::new();
    let options = bed.node_options();
    let taken = std::net::TcpListener::bind("127.0.0.1:0")?;
    let address = taken.local_addr()?.to_string();
    let mut node = spawn_piped(&options, &address, "info");
    let status = exit_within(&mut node.0, Duration::from_secs(30))
        .expect("registry-node exits when it cannot listen");
    let mut stderr = String::new();
    std::io::Read::read_to_string(
        &mut node.0.stderr.take().expect("piped stderr"),
        &mut stderr,
    )?;
    assert!(!status.success(), "{stderr}");
    let error: Vec<&str> = stderr
        .lines()
        .filter(|line| line.starts_with("registry-node: "))
        .collect();
    assert_eq!(error.len(), 1, "one error line: {stderr}");
    assert!(
        error[0].starts_with(&format!(
            "registry-node: cannot listen on {address}: the address is already in use"
        )),
        "{stderr}"
    );
    assert!(
        error[0].contains("--listen, SESH_NODE_LISTEN or `listen` in the config file"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("in use").count(), 1, "said once: {stderr}");
    drop(taken);
    Ok(())
}
