//! What the name commands share: the duration flags, a name's state read from the chain (and
//! its JSON, inside every report that shows a name), the premium explained in words, the
//! Session ID's consent.

use crate::chain::Chain;
use crate::format::{Checksummed, Timestamp, date};
use alloy::primitives::{Address, B256, U256};
use clap::Args;
use eyre::{WrapErr, bail};
use serde::{Serialize, Serializer};
use sesh_core::bindings::NameRegistry;
use sesh_core::protocol::{DAY, MIN_DURATION, YEAR};
use sesh_core::{Name, Sesh, SessionId};

/// `--years N | --days N`: how long to register or renew for.
#[derive(Debug, Clone, Copy, Default, Args)]
pub(crate) struct DurationOpts {
    /// Rent for N years of 365 days (default 1).
    #[arg(long, value_name = "N", conflicts_with = "days", value_parser = clap::value_parser!(u64).range(1..=100))]
    pub(crate) years: Option<u64>,
    /// Rent for N days (at least 28).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=36_500))]
    pub(crate) days: Option<u64>,
}

impl DurationOpts {
    /// The duration in seconds, checked against the contract's minimum.
    pub(crate) fn seconds(&self) -> eyre::Result<u64> {
        let seconds = match (self.years, self.days) {
            (_, Some(days)) => days * DAY,
            (Some(years), None) => years * YEAR,
            (None, None) => YEAR,
        };
        if seconds < MIN_DURATION {
            let days = MIN_DURATION / DAY;
            bail!("the minimum duration is {days} days; pass --days {days} or more");
        }
        Ok(seconds)
    }
}

/// Where a name is in its life, at chain time: `sesh_core::lifecycle`, the one definition the
/// registry nodes and the docs use too, second for second as the contract has it.
pub(crate) use sesh_core::lifecycle::Phase;

/// A name's state in words, the same from the chain and from the registry nodes at the same
/// time: `available`, `live`, `grace`, `premium`, and (from registry nodes only) `flagged`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum State {
    /// Never registered, or past its premium: anyone may register it at rent alone.
    Available,
    /// Registered and unexpired: it resolves.
    Live,
    /// Expired, in its grace period: it does not resolve; only renewing is possible.
    Grace,
    /// Past its grace period: anyone may register it, paying a decaying premium.
    Premium,
    /// Its payment did not verify (registry nodes): never treated as valid.
    Flagged,
}

impl State {
    /// The word for a phase.
    pub(crate) fn of(phase: Phase) -> Self {
        match phase {
            Phase::Unregistered | Phase::Available => Self::Available,
            Phase::Live => Self::Live,
            Phase::Grace => Self::Grace,
            Phase::Premium => Self::Premium,
        }
    }

    /// The word for what the registry nodes answered: the phase of `expiry` at the time of
    /// their indexed head (`now`), as the chain would say at that time; `flagged` when the
    /// name's payment did not verify. (The nodes' own `expired` covers both `premium` and
    /// `available`; this tells them apart, as `--rpc` does.)
    pub(crate) fn of_node(valid: bool, expiry: u64, now: u64) -> Self {
        if valid {
            Self::of(Phase::at(expiry, now))
        } else {
            Self::Flagged
        }
    }
}

/// A name's phase in one phrase, for a name that expires (expired) at `expiry`: "live until
/// D", "in grace until D", ... The same words whether the chain or the registry nodes told it.
pub(crate) fn describe(phase: Phase, expiry: u64) -> String {
    let grace_end = sesh_core::lifecycle::grace_end(expiry);
    match phase {
        Phase::Unregistered => "available (never registered)".into(),
        Phase::Available => format!("available (expired on {})", date(expiry)),
        Phase::Live => format!("live until {}", date(expiry)),
        Phase::Grace => format!(
            "in grace until {} (expired on {}; it does not resolve and only its owner can renew it)",
            date(grace_end),
            date(expiry)
        ),
        Phase::Premium => format!(
            "available with a premium auction until {}",
            date(sesh_core::lifecycle::premium_end(expiry))
        ),
    }
}

/// A name as the chain has it now. Its JSON (`name`, `token_id`, `state`, `expiry`,
/// `grace_end`, `premium_end`, `owner`, `session_id`, `evm_address`, `primary`, `block`,
/// `chain_time`) is part of every report that shows a name read from the chain.
#[derive(Debug, Clone)]
pub(crate) struct NameState {
    pub(crate) name: Name,
    /// Chain time the state is true at.
    pub(crate) now: u64,
    /// The block it was read at.
    pub(crate) block: u64,
    /// Expiry (0: never registered).
    pub(crate) expiry: u64,
    /// The holder whatever the expiry (zero: none).
    pub(crate) registrant: Address,
    /// The record's Session ID (only while live).
    pub(crate) session_id: Option<SessionId>,
    /// The record's EVM address (only while live).
    pub(crate) evm_address: Option<Address>,
    /// Whether it is its owner's primary name (only while live).
    pub(crate) primary: bool,
    /// Where it is in its life.
    pub(crate) phase: Phase,
}

/// The JSON of a [`NameState`].
#[derive(Serialize)]
struct NameStateJson<'a> {
    name: &'a str,
    token_id: String,
    state: State,
    expiry: Option<Timestamp>,
    grace_end: Option<Timestamp>,
    premium_end: Option<Timestamp>,
    owner: Option<Checksummed>,
    session_id: Option<SessionId>,
    evm_address: Option<Checksummed>,
    primary: bool,
    block: u64,
    chain_time: Timestamp,
}

impl Serialize for NameState {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let live = self.phase == Phase::Live;
        let registered = self.expiry != 0;
        NameStateJson {
            name: self.name.as_str(),
            token_id: format!("{:#x}", self.name.token_id()),
            state: self.state(),
            expiry: registered.then_some(Timestamp(self.expiry)),
            grace_end: registered.then(|| Timestamp(self.grace_end())),
            premium_end: registered.then(|| Timestamp(self.premium_end())),
            owner: (!self.registrant.is_zero()).then_some(Checksummed(self.registrant)),
            session_id: self.session_id.filter(|_| live),
            evm_address: self.evm_address.filter(|_| live).map(Checksummed),
            primary: self.primary,
            block: self.block,
            chain_time: Timestamp(self.now),
        }
        .serialize(serializer)
    }
}

impl NameState {
    /// Reads `name` from the registry, every value at one block.
    pub(crate) async fn read(chain: &Chain<'_>, name: &Name) -> eyre::Result<Self> {
        let registry = chain.registry();
        let block = alloy::providers::Provider::get_block_number(chain.provider())
            .await
            .wrap_err("cannot read the block number")?;
        let at = alloy::eips::BlockId::number(block);
        let now = chain.block_time(block).await?;
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
        let expiry = crate::format::secs(expiry);
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

    /// The state in one word.
    pub(crate) fn state(&self) -> State {
        State::of(self.phase)
    }

    /// The last second of the grace period.
    pub(crate) fn grace_end(&self) -> u64 {
        sesh_core::lifecycle::grace_end(self.expiry)
    }

    /// When the premium reaches zero.
    pub(crate) fn premium_end(&self) -> u64 {
        sesh_core::lifecycle::premium_end(self.expiry)
    }

    /// Why the wallet cannot register it now, in words; `None` when it can.
    pub(crate) fn unavailable_reason(&self) -> Option<String> {
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
    pub(crate) fn premium_explanation(&self, premium_start: U256, premium: U256) -> Option<String> {
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

    /// The state in one phrase: "live until D", "in grace until D", ... ([`describe`]).
    pub(crate) fn describe(&self) -> String {
        describe(self.phase, self.expiry)
    }

    /// Refuses unless `who` holds the live name.
    pub(crate) fn ensure_owned_by(&self, who: Address) -> eyre::Result<()> {
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

    /// A sample, for golden files: `alice`, live, held by sample account 0.
    #[cfg(test)]
    pub(crate) fn sample() -> Self {
        let expiry = 1_796_000_000;
        let now = 1_764_000_000;
        Self {
            name: Name::parse("alice").expect("a valid name"),
            now,
            block: 42,
            expiry,
            registrant: crate::output::golden::account(0).0,
            session_id: Some(crate::output::golden::session_id()),
            evm_address: Some(crate::output::golden::account(1).0),
            primary: true,
            phase: Phase::at(expiry, now),
        }
    }
}

/// `owner`'s live primary name, read from the chain: `primaryNameOf` gives only a tag (the
/// token id's top 224 bits), so the name comes from the registry's logs (the owner's
/// `PrimaryNameSet` and `NameRegistered` events, then the label of the matching token);
/// `isPrimaryName` confirms it is live. `None`: no primary name (or an expired one). A
/// primary whose label no log gives is shown as its token id.
pub(crate) async fn current_primary(
    chain: &Chain<'_>,
    owner: Address,
) -> eyre::Result<Option<String>> {
    use alloy::rpc::types::Filter;
    use alloy::sol_types::SolEvent;
    let deploy_block = chain.deployment().deploy_block;
    let address = chain.contracts().name_registry;
    let registry = chain.registry();
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
        for log in crate::logs::fetch(chain.provider(), filter, deploy_block).await? {
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
    let label = crate::logs::fetch(chain.provider(), filter, deploy_block)
        .await?
        .iter()
        .find_map(|log| log.log_decode::<NameRegistry::NameRegistered>().ok())
        .map(|event| event.inner.data.label.clone());
    Ok(Some(label.unwrap_or_else(|| format!("token {token:#x}"))))
}

/// A Session ID given on the command line.
pub(crate) fn parse_session_id(text: &str) -> Result<SessionId, String> {
    SessionId::parse(text).map_err(|error| error.to_string())
}

/// The wallet's consent, signed with its Session key, to `token_id` held by `owner` as its
/// Session ID's reverse name ([`sesh_core::reverse_consent`]), in the contract's form. The
/// nonce is the time in milliseconds, the wallet's clock or the chain's, whichever is later
/// (a wallet whose clock is behind still gives a nonce above its earlier consents').
pub(crate) async fn sign_consent(
    chain: &Chain<'_>,
    keys: &sesh_core::keys::WalletKeys,
    token_id: U256,
    owner: Address,
) -> eyre::Result<sesh_core::bindings::name_registry::INameRegistry::ReverseConsent> {
    let chain_ms = chain.now().await?.saturating_mul(1000);
    let wall_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or_default();
    Ok(sesh_core::reverse_consent::Consent::sign(
        keys.session(),
        chain.deployment().chain_id,
        chain.contracts().name_registry,
        token_id,
        owner,
        wall_ms.max(chain_ms),
    )
    .into())
}

/// The zero key for "no Session ID".
pub(crate) fn key_of(id: Option<SessionId>) -> B256 {
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
        assert_eq!(
            serde_json::to_value(state(expiry)).unwrap()["state"],
            "grace"
        );
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
    fn the_nodes_and_the_chain_give_a_name_the_same_state_at_the_same_time() {
        use sesh_core::lifecycle::{GRACE_PERIOD, PREMIUM_DECAY_PERIOD};
        let expiry = 1_000_000;
        // Every boundary second: live, grace, premium, available.
        for now in [
            expiry - 1,
            expiry,
            expiry + GRACE_PERIOD,
            expiry + GRACE_PERIOD + 1,
            expiry + GRACE_PERIOD + PREMIUM_DECAY_PERIOD - 1,
            expiry + GRACE_PERIOD + PREMIUM_DECAY_PERIOD,
        ] {
            assert_eq!(
                State::of_node(true, expiry, now),
                State::of(Phase::at(expiry, now)),
                "at {now}"
            );
        }
        fn word(state: impl Serialize) -> serde_json::Value {
            serde_json::to_value(state).unwrap()
        }
        assert_eq!(
            word(State::of_node(true, expiry, expiry + GRACE_PERIOD + 1)),
            "premium"
        );
        assert_eq!(
            word(State::of_node(
                true,
                expiry,
                expiry + GRACE_PERIOD + PREMIUM_DECAY_PERIOD
            )),
            "available"
        );
        assert_eq!(word(State::of_node(false, expiry, expiry - 1)), "flagged");
        // Where the nodes have a word of their own, it is the same one.
        use sesh_core::api::NameState as NodeState;
        for now in [expiry - 1, expiry, expiry + GRACE_PERIOD] {
            assert_eq!(
                word(NodeState::of(true, expiry, now)),
                word(State::of(Phase::at(expiry, now)))
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
    }
}
