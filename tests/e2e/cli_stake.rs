//! `sesh stake ...` through the real binary on anvil: a node created with an
//! Ed25519 key and its signature over `ed25519Message`, filled by several
//! contributors until active, rewards claimed after a registration pays rent
//! into the pool, exit and withdrawal after the 15 days, and refusals that
//! change nothing (below the minimum, before the unlock).

use crate::cli_market::{advance_time, balance, funded_wallet, register_name};
use alloy::primitives::{Address, B256, U256};
use alloy::providers::{Provider, ProviderBuilder};
use ed25519_dalek::{Signer, SigningKey};
use sesh_core::Sesh;
use sesh_core::bindings::NodeStaking;
use sesh_e2e::cli::SeshHome;

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
