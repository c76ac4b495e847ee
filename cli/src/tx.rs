//! Sending one transaction the careful way: simulate (a revert is told in
//! plain words and nothing is sent), show what it does and costs, ask, send
//! once, wait for the receipt with a spinner, print the hash. A transaction is
//! never re-sent automatically: when the receipt does not come in time, the
//! hash and how to check it are printed instead.

use crate::context::Context;
use crate::error::Refused;
use alloy::network::TransactionBuilder;
use alloy::primitives::utils::format_ether;
use alloy::primitives::{Address, B256, U256};
use alloy::providers::{DynProvider, Provider};
use alloy::rpc::types::TransactionRequest;
use eyre::{WrapErr, bail, eyre};
use std::time::Duration;

/// How long to wait for a receipt before handing the hash to the user.
pub const RECEIPT_TIMEOUT: Duration = Duration::from_secs(120);

/// What a transaction will do, for the preview.
#[derive(Debug)]
pub struct Plan {
    /// One line: "Send 12.5 SESH to 0x…".
    pub action: String,
    /// Extra lines shown under it (label, value).
    pub details: Vec<(String, String)>,
    /// The transaction (`to`, `input`, `value`); from, gas and fees are filled in.
    pub request: TransactionRequest,
}

/// A mined transaction.
#[derive(Debug, Clone)]
pub struct Mined {
    /// The transaction hash.
    pub hash: B256,
    /// The block it is in.
    pub block: Option<u64>,
    /// Gas used.
    pub gas_used: u64,
    /// What it cost in ETH (wei).
    pub fee_wei: U256,
    /// Whether the registry nodes have indexed its block (`None`: not waited for, or no
    /// registry node to wait for); see [`Mined::await_indexed`].
    pub indexed: Option<bool>,
}

/// Simulates, previews, confirms, sends and waits. `Ok(None)` when the user
/// declined.
pub async fn execute(
    ctx: &Context<'_>,
    provider: &DynProvider,
    from: Address,
    plan: Plan,
) -> eyre::Result<Option<Mined>> {
    let request = plan.request.clone().with_from(from);
    let gas = match provider.estimate_gas(request.clone()).await {
        Ok(gas) => gas,
        Err(error) => {
            if let Some(revert) = crate::error::rpc_revert_data(&error)
                .and_then(|data| sesh_core::revert::decode(&data))
            {
                return Err(eyre::Report::new(Refused(revert))
                    .wrap_err("the transaction would fail, so nothing was sent"));
            }
            return Err(eyre::Report::new(error).wrap_err("cannot estimate gas; nothing was sent"));
        }
    };
    let fees = provider
        .estimate_eip1559_fees()
        .await
        .wrap_err("cannot read the gas price")?;
    let max_fee = U256::from(gas) * U256::from(fees.max_fee_per_gas);
    let eth = provider
        .get_balance(from)
        .await
        .wrap_err("cannot read the ETH balance")?;
    let value = request.value.unwrap_or_default();
    if eth < max_fee + value {
        let hint = if ctx.network == crate::network::Network::Local {
            " (on the local chain `sesh faucet` also gives test ETH)"
        } else {
            ""
        };
        bail!(
            "{from} has {} ETH but the fee can reach {} ETH; add ETH for gas{hint}",
            format_ether(eth),
            format_ether(max_fee + value)
        );
    }

    let mut preview = format!("{}\n", plan.action);
    for (label, value) in &plan.details {
        preview.push_str(&format!("  {label:<14}{value}\n"));
    }
    preview.push_str(&format!("  {:<14}{}\n", "from", from));
    preview.push_str(&format!("  {:<14}{}\n", "network", ctx.network));
    preview.push_str(&format!("  {:<14}{gas}\n", "gas (est.)"));
    preview.push_str(&format!(
        "  {:<14}at most {} ETH",
        "fee",
        format_ether(max_fee)
    ));
    if ctx.yes {
        ctx.out.info(&preview);
    } else {
        eprintln!("{preview}");
        if !ctx.confirm("Send this transaction?")? {
            ctx.out.info("Nothing was sent.");
            return Ok(None);
        }
    }

    let request = request
        .with_gas_limit(gas.saturating_mul(6) / 5)
        .with_max_fee_per_gas(fees.max_fee_per_gas)
        .with_max_priority_fee_per_gas(fees.max_priority_fee_per_gas);
    let pending = provider.send_transaction(request).await.map_err(|error| {
        match crate::error::rpc_revert_data(&error)
            .and_then(|data| sesh_core::revert::decode(&data))
        {
            Some(revert) => {
                eyre::Report::new(Refused(revert)).wrap_err("the node refused the transaction")
            }
            None => eyre::Report::new(error)
                .wrap_err("the node did not accept the transaction; nothing was sent"),
        }
    })?;
    let hash = *pending.tx_hash();
    ctx.out.info(&format!("Sent transaction {hash}"));

    let spinner = ctx.out.spinner("waiting for the receipt…");
    let receipt = pending
        .with_timeout(Some(RECEIPT_TIMEOUT))
        .get_receipt()
        .await;
    if let Some(spinner) = spinner {
        spinner.finish_and_clear();
    }
    let receipt = receipt.map_err(|error| {
        eyre!(
            "transaction {hash} was sent but no receipt came within {} s ({error}); do not send it again: check it with `cast receipt {hash} --rpc-url {}`",
            RECEIPT_TIMEOUT.as_secs(),
            ctx.rpc_url
        )
    })?;
    if !receipt.status() {
        bail!(
            "transaction {hash} was mined in block {} but reverted; nothing changed except the gas paid",
            receipt.block_number.unwrap_or_default()
        );
    }
    Ok(Some(Mined {
        hash,
        block: receipt.block_number,
        gas_used: receipt.gas_used,
        fee_wei: U256::from(receipt.gas_used) * U256::from(receipt.effective_gas_price),
        indexed: None,
    }))
}

impl Mined {
    /// For a transaction that changes what registry nodes serve about `subject`: waits for
    /// them to index it ([`crate::registry::await_indexed`]).
    pub async fn await_indexed(&mut self, ctx: &Context<'_>, subject: &str) {
        if let Some(block) = self.block {
            self.indexed = crate::registry::await_indexed(ctx, subject, block).await;
        }
    }

    /// The JSON fields every transaction command reports.
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "tx_hash": self.hash,
            "block": self.block,
            "gas_used": self.gas_used,
            "fee_eth": format_ether(self.fee_wei),
            "indexed": self.indexed,
        })
    }
}
