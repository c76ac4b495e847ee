//! `sesh stake create-node ...`.

use super::{ensure_allowance, percent, require_balance, staking};
use crate::cmd::balance::sesh_fixed;
use crate::cmd::market::{call, read_error};
use crate::cmd::send::parse_amount;
use crate::context::Context;
use crate::tx::{self, Plan};
use alloy::primitives::{Address, B256, Bytes, U256};
use clap::Args;
use eyre::bail;
use sesh_core::Sesh;
use sesh_core::bindings::node_staking::INodeStaking::{NodeRegistration, Reservation};

/// Register a registry node and stake the operator's share (at least 25%)
///
/// The node's Ed25519 key and its signature over `ed25519Message(operator,
/// signer)` come from the node's key file: run
/// `registry-node sign-registration --operator YOUR_ADDRESS --signer SIGNER`
/// and pass its `ed25519_key` and `ed25519_signature`. The stake is approved
/// first if needed (its own transaction). The node is active once fully
/// staked; other contributors join with `sesh stake contribute`.
///
/// Examples:
///   sesh stake create-node --ed25519-key 0x… --ed25519-signature 0x… \
///     --signer 0x… --url https://node.example --fee-bps 500 --stake 25
///   sesh stake create-node … --reserve 0x70997970C51812dc3A010C7d01b50e0d17dc79C8=25
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct CreateNodeArgs {
    /// The node's Ed25519 public key (32 bytes, hex).
    #[arg(long, value_name = "HEX")]
    pub ed25519_key: B256,
    /// The key's signature over ed25519Message(operator, signer) (64 bytes, hex).
    #[arg(long, value_name = "HEX")]
    pub ed25519_signature: Bytes,
    /// The EVM address the node votes with.
    #[arg(long, value_name = "ADDR")]
    pub signer: Address,
    /// The node's public URL.
    #[arg(long, value_name = "URL")]
    pub url: String,
    /// The operator's fee on contributors' rewards, in basis points (0 to 10000).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(0..=10_000))]
    pub fee_bps: u64,
    /// The operator's stake in SESH.
    #[arg(long, value_name = "AMOUNT", value_parser = parse_amount)]
    pub stake: Sesh,
    /// Reserve a slot for ADDR, who must stake at least AMOUNT (repeatable).
    #[arg(long, value_name = "ADDR=AMOUNT", value_parser = parse_reservation)]
    pub reserve: Vec<(Address, Sesh)>,
}

/// Parses `ADDR=AMOUNT`.
fn parse_reservation(text: &str) -> Result<(Address, Sesh), String> {
    let (address, amount) = text
        .split_once('=')
        .ok_or_else(|| format!("{text:?} is not ADDR=AMOUNT"))?;
    let address = address
        .trim()
        .parse::<Address>()
        .map_err(|_| format!("{address:?} is not an address"))?;
    Ok((address, parse_amount(amount)?))
}

impl CreateNodeArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        if self.ed25519_signature.len() != 64 {
            bail!(
                "the Ed25519 signature has {} bytes instead of 64; pass the ed25519_signature `registry-node sign-registration` prints",
                self.ed25519_signature.len()
            );
        }
        if self.ed25519_key.is_zero() {
            bail!(
                "the Ed25519 key is zero; pass the ed25519_key `registry-node sign-registration` prints"
            );
        }
        let file = ctx.wallet_file()?;
        let me = file.evm_address;
        let provider = ctx.provider().await?;
        let requirement = Sesh::from_units(
            staking(ctx, &provider)?
                .stakingRequirement()
                .call()
                .await
                .map_err(read_error("the staking requirement"))?,
        );
        require_balance(ctx, &provider, me, self.stake).await?;

        let keys = ctx.unlock(&file)?;
        let provider = ctx.signing_provider(&keys).await?;
        let staking = staking(ctx, &provider)?;
        let registration = NodeRegistration {
            ed25519Key: self.ed25519_key,
            ed25519Signature: self.ed25519_signature.clone(),
            signer: self.signer,
            url: self.url.clone(),
            feeBps: U256::from(self.fee_bps),
            operatorStake: self.stake.units(),
            reservations: self
                .reserve
                .iter()
                .map(|(contributor, amount)| Reservation {
                    contributor: *contributor,
                    amount: amount.units(),
                })
                .collect(),
        };
        let request = call(
            *staking.address(),
            staking.createNode(registration.clone()).calldata(),
        );
        // Check the registration before asking for an approval it may not need.
        if let Err(error) = staking.createNode(registration).from(me).call().await
            && let Some(revert) = crate::error::decode_contract_error(&error)
            && !revert.name.starts_with("ERC20")
        {
            return Err(eyre::Report::new(crate::error::Refused(revert))
                .wrap_err("the node cannot be created, so nothing was sent"));
        }
        if !ensure_allowance(ctx, &provider, me, self.stake).await? {
            return Ok(());
        }
        let mut details = vec![
            ("stake".into(), format!("{} SESH", self.stake)),
            ("requirement".into(), format!("{requirement} SESH")),
            (
                "fee".into(),
                format!(
                    "{} of contributors' rewards",
                    percent(U256::from(self.fee_bps))
                ),
            ),
            ("url".into(), self.url.clone()),
            ("signer".into(), self.signer.to_string()),
            ("ed25519 key".into(), self.ed25519_key.to_string()),
        ];
        for (contributor, amount) in &self.reserve {
            details.push(("reserved".into(), format!("{contributor}: {amount} SESH")));
        }
        let plan = Plan {
            action: format!("Create a registry node staking {} SESH", self.stake),
            details,
            request,
        };
        let Some(mined) = tx::execute(ctx, &provider, me, plan).await? else {
            return Ok(());
        };
        let node_id = staking
            .nodeIdOfEd25519Key(self.ed25519_key)
            .call()
            .await
            .map_err(read_error("the new node's id"))?;
        let mut data = mined.json();
        data["node_id"] = serde_json::json!(node_id.to::<u64>());
        data["stake"] = serde_json::json!(sesh_fixed(self.stake));
        data["requirement"] = serde_json::json!(sesh_fixed(requirement));
        ctx.out.result(
            &format!(
                "Created node {node_id} with {} of {requirement} SESH staked\n  tx {}",
                self.stake, mined.hash
            ),
            data,
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reservations_parse_as_address_equals_amount() {
        let (address, amount) =
            parse_reservation("0x70997970C51812dc3A010C7d01b50e0d17dc79C8=25.5").unwrap();
        assert_eq!(
            address,
            "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
                .parse::<Address>()
                .unwrap()
        );
        assert_eq!(amount, Sesh::parse("25.5").unwrap());
        assert!(parse_reservation("0x7099=1").is_err());
        assert!(parse_reservation("nothing").is_err());
    }

    #[test]
    fn the_fee_is_at_most_10000_basis_points_and_the_key_is_32_bytes() {
        use crate::args::Cli;
        use clap::Parser;
        let key = format!("0x{}", "ab".repeat(32));
        let signature = format!("0x{}", "cd".repeat(64));
        let args = |fee: &str, key: &str| {
            Cli::try_parse_from([
                "sesh",
                "stake",
                "create-node",
                "--ed25519-key",
                key,
                "--ed25519-signature",
                &signature,
                "--signer",
                "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
                "--url",
                "https://node.example",
                "--fee-bps",
                fee,
                "--stake",
                "25",
            ])
        };
        assert!(args("10000", &key).is_ok());
        assert!(args("10001", &key).is_err());
        assert!(args("500", "0xabcd").is_err());
    }
}
