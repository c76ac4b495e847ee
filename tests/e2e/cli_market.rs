//! `sesh market ...` through the real binary on anvil: listing and buying
//! (the name resolves to the buyer at once, the seller gets the price minus
//! the fee, the pool the fee), offers (make, list, cancel, accept), and
//! refusals that change nothing (stale price, not enough SESH, an ended or
//! dead listing, an offer on one's own name).

use alloy::network::EthereumWallet;
use alloy::primitives::{Address, B256, U256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::signers::local::PrivateKeySigner;
use sesh_core::bindings::name_registry::INameRegistry;
use sesh_core::bindings::{NameMarket, NameRegistry, RewardsPool, TestSESH};
use sesh_core::permit::{PermitDomain, sign_permit};
use sesh_core::{Name, Sesh};
use sesh_e2e::DeployedChain;
use sesh_e2e::cli::SeshHome;

/// A provider signing with anvil's dev key `index`.
pub(crate) fn dev_provider(chain: &DeployedChain, index: usize) -> (PrivateKeySigner, DynProvider) {
    let signer: PrivateKeySigner = chain.anvil.keys()[index].clone().into();
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer.clone()))
        .connect_http(chain.anvil.endpoint_url())
        .erased();
    (signer, provider)
}

/// Registers `label` for a year to `owner`, paid (by permit) by anvil's dev
/// key `payer`; returns the rent paid into the pool.
pub(crate) async fn register_name(
    chain: &DeployedChain,
    payer: usize,
    label: &str,
    owner: Address,
) -> U256 {
    let contracts = &chain.deployment.contracts;
    let (signer, provider) = dev_provider(chain, payer);
    let sesh = TestSESH::new(contracts.sesh, &provider);
    let registry = NameRegistry::new(contracts.name_registry, &provider);
    let duration = U256::from(365 * 24 * 3600);
    let price = registry
        .rentPrice(label.to_string(), duration)
        .call()
        .await
        .unwrap();
    let cost = price.rent + price.premium;
    sesh.faucet(signer.address(), cost)
        .send()
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    let domain = PermitDomain {
        token_name: sesh.name().call().await.unwrap(),
        chain_id: provider.get_chain_id().await.unwrap(),
        token: contracts.sesh,
    };
    let nonce = sesh.nonces(signer.address()).call().await.unwrap();
    let signed = sign_permit(
        &signer,
        &domain,
        contracts.name_registry,
        cost,
        nonce,
        U256::from(u64::MAX),
    )
    .await
    .unwrap();
    let registration = INameRegistry::Registration {
        label: label.to_string(),
        owner,
        duration,
        sessionKey: B256::repeat_byte(0x11),
        evmAddress: Address::ZERO,
        setPrimary: false,
        maxCost: cost,
    };
    let receipt = registry
        .register(registration, B256::ZERO, signed.into())
        .send()
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(receipt.status(), "registering {label}");
    cost
}

/// Moves the chain's clock forward by `secs` and mines a block.
pub(crate) async fn advance_time(chain: &DeployedChain, secs: u64) {
    let provider = ProviderBuilder::new().connect_http(chain.anvil.endpoint_url());
    provider
        .raw_request::<_, serde_json::Value>("evm_increaseTime".into(), (secs,))
        .await
        .unwrap();
    provider
        .raw_request::<_, serde_json::Value>("evm_mine".into(), ())
        .await
        .unwrap();
}

/// A wallet with SESH (and test ETH from the faucet); returns its address.
pub(crate) fn funded_wallet(home: &SeshHome, name: &str, password: &str, sesh: &str) -> Address {
    let address = home.new_wallet(name, password);
    home.run(&["faucet", sesh, "--yes"], Some(password)).ok();
    address.parse().unwrap()
}

/// The wallet's SESH balance as printed by `sesh balance --json`.
pub(crate) fn balance(home: &SeshHome) -> String {
    home.run(&["balance", "--json"], None).ok().envelope()["data"]["sesh"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn nonce(chain: &DeployedChain, address: Address) -> u64 {
    ProviderBuilder::new()
        .connect_http(chain.anvil.endpoint_url())
        .get_transaction_count(address)
        .await
        .unwrap()
}

#[tokio::test]
async fn lists_and_sells_a_name_that_then_resolves_to_the_buyer() {
    let chain = sesh_e2e::deployed_chain();
    let contracts = chain.deployment.contracts.clone();
    let alice = SeshHome::new(&chain);
    let bob = SeshHome::new(&chain);
    let carol = SeshHome::new(&chain);
    let alice_address = funded_wallet(&alice, "alice", "a-pw", "1000");
    let bob_address = funded_wallet(&bob, "bob", "b-pw", "1000");
    let carol_address = funded_wallet(&carol, "carol", "c-pw", "10");
    register_name(&chain, 1, "gallery", alice_address).await;
    let provider = ProviderBuilder::new()
        .connect_http(chain.anvil.endpoint_url())
        .erased();
    let registry = NameRegistry::new(contracts.name_registry, &provider);
    let pool = RewardsPool::new(contracts.rewards_pool, &provider);

    // Listing approves the market first (its own transaction), then lists.
    let listed = alice
        .run(
            &["market", "list", "gallery", "200", "--yes", "--json"],
            Some("a-pw"),
        )
        .ok();
    let listed = listed.envelope();
    assert_eq!(listed["data"]["price"], "200.000000000");
    assert_eq!(listed["data"]["fee"], "5.000000000");
    assert!(
        registry
            .isApprovedForAll(alice_address, contracts.name_market)
            .call()
            .await
            .unwrap()
    );

    let listings = bob
        .run(&["market", "listings", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(listings["data"]["source"]["kind"], "rpc-logs");
    assert_eq!(listings["data"]["total"], 1);
    assert_eq!(listings["data"]["listings"][0]["name"], "gallery");
    assert_eq!(listings["data"]["listings"][0]["price"], "200.000000000");
    let expiry = listed["data"]["expiry"]
        .as_u64()
        .expect("the listing's expiry in Unix seconds");
    assert_eq!(listings["data"]["listings"][0]["expiry"], expiry);
    let text = bob.run(&["market", "listings"], None).ok().stdout;
    assert!(
        text.contains("gallery") && text.contains("source: chain logs"),
        "{text}"
    );

    // A stale price is refused in words and sends nothing.
    let bob_nonce = nonce(&chain, bob_address).await;
    let run = bob
        .run(
            &["market", "buy", "gallery", "--price", "150", "--yes"],
            Some("b-pw"),
        )
        .failed();
    assert!(
        run.stderr
            .contains("the listing price is 200 SESH, not the 150 SESH you expected"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("nothing was sent"), "{}", run.stderr);
    assert_eq!(nonce(&chain, bob_address).await, bob_nonce);

    // Not enough SESH: refused, nothing sent.
    let carol_nonce = nonce(&chain, carol_address).await;
    let run = carol
        .run(&["market", "buy", "gallery", "--yes"], Some("c-pw"))
        .failed();
    assert!(run.stderr.contains("not enough SESH"), "{}", run.stderr);
    assert_eq!(nonce(&chain, carol_address).await, carol_nonce);
    assert_eq!(balance(&carol), "10.000000000");

    // The sale: price, fee and proceeds, by permit, record set to the buyer.
    let pool_before = pool.totalReceived().call().await.unwrap();
    let bought = bob
        .run(
            &["market", "buy", "gallery", "--yes", "--json"],
            Some("b-pw"),
        )
        .ok()
        .envelope();
    assert_eq!(bought["data"]["price"], "200.000000000");
    assert_eq!(bought["data"]["fee"], "5.000000000");
    assert_eq!(bought["data"]["seller_proceeds"], "195.000000000");
    let name = Name::parse("gallery").unwrap();
    assert_eq!(
        registry.ownerOf(name.token_id()).call().await.unwrap(),
        bob_address
    );
    let record = registry.resolve("gallery".into()).call().await.unwrap();
    assert_eq!(record.sessionKey, bob.session_id().key());
    assert_eq!(record.evmAddress, bob_address);
    assert_eq!(balance(&alice), "1195.000000000");
    assert_eq!(balance(&bob), "800.000000000");
    assert_eq!(
        pool.totalReceived().call().await.unwrap() - pool_before,
        Sesh::from_whole(5).units()
    );

    // Sold names leave the listings.
    let listings = bob
        .run(&["market", "listings", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(listings["data"]["total"], 0);
    let run = alice
        .run(&["market", "buy", "gallery", "--yes"], Some("a-pw"))
        .failed();
    assert!(run.stderr.contains("not listed"), "{}", run.stderr);
}

#[tokio::test]
async fn offers_are_made_listed_cancelled_and_accepted() {
    let chain = sesh_e2e::deployed_chain();
    let contracts = chain.deployment.contracts.clone();
    let alice = SeshHome::new(&chain);
    let bob = SeshHome::new(&chain);
    let carol = SeshHome::new(&chain);
    let alice_address = funded_wallet(&alice, "alice", "a-pw", "1000");
    let bob_address = funded_wallet(&bob, "bob", "b-pw", "1000");
    funded_wallet(&carol, "carol", "c-pw", "1000");
    register_name(&chain, 1, "orchid", alice_address).await;
    let provider = ProviderBuilder::new()
        .connect_http(chain.anvil.endpoint_url())
        .erased();
    let registry = NameRegistry::new(contracts.name_registry, &provider);
    let market = NameMarket::new(contracts.name_market, &provider);

    let made = bob
        .run(
            &["market", "offer", "orchid", "120", "--yes", "--json"],
            Some("b-pw"),
        )
        .ok()
        .envelope();
    assert_eq!(made["data"]["amount"], "120.000000000");
    carol
        .run(
            &["market", "offer", "orchid", "50", "--days", "3", "--yes"],
            Some("c-pw"),
        )
        .ok();
    assert_eq!(balance(&bob), "880.000000000", "the offer is escrowed");
    assert_eq!(
        market.totalEscrowed().call().await.unwrap(),
        Sesh::from_whole(170).units()
    );

    let offers = alice
        .run(&["market", "offers", "orchid", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(offers["data"]["source"]["kind"], "rpc-logs");
    let list = offers["data"]["offers"].as_array().unwrap();
    assert_eq!(list.len(), 2, "{offers}");
    assert_eq!(list[0]["amount"], "120.000000000", "largest first");
    assert_eq!(list[0]["bidder"], bob_address.to_checksum(None));
    assert_eq!(list[0]["expiry"], made["data"]["expiry"], "{offers}");
    assert!(list[0]["expiry"].is_u64(), "{offers}");

    // Cancelling refunds; a second cancel is refused.
    carol
        .run(&["market", "cancel-offer", "orchid", "--yes"], Some("c-pw"))
        .ok();
    assert_eq!(balance(&carol), "1000.000000000");
    let run = carol
        .run(&["market", "cancel-offer", "orchid", "--yes"], Some("c-pw"))
        .failed();
    assert!(
        run.stderr.contains("has no offer on orchid"),
        "{}",
        run.stderr
    );
    let offers = alice
        .run(&["market", "offers", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(offers["data"]["offers"].as_array().unwrap().len(), 1);

    // Accepting: the market is approved first, the seller gets amount - fee.
    let accepted = alice
        .run(
            &[
                "market",
                "accept",
                "orchid",
                &bob_address.to_string(),
                "--yes",
                "--json",
            ],
            Some("a-pw"),
        )
        .ok()
        .envelope();
    assert_eq!(accepted["data"]["fee"], "3.000000000");
    assert_eq!(accepted["data"]["proceeds"], "117.000000000");
    assert_eq!(balance(&alice), "1117.000000000");
    let token_id = Name::parse("orchid").unwrap().token_id();
    assert_eq!(
        registry.ownerOf(token_id).call().await.unwrap(),
        bob_address
    );
    let record = registry.resolve("orchid".into()).call().await.unwrap();
    assert_eq!(record.sessionKey, bob.session_id().key());
    assert_eq!(market.totalEscrowed().call().await.unwrap(), U256::ZERO);
    let offers = alice
        .run(&["market", "offers", "orchid", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(offers["data"]["offers"], serde_json::json!([]));

    // No offer from that bidder any more.
    let run = bob
        .run(
            &[
                "market",
                "accept",
                "orchid",
                &alice_address.to_string(),
                "--yes",
            ],
            Some("b-pw"),
        )
        .failed();
    assert!(
        run.stderr.contains("has no offer on orchid"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn an_owner_cannot_make_an_offer_on_its_own_name() {
    let chain = sesh_e2e::deployed_chain();
    let contracts = chain.deployment.contracts.clone();
    let alice = SeshHome::new(&chain);
    let alice_address = funded_wallet(&alice, "alice", "a-pw", "1000");
    register_name(&chain, 1, "peony", alice_address).await;
    let provider = ProviderBuilder::new()
        .connect_http(chain.anvil.endpoint_url())
        .erased();
    let market = NameMarket::new(contracts.name_market, &provider);

    // The contract refuses it (the owner would pay the 2.5% fee to trade with
    // itself); the wallet tells why, in words, and sends nothing.
    let alice_nonce = nonce(&chain, alice_address).await;
    let run = alice
        .run(&["market", "offer", "peony", "100", "--yes"], Some("a-pw"))
        .failed();
    assert!(
        run.stderr.contains(&format!(
            "{alice_address} owns this name already: an owner cannot buy it, make an offer on it"
        )),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("nothing was sent"), "{}", run.stderr);
    assert_eq!(nonce(&chain, alice_address).await, alice_nonce);
    assert_eq!(balance(&alice), "1000.000000000");
    assert_eq!(market.totalEscrowed().call().await.unwrap(), U256::ZERO);
    let offers = alice
        .run(&["market", "offers", "peony", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(offers["data"]["offers"], serde_json::json!([]));
}

#[tokio::test]
async fn ended_and_dead_listings_cannot_be_bought() {
    let chain = sesh_e2e::deployed_chain();
    let contracts = chain.deployment.contracts.clone();
    let alice = SeshHome::new(&chain);
    let bob = SeshHome::new(&chain);
    let alice_address = funded_wallet(&alice, "alice", "a-pw", "1000");
    let bob_address = funded_wallet(&bob, "bob", "b-pw", "1000");
    register_name(&chain, 1, "tulip", alice_address).await;

    alice
        .run(
            &["market", "list", "tulip", "100", "--days", "1", "--yes"],
            Some("a-pw"),
        )
        .ok();
    advance_time(&chain, 2 * 86_400).await;
    let listings = bob
        .run(&["market", "listings", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(
        listings["data"]["total"], 0,
        "an ended listing is not shown"
    );
    let bob_nonce = nonce(&chain, bob_address).await;
    let run = bob
        .run(&["market", "buy", "tulip", "--yes"], Some("b-pw"))
        .failed();
    assert!(
        run.stderr.contains("the listing ended at"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("nothing was sent"), "{}", run.stderr);
    assert_eq!(nonce(&chain, bob_address).await, bob_nonce);
    assert_eq!(balance(&bob), "1000.000000000");

    // A dead listing: listed by dev key 2, which then gives the name away.
    let (seller, provider) = dev_provider(&chain, 2);
    let (other, _) = dev_provider(&chain, 3);
    register_name(&chain, 2, "lotus", seller.address()).await;
    let registry = NameRegistry::new(contracts.name_registry, &provider);
    let market = NameMarket::new(contracts.name_market, &provider);
    registry
        .setApprovalForAll(contracts.name_market, true)
        .send()
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    let token_id = Name::parse("lotus").unwrap().token_id();
    let now = provider
        .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
        .await
        .unwrap()
        .unwrap()
        .header
        .timestamp;
    market
        .list(
            token_id,
            Sesh::from_whole(10).units(),
            U256::from(now + 86_400),
        )
        .send()
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    let listings = bob
        .run(&["market", "listings", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(listings["data"]["listings"][0]["name"], "lotus");
    registry
        .transferFrom(seller.address(), other.address(), token_id)
        .send()
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    let listings = bob
        .run(&["market", "listings", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(listings["data"]["total"], 0, "a dead listing is not shown");
    let run = bob
        .run(&["market", "buy", "lotus", "--yes"], Some("b-pw"))
        .failed();
    assert!(run.stderr.contains("the listing is void"), "{}", run.stderr);
    assert_eq!(nonce(&chain, bob_address).await, bob_nonce);
    assert_eq!(balance(&bob), "1000.000000000");
}
