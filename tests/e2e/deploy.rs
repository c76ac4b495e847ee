//! The real deploy script on anvil, then a registration through the Rust
//! bindings: a permit signed by the wallet code, the record set in the same
//! transaction, the fee in the rewards pool. And `just deploy`
//! (scripts/deploy.sh), the public-chain recipe, against a token deployed on
//! its own beforehand, as the real SESH is: the manifest it writes and
//! verifies, a registration paid in that token, and the tokens it refuses.

use alloy::network::EthereumWallet;
use alloy::node_bindings::{Anvil, AnvilInstance};
use alloy::primitives::{Address, B256, U256};
use alloy::providers::{Provider, ProviderBuilder};
use alloy::signers::local::PrivateKeySigner;
use sesh_core::bindings::name_registry::INameRegistry;
use sesh_core::bindings::{NameMarket, NameRegistry, NodeStaking, Premium, RewardsPool, TestSESH};
use sesh_core::deployment::Deployment;
use sesh_core::permit::{PermitDomain, sign_permit};
use sesh_core::{Name, Sesh};
use sesh_e2e::{anvil_path, foundry_bin, repo_root};
use std::path::PathBuf;
use std::process::{Command, Output};

alloy::sol! {
    /// What the deploy recipe and the wallet use of a token: the ERC-20 and
    /// EIP-2612 parts of OpenZeppelin's `ERC20Permit`, nothing of TestSESH.
    #[sol(rpc)]
    interface IPermitToken {
        function name() external view returns (string memory);
        function decimals() external view returns (uint8);
        function balanceOf(address account) external view returns (uint256);
        function nonces(address owner) external view returns (uint256);
    }
}

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

/// Arbitrum Sepolia's chain id: the recipe's defaults for an Arbitrum chain
/// apply (one-transaction registration). The manifest still goes to the
/// tests' own folder (`--out`), never to `deployments/421614.json`.
const CHAIN_ID: u64 = 421_614;

/// A fresh anvil that answers as chain [`CHAIN_ID`].
fn public_chain_stand_in() -> AnvilInstance {
    Anvil::at(anvil_path()).chain_id(CHAIN_ID).spawn()
}

/// Deploys `PermitToken` (`src/test-only/`) with `decimals`, its whole supply
/// to anvil's dev key 1, with `forge create` and dev key 1: a token that is on
/// the chain before, and apart from, the deployment.
fn deploy_permit_token(anvil: &AnvilInstance, decimals: u8) -> Address {
    deploy_with_forge_create(
        anvil,
        "src/test-only/PermitToken.sol:PermitToken",
        &[
            "Session Token",
            "SESH",
            &decimals.to_string(),
            &anvil.addresses()[1].to_string(),
            &(240_000_000u128 * 10u128.pow(decimals.into())).to_string(),
        ],
    )
}

fn deploy_with_forge_create(anvil: &AnvilInstance, contract: &str, args: &[&str]) -> Address {
    let key = format!("0x{}", alloy::hex::encode(anvil.keys()[1].to_bytes()));
    let mut command = Command::new(foundry_bin("forge"));
    command
        .current_dir(repo_root().join("contracts"))
        .args(["create", contract, "--broadcast", "--json", "--rpc-url"])
        .arg(anvil.endpoint())
        .args(["--private-key", &key]);
    if !args.is_empty() {
        command.arg("--constructor-args").args(args);
    }
    let output = command.output().expect("run forge create");
    assert!(
        output.status.success(),
        "forge create {contract} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    // Compiler notes may come first; the JSON object is the rest.
    let json: serde_json::Value = stdout
        .find('{')
        .and_then(|start| serde_json::from_str(&stdout[start..]).ok())
        .unwrap_or_else(|| panic!("no JSON from forge create: {stdout}"));
    json["deployedTo"].as_str().unwrap().parse().unwrap()
}

/// A manifest path of this test process in `deployments/.e2e/` (where forge may write).
fn manifest_path(tag: &str) -> PathBuf {
    let dir = repo_root().join("contracts/deployments/.e2e");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("recipe-{}-{tag}.json", std::process::id()))
}

/// Runs the recipe's script (what `just deploy` runs) with anvil's dev key 0
/// as the deployer, given as the environment variable the docs name.
fn run_recipe(anvil: &AnvilInstance, args: &[&str]) -> Output {
    let key = format!("0x{}", alloy::hex::encode(anvil.keys()[0].to_bytes()));
    Command::new(repo_root().join("scripts/deploy.sh"))
        .current_dir(repo_root())
        .arg("--rpc-url")
        .arg(anvil.endpoint())
        .args(args)
        .env("DEPLOYER_PRIVATE_KEY", key)
        .env_remove("SESH_TOKEN")
        .env_remove("ETH_RPC_URL")
        .output()
        .expect("run scripts/deploy.sh")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[tokio::test]
async fn the_deploy_recipe_deploys_with_a_separate_token_and_verifies_the_manifest()
-> eyre::Result<()> {
    let anvil = public_chain_stand_in();
    let token = deploy_permit_token(&anvil, 9);
    let out = manifest_path("deployed");
    let shown = out.strip_prefix(repo_root())?.to_str().unwrap().to_string();

    let run = run_recipe(
        &anvil,
        &["--sesh-token", &token.to_string(), "--out", &shown, "--yes"],
    );
    assert!(run.status.success(), "{}", text(&run));
    assert!(
        text(&run).contains(&format!("Deployed and verified on chain {CHAIN_ID}")),
        "{}",
        text(&run)
    );

    // The manifest: what core/src/deployment.rs reads, with the real token's flag.
    let deployment = Deployment::load(&out)?;
    assert_eq!(deployment.chain_id, CHAIN_ID);
    assert_eq!(deployment.contracts.sesh, token);
    assert!(!deployment.parameters.test_token);
    assert_eq!(
        deployment.parameters.min_commitment_age, 0,
        "one-transaction registration on an Arbitrum chain"
    );
    assert_eq!(deployment.parameters.max_commitment_age, 86_400);
    assert_eq!(
        deployment.parameters.staking_requirement,
        Sesh::from_whole(25_000).units()
    );
    let contracts = &deployment.contracts;
    let all = [
        contracts.sesh,
        contracts.rewards_pool,
        contracts.name_registry,
        contracts.name_market,
        contracts.premium,
        contracts.node_staking,
    ];
    let unique: std::collections::HashSet<_> = all.iter().collect();
    assert_eq!(unique.len(), all.len(), "six different addresses");

    // Every contract reports the token and the pool, as the recipe verified.
    let alice: PrivateKeySigner = anvil.keys()[1].clone().into();
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(alice.clone()))
        .connect_http(anvil.endpoint_url());
    let pool = RewardsPool::new(contracts.rewards_pool, &provider);
    let registry = NameRegistry::new(contracts.name_registry, &provider);
    let market = NameMarket::new(contracts.name_market, &provider);
    let premium = Premium::new(contracts.premium, &provider);
    let staking = NodeStaking::new(contracts.node_staking, &provider);
    assert_eq!(pool.sesh().call().await?, token);
    assert_eq!(pool.distributor().call().await?, contracts.node_staking);
    assert_eq!(registry.sesh().call().await?, token);
    assert_eq!(registry.rewardsPool().call().await?, contracts.rewards_pool);
    assert_eq!(market.sesh().call().await?, token);
    assert_eq!(market.registry().call().await?, contracts.name_registry);
    assert_eq!(premium.sesh().call().await?, token);
    assert_eq!(staking.sesh().call().await?, token);
    assert_eq!(
        staking.stakingRequirement().call().await?,
        Sesh::from_whole(25_000).units()
    );
    let first_contract_block = provider
        .get_logs(
            &alloy::rpc::types::Filter::new()
                .address(contracts.rewards_pool)
                .from_block(0),
        )
        .await?
        .first()
        .and_then(|log| log.block_number)
        .expect("the pool's creation log");
    assert!(
        deployment.deploy_block <= first_contract_block,
        "indexers start at or before the first contract"
    );

    // A registration paid in the stand-in token, by permit, as the wallet pays.
    let sesh = IPermitToken::new(token, &provider);
    let name = Name::parse("standin")?;
    let duration = U256::from(365 * 24 * 3600);
    let price = registry
        .rentPrice(name.to_string(), duration)
        .call()
        .await?;
    assert_eq!(price.rent, Sesh::from_whole(100).units());
    let domain = PermitDomain {
        token_name: sesh.name().call().await?,
        chain_id: provider.get_chain_id().await?,
        token,
    };
    assert_eq!(domain.chain_id, CHAIN_ID);
    let nonce = sesh.nonces(alice.address()).call().await?;
    let signed = sign_permit(
        &alice,
        &domain,
        contracts.name_registry,
        price.rent,
        nonce,
        U256::from(u64::MAX),
    )
    .await?;
    let registration = INameRegistry::Registration {
        label: name.to_string(),
        owner: alice.address(),
        duration,
        sessionKey: B256::repeat_byte(0x5e),
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
    assert!(receipt.status(), "registering with the stand-in token");
    assert_eq!(
        registry.ownerOf(name.token_id()).call().await?,
        alice.address()
    );
    assert_eq!(
        sesh.balanceOf(contracts.rewards_pool).call().await?,
        price.rent,
        "the rent reached the pool in the stand-in token"
    );

    // The recipe verifies a manifest on its own, and never overwrites one.
    let again = Command::new(repo_root().join("scripts/deploy.sh"))
        .current_dir(repo_root())
        .args(["--verify", &shown, "--rpc-url", &anvil.endpoint()])
        .output()?;
    assert!(again.status.success(), "{}", text(&again));
    assert!(
        text(&again).contains("matches chain 421614"),
        "{}",
        text(&again)
    );
    let before = std::fs::read(&out)?;
    let run = run_recipe(
        &anvil,
        &["--sesh-token", &token.to_string(), "--out", &shown, "--yes"],
    );
    assert!(!run.status.success());
    assert!(text(&run).contains("exists already"), "{}", text(&run));
    assert_eq!(std::fs::read(&out)?, before);
    assert!(
        !repo_root()
            .join(format!("contracts/deployments/{CHAIN_ID}.json"))
            .exists(),
        "only the manifest asked for is written"
    );
    std::fs::remove_file(&out)?;
    Ok(())
}

#[tokio::test]
async fn the_deploy_recipe_refuses_a_token_that_is_not_sesh_and_writes_nothing() -> eyre::Result<()>
{
    let anvil = public_chain_stand_in();
    let provider = ProviderBuilder::new().connect_http(anvil.endpoint_url());
    let deployer = anvil.addresses()[0];
    let eighteen = deploy_permit_token(&anvil, 18);
    let test_sesh = deploy_with_forge_create(&anvil, "src/test-only/TestSESH.sol:TestSESH", &[]);
    assert_eq!(
        IPermitToken::new(eighteen, &provider)
            .decimals()
            .call()
            .await?,
        18
    );
    let out = manifest_path("refused");
    let shown = out.strip_prefix(repo_root())?.to_str().unwrap().to_string();

    let refusals = [
        (
            eighteen,
            format!("the token at {eighteen} has 18 decimals; SESH has 9"),
        ),
        (
            anvil.addresses()[2],
            format!(
                "there is no contract at {} on chain {CHAIN_ID}",
                anvil.addresses()[2]
            ),
        ),
        (
            test_sesh,
            format!("the token at {test_sesh} has a faucet: it is TestSESH, not SESH"),
        ),
    ];
    for (token, words) in refusals {
        let run = run_recipe(
            &anvil,
            &["--sesh-token", &token.to_string(), "--out", &shown, "--yes"],
        );
        assert!(!run.status.success(), "{}", text(&run));
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(stderr.contains(&words), "{stderr}");
        assert!(
            stderr.contains("Nothing was deployed and no manifest was written."),
            "{stderr}"
        );
        assert!(!out.exists(), "no manifest for {token}");
    }
    assert_eq!(
        provider.get_transaction_count(deployer).await?,
        0,
        "the deployer sent nothing"
    );
    Ok(())
}
