//! The benchmark network: anvil with a large block gas limit, the contracts deployed by the real
//! deploy script, three staked registry nodes (keys made and proven by `registry-node`, so
//! `sesh` finds them in the active set) and the names registered through the helper contract.

use crate::chain::{Anvil, dev_key};
use crate::node;
use crate::populate::{self, Artifact, Populated, send_and_confirm};
use crate::process::{Paths, free_port};
use alloy::primitives::U256;
use alloy::providers::Provider;
use eyre::bail;
use sesh_core::bindings::node_staking::INodeStaking;
use sesh_core::bindings::{NodeStaking, TestSESH};
use sesh_core::deployment::Deployment;
use std::path::PathBuf;

/// A staked registry node, not yet started.
#[derive(Debug, Clone)]
pub struct StakedNode {
    /// Its data folder (holds the key).
    pub data_dir: PathBuf,
    /// The port its on-chain URL names.
    pub port: u16,
    /// Its Ed25519 identity key (its onion key is this mapped to X25519).
    pub key: [u8; 32],
}

/// The running network.
#[derive(Debug)]
pub struct Network {
    /// The chain.
    pub anvil: Anvil,
    /// The deployment.
    pub deployment: Deployment,
    /// Its manifest file.
    pub manifest: PathBuf,
    /// The staked nodes.
    pub nodes: Vec<StakedNode>,
    /// What filling took.
    pub populated: Populated,
    /// The chain head after filling.
    pub head: u64,
}

/// Stakes `count` nodes (operated by dev accounts 1…) whose URLs are free local ports.
async fn stake_nodes(
    paths: &Paths,
    anvil: &Anvil,
    deployment: &Deployment,
    manifest: &std::path::Path,
    dir: &std::path::Path,
    count: usize,
) -> eyre::Result<Vec<StakedNode>> {
    let deployer = anvil.deployer()?;
    let requirement = deployment.parameters.staking_requirement;
    let mut nodes = Vec::new();
    for i in 1..=count {
        let operator = dev_key(i)?;
        let data_dir = dir.join(format!("node-{i}"));
        node::init(paths, &data_dir)?;
        let (key, signature) =
            node::sign_registration(paths, &data_dir, &anvil.url(), manifest, operator.address())?;
        let port = free_port()?;
        let token = TestSESH::new(deployment.contracts.sesh, &deployer);
        send_and_confirm(
            &deployer,
            token
                .faucet(operator.address(), requirement)
                .into_transaction_request(),
            "faucet",
        )
        .await?;
        let provider = anvil.wallet(&operator)?;
        let token = TestSESH::new(deployment.contracts.sesh, &provider);
        send_and_confirm(
            &provider,
            token
                .approve(deployment.contracts.node_staking, requirement)
                .into_transaction_request(),
            "approve",
        )
        .await?;
        let staking = NodeStaking::new(deployment.contracts.node_staking, &provider);
        let registration = INodeStaking::NodeRegistration {
            ed25519Key: key,
            ed25519Signature: signature,
            signer: operator.address(),
            url: format!("http://127.0.0.1:{port}"),
            feeBps: U256::ZERO,
            operatorStake: requirement,
            reservations: vec![],
        };
        send_and_confirm(
            &provider,
            staking.createNode(registration).into_transaction_request(),
            "createNode",
        )
        .await?;
        nodes.push(StakedNode {
            data_dir,
            port,
            key: key.0,
        });
    }
    let deployer_staking = NodeStaking::new(deployment.contracts.node_staking, &deployer);
    let active = deployer_staking.activeNodeCount().call().await?;
    if active != U256::from(count) {
        bail!("expected {count} active nodes after staking, the chain has {active}");
    }
    Ok(nodes)
}

/// Starts the chain, deploys, stakes 3 nodes and registers `names` names, `per_tx` per
/// transaction.
pub async fn build(
    paths: &Paths,
    artifact: &Artifact,
    tag: &str,
    names: u64,
    per_tx: u64,
    stake: usize,
) -> eyre::Result<Network> {
    let dir = paths.scratch.join(tag);
    std::fs::create_dir_all(&dir)?;
    let anvil = Anvil::start(
        paths,
        &["--gas-limit", "1000000000"],
        &dir.join("anvil.log"),
    )?;
    let manifest = dir.join("deployment.json");
    let deployment = anvil.deploy(paths, &manifest, &[])?;
    let nodes = stake_nodes(paths, &anvil, &deployment, &manifest, &dir, stake).await?;
    let deployer = anvil.deployer()?;
    let from = crate::chain::deployer()?.address();
    let populated =
        populate::populate(artifact, &deployer, from, &deployment, 0, names, per_tx).await?;
    let head = deployer.get_block_number().await?;
    Ok(Network {
        anvil,
        deployment,
        manifest,
        nodes,
        populated,
        head,
    })
}
