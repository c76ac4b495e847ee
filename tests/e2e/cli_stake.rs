//! `sesh stake ...` through the real binary on anvil: a node created with an
//! Ed25519 key and its signature over `ed25519Message`, filled by several
//! contributors until active, rewards claimed after a registration pays rent
//! into the pool, exit and withdrawal after the 15 days, and refusals that
//! change nothing (below the minimum, before the unlock); a key proof made for
//! another signer refused before anything is sent, and such a node (made
//! without the CLI) marked by `stake nodes` as registry nodes see it; an open
//! node cancelled by its operator, every stake coming back.

use crate::cli_market::{advance_time, balance, funded_wallet, register_name};
use alloy::primitives::{Address, B256, U256};
use alloy::providers::{Provider, ProviderBuilder};
use ed25519_dalek::{Signer, SigningKey};
use sesh_core::Sesh;
use sesh_core::bindings::NodeStaking;
use sesh_e2e::cli::{Run, SeshHome};

fn sesh(units: U256) -> String {
    Sesh::from_units(units).to_string()
}

fn amount(text: &serde_json::Value) -> Sesh {
    Sesh::parse(text.as_str().expect("an amount")).unwrap()
}

#[tokio::test]
async fn a_multi_contributor_node_activates_earns_exits_and_pays_back() {
    let chain = sesh_e2e::deployed_chain();
    let contracts = chain.deployment.contracts.clone();
    let requirement = chain.deployment.parameters.staking_requirement;
    let provider = ProviderBuilder::new()
        .connect_http(chain.anvil.endpoint_url())
        .erased();
    let staking = NodeStaking::new(contracts.node_staking, &provider);

    let alice = SeshHome::new(&chain);
    let bob = SeshHome::new(&chain);
    let carol = SeshHome::new(&chain);
    let alice_address = funded_wallet(&alice, "alice", "a-pw", "100000");
    let bob_address = funded_wallet(&bob, "bob", "b-pw", "100000");
    let carol_address = funded_wallet(&carol, "carol", "c-pw", "100000");

    // The node's Ed25519 key signs ed25519Message(operator, signer).
    let node_key = SigningKey::from_bytes(&[7u8; 32]);
    let signer = Address::repeat_byte(0x5e);
    let message = staking
        .ed25519Message(alice_address, signer)
        .call()
        .await
        .unwrap();
    let signature = node_key.sign(&message).to_bytes();
    let key_hex = B256::from(node_key.verifying_key().to_bytes()).to_string();
    let signature_hex = format!("0x{}", alloy::hex::encode(signature));

    let created = alice
        .run(
            &[
                "stake",
                "create-node",
                "--ed25519-key",
                &key_hex,
                "--ed25519-signature",
                &signature_hex,
                "--signer",
                &signer.to_string(),
                "--url",
                "https://node-1.example",
                "--fee-bps",
                "1000",
                "--stake",
                &sesh(requirement / U256::from(2)),
                "--yes",
            ],
            Some("a-pw"),
        )
        .ok();
    assert!(
        created
            .stderr
            .contains("Allow the staking contract to take"),
        "{}",
        created.stderr
    );
    assert!(
        created.stdout.contains("Created node 1"),
        "{}",
        created.stdout
    );

    let nodes = bob.run(&["stake", "nodes", "--json"], None).ok().envelope();
    let node = &nodes["data"]["nodes"][0];
    assert_eq!(node["state"], "open");
    assert_eq!(node["open_slots"], 9);
    assert_eq!(node["url"], "https://node-1.example");
    assert_eq!(node["operator"], alice_address.to_checksum(None));
    assert_eq!(node["fee_bps"], 1000, "basis points are an integer");

    let quarter = sesh(requirement / U256::from(4));
    bob.run(
        &["stake", "contribute", "1", &quarter, "--yes"],
        Some("b-pw"),
    )
    .ok();

    // Below the minimum (the rest divided by the open slots): refused before
    // any approval, nothing changes.
    let carol_nonce = provider.get_transaction_count(carol_address).await.unwrap();
    let too_little = sesh(requirement / U256::from(64));
    let run = carol
        .run(
            &["stake", "contribute", "1", &too_little, "--yes"],
            Some("c-pw"),
        )
        .failed();
    assert!(
        run.stderr
            .contains("a contribution to node 1 must be between"),
        "{}",
        run.stderr
    );
    assert_eq!(
        provider.get_transaction_count(carol_address).await.unwrap(),
        carol_nonce
    );
    assert_eq!(balance(&carol), "100000.000000000");

    let run = carol
        .run(
            &["stake", "contribute", "1", &quarter, "--yes"],
            Some("c-pw"),
        )
        .ok();
    assert!(run.stdout.contains("active"), "{}", run.stdout);
    let nodes = bob.run(&["stake", "nodes", "--json"], None).ok().envelope();
    assert_eq!(nodes["data"]["nodes"][0]["state"], "active");
    assert_eq!(
        staking.activeNodeIds().call().await.unwrap(),
        vec![U256::from(1)]
    );

    // Fees arrive: a registration pays a year's rent into the pool.
    let rent = register_name(&chain, 1, "rewarded", Address::repeat_byte(0x42)).await;
    let status = bob
        .run(&["stake", "status", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(status["data"]["stakes"][0]["state"], "active");
    assert!(amount(&status["data"]["pending_rewards"]) > Sesh::ZERO);

    let mut claimed = Sesh::ZERO;
    let mut each = Vec::new();
    for (home, password) in [(&alice, "a-pw"), (&bob, "b-pw"), (&carol, "c-pw")] {
        let run = home
            .run(&["stake", "claim", "--yes", "--json"], Some(password))
            .ok()
            .envelope();
        let got = amount(&run["data"]["claimed"]);
        claimed = claimed.checked_add(got).unwrap();
        each.push(got);
    }
    assert!(claimed.units() <= rent, "never more than the fees");
    assert!(
        rent - claimed.units() < U256::from(1_000),
        "all but rounding: {claimed} of {}",
        sesh(rent)
    );
    assert_eq!(each[1], each[2], "equal stakes, equal rewards");
    assert!(each[0] > each[1], "the operator has more stake and the fee");
    let run = bob.run(&["stake", "claim", "--yes"], Some("b-pw")).failed();
    assert!(run.stderr.contains("no rewards to claim"), "{}", run.stderr);

    // Exit: the stakes unlock 15 days later; withdrawing before is refused.
    let run = bob.run(&["stake", "exit", "1", "--yes"], Some("b-pw")).ok();
    assert!(run.stderr.contains("(15 days)"), "{}", run.stderr);
    assert!(
        run.stdout.contains("its stakes unlock on"),
        "{}",
        run.stdout
    );
    let status = bob.run(&["stake", "status"], None).ok().stdout;
    assert!(
        status.contains("exited") && status.contains("15 days left"),
        "{status}"
    );
    let status = bob
        .run(&["stake", "status", "--json"], None)
        .ok()
        .envelope();
    let stake = &status["data"]["stakes"][0];
    assert_eq!(stake["state"], "exited");
    assert_eq!(stake["unlocked"], false);
    let (unlock, now) = (
        stake["unlock_time"]
            .as_u64()
            .expect("unlock_time in Unix seconds"),
        status["data"]["chain_time"]
            .as_u64()
            .expect("chain_time in Unix seconds"),
    );
    assert!(unlock > now && unlock - now <= 15 * 86_400, "{status}");
    let bob_nonce = provider.get_transaction_count(bob_address).await.unwrap();
    let before = balance(&bob);
    let run = bob
        .run(&["stake", "withdraw", "1", "--yes"], Some("b-pw"))
        .failed();
    assert!(
        run.stderr.contains("is locked until") && run.stderr.contains("15 days left"),
        "{}",
        run.stderr
    );
    assert_eq!(
        provider.get_transaction_count(bob_address).await.unwrap(),
        bob_nonce
    );
    assert_eq!(balance(&bob), before);

    advance_time(&chain, 15 * 86_400 + 1).await;
    let run = bob
        .run(&["stake", "withdraw", "1", "--yes", "--json"], Some("b-pw"))
        .ok()
        .envelope();
    assert_eq!(
        amount(&run["data"]["amount"]),
        Sesh::from_units(requirement / U256::from(4))
    );
    let after = Sesh::parse(&balance(&bob)).unwrap();
    assert_eq!(
        after,
        Sesh::parse(&before)
            .unwrap()
            .checked_add(Sesh::from_units(requirement / U256::from(4)))
            .unwrap()
    );
    let status = bob
        .run(&["stake", "status", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(status["data"]["stakes"], serde_json::json!([]));
    let all = bob
        .run(&["stake", "nodes", "--all", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(all["data"]["nodes"][0]["state"], "exited");
    let open = bob.run(&["stake", "nodes", "--json"], None).ok().envelope();
    assert_eq!(open["data"]["nodes"], serde_json::json!([]));
}

/// An Ed25519 key's proof for `operator` and `signer`: (key, signature), as hex.
async fn key_proof(
    staking: &NodeStaking::NodeStakingInstance<&alloy::providers::DynProvider>,
    key: &SigningKey,
    operator: Address,
    signer: Address,
) -> (String, String) {
    let message = staking
        .ed25519Message(operator, signer)
        .call()
        .await
        .unwrap();
    (
        B256::from(key.verifying_key().to_bytes()).to_string(),
        format!("0x{}", alloy::hex::encode(key.sign(&message).to_bytes())),
    )
}

/// `sesh stake create-node` with `--yes` and the given proof, signer and stake.
fn create_node(
    home: &SeshHome,
    password: &str,
    (key, signature): &(String, String),
    signer: Address,
    stake: &str,
    json: bool,
) -> Run {
    let signer = signer.to_string();
    let mut args = vec![
        "stake",
        "create-node",
        "--ed25519-key",
        key,
        "--ed25519-signature",
        signature,
        "--signer",
        &signer,
        "--url",
        "https://node.example",
        "--fee-bps",
        "500",
        "--stake",
        stake,
        "--yes",
    ];
    if json {
        args.push("--json");
    }
    home.run(&args, Some(password))
}

/// Issue 14, item 5: a proof made for another signer was staked anyway, and `stake nodes`
/// listed the node as open to contributors without a word.
#[tokio::test]
async fn a_key_proof_for_another_signer_is_refused_and_such_nodes_are_marked() {
    let chain = sesh_e2e::deployed_chain();
    let deployment = chain.deployment.clone();
    let requirement = deployment.parameters.staking_requirement;
    let provider = ProviderBuilder::new()
        .connect_http(chain.anvil.endpoint_url())
        .erased();
    let staking = NodeStaking::new(deployment.contracts.node_staking, &provider);
    let alice = SeshHome::new(&chain);
    let bob = SeshHome::new(&chain);
    let alice_address = funded_wallet(&alice, "alice", "a-pw", "100000");
    bob.new_wallet("bob", "b-pw");
    let half = sesh(requirement / U256::from(2));

    // The usual mistake: the proof signed with the operator as signer, then another --signer.
    let node_key = SigningKey::from_bytes(&[8u8; 32]);
    let signer = Address::repeat_byte(0x5e);
    let wrong = key_proof(&staking, &node_key, alice_address, alice_address).await;
    let nonce = provider.get_transaction_count(alice_address).await.unwrap();
    let run = create_node(&alice, "a-pw", &wrong, signer, &half, false).failed();
    assert!(
        run.stderr.contains(&format!(
            "the key proof was signed for signer {alice_address} but this node would vote with {signer}"
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!(
            "run `registry-node sign-registration --operator {alice_address} --signer {signer}`"
        )) && run.stderr.contains("nothing was sent"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("Allow the staking contract"),
        "no approval asked: {}",
        run.stderr
    );
    let envelope = create_node(&alice, "a-pw", &wrong, signer, &half, true)
        .failed()
        .envelope();
    assert_eq!(envelope["success"], false);
    assert!(
        envelope["errors"][0]
            .as_str()
            .unwrap()
            .contains("the key proof was signed for signer"),
        "{envelope}"
    );
    // Another network's proof (another staking contract) is refused too.
    let elsewhere = {
        let message = sesh_core::key_proof::message(
            deployment.chain_id,
            Address::repeat_byte(0x77),
            alice_address,
            signer,
        );
        (
            wrong.0.clone(),
            format!(
                "0x{}",
                alloy::hex::encode(node_key.sign(&message).to_bytes())
            ),
        )
    };
    let run = create_node(&alice, "a-pw", &elsewhere, signer, &half, false).failed();
    assert!(
        run.stderr.contains("the key proof does not verify"),
        "{}",
        run.stderr
    );
    assert_eq!(
        provider.get_transaction_count(alice_address).await.unwrap(),
        nonce,
        "nothing was sent"
    );
    assert_eq!(balance(&alice), "100000.000000000");
    assert_eq!(staking.nodeCount().call().await.unwrap(), U256::ZERO);

    // The right proof goes through: node 1.
    let right = key_proof(&staking, &node_key, alice_address, signer).await;
    let run = create_node(&alice, "a-pw", &right, signer, &half, false).ok();
    assert!(run.stdout.contains("Created node 1"), "{}", run.stdout);

    // Node 2 is made without the CLI (as with `cast`), its proof for another signer.
    let mallory_key = chain.anvil.keys()[5].clone();
    let mallory = alloy::signers::local::PrivateKeySigner::from(mallory_key);
    let mallory_provider =
        sesh_e2e::node::wallet_provider(&chain.anvil.endpoint(), mallory.clone());
    sesh_e2e::node::fund_and_approve(
        &mallory_provider,
        &deployment,
        mallory.address(),
        deployment.contracts.node_staking,
        100_000,
    )
    .await
    .unwrap();
    let bad_key = SigningKey::from_bytes(&[9u8; 32]);
    let bad_signer = Address::repeat_byte(0x6f);
    let (bad_key_hex, bad_signature) =
        key_proof(&staking, &bad_key, mallory.address(), mallory.address()).await;
    let receipt = NodeStaking::new(deployment.contracts.node_staking, &mallory_provider)
        .createNode(
            sesh_core::bindings::node_staking::INodeStaking::NodeRegistration {
                ed25519Key: bad_key_hex.parse().unwrap(),
                ed25519Signature: bad_signature.parse().unwrap(),
                signer: bad_signer,
                url: "https://bad.example".into(),
                feeBps: U256::ZERO,
                operatorStake: requirement / U256::from(2),
                reservations: vec![],
            },
        )
        .send()
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(receipt.status());

    // `stake nodes` marks node 2, in the JSON and in words, and warns not to contribute.
    let listed = bob.run(&["stake", "nodes", "--json"], None).ok().envelope();
    let nodes = listed["data"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 2, "{listed}");
    assert_eq!(nodes[0]["id"], 1);
    assert_eq!(nodes[0]["key_proof_valid"], true);
    assert_eq!(nodes[1]["id"], 2);
    assert_eq!(nodes[1]["state"], "open");
    assert_eq!(nodes[1]["key_proof_valid"], false);
    let warnings = listed["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{listed}");
    let warning = warnings[0].as_str().unwrap();
    assert!(
        warning.starts_with("node 2's Ed25519 key proof does not verify")
            && warning.contains("do not contribute"),
        "{warning}"
    );
    let run = bob.run(&["stake", "nodes"], None).ok();
    let (first, second) = run.stdout.split_once("node 2").expect("node 2 listed");
    assert!(!first.contains("INVALID KEY PROOF"), "{}", run.stdout);
    assert!(
        second.contains("INVALID KEY PROOF: registry nodes ignore this node; do not contribute"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr
            .contains("warning: node 2's Ed25519 key proof does not verify"),
        "{}",
        run.stderr
    );

    // The registry node, checking with the same function, agrees.
    let node = sesh_e2e::node::RegistryNode::start(sesh_e2e::node::NodeOptions::new(
        &chain.anvil.endpoint(),
        &deployment,
    ));
    let head = provider.get_block_number().await.unwrap();
    node.wait_indexed(head, std::time::Duration::from_secs(20))
        .await;
    let (_, listed) = node.get("/v1/nodes?state=all").await;
    let listed: sesh_core::api::NodesResponse = serde_json::from_value(listed).unwrap();
    let valid: Vec<(u64, bool)> = listed
        .nodes
        .iter()
        .map(|n| (n.answer.node_id, n.answer.key_proof_valid))
        .collect();
    assert_eq!(valid, vec![(1, true), (2, false)]);
}

/// Issue 14, item 6: no CLI way to cancel an open node (`stake withdraw` pointed at a
/// cancellation no command made).
#[tokio::test]
async fn an_operator_cancels_an_open_node_and_every_stake_comes_back() {
    let chain = sesh_e2e::deployed_chain();
    let deployment = chain.deployment.clone();
    let requirement = deployment.parameters.staking_requirement;
    let provider = ProviderBuilder::new()
        .connect_http(chain.anvil.endpoint_url())
        .erased();
    let staking = NodeStaking::new(deployment.contracts.node_staking, &provider);
    let alice = SeshHome::new(&chain);
    let bob = SeshHome::new(&chain);
    let alice_address = funded_wallet(&alice, "alice", "a-pw", "100000");
    let bob_address = funded_wallet(&bob, "bob", "b-pw", "100000");

    let signer = Address::repeat_byte(0x5e);
    let proof = key_proof(
        &staking,
        &SigningKey::from_bytes(&[7u8; 32]),
        alice_address,
        signer,
    )
    .await;
    let half = requirement / U256::from(2);
    let quarter = requirement / U256::from(4);
    create_node(&alice, "a-pw", &proof, signer, &sesh(half), false).ok();
    bob.run(
        &["stake", "contribute", "1", &sesh(quarter), "--yes"],
        Some("b-pw"),
    )
    .ok();
    assert_eq!(
        Sesh::parse(&balance(&bob)).unwrap(),
        Sesh::from_units(U256::from(100_000_000_000_000u64) - quarter)
    );

    // The operator cannot withdraw: it is pointed at `stake cancel`.
    let run = alice
        .run(&["stake", "withdraw", "1", "--yes"], Some("a-pw"))
        .failed();
    assert!(
        run.stderr
            .contains("cancel the node instead with `sesh stake cancel 1`"),
        "{}",
        run.stderr
    );
    // Only the operator may cancel; refused before anything is sent.
    let bob_nonce = provider.get_transaction_count(bob_address).await.unwrap();
    let run = bob
        .run(&["stake", "cancel", "1", "--yes"], Some("b-pw"))
        .failed();
    assert!(
        run.stderr.contains(&format!(
            "only node 1's operator, {alice_address}, can cancel it, and this wallet is {bob_address}"
        )),
        "{}",
        run.stderr
    );
    assert_eq!(
        provider.get_transaction_count(bob_address).await.unwrap(),
        bob_nonce
    );
    let run = alice
        .run(&["stake", "cancel", "7", "--yes"], Some("a-pw"))
        .failed();
    assert!(run.stderr.contains("there is no node 7"), "{}", run.stderr);

    let run = alice
        .run(&["stake", "cancel", "1", "--yes"], Some("a-pw"))
        .ok();
    assert!(
        run.stderr.contains("Cancel open node 1 and take back your"),
        "the preview: {}",
        run.stderr
    );
    assert!(
        run.stdout.contains(&format!(
            "Cancelled node 1; {} SESH came back to {alice_address}",
            sesh(half)
        )) && run.stdout.contains("with `sesh stake withdraw 1`"),
        "{}",
        run.stdout
    );
    assert_eq!(
        balance(&alice),
        "100000.000000000",
        "the operator's stake is back"
    );
    assert_eq!(
        staking.nodeInfo(U256::from(1)).call().await.unwrap().state,
        5
    );
    let all = bob
        .run(&["stake", "nodes", "--all", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(all["data"]["nodes"][0]["state"], "cancelled");

    // The contributor takes its stake back at once.
    let withdrawn = bob
        .run(&["stake", "withdraw", "1", "--yes", "--json"], Some("b-pw"))
        .ok()
        .envelope();
    assert_eq!(
        amount(&withdrawn["data"]["amount"]),
        Sesh::from_units(quarter)
    );
    assert_eq!(
        balance(&bob),
        "100000.000000000",
        "the contributor's stake is back"
    );

    // A second cancel is refused, in the JSON envelope too.
    let again = alice
        .run(&["stake", "cancel", "1", "--yes", "--json"], Some("a-pw"))
        .failed()
        .envelope();
    assert_eq!(again["success"], false);
    assert!(
        again["errors"][0]
            .as_str()
            .unwrap()
            .contains("node 1 is already cancelled"),
        "{again}"
    );

    // --json of a successful cancel: a node of carol's, nobody else in it.
    let carol = SeshHome::new(&chain);
    let carol_address = funded_wallet(&carol, "carol", "c-pw", "100000");
    let proof = key_proof(
        &staking,
        &SigningKey::from_bytes(&[7u8; 32]),
        carol_address,
        signer,
    )
    .await;
    create_node(&carol, "c-pw", &proof, signer, &sesh(half), false).ok();
    let cancelled = carol
        .run(&["stake", "cancel", "2", "--yes", "--json"], Some("c-pw"))
        .ok()
        .envelope();
    assert_eq!(cancelled["data"]["node_id"], 2);
    assert_eq!(
        amount(&cancelled["data"]["returned"]),
        Sesh::from_units(half)
    );
    assert_eq!(cancelled["data"]["others"], serde_json::json!([]));
    assert!(cancelled["data"]["tx_hash"].is_string());
    assert_eq!(balance(&carol), "100000.000000000");
}

/// Issue 15, item 3: a contributor holding the minimum share could take a node down in
/// the block it activated, locking every other stake for 15 days without rewards. Under
/// a quarter of the stake, `stake exit` now says from when it may ask (30 days after
/// activation), sends nothing, and works from that day.
#[tokio::test]
async fn a_small_contributor_waits_30_days_before_it_can_exit() {
    let chain = sesh_e2e::deployed_chain();
    let deployment = chain.deployment.clone();
    let requirement = deployment.parameters.staking_requirement;
    let provider = ProviderBuilder::new()
        .connect_http(chain.anvil.endpoint_url())
        .erased();
    let staking = NodeStaking::new(deployment.contracts.node_staking, &provider);
    let alice = SeshHome::new(&chain);
    let bob = SeshHome::new(&chain);
    let carol = SeshHome::new(&chain);
    let alice_address = funded_wallet(&alice, "alice", "a-pw", "100000");
    funded_wallet(&bob, "bob", "b-pw", "100000");
    let carol_address = funded_wallet(&carol, "carol", "c-pw", "100000");

    let signer = Address::repeat_byte(0x5e);
    let proof = key_proof(
        &staking,
        &SigningKey::from_bytes(&[7u8; 32]),
        alice_address,
        signer,
    )
    .await;
    let half = requirement / U256::from(2);
    let eighth = requirement / U256::from(8);
    create_node(&alice, "a-pw", &proof, signer, &sesh(half), false).ok();
    carol
        .run(
            &["stake", "contribute", "1", &sesh(eighth), "--yes"],
            Some("c-pw"),
        )
        .ok();
    bob.run(
        &[
            "stake",
            "contribute",
            "1",
            &sesh(requirement - half - eighth),
            "--yes",
        ],
        Some("b-pw"),
    )
    .ok();
    let info = staking.nodeInfo(U256::from(1)).call().await.unwrap();
    assert_eq!(info.state, 2, "active");
    let allowed = info.activatedAt + U256::from(30 * 86_400);

    // Carol holds an eighth: refused in words, with the date, and nothing is sent.
    let nonce = provider.get_transaction_count(carol_address).await.unwrap();
    let run = carol
        .run(&["stake", "exit", "1", "--yes"], Some("c-pw"))
        .failed();
    let from = sesh_core::keystore::rfc3339(allowed.to::<u64>())
        .replace('T', " ")
        .replace('Z', " UTC");
    assert!(
        run.stderr.contains(&format!(
            "you hold {} SESH of node 1, under a quarter of its {} SESH, and the node activated today",
            sesh(eighth),
            sesh(requirement)
        )) && run
            .stderr
            .contains(&format!("you can request its exit from {from} (30 days left)")),
        "{}",
        run.stderr
    );
    assert_eq!(
        provider.get_transaction_count(carol_address).await.unwrap(),
        nonce
    );
    let json = carol
        .run(&["stake", "exit", "1", "--yes", "--json"], Some("c-pw"))
        .failed()
        .envelope();
    assert!(
        json["errors"][0]
            .as_str()
            .unwrap()
            .contains("under a quarter"),
        "{json}"
    );
    assert_eq!(
        staking.nodeInfo(U256::from(1)).call().await.unwrap().state,
        2,
        "still active"
    );

    // From day 30 she may.
    advance_time(&chain, 30 * 86_400).await;
    let run = carol
        .run(&["stake", "exit", "1", "--yes"], Some("c-pw"))
        .ok();
    assert!(
        run.stdout.contains("Node 1 exited; its stakes unlock on"),
        "{}",
        run.stdout
    );
    assert_eq!(
        staking.nodeInfo(U256::from(1)).call().await.unwrap().state,
        3
    );
}
