//! `sesh_core::protocol` is the one place Rust reads the contracts' rules from: each
//! constant there must be the deployed contract's, read through the bindings.

use alloy::primitives::U256;
use alloy::providers::ProviderBuilder;
use sesh_core::bindings::{NameMarket, NameRegistry, NodeStaking, Premium};
use sesh_core::protocol;

#[tokio::test]
async fn every_protocol_constant_is_the_deployed_contracts() -> eyre::Result<()> {
    let chain = sesh_e2e::deployed_chain();
    let provider = ProviderBuilder::new().connect_http(chain.anvil.endpoint_url());
    let contracts = &chain.deployment.contracts;
    let registry = NameRegistry::new(contracts.name_registry, &provider);
    let market = NameMarket::new(contracts.name_market, &provider);
    let premium = Premium::new(contracts.premium, &provider);
    let staking = NodeStaking::new(contracts.node_staking, &provider);
    let ours = |value: u64| U256::from(value);

    let pairs = [
        (
            "NameRegistry.GRACE_PERIOD",
            registry.GRACE_PERIOD().call().await?,
            ours(protocol::GRACE_PERIOD),
        ),
        (
            "NameRegistry.PREMIUM_DECAY_PERIOD",
            registry.PREMIUM_DECAY_PERIOD().call().await?,
            ours(protocol::PREMIUM_DECAY_PERIOD),
        ),
        (
            "NameRegistry.MIN_DURATION",
            registry.MIN_DURATION().call().await?,
            ours(protocol::MIN_DURATION),
        ),
        (
            "NameRegistry.MAX_DURATION",
            registry.MAX_DURATION().call().await?,
            ours(protocol::MAX_DURATION),
        ),
        (
            "Premium.PERIOD",
            premium.PERIOD().call().await?,
            ours(protocol::PREMIUM_PERIOD),
        ),
        (
            "Premium.MAX_PERIODS",
            premium.MAX_PERIODS().call().await?,
            ours(protocol::MAX_PREMIUM_PERIODS),
        ),
        (
            "NameMarket.MAX_FEE_BPS",
            market.MAX_FEE_BPS().call().await?,
            ours(protocol::MARKET_MAX_FEE_BPS),
        ),
        (
            "NodeStaking.MAX_FEE_BPS",
            staking.MAX_FEE_BPS().call().await?,
            ours(protocol::STAKING_MAX_FEE_BPS),
        ),
        (
            "NodeStaking.MAX_CONTRIBUTORS",
            staking.MAX_CONTRIBUTORS().call().await?,
            ours(protocol::MAX_CONTRIBUTORS),
        ),
        (
            "NodeStaking.CONTRIBUTION_LOCK",
            staking.CONTRIBUTION_LOCK().call().await?,
            ours(protocol::CONTRIBUTION_LOCK),
        ),
        (
            "NodeStaking.EXIT_UNLOCK_DELAY",
            staking.EXIT_UNLOCK_DELAY().call().await?,
            ours(protocol::EXIT_UNLOCK_DELAY),
        ),
        (
            "NodeStaking.DEREGISTRATION_LOCK",
            staking.DEREGISTRATION_LOCK().call().await?,
            ours(protocol::DEREGISTRATION_LOCK),
        ),
        (
            "NodeStaking.SMALL_CONTRIBUTOR_EXIT_DELAY",
            staking.SMALL_CONTRIBUTOR_EXIT_DELAY().call().await?,
            ours(protocol::SMALL_CONTRIBUTOR_EXIT_DELAY),
        ),
        (
            "NodeStaking.MAX_URL_LENGTH",
            staking.MAX_URL_LENGTH().call().await?,
            U256::from(protocol::MAX_URL_LENGTH),
        ),
    ];
    let differ: Vec<_> = pairs
        .iter()
        .filter(|(_, theirs, ours)| theirs != ours)
        .map(|(name, theirs, ours)| {
            format!("{name}: contract {theirs}, sesh_core::protocol {ours}")
        })
        .collect();
    assert!(differ.is_empty(), "constants differ: {differ:#?}");
    Ok(())
}

#[test]
fn node_states_are_the_contracts_enum_in_order() {
    // INodeStaking.NodeState: None, Open, Active, Exited, Deregistered, Cancelled.
    let abi = std::fs::read_to_string(
        sesh_e2e::repo_root().join("contracts/src/interfaces/INodeStaking.sol"),
    )
    .expect("the staking interface");
    let start = abi.find("enum NodeState").expect("NodeState is declared");
    let body = &abi[start..start + abi[start..].find('}').expect("the enum closes")];
    let variants: Vec<String> = body[body.find('{').expect("a body") + 1..]
        .split(',')
        .map(|variant| {
            variant
                .split("//")
                .next()
                .unwrap_or("")
                .trim()
                .to_lowercase()
        })
        .filter(|variant| !variant.is_empty())
        .collect();
    let ours: Vec<String> = std::iter::once("none".to_string())
        .chain(
            protocol::NodeState::ALL
                .iter()
                .map(|state| state.word().to_string()),
        )
        .collect();
    assert_eq!(variants, ours);
    for (index, state) in protocol::NodeState::ALL.iter().enumerate() {
        assert_eq!(
            *state as usize,
            index + 1,
            "{state} is numbered as in the contract"
        );
    }
}
