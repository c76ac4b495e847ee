//! Decoding the contracts' logs and applying them to the index.
//!
//! This is the one place that knows what a change implies: besides each event's own
//! row it keeps every secondary index and tells the store which name answers a
//! batch changed.
//!
//! - `owner_names` (owner, token id): on every `Transfer`;
//! - `session_names` (Session key, token id): whenever a record's Session key changes
//!   ([`set_record`]);
//! - `primary` (owner): on `PrimaryNameSet` and a registration with `primary`
//!   ([`set_primary`]);
//! - `ons` (name hash → token id): whenever a name entry with a label is written
//!   ([`put_name`]). The label of a token id never changes, so the row never changes
//!   either; it goes through the undo log like every index change, so a reorg that
//!   undoes the registration removes it. The encrypted value itself is computed by
//!   the handler once per change of the name entry (see `crate::app`), and whether
//!   the name resolves (live, valid, record set) is judged at request time;
//! - changed names ([`Batch::name_changed`]): a name entry's own label on every write
//!   of it, and the old and the new primary name's labels when an owner's primary
//!   name moves (names are noted by label, what lookups ask by; an entry without a
//!   label is not served).

use crate::model::{
    ConsentEntry, ListingEntry, NameEntry, NodeEntry, OfferEntry, PremiumEntry, PrimaryEntry, Stake,
};
use crate::store::tables::{
    CONSENTS, FLAGGED, LISTINGS, NAMES, NODES, OFFERS, ONS, OWNER_NAMES, PREMIUM, PRIMARY,
    SESSION_NAMES,
};
use crate::store::{Batch, StoreResult};
use crate::verify::PaidEvent;
use alloy::primitives::{Address, B256, U256};
use alloy::rpc::types::Log;
use alloy::sol_types::SolEventInterface;
use sesh_core::SessionId;
use sesh_core::api::{FlaggedEvent, NodeState};
use sesh_core::bindings::name_market::NameMarket::NameMarketEvents;
use sesh_core::bindings::name_registry::NameRegistry::NameRegistryEvents;
use sesh_core::bindings::node_staking::NodeStaking::NodeStakingEvents;
use sesh_core::bindings::premium::Premium::PremiumEvents;
use sesh_core::deployment::Contracts;
use sesh_core::reverse_consent::{Consent, ConsentProof};

/// A decoded event of one of the indexed contracts.
#[derive(Debug)]
pub(crate) enum Event {
    /// `NameRegistry`.
    Registry(NameRegistryEvents),
    /// `NameMarket`.
    Market(NameMarketEvents),
    /// `Premium`.
    Premium(PremiumEvents),
    /// `NodeStaking`.
    Staking(NodeStakingEvents),
}

/// A decoded log with its position.
#[derive(Debug)]
pub(crate) struct Decoded {
    /// Block number.
    pub block: u64,
    /// Block hash.
    pub block_hash: B256,
    /// Log index in the block.
    pub log_index: u64,
    /// Transaction hash.
    pub tx_hash: B256,
    /// The emitting contract.
    pub contract: Address,
    /// The event.
    pub event: Event,
}

/// Decodes `log` if it is an event of one of `contracts` this index uses.
pub(crate) fn decode(log: &Log, contracts: &Contracts) -> Option<Decoded> {
    let address = log.inner.address;
    let topics = log.inner.topics();
    let data = &log.inner.data.data;
    let event = if address == contracts.name_registry {
        Event::Registry(NameRegistryEvents::decode_raw_log(topics, data).ok()?)
    } else if address == contracts.name_market {
        Event::Market(NameMarketEvents::decode_raw_log(topics, data).ok()?)
    } else if address == contracts.premium {
        Event::Premium(PremiumEvents::decode_raw_log(topics, data).ok()?)
    } else if address == contracts.node_staking {
        Event::Staking(NodeStakingEvents::decode_raw_log(topics, data).ok()?)
    } else {
        return None;
    };
    Some(Decoded {
        block: log.block_number?,
        block_hash: log.block_hash?,
        log_index: log.log_index?,
        tx_hash: log.transaction_hash?,
        contract: address,
        event,
    })
}

impl Decoded {
    /// The fee this event says was paid into the pool, if it is a paid event.
    pub(crate) fn paid(&self) -> Option<PaidEvent> {
        let (event, subject, price) = match &self.event {
            Event::Registry(NameRegistryEvents::NameRegistered(e)) => (
                "NameRegistered",
                e.label.clone(),
                e.rent.saturating_add(e.premium),
            ),
            Event::Registry(NameRegistryEvents::NameRenewed(e)) => {
                ("NameRenewed", e.label.clone(), e.rent)
            }
            Event::Premium(PremiumEvents::PremiumPurchased(e)) => (
                "PremiumPurchased",
                format!("05{}", hex::encode(e.sessionKey)),
                e.cost,
            ),
            Event::Market(NameMarketEvents::Sold(e)) => ("Sold", e.tokenId.to_string(), e.fee),
            Event::Market(NameMarketEvents::OfferAccepted(e)) => {
                ("OfferAccepted", e.tokenId.to_string(), e.fee)
            }
            _ => return None,
        };
        Some(PaidEvent {
            event,
            subject,
            price,
        })
    }
}

/// What applying needs besides the log.
#[derive(Debug)]
pub(crate) struct Context<'a> {
    /// The chain id (part of the node key proof and reverse-name consent messages).
    pub chain_id: u64,
    /// The contracts.
    pub contracts: &'a Contracts,
}

fn name_entry(batch: &Batch, token_id: U256, block: u64) -> StoreResult<NameEntry> {
    Ok(batch.get(NAMES, &token_id)?.unwrap_or(NameEntry {
        label: String::new(),
        token_id,
        owner: Address::ZERO,
        expiry: 0,
        session_key: B256::ZERO,
        evm_address: Address::ZERO,
        flag: None,
        changed_block: block,
    }))
}

/// Writes a name entry, notes its name as changed and, once it has a label, indexes its
/// ONS name hash (if not indexed yet).
fn put_name(batch: &mut Batch, entry: &NameEntry) -> StoreResult<()> {
    batch.put(NAMES, &entry.token_id, entry)?;
    if !entry.label.is_empty() {
        batch.name_changed(&entry.label);
        let hash = B256::from(sesh_core::ons::name_hash(&entry.label));
        if batch.get(ONS, &hash)?.is_none() {
            batch.put(ONS, &hash, &entry.token_id)?;
        }
    }
    Ok(())
}

fn set_record(
    batch: &mut Batch,
    entry: &mut NameEntry,
    session_key: B256,
    evm_address: Address,
) -> StoreResult<()> {
    if entry.session_key != session_key {
        if entry.session_key != B256::ZERO {
            batch.delete(SESSION_NAMES, &(entry.session_key, entry.token_id))?;
        }
        if session_key != B256::ZERO {
            batch.put(SESSION_NAMES, &(session_key, entry.token_id), &())?;
        }
    }
    entry.session_key = session_key;
    entry.evm_address = evm_address;
    Ok(())
}

/// Makes `token_id` the primary name of `owner`: the answers about the old primary name and
/// the new one change.
fn set_primary(batch: &mut Batch, owner: Address, token_id: U256, block: u64) -> StoreResult<()> {
    let old = batch.get(PRIMARY, &owner)?;
    for token in [Some(token_id), old.map(|p| p.token_id)]
        .into_iter()
        .flatten()
    {
        if let Some(entry) = batch.get(NAMES, &token)? {
            batch.name_changed(&entry.label);
        }
    }
    batch.put(
        PRIMARY,
        &owner,
        &PrimaryEntry {
            token_id,
            changed_block: block,
        },
    )
}

fn flag_event(
    batch: &mut Batch,
    log: &Decoded,
    paid: &PaidEvent,
    amount: U256,
    reason: &str,
) -> StoreResult<()> {
    let flagged = FlaggedEvent {
        block: log.block,
        log_index: log.log_index,
        tx_hash: log.tx_hash,
        contract: log.contract,
        event: paid.event.to_string(),
        subject: paid.subject.clone(),
        price: paid.price,
        paid: amount,
        reason: reason.to_string(),
    };
    batch.put(FLAGGED, &(log.block, log.log_index), &flagged)
}

/// Applies one decoded log. `failure` is set when the log is a paid event whose transaction
/// did not pay the pool: `(amount that reached the pool, reason)`.
pub(crate) fn apply(
    batch: &mut Batch,
    ctx: &Context<'_>,
    log: &Decoded,
    failure: Option<(U256, &str)>,
) -> StoreResult<()> {
    batch.set_block(log.block)?;
    let block = log.block;
    if let (Some(paid), Some((amount, reason))) = (log.paid(), failure) {
        flag_event(batch, log, &paid, amount, reason)?;
    }
    let flag = failure.map(|(_, reason)| reason.to_string());
    match &log.event {
        Event::Registry(event) => apply_registry(batch, ctx, event, block, flag),
        Event::Market(event) => apply_market(batch, event, block, flag),
        Event::Premium(PremiumEvents::PremiumPurchased(e)) => {
            if flag.is_none() {
                batch.put(
                    PREMIUM,
                    &e.sessionKey,
                    &PremiumEntry {
                        expiry: u64::try_from(e.expiry).unwrap_or(u64::MAX),
                        changed_block: block,
                    },
                )?;
            }
            Ok(())
        }
        Event::Premium(_) => Ok(()),
        Event::Staking(event) => apply_staking(batch, ctx, event, block),
    }
}

fn apply_registry(
    batch: &mut Batch,
    ctx: &Context<'_>,
    event: &NameRegistryEvents,
    block: u64,
    flag: Option<String>,
) -> StoreResult<()> {
    match event {
        NameRegistryEvents::Transfer(e) => {
            let token_id = e.id;
            let mut entry = name_entry(batch, token_id, block)?;
            if e.from != Address::ZERO {
                batch.delete(OWNER_NAMES, &(e.from, token_id))?;
                // A listing dies once its name changes hands, even if the name comes back
                // (the contract ties listings to the name's transfer count).
                batch.delete(LISTINGS, &token_id)?;
            }
            if e.to != Address::ZERO {
                batch.put(OWNER_NAMES, &(e.to, token_id), &())?;
            }
            entry.owner = e.to;
            entry.changed_block = block;
            put_name(batch, &entry)
        }
        NameRegistryEvents::NameRegistered(e) => {
            let mut entry = name_entry(batch, e.tokenId, block)?;
            entry.label = e.label.clone();
            entry.owner = e.owner;
            entry.expiry = u64::try_from(e.expiry).unwrap_or(u64::MAX);
            set_record(batch, &mut entry, e.sessionKey, e.evmAddress)?;
            if e.primary && flag.is_none() {
                set_primary(batch, e.owner, e.tokenId, block)?;
            }
            entry.flag = flag;
            entry.changed_block = block;
            put_name(batch, &entry)
        }
        NameRegistryEvents::NameRenewed(e) => {
            if flag.is_some() {
                return Ok(());
            }
            let mut entry = name_entry(batch, e.tokenId, block)?;
            entry.expiry = u64::try_from(e.expiry).unwrap_or(u64::MAX);
            entry.changed_block = block;
            put_name(batch, &entry)
        }
        NameRegistryEvents::RecordSet(e) => {
            let mut entry = name_entry(batch, e.tokenId, block)?;
            set_record(batch, &mut entry, e.sessionKey, e.evmAddress)?;
            entry.changed_block = block;
            put_name(batch, &entry)
        }
        NameRegistryEvents::PrimaryNameSet(e) => set_primary(batch, e.owner, e.tokenId, block),
        NameRegistryEvents::ReverseConsentGiven(e) => apply_consent(batch, ctx, e, block),
        _ => Ok(()),
    }
}

/// Counts a Session ID's consent to a reverse name if it verifies ([`Consent::check`]: the key is
/// the Session ID's, the signature is over this chain, registry, name, owner and nonce) and its
/// nonce is above that of the Session ID's last counted consent, which it replaces. Anyone can
/// emit the event with any values, so everything else is ignored.
fn apply_consent(
    batch: &mut Batch,
    ctx: &Context<'_>,
    e: &sesh_core::bindings::name_registry::NameRegistry::ReverseConsentGiven,
    block: u64,
) -> StoreResult<()> {
    let Some(session_id) = SessionId::from_key(e.sessionKey) else {
        return Ok(());
    };
    let consent = Consent {
        session_id,
        token_id: e.tokenId,
        owner: e.owner,
        proof: ConsentProof::from_halves(e.ed25519Key, e.nonce, e.signatureR, e.signatureS),
    };
    if let Err(error) = consent.check(ctx.chain_id, ctx.contracts.name_registry) {
        tracing::debug!(%session_id, %error, block, "reverse-name consent ignored");
        return Ok(());
    }
    if let Some(last) = batch.get(CONSENTS, &e.sessionKey)?
        && consent.proof.nonce <= last.proof.nonce
    {
        tracing::debug!(
            %session_id,
            nonce = consent.proof.nonce,
            last = last.proof.nonce,
            block,
            "reverse-name consent ignored: not newer than the last one"
        );
        return Ok(());
    }
    batch.put(
        CONSENTS,
        &e.sessionKey,
        &ConsentEntry {
            token_id: consent.token_id,
            owner: consent.owner,
            proof: consent.proof,
            changed_block: block,
        },
    )
}

fn apply_market(
    batch: &mut Batch,
    event: &NameMarketEvents,
    block: u64,
    flag: Option<String>,
) -> StoreResult<()> {
    let flag_name = |batch: &mut Batch, token_id: U256, flag: Option<String>| -> StoreResult<()> {
        if flag.is_none() {
            return Ok(());
        }
        let mut entry = name_entry(batch, token_id, block)?;
        entry.flag = flag;
        entry.changed_block = block;
        put_name(batch, &entry)
    };
    match event {
        NameMarketEvents::Listed(e) => batch.put(
            LISTINGS,
            &e.tokenId,
            &ListingEntry {
                seller: e.seller,
                price: e.price,
                end_time: u64::try_from(e.endTime).unwrap_or(u64::MAX),
                changed_block: block,
            },
        ),
        NameMarketEvents::Unlisted(e) => batch.delete(LISTINGS, &e.tokenId),
        NameMarketEvents::Sold(e) => {
            batch.delete(LISTINGS, &e.tokenId)?;
            flag_name(batch, e.tokenId, flag)
        }
        NameMarketEvents::OfferMade(e) => batch.put(
            OFFERS,
            &(e.tokenId, e.bidder),
            &OfferEntry {
                amount: e.amount,
                end_time: u64::try_from(e.endTime).unwrap_or(u64::MAX),
                changed_block: block,
            },
        ),
        NameMarketEvents::OfferCancelled(e) => batch.delete(OFFERS, &(e.tokenId, e.bidder)),
        NameMarketEvents::OfferAccepted(e) => {
            batch.delete(OFFERS, &(e.tokenId, e.bidder))?;
            flag_name(batch, e.tokenId, flag)
        }
        _ => Ok(()),
    }
}

fn node_key(node_id: U256) -> u64 {
    u64::try_from(node_id).unwrap_or(u64::MAX)
}

fn apply_staking(
    batch: &mut Batch,
    ctx: &Context<'_>,
    event: &NodeStakingEvents,
    block: u64,
) -> StoreResult<()> {
    let update =
        |batch: &mut Batch, node_id: U256, change: &dyn Fn(&mut NodeEntry)| -> StoreResult<()> {
            let key = node_key(node_id);
            let Some(mut entry) = batch.get(NODES, &key)? else {
                return Ok(());
            };
            change(&mut entry);
            entry.changed_block = block;
            batch.put(NODES, &key, &entry)
        };
    match event {
        NodeStakingEvents::NodeCreated(e) => {
            let entry = NodeEntry {
                node_id: node_key(e.nodeId),
                operator: e.operator,
                ed25519_key: e.ed25519Key,
                key_proof_valid: sesh_core::key_proof::is_valid(
                    ctx.chain_id,
                    ctx.contracts.node_staking,
                    e.operator,
                    e.signer,
                    e.ed25519Key,
                    &e.ed25519Signature,
                ),
                signer: e.signer,
                url: e.url.clone(),
                fee_bps: u64::try_from(e.feeBps).unwrap_or(u64::MAX),
                requirement: e.requirement,
                total_staked: U256::ZERO,
                state: NodeState::Open,
                unlock_time: 0,
                contributors: Vec::new(),
                changed_block: block,
            };
            batch.put(NODES, &node_key(e.nodeId), &entry)
        }
        NodeStakingEvents::Contributed(e) => update(batch, e.nodeId, &|node| {
            node.total_staked = node.total_staked.saturating_add(e.amount);
            match node
                .contributors
                .iter_mut()
                .find(|s| s.account == e.contributor)
            {
                Some(stake) => stake.amount = stake.amount.saturating_add(e.amount),
                None => node.contributors.push(Stake {
                    account: e.contributor,
                    amount: e.amount,
                }),
            }
        }),
        NodeStakingEvents::ContributionWithdrawn(e) => update(batch, e.nodeId, &|node| {
            withdraw(node, e.contributor, e.amount);
        }),
        NodeStakingEvents::StakeWithdrawn(e) => update(batch, e.nodeId, &|node| {
            withdraw(node, e.contributor, e.amount);
        }),
        NodeStakingEvents::NodeActivated(e) => {
            update(batch, e.nodeId, &|node| node.state = NodeState::Active)
        }
        NodeStakingEvents::NodeCancelled(e) => {
            update(batch, e.nodeId, &|node| node.state = NodeState::Cancelled)
        }
        NodeStakingEvents::ExitRequested(e) => update(batch, e.nodeId, &|node| {
            node.state = NodeState::Exited;
            node.unlock_time = u64::try_from(e.unlockTime).unwrap_or(u64::MAX);
        }),
        NodeStakingEvents::NodeDeregistered(e) => update(batch, e.nodeId, &|node| {
            node.state = NodeState::Deregistered;
            node.unlock_time = u64::try_from(e.unlockTime).unwrap_or(u64::MAX);
            node.total_staked = node.total_staked.saturating_sub(e.penalty);
        }),
        _ => Ok(()),
    }
}

fn withdraw(node: &mut NodeEntry, account: Address, amount: U256) {
    node.total_staked = node.total_staked.saturating_sub(amount);
    if let Some(stake) = node.contributors.iter_mut().find(|s| s.account == account) {
        stake.amount = stake.amount.saturating_sub(amount);
    }
    node.contributors.retain(|s| s.amount != U256::ZERO);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::{contracts, cursor, store};
    use sesh_core::Name;
    use sesh_core::bindings::name_registry::NameRegistry::ReverseConsentGiven;
    use sesh_core::keys::SessionKeys;

    fn event(consent: &Consent) -> ReverseConsentGiven {
        let (r, s) = consent.proof.signature_halves();
        ReverseConsentGiven {
            sessionKey: consent.session_id.key(),
            tokenId: consent.token_id,
            owner: consent.owner,
            ed25519Key: consent.proof.ed25519_key,
            nonce: consent.proof.nonce,
            signatureR: r,
            signatureS: s,
        }
    }

    /// Applies `events` in `block` and returns the Session ID's counted consent after.
    fn apply_all(
        store: &crate::store::Store,
        block: u64,
        events: &[ReverseConsentGiven],
        session_id: SessionId,
    ) -> Option<ConsentEntry> {
        let contracts = contracts();
        let ctx = Context {
            chain_id: 31337,
            contracts: &contracts,
        };
        let mut batch = store.batch().unwrap();
        batch.set_block(block).unwrap();
        for e in events {
            apply_consent(&mut batch, &ctx, e, block).unwrap();
        }
        batch.commit(cursor(block)).unwrap();
        store
            .read()
            .unwrap()
            .get(CONSENTS, &session_id.key())
            .unwrap()
    }

    #[test]
    fn only_verified_consents_with_a_newer_nonce_count() {
        let (_dir, store) = store();
        let victim = SessionKeys::from_seed(&[7; 32]);
        let stranger = SessionKeys::from_seed(&[8; 32]);
        let id = victim.session_id();
        let registry = contracts().name_registry;
        let token = Name::parse("victim").unwrap().token_id();
        let owner = Address::repeat_byte(0x22);
        let sign = |keys: &SessionKeys, chain: u64, registry: Address, nonce: u64| {
            Consent::sign(keys, chain, registry, token, owner, nonce)
        };

        // A stranger's key claiming the victim's Session ID, consents signed for another
        // chain or registry: none counts.
        let mut forged = sign(&stranger, 31337, registry, 10);
        forged.session_id = id;
        let other_chain = sign(&victim, 1, registry, 10);
        let other_registry = sign(&victim, 31337, Address::repeat_byte(9), 10);
        let mut tampered = sign(&victim, 31337, registry, 10);
        tampered.token_id = Name::parse("someone-else").unwrap().token_id();
        let events: Vec<_> = [forged, other_chain, other_registry, tampered]
            .iter()
            .map(event)
            .collect();
        assert_eq!(apply_all(&store, 2, &events, id), None);

        // The victim's own consent counts.
        let first = sign(&victim, 31337, registry, 10);
        let counted = apply_all(&store, 3, &[event(&first)], id).unwrap();
        assert_eq!(
            (
                counted.token_id,
                counted.owner,
                counted.proof,
                counted.changed_block
            ),
            (token, owner, first.proof, 3)
        );

        // A newer one replaces it; the older one, replayed, or the same again, does not.
        let none = Consent::sign(&victim, 31337, registry, U256::ZERO, Address::ZERO, 11);
        let counted = apply_all(&store, 4, &[event(&none)], id).unwrap();
        assert_eq!((counted.token_id, counted.proof.nonce), (U256::ZERO, 11));
        let counted = apply_all(&store, 5, &[event(&first), event(&none)], id).unwrap();
        assert_eq!((counted.proof.nonce, counted.changed_block), (11, 4));
    }

    fn name(label: &str, token_id: U256) -> NameEntry {
        NameEntry {
            label: label.into(),
            token_id,
            owner: Address::repeat_byte(1),
            expiry: 100,
            session_key: B256::repeat_byte(2),
            evm_address: Address::ZERO,
            flag: None,
            changed_block: 1,
        }
    }

    #[test]
    fn a_labelled_name_entry_indexes_its_ons_hash_and_a_rewind_removes_it() {
        let (_dir, store) = store();
        let token_id = U256::from(42);
        let changed = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = changed.clone();
        store.watch_names(move |c| seen.lock().unwrap().push(c.clone()));

        let mut batch = store.batch().unwrap();
        batch.set_block(1).unwrap();
        put_name(&mut batch, &name("", token_id)).unwrap();
        batch.commit(cursor(1)).unwrap();
        assert_eq!(store.read().unwrap().len(ONS).unwrap(), 0, "no label yet");
        assert!(changed.lock().unwrap().is_empty(), "no served name changed");

        let mut batch = store.batch().unwrap();
        batch.set_block(2).unwrap();
        put_name(&mut batch, &name("alice", token_id)).unwrap();
        batch.commit(cursor(2)).unwrap();
        let hash = B256::from(sesh_core::ons::name_hash("ALICE"));
        assert_eq!(
            store.read().unwrap().get(ONS, &hash).unwrap(),
            Some(token_id)
        );
        assert_eq!(
            changed.lock().unwrap().last(),
            Some(&crate::store::NamesChanged::Some(
                ["alice".to_string()].into()
            ))
        );
        store.rewind(cursor(1)).unwrap();
        assert_eq!(store.read().unwrap().get(ONS, &hash).unwrap(), None);
    }

    #[test]
    fn a_moving_primary_name_changes_the_old_and_the_new_answers() {
        let (_dir, store) = store();
        let owner = Address::repeat_byte(1);
        let (a, b) = (U256::from(1), U256::from(2));
        let mut batch = store.batch().unwrap();
        batch.set_block(1).unwrap();
        put_name(&mut batch, &name("a", a)).unwrap();
        put_name(&mut batch, &name("b", b)).unwrap();
        put_name(&mut batch, &name("c", U256::from(3))).unwrap();
        set_primary(&mut batch, owner, a, 1).unwrap();
        batch.commit(cursor(1)).unwrap();

        let changed = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = changed.clone();
        store.watch_names(move |c| seen.lock().unwrap().push(c.clone()));
        let mut batch = store.batch().unwrap();
        batch.set_block(2).unwrap();
        set_primary(&mut batch, owner, b, 2).unwrap();
        batch.commit(cursor(2)).unwrap();
        assert_eq!(
            *changed.lock().unwrap(),
            [crate::store::NamesChanged::Some(
                ["a".to_string(), "b".to_string()].into()
            )]
        );
        assert_eq!(
            store.read().unwrap().get(PRIMARY, &owner).unwrap(),
            Some(PrimaryEntry {
                token_id: b,
                changed_block: 2
            })
        );
    }
}
