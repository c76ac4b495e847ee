//! Gas of each operation as a whole transaction: the receipt's `gasUsed` on anvil (21,000 base
//! and calldata included, refunds subtracted), on a fresh chain with the contracts deployed by
//! the real deploy script, once with a commitment age (commit–reveal) and once without
//! (one-transaction registration).

use crate::chain::{Anvil, deployer, fresh_key};
use crate::populate::send_and_confirm;
use crate::process::Paths;
use alloy::primitives::{Address, B256, Bytes, U256, keccak256};
use alloy::providers::{DynProvider, Provider};
use alloy::rpc::types::TransactionRequest;
use alloy::signers::local::PrivateKeySigner;
use eyre::bail;
use serde::{Deserialize, Serialize};
use sesh_core::bindings::name_registry::{INameRegistry, no_permit};
use sesh_core::bindings::node_staking::INodeStaking;
use sesh_core::bindings::{NameMarket, NameRegistry, NodeStaking, Premium, TestSESH};
use sesh_core::deployment::Deployment;
use sesh_core::permit::{PermitDomain, sign_permit};

/// One measured operation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GasRow {
    /// What was done, and in which state.
    pub operation: String,
    /// Receipt `gasUsed`.
    pub gas: u64,
    /// What others pay for it.
    pub comparison: String,
    /// Our target, if any (at most this).
    pub target: Option<u64>,
}

/// Every measured operation.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct GasResults {
    /// The hardfork anvil ran.
    pub hardfork: String,
    /// The rows, in order.
    pub rows: Vec<GasRow>,
}

const YEAR: u64 = 365 * 24 * 3600;
const SESH: u64 = 1_000_000_000;

/// Sends `tx` from `provider` and returns its receipt's gas, failing if it reverted.
async fn gas(provider: &DynProvider, tx: TransactionRequest, what: &str) -> eyre::Result<u64> {
    Ok(send_and_confirm(provider, tx, what).await?.gas_used)
}

struct Chain<'a> {
    anvil: &'a Anvil,
    deployment: Deployment,
    deployer: DynProvider,
}

impl Chain<'_> {
    /// A fresh account with ETH and `sesh` whole SESH.
    async fn account(&self, sesh: u64) -> eyre::Result<(PrivateKeySigner, DynProvider)> {
        let key = fresh_key();
        self.anvil
            .set_balance(key.address(), U256::from(10u128.pow(20)))
            .await?;
        let token = TestSESH::new(self.deployment.contracts.sesh, &self.deployer);
        let mut left = sesh;
        while left > 0 {
            let amount = left.min(100_000);
            let tx = token
                .faucet(key.address(), U256::from(amount * SESH))
                .into_transaction_request();
            gas(&self.deployer, tx, "faucet").await?;
            left -= amount;
        }
        let provider = self.anvil.wallet(&key)?;
        Ok((key, provider))
    }

    /// Gives the rewards pool SESH, as on a chain where fees have been paid before, so no
    /// measured operation pays for the pool's first balance.
    async fn warm_pool(&self) -> eyre::Result<()> {
        let token = TestSESH::new(self.deployment.contracts.sesh, &self.deployer);
        let tx = token
            .faucet(
                self.deployment.contracts.rewards_pool,
                U256::from(1_000 * SESH),
            )
            .into_transaction_request();
        gas(&self.deployer, tx, "faucet to the pool")
            .await
            .map(|_| ())
    }

    async fn approve(&self, provider: &DynProvider, spender: Address) -> eyre::Result<()> {
        let token = TestSESH::new(self.deployment.contracts.sesh, provider);
        let tx = token.approve(spender, U256::MAX).into_transaction_request();
        gas(provider, tx, "approve").await.map(|_| ())
    }

    async fn permit(
        &self,
        key: &PrivateKeySigner,
        provider: &DynProvider,
        spender: Address,
        value: U256,
    ) -> eyre::Result<INameRegistry::Permit> {
        let token = TestSESH::new(self.deployment.contracts.sesh, provider);
        let domain = PermitDomain {
            token_name: token.name().call().await?,
            chain_id: self.deployment.chain_id,
            token: self.deployment.contracts.sesh,
        };
        let nonce = token.nonces(key.address()).call().await?;
        let signed = sign_permit(key, &domain, spender, value, nonce, U256::from(u64::MAX)).await?;
        Ok(signed.into())
    }

    fn registration(label: &str, owner: Address, primary: bool) -> INameRegistry::Registration {
        INameRegistry::Registration {
            label: label.to_string(),
            owner,
            duration: U256::from(YEAR),
            sessionKey: keccak256(label.as_bytes()),
            evmAddress: Address::ZERO,
            setPrimary: primary,
            maxCost: U256::MAX,
        }
    }

    /// Registers `label` for the account (allowance already given), in one transaction.
    async fn register_with_allowance(
        &self,
        key: &PrivateKeySigner,
        provider: &DynProvider,
        label: &str,
    ) -> eyre::Result<u64> {
        let registry = NameRegistry::new(self.deployment.contracts.name_registry, provider);
        let tx = registry
            .register(
                Self::registration(label, key.address(), false),
                B256::ZERO,
                no_permit(),
            )
            .into_transaction_request();
        gas(provider, tx, "register").await
    }

    /// One-transaction registration with a permit, the record, the primary name and the Session
    /// ID's consent to the name as its reverse name (`registerAndConsent`): what `sesh name
    /// register` sends for a wallet's first name.
    async fn register_with_consent(
        &self,
        key: &PrivateKeySigner,
        provider: &DynProvider,
        label: &str,
    ) -> eyre::Result<u64> {
        let registry = NameRegistry::new(self.deployment.contracts.name_registry, provider);
        let price = registry
            .rentPrice(label.to_string(), U256::from(YEAR))
            .call()
            .await?;
        let permit = self
            .permit(
                key,
                provider,
                self.deployment.contracts.name_registry,
                price.rent + price.premium,
            )
            .await?;
        let session = sesh_core::keys::SessionKeys::from_seed(&keccak256(label.as_bytes()).0);
        let mut registration = Self::registration(label, key.address(), true);
        registration.sessionKey = session.session_id().key();
        let consent = sesh_core::reverse_consent::Consent::sign(
            &session,
            self.deployment.chain_id,
            self.deployment.contracts.name_registry,
            U256::from_be_bytes(keccak256(label.as_bytes()).0),
            key.address(),
            1_753_933_969_155,
        );
        let tx = registry
            .registerAndConsent(registration, B256::ZERO, permit, consent.into())
            .into_transaction_request();
        gas(provider, tx, "register with consent").await
    }

    /// One-transaction registration with a permit and the record (and primary name).
    async fn register_with_permit(
        &self,
        key: &PrivateKeySigner,
        provider: &DynProvider,
        label: &str,
        primary: bool,
    ) -> eyre::Result<u64> {
        let registry = NameRegistry::new(self.deployment.contracts.name_registry, provider);
        let price = registry
            .rentPrice(label.to_string(), U256::from(YEAR))
            .call()
            .await?;
        let permit = self
            .permit(
                key,
                provider,
                self.deployment.contracts.name_registry,
                price.rent + price.premium,
            )
            .await?;
        let tx = registry
            .register(
                Self::registration(label, key.address(), primary),
                B256::ZERO,
                permit,
            )
            .into_transaction_request();
        gas(provider, tx, "register with permit").await
    }
}

fn row(operation: &str, gas: u64, comparison: &str, target: Option<u64>) -> GasRow {
    GasRow {
        operation: operation.to_string(),
        gas,
        comparison: comparison.to_string(),
        target,
    }
}

async fn commit_reveal(chain: &Chain<'_>, rows: &mut Vec<GasRow>) -> eyre::Result<()> {
    let (alice, provider) = chain.account(1_000).await?;
    let registry = NameRegistry::new(chain.deployment.contracts.name_registry, &provider);
    let label = "gascommit";
    let registration = Chain::registration(label, alice.address(), true);
    let secret = keccak256(b"secret");
    let commitment = registry
        .makeCommitment(registration.clone(), secret)
        .call()
        .await?;
    let commit = gas(
        &provider,
        registry.commit(commitment).into_transaction_request(),
        "commit",
    )
    .await?;
    chain
        .anvil
        .advance(chain.deployment.parameters.min_commitment_age + 1)
        .await?;
    let price = registry
        .rentPrice(label.to_string(), U256::from(YEAR))
        .call()
        .await?;
    let permit = chain
        .permit(
            &alice,
            &provider,
            chain.deployment.contracts.name_registry,
            price.rent,
        )
        .await?;
    let register = gas(
        &provider,
        registry
            .register(registration, secret, permit)
            .into_transaction_request(),
        "register after commit",
    )
    .await?;
    rows.push(row("commit", commit, "ENS commit ≈ 46,000", None));
    rows.push(row(
        "register after commit, with permit, record and primary name (fresh account)",
        register,
        "ENS register ≈ 260,000 (no permit, no record)",
        None,
    ));
    rows.push(row(
        "**commit + register** (permit, record, primary)",
        commit + register,
        "ENS ≈ 306,000",
        Some(200_000),
    ));
    Ok(())
}

async fn one_transaction(chain: &Chain<'_>, rows: &mut Vec<GasRow>) -> eyre::Result<()> {
    let (bob, provider) = chain.account(1_000).await?;
    let plain = chain
        .register_with_permit(&bob, &provider, "gasonetx", false)
        .await?;
    let again = chain
        .register_with_permit(&bob, &provider, "gasonetxagain", false)
        .await?;
    let (carol, provider) = chain.account(1_000).await?;
    let primary = chain
        .register_with_permit(&carol, &provider, "gasprimary", true)
        .await?;
    let (dave, provider) = chain.account(1_000).await?;
    let consented = chain
        .register_with_consent(&dave, &provider, "gasconsent")
        .await?;
    rows.push(row(
        "**register in one transaction**, with permit and record (min age 0, fresh account)",
        plain,
        "Basenames-style one-transaction registration",
        Some(150_000),
    ));
    rows.push(row(
        "the same with the primary name set too (fresh account)",
        primary,
        "",
        None,
    ));
    rows.push(row(
        "the same with the Session ID's consent to the name as its reverse name (`registerAndConsent`: what `sesh name register` sends for a wallet's first name)",
        consented,
        "",
        None,
    ));
    rows.push(row(
        "the same by an account that has used a permit and holds a name",
        again,
        "",
        None,
    ));
    Ok(())
}

async fn renew_and_market(chain: &Chain<'_>, rows: &mut Vec<GasRow>) -> eyre::Result<()> {
    let contracts = &chain.deployment.contracts;
    let (seller, seller_p) = chain.account(10_000).await?;
    chain.approve(&seller_p, contracts.name_registry).await?;
    chain.approve(&seller_p, contracts.name_market).await?;
    for label in ["gaslisted", "gasoffered", "gasrenewed"] {
        chain
            .register_with_allowance(&seller, &seller_p, label)
            .await?;
    }
    let registry = NameRegistry::new(contracts.name_registry, &seller_p);
    let renew = gas(
        &seller_p,
        registry
            .renew(
                "gasrenewed".into(),
                U256::from(YEAR),
                U256::MAX,
                no_permit(),
            )
            .into_transaction_request(),
        "renew",
    )
    .await?;
    rows.push(row(
        "renew one year (allowance already set)",
        renew,
        "",
        None,
    ));

    gas(
        &seller_p,
        registry
            .setApprovalForAll(contracts.name_market, true)
            .into_transaction_request(),
        "setApprovalForAll",
    )
    .await?;
    let (buyer, buyer_p) = chain.account(10_000).await?;
    chain.approve(&buyer_p, contracts.name_registry).await?;
    chain.approve(&buyer_p, contracts.name_market).await?;
    chain
        .register_with_allowance(&buyer, &buyer_p, "gasbuyer")
        .await?;
    let now = chain
        .deployer
        .get_block(alloy::eips::BlockId::latest())
        .await?
        .map_or(0, |b| b.header.timestamp);
    let price = U256::from(1_000 * SESH);
    let end = U256::from(now + 24 * 3600);
    let listed = U256::from_be_bytes(keccak256(b"gaslisted").0);
    let offered = U256::from_be_bytes(keccak256(b"gasoffered").0);
    let market_seller = NameMarket::new(contracts.name_market, &seller_p);
    gas(
        &seller_p,
        market_seller
            .list(listed, price, end)
            .into_transaction_request(),
        "list",
    )
    .await?;
    let market_buyer = NameMarket::new(contracts.name_market, &buyer_p);
    let none = sesh_core::bindings::name_market::no_permit();
    let buy = gas(
        &buyer_p,
        market_buyer
            .buy(
                listed,
                price,
                keccak256(b"buyer"),
                Address::ZERO,
                none.clone(),
            )
            .into_transaction_request(),
        "buy listed",
    )
    .await?;
    rows.push(row(
        "**buy a listed name** (SESH already approved, buyer holds a name)",
        buy,
        "Seaport 1.6: 93,673 (a listed ERC-721 for ETH)",
        Some(93_673),
    ));
    gas(
        &buyer_p,
        market_buyer
            .makeOffer(
                offered,
                price,
                end,
                keccak256(b"buyer"),
                Address::ZERO,
                none,
            )
            .into_transaction_request(),
        "make offer",
    )
    .await?;
    let accept = gas(
        &seller_p,
        market_seller
            .acceptOffer(offered, buyer.address(), price)
            .into_transaction_request(),
        "accept offer",
    )
    .await?;
    rows.push(row("accept an offer", accept, "", None));
    Ok(())
}

async fn create_node(
    chain: &Chain<'_>,
    provider: &DynProvider,
    signer: Address,
    tag: u8,
    stake: U256,
    fee_bps: u64,
) -> eyre::Result<U256> {
    let staking = NodeStaking::new(chain.deployment.contracts.node_staking, provider);
    let registration = INodeStaking::NodeRegistration {
        ed25519Key: keccak256([tag]),
        ed25519Signature: Bytes::from(vec![tag; 64]),
        signer,
        url: format!("http://127.0.0.1:1{tag:04}"),
        feeBps: U256::from(fee_bps),
        operatorStake: stake,
        reservations: vec![],
    };
    gas(
        provider,
        staking.createNode(registration).into_transaction_request(),
        "createNode",
    )
    .await?;
    Ok(staking.nodeCount().call().await?)
}

async fn premium_and_staking(chain: &Chain<'_>, rows: &mut Vec<GasRow>) -> eyre::Result<()> {
    let contracts = &chain.deployment.contracts;
    let requirement = chain.deployment.parameters.staking_requirement;
    let (operator, operator_p) = chain.account(10_000).await?;
    chain.approve(&operator_p, contracts.node_staking).await?;
    create_node(chain, &operator_p, operator.address(), 1, requirement, 0).await?;

    let (_payer, payer_p) = chain.account(10_000).await?;
    chain.approve(&payer_p, contracts.premium).await?;
    let premium = Premium::new(contracts.premium, &payer_p);
    let none = sesh_core::bindings::premium::no_permit();
    let key = keccak256(b"premium-session");
    let buy = |label: &'static str| {
        let premium = &premium;
        let none = none.clone();
        let payer_p = &payer_p;
        async move {
            gas(
                payer_p,
                premium
                    .buy(key, U256::from(1), U256::MAX, none)
                    .into_transaction_request(),
                label,
            )
            .await
        }
    };
    let first = buy("buy premium").await?;
    let extend = buy("extend premium").await?;
    rows.push(row(
        "buy premium, 30 days, new Session ID (allowance set)",
        first,
        "",
        None,
    ));
    rows.push(row("buy premium again (extension)", extend, "", None));

    let staking_operator = NodeStaking::new(contracts.node_staking, &operator_p);
    gas(
        &operator_p,
        staking_operator.claimRewards().into_transaction_request(),
        "first claim",
    )
    .await?;
    buy("premium (fees for the claim)").await?;
    let claim = gas(
        &operator_p,
        staking_operator.claimRewards().into_transaction_request(),
        "claim",
    )
    .await?;
    rows.push(row(
        "claim rewards (claimed before; fees paid since)",
        claim,
        "",
        None,
    ));

    let (open_operator, open_p) = chain.account(10_000).await?;
    chain.approve(&open_p, contracts.node_staking).await?;
    let quarter = requirement.div_ceil(U256::from(4));
    let node = create_node(chain, &open_p, open_operator.address(), 2, quarter, 500).await?;
    let mut contributions = Vec::new();
    for _ in 0..2 {
        let (contributor, provider) = chain.account(10_000).await?;
        chain.approve(&provider, contracts.node_staking).await?;
        let staking = NodeStaking::new(contracts.node_staking, &provider);
        let limits = staking
            .contributionLimits(node, contributor.address())
            .call()
            .await?;
        if limits.min.is_zero() || limits.min >= limits.max {
            bail!(
                "the open node has no room for a non-activating contribution (min {}, max {})",
                limits.min,
                limits.max
            );
        }
        contributions.push(
            gas(
                &provider,
                staking
                    .contribute(node, limits.min)
                    .into_transaction_request(),
                "contribute",
            )
            .await?,
        );
    }
    rows.push(row(
        "contribute to an open node (second contributor, does not activate it)",
        contributions[1],
        "",
        None,
    ));
    Ok(())
}

/// Runs every gas scenario on a fresh anvil.
pub async fn run(paths: &Paths) -> eyre::Result<GasResults> {
    let dir = paths.scratch.join("gas");
    std::fs::create_dir_all(&dir)?;
    let anvil = Anvil::start(paths, &[], &dir.join("anvil.log"))?;
    let hardfork = anvil.hardfork().await;
    let deployer_p = anvil.deployer()?;
    let _ = deployer()?;
    let with_commit = anvil.deploy(
        paths,
        &dir.join("commit.json"),
        &[("MIN_COMMITMENT_AGE", "60".to_string())],
    )?;
    let one_tx = anvil.deploy(
        paths,
        &dir.join("one-tx.json"),
        &[("MIN_COMMITMENT_AGE", "0".to_string())],
    )?;
    let mut rows = Vec::new();
    let commit_chain = Chain {
        anvil: &anvil,
        deployment: with_commit,
        deployer: deployer_p.clone(),
    };
    commit_chain.warm_pool().await?;
    commit_reveal(&commit_chain, &mut rows).await?;
    let chain = Chain {
        anvil: &anvil,
        deployment: one_tx,
        deployer: deployer_p,
    };
    chain.warm_pool().await?;
    one_transaction(&chain, &mut rows).await?;
    renew_and_market(&chain, &mut rows).await?;
    premium_and_staking(&chain, &mut rows).await?;
    Ok(GasResults { hardfork, rows })
}
