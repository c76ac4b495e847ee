//! The state every handler shares, and the answers it signs.
//!
//! A lookup is a key-value read plus, at most once per change of the record, a
//! signature: attestations are cached by (kind, key) together with the block
//! they are signed at and their canonical bytes; a request whose answer has the
//! same bytes and block reuses the cached attestation. Name answers are also
//! kept rendered to JSON until a commit changes them (see [`crate::cache`]).

use crate::cache::{self, NameAnswers, RenderedName, Signatures};
use crate::mailbox::Mailbox;
use crate::mailbox::replay::ReplayGuard;
use crate::metrics::Metrics;
use crate::model::{NameEntry, NodeEntry};
use crate::status::Status;
use crate::store::tables::{
    CONSENTS, FLAGGED, LISTINGS, NAMES, NODES, OFFERS, ONS, OWNER_NAMES, PREMIUM, PRIMARY,
};
use crate::store::{Store, StoreError};
use alloy::primitives::{Address, B256, U256};
use alloy::providers::DynProvider;
use sesh_core::api::{
    ContributorAnswer, ListingAnswer, NameAnswer, NodeAnswer, OfferAnswer, OwnerNamesAnswer,
    PremiumAnswer, ReverseAnswer, Signed,
};
use sesh_core::attestation::{Canonical, Kind, NodeKey, NodeSigner};
use sesh_core::deployment::Deployment;
use sesh_core::lifecycle;
use sesh_core::ons::{self, NameHash, OnsAnswer, OnsResult};
use sesh_core::{Name, SessionId};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Everything a handler needs.
#[derive(Debug)]
pub(crate) struct App {
    pub store: Arc<Store>,
    pub signer: Arc<NodeSigner>,
    /// The deployment followed.
    pub deployment: Deployment,
    /// The indexer's status.
    pub status: Arc<Status>,
    pub metrics: Arc<Metrics>,
    /// The RPC, for price quotes.
    pub provider: DynProvider,
    /// Timeout of one RPC call.
    pub rpc_timeout: Duration,
    /// Whether `GET /v1/debug/dump` is served.
    pub enable_dump: bool,
    pub mailbox: Arc<Mailbox>,
    /// Per-address limits on the mailbox, onion and policing routes.
    pub limits: crate::ratelimit::Limits,
    /// Signed mailbox requests already accepted.
    pub replay: ReplayGuard,
    /// The keys this node shares with its peers (`crate::peer_request`).
    pub peer_links: crate::peer_request::PeerLinks,
    /// Writes other members missed when this node forwarded them (`crate::missed_writes`).
    pub missed_writes: crate::missed_writes::MissedWrites,
    /// Name answers rendered to JSON.
    pub answers: Arc<NameAnswers>,
    /// Peer tests, votes and submissions (`crate::police`).
    pub police: crate::police::Police,
    signatures: Signatures,
    signatures_made: AtomicU64,
    ons_values: cache::Bounded<U256, OnsValue>,
}

/// The encrypted ONS value of a name entry, computed once per change of the entry.
#[derive(Debug, Clone)]
struct OnsValue {
    changed_block: u64,
    session_key: alloy::primitives::B256,
    encrypted_value: [u8; ons::ENCRYPTED_VALUE_LEN],
    nonce: [u8; ons::NONCE_LEN],
}

impl cache::Weigh for OnsValue {
    fn bytes(&self) -> usize {
        std::mem::size_of::<Self>()
    }
}

/// Why an ONS answer cannot be made.
#[derive(Debug, thiserror::Error)]
pub(crate) enum OnsResolveError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No random nonce to encrypt the value with.
    #[error("cannot make an ONS nonce: {0}")]
    Nonce(#[source] ons::OnsError),
}

/// The handlers' state extractor.
#[derive(Debug, Clone)]
pub(crate) struct AppState(pub Arc<App>);

impl std::ops::Deref for AppState {
    type Target = App;

    fn deref(&self) -> &App {
        &self.0
    }
}

impl App {
    /// A new state; its caches take at most `cache_bytes`: three quarters for rendered name
    /// answers (the lookups that matter most), an eighth each for attestations and ONS values.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        store: Arc<Store>,
        signer: Arc<NodeSigner>,
        deployment: Deployment,
        status: Arc<Status>,
        metrics: Arc<Metrics>,
        provider: DynProvider,
        rpc_timeout: Duration,
        enable_dump: bool,
        mailbox: Arc<Mailbox>,
        rates: crate::ratelimit::Rates,
        cache_bytes: u64,
    ) -> Self {
        Self {
            answers: NameAnswers::new(cache_bytes / 4 * 3, &store),
            store,
            signer,
            deployment,
            status,
            metrics,
            provider,
            rpc_timeout,
            enable_dump,
            mailbox,
            limits: crate::ratelimit::Limits::new(rates),
            replay: ReplayGuard::new(crate::mailbox::now_ms()),
            peer_links: Default::default(),
            missed_writes: Default::default(),
            police: Default::default(),
            signatures: Signatures::new(cache_bytes / 8),
            signatures_made: AtomicU64::new(0),
            ons_values: cache::bounded(cache_bytes / 8),
        }
    }

    pub(crate) fn node_key(&self) -> NodeKey {
        self.signer.node_key()
    }

    /// How many signatures the node has made over answers (not counting heads).
    pub(crate) fn signatures_made(&self) -> u64 {
        self.signatures_made.load(Ordering::Relaxed)
    }

    /// Signs `answer` as true at `block`, reusing the cached signature when neither the answer
    /// nor the block changed since the last request for `key`.
    pub(crate) fn sign<T: Canonical + Clone>(
        &self,
        kind: Kind,
        contract: Address,
        key: &[u8],
        block: u64,
        answer: T,
    ) -> Signed<T> {
        let canonical = answer.canonical_bytes();
        if let Some(attestation) = self.signatures.get(kind, key, block, &canonical) {
            return Signed {
                answer,
                attestation,
            };
        }
        let attestation =
            self.signer
                .attest(kind, self.deployment.chain_id, contract, block, &answer);
        self.signatures_made.fetch_add(1, Ordering::Relaxed);
        self.signatures
            .put(kind, key, block, canonical, attestation.clone());
        Signed {
            answer,
            attestation,
        }
    }

    fn name_entry(&self, token_id: U256) -> Result<Option<NameEntry>, StoreError> {
        self.store.read()?.get(NAMES, &token_id)
    }

    /// The signed ONS answer for `hash` (type 0, a Session ID), `None` when the name does not
    /// resolve at the indexed head, whatever the reason: never registered, expired, in grace,
    /// record cleared or flagged. Signed at the indexed head's block. The encrypted value is
    /// computed once per change of the name entry (with a fresh random nonce) and reused.
    pub(crate) fn ons_resolve(&self, hash: NameHash) -> Result<Option<OnsResult>, OnsResolveError> {
        let Some(token_id) = self.store.read()?.get(ONS, &B256::from(hash.0))? else {
            return Ok(None);
        };
        let Some(entry) = self.name_entry(token_id)? else {
            return Ok(None);
        };
        let head = self.status.head().answer;
        let live = entry.flag.is_none()
            && !entry.label.is_empty()
            && entry.owner != Address::ZERO
            && lifecycle::is_live(entry.expiry, head.timestamp);
        let Some(session_id) = SessionId::from_key(entry.session_key).filter(|_| live) else {
            return Ok(None);
        };
        let cached = self.ons_values.as_ref().and_then(|values| {
            values.get(&token_id).filter(|value| {
                value.changed_block == entry.changed_block && value.session_key == entry.session_key
            })
        });
        let value = match cached {
            Some(value) => value,
            None => {
                let nonce = ons::random_nonce().map_err(OnsResolveError::Nonce)?;
                let value = OnsValue {
                    changed_block: entry.changed_block,
                    session_key: entry.session_key,
                    encrypted_value: ons::encrypt_session_id(&entry.label, &session_id, &nonce),
                    nonce,
                };
                if let Some(values) = &self.ons_values {
                    values.insert(token_id, value.clone());
                }
                value
            }
        };
        let signed = self.sign(
            Kind::Ons,
            self.deployment.contracts.name_registry,
            &hash.0,
            head.block,
            OnsAnswer {
                name_hash: hash,
                encrypted_value: value.encrypted_value,
                nonce: value.nonce,
            },
        );
        Ok(Some(OnsResult {
            encrypted_value: hex::encode(signed.answer.encrypted_value),
            nonce: hex::encode(signed.answer.nonce),
            attestation: signed.attestation,
        }))
    }

    /// The primary name of `owner` and the block it was set at.
    fn primary_of(&self, owner: Address) -> Result<Option<(U256, u64)>, StoreError> {
        Ok(self
            .store
            .read()?
            .get(PRIMARY, &owner)?
            .map(|primary| (primary.token_id, primary.changed_block)))
    }

    /// The signed answer about `name` rendered to JSON, `None` if it was never registered:
    /// from the cache, or read, signed, rendered and cached.
    pub(crate) fn name_rendered(&self, name: &Name) -> Result<Option<RenderedName>, StoreError> {
        if let Some(rendered) = self.answers.get(name.as_str()) {
            return Ok(Some(rendered));
        }
        let read_at = self.store.names_generation();
        let Some(signed) = self.name(name)? else {
            return Ok(None);
        };
        let rendered = RenderedName::new(&signed);
        self.answers
            .put(name.as_str(), rendered.clone(), read_at, &self.store);
        Ok(Some(rendered))
    }

    /// The signed answer about `name`, `None` if it was never registered.
    pub(crate) fn name(&self, name: &Name) -> Result<Option<Signed<NameAnswer>>, StoreError> {
        let token_id = name.token_id();
        let Some(entry) = self.name_entry(token_id)? else {
            return Ok(None);
        };
        if entry.label.is_empty() {
            return Ok(None);
        }
        let (primary_token, primary_block) = self.primary_of(entry.owner)?.unwrap_or_default();
        let valid = entry.flag.is_none();
        let answer = NameAnswer {
            name: entry.label.clone(),
            token_id,
            owner: entry.owner,
            expiry: entry.expiry,
            session_id: if valid {
                SessionId::from_key(entry.session_key)
            } else {
                None
            },
            evm_address: (valid && entry.evm_address != Address::ZERO).then_some(entry.evm_address),
            primary: valid && primary_token == token_id && entry.owner != Address::ZERO,
            valid,
        };
        let block = entry.changed_block.max(primary_block);
        Ok(Some(self.sign(
            Kind::Name,
            self.deployment.contracts.name_registry,
            &token_id.to_be_bytes::<32>(),
            block,
            answer,
        )))
    }

    /// The signed reverse name of `session_id`: the name of its last counted consent
    /// ([`ConsentEntry`], checked when indexed), while that name is live, valid, held by the
    /// consent's owner, points at the Session ID and is the owner's primary name; none otherwise
    /// (no consent, a consent to no name, or one the name no longer matches). Another account's
    /// name pointing at the Session ID, primary or not, changes nothing here. The answer carries
    /// the consent, so a wallet can check it too. Signed at the last change of what it read.
    pub(crate) fn reverse(
        &self,
        session_id: SessionId,
    ) -> Result<Signed<ReverseAnswer>, StoreError> {
        let now = self.status.head().answer.timestamp;
        let consent = self.store.read()?.get(CONSENTS, &session_id.key())?;
        let mut block = consent.as_ref().map_or(0, |c| c.changed_block);
        let mut found = None;
        if let Some(consent) = consent.filter(|c| !c.token_id.is_zero())
            && let Some(entry) = self.name_entry(consent.token_id)?
        {
            block = block.max(entry.changed_block);
            let primary = self.primary_of(entry.owner)?;
            if let Some((_, primary_block)) = primary {
                block = block.max(primary_block);
            }
            let counts = entry.owner == consent.owner
                && entry.owner != Address::ZERO
                && entry.session_key == session_id.key()
                && primary.is_some_and(|(token, _)| token == consent.token_id)
                && entry.flag.is_none()
                && !entry.label.is_empty()
                && lifecycle::is_live(entry.expiry, now);
            if counts {
                found = Some((entry, consent.proof));
            }
        }
        let answer = ReverseAnswer {
            session_id,
            name: found.as_ref().map(|(e, _)| e.label.clone()),
            owner: found.as_ref().map(|(e, _)| e.owner),
            consent: found.map(|(_, proof)| proof),
        };
        Ok(self.sign(
            Kind::Reverse,
            self.deployment.contracts.name_registry,
            session_id.key().as_slice(),
            block,
            answer,
        ))
    }

    /// The signed list of names `owner` holds.
    pub(crate) fn owner_names(
        &self,
        owner: Address,
    ) -> Result<Signed<OwnerNamesAnswer>, StoreError> {
        let mut names = Vec::new();
        let mut block = 0;
        let (primary_token, primary_block) = self.primary_of(owner)?.unwrap_or_default();
        let mut primary = None;
        for ((_, token_id), ()) in self.store.read()?.scan_prefix(OWNER_NAMES, &owner)? {
            let Some(entry) = self.name_entry(token_id)? else {
                continue;
            };
            block = block.max(entry.changed_block);
            if entry.flag.is_some() || entry.label.is_empty() {
                continue;
            }
            if token_id == primary_token {
                primary = Some(entry.label.clone());
                block = block.max(primary_block);
            }
            names.push(entry.label);
        }
        names.sort();
        let answer = OwnerNamesAnswer {
            owner,
            names,
            primary,
        };
        Ok(self.sign(
            Kind::List,
            self.deployment.contracts.name_registry,
            owner.as_slice(),
            block,
            answer,
        ))
    }

    /// The signed premium status of `session_id`.
    pub(crate) fn premium(
        &self,
        session_id: SessionId,
    ) -> Result<Signed<PremiumAnswer>, StoreError> {
        let entry = self.store.read()?.get(PREMIUM, &session_id.key())?;
        let (expiry, block) = entry.map_or((0, 0), |e| (e.expiry, e.changed_block));
        Ok(self.sign(
            Kind::Premium,
            self.deployment.contracts.premium,
            session_id.key().as_slice(),
            block,
            PremiumAnswer { session_id, expiry },
        ))
    }

    fn node_answer(&self, entry: NodeEntry) -> Signed<NodeAnswer> {
        let answer = NodeAnswer {
            node_id: entry.node_id,
            operator: entry.operator,
            ed25519_key: NodeKey(entry.ed25519_key.0),
            key_proof_valid: entry.key_proof_valid,
            signer: entry.signer,
            url: entry.url,
            fee_bps: entry.fee_bps,
            requirement: entry.requirement,
            total_staked: entry.total_staked,
            state: entry.state,
            unlock_time: entry.unlock_time,
            contributors: entry
                .contributors
                .into_iter()
                .map(|s| ContributorAnswer {
                    account: s.account,
                    stake: s.amount,
                })
                .collect(),
        };
        self.sign(
            Kind::Node,
            self.deployment.contracts.node_staking,
            &entry.node_id.to_be_bytes(),
            entry.changed_block,
            answer,
        )
    }

    /// The premium expiry (Unix seconds; 0: never bought) of `session_id`, unsigned.
    pub(crate) fn premium_expiry(&self, session_id: SessionId) -> Result<u64, StoreError> {
        let entry = self.store.read()?.get(PREMIUM, &session_id.key())?;
        Ok(entry.map_or(0, |e| e.expiry))
    }

    /// The active nodes (state active, key proven): their keys and URLs, in id order.
    pub(crate) fn active_nodes(&self) -> Result<Vec<(NodeKey, String)>, StoreError> {
        // Read once per index commit and shared (crate::status::Status::active_nodes).
        Ok(self.status.active_nodes(&self.store)?.to_vec())
    }

    /// Every node, signed, in id order.
    pub(crate) fn nodes(&self) -> Result<Vec<Signed<NodeAnswer>>, StoreError> {
        self.store
            .read()?
            .scan(NODES)?
            .into_iter()
            .map(|(_, node)| Ok(self.node_answer(node)))
            .collect()
    }

    /// One node, signed.
    pub(crate) fn node(&self, node_id: u64) -> Result<Option<Signed<NodeAnswer>>, StoreError> {
        self.store
            .read()?
            .get(NODES, &node_id)?
            .map(|node| Ok(self.node_answer(node)))
            .transpose()
    }

    /// Every live listing (unexpired, seller still the owner, name live and valid), signed.
    pub(crate) fn listings(&self) -> Result<Vec<Signed<ListingAnswer>>, StoreError> {
        let now = self.status.head().answer.timestamp;
        let mut out = Vec::new();
        for (token_id, listing) in self.store.read()?.scan(LISTINGS)? {
            let Some(entry) = self.name_entry(token_id)? else {
                continue;
            };
            let live = listing.end_time > now
                && entry.owner == listing.seller
                && lifecycle::is_live(entry.expiry, now)
                && entry.flag.is_none();
            if !live {
                continue;
            }
            let answer = ListingAnswer {
                name: entry.label,
                token_id,
                seller: listing.seller,
                price: listing.price,
                end_time: listing.end_time,
            };
            out.push(self.sign(
                Kind::List,
                self.deployment.contracts.name_market,
                &token_id.to_be_bytes::<32>(),
                listing.changed_block,
                answer,
            ));
        }
        Ok(out)
    }

    /// The unexpired offers on `name`, highest first, signed.
    pub(crate) fn offers(&self, name: &Name) -> Result<Vec<Signed<OfferAnswer>>, StoreError> {
        let now = self.status.head().answer.timestamp;
        let token_id = name.token_id();
        let mut out = Vec::new();
        for ((_, bidder), offer) in self.store.read()?.scan_prefix(OFFERS, &token_id)? {
            if offer.end_time <= now {
                continue;
            }
            let answer = OfferAnswer {
                name: name.to_string(),
                token_id,
                bidder,
                amount: offer.amount,
                end_time: offer.end_time,
            };
            out.push(self.sign(
                Kind::List,
                self.deployment.contracts.name_market,
                &[token_id.to_be_bytes::<32>().as_slice(), bidder.as_slice()].concat(),
                offer.changed_block,
                answer,
            ));
        }
        out.sort_by_key(|offer| std::cmp::Reverse(offer.answer.amount));
        Ok(out)
    }

    /// Every flagged event, oldest first.
    pub(crate) fn flagged(&self) -> Result<Vec<sesh_core::api::FlaggedEvent>, StoreError> {
        self.store
            .read()?
            .scan(FLAGGED)?
            .into_iter()
            .map(|(_, flagged)| Ok(flagged))
            .collect()
    }
}
