//! Filling a chain with names through `contracts/bench/BenchRegistrar.sol`, which loops over the
//! real `NameRegistry.register` and pays the real rent, so the events are the ones real
//! registrations emit and a registry node verifies them like any other.

use crate::process::{Paths, output_of};
use alloy::contract::Interface;
use alloy::dyn_abi::DynSolValue;
use alloy::json_abi::JsonAbi;
use alloy::network::TransactionBuilder;
use alloy::primitives::{Address, Bytes, U256};
use alloy::providers::{DynProvider, Provider};
use alloy::rpc::types::TransactionRequest;
use eyre::{WrapErr, bail, eyre};
use serde::{Deserialize, Serialize};
use sesh_core::deployment::Deployment;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

/// Gas allowed per registration in a batch transaction (a registration uses about 110,000).
const GAS_PER_NAME: u64 = 200_000;

/// The compiled helper contract.
#[derive(Debug, Clone)]
pub struct Artifact {
    interface: Interface,
    bytecode: Vec<u8>,
}

/// Compiles `contracts/bench/BenchRegistrar.sol` into `contracts/out-bench` (its own output and
/// cache folders, so the project's `out/` is left alone) and reads the artifact.
pub fn compile(paths: &Paths) -> eyre::Result<Artifact> {
    let contracts = paths.root.join("contracts");
    let mut command = Command::new(paths.foundry("forge")?);
    command.current_dir(&contracts).args([
        "build",
        "bench/BenchRegistrar.sol",
        "--out",
        "out-bench",
        "--cache-path",
        "cache-bench",
        "-q",
    ]);
    output_of(command, "forge build bench/BenchRegistrar.sol")?;
    let path: PathBuf = contracts.join("out-bench/BenchRegistrar.sol/BenchRegistrar.json");
    let text = std::fs::read_to_string(&path)
        .wrap_err_with(|| format!("cannot read {}", path.display()))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).wrap_err_with(|| format!("{} is not JSON", path.display()))?;
    let abi: JsonAbi = serde_json::from_value(json["abi"].clone())
        .wrap_err_with(|| format!("no ABI in {}", path.display()))?;
    let code = json["bytecode"]["object"]
        .as_str()
        .ok_or_else(|| eyre!("no bytecode in {}", path.display()))?;
    let bytecode = hex::decode(code.trim_start_matches("0x"))
        .wrap_err_with(|| format!("bad bytecode in {}", path.display()))?;
    Ok(Artifact {
        interface: Interface::new(abi),
        bytecode,
    })
}

/// What filling the chain took.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Populated {
    /// Names registered.
    pub names: u64,
    /// Registrations per transaction.
    pub per_tx: u64,
    /// Transactions sent.
    pub transactions: u64,
    /// Gas of all of them.
    pub gas: u64,
    /// Wall time, seconds.
    pub seconds: f64,
    /// The last block.
    pub last_block: u64,
}

/// Polls for the receipt of `hash` (1 ms, doubling up to 50 ms) for at most 120 s.
pub async fn wait_receipt(
    provider: &DynProvider,
    hash: alloy::primitives::B256,
) -> eyre::Result<alloy::rpc::types::TransactionReceipt> {
    let deadline = Instant::now() + std::time::Duration::from_secs(120);
    let mut pause = std::time::Duration::from_millis(1);
    loop {
        if let Some(receipt) = provider.get_transaction_receipt(hash).await? {
            return Ok(receipt);
        }
        if Instant::now() > deadline {
            bail!("no receipt for {hash} after 120 s");
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(std::time::Duration::from_millis(50));
    }
}

/// Sends `tx` from `provider` and waits for its receipt ([`wait_receipt`]), failing if it
/// reverted; errors name the transaction as `what`.
pub async fn send_and_confirm(
    provider: &DynProvider,
    tx: TransactionRequest,
    what: &str,
) -> eyre::Result<alloy::rpc::types::TransactionReceipt> {
    let sent = provider
        .send_transaction(tx)
        .await
        .wrap_err_with(|| format!("{what}: send"))?;
    let receipt = wait_receipt(provider, *sent.tx_hash())
        .await
        .wrap_err_with(|| format!("{what}: receipt"))?;
    if !receipt.status() {
        bail!("{what} reverted");
    }
    Ok(receipt)
}

/// Waits until `from`'s mined transaction count reaches `nonce` (at most 300 s).
async fn wait_nonce(provider: &DynProvider, from: Address, nonce: u64) -> eyre::Result<()> {
    let deadline = Instant::now() + std::time::Duration::from_secs(300);
    while provider.get_transaction_count(from).latest().await? < nonce {
        if Instant::now() > deadline {
            bail!("transactions up to nonce {nonce} were not mined within 300 s");
        }
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    Ok(())
}

/// Deploys the helper and registers names `first .. first + names`, `per_tx` per transaction,
/// with up to `window` transactions in flight.
pub async fn populate(
    artifact: &Artifact,
    provider: &DynProvider,
    from: Address,
    deployment: &Deployment,
    first: u64,
    names: u64,
    per_tx: u64,
) -> eyre::Result<Populated> {
    let per_tx = per_tx.max(1);
    let started = Instant::now();
    let constructor = DynSolValue::Tuple(vec![
        DynSolValue::Address(deployment.contracts.name_registry),
        DynSolValue::Address(deployment.contracts.sesh),
    ])
    .abi_encode_params();
    let mut code = artifact.bytecode.clone();
    code.extend_from_slice(&constructor);
    let receipt = provider
        .send_transaction(TransactionRequest::default().with_deploy_code(Bytes::from(code)))
        .await
        .wrap_err("deploy BenchRegistrar")?
        .get_receipt()
        .await
        .wrap_err("deploy BenchRegistrar: receipt")?;
    let helper = receipt
        .contract_address
        .ok_or_else(|| eyre!("BenchRegistrar was not deployed"))?;

    // anvil slows down as blocks pile up (hundreds of transactions a second at first, a few
    // dozen after ten thousand one-transaction blocks), so automining is switched off: each
    // window of transactions is sent, mined as one block (`evm_mine`), then its receipts read.
    let window: u64 = if per_tx == 1 { 64 } else { 4 };
    let _: serde_json::Value = provider
        .raw_request("evm_setAutomine".into(), (false,))
        .await
        .wrap_err("evm_setAutomine false")?;
    let mut nonce = provider.get_transaction_count(from).await?;
    let mut result = Populated {
        names,
        per_tx,
        ..Populated::default()
    };
    let mut next = first;
    let end = first + names;
    while next < end {
        let mut pending = Vec::new();
        while next < end && (pending.len() as u64) < window {
            let count = per_tx.min(end - next);
            let data = artifact
                .interface
                .encode_input(
                    "registerBatch",
                    &[
                        DynSolValue::Uint(U256::from(next), 256),
                        DynSolValue::Uint(U256::from(count), 256),
                    ],
                )
                .wrap_err("encode registerBatch")?;
            let tx = TransactionRequest::default()
                .with_from(from)
                .with_to(helper)
                .with_input(data)
                .with_nonce(nonce)
                .with_gas_limit(GAS_PER_NAME * count + 500_000)
                .with_max_fee_per_gas(100_000_000_000)
                .with_max_priority_fee_per_gas(1_000_000_000);
            let sent = provider
                .send_transaction(tx)
                .await
                .wrap_err_with(|| format!("send registerBatch({next}, {count})"))?;
            pending.push((next, count, *sent.tx_hash()));
            nonce += 1;
            next += count;
            result.transactions += 1;
        }
        let _: serde_json::Value = provider
            .raw_request("evm_mine".into(), ())
            .await
            .wrap_err("evm_mine")?;
        wait_nonce(provider, from, nonce).await?;
        for (batch_first, count, hash) in pending {
            let receipt = wait_receipt(provider, hash)
                .await
                .wrap_err_with(|| format!("receipt of registerBatch({batch_first}, {count})"))?;
            if !receipt.status() {
                bail!("registerBatch({batch_first}, {count}) reverted");
            }
            result.gas += receipt.gas_used;
            result.last_block = result.last_block.max(receipt.block_number.unwrap_or(0));
        }
    }
    let _: serde_json::Value = provider
        .raw_request("evm_setAutomine".into(), (true,))
        .await
        .wrap_err("evm_setAutomine true")?;
    result.seconds = started.elapsed().as_secs_f64();
    Ok(result)
}
