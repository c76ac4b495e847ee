//! `sesh stake create-node ...`.

use crate::chain::{Chain, read_error};
use crate::context::Context;
use crate::format::{SeshAmount, percent};
use crate::output::Report;
use crate::parse::{parse_address, parse_amount};
use crate::tx::{Mined, Plan, call};
use alloy::primitives::{Address, B256, Bytes, U256};
use clap::Args;
use eyre::bail;
use serde::Serialize;
use sesh_core::Sesh;
use sesh_core::bindings::node_staking::INodeStaking::{NodeRegistration, Reservation};
use sesh_core::key_proof::{self, KeyProofError};

/// Register a registry node and stake the operator's share (at least 25%)
///
/// The node's Ed25519 key and its signature over `ed25519Message(operator,
/// signer)` come from the node's key file: run
/// `registry-node sign-registration --operator YOUR_ADDRESS --signer SIGNER`
/// and pass its `ed25519_key` and `ed25519_signature`, with the same --signer.
/// The proof is checked first, as registry nodes check it: one made for
/// another operator, signer or network is refused and nothing is sent. The
/// stake is approved first if needed (its own transaction). The node is
/// active once fully staked; other contributors join with `sesh stake
/// contribute`; until then `sesh stake cancel` gives the stakes back.
///
/// Examples:
///   sesh stake create-node --ed25519-key 0x… --ed25519-signature 0x… \
///     --signer 0x… --url https://node.example --fee-bps 500 --stake 25
///   sesh stake create-node … --reserve 0x70997970C51812dc3A010C7d01b50e0d17dc79C8=25
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct CreateNodeArgs {
    /// The node's Ed25519 public key (32 bytes, hex).
    #[arg(long, value_name = "HEX")]
    pub(crate) ed25519_key: B256,
    /// The key's signature over ed25519Message(operator, signer) (64 bytes, hex).
    #[arg(long, value_name = "HEX")]
    pub(crate) ed25519_signature: Bytes,
    /// The EVM address the node votes with.
    #[arg(long, value_name = "ADDR", value_parser = parse_address)]
    pub(crate) signer: Address,
    /// The node's public URL.
    #[arg(long, value_name = "URL")]
    pub(crate) url: String,
    /// The operator's fee on contributors' rewards, in basis points (0 to 10000).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(0..=10_000))]
    pub(crate) fee_bps: u64,
    /// The operator's stake in SESH.
    #[arg(long, value_name = "AMOUNT", value_parser = parse_amount)]
    pub(crate) stake: Sesh,
    /// Reserve a slot for ADDR, who must stake at least AMOUNT (repeatable).
    #[arg(long, value_name = "ADDR=AMOUNT", value_parser = parse_reservation)]
    pub(crate) reserve: Vec<(Address, Sesh)>,
}

/// Parses `ADDR=AMOUNT`.
fn parse_reservation(text: &str) -> Result<(Address, Sesh), String> {
    let (address, amount) = text
        .split_once('=')
        .ok_or_else(|| format!("{text:?} is not ADDR=AMOUNT"))?;
    let address = parse_address(address)?;
    Ok((address, parse_amount(amount)?))
}

/// Refuses, before anything is sent, a key proof that registry nodes would reject
/// (`sesh_core::key_proof::check`, the function they use): the node would be staked but
/// never used, and `stake nodes` would warn contributors away from it.
fn check_key_proof(
    chain_id: u64,
    staking: Address,
    operator: Address,
    signer: Address,
    key: B256,
    signature: &[u8],
) -> eyre::Result<()> {
    let again = format!(
        "run `registry-node sign-registration --operator {operator} --signer {signer}` with this node's key and pass the ed25519_key and ed25519_signature it prints"
    );
    let error = match key_proof::check(chain_id, staking, operator, signer, key, signature) {
        Ok(()) => return Ok(()),
        Err(error) => error,
    };
    let verifies = |operator: Address, signer: Address| {
        key_proof::is_valid(chain_id, staking, operator, signer, key, signature)
    };
    let reason = match error {
        KeyProofError::InvalidKey(_) | KeyProofError::SignatureLength(_) => error.to_string(),
        KeyProofError::Mismatch { .. } => {
            // Name the mistake when it is a likely one: the proof made for the operator as
            // its own signer, or with operator and signer swapped.
            if operator != signer && verifies(operator, operator) {
                format!(
                    "the key proof was signed for signer {operator} but this node would vote with {signer} (--signer)"
                )
            } else if operator != signer && verifies(signer, operator) {
                format!(
                    "the key proof was signed with operator and signer swapped (operator {signer}, signer {operator}); the operator is this wallet, {operator}"
                )
            } else {
                format!(
                    "the key proof does not verify: key {key} did not sign the registration of operator {operator} (this wallet) with signer {signer} for NodeStaking {staking} on chain {chain_id}; it was made for another operator, signer or network, or with another key"
                )
            }
        }
    };
    Err(eyre::eyre!(
        "{reason}; registry nodes would ignore the node, so nothing was sent: {again}"
    ))
}

/// What `sesh stake create-node` reports.
#[derive(Debug, Serialize)]
pub(crate) struct NodeCreated {
    /// The new node's id.
    pub(crate) node_id: u64,
    /// The operator's stake.
    pub(crate) stake: SeshAmount,
    /// The stake the node needs to be active.
    pub(crate) requirement: SeshAmount,
    #[serde(flatten)]
    pub(crate) tx: Mined,
}

impl Report for NodeCreated {
    fn text(&self) -> String {
        format!(
            "Created node {} with {} of {} staked\n  tx {}",
            self.node_id, self.stake.0, self.requirement, self.tx.hash
        )
    }
}

impl CreateNodeArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        if self.ed25519_key.is_zero() {
            bail!(
                "the Ed25519 key is zero; pass the ed25519_key `registry-node sign-registration` prints"
            );
        }
        let file = ctx.wallet_file()?;
        let me = file.evm_address;
        let chain = Chain::read(ctx).await?;
        check_key_proof(
            chain.deployment().chain_id,
            chain.contracts().node_staking,
            me,
            self.signer,
            self.ed25519_key,
            &self.ed25519_signature,
        )?;
        let requirement = SeshAmount::from(
            chain
                .staking()
                .stakingRequirement()
                .call()
                .await
                .map_err(read_error("the staking requirement"))?,
        );
        chain.ensure_balance(me, self.stake).await?;

        let keys = ctx.unlock(&file)?;
        let chain = chain.signing(&keys).await?;
        let staking = chain.staking();
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
        if !chain.ensure_staking_allowance(me, self.stake).await? {
            return Ok(());
        }
        let stake = SeshAmount(self.stake);
        let mut details = vec![
            ("stake".into(), stake.to_string()),
            ("requirement".into(), requirement.to_string()),
            (
                "fee".into(),
                format!("{} of contributors' rewards", percent(self.fee_bps)),
            ),
            ("url".into(), self.url.clone()),
            ("signer".into(), self.signer.to_string()),
            ("ed25519 key".into(), self.ed25519_key.to_string()),
        ];
        for (contributor, amount) in &self.reserve {
            details.push((
                "reserved".into(),
                format!("{contributor}: {}", SeshAmount(*amount)),
            ));
        }
        let plan = Plan {
            action: format!("Create a registry node staking {stake}"),
            details,
            request,
        };
        let Some(tx) = chain.send(me, plan).await? else {
            return Ok(());
        };
        let node_id = staking
            .nodeIdOfEd25519Key(self.ed25519_key)
            .call()
            .await
            .map_err(read_error("the new node's id"))?;
        ctx.out.print(&NodeCreated {
            node_id: node_id.try_into().unwrap_or(u64::MAX),
            stake,
            requirement,
            tx,
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::golden;

    #[test]
    fn json_is_pinned() {
        golden::check(
            "stake-create-node",
            &NodeCreated {
                node_id: 1,
                stake: Sesh::parse("25").unwrap().into(),
                requirement: Sesh::parse("100").unwrap().into(),
                tx: crate::tx::Mined::sample(),
            },
        );
    }

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
    fn a_key_proof_for_another_signer_is_refused_naming_both_signers() {
        let node = sesh_core::attestation::NodeSigner::from_seed([9; 32]);
        let key = B256::from(node.node_key().0);
        let (staking, operator, signer) = (
            Address::repeat_byte(1),
            Address::repeat_byte(2),
            Address::repeat_byte(3),
        );
        let proof =
            |operator, signer| node.sign_raw(&key_proof::message(31337, staking, operator, signer));
        let check = |signature: &[u8]| {
            check_key_proof(31337, staking, operator, signer, key, signature)
                .map_err(|error| error.to_string())
        };
        assert!(check(&proof(operator, signer)).is_ok());

        let error = check(&proof(operator, operator)).unwrap_err();
        assert!(
            error.starts_with(&format!(
                "the key proof was signed for signer {operator} but this node would vote with {signer}"
            )),
            "{error}"
        );
        assert!(
            error.contains(&format!(
                "run `registry-node sign-registration --operator {operator} --signer {signer}`"
            )),
            "{error}"
        );
        assert!(error.contains("nothing was sent"), "{error}");

        let error = check(&proof(signer, operator)).unwrap_err();
        assert!(error.contains("operator and signer swapped"), "{error}");

        let error = check(&proof(operator, Address::repeat_byte(4))).unwrap_err();
        assert!(
            error.starts_with("the key proof does not verify"),
            "{error}"
        );
        let wrong_chain = node.sign_raw(&key_proof::message(1, staking, operator, signer));
        assert!(check(&wrong_chain).unwrap_err().contains("on chain 31337"));

        let error = check(&proof(operator, signer)[..63]).unwrap_err();
        assert!(error.contains("63 bytes instead of 64"), "{error}");
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
