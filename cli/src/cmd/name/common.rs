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
/// After expiry, only the owner can renew for this long.
pub const GRACE_PERIOD: u64 = 90 * DAY;
/// After the grace period, the premium halves every day for this long.
pub const PREMIUM_DECAY: u64 = 21 * DAY;
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

/// Where a name is in its life, at chain time `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Never registered.
    Unregistered,
    /// Registered and live until `expiry`.
    Registered,
    /// Expired; only the owner can renew until `expiry + GRACE_PERIOD`.
    Grace,
    /// Available to anyone, with a decaying premium until `grace end + PREMIUM_DECAY`.
    PremiumAuction,
    /// Lapsed long ago: available at plain rent.
    Lapsed,
}

impl Phase {
    /// The phase of a name that expires (expired) at `expiry` (0: never registered).
    pub fn at(expiry: u64, now: u64) -> Self {
        if expiry == 0 {
            Self::Unregistered
        } else if now <= expiry {
            Self::Registered
        } else if now <= expiry + GRACE_PERIOD {
            Self::Grace
        } else if now < expiry + GRACE_PERIOD + PREMIUM_DECAY {
            Self::PremiumAuction
        } else {
            Self::Lapsed
        }
    }

    /// Whether anyone may register the name now.
    pub fn is_available(self) -> bool {
        matches!(
            self,
            Self::Unregistered | Self::PremiumAuction | Self::Lapsed
        )
    }

    /// The JSON word for the phase.
    pub fn key(self) -> &'static str {
        match self {
            Self::Unregistered | Self::Lapsed => "available",
            // The registry nodes' word too (`NameState::Live`): one word for one state.
            Self::Registered => "live",
            Self::Grace => "grace",
            Self::PremiumAuction => "premium",
        }
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

    /// When the grace period ends (ended).
    pub fn grace_end(&self) -> u64 {
        self.expiry + GRACE_PERIOD
    }

    /// When the premium reaches zero.
    pub fn premium_end(&self) -> u64 {
        self.grace_end() + PREMIUM_DECAY
    }

    /// Why the wallet cannot register it now, in words; `None` when it can.
    pub fn unavailable_reason(&self) -> Option<String> {
        match self.phase {
            Phase::Registered => Some(format!(
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
        (self.phase == Phase::PremiumAuction).then(|| {
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
            Phase::Lapsed => format!("available (expired on {})", date(self.expiry)),
            Phase::Registered => format!("live until {}", date(self.expiry)),
            Phase::Grace => format!(
                "in grace until {} (expired on {}; it does not resolve and only its owner can renew it)",
                date(self.grace_end()),
                date(self.expiry)
            ),
            Phase::PremiumAuction => format!(
                "available with a premium auction until {}",
                date(self.premium_end())
            ),
        }
    }

    /// The JSON form.
    pub fn json(&self) -> serde_json::Value {
        let live = self.phase == Phase::Registered;
        serde_json::json!({
            "name": self.name.as_str(),
            "token_id": format!("{:#x}", self.name.token_id()),
            "state": self.phase.key(),
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
            Phase::Registered if self.registrant == who => Ok(()),
            Phase::Registered => bail!(
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

/// A Session ID, or a name whose record holds one (read from the chain).
pub async fn resolve_session_id(
    ctx: &Context<'_>,
    provider: &DynProvider,
    target: &str,
) -> eyre::Result<(SessionId, Option<Name>)> {
    if let Ok(id) = SessionId::parse(target) {
        return Ok((id, None));
    }
    if target.starts_with("05") && target.len() == 66 {
        SessionId::parse(target)?;
    }
    let name = Name::parse(target).wrap_err_with(|| {
        format!("{target:?} is neither a Session ID (05 followed by 64 hex digits) nor a name")
    })?;
    let registry = NameRegistry::new(ctx.deployment()?.contracts.name_registry, provider);
    let record = registry
        .resolve(name.to_string())
        .call()
        .await
        .wrap_err_with(|| format!("cannot resolve {name}"))?;
    match SessionId::from_key(record.sessionKey) {
        Some(id) => Ok((id, Some(name))),
        None => bail!(
            "the name {name} has no Session ID record (not registered, expired, or its record is empty)"
        ),
    }
}

/// The zero key for "no Session ID".
pub fn key_of(id: Option<SessionId>) -> B256 {
    id.map(|id| id.key()).unwrap_or(B256::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_follow_expiry_grace_and_premium() {
        let expiry = 1_000_000;
        assert_eq!(Phase::at(0, 5), Phase::Unregistered);
        assert_eq!(Phase::at(expiry, expiry), Phase::Registered);
        assert_eq!(Phase::at(expiry, expiry + 1), Phase::Grace);
        assert_eq!(Phase::at(expiry, expiry + GRACE_PERIOD), Phase::Grace);
        assert_eq!(
            Phase::at(expiry, expiry + GRACE_PERIOD + 1),
            Phase::PremiumAuction
        );
        assert_eq!(
            Phase::at(expiry, expiry + GRACE_PERIOD + PREMIUM_DECAY),
            Phase::Lapsed
        );
        assert!(Phase::PremiumAuction.is_available() && !Phase::Grace.is_available());
    }

    #[test]
    fn a_live_name_is_called_what_the_registry_nodes_call_it() {
        use sesh_core::api::NameState as NodeState;
        let word = |state| serde_json::to_value(state).unwrap();
        // `name mine`, `name check` and `name lookup --rpc` say what `name lookup` through
        // the nodes says.
        assert_eq!(word(NodeState::Live), Phase::Registered.key());
        assert_eq!(word(NodeState::Grace), Phase::Grace.key());
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
