//! Staked registry nodes: started, registered on chain as active nodes and
//! indexed up to the head, so the wallet finds them as the active set; and which
//! of them keep a Session ID's mailbox (`sesh_core::swarm`, as the nodes compute it).

use crate::node::{
    NodeOptions, RegistryNode, fund_and_approve, registry_node_bin, wait_all_indexed,
    wallet_provider,
};
use alloy::network::TransactionBuilder;
use alloy::primitives::{B256, Bytes, U256};
use alloy::providers::Provider;
use alloy::rpc::types::TransactionRequest;
use alloy::signers::local::PrivateKeySigner;
use sesh_core::SessionId;
use sesh_core::attestation::NodeKey;
use sesh_core::bindings::NodeStaking;
use sesh_core::bindings::node_staking::INodeStaking;
use sesh_core::deployment::Deployment;
use std::time::Duration;

/// The Ed25519 key a node is registered with and its proof of possession (the signature
/// `registry-node sign-registration` prints).
#[derive(Debug, Clone)]
pub struct KeyProof {
    /// The node's Ed25519 key.
    pub ed25519_key: B256,
    /// Its signature of the registration.
    pub ed25519_signature: Bytes,
}

/// Stakes `node` on chain with `operator` as a fully staked (active) node, with the key
/// proof its own key signs.
pub async fn stake_node(
    url: &str,
    deployment: &Deployment,
    node: &RegistryNode,
    operator: PrivateKeySigner,
) -> eyre::Result<()> {
    let output = std::process::Command::new(registry_node_bin())
        .arg("sign-registration")
        .args(["--rpc-url", url])
        .arg("--deployment")
        .arg(&node.options.manifest)
        .arg("--data-dir")
        .arg(&node.options.data_dir)
        .args(["--operator", &operator.address().to_string()])
        .args(["--signer", &operator.address().to_string()])
        .output()?;
    eyre::ensure!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let proof: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    let field = |key: &str| {
        proof[key]
            .as_str()
            .ok_or_else(|| eyre::eyre!("sign-registration printed no {key}"))
    };
    let proof = KeyProof {
        ed25519_key: field("ed25519_key")?.parse()?,
        ed25519_signature: field("ed25519_signature")?.parse()?,
    };
    stake_with_proof(url, deployment, &node.url, proof, operator).await?;
    Ok(())
}

/// Stakes a node at `node_url` registered with `proof` (which may be one that does not
/// hold: the contract cannot check Ed25519) with `operator` as its operator and signer, as
/// a fully staked (active) node; returns its id.
pub async fn stake_with_proof(
    url: &str,
    deployment: &Deployment,
    node_url: &str,
    proof: KeyProof,
    operator: PrivateKeySigner,
) -> eyre::Result<u64> {
    let provider = wallet_provider(url, operator.clone());
    let contracts = &deployment.contracts;
    fund_and_approve(
        &provider,
        deployment,
        operator.address(),
        contracts.node_staking,
        100_000,
    )
    .await?;
    let staking = NodeStaking::new(contracts.node_staking, &provider);
    let requirement = staking.stakingRequirement().call().await?;
    let receipt = staking
        .createNode(INodeStaking::NodeRegistration {
            ed25519Key: proof.ed25519_key,
            ed25519Signature: proof.ed25519_signature,
            signer: operator.address(),
            url: node_url.to_string(),
            feeBps: U256::from(500),
            operatorStake: requirement,
            reservations: vec![],
        })
        .send()
        .await?
        .get_receipt()
        .await?;
    eyre::ensure!(receipt.status(), "createNode reverted");
    let count = staking.nodeCount().call().await?;
    Ok(u64::try_from(count)?)
}

/// Starts `operators.len()` nodes on the chain at `url`, stakes each with its
/// operator and waits until every node has indexed the head.
pub async fn staked_nodes(
    url: &str,
    deployment: &Deployment,
    operators: &[PrivateKeySigner],
) -> eyre::Result<Vec<RegistryNode>> {
    let nodes =
        RegistryNode::start_all(operators.iter().map(|_| NodeOptions::new(url, deployment)));
    for (node, operator) in nodes.iter().zip(operators) {
        stake_node(url, deployment, node, operator.clone()).await?;
    }
    let head = wallet_provider(url, operators[0].clone())
        .get_block_number()
        .await?;
    wait_all_indexed(&nodes, head, Duration::from_secs(30)).await;
    Ok(nodes)
}

/// A new operator key with 10 ETH for gas, sent by `funder` (for more nodes than anvil
/// has funded accounts).
pub async fn funded_operator(
    url: &str,
    funder: PrivateKeySigner,
) -> eyre::Result<PrivateKeySigner> {
    let operator = PrivateKeySigner::random();
    let provider = wallet_provider(url, funder);
    let receipt = provider
        .send_transaction(
            TransactionRequest::default()
                .with_to(operator.address())
                .with_value(U256::from(10u64) * U256::from(10u64).pow(U256::from(18u64))),
        )
        .await?
        .get_receipt()
        .await?;
    eyre::ensure!(
        receipt.status(),
        "the transfer to the new operator reverted"
    );
    Ok(operator)
}

/// The members of `session_id`'s mailbox swarm among `nodes` (taken as the active set),
/// best first: the rule the nodes follow (`sesh_core::swarm::mailbox_swarm`).
pub fn mailbox_swarm<'a>(
    nodes: &[&'a RegistryNode],
    session_id: &SessionId,
) -> Vec<&'a RegistryNode> {
    sesh_core::swarm::mailbox_swarm(nodes.to_vec(), session_id, |node| {
        node.node_key.parse::<NodeKey>().ok()
    })
}

/// A new wallet ("carol", password "c-pw") whose Session ID's swarm among `nodes` holds
/// `member`, with that ID: 7 of 9 nodes are in any swarm, so a few tries find one.
pub fn wallet_in_swarm_of(
    chain: &crate::DeployedChain,
    nodes: &[&RegistryNode],
    member: &RegistryNode,
) -> (crate::cli::SeshHome, SessionId) {
    (0..20)
        .find_map(|_| {
            let home = crate::cli::SeshHome::new(chain);
            home.new_wallet("carol", "c-pw");
            let id = home.session_id();
            mailbox_swarm(nodes, &id)
                .iter()
                .any(|node| node.node_key == member.node_key)
                .then_some((home, id))
        })
        .expect("20 wallets, none in the node's swarm")
}
