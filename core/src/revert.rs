//! Contract reverts in plain words.
//!
//! Every custom error of every contract (their own and the ones they inherit
//! from OpenZeppelin and solady) is decoded from the ABIs in `core/artifacts/`
//! and told in a sentence, with amounts in SESH, times as dates and durations
//! in days. A test fails when a contract gains an error that has no sentence
//! here, or when a sentence names an argument the error does not have.
//!
//! ```
//! # use sesh_core::revert;
//! // ERC20InsufficientBalance(sender, balance = 1 SESH, needed = 2.5 SESH)
//! let data = alloy::hex::decode(concat!(
//!     "e450d38c",
//!     "000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266",
//!     "000000000000000000000000000000000000000000000000000000003b9aca00",
//!     "000000000000000000000000000000000000000000000000000000009502f900",
//! )).unwrap();
//! let decoded = revert::decode(&data).unwrap();
//! assert_eq!(decoded.name, "ERC20InsufficientBalance");
//! assert!(decoded.message.contains("holds 1 SESH but 2.5 SESH are needed"));
//! ```

use crate::amount::Sesh;
use crate::protocol::NodeState;
use alloy::dyn_abi::{DynSolValue, JsonAbiExt};
use alloy::json_abi::Error as AbiError;
use alloy::primitives::Selector;
use alloy::sol_types::SolError;
use std::collections::HashMap;
use std::sync::LazyLock;

/// The contracts whose errors are known, with their ABI artifacts.
const ARTIFACTS: [(&str, &str); 6] = [
    ("TestSESH", include_str!("../artifacts/TestSESH.json")),
    ("RewardsPool", include_str!("../artifacts/RewardsPool.json")),
    (
        "NameRegistry",
        include_str!("../artifacts/NameRegistry.json"),
    ),
    ("NameMarket", include_str!("../artifacts/NameMarket.json")),
    ("Premium", include_str!("../artifacts/Premium.json")),
    ("NodeStaking", include_str!("../artifacts/NodeStaking.json")),
];

/// A decoded revert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revert {
    /// The first contract (in the order of the artifacts) that declares the error.
    pub contract: &'static str,
    /// The error's name (`ERC20InsufficientBalance`), or `Error`/`Panic`.
    pub name: String,
    /// The error's arguments, by name, as plain text.
    pub args: Vec<(String, String)>,
    /// One sentence for a person.
    pub message: String,
}

impl std::fmt::Display for Revert {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.name)
    }
}

struct Known {
    contract: &'static str,
    error: AbiError,
}

static ERRORS: LazyLock<HashMap<Selector, Known>> = LazyLock::new(|| {
    let mut errors = HashMap::new();
    for (contract, artifact) in ARTIFACTS {
        for error in abi_errors(artifact) {
            errors
                .entry(error.selector())
                .or_insert(Known { contract, error });
        }
    }
    errors
});

fn abi_errors(artifact: &str) -> Vec<AbiError> {
    #[derive(serde::Deserialize)]
    struct Artifact {
        abi: alloy::json_abi::JsonAbi,
    }
    let artifact: Artifact =
        serde_json::from_str(artifact).expect("the committed artifacts hold a valid ABI");
    artifact.abi.errors().cloned().collect()
}

/// Decodes revert data: a custom error of any of our contracts, a
/// `require` message (`Error(string)`) or a `Panic(uint256)`. `None` when the
/// data is empty or unknown.
pub fn decode(data: &[u8]) -> Option<Revert> {
    if data.len() < 4 {
        return None;
    }
    let selector = Selector::from_slice(&data[..4]);
    if selector == Selector::from([0x08, 0xc3, 0x79, 0xa0]) {
        let reason = alloy::sol_types::Revert::abi_decode(data).ok()?.reason;
        return Some(Revert {
            contract: "",
            name: "Error".into(),
            args: vec![("reason".into(), reason.clone())],
            message: format!("the contract refused: {reason}"),
        });
    }
    if selector == Selector::from([0x4e, 0x48, 0x7b, 0x71]) {
        let panic = alloy::sol_types::Panic::abi_decode(data).ok()?;
        return Some(Revert {
            contract: "",
            name: "Panic".into(),
            args: vec![("code".into(), panic.code.to_string())],
            message: format!(
                "the contract failed an internal check ({}); please report this",
                panic
                    .kind()
                    .map(|kind| kind.to_string())
                    .unwrap_or_else(|| format!("panic code {}", panic.code))
            ),
        });
    }
    let known = ERRORS.get(&selector)?;
    let values = known.error.abi_decode_input(&data[4..]).ok()?;
    let named: Vec<(&str, &DynSolValue)> = known
        .error
        .inputs
        .iter()
        .map(|input| input.name.as_str())
        .zip(values.iter())
        .collect();
    let message = match template(&known.error.name) {
        Some(template) => render(template, &named),
        None => format!(
            "the contract refused: {}({})",
            known.error.name,
            named
                .iter()
                .map(|(name, value)| format!("{name}: {}", plain(value)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Some(Revert {
        contract: known.contract,
        name: known.error.name.clone(),
        args: named
            .iter()
            .map(|(name, value)| (name.to_string(), plain(value)))
            .collect(),
        message,
    })
}

/// Fills `{arg}` (plain), `{arg:sesh}`, `{arg:time}`, `{arg:days}`, `{arg:bps}`
/// and `{arg:state}` with the decoded arguments.
fn render(template: &str, args: &[(&str, &DynSolValue)]) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        let spec = &rest[start + 1..start + end];
        let (name, format) = spec.split_once(':').unwrap_or((spec, ""));
        let value = args.iter().find(|(arg, _)| *arg == name).map(|(_, v)| *v);
        out.push_str(&match value {
            Some(value) => formatted(value, format),
            None => format!("{{{spec}}}"),
        });
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out
}

fn formatted(value: &DynSolValue, format: &str) -> String {
    let uint = value.as_uint().map(|(n, _)| n);
    match (format, uint) {
        ("sesh", Some(n)) => format!("{} SESH", Sesh::from_units(n)),
        ("time", Some(n)) => match u64::try_from(n) {
            Ok(secs) => crate::text::date(secs),
            Err(_) => n.to_string(),
        },
        ("days", Some(n)) => match u64::try_from(n) {
            Ok(secs) => crate::text::duration(secs),
            Err(_) => format!("{n} seconds"),
        },
        ("bps", Some(n)) => match u64::try_from(n) {
            Ok(bps) => crate::text::percent(bps),
            Err(_) => format!("{n} basis points"),
        },
        ("state", Some(n)) => match u8::try_from(n).ok().and_then(NodeState::from_u8) {
            Some(NodeState::Open) => "open for contributions".into(),
            Some(state) => state.word().into(),
            None => format!("state {n}"),
        },
        _ => plain(value),
    }
}

fn plain(value: &DynSolValue) -> String {
    match value {
        DynSolValue::Address(address) => address.to_checksum(None),
        DynSolValue::Uint(n, _) => n.to_string(),
        DynSolValue::Int(n, _) => n.to_string(),
        DynSolValue::Bool(b) => b.to_string(),
        DynSolValue::String(s) => s.clone(),
        DynSolValue::FixedBytes(word, size) => {
            if *size == 1 && word[0].is_ascii_graphic() {
                format!("{:?}", word[0] as char)
            } else {
                format!("0x{}", alloy::hex::encode(&word[..*size]))
            }
        }
        DynSolValue::Bytes(bytes) => format!("0x{}", alloy::hex::encode(bytes)),
        other => format!("{other:?}"),
    }
}

/// The sentence for each error. Placeholders: see [`render`].
fn template(name: &str) -> Option<&'static str> {
    Some(match name {
        // TestSESH and OpenZeppelin ERC-20 / permit.
        "FaucetLimitExceeded" => {
            "the faucet gives at most {limit:sesh} per call; {requested:sesh} was asked"
        }
        "ERC20InsufficientBalance" => {
            "not enough SESH: {sender} holds {balance:sesh} but {needed:sesh} are needed"
        }
        "ERC20InsufficientAllowance" => {
            "not enough SESH allowance: {spender} may spend {allowance:sesh} but needs {needed:sesh}"
        }
        "ERC20InvalidApprover" => "{approver} cannot approve SESH spending",
        "ERC20InvalidReceiver" => "SESH cannot be sent to {receiver}",
        "ERC20InvalidSender" => "SESH cannot be sent from {sender}",
        "ERC20InvalidSpender" => "{spender} cannot be approved to spend SESH",
        "ERC2612ExpiredSignature" => "the SESH permit expired at {deadline:time}; sign a new one",
        "ERC2612InvalidSigner" => {
            "the SESH permit was signed by {signer}, not by the owner {owner}"
        }
        "InvalidAccountNonce" => {
            "the permit used a stale nonce for {account} (the current one is {currentNonce}); sign again"
        }
        "ECDSAInvalidSignature" => "the signature is invalid",
        "ECDSAInvalidSignatureLength" => "the signature has {length} bytes instead of 65",
        "ECDSAInvalidSignatureS" => "the signature is malleable (high s value)",
        "InvalidShortString" | "StringTooLong" => "a contract name string is too long",
        // Shared OpenZeppelin and solady errors.
        "OwnableUnauthorizedAccount" => "only the contract owner may do this, not {account}",
        "OwnableInvalidOwner" => "{owner} cannot be the contract owner",
        "EnforcedPause" => "the contract is paused by governance; try again later",
        "ExpectedPause" => "the contract is not paused",
        "ReentrancyGuardReentrantCall" => "a reentrant call was refused",
        "SafeCastOverflowedUintDowncast" => "the number {value} does not fit in {bits} bits",
        "SafeERC20FailedOperation" => "the token transfer with {token} failed",
        "AccountBalanceOverflow" => "this account holds too many names",
        "BalanceQueryForZeroAddress" => "the zero address holds no names",
        "NotOwnerNorApproved" => "you neither own this name nor are approved to move it",
        "TokenAlreadyExists" => "this name exists already",
        "TokenDoesNotExist" => "this name is not registered",
        "TransferFromIncorrectOwner" => "the name does not belong to the account it is moved from",
        "TransferToNonERC721ReceiverImplementer" => {
            "the receiving contract cannot hold names (no ERC-721 receiver)"
        }
        "TransferToZeroAddress" => "a name cannot be sent to the zero address",
        // NameRegistry.
        "NameInvalidLength" => "a name is 1 to 64 characters; this one has {length}",
        "NameInvalidCharacter" => {
            "the name has {character} at position {position}; only a-z, 0-9, '_' and '-' are allowed"
        }
        "NameInvalidHyphen" => "a name cannot start or end with '-'",
        "NameNotAvailable" => {
            "the name is taken (registered, or expired but still in its grace period)"
        }
        "NameExpired" => "the name expired at {expiry:time}; renew it first",
        "NameTransferCountMismatch" => {
            "the listing is void: the name changed hands after it was listed (it has moved {actual} times, the listing expected {expected})"
        }
        "NameNotRenewable" => {
            "the name cannot be renewed: it was never registered or its grace period is over (register it instead)"
        }
        "NameUnauthorized" => "{caller} is not allowed to manage this name",
        "NameDurationTooShort" => {
            "the duration {duration:days} is below the minimum of {minimum:days}"
        }
        "NameDurationTooLong" => {
            "the duration {duration:days} is above the maximum of {maximum:days}"
        }
        "NameCostAboveMax" => {
            "the price rose to {cost:sesh}, above the {maxCost:sesh} you agreed to pay; check the price and try again"
        }
        "NameZeroOwner" => "a name cannot be registered to the zero address",
        "CommitmentTooNew" => "the commitment is too new: reveal it from {readyAt:time}",
        "CommitmentTooOld" => {
            "the commitment expired at {expiredAt:time}; commit again and reveal in time"
        }
        "CommitmentNotFound" => "no commitment was found for this registration; commit first",
        "CommitmentUnexpired" => "the same commitment exists and has not expired yet",
        "CommitmentAgesInvalid" => {
            "the commitment ages are invalid: minimum {minAge:days}, maximum {maxAge:days}"
        }
        "PriceOutOfBounds" => {
            "the price {value:sesh} is outside the allowed range {min:sesh} to {max:sesh}"
        }
        "PriceNotMultipleOfUnit" => "the price {value:sesh} is not a whole multiple of {unit:sesh}",
        "NameRegistryZeroAddress" => "a NameRegistry address parameter is the zero address",
        "NameRegistryEtherRefused" => {
            "the name registry takes no ETH ({value} wei were sent); send the call without value"
        }
        // NameMarket.
        "MarketZeroAddress" => "a NameMarket address parameter is the zero address",
        "MarketInvalidPrice" => "the price {price:sesh} is not allowed; give a price above 0",
        "MarketInvalidAmount" => "the amount {amount:sesh} is not allowed; give an amount above 0",
        "MarketInvalidEndTime" => {
            "the end time {endTime:time} must be between {earliest:time} and {latest:time}"
        }
        "MarketNameExpired" => "the name expired at {expiry:time} and cannot be traded",
        "MarketNotOwner" => "{caller} does not own this name; {owner} does",
        "MarketNotOwnerNorApproved" => {
            "{caller} neither owns this name nor is approved by its owner {owner}"
        }
        "MarketNotApproved" => {
            "the market is not approved to move this name for {owner}; approve it first"
        }
        "MarketNotListed" => "the name is not listed for sale",
        "MarketNotSeller" => "{caller} did not list this name; {seller} did",
        "MarketListingExpired" => "the listing ended at {endTime:time}",
        "MarketListingDead" => {
            "the listing is void: {seller} listed it but {owner} owns the name now"
        }
        "MarketPriceMismatch" => {
            "the listing price is {price:sesh}, not the {expectedPrice:sesh} you expected; check the listing again"
        }
        "MarketNoOffer" => "{bidder} has no offer on this name",
        "MarketOfferExpired" => "the offer from {bidder} ended at {endTime:time}",
        "MarketAmountMismatch" => {
            "the offer from {bidder} is {amount:sesh}, not the {expectedAmount:sesh} you expected"
        }
        "MarketBuyerIsOwner" => {
            "{buyer} owns this name already: an owner cannot buy it, make an offer on it or have its own offer accepted (it would pay the network fee to trade with itself)"
        }
        "MarketFeeTooHigh" => "a market fee of {feeBps:bps} is above the maximum {max:bps}",
        // Premium.
        "PremiumZeroAddress" => "a Premium address parameter is the zero address",
        "PremiumZeroSessionKey" => "premium needs a Session ID; the zero key is not one",
        "PremiumInvalidPeriods" => "buy 1 to {max} periods at a time, not {periods}",
        "PremiumCostAboveMax" => {
            "premium costs {cost:sesh}, above the {maxCost:sesh} you agreed to pay"
        }
        "PremiumPriceOutOfBounds" => {
            "the premium price {price:sesh} is outside the allowed range {min:sesh} to {max:sesh}"
        }
        // RewardsPool.
        "RewardsPoolUnauthorized" => "{caller} may not pay out rewards",
        "RewardsPoolInsufficientFunds" => {
            "the rewards pool holds {available:sesh}, less than the {requested:sesh} requested"
        }
        "RewardsPoolZeroAddress" => "a RewardsPool address parameter is the zero address",
        // NodeStaking.
        "StakingZeroAddress" => "a NodeStaking address parameter is the zero address",
        "StakingPoolTokenMismatch" => {
            "the rewards pool pays {poolToken}, but staking uses SESH at {sesh}"
        }
        "StakingRequirementOutOfBounds" => {
            "the staking requirement {requirement:sesh} is outside {min:sesh} to {max:sesh}"
        }
        "StakingInvalidEd25519Key" => "the node's Ed25519 key {ed25519Key} is not valid",
        "StakingEd25519KeyInUse" => "the Ed25519 key {ed25519Key} is already used by node {nodeId}",
        "StakingInvalidEd25519SignatureLength" => {
            "the Ed25519 signature has {length} bytes instead of 64"
        }
        "StakingInvalidSigner" => "{signer} cannot be a node's signer",
        "StakingSignerInUse" => "the signer {signer} is already used by node {nodeId}",
        "StakingInvalidUrlLength" => "the node URL has {length} bytes; the limit is {max}",
        "StakingFeeTooHigh" => "an operator fee of {feeBps:bps} is above the maximum {max:bps}",
        "StakingTooManyReservations" => "{count} reserved slots is more than the {max} allowed",
        "StakingOperatorStakeOutOfRange" => {
            "the operator stake {amount:sesh} must be between {min:sesh} and {max:sesh}"
        }
        "StakingInvalidReservedContributor" => {
            "reserved contributor {index} ({contributor}) is not valid"
        }
        "StakingReservedAmountOutOfRange" => {
            "reserved amount {index} of {amount:sesh} must be between {min:sesh} and {max:sesh}"
        }
        "StakingUnexpectedNodeState" => {
            "node {nodeId} is {state:state}, so this is not possible now"
        }
        "StakingAlreadyContributed" => "{account} already contributed to node {nodeId}",
        "StakingNoOpenSlot" => "node {nodeId} has no open contributor slot",
        "StakingContributionOutOfRange" => {
            "a contribution to node {nodeId} must be between {min:sesh} and {max:sesh}, not {amount:sesh}"
        }
        "StakingNoStake" => "{account} has no stake in node {nodeId}",
        "StakingNotOperator" => "{account} is not the operator of node {nodeId}",
        "StakingOperatorCannotWithdraw" => {
            "the operator of node {nodeId} cannot withdraw before the node is closed"
        }
        "StakingStakeLocked" => {
            "the stake of {account} in node {nodeId} is locked until {unlockTime:time}"
        }
        "StakingNoRewards" => "{account} has no rewards to claim",
        "StakingVoteExpired" => "the vote expired at {deadline:time} (now {timestamp:time})",
        "StakingQuorumNotMet" => {
            "the votes to deregister node {nodeId} come from nodes staking {votingStake:sesh}; \
             two thirds of the other active stake, {requiredStake:sesh}, must vote"
        }
        "StakingInvalidVoteSignature" => "vote signature {index} is invalid",
        "StakingVotersNotSorted" => "voter {index} ({voter}) is out of order",
        "StakingVoterNotActive" => "voter {index} ({voter}) is not an active node",
        "StakingSmallContributorExitTooEarly" => {
            "{account} holds {stake:sesh} of node {nodeId}, less than a quarter ({minStake:sesh}), \
             so it can ask the node to exit only from {allowedFrom:time} (30 days after it activated)"
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bindings::{NameMarket, NameRegistry, TestSESH};
    use alloy::primitives::U256;
    use alloy::primitives::{Address, B256};

    #[test]
    fn every_contract_error_has_a_sentence_with_real_arguments() {
        let mut missing = Vec::new();
        for (contract, artifact) in ARTIFACTS {
            for error in abi_errors(artifact) {
                let Some(template) = template(&error.name) else {
                    missing.push(format!("{contract}.{}", error.name));
                    continue;
                };
                let mut rest = template;
                while let Some(start) = rest.find('{') {
                    let end = rest[start..].find('}').expect("closed placeholder");
                    let spec = &rest[start + 1..start + end];
                    let name = spec.split(':').next().unwrap();
                    assert!(
                        error.inputs.iter().any(|input| input.name == name),
                        "{contract}.{} has no argument {name:?}",
                        error.name
                    );
                    rest = &rest[start + end + 1..];
                }
            }
        }
        assert!(
            missing.is_empty(),
            "add a sentence to core/src/revert.rs for: {missing:?}"
        );
    }

    #[test]
    fn amounts_are_sesh_and_times_are_dates() {
        let data = TestSESH::ERC20InsufficientBalance {
            sender: Address::repeat_byte(0x11),
            balance: Sesh::parse("12.5").unwrap().units(),
            needed: Sesh::from_whole(100).units(),
        }
        .abi_encode();
        let decoded = decode(&data).unwrap();
        assert_eq!(decoded.contract, "TestSESH");
        assert_eq!(
            decoded.message,
            "not enough SESH: 0x1111111111111111111111111111111111111111 holds 12.5 SESH but 100 SESH are needed"
        );

        let data = TestSESH::FaucetLimitExceeded {
            requested: Sesh::from_whole(100_001).units(),
            limit: Sesh::from_whole(100_000).units(),
        }
        .abi_encode();
        assert_eq!(
            decode(&data).unwrap().message,
            "the faucet gives at most 100000 SESH per call; 100001 SESH was asked"
        );

        let data = NameMarket::MarketPriceMismatch {
            tokenId: U256::from(7),
            price: Sesh::from_whole(20).units(),
            expectedPrice: Sesh::from_whole(10).units(),
        }
        .abi_encode();
        assert!(
            decode(&data)
                .unwrap()
                .message
                .contains("is 20 SESH, not the 10 SESH you expected")
        );

        let data = NameRegistry::NameExpired {
            tokenId: U256::from(1),
            expiry: U256::from(1_785_585_600u64),
        }
        .abi_encode();
        assert_eq!(
            decode(&data).unwrap().message,
            "the name expired at 2026-08-01 12:00:00 UTC; renew it first"
        );

        let data = NameRegistry::NameDurationTooShort {
            duration: U256::from(86_400),
            minimum: U256::from(28 * 86_400),
        }
        .abi_encode();
        assert_eq!(
            decode(&data).unwrap().message,
            "the duration 1 day is below the minimum of 28 days"
        );

        let data = NameRegistry::NameInvalidCharacter {
            position: U256::from(3),
            character: alloy::primitives::FixedBytes([b'!']),
        }
        .abi_encode();
        assert!(decode(&data).unwrap().message.contains("'!' at position 3"));
    }

    #[test]
    fn an_owner_trading_with_itself_is_told_in_words() {
        let data = NameMarket::MarketBuyerIsOwner {
            tokenId: U256::from(7),
            buyer: Address::repeat_byte(0x22),
        }
        .abi_encode();
        let decoded = decode(&data).unwrap();
        assert_eq!(decoded.contract, "NameMarket");
        assert!(
            decoded.message.starts_with(
                "0x2222222222222222222222222222222222222222 owns this name already: an owner cannot buy it, make an offer on it"
            ),
            "{}",
            decoded.message
        );
    }

    #[test]
    fn staking_rules_are_told_in_words() {
        use crate::bindings::NodeStaking;
        let data = NodeStaking::StakingSmallContributorExitTooEarly {
            nodeId: U256::from(3),
            account: Address::repeat_byte(0x33),
            stake: Sesh::from_whole(1_000).units(),
            minStake: Sesh::from_whole(6_250).units(),
            allowedFrom: U256::from(1_785_585_600u64),
        }
        .abi_encode();
        let decoded = decode(&data).unwrap();
        assert_eq!(decoded.contract, "NodeStaking");
        assert_eq!(
            decoded.message,
            "0x3333333333333333333333333333333333333333 holds 1000 SESH of node 3, less than a \
             quarter (6250 SESH), so it can ask the node to exit only from 2026-08-01 12:00:00 UTC \
             (30 days after it activated)"
        );

        let data = NodeStaking::StakingQuorumNotMet {
            nodeId: U256::from(1),
            votingStake: Sesh::from_whole(6).units(),
            requiredStake: Sesh::from_whole(50_004).units(),
        }
        .abi_encode();
        assert_eq!(
            decode(&data).unwrap().message,
            "the votes to deregister node 1 come from nodes staking 6 SESH; two thirds of the \
             other active stake, 50004 SESH, must vote"
        );
    }

    #[test]
    fn require_messages_panics_and_unknown_data() {
        let data = alloy::sol_types::Revert::from("nope").abi_encode();
        assert_eq!(decode(&data).unwrap().message, "the contract refused: nope");
        let data = alloy::sol_types::Panic::from(0x11).abi_encode();
        assert!(decode(&data).unwrap().message.contains("overflow"));
        assert!(decode(&[]).is_none());
        assert!(decode(&[1, 2, 3, 4]).is_none());
        assert!(decode(B256::ZERO.as_slice()).is_none());
    }

    #[test]
    fn percentages() {
        let bps = |n: u64| formatted(&DynSolValue::Uint(U256::from(n), 256), "bps");
        assert_eq!(bps(250), "2.5%");
        assert_eq!(bps(1), "0.01%");
        assert_eq!(bps(1000), "10%");
    }
}
