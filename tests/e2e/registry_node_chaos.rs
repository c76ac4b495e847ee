//! The registry node under stress: SIGKILL at random moments of a large
//! backfill, a reorg on anvil, and a registry that does not pay the pool.

use alloy::primitives::{Address, B256, U256};
use alloy::providers::Provider;
use sesh_core::api::{FlaggedResponse, NameResponse, NameState};
use sesh_core::bindings::NameRegistry;
use sesh_core::bindings::name_registry::no_permit;
use sesh_e2e::node::{
    NodeTestbed, RegistryNode, fund_and_approve, register, registration, wallet_provider,
};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A cheap pseudo-random number in `0..bound` (no RNG crate needed).
fn random(bound: u64) -> u64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .subsec_nanos() as u64;
    (nanos.wrapping_mul(6364136223846793005).rotate_left(17)) % bound
}

#[tokio::test]
async fn sigkill_during_backfill_loses_and_duplicates_nothing() -> eyre::Result<()> {
    let bed = NodeTestbed::funded(40_000).await?;
    let (deployment, alice, provider) = (&bed.deployment, &bed.alice, &bed.provider);
    let contracts = &deployment.contracts;

    // 300 registrations, 2 a block, with records and primary names changing hands.
    let registry = NameRegistry::new(contracts.name_registry, provider);
    provider
        .raw_request::<_, ()>("evm_setAutomine".into(), (false,))
        .await?;
    let mut nonce = provider.get_transaction_count(alice.address()).await?;
    let started = Instant::now();
    for i in 0..300u32 {
        let key = B256::left_padding_from(&(i + 1).to_be_bytes());
        let _pending = registry
            .register(
                registration(&format!("name-{i:04}"), alice.address(), key, i % 7 == 0),
                B256::ZERO,
                no_permit(),
            )
            .nonce(nonce)
            .gas(400_000)
            .send()
            .await?;
        nonce += 1;
        if i % 2 == 1 {
            provider
                .raw_request::<_, String>("evm_mine".into(), ())
                .await?;
        }
    }
    provider
        .raw_request::<_, ()>("evm_setAutomine".into(), (true,))
        .await?;
    let head = provider.get_block_number().await?;
    eprintln!(
        "300 registrations up to block {head} in {:?}",
        started.elapsed()
    );
    let count = registry.balanceOf(alice.address()).call().await?;
    assert_eq!(count, U256::from(300), "every registration landed");

    // The reference: one uninterrupted run.
    let mut reference_options = bed.node_options();
    reference_options.max_range = 1;
    let reference = RegistryNode::start(reference_options);
    reference.wait_indexed(head, Duration::from_secs(120)).await;
    let (_, expected) = reference.get("/v1/debug/dump").await;
    assert_eq!(
        expected["names"].as_object().map(|m| m.len()),
        Some(300),
        "the reference indexed every name"
    );

    // The victim: small ranges, killed with SIGKILL at random moments until it catches up.
    let mut options = bed.node_options();
    options.max_range = 1;
    let mut kills = 0;
    loop {
        let node = RegistryNode::start(options.clone());
        if node.indexed_block().await >= head {
            let (_, dump) = node.get("/v1/debug/dump").await;
            assert_eq!(
                dump, expected,
                "the index after {kills} kills differs from an uninterrupted run"
            );
            break;
        }
        tokio::time::sleep(Duration::from_millis(5 + random(60))).await;
        options = node.kill();
        kills += 1;
        assert!(kills < 200, "the node never caught up");
    }
    eprintln!("caught up after {kills} SIGKILLs");
    assert!(
        kills >= 3,
        "the backfill was too quick to be interrupted ({kills} kills)"
    );
    Ok(())
}

#[tokio::test]
async fn a_reorg_removes_the_orphaned_registration_and_adds_the_new_one() -> eyre::Result<()> {
    let bed = NodeTestbed::funded(1_000).await?;
    let (deployment, alice, provider, url) = (&bed.deployment, &bed.alice, &bed.provider, &bed.url);
    let contracts = &deployment.contracts;
    let node = bed.start_node();

    bed.register("stays", B256::repeat_byte(1), false).await?;
    let snapshot: U256 = provider.raw_request("evm_snapshot".into(), ()).await?;
    let orphan_block = bed.register("orphan", B256::repeat_byte(2), true).await?;
    node.wait_indexed(orphan_block, Duration::from_secs(20))
        .await;
    assert_eq!(node.get("/v1/names/orphan").await.0, 200);

    // Orphan the block: back to the snapshot, then a different block at the same height.
    let reverted: bool = provider
        .raw_request("evm_revert".into(), (snapshot,))
        .await?;
    assert!(reverted);
    // A fresh provider: the old one cached the orphaned transaction's nonce.
    let provider = wallet_provider(url, alice.clone());
    let new_block = register(
        &provider,
        contracts.name_registry,
        "replacement",
        alice.address(),
        B256::repeat_byte(3),
        true,
    )
    .await?;
    assert_eq!(
        new_block, orphan_block,
        "the new block replaces the orphaned one"
    );
    provider
        .raw_request::<_, String>("evm_mine".into(), ())
        .await?;
    let head = provider.get_block_number().await?;

    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let replaced = node.get("/v1/names/replacement").await.0 == 200;
        let orphan_gone = node.get("/v1/names/orphan").await.0 == 404;
        if replaced && orphan_gone && node.indexed_block().await >= head {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the node did not follow the reorg"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (_, body) = node.get("/v1/names/replacement").await;
    let answer: NameResponse = serde_json::from_value(body)?;
    answer
        .name
        .verify(deployment.chain_id, contracts.name_registry)?;
    assert!(answer.name.answer.primary);
    assert_eq!(node.get("/v1/names/stays").await.0, 200);
    let (_, owned) = node
        .get(&format!("/v1/owners/{}/names", alice.address()))
        .await;
    assert_eq!(
        owned["names"]["answer"]["names"],
        serde_json::json!(["replacement", "stays"])
    );
    let reorgs = node.metric("registry_reorgs_total").await;
    assert!(reorgs >= Some(1), "the reorg was not counted: {reorgs:?}");
    Ok(())
}

#[tokio::test]
async fn a_registration_whose_fee_missed_the_pool_is_flagged_not_served() -> eyre::Result<()> {
    let mut bed = NodeTestbed::new();
    let (alice, provider) = (bed.alice.clone(), bed.provider.clone());

    // A registry that sends its fees to an address of the deployer's choosing, not the pool.
    let thief = Address::repeat_byte(0x77);
    let rogue = NameRegistry::deploy(
        &provider,
        bed.deployment.contracts.sesh,
        thief,
        U256::ZERO,
        U256::from(86_400),
    )
    .await?;
    // The node is told that this is the registry, and that the pool is the real one.
    bed.deployment.contracts.name_registry = *rogue.address();
    let deployment = bed.deployment.clone();
    fund_and_approve(
        &provider,
        &deployment,
        alice.address(),
        *rogue.address(),
        1_000,
    )
    .await?;
    let node = bed.start_node();

    let block = register(
        &provider,
        *rogue.address(),
        "cheater",
        alice.address(),
        B256::repeat_byte(5),
        true,
    )
    .await?;
    node.wait_indexed(block, Duration::from_secs(20)).await;

    let (status, body) = node.get("/v1/names/cheater").await;
    assert_eq!(status, 200, "{body}");
    let answer: NameResponse = serde_json::from_value(body)?;
    answer.name.verify(deployment.chain_id, *rogue.address())?;
    assert_eq!(answer.state, NameState::Flagged);
    assert!(!answer.name.answer.valid);
    assert_eq!(
        answer.name.answer.session_id, None,
        "a flagged name resolves to nothing"
    );
    assert!(!answer.name.answer.primary);
    let (_, reverse) = node.get(&format!("/v1/reverse/05{}", hex_key(5))).await;
    assert_eq!(
        reverse["reverse"]["answer"]["name"],
        serde_json::Value::Null
    );
    let (_, owned) = node
        .get(&format!("/v1/owners/{}/names", alice.address()))
        .await;
    assert_eq!(owned["names"]["answer"]["names"], serde_json::json!([]));

    let (status, body) = node.get("/v1/flagged").await;
    assert_eq!(status, 200);
    let flagged: FlaggedResponse = serde_json::from_value(body)?;
    assert_eq!(flagged.flagged.len(), 1);
    let event = &flagged.flagged[0];
    assert_eq!(event.event, "NameRegistered");
    assert_eq!(event.subject, "cheater");
    assert_eq!(event.block, block);
    assert_eq!(event.paid, U256::ZERO);
    assert_eq!(event.price, U256::from(100_000_000_000u64));
    assert!(event.reason.contains("rewards pool"), "{}", event.reason);
    Ok(())
}

fn hex_key(byte: u8) -> String {
    format!("{byte:02x}").repeat(32)
}
