//! The node's in-memory caches, each bounded in bytes (`answer_cache_mib`).
//!
//! - [`NameAnswers`]: signed name answers rendered to JSON, so a repeated lookup is a
//!   hash-map read and a copy; no redb, no JSON encoding, no signature.
//! - [`Signatures`]: the attestation of each answer, reused while the answer and the block
//!   it is true at stay the same (every answer kind, not only names).
//! - [`PerCommit`]: one value derived from the whole index (the active node set), computed
//!   once per commit, rewind or reset of the index and shared.
//!
//! Eviction is S3-FIFO (the `quick_cache` crate): a miss costs a read of the index and, at
//! worst, one Ed25519 signature.

use crate::store::{NamesChanged, Reader, Store, StoreError};
use axum::body::Bytes;
use quick_cache::Weighter;
use quick_cache::sync::Cache;
use sesh_core::api::{NameAnswer, NameState, Signed};
use sesh_core::attestation::{Attestation, Kind};
use std::sync::{Arc, RwLock};

/// Bytes a cache entry costs beyond its payload (key, bookkeeping, allocation headers).
const ENTRY_OVERHEAD: u64 = 128;

/// A typical rendered name answer, to size the caches' tables.
const TYPICAL_ANSWER_BYTES: u64 = 700;

/// Values that know their size in bytes.
pub(crate) trait Weigh {
    /// The value's size, bytes.
    fn bytes(&self) -> usize;
}

/// Weighs entries by their [`Weigh::bytes`] plus a fixed overhead.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ByBytes;

/// A cache bounded in bytes; `None` when its budget is 0.
pub(crate) type Bounded<K, V> = Option<Cache<K, V, ByBytes>>;

impl<K, V: Weigh> Weighter<K, V> for ByBytes {
    fn weight(&self, _key: &K, value: &V) -> u64 {
        value.bytes() as u64 + ENTRY_OVERHEAD
    }
}

/// A cache of at most `max_bytes`.
pub(crate) fn bounded<K: Eq + std::hash::Hash, V: Clone + Weigh>(max_bytes: u64) -> Bounded<K, V> {
    (max_bytes > 0).then(|| {
        let items = (max_bytes / (TYPICAL_ANSWER_BYTES + ENTRY_OVERHEAD)).max(16);
        Cache::with_weighter(
            usize::try_from(items).unwrap_or(usize::MAX),
            max_bytes,
            ByBytes,
        )
    })
}

/// A signed name answer as JSON, with what its state at a given time depends on.
#[derive(Debug, Clone)]
pub(crate) struct RenderedName {
    /// `Signed<NameAnswer>`, exactly as serde writes it.
    pub json: Bytes,
    valid: bool,
    expiry: u64,
}

impl RenderedName {
    /// Renders `signed`.
    pub(crate) fn new(signed: &Signed<NameAnswer>) -> Self {
        Self {
            json: Bytes::from(serde_json::to_vec(signed).expect("answers serialize")),
            valid: signed.answer.valid,
            expiry: signed.answer.expiry,
        }
    }

    /// The name's state at `timestamp`.
    pub(crate) fn state_at(&self, timestamp: u64) -> NameState {
        NameState::of(self.valid, self.expiry, timestamp)
    }
}

impl Weigh for RenderedName {
    fn bytes(&self) -> usize {
        self.json.len()
    }
}

/// Rendered name answers by label (so a hit needs no hashing beyond the map's), dropped as
/// soon as a commit changes them.
#[derive(Debug)]
pub(crate) struct NameAnswers {
    cache: Bounded<String, RenderedName>,
}

impl NameAnswers {
    /// A cache of at most `max_bytes` (0: no cache) that `store` keeps current.
    pub(crate) fn new(max_bytes: u64, store: &Store) -> Arc<Self> {
        let answers = Arc::new(Self {
            cache: bounded(max_bytes),
        });
        let watcher = Arc::downgrade(&answers);
        store.watch_names(move |changed| {
            if let Some(answers) = watcher.upgrade() {
                answers.forget(changed);
            }
        });
        answers
    }

    /// The cached answer about the name `label`.
    pub(crate) fn get(&self, label: &str) -> Option<RenderedName> {
        self.cache.as_ref()?.get(label)
    }

    /// Caches `rendered`, read from the index when its names generation was `read_at`. If a
    /// commit has moved the generation since, the answer may already be out of date and is
    /// dropped again: the commit's own invalidation may have run before this insert.
    pub(crate) fn put(&self, label: &str, rendered: RenderedName, read_at: u64, store: &Store) {
        let Some(cache) = &self.cache else {
            return;
        };
        cache.insert(label.to_string(), rendered);
        if store.names_generation() != read_at {
            cache.remove(label);
        }
    }

    fn forget(&self, changed: &NamesChanged) {
        let Some(cache) = &self.cache else {
            return;
        };
        match changed {
            NamesChanged::All => cache.clear(),
            NamesChanged::Some(labels) => {
                for label in labels {
                    cache.remove(label.as_str());
                }
            }
        }
    }

    /// Bytes held (payloads and per-entry overhead).
    pub(crate) fn weight(&self) -> u64 {
        self.cache.as_ref().map_or(0, Cache::weight)
    }

    /// Entries held.
    pub(crate) fn len(&self) -> usize {
        self.cache.as_ref().map_or(0, Cache::len)
    }

    /// Whether no entry is held.
    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// An attestation and what it attests.
#[derive(Debug, Clone)]
struct CachedSignature {
    block: u64,
    canonical: Arc<[u8]>,
    attestation: Attestation,
}

impl Weigh for CachedSignature {
    fn bytes(&self) -> usize {
        self.canonical.len() + self.attestation.signature.len() + 64
    }
}

/// Attestations by (kind, key), reused while the answer's canonical bytes and block stay.
#[derive(Debug)]
pub(crate) struct Signatures {
    cache: Bounded<(u8, Vec<u8>), CachedSignature>,
}

impl Signatures {
    /// A cache of at most `max_bytes` (0: every answer is signed afresh).
    pub(crate) fn new(max_bytes: u64) -> Self {
        Self {
            cache: bounded(max_bytes),
        }
    }

    /// The cached attestation of the answer under (`kind`, `key`) if it attests `canonical`
    /// at `block`.
    pub(crate) fn get(
        &self,
        kind: Kind,
        key: &[u8],
        block: u64,
        canonical: &[u8],
    ) -> Option<Attestation> {
        let cached = self.cache.as_ref()?.get(&(kind as u8, key.to_vec()))?;
        (cached.block == block && *cached.canonical == *canonical).then_some(cached.attestation)
    }

    /// Keeps `attestation` of `canonical` at `block` under (`kind`, `key`).
    pub(crate) fn put(
        &self,
        kind: Kind,
        key: &[u8],
        block: u64,
        canonical: Vec<u8>,
        attestation: Attestation,
    ) {
        if let Some(cache) = &self.cache {
            cache.insert(
                (kind as u8, key.to_vec()),
                CachedSignature {
                    block,
                    canonical: canonical.into(),
                    attestation,
                },
            );
        }
    }
}

/// A value derived from the whole index, computed at most once per index generation
/// ([`Store::generation`]: every commit, rewind and reset moves it) and handed out shared.
#[derive(Debug)]
pub(crate) struct PerCommit<T: ?Sized> {
    slot: RwLock<Option<(u64, Arc<T>)>>,
}

impl<T: ?Sized> Default for PerCommit<T> {
    fn default() -> Self {
        Self {
            slot: RwLock::new(None),
        }
    }
}

impl<T: ?Sized> PerCommit<T> {
    /// The value for the index as it is now: the kept one if no commit came since it was
    /// read, else `compute`d from a fresh view of `store` and kept. The generation is sampled
    /// before the view is taken, so a value is never tagged newer than what it was read from
    /// (a commit landing in between only costs one more computation).
    pub(crate) fn get_or_compute(
        &self,
        store: &Store,
        compute: impl FnOnce(&Reader) -> Result<Arc<T>, StoreError>,
    ) -> Result<Arc<T>, StoreError> {
        let generation = store.generation();
        if let Some((kept, value)) = &*self.slot.read().expect("per-commit lock")
            && *kept == generation
        {
            return Ok(value.clone());
        }
        let value = compute(&store.read()?)?;
        *self.slot.write().expect("per-commit lock") = Some((generation, value.clone()));
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{NameEntry, PremiumEntry, PrimaryEntry};
    use crate::store::tables::{NAMES, PREMIUM, PRIMARY};
    use crate::store::testing;
    use alloy::primitives::{Address, B256, U256};
    use sesh_core::attestation::NodeSigner;

    fn signed(expiry: u64) -> Signed<NameAnswer> {
        let signer = NodeSigner::from_seed([7; 32]);
        let answer = NameAnswer {
            name: "alice".into(),
            token_id: U256::from(1),
            owner: Address::repeat_byte(1),
            expiry,
            session_id: None,
            evm_address: None,
            primary: false,
            valid: true,
        };
        Signed {
            attestation: signer.attest(Kind::Name, 31337, Address::ZERO, 5, &answer),
            answer,
        }
    }

    fn rendered(expiry: u64) -> RenderedName {
        RenderedName::new(&signed(expiry))
    }

    /// One change of a test commit; the names it changes are noted as the indexer would.
    enum Write {
        Name(NameEntry),
        Primary(Address, U256),
        Premium,
    }

    fn commit(store: &Store, writes: &[Write]) {
        let mut batch = store.batch().unwrap();
        batch.set_block(10).unwrap();
        for write in writes {
            match write {
                Write::Name(entry) => {
                    batch.put(NAMES, &entry.token_id, entry).unwrap();
                    batch.name_changed(&entry.label);
                }
                Write::Primary(owner, token_id) => {
                    let old = batch.get(PRIMARY, owner).unwrap();
                    for token in [Some(*token_id), old.map(|p| p.token_id)]
                        .into_iter()
                        .flatten()
                    {
                        if let Some(entry) = batch.get(NAMES, &token).unwrap() {
                            batch.name_changed(&entry.label);
                        }
                    }
                    let primary = PrimaryEntry {
                        token_id: *token_id,
                        changed_block: 10,
                    };
                    batch.put(PRIMARY, owner, &primary).unwrap();
                }
                Write::Premium => {
                    let premium = PremiumEntry {
                        expiry: 1,
                        changed_block: 10,
                    };
                    batch.put(PREMIUM, &B256::repeat_byte(1), &premium).unwrap();
                }
            }
        }
        batch.commit(testing::cursor(10)).unwrap();
    }

    /// The names-table write of `label`'s entry, at expiry `expiry`.
    fn entry(label: &str, expiry: u64) -> Write {
        let token_id = sesh_core::Name::parse(label).unwrap().token_id();
        Write::Name(NameEntry {
            label: label.into(),
            token_id,
            owner: Address::repeat_byte(9),
            expiry,
            session_key: B256::ZERO,
            evm_address: Address::ZERO,
            flag: None,
            changed_block: 10,
        })
    }

    /// The primary-table write that makes `label` the primary name of `owner`.
    fn primary(owner: Address, label: &str) -> Write {
        Write::Primary(owner, sesh_core::Name::parse(label).unwrap().token_id())
    }

    fn cache_all(answers: &NameAnswers, store: &Store, labels: &[&str]) {
        for label in labels {
            answers.put(label, rendered(9), store.names_generation(), store);
        }
    }

    #[test]
    fn a_commit_drops_the_names_it_changed_and_no_others() {
        let (_dir, store) = testing::store();
        commit(&store, &[entry("a", 9), entry("b", 9), entry("c", 9)]);
        let answers = NameAnswers::new(1 << 20, &store);
        cache_all(&answers, &store, &["a", "b", "c"]);
        assert_eq!(answers.len(), 3);
        commit(&store, &[entry("b", 99)]);
        assert!(answers.get("a").is_some());
        assert!(answers.get("b").is_none());
        assert!(answers.get("c").is_some());

        // A primary name moving from a to c changes both answers, and only those.
        let owner = Address::repeat_byte(9);
        commit(&store, &[primary(owner, "a")]);
        assert!(answers.get("a").is_none());
        cache_all(&answers, &store, &["a", "b"]);
        commit(&store, &[primary(owner, "c")]);
        assert!(answers.get("a").is_none());
        assert!(answers.get("c").is_none());
        assert!(answers.get("b").is_some());
    }

    #[test]
    fn an_answer_read_before_a_commit_is_not_kept() {
        let (_dir, store) = testing::store();
        let answers = NameAnswers::new(1 << 20, &store);
        let read_at = store.names_generation();
        // A commit lands between the read and the insert: its invalidation already ran.
        commit(&store, &[entry("a", 9)]);
        answers.put("a", rendered(9), read_at, &store);
        assert!(answers.get("a").is_none());
        // A commit that touches nothing about names does not move the generation.
        let read_at = store.names_generation();
        commit(&store, &[Write::Premium]);
        answers.put("a", rendered(9), read_at, &store);
        assert!(answers.get("a").is_some());
    }

    #[test]
    fn a_rewind_drops_everything() {
        let (_dir, store) = testing::store();
        let answers = NameAnswers::new(1 << 20, &store);
        cache_all(&answers, &store, &["a"]);
        store.rewind(testing::cursor(0)).unwrap();
        assert!(answers.is_empty());
    }

    #[test]
    fn caches_stay_within_their_bytes_and_zero_disables_them() {
        let (_dir, store) = testing::store();
        let budget = 64 * 1024;
        let answers = NameAnswers::new(budget, &store);
        for index in 0..1_000u64 {
            answers.put(
                &format!("n{index}"),
                rendered(9),
                store.names_generation(),
                &store,
            );
        }
        assert!(answers.weight() <= budget, "{}", answers.weight());
        assert!(answers.len() < 1_000 && !answers.is_empty());

        let disabled = NameAnswers::new(0, &store);
        disabled.put("a", rendered(9), store.names_generation(), &store);
        assert!(disabled.get("a").is_none());
        let signatures = Signatures::new(0);
        signatures.put(Kind::Name, b"k", 1, vec![1], signed(1).attestation);
        assert!(signatures.get(Kind::Name, b"k", 1, &[1]).is_none());
    }

    #[test]
    fn a_signature_is_reused_only_for_the_same_bytes_and_block() {
        let signatures = Signatures::new(1 << 20);
        let attestation = signed(1).attestation;
        signatures.put(Kind::Name, b"k", 5, vec![1, 2], attestation.clone());
        assert_eq!(
            signatures
                .get(Kind::Name, b"k", 5, &[1, 2])
                .map(|a| a.signature),
            Some(attestation.signature)
        );
        assert!(signatures.get(Kind::Name, b"k", 6, &[1, 2]).is_none());
        assert!(signatures.get(Kind::Name, b"k", 5, &[1, 3]).is_none());
        assert!(signatures.get(Kind::Head, b"k", 5, &[1, 2]).is_none());
    }
}
