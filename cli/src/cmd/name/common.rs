//! What the name commands share: the duration flags, a name's state read
//! from the chain, the premium explained in words, dates.

use crate::context::Context;
use alloy::primitives::{Address, B256, U256};
use alloy::providers::DynProvider;
use clap::Args;
use eyre::{WrapErr, bail, eyre};
use sesh_core::bindings::NameRegistry;
use sesh_core::keystore::rfc3339;
use sesh_core::{Name, Sesh, SessionId};

/// Seconds in a day.
pub const DAY: u64 = 86_400;
/// Seconds in a (rent) year: 365 days.
pub const YEAR: u64 = 365 * DAY;
/// The shortest registration or renewal.
pub const MIN_DURATION_DAYS: u64 = 28;

/// `--years N | --days N`: how long to register or renew for.
#[derive(Debug, Clone, Copy, Default, Args)]
pub struct DurationOpts {
    /// Rent for N years of 365 days (default 1).
    #[arg(long, value_name = "N", conflicts_with = "days", value_parser = clap::value_parser!(u64).range(1..=100))]
    pub years: Option<u64>,
    /// Rent for N days (at least 28).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=36_500))]
    pub days: Option<u64>,
}

impl DurationOpts {
    /// The duration in seconds, checked against the 28-day minimum.
    pub fn seconds(&self) -> eyre::Result<u64> {
        let seconds = match (self.years, self.days) {
            (_, Some(days)) => days * DAY,
            (Some(years), None) => years * YEAR,
            (None, None) => YEAR,
        };
        if seconds < MIN_DURATION_DAYS * DAY {
            bail!(
                "the minimum duration is {MIN_DURATION_DAYS} days; pass --days {MIN_DURATION_DAYS} or more"
            );
        }
        Ok(seconds)
    }
}

/// "365 days", "1 year", "2 years".
pub fn describe_duration(seconds: u64) -> String {
    if seconds.is_multiple_of(YEAR) {
        let years = seconds / YEAR;
        format!("{years} year{}", if years == 1 { "" } else { "s" })
    } else {
        let days = seconds / DAY;
        format!("{days} day{}", if days == 1 { "" } else { "s" })
    }
}

/// A Unix time as `2026-11-27T12:00:00Z`.
pub fn date(unix: u64) -> String {
    rfc3339(unix)
}

/// Where a name is in its life, at chain time: `sesh_core::lifecycle`, the one definition the
/// registry nodes and the docs use too, second for second as the contract has it.
pub use sesh_core::lifecycle::Phase;

/// The JSON word for a phase: the registry nodes' word where they have one (`NameState`).
pub fn phase_key(phase: Phase) -> &'static str {
    match phase {
        Phase::Unregistered | Phase::Available => "available",
        // The registry nodes' word too (`NameState::Live`): one word for one state.
        Phase::Live => "live",
        Phase::Grace => "grace",
        Phase::Premium => "premium",
    }
}

/// A name as the chain has it now.
#[derive(Debug, Clone)]
pub struct NameState {
    /// The name.
    pub name: Name,
    /// Chain time the state is true at.
    pub now: u64,
    /// The block it was read at.
    pub block: u64,
    /// Expiry (0: never registered).
    pub expiry: u64,
    /// The holder whatever the expiry (zero: none).
    pub registrant: Address,
    /// The record's Session ID (only while live).
    pub session_id: Option<SessionId>,
    /// The record's EVM address (only while live).
    pub evm_address: Option<Address>,
    /// Whether it is its owner's primary name (only while live).
    pub primary: bool,
    /// Where it is in its life.
    pub phase: Phase,
}

impl NameState {
    /// Reads `name` from the registry.
    pub async fn read(
        ctx: &Context<'_>,
        provider: &DynProvider,
        name: &Name,
    ) -> eyre::Result<Self> {
        let registry = NameRegistry::new(ctx.deployment()?.contracts.name_registry, provider);
        let block = alloy::providers::Provider::get_block_number(provider)
            .await
            .wrap_err("cannot read the block number")?;
        let at = alloy::eips::BlockId::number(block);
        let now = block_time(provider, block).await?;
        let token = name.token_id();
        let expiry = registry
            .expiryOf(token)
            .block(at)
            .call()
            .await
            .wrap_err_with(|| format!("cannot read the expiry of {name}"))?;
        let registrant = registry
            .registrantOf(token)
            .block(at)
            .call()
            .await
            .wrap_err_with(|| format!("cannot read the owner of {name}"))?;
        let record = registry
            .recordOf(token)
            .block(at)
            .call()
            .await
            .wrap_err_with(|| format!("cannot read the record of {name}"))?;
        let primary = registry
            .isPrimaryName(token)
            .block(at)
            .call()
            .await
            .wrap_err_with(|| format!("cannot read whether {name} is a primary name"))?;
        let expiry = u64::try_from(expiry).unwrap_or(u64::MAX);
        Ok(Self {
            name: name.clone(),
            now,
            block,
            expiry,
            registrant,
            session_id: SessionId::from_key(record.sessionKey),
            evm_address: (!record.evmAddress.is_zero()).then_some(record.evmAddress),
            primary,
            phase: Phase::at(expiry, now),
        })
    }

    /// The last second of the grace period.
    pub fn grace_end(&self) -> u64 {
        sesh_core::lifecycle::grace_end(self.expiry)
    }

    /// When the premium reaches zero.
    pub fn premium_end(&self) -> u64 {
        sesh_core::lifecycle::premium_end(self.expiry)
    }

    /// Why the wallet cannot register it now, in words; `None` when it can.
    pub fn unavailable_reason(&self) -> Option<String> {
        match self.phase {
            Phase::Live => Some(format!(
                "{} is registered until {} by {}",
                self.name,
                date(self.expiry),
                self.registrant
            )),
            Phase::Grace => Some(format!(
                "{} expired on {} and is in its grace period until {}: only its owner {} can renew it; anyone can register it after that (with a premium that decays to zero by {})",
                self.name,
                date(self.expiry),
                date(self.grace_end()),
                self.registrant,
                date(self.premium_end())
            )),
            _ => None,
        }
    }

    /// The premium, explained (only in the premium phase).
    pub fn premium_explanation(&self, premium_start: U256, premium: U256) -> Option<String> {
        (self.phase == Phase::Premium).then(|| {
            format!(
                "the name expired on {}; its grace period ended on {}; the premium started at {} SESH and halves every day until {}, when it reaches 0 (now {} SESH)",
                date(self.expiry),
                date(self.grace_end()),
                Sesh::from_units(premium_start),
                date(self.premium_end()),
                Sesh::from_units(premium)
            )
        })
    }

    /// The state in one phrase: "live until D", "in grace until D", ...
    pub fn describe(&self) -> String {
        match self.phase {
            Phase::Unregistered => "available (never registered)".into(),
            Phase::Available => format!("available (expired on {})", date(self.expiry)),
            Phase::Live => format!("live until {}", date(self.expiry)),
            Phase::Grace => format!(
                "in grace until {} (expired on {}; it does not resolve and only its owner can renew it)",
                date(self.grace_end()),
                date(self.expiry)
            ),
            Phase::Premium => format!(
                "available with a premium auction until {}",
                date(self.premium_end())
            ),
        }
    }

    /// The JSON form.
    pub fn json(&self) -> serde_json::Value {
        let live = self.phase == Phase::Live;
        serde_json::json!({
            "name": self.name.as_str(),
            "token_id": format!("{:#x}", self.name.token_id()),
            "state": phase_key(self.phase),
            "expiry": (self.expiry != 0).then_some(self.expiry),
            "expiry_date": (self.expiry != 0).then(|| date(self.expiry)),
            "grace_ends": (self.expiry != 0).then(|| date(self.grace_end())),
            "owner": (!self.registrant.is_zero()).then(|| self.registrant.to_checksum(None)),
            "session_id": live.then_some(self.session_id).flatten().map(|id| id.to_string()),
            "evm_address": live.then_some(self.evm_address).flatten().map(|a| a.to_checksum(None)),
            "primary": self.primary,
            "block": self.block,
            "chain_time": self.now,
        })
    }

    /// Refuses unless `who` holds the live name.
    pub fn ensure_owned_by(&self, who: Address) -> eyre::Result<()> {
        match self.phase {
            Phase::Live if self.registrant == who => Ok(()),
            Phase::Live => bail!(
                "{} belongs to {}, not to this wallet ({who}); nothing was sent",
                self.name,
                self.registrant
            ),
            Phase::Grace => bail!(
                "{} expired on {} and is in its grace period until {}; renew it first (`sesh name renew {}`); nothing was sent",
                self.name,
                date(self.expiry),
                date(self.grace_end()),
                self.name
            ),
            _ => bail!("{} is not registered; nothing was sent", self.name),
        }
    }
}

/// `owner`'s live primary name, read from the chain: `primaryNameOf` gives only a tag (the
/// token id's top 224 bits), so the name comes from the registry's logs (the owner's
/// `PrimaryNameSet` and `NameRegistered` events, then the label of the matching token);
/// `isPrimaryName` confirms it is live. `None`: no primary name (or an expired one). A
/// primary whose label no log gives is shown as its token id.
pub async fn current_primary(
    ctx: &Context<'_>,
    provider: &DynProvider,
    owner: Address,
) -> eyre::Result<Option<String>> {
    use alloy::rpc::types::Filter;
    use alloy::sol_types::SolEvent;
    let deployment = ctx.deployment()?;
    let address = deployment.contracts.name_registry;
    let registry = NameRegistry::new(address, provider);
    let primary = registry
        .primaryNameOf(owner)
        .call()
        .await
        .wrap_err_with(|| format!("cannot read the primary name of {owner}"))?;
    if !primary.set {
        return Ok(None);
    }
    let tag = U256::from(primary.tokenIdTag);
    let topic = B256::left_padding_from(owner.as_slice());
    let events = Filter::new().address(address).event_signature(vec![
        NameRegistry::PrimaryNameSet::SIGNATURE_HASH,
        NameRegistry::NameRegistered::SIGNATURE_HASH,
    ]);
    // PrimaryNameSet(owner indexed, tokenId indexed); NameRegistered(tokenId indexed, label,
    // owner indexed, ...).
    let mut candidates = Vec::new();
    for filter in [events.clone().topic1(topic), events.topic2(topic)] {
        for log in crate::logs::fetch(provider, filter, deployment.deploy_block).await? {
            if let Ok(event) = log.log_decode::<NameRegistry::PrimaryNameSet>() {
                candidates.push((event.inner.data.tokenId, None));
            } else if let Ok(event) = log.log_decode::<NameRegistry::NameRegistered>() {
                let event = event.inner.data;
                candidates.push((event.tokenId, Some(event.label)));
            }
        }
    }
    let Some(token) = candidates
        .iter()
        .map(|(token, _)| *token)
        .find(|token| !token.is_zero() && (*token >> 32) == tag)
    else {
        return Ok(Some(format!("token {tag:#x}…")));
    };
    let live = registry
        .isPrimaryName(token)
        .call()
        .await
        .wrap_err_with(|| format!("cannot read whether {token:#x} is a primary name"))?;
    if !live {
        return Ok(None);
    }
    if let Some(label) = candidates
        .iter()
        .find_map(|(t, label)| (*t == token).then_some(label.clone()).flatten())
    {
        return Ok(Some(label));
    }
    let filter = Filter::new()
        .address(address)
        .event_signature(NameRegistry::NameRegistered::SIGNATURE_HASH)
        .topic1(B256::from(token));
    let label = crate::logs::fetch(provider, filter, deployment.deploy_block)
        .await?
        .iter()
        .find_map(|log| log.log_decode::<NameRegistry::NameRegistered>().ok())
        .map(|event| event.inner.data.label.clone());
    Ok(Some(label.unwrap_or_else(|| format!("token {token:#x}"))))
}

/// The timestamp of block `number`.
pub async fn block_time(provider: &DynProvider, number: u64) -> eyre::Result<u64> {
    let block = alloy::providers::Provider::get_block_by_number(provider, number.into())
        .await
        .wrap_err("cannot read a block")?
        .ok_or_else(|| eyre!("the node does not have block {number}"))?;
    Ok(block.header.timestamp)
}

/// A Session ID given on the command line.
pub fn parse_session_id(text: &str) -> Result<SessionId, String> {
    SessionId::parse(text).map_err(|error| error.to_string())
}

/// The wallet's consent, signed with its Session key, to `token_id` held by `owner` as its
/// Session ID's reverse name ([`sesh_core::reverse_consent`]), in the contract's form. The
/// nonce is the time in milliseconds, the wallet's clock or the chain's, whichever is later
/// (a wallet whose clock is behind still gives a nonce above its earlier consents').
pub async fn sign_consent(
    ctx: &Context<'_>,
    provider: &DynProvider,
    keys: &sesh_core::keys::WalletKeys,
    token_id: U256,
    owner: Address,
) -> eyre::Result<sesh_core::bindings::name_registry::INameRegistry::ReverseConsent> {
    let deployment = ctx.deployment()?;
    let chain_ms = crate::payment::chain_time(provider)
        .await?
        .saturating_mul(1000);
    let wall_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or_default();
    Ok(sesh_core::reverse_consent::Consent::sign(
        keys.session(),
        deployment.chain_id,
        deployment.contracts.name_registry,
        token_id,
        owner,
        wall_ms.max(chain_ms),
    )
    .into())
}

/// The zero key for "no Session ID".
pub fn key_of(id: Option<SessionId>) -> B256 {
    id.map(|id| id.key()).unwrap_or(B256::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wallet_says_what_the_contract_does_at_the_second_of_expiry() {
        // The contract treats a name as expired from the second of its expiry on
        // (`expiry <= block.timestamp`): so does every command's state.
        let expiry = 1_000_000;
        assert_eq!(Phase::at(expiry, expiry - 1), Phase::Live);
        assert_eq!(Phase::at(expiry, expiry), Phase::Grace);
        let state = |now| NameState {
            name: Name::parse("alice").unwrap(),
            now,
            block: 1,
            expiry,
            registrant: Address::repeat_byte(1),
            session_id: None,
            evm_address: None,
            primary: false,
            phase: Phase::at(expiry, now),
        };
        assert_eq!(state(expiry).json()["state"], "grace");
        assert!(state(expiry).describe().starts_with("in grace until"));
        assert!(state(expiry - 1).describe().starts_with("live until"));
        assert!(
            state(expiry)
                .ensure_owned_by(Address::repeat_byte(1))
                .unwrap_err()
                .to_string()
                .contains("grace period")
        );
    }

    #[test]
    fn a_live_name_is_called_what_the_registry_nodes_call_it() {
        use sesh_core::api::NameState as NodeState;
        let word = |state| serde_json::to_value(state).unwrap();
        // `name mine`, `name check` and `name lookup --rpc` say what `name lookup` through
        // the nodes says, at every second.
        for now in [
            999_999,
            1_000_000,
            1_000_000 + sesh_core::lifecycle::GRACE_PERIOD,
        ] {
            assert_eq!(
                word(NodeState::of(true, 1_000_000, now)),
                phase_key(Phase::at(1_000_000, now))
            );
        }
    }

    #[test]
    fn durations_default_to_a_year_and_respect_the_minimum() {
        assert_eq!(DurationOpts::default().seconds().unwrap(), YEAR);
        let days = DurationOpts {
            years: None,
            days: Some(27),
        };
        assert!(days.seconds().unwrap_err().to_string().contains("28 days"));
        assert_eq!(describe_duration(2 * YEAR), "2 years");
        assert_eq!(describe_duration(30 * DAY), "30 days");
    }
}
