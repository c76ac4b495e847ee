//! The index, in one redb file (`<data dir>/index.redb`).
//!
//! Every batch of blocks is applied in ONE write transaction that also moves the
//! chain cursor, so after a crash the index is exactly as it was after some
//! batch: nothing lost, nothing applied twice. Every change to an index key also
//! writes the key's previous value to the undo log under the block that changed
//! it, so a reorg rewinds by replaying the undo log backwards (also in one
//! transaction).

pub mod ons;
pub mod tables;
#[cfg(test)]
pub(crate) mod testing;

use alloy::primitives::{Address, B256};
use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, WriteTransaction};
use sesh_core::deployment::Contracts;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use tables::{
    BLOCKS, IndexTable, META, META_CHAIN, META_CONTRACTS, META_CURSOR, META_SCHEMA, SCHEMA_VERSION,
    UNDO,
};

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// redb failed.
    #[error("index database: {0}")]
    Db(#[from] redb::Error),
    /// A stored value does not decode.
    #[error("index database holds a malformed {what}")]
    Corrupt {
        /// What did not decode.
        what: &'static str,
    },
    /// The data folder belongs to another schema version.
    #[error(
        "index schema version {found} in the data folder, this node needs {expected}: move the folder away and let the node rebuild it from the chain"
    )]
    Schema {
        /// Version on disk.
        found: u32,
        /// Version of this build.
        expected: u32,
    },
    /// The data folder indexes another chain or deployment.
    #[error(
        "the data folder indexes {found}, but the node is configured for {expected}: use another data folder"
    )]
    OtherDeployment {
        /// What the folder holds.
        found: String,
        /// What the configuration says.
        expected: String,
    },
}

crate::error::from_redb_errors!(StoreError);

/// A `Result` of the store.
pub type StoreResult<T> = Result<T, StoreError>;

/// The last block the index is complete up to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// Block number.
    pub number: u64,
    /// Its hash (zero for the block before the deploy block, which was never fetched).
    pub hash: B256,
    /// Its timestamp (0 when not fetched).
    pub timestamp: u64,
}

impl Cursor {
    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(48);
        out.extend_from_slice(&self.number.to_be_bytes());
        out.extend_from_slice(self.hash.as_slice());
        out.extend_from_slice(&self.timestamp.to_be_bytes());
        out
    }

    fn decode(bytes: &[u8]) -> StoreResult<Self> {
        if bytes.len() != 48 {
            return Err(StoreError::Corrupt { what: "cursor" });
        }
        Ok(Self {
            number: u64::from_be_bytes(bytes[..8].try_into().expect("8 bytes")),
            hash: B256::from_slice(&bytes[8..40]),
            timestamp: u64::from_be_bytes(bytes[40..].try_into().expect("8 bytes")),
        })
    }
}

/// What a committed change may have changed in a name answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NamesChanged {
    /// These names (labels): their entry changed, or their owner's primary name did.
    Some(BTreeSet<String>),
    /// Any name (a reorg rewind or a reset).
    All,
}

/// A function told of every committed change to names.
pub type NamesWatcher = Box<dyn Fn(&NamesChanged) + Send + Sync>;

/// Tells watchers (the node's answer cache) what each commit changed. The generation moves
/// before the watchers run, so a reader that samples it before reading the index and again
/// after caching what it read knows whether a commit may have slipped in between.
#[derive(Default)]
struct NamesFeed {
    generation: AtomicU64,
    watchers: RwLock<Vec<NamesWatcher>>,
}

impl NamesFeed {
    fn publish(&self, changed: &NamesChanged) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        for watcher in self.watchers.read().expect("watchers lock").iter() {
            watcher(changed);
        }
    }
}

impl std::fmt::Debug for NamesFeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NamesFeed")
            .field("generation", &self.generation)
            .finish_non_exhaustive()
    }
}

/// The redb index.
#[derive(Debug)]
pub struct Store {
    db: Database,
    names_feed: Arc<NamesFeed>,
}

impl Store {
    /// Opens (or creates) the index at `path` for `chain_id` and `contracts`, starting a new
    /// index just before `deploy_block`.
    pub fn open(
        path: &Path,
        chain_id: u64,
        contracts: &Contracts,
        deploy_block: u64,
    ) -> StoreResult<Self> {
        let db = Database::create(path)?;
        let store = Self {
            db,
            names_feed: Arc::default(),
        };
        let expected = serde_json::to_vec(contracts).expect("contracts serialize");
        let txn = store.db.begin_write()?;
        {
            let mut meta = txn.open_table(META)?;
            let schema = meta.get(META_SCHEMA)?.map(|v| v.value().to_vec());
            match schema {
                None => {
                    meta.insert(META_SCHEMA, SCHEMA_VERSION.to_be_bytes().as_slice())?;
                    meta.insert(META_CHAIN, chain_id.to_be_bytes().as_slice())?;
                    meta.insert(META_CONTRACTS, expected.as_slice())?;
                    let cursor = Cursor {
                        number: deploy_block.saturating_sub(1),
                        hash: B256::ZERO,
                        timestamp: 0,
                    };
                    meta.insert(META_CURSOR, cursor.encode().as_slice())?;
                }
                Some(bytes) => {
                    let found = u32::from_be_bytes(
                        bytes
                            .as_slice()
                            .try_into()
                            .map_err(|_| StoreError::Corrupt { what: "schema" })?,
                    );
                    if found != SCHEMA_VERSION {
                        return Err(StoreError::Schema {
                            found,
                            expected: SCHEMA_VERSION,
                        });
                    }
                    let chain = meta
                        .get(META_CHAIN)?
                        .map(|v| v.value().to_vec())
                        .unwrap_or_default();
                    let stored = meta
                        .get(META_CONTRACTS)?
                        .map(|v| v.value().to_vec())
                        .unwrap_or_default();
                    if chain != chain_id.to_be_bytes() || stored != expected {
                        return Err(StoreError::OtherDeployment {
                            found: format!(
                                "chain {} contracts {}",
                                chain
                                    .as_slice()
                                    .try_into()
                                    .map(u64::from_be_bytes)
                                    .unwrap_or(0),
                                String::from_utf8_lossy(&stored)
                            ),
                            expected: format!(
                                "chain {chain_id} contracts {}",
                                String::from_utf8_lossy(&expected)
                            ),
                        });
                    }
                }
            }
            drop(meta);
            txn.open_table(BLOCKS)?;
            txn.open_table(UNDO)?;
            for table in IndexTable::ALL {
                txn.open_table(table.def())?;
            }
        }
        txn.commit()?;
        Ok(store)
    }

    /// The cursor: the index is complete up to this block.
    pub fn cursor(&self) -> StoreResult<Cursor> {
        let txn = self.db.begin_read()?;
        let meta = txn.open_table(META)?;
        let bytes = meta
            .get(META_CURSOR)?
            .ok_or(StoreError::Corrupt { what: "cursor" })?;
        Cursor::decode(bytes.value())
    }

    /// The stored hash of block `number`, if the index kept it.
    pub fn block_hash(&self, number: u64) -> StoreResult<Option<B256>> {
        let txn = self.db.begin_read()?;
        let blocks = txn.open_table(BLOCKS)?;
        Ok(blocks.get(number)?.map(|v| B256::from_slice(v.value())))
    }

    /// The stored block hashes at or below `number`, newest first (at most `limit`).
    pub fn block_hashes_below(&self, number: u64, limit: usize) -> StoreResult<Vec<(u64, B256)>> {
        let txn = self.db.begin_read()?;
        let blocks = txn.open_table(BLOCKS)?;
        let mut out = Vec::new();
        for entry in blocks.range(..=number)?.rev().take(limit) {
            let (key, value) = entry?;
            out.push((key.value(), B256::from_slice(value.value())));
        }
        Ok(out)
    }

    /// One value of an index table.
    pub fn get(&self, table: IndexTable, key: &[u8]) -> StoreResult<Option<Vec<u8>>> {
        let txn = self.db.begin_read()?;
        let t = txn.open_table(table.def())?;
        Ok(t.get(key)?.map(|v| v.value().to_vec()))
    }

    /// Every entry of an index table whose key starts with `prefix`, in key order.
    pub fn scan_prefix(
        &self,
        table: IndexTable,
        prefix: &[u8],
    ) -> StoreResult<Vec<(Vec<u8>, Vec<u8>)>> {
        let txn = self.db.begin_read()?;
        let t = txn.open_table(table.def())?;
        let mut out = Vec::new();
        for entry in t.range(prefix..)? {
            let (key, value) = entry?;
            if !key.value().starts_with(prefix) {
                break;
            }
            out.push((key.value().to_vec(), value.value().to_vec()));
        }
        Ok(out)
    }

    /// Calls `watcher` after every commit that changed a name answer (from the committing
    /// thread: keep it short).
    pub fn watch_names(&self, watcher: impl Fn(&NamesChanged) + Send + Sync + 'static) {
        self.names_feed
            .watchers
            .write()
            .expect("watchers lock")
            .push(Box::new(watcher));
    }

    /// How many commits have changed name answers so far (see [`Store::watch_names`]).
    pub fn names_generation(&self) -> u64 {
        self.names_feed.generation.load(Ordering::SeqCst)
    }

    /// Starts a batch; nothing is visible until [`Batch::commit`].
    pub fn batch(&self) -> StoreResult<Batch> {
        Ok(Batch {
            txn: self.db.begin_write()?,
            block: 0,
            seq: 0,
            touched: HashSet::new(),
            names_changed: BTreeSet::new(),
            names_feed: self.names_feed.clone(),
        })
    }

    /// Undoes every block after `to` and moves the cursor back to `to` (one transaction).
    /// Returns how many index changes were undone.
    pub fn rewind(&self, to: Cursor) -> StoreResult<usize> {
        let txn = self.db.begin_write()?;
        let mut undone = 0;
        {
            let mut undo = txn.open_table(UNDO)?;
            let mut entries = Vec::new();
            for entry in undo.range((to.number + 1, 0)..)? {
                let (key, value) = entry?;
                entries.push((key.value(), value.value().to_vec()));
            }
            for (key, value) in entries.iter().rev() {
                let (table, index_key, old) = decode_undo(value)?;
                let mut t = txn.open_table(table.def())?;
                match old {
                    Some(old) => t.insert(index_key.as_slice(), old.as_slice())?,
                    None => t.remove(index_key.as_slice())?,
                };
                undo.remove(key)?;
                undone += 1;
            }
            let mut blocks = txn.open_table(BLOCKS)?;
            let later: Vec<u64> = blocks
                .range(to.number + 1..)?
                .map(|e| e.map(|(k, _)| k.value()))
                .collect::<Result<_, _>>()?;
            for number in later {
                blocks.remove(number)?;
            }
            let mut meta = txn.open_table(META)?;
            meta.insert(META_CURSOR, to.encode().as_slice())?;
        }
        txn.commit()?;
        self.names_feed.publish(&NamesChanged::All);
        Ok(undone)
    }

    /// Empties the index and puts the cursor just before `deploy_block` (a reorg deeper than
    /// the undo log reaches).
    pub fn reset(&self, deploy_block: u64) -> StoreResult<()> {
        let txn = self.db.begin_write()?;
        {
            for table in IndexTable::ALL {
                txn.open_table(table.def())?.retain(|_, _| false)?;
            }
            txn.open_table(UNDO)?.retain(|_, _| false)?;
            txn.open_table(BLOCKS)?.retain(|_, _| false)?;
            let cursor = Cursor {
                number: deploy_block.saturating_sub(1),
                hash: B256::ZERO,
                timestamp: 0,
            };
            txn.open_table(META)?
                .insert(META_CURSOR, cursor.encode().as_slice())?;
        }
        txn.commit()?;
        self.names_feed.publish(&NamesChanged::All);
        Ok(())
    }

    /// Every index table and the cursor, as text (for comparing two indexes).
    pub fn dump(&self) -> StoreResult<BTreeMap<String, BTreeMap<String, String>>> {
        let txn = self.db.begin_read()?;
        let mut out = BTreeMap::new();
        for table in IndexTable::ALL {
            let t = txn.open_table(table.def())?;
            let mut rows = BTreeMap::new();
            for entry in t.iter()? {
                let (key, value) = entry?;
                rows.insert(
                    hex::encode(key.value()),
                    String::from_utf8(value.value().to_vec())
                        .unwrap_or_else(|e| hex::encode(e.as_bytes())),
                );
            }
            out.insert(table.name().to_string(), rows);
        }
        let cursor = self.cursor()?;
        out.insert(
            "cursor".into(),
            BTreeMap::from([("number".to_string(), cursor.number.to_string())]),
        );
        Ok(out)
    }

    /// How many rows an index table holds.
    pub fn count(&self, table: IndexTable) -> StoreResult<u64> {
        let txn = self.db.begin_read()?;
        Ok(txn.open_table(table.def())?.len()?)
    }
}

/// One write transaction: index changes with their undo entries, and the new cursor.
pub struct Batch {
    txn: WriteTransaction,
    block: u64,
    seq: u32,
    touched: HashSet<(IndexTable, Vec<u8>)>,
    names_changed: BTreeSet<String>,
    names_feed: Arc<NamesFeed>,
}

impl std::fmt::Debug for Batch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batch").field("block", &self.block).finish()
    }
}

impl Batch {
    /// Changes from now on belong to `block` (blocks must come in ascending order).
    pub fn set_block(&mut self, block: u64) -> StoreResult<()> {
        if block != self.block || self.seq == 0 {
            self.block = block;
            self.touched.clear();
            // Continue after any undo entry an earlier batch wrote for the same block.
            let undo = self.txn.open_table(UNDO)?;
            let last = undo.range((block, 0)..=(block, u32::MAX))?.next_back();
            self.seq = match last {
                Some(entry) => entry?.0.value().1 + 1,
                None => 0,
            };
        }
        Ok(())
    }

    /// Reads a value, seeing this batch's own writes.
    pub fn get(&self, table: IndexTable, key: &[u8]) -> StoreResult<Option<Vec<u8>>> {
        let t = self.txn.open_table(table.def())?;
        Ok(t.get(key)?.map(|v| v.value().to_vec()))
    }

    /// Every entry whose key starts with `prefix`, seeing this batch's own writes.
    pub fn scan_prefix(
        &self,
        table: IndexTable,
        prefix: &[u8],
    ) -> StoreResult<Vec<(Vec<u8>, Vec<u8>)>> {
        let t = self.txn.open_table(table.def())?;
        let mut out = Vec::new();
        for entry in t.range(prefix..)? {
            let (key, value) = entry?;
            if !key.value().starts_with(prefix) {
                break;
            }
            out.push((key.value().to_vec(), value.value().to_vec()));
        }
        Ok(out)
    }

    fn remember(&mut self, table: IndexTable, key: &[u8]) -> StoreResult<()> {
        if !self.touched.insert((table, key.to_vec())) {
            return Ok(());
        }
        let old = self.get(table, key)?;
        let entry = encode_undo(table, key, old.as_deref());
        self.txn
            .open_table(UNDO)?
            .insert((self.block, self.seq), entry.as_slice())?;
        self.seq += 1;
        Ok(())
    }

    /// Notes which name answers a write to `table` at `key` changes: a name entry changes its
    /// own (`label`, the written entry's; a label, once set, never changes, so only a write
    /// without one looks at the entry it replaces); a primary-name change changes the old
    /// primary's and the new one's (`new`). Names are noted by label, what lookups ask by; an
    /// entry without a label is not served.
    fn note_names_changed(
        &mut self,
        table: IndexTable,
        key: &[u8],
        new: Option<&[u8]>,
        label: Option<&str>,
    ) -> StoreResult<()> {
        match table {
            IndexTable::Names => {
                let label = match label {
                    Some(label) => Some(label.to_string()),
                    None => self.get(table, key)?.as_deref().and_then(label_of),
                };
                self.names_changed.extend(label);
            }
            IndexTable::Primary => {
                let old = self.get(table, key)?;
                for value in [new, old.as_deref()].into_iter().flatten() {
                    if let Some(token) = value.get(..32)
                        && let Some(entry) = self.get(IndexTable::Names, token)?
                    {
                        self.names_changed.extend(label_of(&entry));
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Writes a value (and its undo entry).
    pub fn put(&mut self, table: IndexTable, key: &[u8], value: &[u8]) -> StoreResult<()> {
        let label = match table {
            IndexTable::Names => label_of(value),
            _ => None,
        };
        self.note_names_changed(table, key, Some(value), label.as_deref())?;
        self.remember(table, key)?;
        self.txn.open_table(table.def())?.insert(key, value)?;
        if let Some(label) = label {
            ons::name_written(self, key, &label)?;
        }
        Ok(())
    }

    /// Deletes a value (and writes its undo entry).
    pub fn delete(&mut self, table: IndexTable, key: &[u8]) -> StoreResult<()> {
        if self.get(table, key)?.is_none() {
            return Ok(());
        }
        self.note_names_changed(table, key, None, None)?;
        self.remember(table, key)?;
        self.txn.open_table(table.def())?.remove(key)?;
        Ok(())
    }

    /// Remembers the hash of block `number` for reorg detection.
    pub fn put_block_hash(&mut self, number: u64, hash: B256) -> StoreResult<()> {
        self.txn
            .open_table(BLOCKS)?
            .insert(number, hash.as_slice())?;
        Ok(())
    }

    /// Drops undo entries and block hashes older than `before` (they can no longer be
    /// reorged), keeping the newest block hash below it so a rewind always has a target.
    pub fn prune_before(&mut self, before: u64) -> StoreResult<()> {
        let mut undo = self.txn.open_table(UNDO)?;
        let old: Vec<(u64, u32)> = undo
            .range(..(before, 0))?
            .map(|e| e.map(|(k, _)| k.value()))
            .collect::<Result<_, _>>()?;
        for key in old {
            undo.remove(key)?;
        }
        let mut blocks = self.txn.open_table(BLOCKS)?;
        let old: Vec<u64> = blocks
            .range(..before)?
            .map(|e| e.map(|(k, _)| k.value()))
            .collect::<Result<_, _>>()?;
        for number in old.iter().rev().skip(1) {
            blocks.remove(*number)?;
        }
        Ok(())
    }

    /// Moves the cursor and commits everything at once.
    pub fn commit(self, cursor: Cursor) -> StoreResult<()> {
        self.txn
            .open_table(META)?
            .insert(META_CURSOR, cursor.encode().as_slice())?;
        self.txn.commit()?;
        if !self.names_changed.is_empty() {
            self.names_feed
                .publish(&NamesChanged::Some(self.names_changed));
        }
        Ok(())
    }
}

/// The label of a stored name entry (`None` without one, or for a value that is not an entry).
fn label_of(entry: &[u8]) -> Option<String> {
    serde_json::from_slice::<crate::model::NameEntry>(entry)
        .ok()
        .map(|entry| entry.label)
        .filter(|label| !label.is_empty())
}

fn encode_undo(table: IndexTable, key: &[u8], old: Option<&[u8]>) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + key.len() + old.map_or(0, <[u8]>::len));
    out.push(table.id());
    out.extend_from_slice(
        &u16::try_from(key.len())
            .expect("index keys are short")
            .to_be_bytes(),
    );
    out.extend_from_slice(key);
    match old {
        Some(old) => {
            out.push(1);
            out.extend_from_slice(old);
        }
        None => out.push(0),
    }
    out
}

type UndoEntry = (IndexTable, Vec<u8>, Option<Vec<u8>>);

fn decode_undo(bytes: &[u8]) -> StoreResult<UndoEntry> {
    let corrupt = StoreError::Corrupt { what: "undo entry" };
    let (&id, rest) = bytes
        .split_first()
        .ok_or(StoreError::Corrupt { what: "undo entry" })?;
    let table = IndexTable::from_id(id).ok_or(StoreError::Corrupt { what: "undo entry" })?;
    if rest.len() < 3 {
        return Err(corrupt);
    }
    let len = usize::from(u16::from_be_bytes([rest[0], rest[1]]));
    let rest = &rest[2..];
    if rest.len() < len + 1 {
        return Err(corrupt);
    }
    let key = rest[..len].to_vec();
    let old = match rest[len] {
        0 => None,
        1 => Some(rest[len + 1..].to_vec()),
        _ => return Err(corrupt),
    };
    Ok((table, key, old))
}

/// Key helpers.
pub mod keys {
    use super::*;
    use alloy::primitives::U256;

    /// A token id as 32 bytes.
    pub fn token(token_id: U256) -> [u8; 32] {
        token_id.to_be_bytes()
    }

    /// `a ‖ b`.
    pub fn concat(a: &[u8], b: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(a.len() + b.len());
        out.extend_from_slice(a);
        out.extend_from_slice(b);
        out
    }

    /// owner ‖ token id.
    pub fn owner_name(owner: Address, token_id: U256) -> Vec<u8> {
        concat(owner.as_slice(), &token(token_id))
    }

    /// session key ‖ token id.
    pub fn session_name(session_key: B256, token_id: U256) -> Vec<u8> {
        concat(session_key.as_slice(), &token(token_id))
    }

    /// token id ‖ bidder.
    pub fn offer(token_id: U256, bidder: Address) -> Vec<u8> {
        concat(&token(token_id), bidder.as_slice())
    }

    /// block ‖ log index.
    pub fn position(block: u64, log_index: u64) -> [u8; 16] {
        let mut out = [0u8; 16];
        out[..8].copy_from_slice(&block.to_be_bytes());
        out[8..].copy_from_slice(&log_index.to_be_bytes());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{contracts, cursor};
    use super::*;

    fn write(store: &Store, block: u64, key: &[u8], value: Option<&[u8]>) {
        let mut batch = store.batch().unwrap();
        batch.set_block(block).unwrap();
        match value {
            Some(value) => batch.put(IndexTable::Names, key, value).unwrap(),
            None => batch.delete(IndexTable::Names, key).unwrap(),
        }
        batch.put_block_hash(block, cursor(block).hash).unwrap();
        batch.commit(cursor(block)).unwrap();
    }

    #[test]
    fn a_new_store_starts_before_the_deploy_block_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.redb");
        let store = Store::open(&path, 31337, &contracts(), 10).unwrap();
        assert_eq!(store.cursor().unwrap().number, 9);
        write(&store, 10, b"k", Some(b"v"));
        drop(store);
        let store = Store::open(&path, 31337, &contracts(), 10).unwrap();
        assert_eq!(store.cursor().unwrap(), cursor(10));
        assert_eq!(
            store.get(IndexTable::Names, b"k").unwrap(),
            Some(b"v".to_vec())
        );
        drop(store);
        assert!(matches!(
            Store::open(&path, 1, &contracts(), 10),
            Err(StoreError::OtherDeployment { .. })
        ));
    }

    #[test]
    fn an_uncommitted_batch_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("i.redb"), 1, &contracts(), 1).unwrap();
        {
            let mut batch = store.batch().unwrap();
            batch.set_block(1).unwrap();
            batch.put(IndexTable::Names, b"k", b"v").unwrap();
            // dropped without commit, as a crash would
        }
        assert_eq!(store.get(IndexTable::Names, b"k").unwrap(), None);
        assert_eq!(store.cursor().unwrap().number, 0);
    }

    #[test]
    fn rewind_restores_every_key_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("i.redb"), 1, &contracts(), 1).unwrap();
        write(&store, 1, b"a", Some(b"1"));
        write(&store, 2, b"a", Some(b"2"));
        write(&store, 2, b"b", Some(b"x"));
        write(&store, 3, b"a", None);
        write(&store, 3, b"c", Some(b"y"));
        let at_two = store.dump().unwrap();

        write(&store, 4, b"a", Some(b"4"));
        assert_eq!(store.rewind(cursor(3)).unwrap(), 1);
        assert_eq!(store.get(IndexTable::Names, b"a").unwrap(), None);

        store.rewind(cursor(2)).unwrap();
        assert_eq!(
            store.get(IndexTable::Names, b"a").unwrap(),
            Some(b"2".to_vec())
        );
        assert_eq!(store.get(IndexTable::Names, b"c").unwrap(), None);
        assert_eq!(store.block_hash(3).unwrap(), None);
        assert_eq!(store.block_hash(2).unwrap(), Some(cursor(2).hash));
        assert_ne!(at_two, store.dump().unwrap());

        store.rewind(cursor(0)).unwrap();
        assert_eq!(store.count(IndexTable::Names).unwrap(), 0);
        assert_eq!(store.cursor().unwrap().number, 0);
    }

    #[test]
    fn pruning_keeps_the_newest_old_block_hash() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("i.redb"), 1, &contracts(), 1).unwrap();
        for block in 1..=5 {
            write(&store, block, b"a", Some(&[block as u8]));
        }
        let mut batch = store.batch().unwrap();
        batch.prune_before(4).unwrap();
        batch.commit(cursor(5)).unwrap();
        let hashes = store.block_hashes_below(10, 10).unwrap();
        let numbers: Vec<u64> = hashes.iter().map(|(n, _)| *n).collect();
        assert_eq!(numbers, vec![5, 4, 3]);
    }

    #[test]
    fn undo_entries_round_trip() {
        let entry = encode_undo(IndexTable::Offers, b"key", Some(b"old"));
        assert_eq!(
            decode_undo(&entry).unwrap(),
            (IndexTable::Offers, b"key".to_vec(), Some(b"old".to_vec()))
        );
        let entry = encode_undo(IndexTable::Names, b"", None);
        assert_eq!(
            decode_undo(&entry).unwrap(),
            (IndexTable::Names, vec![], None)
        );
        assert!(decode_undo(&[99, 0, 0, 0]).is_err());
    }
}
