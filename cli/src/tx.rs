//! Sending one transaction the careful way: simulate (a revert is told in
//! plain words and nothing is sent), show what it does and costs, ask, send
//! once, wait for the receipt with a spinner, print the hash. A transaction is
//! never re-sent automatically: when the receipt does not come in time, the
//! hash and how to check it are printed instead.

use crate::context::Context;
use crate::error::Refused;
use alloy::network::TransactionBuilder;
use alloy::primitives::{Address, B256, U256};
use alloy::providers::{DynProvider, Provider};
use alloy::rpc::types::TransactionRequest;
use eyre::{WrapErr, bail, eyre};
use std::time::Duration;

/// How long to wait for a receipt before handing the hash to the user.
pub(crate) const RECEIPT_TIMEOUT: Duration = Duration::from_secs(120);

/// What a transaction will do, for the preview.
#[derive(Debug)]
pub(crate) struct Plan {
    /// One line: "Send 12.5 SESH to 0x…".
    pub(crate) action: String,
    /// Extra lines shown under it (label, value).
    pub(crate) details: Vec<(String, String)>,
    /// The transaction (`to`, `input`, `value`); from, gas and fees are filled in.
    pub(crate) request: TransactionRequest,
}

/// A transaction calling `to` with `input`.
pub(crate) fn call(to: Address, input: &alloy::primitives::Bytes) -> TransactionRequest {
    TransactionRequest::default()
        .with_to(to)
        .with_input(input.clone())
}

/// A mined transaction, as every transaction command reports it (flattened into its report).
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct Mined {
    /// The transaction hash.
    #[serde(rename = "tx_hash")]
    pub(crate) hash: B256,
    /// The block it is in.
    pub(crate) block: Option<u64>,
    /// Gas used.
    pub(crate) gas_used: u64,
    /// What it cost in ETH.
    #[serde(rename = "fee_eth")]
    pub(crate) fee: crate::format::EthAmount,
    /// Whether the registry nodes have indexed its block (`None`: not waited for, or no
    /// registry node to wait for); see [`Mined::await_indexed`].
    pub(crate) indexed: Option<bool>,
}

/// Simulates, previews, confirms, sends and waits. `Ok(None)` when the user
/// declined.
pub(crate) async fn execute(
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
            crate::format::eth(eth),
            crate::format::eth(max_fee + value)
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
        crate::format::eth(max_fee)
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

    let gas_limit = gas.saturating_mul(6) / 5;
    let request = request
        .with_gas_limit(gas_limit)
        .with_max_fee_per_gas(fees.max_fee_per_gas)
        .with_max_priority_fee_per_gas(fees.max_priority_fee_per_gas);
    let sent = request.clone();
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
        let block = receipt.block_number.unwrap_or_default();
        let reason = replay_revert(provider, &sent, block).await;
        let out_of_gas = receipt.gas_used >= gas_limit;
        bail!(
            "{}",
            reverted_message(hash, block, reason.as_ref(), out_of_gas)
        );
    }
    Ok(Some(Mined {
        hash,
        block: receipt.block_number,
        gas_used: receipt.gas_used,
        fee: crate::format::EthAmount(
            U256::from(receipt.gas_used) * U256::from(receipt.effective_gas_price),
        ),
        indexed: None,
    }))
}

/// Why a mined transaction reverted: the same call replayed at the end of its block (what
/// beat it, such as another buyer or a spent balance, is in that state), decoded. `None` when
/// the replay gives no revert data, or does not revert.
async fn replay_revert(
    provider: &DynProvider,
    sent: &TransactionRequest,
    block: u64,
) -> Option<sesh_core::revert::Revert> {
    // The same call without the fee fields: a replay pays nothing.
    let call = TransactionRequest {
        from: sent.from,
        to: sent.to,
        input: sent.input.clone(),
        value: sent.value,
        gas: sent.gas,
        ..Default::default()
    };
    match provider
        .call(call)
        .block(alloy::eips::BlockId::number(block))
        .await
    {
        Ok(_) => None,
        Err(error) => {
            crate::error::rpc_revert_data(&error).and_then(|data| sesh_core::revert::decode(&data))
        }
    }
}

/// What the user is told about a transaction mined but reverted: the reason in words when
/// the replay gave one.
fn reverted_message(
    hash: B256,
    block: u64,
    reason: Option<&sesh_core::revert::Revert>,
    out_of_gas: bool,
) -> String {
    let why = match reason {
        Some(revert) => format!(": {revert}"),
        None if out_of_gas => " (it used all the gas it was given: it ran out of gas)".into(),
        None => " (replaying it at that block gives no reason: what made it fail changed within the block)".into(),
    };
    format!(
        "transaction {hash} was mined in block {block} but reverted{why}; nothing changed except the gas paid"
    )
}

impl Mined {
    /// A sample, for golden files.
    #[cfg(test)]
    pub(crate) fn sample() -> Self {
        Self {
            hash: B256::repeat_byte(0xab),
            block: Some(42),
            gas_used: 84_000,
            fee: crate::format::EthAmount(U256::from(84_000_000_000_000u64)),
            indexed: Some(true),
        }
    }

    /// For a transaction that changes what registry nodes serve about `subject`: waits for
    /// them to index it ([`crate::registry::await_indexed`]).
    pub(crate) async fn await_indexed(&mut self, ctx: &Context<'_>, subject: &str) {
        if let Some(block) = self.block {
            self.indexed = crate::registry::await_indexed(ctx, subject, block).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mined_revert_is_told_with_its_decoded_reason() {
        // ERC20InsufficientBalance(sender, balance = 0, needed = 600 SESH): what a send that
        // lost a race to a transfer of the whole balance replays to.
        let data = alloy::hex::decode(concat!(
            "e450d38c",
            "000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266",
            "0000000000000000000000000000000000000000000000000000000000000000",
            "0000000000000000000000000000000000000000000000000000008bb2c97000",
        ))
        .unwrap();
        let revert = sesh_core::revert::decode(&data).unwrap();
        let hash = B256::repeat_byte(0x11);
        let text = reverted_message(hash, 88, Some(&revert), false);
        assert!(
            text.starts_with(&format!(
                "transaction {hash} was mined in block 88 but reverted: not enough SESH"
            )),
            "{text}"
        );
        assert!(
            text.contains("holds 0 SESH but 600 SESH are needed"),
            "{text}"
        );
        assert!(
            text.ends_with("nothing changed except the gas paid"),
            "{text}"
        );
        assert!(reverted_message(hash, 88, None, true).contains("ran out of gas"));
        assert!(reverted_message(hash, 88, None, false).contains("gives no reason"));
    }
}
