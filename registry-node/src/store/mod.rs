//! The index, in one redb file (`<data dir>/index.redb`).
//!
//! Every batch of blocks is applied in ONE write transaction that also moves the
//! chain cursor, so after a crash the index is exactly as it was after some
//! batch: nothing lost, nothing applied twice. Every change to an index key also
//! writes the key's previous value to the undo log under the block that changed
//! it, so a reorg rewinds by replaying the undo log backwards (also in one
//! transaction).
//!
//! Access is typed ([`table`]): a [`Table`] constant of [`tables`] knows its key
//! and value types, [`Store::read`] and [`Batch`] take and give those types, and
//! the undo log below works on the bytes underneath. The store knows nothing of
//! what the rows mean: which secondary rows a change implies, and which names a
//! commit changed, are the indexer's to say (`crate::indexer::apply`).

pub(crate) mod table;
pub(crate) mod tables;
#[cfg(test)]
pub(crate) mod testing;

use alloy::primitives::B256;
use redb::{
    Database, ReadTransaction, ReadableDatabase, ReadableTable, ReadableTableMetadata,
    WriteTransaction,
};
use sesh_core::deployment::Contracts;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use table::{Codec, DecodeError, HasPrefix, Table};
use tables::{
    BLOCKS, IndexTable, META, META_CHAIN, META_CONTRACTS, META_CURSOR, META_SCHEMA, SCHEMA_VERSION,
    UNDO,
};

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum StoreError {
    /// redb failed.
    #[error("index database: {0}")]
    Db(#[from] redb::Error),
    /// A stored value does not decode.
    #[error("index database holds a malformed {what}")]
    Corrupt {
        /// What did not decode.
        what: &'static str,
    },
    /// A row of an index table does not decode as its table's types.
    #[error("index table {table} holds a malformed row")]
    Malformed {
        /// The table.
        table: &'static str,
        /// Why it does not decode.
        source: DecodeError,
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

table::from_redb_errors!(StoreError);

/// A `Result` of the store.
pub(crate) type StoreResult<T> = Result<T, StoreError>;

/// The last block the index is complete up to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cursor {
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
pub(crate) enum NamesChanged {
    /// These names (labels): their entry changed, or their owner's primary name did.
    Some(BTreeSet<String>),
    /// Any name (a reorg rewind or a reset).
    All,
}

/// A function told of every committed change to names.
pub(crate) type NamesWatcher = Box<dyn Fn(&NamesChanged) + Send + Sync>;

/// Tells watchers (the node's answer cache) what each commit changed, and counts commits.
/// The names generation moves before the watchers run, so a reader that samples it before
/// reading the index and again after caching what it read knows whether a commit may have
/// slipped in between; the commit generation moves after every commit, rewind and reset, for
/// whatever is derived from the whole index ([`Store::generation`]).
#[derive(Default)]
struct Feed {
    generation: AtomicU64,
    commits: AtomicU64,
    watchers: RwLock<Vec<NamesWatcher>>,
}

impl Feed {
    fn committed(&self, changed: Option<&NamesChanged>) {
        self.commits.fetch_add(1, Ordering::SeqCst);
        let Some(changed) = changed else {
            return;
        };
        self.generation.fetch_add(1, Ordering::SeqCst);
        for watcher in self.watchers.read().expect("watchers lock").iter() {
            watcher(changed);
        }
    }
}

impl std::fmt::Debug for Feed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Feed")
            .field("generation", &self.generation)
            .field("commits", &self.commits)
            .finish_non_exhaustive()
    }
}

/// The redb index.
#[derive(Debug)]
pub(crate) struct Store {
    db: Database,
    feed: Arc<Feed>,
}

impl Store {
    /// Opens (or creates) the index at `path` for `chain_id` and `contracts`, starting a new
    /// index just before `deploy_block`, with a 64 MiB cache (tests).
    #[cfg(test)]
    pub(crate) fn open(
        path: &Path,
        chain_id: u64,
        contracts: &Contracts,
        deploy_block: u64,
    ) -> StoreResult<Self> {
        Self::open_with_cache(path, chain_id, contracts, deploy_block, 64 << 20)
    }

    /// Opens (or creates) the index at `path` for `chain_id` and `contracts`, starting a new
    /// index just before `deploy_block`, with redb's page cache bounded to `cache_bytes`
    /// (redb's own default is 1 GiB a file: a ceiling, but the pages it once held stay
    /// resident).
    pub(crate) fn open_with_cache(
        path: &Path,
        chain_id: u64,
        contracts: &Contracts,
        deploy_block: u64,
        cache_bytes: usize,
    ) -> StoreResult<Self> {
        let db = Database::builder()
            .set_cache_size(cache_bytes)
            .create(path)?;
        let store = Self {
            db,
            feed: Arc::default(),
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
    pub(crate) fn cursor(&self) -> StoreResult<Cursor> {
        let txn = self.db.begin_read()?;
        let meta = txn.open_table(META)?;
        let bytes = meta
            .get(META_CURSOR)?
            .ok_or(StoreError::Corrupt { what: "cursor" })?;
        Cursor::decode(bytes.value())
    }

    /// The stored hash of block `number`, if the index kept it.
    #[cfg(test)]
    pub(crate) fn block_hash(&self, number: u64) -> StoreResult<Option<B256>> {
        let txn = self.db.begin_read()?;
        let blocks = txn.open_table(BLOCKS)?;
        Ok(blocks.get(number)?.map(|v| B256::from_slice(v.value())))
    }

    /// The stored block hashes at or below `number`, newest first (at most `limit`).
    pub(crate) fn block_hashes_below(
        &self,
        number: u64,
        limit: usize,
    ) -> StoreResult<Vec<(u64, B256)>> {
        let txn = self.db.begin_read()?;
        let blocks = txn.open_table(BLOCKS)?;
        let mut out = Vec::new();
        for entry in blocks.range(..=number)?.rev().take(limit) {
            let (key, value) = entry?;
            out.push((key.value(), B256::from_slice(value.value())));
        }
        Ok(out)
    }

    /// A consistent view of the index as of the last commit: every read through it sees the
    /// same commit, whatever commits after.
    pub(crate) fn read(&self) -> StoreResult<Reader> {
        Ok(Reader {
            txn: self.db.begin_read()?,
        })
    }

    /// Calls `watcher` after every commit that changed a name answer (from the committing
    /// thread: keep it short).
    pub(crate) fn watch_names(&self, watcher: impl Fn(&NamesChanged) + Send + Sync + 'static) {
        self.feed
            .watchers
            .write()
            .expect("watchers lock")
            .push(Box::new(watcher));
    }

    /// How many commits have changed name answers so far (see [`Store::watch_names`]).
    pub(crate) fn names_generation(&self) -> u64 {
        self.feed.generation.load(Ordering::SeqCst)
    }

    /// How many commits, rewinds and resets the index has gone through since it was opened.
    /// Anything derived from the index and tagged with the generation sampled BEFORE reading
    /// it is current while the generation has not moved.
    pub(crate) fn generation(&self) -> u64 {
        self.feed.commits.load(Ordering::SeqCst)
    }

    /// Starts a batch; nothing is visible until [`Batch::commit`].
    pub(crate) fn batch(&self) -> StoreResult<Batch> {
        Ok(Batch {
            txn: self.db.begin_write()?,
            block: 0,
            seq: 0,
            touched: HashSet::new(),
            names_changed: BTreeSet::new(),
            feed: self.feed.clone(),
        })
    }

    /// Undoes every block after `to` and moves the cursor back to `to` (one transaction).
    /// Returns how many index changes were undone.
    pub(crate) fn rewind(&self, to: Cursor) -> StoreResult<usize> {
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
        self.feed.committed(Some(&NamesChanged::All));
        Ok(undone)
    }

    /// Empties the index and puts the cursor just before `deploy_block` (a reorg deeper than
    /// the undo log reaches).
    pub(crate) fn reset(&self, deploy_block: u64) -> StoreResult<()> {
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
        self.feed.committed(Some(&NamesChanged::All));
        Ok(())
    }

    /// Every index table and the cursor, as text (for comparing two indexes).
    pub(crate) fn dump(&self) -> StoreResult<BTreeMap<String, BTreeMap<String, String>>> {
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
}

/// A consistent, typed view of the index ([`Store::read`]).
pub(crate) struct Reader {
    txn: ReadTransaction,
}

impl std::fmt::Debug for Reader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reader").finish_non_exhaustive()
    }
}

impl Reader {
    /// The row of `key`.
    pub(crate) fn get<K: Codec, V: Codec>(
        &self,
        table: Table<K, V>,
        key: &K,
    ) -> StoreResult<Option<V>> {
        let t = self.txn.open_table(table.id().def())?;
        typed_get(&t, table, key)
    }

    /// Every row, in key order.
    pub(crate) fn scan<K: Codec, V: Codec>(&self, table: Table<K, V>) -> StoreResult<Vec<(K, V)>> {
        let t = self.txn.open_table(table.id().def())?;
        typed_rows(table, raw_prefix(&t, &[])?)
    }

    /// Every row whose key starts with `prefix` (the first part of a composite key), in key
    /// order.
    pub(crate) fn scan_prefix<K: Codec + HasPrefix<P>, V: Codec, P: Codec>(
        &self,
        table: Table<K, V>,
        prefix: &P,
    ) -> StoreResult<Vec<(K, V)>> {
        let t = self.txn.open_table(table.id().def())?;
        typed_rows(table, raw_prefix(&t, &prefix.encode())?)
    }

    /// The first row whose key is `key` or after it, else the table's first row (the seek
    /// wraps around): a row at random without reading the table, given a random `key`.
    pub(crate) fn seek_wrapping<K: Codec, V: Codec>(
        &self,
        table: Table<K, V>,
        key: &K,
    ) -> StoreResult<Option<(K, V)>> {
        let t = self.txn.open_table(table.id().def())?;
        let found = match t.range(key.encode().as_slice()..)?.next() {
            Some(entry) => Some(entry?),
            None => t.first()?,
        };
        found
            .map(|(k, v)| Ok((table.key(k.value())?, table.value(v.value())?)))
            .transpose()
    }

    /// How many rows the table holds.
    #[cfg_attr(not(test), expect(dead_code, reason = "only tests count rows"))]
    pub(crate) fn len<K: Codec, V: Codec>(&self, table: Table<K, V>) -> StoreResult<u64> {
        Ok(self.txn.open_table(table.id().def())?.len()?)
    }
}

fn typed_get<K: Codec, V: Codec>(
    t: &impl ReadableTable<&'static [u8], &'static [u8]>,
    table: Table<K, V>,
    key: &K,
) -> StoreResult<Option<V>> {
    t.get(key.encode().as_slice())?
        .map(|v| table.value(v.value()))
        .transpose()
}

fn raw_prefix(
    t: &impl ReadableTable<&'static [u8], &'static [u8]>,
    prefix: &[u8],
) -> StoreResult<Vec<(Vec<u8>, Vec<u8>)>> {
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

fn typed_rows<K: Codec, V: Codec>(
    table: Table<K, V>,
    rows: Vec<(Vec<u8>, Vec<u8>)>,
) -> StoreResult<Vec<(K, V)>> {
    rows.into_iter()
        .map(|(key, value)| Ok((table.key(&key)?, table.value(&value)?)))
        .collect()
}

/// One write transaction: index changes with their undo entries, and the new cursor.
pub(crate) struct Batch {
    txn: WriteTransaction,
    block: u64,
    seq: u32,
    touched: HashSet<(IndexTable, Vec<u8>)>,
    names_changed: BTreeSet<String>,
    feed: Arc<Feed>,
}

impl std::fmt::Debug for Batch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batch").field("block", &self.block).finish()
    }
}

impl Batch {
    /// Changes from now on belong to `block` (blocks must come in ascending order).
    pub(crate) fn set_block(&mut self, block: u64) -> StoreResult<()> {
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

    /// The row of `key`, seeing this batch's own writes.
    pub(crate) fn get<K: Codec, V: Codec>(
        &self,
        table: Table<K, V>,
        key: &K,
    ) -> StoreResult<Option<V>> {
        let t = self.txn.open_table(table.id().def())?;
        typed_get(&t, table, key)
    }

    /// Writes a row (and its undo entry).
    pub(crate) fn put<K: Codec, V: Codec>(
        &mut self,
        table: Table<K, V>,
        key: &K,
        value: &V,
    ) -> StoreResult<()> {
        self.put_raw(table.id(), &key.encode(), &value.encode())
    }

    /// Deletes a row (and writes its undo entry); nothing when there is none.
    pub(crate) fn delete<K: Codec, V: Codec>(
        &mut self,
        table: Table<K, V>,
        key: &K,
    ) -> StoreResult<()> {
        self.delete_raw(table.id(), &key.encode())
    }

    /// Tells the watchers of [`Store::watch_names`], once this batch commits, that the answer
    /// about the name `label` may have changed (the caller knows which names a change touches;
    /// the store does not).
    pub(crate) fn name_changed(&mut self, label: &str) {
        if !label.is_empty() && !self.names_changed.contains(label) {
            self.names_changed.insert(label.to_string());
        }
    }

    fn get_raw(&self, table: IndexTable, key: &[u8]) -> StoreResult<Option<Vec<u8>>> {
        let t = self.txn.open_table(table.def())?;
        Ok(t.get(key)?.map(|v| v.value().to_vec()))
    }

    fn put_raw(&mut self, table: IndexTable, key: &[u8], value: &[u8]) -> StoreResult<()> {
        self.remember(table, key)?;
        self.txn.open_table(table.def())?.insert(key, value)?;
        Ok(())
    }

    fn delete_raw(&mut self, table: IndexTable, key: &[u8]) -> StoreResult<()> {
        if self.get_raw(table, key)?.is_none() {
            return Ok(());
        }
        self.remember(table, key)?;
        self.txn.open_table(table.def())?.remove(key)?;
        Ok(())
    }

    /// Writes the key's value as it was before this block to the undo log (once per key and
    /// block).
    fn remember(&mut self, table: IndexTable, key: &[u8]) -> StoreResult<()> {
        if !self.touched.insert((table, key.to_vec())) {
            return Ok(());
        }
        let old = self.get_raw(table, key)?;
        let entry = encode_undo(table, key, old.as_deref());
        self.txn
            .open_table(UNDO)?
            .insert((self.block, self.seq), entry.as_slice())?;
        self.seq += 1;
        Ok(())
    }

    /// Remembers the hash of block `number` for reorg detection.
    pub(crate) fn put_block_hash(&mut self, number: u64, hash: B256) -> StoreResult<()> {
        self.txn
            .open_table(BLOCKS)?
            .insert(number, hash.as_slice())?;
        Ok(())
    }

    /// Drops undo entries and block hashes older than `before` (they can no longer be
    /// reorged), keeping the newest block hash below it so a rewind always has a target.
    pub(crate) fn prune_before(&mut self, before: u64) -> StoreResult<()> {
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
    pub(crate) fn commit(self, cursor: Cursor) -> StoreResult<()> {
        self.txn
            .open_table(META)?
            .insert(META_CURSOR, cursor.encode().as_slice())?;
        self.txn.commit()?;
        let changed =
            (!self.names_changed.is_empty()).then_some(NamesChanged::Some(self.names_changed));
        self.feed.committed(changed.as_ref());
        Ok(())
    }
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

#[cfg(test)]
mod tests {
    use super::testing::{contracts, cursor};
    use super::*;
    use crate::model::PremiumEntry;
    use alloy::primitives::{Address, U256};
    use tables::{OWNER_NAMES, PREMIUM};

    fn key(name: &[u8]) -> B256 {
        B256::right_padding_from(name)
    }

    fn premium(expiry: u64) -> PremiumEntry {
        PremiumEntry {
            expiry,
            changed_block: expiry,
        }
    }

    fn write(store: &Store, block: u64, name: &[u8], expiry: Option<u64>) {
        let mut batch = store.batch().unwrap();
        batch.set_block(block).unwrap();
        match expiry {
            Some(expiry) => batch.put(PREMIUM, &key(name), &premium(expiry)).unwrap(),
            None => batch.delete(PREMIUM, &key(name)).unwrap(),
        }
        batch.put_block_hash(block, cursor(block).hash).unwrap();
        batch.commit(cursor(block)).unwrap();
    }

    fn get(store: &Store, name: &[u8]) -> Option<u64> {
        store
            .read()
            .unwrap()
            .get(PREMIUM, &key(name))
            .unwrap()
            .map(|entry| entry.expiry)
    }

    #[test]
    fn a_new_store_starts_before_the_deploy_block_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.redb");
        let store = Store::open(&path, 31337, &contracts(), 10).unwrap();
        assert_eq!(store.cursor().unwrap().number, 9);
        write(&store, 10, b"k", Some(5));
        drop(store);
        let store = Store::open(&path, 31337, &contracts(), 10).unwrap();
        assert_eq!(store.cursor().unwrap(), cursor(10));
        assert_eq!(get(&store, b"k"), Some(5));
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
            batch.put(PREMIUM, &key(b"k"), &premium(1)).unwrap();
            // dropped without commit, as a crash would
        }
        assert_eq!(get(&store, b"k"), None);
        assert_eq!(store.cursor().unwrap().number, 0);
        assert_eq!(store.generation(), 0);
    }

    #[test]
    fn a_wrapping_seek_finds_the_next_row_or_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("i.redb"), 1, &contracts(), 1).unwrap();
        let seek = |name: &[u8]| {
            store
                .read()
                .unwrap()
                .seek_wrapping(PREMIUM, &key(name))
                .unwrap()
                .map(|(k, v)| (k, v.expiry))
        };
        assert_eq!(seek(b"a"), None);
        write(&store, 1, b"b", Some(2));
        write(&store, 2, b"d", Some(4));
        assert_eq!(seek(b"a"), Some((key(b"b"), 2)));
        assert_eq!(seek(b"b"), Some((key(b"b"), 2)));
        assert_eq!(seek(b"c"), Some((key(b"d"), 4)));
        assert_eq!(seek(b"e"), Some((key(b"b"), 2)));
    }

    #[test]
    fn rewind_restores_every_key_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("i.redb"), 1, &contracts(), 1).unwrap();
        write(&store, 1, b"a", Some(1));
        write(&store, 2, b"a", Some(2));
        write(&store, 2, b"b", Some(20));
        write(&store, 3, b"a", None);
        write(&store, 3, b"c", Some(30));
        let at_two = store.dump().unwrap();

        write(&store, 4, b"a", Some(4));
        assert_eq!(store.rewind(cursor(3)).unwrap(), 1);
        assert_eq!(get(&store, b"a"), None);

        store.rewind(cursor(2)).unwrap();
        assert_eq!(get(&store, b"a"), Some(2));
        assert_eq!(get(&store, b"c"), None);
        assert_eq!(store.block_hash(3).unwrap(), None);
        assert_eq!(store.block_hash(2).unwrap(), Some(cursor(2).hash));
        assert_ne!(at_two, store.dump().unwrap());

        let before = store.generation();
        store.rewind(cursor(0)).unwrap();
        assert_eq!(
            store.generation(),
            before + 1,
            "a rewind is a new generation"
        );
        assert_eq!(store.read().unwrap().len(PREMIUM).unwrap(), 0);
        assert_eq!(store.cursor().unwrap().number, 0);
    }

    #[test]
    fn prefix_scans_and_malformed_rows_are_typed() {
        let (_dir, store) = testing::store();
        let (alice, bob) = (Address::repeat_byte(1), Address::repeat_byte(2));
        let mut batch = store.batch().unwrap();
        batch.set_block(1).unwrap();
        for (owner, token) in [(bob, 1u64), (alice, 3), (alice, 2)] {
            batch
                .put(OWNER_NAMES, &(owner, U256::from(token)), &())
                .unwrap();
        }
        batch.commit(cursor(1)).unwrap();
        let read = store.read().unwrap();
        let rows = read.scan_prefix(OWNER_NAMES, &alice).unwrap();
        assert_eq!(
            rows,
            vec![((alice, U256::from(2)), ()), ((alice, U256::from(3)), ())]
        );
        assert_eq!(read.scan(OWNER_NAMES).unwrap().len(), 3);
        drop(read);

        // A row that is not what its table holds is an error naming the table, not a panic.
        let txn = store.db.begin_write().unwrap();
        txn.open_table(IndexTable::Premium.def())
            .unwrap()
            .insert([1u8; 32].as_slice(), b"not json".as_slice())
            .unwrap();
        txn.commit().unwrap();
        let error = store
            .read()
            .unwrap()
            .get(PREMIUM, &B256::repeat_byte(1))
            .unwrap_err();
        assert!(matches!(
            error,
            StoreError::Malformed {
                table: "premium",
                source: DecodeError::Json(_)
            }
        ));
    }

    #[test]
    fn pruning_keeps_the_newest_old_block_hash() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("i.redb"), 1, &contracts(), 1).unwrap();
        for block in 1..=5 {
            write(&store, block, b"a", Some(block));
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
