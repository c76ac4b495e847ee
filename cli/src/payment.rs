//! Paying a network fee in SESH by EIP-2612 permit, so no separate approval
//! transaction is needed: the wallet signs a permit for exactly the quoted
//! cost and the paying contract submits it with the call.

use alloy::primitives::{Address, U256};
use alloy::providers::{DynProvider, Provider};
use eyre::{WrapErr, bail};
use sesh_core::Sesh;
use sesh_core::bindings::TestSESH;
use sesh_core::deployment::Deployment;
use sesh_core::keys::WalletKeys;
use sesh_core::permit::{PermitDomain, SignedPermit, sign_permit};

/// How long a signed permit stays valid.
pub const PERMIT_LIFETIME_SECS: u64 = 3600;

/// The latest block's timestamp: "now" as the contracts see it.
pub async fn chain_time(provider: &DynProvider) -> eyre::Result<u64> {
    let block = provider
        .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
        .await
        .wrap_err("cannot read the latest block")?
        .ok_or_else(|| eyre::eyre!("the node has no latest block"))?;
    Ok(block.header.timestamp)
}

/// Refuses, before anything is sent, when `payer` holds less than `needed`.
pub async fn ensure_balance(
    provider: &DynProvider,
    deployment: &Deployment,
    payer: Address,
    needed: U256,
) -> eyre::Result<()> {
    let balance = TestSESH::new(deployment.contracts.sesh, provider)
        .balanceOf(payer)
        .call()
        .await
        .wrap_err("cannot read the SESH balance")?;
    if balance < needed {
        bail!(
            "not enough SESH: {payer} holds {} SESH but {} SESH are needed; nothing was sent",
            Sesh::from_units(balance),
            Sesh::from_units(needed)
        );
    }
    Ok(())
}

/// Signs a permit letting `spender` take `value` SESH from the wallet.
pub async fn sign(
    provider: &DynProvider,
    deployment: &Deployment,
    keys: &WalletKeys,
    spender: Address,
    value: U256,
) -> eyre::Result<SignedPermit> {
    let token = TestSESH::new(deployment.contracts.sesh, provider);
    let token_name = token
        .name()
        .call()
        .await
        .wrap_err("cannot read the SESH token's name")?;
    let nonce = token
        .nonces(keys.evm_address())
        .call()
        .await
        .wrap_err("cannot read the permit nonce")?;
    let domain = PermitDomain {
        token_name,
        chain_id: deployment.chain_id,
        token: deployment.contracts.sesh,
    };
    let deadline = U256::from(chain_time(provider).await? + PERMIT_LIFETIME_SECS);
    sign_permit(keys.evm_signer(), &domain, spender, value, nonce, deadline)
        .await
        .wrap_err("cannot sign the SESH permit")
}

/// `1234.5 SESH`: exact, without trailing zeros, as every amount in text.
pub fn cost_line(amount: U256) -> String {
    format!("{} SESH", Sesh::from_units(amount))
}
