//! `sesh balance [ACCOUNT]`.

use crate::context::Context;
use alloy::primitives::utils::format_ether;
use alloy::providers::Provider;
use clap::Args;
use eyre::WrapErr;
use sesh_core::Sesh;
use sesh_core::bindings::TestSESH;

/// Show the SESH and ETH balance of an account
///
/// SESH is shown exactly, with all 9 decimals; ETH pays for gas. ACCOUNT is
/// an address or a name with an EVM address record; without it, the
/// wallet's own account (no password needed).
///
/// Examples:
///   sesh balance
///   sesh balance 0x70997970C51812dc3A010C7d01b50e0d17dc79C8
///   sesh --network arbitrum-sepolia balance alice --json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct BalanceArgs {
    /// The address or name to look at (default: the wallet's account).
    #[arg(value_name = "ACCOUNT")]
    pub account: Option<String>,
}

/// SESH with all 9 decimals: `1234.500000000`.
pub fn sesh_fixed(amount: Sesh) -> String {
    let text = amount.to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    format!("{whole}.{fraction:0<9}")
}

impl BalanceArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let provider = ctx.provider().await?;
        let (address, name) = match &self.account {
            Some(target) => ctx.resolve_target(&provider, target).await?,
            None => (ctx.wallet_file()?.evm_address, None),
        };
        let deployment = ctx.deployment()?;
        let token = TestSESH::new(deployment.contracts.sesh, &provider);
        let sesh = Sesh::from_units(
            token
                .balanceOf(address)
                .call()
                .await
                .wrap_err("cannot read the SESH balance")?,
        );
        let eth = provider
            .get_balance(address)
            .await
            .wrap_err("cannot read the ETH balance")?;
        let who = match &name {
            Some(name) => format!("{name} ({address})"),
            None => address.to_string(),
        };
        ctx.out.result(
            &format!(
                "{who} on {}\n  SESH  {}\n  ETH   {}",
                ctx.network,
                sesh_fixed(sesh),
                format_ether(eth)
            ),
            serde_json::json!({
                "address": address.to_checksum(None),
                "name": name,
                "network": ctx.network,
                "sesh": sesh_fixed(sesh),
                "sesh_units": sesh.units().to_string(),
                "eth": format_ether(eth),
                "eth_wei": eth.to_string(),
            }),
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sesh_is_printed_with_nine_decimals() {
        assert_eq!(sesh_fixed(Sesh::ZERO), "0.000000000");
        assert_eq!(sesh_fixed(Sesh::parse("1234.5").unwrap()), "1234.500000000");
        assert_eq!(
            sesh_fixed(Sesh::parse("0.000000001").unwrap()),
            "0.000000001"
        );
    }
}
