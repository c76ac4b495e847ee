//! The real deploy script on anvil, then a registration through the Rust
//! bindings: a permit signed by the wallet code, the record set in the same
//! transaction, the fee in the rewards pool.

use alloy::network::EthereumWallet;
use alloy::primitives::{Address, B256, U256};
use alloy::providers::{Provider, ProviderBuilder};
use alloy::signers::local::PrivateKeySigner;
use sesh_core::bindings::name_registry::INameRegistry;
use sesh_core::bindings::{NameRegistry, RewardsPool, TestSESH};
use sesh_core::permit::{PermitDomain, sign_permit};
use sesh_core::{Name, Sesh};

#[tokio::test]
async fn registers_a_name_with_a_permit_in_one_transaction() -> eyre::Result<()> {
    let chain = sesh_e2e::deployed_chain();
    let contracts = &chain.deployment.contracts;
    assert_eq!(
        chain.deployment.parameters.min_commitment_age, 0,
        "anvil deployments register in one transaction"
    );

    let alice: PrivateKeySigner = chain.anvil.keys()[1].clone().into();
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(alice.clone()))
        .connect_http(chain.anvil.endpoint_url());
    let sesh = TestSESH::new(contracts.sesh, &provider);
    let registry = NameRegistry::new(contracts.name_registry, &provider);
    let pool = RewardsPool::new(contracts.rewards_pool, &provider);
    assert_eq!(registry.sesh().call().await?, contracts.sesh);
    assert_eq!(registry.rewardsPool().call().await?, contracts.rewards_pool);

    sesh.faucet(alice.address(), Sesh::from_whole(1_000).units())
        .send()
        .await?
        .get_receipt()
        .await?;

    let name = Name::parse("Alice")?;
    let duration = U256::from(365 * 24 * 3600);
    let price = registry
        .rentPrice(name.to_string(), duration)
        .call()
        .await?;
    assert_eq!(
        price.rent,
        Sesh::from_whole(100).units(),
        "5+ characters cost 100 SESH a year"
    );
    assert_eq!(price.premium, U256::ZERO);

    let domain = PermitDomain {
        token_name: sesh.name().call().await?,
        chain_id: provider.get_chain_id().await?,
        token: contracts.sesh,
    };
    let deadline = U256::from(u64::MAX);
    let nonce = sesh.nonces(alice.address()).call().await?;
    let signed = sign_permit(
        &alice,
        &domain,
        contracts.name_registry,
        price.rent,
        nonce,
        deadline,
    )
    .await?;
    let session_key = B256::repeat_byte(0xab);
    let registration = INameRegistry::Registration {
        label: name.to_string(),
        owner: alice.address(),
        duration,
        sessionKey: session_key,
        evmAddress: Address::ZERO,
        setPrimary: true,
        maxCost: price.rent,
    };
    let receipt = registry
        .register(registration, B256::ZERO, signed.into())
        .send()
        .await?
        .get_receipt()
        .await?;
    assert!(receipt.status());
    eprintln!(
        "one-transaction registration with permit, record and primary: {} gas",
        receipt.gas_used
    );

    let resolved = registry.resolve(name.to_string()).call().await?;
    assert_eq!(resolved.sessionKey, session_key);
    assert_eq!(
        registry.ownerOf(name.token_id()).call().await?,
        alice.address()
    );
    assert!(registry.isPrimaryName(name.token_id()).call().await?);
    assert_eq!(
        pool.totalReceived().call().await?,
        price.rent,
        "the whole fee reached the pool"
    );
    assert_eq!(
        sesh.balanceOf(contracts.name_registry).call().await?,
        U256::ZERO
    );
    Ok(())
}
