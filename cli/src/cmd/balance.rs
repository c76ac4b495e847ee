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
/// SESH is shown exactly (to the last of its 9 decimals, without trailing
/// zeros, as every amount in text; --json gives all 9); ETH pays for gas. ACCOUNT is
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

/// SESH with all 9 decimals, `1234.500000000`: the JSON form of every SESH amount. Text
/// shows the same exact amount without trailing zeros (`Sesh`'s `Display`: `1234.5`), in
/// every line, and ETH the same way ([`eth_text`]).
pub fn sesh_fixed(amount: Sesh) -> String {
    let text = amount.to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    format!("{whole}.{fraction:0<9}")
}

/// ETH for text, exact without trailing zeros: `100`, `0.000123`. (JSON keeps all 18
/// decimals.)
pub fn eth_text(wei: alloy::primitives::U256) -> String {
    let text = format_ether(wei);
    match text.split_once('.') {
        Some((whole, fraction)) => {
            let fraction = fraction.trim_end_matches('0');
            if fraction.is_empty() {
                whole.to_string()
            } else {
                format!("{whole}.{fraction}")
            }
        }
        None => text,
    }
}

impl BalanceArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let provider = ctx.provider().await?;
        let (address, name) = match &self.account {
            Some(target) => {
                let recipient = crate::recipient::resolve(ctx, &provider, target).await?;
                (recipient.address, recipient.name)
            }
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
                "{who} on {}\n  SESH  {sesh}\n  ETH   {}",
                ctx.network,
                eth_text(eth)
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
    fn text_amounts_are_exact_without_trailing_zeros() {
        use alloy::primitives::U256;
        let wei = |n: u128| U256::from(n);
        assert_eq!(eth_text(wei(100_000_000_000_000_000_000)), "100");
        assert_eq!(eth_text(wei(123_000_000_000_000)), "0.000123");
        assert_eq!(eth_text(wei(1)), "0.000000000000000001");
        assert_eq!(eth_text(U256::ZERO), "0");
        // SESH in text is its Display: the same rule.
        assert_eq!(Sesh::parse("1234.500000000").unwrap().to_string(), "1234.5");
        assert_eq!(
            crate::payment::cost_line(Sesh::parse("100").unwrap().units()),
            "100 SESH"
        );
    }

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
