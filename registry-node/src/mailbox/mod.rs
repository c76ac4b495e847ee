//! Message mailboxes, in their own redb file (`<data dir>/mailbox.redb`), apart
//! from the chain index: messages are not chain state, are never rewound by a
//! reorg, and their writes do not wait behind the indexer's batches.
//!
//! | table | key | value |
//! | --- | --- | --- |
//! | `meta` | `&str` | schema version, the last sequence number, totals (messages ‖ bytes) |
//! | `messages` | mailbox (35) ‖ seq (8) | hash (32) ‖ stored_ms (8) ‖ expiry_ms (8) ‖ envelope |
//! | `expiries` | expiry_ms (8) ‖ mailbox (35) ‖ seq (8) | empty |
//! | `usage` | Session ID (33) | messages (8) ‖ bytes (8) |
//! | `deleted` | mailbox (35) ‖ hash (32) | forget_ms (8): the deleted message's expiry |
//! | `deleted_expiries` | forget_ms (8) ‖ mailbox (35) ‖ hash (32) | empty |
//! | `rpc_hashes` | Session ID (33) ‖ storage hash (32) | namespace (2) ‖ seq (8) |
//!
//! A mailbox is a Session ID (33) and a namespace (2, big-endian). Sequence
//! numbers grow across the node, so a mailbox's messages come out in the
//! order they were stored, and "since hash H" is "after H's sequence number".
//! Every change is part of one write transaction, durable before the answer, so a
//! crash keeps each message whole or not at all. Concurrent stores share a
//! transaction (group commit: see `GroupCommit`); each is checked as if it were
//! alone, in the order they queued. A batch of stores is made durable by a record
//! of the write-ahead log (`wal`: one small `fdatasync` while the next batch is
//! applied) rather than by redb's commit of every page it touched; deletes and
//! sweeps commit durably, as do checkpoints. A read may see a store a few
//! milliseconds before it is durable and answered.
//!
//! Two hashes name a message. The storage server's (`storage_rpc::hash::message_digest`: the 32
//! bytes of its 43 base64 characters, with no namespace in the key since `delete` names none)
//! keys `rpc_hashes`, the one index by hash: `/storage_rpc/v1` finds, deletes and refuses
//! duplicates by it. The handler computes it once and hands it to the writer with the store.
//! The mailbox's own (`envelope::message_hash`; in the message's value) keys the tombstones
//! of `deleted`. The storage hash of a retrieved message is recomputed from its bytes.
//!
//! Every B-tree page a batch of stores changes is copied, checksummed and written once, so a
//! store costs about one page per table it inserts into at a random place: `messages` and
//! `rpc_hashes` (`expiries` grows at its end, `usage` and `meta` are a few pages shared by
//! the batch). Schema 2 added `rpc_hashes`; schema 3 dropped `hashes` (mailbox ‖ own hash →
//! seq), a second index of every message by hash, a third random page a store. An older
//! file is migrated when opened (schema 1: `rpc_hashes` filled from `messages`; then
//! `hashes` dropped), with no message or tombstone lost; a newer one is refused.
//!
//! A deleted message leaves a tombstone until it would have expired: stores
//! need no signature, so without it anyone holding a copy of the envelope
//! could store it again and bring back what the recipient deleted.

pub(crate) mod handover;
pub(crate) mod replay;
mod wal;

use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition};
use sesh_core::SessionId;
use sesh_core::api::StoredMessage;
use sesh_core::envelope::{MessageHash, message_hash};
use sesh_core::storage_rpc::hash::message_digest;
use sesh_core::storage_rpc::{Namespace, UserPubkey};
use std::path::Path;

const META: TableDefinition<'static, &str, &[u8]> = TableDefinition::new("meta");
const MESSAGES: TableDefinition<'static, &[u8], &[u8]> = TableDefinition::new("messages");
/// Schema 2's second index by hash (mailbox ‖ own hash → seq), dropped by the migration to 3.
const LEGACY_HASHES: TableDefinition<'static, &[u8], u64> = TableDefinition::new("hashes");
const EXPIRIES: TableDefinition<'static, &[u8], ()> = TableDefinition::new("expiries");
const USAGE: TableDefinition<'static, &[u8], &[u8]> = TableDefinition::new("usage");
const DELETED: TableDefinition<'static, &[u8], u64> = TableDefinition::new("deleted");
const DELETED_EXPIRIES: TableDefinition<'static, &[u8], ()> =
    TableDefinition::new("deleted_expiries");
const RPC_HASHES: TableDefinition<'static, &[u8], &[u8]> = TableDefinition::new("rpc_hashes");

const META_SCHEMA: &str = "schema";
const META_SEQ: &str = "seq";
/// Messages and envelope bytes over every mailbox, kept with each change so that the
/// node-wide bound costs one read per store. Files made before it had it are summed from
/// `usage` when opened.
const META_TOTAL: &str = "total";
/// Bumped when a table or an encoding changes.
/// 1 → 2: `rpc_hashes` added, filled from `messages` when a version 1 file is opened.
/// 2 → 3: `hashes` dropped (`rpc_hashes` finds duplicates), when a version 2 file is opened.
pub(crate) const SCHEMA_VERSION: u32 = 3;

const MAILBOX_LEN: usize = 35;
const VALUE_HEADER: usize = 32 + 8 + 8;

/// Why the mailbox store failed or refused.
#[derive(Debug, thiserror::Error)]
pub(crate) enum MailboxError {
    /// redb failed.
    #[error("mailbox database: {0}")]
    Db(#[from] redb::Error),
    /// A stored value does not decode.
    #[error("mailbox database holds a malformed {0}")]
    Corrupt(&'static str),
    /// The data folder's mailbox file has another schema.
    #[error(
        "mailbox schema version {found} in the data folder, this node needs {expected}: move mailbox.redb away (its messages are lost)"
    )]
    Schema {
        /// Version on disk.
        found: u32,
        /// Version of this build.
        expected: u32,
    },
    /// The recipient's quota is used up.
    #[error(
        "the mailbox of {session_id} is full ({messages} messages, {bytes} bytes; the limit is {max_messages} messages and {max_bytes} bytes): it frees up as the recipient deletes or messages expire"
    )]
    Full {
        /// The recipient.
        session_id: SessionId,
        /// Messages held.
        messages: u64,
        /// Bytes held.
        bytes: u64,
        /// The message limit.
        max_messages: u64,
        /// The byte limit.
        max_bytes: u64,
    },
    /// The recipient deleted this message, and it would not have expired yet.
    #[error(
        "the recipient deleted this message: it cannot be stored again before {until_ms} ms since the Unix epoch, when it would have expired"
    )]
    Deleted {
        /// When the tombstone goes.
        until_ms: u64,
    },
    /// The node keeps as many envelope bytes as it is set to, over every mailbox.
    #[error(
        "this node's message storage is full ({bytes} bytes held; it keeps at most {max_bytes}): it frees up as messages expire or are deleted; other nodes of the swarm may still take the message"
    )]
    NodeFull {
        /// Bytes held over every mailbox.
        bytes: u64,
        /// The node-wide limit.
        max_bytes: u64,
    },
    /// The write transaction that held this store (with others committed together) failed.
    #[error("{0}")]
    Batch(std::sync::Arc<MailboxError>),
    /// The write-ahead log could not be written or read.
    #[error("mailbox write-ahead log: {0}")]
    Log(#[source] std::io::Error),
}

crate::store::table::from_redb_errors!(MailboxError);

impl MailboxError {
    /// Whether this is a refusal of the store by the rules (quotas, tombstones), not a
    /// failure of the database.
    pub(crate) fn is_refusal(&self) -> bool {
        matches!(
            self,
            Self::Full { .. } | Self::NodeFull { .. } | Self::Deleted { .. }
        )
    }
}

/// The wall clock in ms since the Unix epoch (mailbox times are wall-clock, not chain, times).
pub(crate) fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// A `Result` of the mailbox store.
pub(crate) type MailboxResult<T> = Result<T, MailboxError>;

/// How much the node keeps: per recipient (over all its namespaces) and in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Quota {
    /// Most messages held for one recipient.
    pub max_messages: u64,
    /// Most envelope bytes held for one recipient.
    pub max_bytes: u64,
    /// Most envelope bytes held over every mailbox: what bounds the disk, since anyone can
    /// fill the quotas of any number of Session IDs.
    pub max_total_bytes: u64,
}

impl Default for Quota {
    fn default() -> Self {
        Self {
            max_messages: 5_000,
            max_bytes: 100 * 1024 * 1024,
            max_total_bytes: 10 * 1024 * 1024 * 1024,
        }
    }
}

/// What a store did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stored {
    /// The message hash (the mailbox's own).
    pub hash: MessageHash,
    /// The storage hash ([`rpc_digest`]): what `/storage_rpc/v1` names the message by.
    pub digest: [u8; 32],
    /// When it was stored (ms).
    pub stored_ms: u64,
    /// When it expires (ms).
    pub expiry_ms: u64,
    /// Whether it was already there.
    pub duplicate: bool,
}

/// A page of a mailbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Page {
    /// The messages, oldest first.
    pub messages: Vec<StoredMessage>,
    /// Whether more follow.
    pub more: bool,
}

/// Totals over every mailbox.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Totals {
    /// Messages held.
    pub messages: u64,
    /// Envelope bytes held.
    pub bytes: u64,
    /// Recipients with at least one message.
    pub recipients: u64,
}

/// The mailbox store.
#[derive(Debug)]
pub(crate) struct Mailbox {
    db: Database,
    quota: Quota,
    /// `None`: each store is its own write transaction (the bench's baseline).
    group: Option<std::sync::Arc<GroupCommit>>,
    /// The batch writer's side of the write-ahead log; `None`: each batch is committed
    /// durably in redb.
    wal: Option<std::sync::Mutex<WalWriter>>,
    store_commits: std::sync::atomic::AtomicU64,
}

/// Set to `each` (bench only): every store commits its own write transaction, as before
/// stores were committed together; the baseline of `just bench`. `group`: stores are
/// committed together, each batch durably in redb, without the write-ahead log.
pub(crate) const COMMIT_EACH_ENV: &str = "SESH_NODE_MAILBOX_COMMIT";

/// `meta` key of the LSN of the last batch of stores applied (the write-ahead log's).
const META_WAL_LSN: &str = "wal_lsn";

/// What the batch writer knows of the write-ahead log.
#[derive(Debug)]
struct WalWriter {
    /// The next batch's LSN.
    next_lsn: u64,
    /// Log bytes handed to the syncer since the last checkpoint.
    since_checkpoint: u64,
    /// Log bytes after which the next batch is a checkpoint ([`wal::CHECKPOINT_BYTES`]).
    checkpoint_bytes: u64,
}

/// How a committed batch becomes durable.
enum Durable {
    /// It is (a durable commit, or nothing was written): answer now.
    Now,
    /// Once the syncer has written `record` (none: only what was queued before), or, with
    /// `restart`, at once: it was a checkpoint and the log begins again.
    Log { record: Vec<u8>, restart: bool },
}

/// A batch's answers waiting for the syncer.
struct SyncItem {
    record: Vec<u8>,
    restart: bool,
    tickets: Vec<u64>,
    waiters: Vec<Waiter>,
    answers: Vec<MailboxResult<Stored>>,
}

/// A store waiting for its write transaction.
#[derive(Debug)]
struct Pending {
    session_id: SessionId,
    namespace: i16,
    data: Vec<u8>,
    /// The storage hash of the message ([`rpc_digest`]), computed once by whoever queued it.
    digest: [u8; 32],
    now_ms: u64,
    ttl_ms: u64,
}

impl Pending {
    /// A store of `data`, its storage hash computed here.
    fn new(session_id: SessionId, namespace: i16, data: Vec<u8>, now_ms: u64, ttl_ms: u64) -> Self {
        let digest = rpc_digest(&session_id.to_bytes(), namespace, &data);
        Self {
            session_id,
            namespace,
            data,
            digest,
            now_ms,
            ttl_ms,
        }
    }
}

/// Most stores committed in one write transaction.
const MAX_BATCH: usize = 512;

/// Group commit: a store queues itself; when no write transaction of stores is under way,
/// the store that finds none becomes the writer: it takes everything queued (up to
/// [`MAX_BATCH`], oldest first), applies it in one write transaction, commits it durably,
/// and hands each store its answer. Stores that queued meanwhile wait for the next one, so
/// with N concurrent stores one fsync serves up to N of them. Deletes and sweeps take
/// redb's write lock like any transaction and are ordered before or after a whole batch.
#[derive(Debug, Default)]
struct GroupCommit {
    state: std::sync::Mutex<GroupState>,
    /// Hands committed batches to the write-ahead log's syncer (with the log only).
    syncer: Option<std::sync::Mutex<std::sync::mpsc::Sender<SyncItem>>>,
    /// Set by the syncer when a sync failed: the next batch is a checkpoint.
    checkpoint_now: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for SyncItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncItem")
            .field("record", &self.record.len())
            .field("restart", &self.restart)
            .field("stores", &self.tickets.len())
            .finish()
    }
}

/// Who waits for a queued store's answer.
#[derive(Debug)]
enum Waiter {
    /// A thread parked in `Mailbox::store` (the tests' blocking store): its answer goes to
    /// `answers`.
    #[cfg_attr(not(test), allow(dead_code, reason = "only the tests store blocking"))]
    Thread(std::thread::Thread),
    /// A task awaiting [`Mailbox::store_async`].
    Task(tokio::sync::oneshot::Sender<MailboxResult<Stored>>),
}

#[derive(Debug, Default)]
struct GroupState {
    /// Each queued store with who waits for it.
    queue: std::collections::VecDeque<(u64, Pending, Waiter)>,
    next_ticket: u64,
    writing: bool,
    answers: std::collections::HashMap<u64, MailboxResult<Stored>>,
}

impl GroupCommit {
    fn lock(&self) -> std::sync::MutexGuard<'_, GroupState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Queues `pending` with its `waiter`; whether the caller must now write (no one did).
    fn queue(&self, pending: Pending, waiter: impl FnOnce(u64) -> Waiter) -> (u64, bool) {
        let mut state = self.lock();
        let ticket = state.next_ticket;
        state.next_ticket += 1;
        state.queue.push_back((ticket, pending, waiter(ticket)));
        let write = !state.writing;
        state.writing = true;
        (ticket, write)
    }

    /// Queues `pending` and waits (parked) for its answer, writing the queue with `commit`
    /// when no one else does.
    #[cfg(test)]
    fn store(
        &self,
        pending: Pending,
        commit: impl Fn(&[Pending]) -> (Vec<MailboxResult<Stored>>, Durable),
    ) -> MailboxResult<Stored> {
        let (ticket, write) = self.queue(pending, |_| Waiter::Thread(std::thread::current()));
        if write {
            self.write_all(&commit);
        }
        loop {
            if let Some(answer) = self.lock().answers.remove(&ticket) {
                return answer;
            }
            // Spurious wake-ups are fine: the answers are looked at again.
            std::thread::park();
        }
    }

    /// Writes batches of the queue (oldest first, up to [`MAX_BATCH`] each) until it is
    /// empty, then clears `writing`; the caller set it. Each batch's stores are answered
    /// as soon as it is durable (at once, or by the log's syncer while the next batch is
    /// applied): a parked thread is woken, a task's channel is sent to.
    fn write_all(&self, commit: &impl Fn(&[Pending]) -> (Vec<MailboxResult<Stored>>, Durable)) {
        loop {
            let mut state = self.lock();
            if state.queue.is_empty() {
                state.writing = false;
                return;
            }
            let take = state.queue.len().min(MAX_BATCH);
            let mut tickets = Vec::with_capacity(take);
            let mut batch = Vec::with_capacity(take);
            let mut waiters = Vec::with_capacity(take);
            for (ticket, pending, waiter) in state.queue.drain(..take) {
                tickets.push(ticket);
                batch.push(pending);
                waiters.push(waiter);
            }
            drop(state);
            let answers = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| commit(&batch)));
            let (answers, panic) = match answers {
                Ok((answers, Durable::Now)) => (answers, None),
                Ok((answers, Durable::Log { record, restart })) => {
                    let item = SyncItem {
                        record,
                        restart,
                        tickets,
                        waiters,
                        answers,
                    };
                    if let Err(std::sync::mpsc::SendError(item)) = self.send(item) {
                        let error = std::sync::Arc::new(MailboxError::Corrupt(
                            "write-ahead log (its syncer stopped)",
                        ));
                        let answers = item
                            .tickets
                            .iter()
                            .map(|_| Err(MailboxError::Batch(error.clone())))
                            .collect();
                        self.deliver(item.tickets, item.waiters, answers);
                    }
                    continue;
                }
                Err(panic) => {
                    let mut state = self.lock();
                    // Nothing was committed (the transaction aborts on unwind); the stores
                    // still queued fail too, since no one writes them now.
                    for (ticket, _, waiter) in state.queue.drain(..) {
                        tickets.push(ticket);
                        waiters.push(waiter);
                    }
                    state.writing = false;
                    let error = std::sync::Arc::new(MailboxError::Corrupt(
                        "write batch (the writer panicked)",
                    ));
                    let answers = tickets
                        .iter()
                        .map(|_| Err(MailboxError::Batch(error.clone())))
                        .collect();
                    (answers, Some(panic))
                }
            };
            self.deliver(tickets, waiters, answers);
            if let Some(panic) = panic {
                std::panic::resume_unwind(panic);
            }
        }
    }

    /// Hands `item` to the log's syncer.
    fn send(&self, item: SyncItem) -> Result<(), std::sync::mpsc::SendError<SyncItem>> {
        match &self.syncer {
            Some(syncer) => syncer
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .send(item),
            None => Err(std::sync::mpsc::SendError(item)),
        }
    }

    /// Answers each store of `tickets`: a parked thread is woken, a task's channel is sent to.
    fn deliver(
        &self,
        tickets: Vec<u64>,
        waiters: Vec<Waiter>,
        answers: Vec<MailboxResult<Stored>>,
    ) {
        debug_assert_eq!(answers.len(), tickets.len());
        let mut state = self.lock();
        let mut wake = Vec::with_capacity(waiters.len());
        for ((ticket, waiter), answer) in tickets.into_iter().zip(waiters).zip(answers) {
            match waiter {
                Waiter::Thread(thread) => {
                    state.answers.insert(ticket, answer);
                    wake.push(thread);
                }
                // A task that stopped waiting (its request went away) needs no answer.
                Waiter::Task(sender) => drop(sender.send(answer)),
            }
        }
        drop(state);
        let me = std::thread::current().id();
        for thread in wake.iter().filter(|thread| thread.id() != me) {
            thread.unpark();
        }
    }
}

/// The write-ahead log's syncer thread: takes every batch queued, writes their records
/// with one `fdatasync`, then answers their stores, until the mailbox is dropped. A batch
/// that was a checkpoint (durable in redb) makes the records before it unneeded and the
/// log begin again.
fn sync_loop(
    // Weak: the group holds the sender, and the thread ends when the mailbox goes.
    group: std::sync::Weak<GroupCommit>,
    mut log: wal::Log,
    items: std::sync::mpsc::Receiver<SyncItem>,
) {
    // After a failed sync the log lacks a record, and reading it after a crash would stop at
    // the gap: until the next checkpoint (which the writer makes at once) no batch is
    // answered as durable.
    let mut failed: Option<std::sync::Arc<MailboxError>> = None;
    while let Ok(first) = items.recv() {
        let drained: Vec<SyncItem> = std::iter::once(first).chain(items.try_iter()).collect();
        let Some(group) = group.upgrade() else {
            return;
        };
        if drained.iter().any(|item| item.restart) {
            failed = None;
        }
        let mut records = Vec::new();
        // Items from here on depend on this round's sync.
        let mut synced_from = 0;
        for (i, item) in drained.iter().enumerate() {
            if item.restart {
                records.clear();
                log.restart();
                synced_from = i + 1;
            } else {
                records.extend_from_slice(&item.record);
            }
        }
        let synced = match &failed {
            Some(error) => Err(error.clone()),
            None if records.is_empty() => Ok(()),
            None => log.append(&records).map_err(|error| {
                tracing::error!(%error, "mailbox write-ahead log: a sync failed");
                let error = std::sync::Arc::new(MailboxError::Log(error));
                failed = Some(error.clone());
                group
                    .checkpoint_now
                    .store(true, std::sync::atomic::Ordering::Relaxed);
                error
            }),
        };
        for (i, item) in drained.into_iter().enumerate() {
            let answers = match &synced {
                Err(error) if i >= synced_from => item
                    .tickets
                    .iter()
                    .map(|_| Err(MailboxError::Batch(error.clone())))
                    .collect(),
                _ => item.answers,
            };
            group.deliver(item.tickets, item.waiters, answers);
        }
    }
}

impl Drop for Mailbox {
    /// A clean close leaves redb durable up to the last batch, so that the next open
    /// applies nothing again (a crash leaves that to the log).
    fn drop(&mut self) {
        if self.wal.is_some() {
            let closed = self
                .db
                .begin_write()
                .map_err(MailboxError::from)
                .and_then(|txn| txn.commit().map_err(MailboxError::from));
            if let Err(error) = closed {
                tracing::warn!(%error, "mailbox: the last stores stay in the write-ahead log");
            }
        }
    }
}

/// Applies again, durably, the log's records after the LSN redb holds durably (stores
/// answered before a crash that redb had not written to disk), then empties the log;
/// the last LSN applied.
fn replay(db: &Database, quota: &Quota, log: &mut wal::Log) -> MailboxResult<u64> {
    let read_lsn = |txn: &redb::WriteTransaction| -> MailboxResult<u64> {
        read_meta_u64(&txn.open_table(META)?, META_WAL_LSN, "log sequence number")
    };
    let records = wal::read(&log.contents().map_err(MailboxError::Log)?);
    let txn = db.begin_write()?;
    let mut lsn = read_lsn(&txn)?;
    let mut replayed = 0usize;
    {
        let mut tables = StoreTables::open(&txn)?;
        for (record_lsn, stores) in records {
            if record_lsn <= lsn {
                continue;
            }
            if record_lsn != lsn + 1 {
                return Err(MailboxError::Corrupt(
                    "write-ahead log (a batch is missing before the next one)",
                ));
            }
            for pending in &stores {
                // Refused now means refused then too: it wrote nothing either time.
                match apply_store(&mut tables, quota, pending) {
                    Err(error) if !error.is_refusal() => return Err(error),
                    _ => replayed += 1,
                }
            }
            lsn = record_lsn;
        }
        tables.flush()?;
        tables
            .meta
            .insert(META_WAL_LSN, lsn.to_be_bytes().as_slice())?;
    }
    txn.commit()?;
    if replayed > 0 {
        tracing::info!(
            stores = replayed,
            lsn,
            "mailbox: stores of the write-ahead log applied again"
        );
    }
    log.clear().map_err(MailboxError::Log)?;
    Ok(lsn)
}

/// Answers every store of `batch` not failed already with the one `error` of their
/// transaction.
fn shared_failure(
    batch: &[Pending],
    failed: Vec<Option<MailboxError>>,
    error: MailboxError,
) -> Vec<MailboxResult<Stored>> {
    debug_assert_eq!(batch.len(), failed.len());
    let error = std::sync::Arc::new(error);
    failed
        .into_iter()
        .map(|failed| Err(failed.unwrap_or_else(|| MailboxError::Batch(error.clone()))))
        .collect()
}

/// Applies one store inside `txn`, as its own transaction did before stores were committed
/// together: every check comes before any write, so a refused store leaves `txn` as it was.
fn apply_store(
    tables: &mut StoreTables<'_>,
    quota: &Quota,
    pending: &Pending,
) -> MailboxResult<Stored> {
    let Pending {
        session_id,
        namespace,
        ref data,
        digest,
        now_ms,
        ttl_ms,
    } = *pending;
    let mailbox = mailbox_key(&session_id, namespace);
    let recipient = session_id.to_bytes();
    let index_key = rpc_key(&recipient, &digest);
    let hash = message_hash(&session_id, namespace, data);
    let tombstone = tables
        .deleted
        .get(hash_key(&mailbox, &hash).as_slice())?
        .map(|v| v.value());
    if let Some(until_ms) = tombstone.filter(|until_ms| *until_ms > now_ms) {
        return Err(MailboxError::Deleted { until_ms });
    }
    // A copy already here: unexpired, the store changes nothing; expired but not swept
    // yet, the new store replaces it.
    let existing = match tables.rpc_hashes.get(index_key.as_slice())? {
        // The digest covers the namespace: another one would be a BLAKE2b collision.
        Some(value) => match decode_rpc_value(value.value())? {
            (ns, seq) if ns == namespace => Some(seq),
            _ => return Err(MailboxError::Corrupt("hash index")),
        },
        None => None,
    };
    let mut replaced = None;
    if let Some(seq) = existing {
        let (stored_ms, expiry_ms, size) = {
            let value = tables
                .messages
                .get(message_key(&mailbox, seq).as_slice())?
                .ok_or(MailboxError::Corrupt("hash index"))?;
            let value = Value::decode(value.value())?;
            (value.stored_ms, value.expiry_ms, value.data.len() as u64)
        };
        if expiry_ms > now_ms {
            return Ok(Stored {
                hash,
                digest,
                stored_ms,
                expiry_ms,
                duplicate: true,
            });
        }
        replaced = Some((seq, size));
    }
    // The checks see the usage and totals as they are once the expired copy is gone.
    let (freed_messages, freed_bytes) = replaced.map_or((0, 0), |(_, size)| (1, size));
    let (count, bytes) = {
        let usage = tables.usage.get(recipient.as_slice())?;
        let (count, bytes) = decode_usage(usage.as_ref().map(|v| v.value()))?;
        (
            count.saturating_sub(freed_messages),
            bytes.saturating_sub(freed_bytes),
        )
    };
    let size = data.len() as u64;
    if count + 1 > quota.max_messages || bytes + size > quota.max_bytes {
        return Err(MailboxError::Full {
            session_id,
            messages: count,
            bytes,
            max_messages: quota.max_messages,
            max_bytes: quota.max_bytes,
        });
    }
    let total = (
        tables.total.0.saturating_sub(freed_messages),
        tables.total.1.saturating_sub(freed_bytes),
    );
    if total.1 + size > quota.max_total_bytes {
        return Err(MailboxError::NodeFull {
            bytes: total.1,
            max_bytes: quota.max_total_bytes,
        });
    }
    if let Some((seq, _)) = replaced {
        remove_in(tables, &[(mailbox, seq)])?;
    }
    tables.total = (total.0 + 1, total.1 + size);
    tables.seq += 1;
    let seq = tables.seq;
    let expiry_ms = now_ms.saturating_add(ttl_ms);
    let mut value = Vec::with_capacity(VALUE_HEADER + data.len());
    value.extend_from_slice(&hash.0);
    value.extend_from_slice(&now_ms.to_be_bytes());
    value.extend_from_slice(&expiry_ms.to_be_bytes());
    value.extend_from_slice(data);
    tables
        .messages
        .insert(message_key(&mailbox, seq).as_slice(), value.as_slice())?;
    tables
        .rpc_hashes
        .insert(index_key.as_slice(), rpc_value(namespace, seq).as_slice())?;
    tables
        .expiries
        .insert(expiry_key(expiry_ms, &mailbox, seq).as_slice(), ())?;
    tables.usage.insert(
        recipient.as_slice(),
        encode_usage(count + 1, bytes + size).as_slice(),
    )?;
    Ok(Stored {
        hash,
        digest,
        stored_ms: now_ms,
        expiry_ms,
        duplicate: false,
    })
}

fn mailbox_key(session_id: &SessionId, namespace: i16) -> [u8; MAILBOX_LEN] {
    let mut key = [0u8; MAILBOX_LEN];
    key[..33].copy_from_slice(&session_id.to_bytes());
    key[33..].copy_from_slice(&namespace.to_be_bytes());
    key
}

/// `a ‖ b` in an array: keys are built on the stack, a store builds several.
fn joined<const N: usize>(a: &[u8], b: &[u8]) -> [u8; N] {
    debug_assert_eq!(a.len() + b.len(), N);
    let mut key = [0u8; N];
    key[..a.len()].copy_from_slice(a);
    key[a.len()..].copy_from_slice(b);
    key
}

fn message_key(mailbox: &[u8; MAILBOX_LEN], seq: u64) -> [u8; MAILBOX_LEN + 8] {
    joined(mailbox, &seq.to_be_bytes())
}

fn hash_key(mailbox: &[u8; MAILBOX_LEN], hash: &MessageHash) -> [u8; MAILBOX_LEN + 32] {
    joined(mailbox, &hash.0)
}

fn expiry_key(expiry_ms: u64, mailbox: &[u8; MAILBOX_LEN], seq: u64) -> [u8; 8 + MAILBOX_LEN + 8] {
    joined(&expiry_ms.to_be_bytes(), &message_key(mailbox, seq))
}

/// The storage server's hash of a message (`storage_rpc::message_hash`), as its 32 bytes.
/// `recipient` is the 33 bytes of a Session ID.
pub(crate) fn rpc_digest(recipient: &[u8], namespace: i16, data: &[u8]) -> [u8; 32] {
    let mut key = [0u8; 32];
    key.copy_from_slice(&recipient[1..33]);
    let pubkey = UserPubkey {
        prefix: recipient[0],
        key,
    };
    message_digest(&pubkey, Namespace(namespace), data)
}

fn rpc_key(recipient: &[u8], digest: &[u8; 32]) -> [u8; 33 + 32] {
    joined(recipient, digest)
}

fn rpc_value(namespace: i16, seq: u64) -> [u8; 10] {
    let mut value = [0u8; 10];
    value[..2].copy_from_slice(&namespace.to_be_bytes());
    value[2..].copy_from_slice(&seq.to_be_bytes());
    value
}

fn decode_rpc_value(bytes: &[u8]) -> MailboxResult<(i16, u64)> {
    if bytes.len() != 10 {
        return Err(MailboxError::Corrupt("storage hash index"));
    }
    Ok((i16::from_be_bytes([bytes[0], bytes[1]]), u64_at(bytes, 2)))
}

/// Schema 1 → 2: fills `rpc_hashes` from `messages`.
fn migrate_rpc_hashes(txn: &redb::WriteTransaction) -> MailboxResult<()> {
    let messages = txn.open_table(MESSAGES)?;
    let mut index = txn.open_table(RPC_HASHES)?;
    for entry in messages.iter()? {
        let (key, value) = entry?;
        let key = key.value();
        if key.len() != MAILBOX_LEN + 8 {
            return Err(MailboxError::Corrupt("message key"));
        }
        let namespace = i16::from_be_bytes([key[33], key[34]]);
        let value = Value::decode(value.value())?;
        index.insert(
            rpc_key(&key[..33], &rpc_digest(&key[..33], namespace, value.data)).as_slice(),
            rpc_value(namespace, u64_at(key, MAILBOX_LEN)).as_slice(),
        )?;
    }
    Ok(())
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_be_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
}

/// A decoded `messages` value.
struct Value<'a> {
    hash: MessageHash,
    stored_ms: u64,
    expiry_ms: u64,
    data: &'a [u8],
}

impl<'a> Value<'a> {
    fn decode(bytes: &'a [u8]) -> MailboxResult<Self> {
        if bytes.len() < VALUE_HEADER {
            return Err(MailboxError::Corrupt("message"));
        }
        Ok(Self {
            hash: MessageHash(bytes[..32].try_into().expect("32 bytes")),
            stored_ms: u64_at(bytes, 32),
            expiry_ms: u64_at(bytes, 40),
            data: &bytes[VALUE_HEADER..],
        })
    }
}

fn decode_usage(bytes: Option<&[u8]>) -> MailboxResult<(u64, u64)> {
    match bytes {
        None => Ok((0, 0)),
        Some(bytes) if bytes.len() == 16 => Ok((u64_at(bytes, 0), u64_at(bytes, 8))),
        Some(_) => Err(MailboxError::Corrupt("usage")),
    }
}

fn encode_usage(messages: u64, bytes: u64) -> [u8; 16] {
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&messages.to_be_bytes());
    out[8..].copy_from_slice(&bytes.to_be_bytes());
    out
}

impl Mailbox {
    /// Opens (or creates) the mailbox file at `path`, with a 64 MiB cache (tests).
    #[cfg(test)]
    pub(crate) fn open(path: &Path, quota: Quota) -> MailboxResult<Self> {
        Self::open_with_cache(path, quota, 64 << 20)
    }

    /// Opens (or creates) the mailbox file at `path`, with redb's page cache bounded to
    /// `cache_bytes` (redb's own default is 1 GiB a file: a ceiling, but the pages it once
    /// held stay resident).
    pub(crate) fn open_with_cache(
        path: &Path,
        quota: Quota,
        cache_bytes: usize,
    ) -> MailboxResult<Self> {
        let db = Database::builder()
            .set_cache_size(cache_bytes)
            .create(path)?;
        let txn = db.begin_write()?;
        {
            let mut meta = txn.open_table(META)?;
            let found = meta.get(META_SCHEMA)?.map(|v| v.value().to_vec());
            match found {
                None => {
                    meta.insert(META_SCHEMA, SCHEMA_VERSION.to_be_bytes().as_slice())?;
                }
                Some(bytes) => {
                    let found = <[u8; 4]>::try_from(bytes.as_slice())
                        .map(u32::from_be_bytes)
                        .map_err(|_| MailboxError::Corrupt("schema"))?;
                    if found == 1 || found == 2 {
                        drop(meta);
                        if found == 1 {
                            migrate_rpc_hashes(&txn)?;
                        }
                        txn.delete_table(LEGACY_HASHES)?;
                        meta = txn.open_table(META)?;
                        meta.insert(META_SCHEMA, SCHEMA_VERSION.to_be_bytes().as_slice())?;
                    } else if found != SCHEMA_VERSION {
                        return Err(MailboxError::Schema {
                            found,
                            expected: SCHEMA_VERSION,
                        });
                    }
                }
            }
            if meta.get(META_TOTAL)?.is_none() {
                let mut total = (0, 0);
                for entry in txn.open_table(USAGE)?.iter()? {
                    let (messages, bytes) = decode_usage(Some(entry?.1.value()))?;
                    total = (total.0 + messages, total.1 + bytes);
                }
                meta.insert(META_TOTAL, encode_usage(total.0, total.1).as_slice())?;
            }
            drop(meta);
            txn.open_table(MESSAGES)?;
            txn.open_table(EXPIRIES)?;
            txn.open_table(DELETED)?;
            txn.open_table(DELETED_EXPIRIES)?;
            txn.open_table(RPC_HASHES)?;
        }
        txn.commit()?;
        let mode = std::env::var(COMMIT_EACH_ENV).unwrap_or_default();
        if mode == "each" || mode == "group" {
            return Ok(Self {
                db,
                quota,
                group: (mode == "group").then(Default::default),
                wal: None,
                store_commits: std::sync::atomic::AtomicU64::new(0),
            });
        }
        let mut log = wal::Log::open(&wal::path_of(path)).map_err(MailboxError::Log)?;
        let next_lsn = replay(&db, &quota, &mut log)? + 1;
        let (sender, items) = std::sync::mpsc::channel();
        let group = std::sync::Arc::new(GroupCommit {
            syncer: Some(std::sync::Mutex::new(sender)),
            ..GroupCommit::default()
        });
        let syncer = std::sync::Arc::downgrade(&group);
        std::thread::Builder::new()
            .name("mailbox-wal".into())
            .spawn(move || sync_loop(syncer, log, items))
            .map_err(MailboxError::Log)?;
        Ok(Self {
            db,
            quota,
            group: Some(group),
            wal: Some(std::sync::Mutex::new(WalWriter {
                next_lsn,
                since_checkpoint: 0,
                checkpoint_bytes: wal::CHECKPOINT_BYTES,
            })),
            store_commits: std::sync::atomic::AtomicU64::new(0),
        })
    }

    /// [`Mailbox::store_async`] for the tests' threads: it blocks (parked) until the store
    /// is durable; concurrent stores from other threads are committed together.
    #[cfg(test)]
    pub(crate) fn store(
        &self,
        session_id: &SessionId,
        namespace: i16,
        data: &[u8],
        now_ms: u64,
        ttl_ms: u64,
    ) -> MailboxResult<Stored> {
        let pending = Pending::new(*session_id, namespace, data.to_vec(), now_ms, ttl_ms);
        match &self.group {
            None => self
                .commit_batch(std::slice::from_ref(&pending), None)
                .0
                .pop()
                .expect("one answer per store"),
            Some(group) => group.store(pending, |batch| self.write_batch(batch)),
        }
    }

    /// Stores `data` for `session_id` in `namespace` at `now_ms` for `ttl_ms`. Storing a
    /// message the mailbox already holds changes nothing (its first store's times are
    /// returned); a message over the recipient's quota is refused with
    /// [`MailboxError::Full`], past the node-wide bound with [`MailboxError::NodeFull`],
    /// and one the recipient deleted (before it would have expired) with
    /// [`MailboxError::Deleted`].
    ///
    /// Durable when it returns. The store is queued without a thread of its own, and a
    /// blocking task is started only when no batch is being written (it writes until the
    /// queue is empty), so concurrent stores cost one thread hand-off per batch, not per
    /// store; they are committed together (see [`GroupCommit`]).
    pub(crate) async fn store_async(
        self: &std::sync::Arc<Self>,
        session_id: SessionId,
        namespace: i16,
        data: Vec<u8>,
        now_ms: u64,
        ttl_ms: u64,
    ) -> MailboxResult<Stored> {
        self.store_queued(Pending::new(session_id, namespace, data, now_ms, ttl_ms))
            .await
    }

    /// [`Mailbox::store_async`] of a message whose storage hash the caller computed already
    /// (`digest`, [`rpc_digest`] of `session_id`, `namespace` and `data`: it keys the
    /// message, so it must be that), as the `store` handler does for its answer.
    pub(crate) async fn store_digested(
        self: &std::sync::Arc<Self>,
        session_id: SessionId,
        namespace: i16,
        data: Vec<u8>,
        digest: [u8; 32],
        now_ms: u64,
        ttl_ms: u64,
    ) -> MailboxResult<Stored> {
        debug_assert_eq!(digest, rpc_digest(&session_id.to_bytes(), namespace, &data));
        self.store_queued(Pending {
            session_id,
            namespace,
            data,
            digest,
            now_ms,
            ttl_ms,
        })
        .await
    }

    /// Queues `pending` for the group commit (or, without it, commits it alone).
    async fn store_queued(self: &std::sync::Arc<Self>, pending: Pending) -> MailboxResult<Stored> {
        let Some(group) = &self.group else {
            let mailbox = self.clone();
            return tokio::task::spawn_blocking(move || {
                mailbox
                    .commit_batch(std::slice::from_ref(&pending), None)
                    .0
                    .pop()
                    .expect("one answer per store")
            })
            .await
            .unwrap_or_else(|_| Err(MailboxError::Corrupt("store (the writer panicked)")));
        };
        let (sender, answer) = tokio::sync::oneshot::channel();
        let (_, write) = group.queue(pending, |_| Waiter::Task(sender));
        if write {
            let mailbox = self.clone();
            tokio::task::spawn_blocking(move || {
                if let Some(group) = &mailbox.group {
                    group.write_all(&|batch: &[Pending]| mailbox.write_batch(batch));
                }
            });
        }
        answer
            .await
            .unwrap_or_else(|_| Err(MailboxError::Corrupt("store (the writer panicked)")))
    }

    /// Write transactions committed by stores so far (fewer than the stores when they were
    /// committed together).
    #[cfg(test)]
    pub(crate) fn store_commits(&self) -> u64 {
        self.store_commits
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Commits `batch` and says how it becomes durable: in redb at once without the log;
    /// with it, non-durably with its record handed to the syncer, or durably (a
    /// checkpoint, every [`wal::CHECKPOINT_BYTES`] of log).
    fn write_batch(&self, batch: &[Pending]) -> (Vec<MailboxResult<Stored>>, Durable) {
        let Some(wal) = &self.wal else {
            return (self.commit_batch(batch, None).0, Durable::Now);
        };
        let mut wal = wal
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let failed_sync = self.group.as_ref().is_some_and(|group| {
            group
                .checkpoint_now
                .swap(false, std::sync::atomic::Ordering::Relaxed)
        });
        let checkpoint = wal.since_checkpoint >= wal.checkpoint_bytes || failed_sync;
        let lsn = wal.next_lsn;
        let (answers, committed) = self.commit_batch(batch, Some((lsn, checkpoint)));
        if !committed && failed_sync {
            // The checkpoint itself failed: the next batch tries again.
            if let Some(group) = &self.group {
                group
                    .checkpoint_now
                    .store(true, std::sync::atomic::Ordering::Relaxed);
            }
        }
        if !committed {
            // Nothing written: answered once what was queued before is durable.
            return (
                answers,
                Durable::Log {
                    record: Vec::new(),
                    restart: false,
                },
            );
        }
        wal.next_lsn += 1;
        if checkpoint {
            wal.since_checkpoint = 0;
            return (
                answers,
                Durable::Log {
                    record: Vec::new(),
                    restart: true,
                },
            );
        }
        let wrote = batch
            .iter()
            .zip(&answers)
            .filter(|(_, answer)| matches!(answer, Ok(stored) if !stored.duplicate))
            .map(|(pending, _)| pending);
        let mut record = Vec::new();
        wal::encode(lsn, wrote, &mut record);
        wal.since_checkpoint += record.len() as u64;
        (
            answers,
            Durable::Log {
                record,
                restart: false,
            },
        )
    }

    /// Applies `batch` in order in one write transaction and commits it; answers each
    /// store, in order, and whether the transaction was committed (nothing written: it was
    /// not). A refused store is refused alone (nothing of it was written); a store that
    /// fails otherwise (the database) is answered with its error and the transaction is
    /// begun again without it; a failed commit fails every store of it. With `logged`
    /// (the batch's LSN, and whether it is a checkpoint), the LSN is recorded and the
    /// commit is durable only for a checkpoint (always committed then), the log making the
    /// others durable; without it, the commit is durable.
    fn commit_batch(
        &self,
        batch: &[Pending],
        logged: Option<(u64, bool)>,
    ) -> (Vec<MailboxResult<Stored>>, bool) {
        let mut failed: Vec<Option<MailboxError>> = batch.iter().map(|_| None).collect();
        'attempt: loop {
            let mut txn = match self.db.begin_write() {
                Ok(txn) => txn,
                Err(error) => return (shared_failure(batch, failed, error.into()), false),
            };
            if let Some((_, false)) = logged
                && let Err(error) = txn.set_durability(redb::Durability::None)
            {
                return (
                    shared_failure(batch, failed, MailboxError::Db(error.into())),
                    false,
                );
            }
            let mut answers = Vec::with_capacity(batch.len());
            {
                // Opened once for the whole batch.
                let mut tables = match StoreTables::open(&txn) {
                    Ok(tables) => tables,
                    Err(error) => return (shared_failure(batch, failed, error), false),
                };
                for (pending, failed) in batch.iter().zip(&mut failed) {
                    if failed.is_some() {
                        answers.push(None);
                        continue;
                    }
                    match apply_store(&mut tables, &self.quota, pending) {
                        Err(error) if !error.is_refusal() => {
                            // What it wrote before failing cannot be taken back alone.
                            *failed = Some(error);
                            drop(tables);
                            drop(txn);
                            continue 'attempt;
                        }
                        answer => answers.push(Some(answer)),
                    }
                }
                if let Err(error) = tables.flush() {
                    return (shared_failure(batch, failed, error), false);
                }
                if let Some((lsn, _)) = logged
                    && let Err(error) = tables
                        .meta
                        .insert(META_WAL_LSN, lsn.to_be_bytes().as_slice())
                {
                    return (shared_failure(batch, failed, error.into()), false);
                }
            }
            let wrote = answers
                .iter()
                .any(|answer| matches!(answer, Some(Ok(stored)) if !stored.duplicate))
                || matches!(logged, Some((_, true)));
            let committed = if wrote {
                self.store_commits
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                txn.commit().map_err(MailboxError::from)
            } else {
                txn.abort().map_err(MailboxError::from)
            };
            if let Err(error) = committed {
                return (shared_failure(batch, failed, error), false);
            }
            let answers = answers
                .into_iter()
                .zip(failed)
                .map(|(answer, failed)| match (answer, failed) {
                    (Some(answer), _) => answer,
                    (None, Some(error)) => Err(error),
                    (None, None) => unreachable!("a store is answered or failed"),
                })
                .collect();
            return (answers, wrote);
        }
    }

    /// The unexpired messages of a mailbox stored after the one whose storage hash
    /// ([`rpc_digest`]) is `last_hash` (all of them when it is absent, of another
    /// namespace or unknown here), oldest first, at most `limit`.
    pub(crate) fn retrieve_rpc(
        &self,
        session_id: &SessionId,
        namespace: i16,
        last_hash: Option<&[u8; 32]>,
        limit: usize,
        now_ms: u64,
    ) -> MailboxResult<Page> {
        let recipient = session_id.to_bytes();
        let mailbox = mailbox_key(session_id, namespace);
        let txn = self.db.begin_read()?;
        let start = match last_hash {
            Some(digest) => match txn
                .open_table(RPC_HASHES)?
                .get(rpc_key(&recipient, digest).as_slice())?
            {
                Some(value) => match decode_rpc_value(value.value())? {
                    (ns, seq) if ns == namespace => seq + 1,
                    _ => 0,
                },
                None => 0,
            },
            None => 0,
        };
        page_from(&txn, &mailbox, start, limit, now_ms)
    }

    /// Deletes the messages of `session_id` named by storage hashes ([`rpc_digest`]), in
    /// any namespace, leaving a tombstone for each (see the module documentation); returns
    /// those that were there.
    pub(crate) fn delete_rpc(
        &self,
        session_id: &SessionId,
        digests: &[[u8; 32]],
    ) -> MailboxResult<Vec<[u8; 32]>> {
        let recipient = session_id.to_bytes();
        let txn = self.db.begin_write()?;
        let mut deleted = Vec::new();
        {
            let mut removals = Vec::new();
            {
                let index = txn.open_table(RPC_HASHES)?;
                let messages = txn.open_table(MESSAGES)?;
                for digest in digests {
                    let Some(value) = index.get(rpc_key(&recipient, digest).as_slice())? else {
                        continue;
                    };
                    let (namespace, seq) = decode_rpc_value(value.value())?;
                    let mailbox = mailbox_key(session_id, namespace);
                    if messages
                        .get(message_key(&mailbox, seq).as_slice())?
                        .is_none()
                    {
                        continue;
                    }
                    removals.push((mailbox, seq));
                    deleted.push(*digest);
                }
            }
            remove_leaving_tombstones(&txn, &removals)?;
        }
        txn.commit()?;
        Ok(deleted)
    }
}

impl Mailbox {
    /// The expiry of each unexpired message of `session_id` named by a storage hash
    /// ([`rpc_digest`]), in any namespace; unknown and expired ones are left out.
    pub(crate) fn expiries_rpc(
        &self,
        session_id: &SessionId,
        digests: &[[u8; 32]],
        now_ms: u64,
    ) -> MailboxResult<Vec<([u8; 32], u64)>> {
        let recipient = session_id.to_bytes();
        let txn = self.db.begin_read()?;
        let index = txn.open_table(RPC_HASHES)?;
        let messages = txn.open_table(MESSAGES)?;
        let mut found = Vec::new();
        for digest in digests {
            let Some(value) = index.get(rpc_key(&recipient, digest).as_slice())? else {
                continue;
            };
            let (namespace, seq) = decode_rpc_value(value.value())?;
            let key = message_key(&mailbox_key(session_id, namespace), seq);
            if let Some(message) = messages.get(key.as_slice())? {
                let expiry_ms = Value::decode(message.value())?.expiry_ms;
                if expiry_ms > now_ms {
                    found.push((*digest, expiry_ms));
                }
            }
        }
        Ok(found)
    }

    /// Deletes every message of `session_id` in `namespace` (every namespace when `None`),
    /// leaving tombstones as [`Mailbox::delete_rpc`]; returns each deleted message's namespace
    /// and storage hash.
    pub(crate) fn delete_all_rpc(
        &self,
        session_id: &SessionId,
        namespace: Option<i16>,
    ) -> MailboxResult<Vec<(i16, [u8; 32])>> {
        let recipient = session_id.to_bytes();
        let (from, to) = match namespace {
            Some(ns) => {
                let mailbox = mailbox_key(session_id, ns);
                (
                    message_key(&mailbox, 0).to_vec(),
                    message_key(&mailbox, u64::MAX).to_vec(),
                )
            }
            None => (
                [recipient.as_slice(), &[0u8; 10]].concat(),
                [recipient.as_slice(), &[0xffu8; 10]].concat(),
            ),
        };
        let txn = self.db.begin_write()?;
        let mut deleted = Vec::new();
        {
            let mut removals = Vec::new();
            {
                let messages = txn.open_table(MESSAGES)?;
                for entry in messages.range(from.as_slice()..=to.as_slice())? {
                    let (key, value) = entry?;
                    let key = key.value();
                    if key.len() != MAILBOX_LEN + 8 {
                        return Err(MailboxError::Corrupt("message key"));
                    }
                    let mailbox: [u8; MAILBOX_LEN] =
                        key[..MAILBOX_LEN].try_into().expect("35 bytes");
                    let ns = i16::from_be_bytes([key[33], key[34]]);
                    let value = Value::decode(value.value())?;
                    deleted.push((ns, rpc_digest(&recipient, ns, value.data)));
                    removals.push((mailbox, u64_at(key, MAILBOX_LEN)));
                }
            }
            remove_leaving_tombstones(&txn, &removals)?;
        }
        txn.commit()?;
        Ok(deleted)
    }
}

/// Which way `expire` may move an expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExpiryChange {
    /// Either way (set it).
    Either,
    /// Only earlier.
    Shorten,
    /// Only later.
    Extend,
}

/// What [`Mailbox::expire_rpc`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Expired {
    /// The messages whose expiry was set, with it.
    pub updated: Vec<([u8; 32], u64)>,
    /// The messages found but left as they were (by `Shorten` or `Extend`), with their
    /// expiry.
    pub unchanged: Vec<([u8; 32], u64)>,
}

impl Mailbox {
    /// Sets the expiry of each unexpired message of `session_id` named by a storage hash
    /// ([`rpc_digest`]), in any namespace, to its paired expiry, as `change` allows;
    /// unknown and expired messages are left out of the answer.
    pub(crate) fn expire_rpc(
        &self,
        session_id: &SessionId,
        expiries: &[([u8; 32], u64)],
        change: ExpiryChange,
        now_ms: u64,
    ) -> MailboxResult<Expired> {
        let recipient = session_id.to_bytes();
        let txn = self.db.begin_write()?;
        let mut done = Expired::default();
        {
            let index = txn.open_table(RPC_HASHES)?;
            let mut messages = txn.open_table(MESSAGES)?;
            let mut by_expiry = txn.open_table(EXPIRIES)?;
            for (digest, expiry_ms) in expiries {
                let Some(value) = index.get(rpc_key(&recipient, digest).as_slice())? else {
                    continue;
                };
                let (namespace, seq) = decode_rpc_value(value.value())?;
                let mailbox = mailbox_key(session_id, namespace);
                let key = message_key(&mailbox, seq);
                let Some(message) = messages.get(key.as_slice())?.map(|v| v.value().to_vec())
                else {
                    continue;
                };
                let current = Value::decode(&message)?.expiry_ms;
                if current <= now_ms {
                    continue;
                }
                let allowed = match change {
                    ExpiryChange::Either => true,
                    ExpiryChange::Shorten => *expiry_ms < current,
                    ExpiryChange::Extend => *expiry_ms > current,
                };
                if !allowed {
                    done.unchanged.push((*digest, current));
                    continue;
                }
                let mut message = message;
                message[40..48].copy_from_slice(&expiry_ms.to_be_bytes());
                messages.insert(key.as_slice(), message.as_slice())?;
                by_expiry.remove(expiry_key(current, &mailbox, seq).as_slice())?;
                by_expiry.insert(expiry_key(*expiry_ms, &mailbox, seq).as_slice(), ())?;
                done.updated.push((*digest, *expiry_ms));
            }
        }
        txn.commit()?;
        Ok(done)
    }
}

/// The unexpired messages of `mailbox` from sequence number `start`, at most `limit`.
fn page_from(
    txn: &redb::ReadTransaction,
    mailbox: &[u8; MAILBOX_LEN],
    start: u64,
    limit: usize,
    now_ms: u64,
) -> MailboxResult<Page> {
    {
        let messages = txn.open_table(MESSAGES)?;
        let from = message_key(mailbox, start);
        let to = message_key(mailbox, u64::MAX);
        let mut page = Page {
            messages: Vec::new(),
            more: false,
        };
        for entry in messages.range(from.as_slice()..=to.as_slice())? {
            let (_, value) = entry?;
            let value = Value::decode(value.value())?;
            if value.expiry_ms <= now_ms {
                continue;
            }
            if page.messages.len() == limit {
                page.more = true;
                break;
            }
            page.messages.push(StoredMessage {
                hash: value.hash,
                data: value.data.to_vec(),
                stored_ms: value.stored_ms,
                expiry_ms: value.expiry_ms,
            });
        }
        Ok(page)
    }
}

impl Mailbox {
    /// Drops up to `max` tombstones of deleted messages that would have expired at or before
    /// `now_ms`; returns how many.
    pub(crate) fn forget_deleted(&self, now_ms: u64, max: usize) -> MailboxResult<usize> {
        let txn = self.db.begin_write()?;
        let keys = {
            let forget = txn.open_table(DELETED_EXPIRIES)?;
            let end = [&now_ms.to_be_bytes()[..], &[0xff; MAILBOX_LEN + 32]].concat();
            let mut keys = Vec::new();
            for entry in forget.range(..=end.as_slice())?.take(max) {
                keys.push(entry?.0.value().to_vec());
            }
            keys
        };
        if keys.is_empty() {
            return Ok(0);
        }
        {
            let mut forget = txn.open_table(DELETED_EXPIRIES)?;
            let mut tombstones = txn.open_table(DELETED)?;
            for key in &keys {
                if key.len() != 8 + MAILBOX_LEN + 32 {
                    return Err(MailboxError::Corrupt("tombstone index"));
                }
                forget.remove(key.as_slice())?;
                // A later delete of a re-stored copy may have moved the tombstone on.
                let current = tombstones.get(&key[8..])?.map(|v| v.value());
                if current.is_some_and(|until| until.to_be_bytes() == key[..8]) {
                    tombstones.remove(&key[8..])?;
                }
            }
        }
        txn.commit()?;
        Ok(keys.len())
    }

    /// Drops up to `max` messages that expired at or before `now_ms`; returns how many.
    pub(crate) fn prune(&self, now_ms: u64, max: usize) -> MailboxResult<usize> {
        let txn = self.db.begin_write()?;
        let removals = {
            let expiries = txn.open_table(EXPIRIES)?;
            let end = expiry_key(now_ms, &[0xff; MAILBOX_LEN], u64::MAX);
            let mut removals = Vec::new();
            for entry in expiries.range(..=end.as_slice())?.take(max) {
                let (key, _) = entry?;
                let key = key.value();
                if key.len() != 8 + MAILBOX_LEN + 8 {
                    return Err(MailboxError::Corrupt("expiry index"));
                }
                let mailbox: [u8; MAILBOX_LEN] =
                    key[8..8 + MAILBOX_LEN].try_into().expect("35 bytes");
                removals.push((mailbox, u64_at(key, 8 + MAILBOX_LEN)));
            }
            removals
        };
        let count = removals.len();
        if count > 0 {
            remove_messages(&txn, &removals)?;
            txn.commit()?;
        }
        Ok(count)
    }

    /// Totals over every mailbox.
    pub(crate) fn totals(&self) -> MailboxResult<Totals> {
        let txn = self.db.begin_read()?;
        let (messages, bytes) = read_total(&txn.open_table(META)?)?;
        Ok(Totals {
            messages,
            bytes,
            recipients: txn.open_table(USAGE)?.len()?,
        })
    }
}

/// Sweeps expired messages, and the tombstones of deleted ones that would have expired,
/// every `interval` until `cancel`; a sweep that fails is logged and retried at the next tick.
pub(crate) async fn prune_forever(
    mailbox: std::sync::Arc<Mailbox>,
    interval: std::time::Duration,
    cancel: tokio_util::sync::CancellationToken,
) {
    const PER_SWEEP: usize = 10_000;
    loop {
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(interval) => {}
        }
        let mailbox = mailbox.clone();
        let swept = tokio::task::spawn_blocking(move || {
            let (mut messages, mut tombstones) = (0, 0);
            loop {
                let now = now_ms();
                let pruned = mailbox.prune(now, PER_SWEEP)?;
                let forgotten = mailbox.forget_deleted(now, PER_SWEEP)?;
                messages += pruned;
                tombstones += forgotten;
                if pruned < PER_SWEEP && forgotten < PER_SWEEP {
                    return Ok::<_, MailboxError>((messages, tombstones));
                }
            }
        })
        .await;
        match swept {
            Ok(Ok((0, 0))) => {}
            Ok(Ok((pruned, tombstones))) => {
                tracing::debug!(
                    pruned,
                    tombstones,
                    "expired messages and tombstones dropped"
                );
            }
            Ok(Err(error)) => tracing::warn!(%error, "cannot drop expired messages"),
            Err(error) => tracing::error!(%error, "the mailbox sweep panicked"),
        }
    }
}

/// The `meta` totals: messages and envelope bytes over every mailbox.
/// `meta`'s big-endian number at `key` (0 when absent); `what` names it if it is corrupt.
fn read_meta_u64(
    meta: &impl ReadableTable<&'static str, &'static [u8]>,
    key: &str,
    what: &'static str,
) -> MailboxResult<u64> {
    match meta.get(key)? {
        None => Ok(0),
        Some(bytes) => Ok(u64::from_be_bytes(
            bytes
                .value()
                .try_into()
                .map_err(|_| MailboxError::Corrupt(what))?,
        )),
    }
}

fn read_total(meta: &impl ReadableTable<&'static str, &'static [u8]>) -> MailboxResult<(u64, u64)> {
    decode_usage(Some(
        meta.get(META_TOTAL)?
            .ok_or(MailboxError::Corrupt("totals"))?
            .value(),
    ))
}

/// Removes deleted messages and leaves a tombstone for each until it would have expired, so
/// a copy stored again is refused (see the module documentation).
fn remove_leaving_tombstones(
    txn: &redb::WriteTransaction,
    removals: &[([u8; MAILBOX_LEN], u64)],
) -> MailboxResult<()> {
    let removed = remove_messages(txn, removals)?;
    let mut tombstones = txn.open_table(DELETED)?;
    let mut forget = txn.open_table(DELETED_EXPIRIES)?;
    for ((mailbox, _), (hash, expiry_ms)) in removals.iter().zip(removed) {
        let key = hash_key(mailbox, &hash);
        tombstones.insert(key.as_slice(), expiry_ms)?;
        forget.insert(
            joined::<{ 8 + MAILBOX_LEN + 32 }>(&expiry_ms.to_be_bytes(), &key).as_slice(),
            (),
        )?;
    }
    Ok(())
}

/// Removes messages (and their index and expiry entries, usage and totals) inside `txn`;
/// the own hash and expiry of each that was there.
fn remove_messages(
    txn: &redb::WriteTransaction,
    removals: &[([u8; MAILBOX_LEN], u64)],
) -> MailboxResult<Vec<(MessageHash, u64)>> {
    let mut tables = StoreTables::open(txn)?;
    let removed = remove_in(&mut tables, removals)?;
    tables.flush()?;
    Ok(removed)
}

/// The tables a store writes, opened once for a batch of stores, with the counters of
/// `meta` (the last sequence number, the totals) read once and written back by
/// [`StoreTables::flush`]: a batch reads and writes `meta` twice, not each of its stores.
struct StoreTables<'txn> {
    messages: redb::Table<'txn, &'static [u8], &'static [u8]>,
    expiries: redb::Table<'txn, &'static [u8], ()>,
    usage: redb::Table<'txn, &'static [u8], &'static [u8]>,
    meta: redb::Table<'txn, &'static str, &'static [u8]>,
    rpc_hashes: redb::Table<'txn, &'static [u8], &'static [u8]>,
    deleted: redb::Table<'txn, &'static [u8], u64>,
    /// The last sequence number given (`meta`'s `seq`; 0: none yet).
    seq: u64,
    /// Messages and envelope bytes over every mailbox (`meta`'s `total`).
    total: (u64, u64),
}

impl<'txn> StoreTables<'txn> {
    fn open(txn: &'txn redb::WriteTransaction) -> MailboxResult<Self> {
        let meta = txn.open_table(META)?;
        let seq = read_meta_u64(&meta, META_SEQ, "sequence")?;
        let total = read_total(&meta)?;
        Ok(Self {
            seq,
            total,
            messages: txn.open_table(MESSAGES)?,
            expiries: txn.open_table(EXPIRIES)?,
            usage: txn.open_table(USAGE)?,
            meta,
            rpc_hashes: txn.open_table(RPC_HASHES)?,
            deleted: txn.open_table(DELETED)?,
        })
    }

    /// Writes the counters back to `meta`: before the transaction commits.
    fn flush(&mut self) -> MailboxResult<()> {
        self.meta
            .insert(META_SEQ, self.seq.to_be_bytes().as_slice())?;
        self.meta.insert(
            META_TOTAL,
            encode_usage(self.total.0, self.total.1).as_slice(),
        )?;
        Ok(())
    }
}

/// [`remove_messages`] with the tables already open.
fn remove_in(
    tables: &mut StoreTables<'_>,
    removals: &[([u8; MAILBOX_LEN], u64)],
) -> MailboxResult<Vec<(MessageHash, u64)>> {
    let StoreTables {
        messages,
        expiries,
        usage,
        rpc_hashes,
        total,
        ..
    } = tables;
    let mut removed = Vec::with_capacity(removals.len());
    for (mailbox, seq) in removals {
        let Some(value) = messages.remove(message_key(mailbox, *seq).as_slice())? else {
            continue;
        };
        let value = value.value().to_vec();
        let value = Value::decode(&value)?;
        expiries.remove(expiry_key(value.expiry_ms, mailbox, *seq).as_slice())?;
        removed.push((value.hash, value.expiry_ms));
        let recipient = &mailbox[..33];
        let namespace = i16::from_be_bytes([mailbox[33], mailbox[34]]);
        let digest = rpc_digest(recipient, namespace, value.data);
        rpc_hashes.remove(rpc_key(recipient, &digest).as_slice())?;
        let (count, bytes) =
            decode_usage(usage.get(recipient)?.map(|v| v.value().to_vec()).as_deref())?;
        let (count, bytes) = (
            count.saturating_sub(1),
            bytes.saturating_sub(value.data.len() as u64),
        );
        if count == 0 {
            usage.remove(recipient)?;
        } else {
            usage.insert(recipient, encode_usage(count, bytes).as_slice())?;
        }
        *total = (
            total.0.saturating_sub(1),
            total.1.saturating_sub(value.data.len() as u64),
        );
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(byte: u8) -> SessionId {
        sesh_core::envelope::session_id_from_seed(&[byte; 32])
    }

    fn open(quota: Quota) -> (tempfile::TempDir, Mailbox) {
        let dir = tempfile::tempdir().unwrap();
        let mailbox = Mailbox::open(&dir.path().join("mailbox.redb"), quota).unwrap();
        (dir, mailbox)
    }

    fn hashes(page: &Page) -> Vec<MessageHash> {
        page.messages.iter().map(|m| m.hash).collect()
    }

    #[test]
    fn stores_retrieves_in_order_and_pages_by_last_hash() {
        let (_dir, mailbox) = open(Quota::default());
        let bob = id(2);
        let a = mailbox.store(&bob, 0, b"one", 1_000, 60_000).unwrap();
        let b = mailbox.store(&bob, 0, b"two", 1_001, 60_000).unwrap();
        mailbox.store(&id(3), 0, b"other", 1_002, 60_000).unwrap();
        let c = mailbox.store(&bob, 0, b"three", 1_003, 60_000).unwrap();
        assert_eq!(a.hash, message_hash(&bob, 0, b"one"));
        assert_eq!(
            (a.stored_ms, a.expiry_ms, a.duplicate),
            (1_000, 61_000, false)
        );

        let all = mailbox.retrieve_rpc(&bob, 0, None, 100, 2_000).unwrap();
        assert_eq!(hashes(&all), vec![a.hash, b.hash, c.hash]);
        assert_eq!(all.messages[1].data, b"two");
        assert!(!all.more);

        let first = mailbox.retrieve_rpc(&bob, 0, None, 2, 2_000).unwrap();
        assert_eq!(hashes(&first), vec![a.hash, b.hash]);
        assert!(first.more);
        let rest = mailbox
            .retrieve_rpc(&bob, 0, Some(&b.digest), 2, 2_000)
            .unwrap();
        assert_eq!(hashes(&rest), vec![c.hash]);
        assert!(!rest.more);
        // An unknown last hash reads from the oldest.
        let unknown = [7; 32];
        assert_eq!(
            hashes(
                &mailbox
                    .retrieve_rpc(&bob, 0, Some(&unknown), 100, 2_000)
                    .unwrap()
            ),
            vec![a.hash, b.hash, c.hash]
        );
        // Namespaces are separate mailboxes.
        assert!(
            mailbox
                .retrieve_rpc(&bob, 5, None, 100, 2_000)
                .unwrap()
                .messages
                .is_empty()
        );
    }

    #[test]
    fn a_repeated_store_is_one_message() {
        let (_dir, mailbox) = open(Quota::default());
        let bob = id(2);
        let first = mailbox.store(&bob, 0, b"same", 1_000, 60_000).unwrap();
        let again = mailbox.store(&bob, 0, b"same", 5_000, 90_000).unwrap();
        assert!(again.duplicate);
        assert_eq!((again.stored_ms, again.expiry_ms), (1_000, 61_000));
        assert_eq!(
            mailbox
                .retrieve_rpc(&bob, 0, None, 100, 2_000)
                .unwrap()
                .messages
                .len(),
            1
        );
        assert_eq!(mailbox.totals().unwrap().messages, 1);
        assert_eq!(first.hash, again.hash);
        // Once expired (and not yet swept), storing it again keeps a fresh copy.
        let renewed = mailbox.store(&bob, 0, b"same", 70_000, 60_000).unwrap();
        assert!(!renewed.duplicate);
        assert_eq!(renewed.expiry_ms, 130_000);
        let page = mailbox.retrieve_rpc(&bob, 0, None, 100, 71_000).unwrap();
        assert_eq!(hashes(&page), vec![renewed.hash]);
        assert_eq!(mailbox.totals().unwrap().messages, 1);
    }

    #[test]
    fn expired_messages_are_hidden_then_pruned() {
        let (_dir, mailbox) = open(Quota::default());
        let bob = id(2);
        mailbox.store(&bob, 0, b"short", 1_000, 10_000).unwrap();
        let long = mailbox.store(&bob, 0, b"long", 1_000, 100_000).unwrap();
        let page = mailbox.retrieve_rpc(&bob, 0, None, 100, 11_000).unwrap();
        assert_eq!(hashes(&page), vec![long.hash]);
        assert_eq!(mailbox.prune(11_000, 100).unwrap(), 1);
        assert_eq!(mailbox.prune(11_000, 100).unwrap(), 0);
        assert_eq!(
            mailbox.totals().unwrap(),
            Totals {
                messages: 1,
                bytes: 4,
                recipients: 1
            }
        );
        // The pruned message can be stored again (its hash entry went with it).
        assert!(
            !mailbox
                .store(&bob, 0, b"short", 12_000, 10_000)
                .unwrap()
                .duplicate
        );
        assert_eq!(mailbox.prune(200_000, 100).unwrap(), 2);
        assert_eq!(mailbox.totals().unwrap(), Totals::default());
    }

    #[test]
    fn deletes_only_what_is_there() {
        let (_dir, mailbox) = open(Quota::default());
        let bob = id(2);
        let a = mailbox.store(&bob, 0, b"a", 1_000, 60_000).unwrap();
        let b = mailbox.store(&bob, 0, b"b", 1_000, 60_000).unwrap();
        let missing = [1; 32];
        assert_eq!(
            mailbox.delete_rpc(&bob, &[a.digest, missing]).unwrap(),
            vec![a.digest]
        );
        assert_eq!(
            mailbox.delete_rpc(&id(3), &[b.digest]).unwrap(),
            Vec::<[u8; 32]>::new()
        );
        assert_eq!(
            hashes(&mailbox.retrieve_rpc(&bob, 0, None, 100, 2_000).unwrap()),
            vec![b.hash]
        );
        assert_eq!(mailbox.totals().unwrap().messages, 1);
        // Pruning after a delete does not double-count.
        assert_eq!(mailbox.prune(100_000, 100).unwrap(), 1);
        assert_eq!(mailbox.totals().unwrap(), Totals::default());
    }

    #[test]
    fn quotas_refuse_and_free_up() {
        let (_dir, mailbox) = open(Quota {
            max_messages: 2,
            max_bytes: 10,
            ..Quota::default()
        });
        let bob = id(2);
        let a = mailbox.store(&bob, 0, b"12345", 0, 60_000).unwrap();
        assert!(matches!(
            mailbox.store(&bob, 0, b"123456", 0, 60_000),
            Err(MailboxError::Full { bytes: 5, .. })
        ));
        mailbox.store(&bob, 1, b"1", 0, 60_000).unwrap();
        assert!(matches!(
            mailbox.store(&bob, 0, b"2", 0, 60_000),
            Err(MailboxError::Full { messages: 2, .. })
        ));
        // Someone else's mailbox is not affected.
        mailbox.store(&id(3), 0, b"2", 0, 60_000).unwrap();
        mailbox.delete_rpc(&bob, &[a.digest]).unwrap();
        mailbox.store(&bob, 0, b"2", 0, 60_000).unwrap();
    }

    #[test]
    fn the_node_wide_bound_refuses_any_recipient_and_frees_up() {
        let (_dir, mailbox) = open(Quota {
            max_total_bytes: 10,
            ..Quota::default()
        });
        let a = mailbox.store(&id(2), 0, b"123456", 0, 60_000).unwrap();
        mailbox.store(&id(3), 0, b"1234", 0, 1_000).unwrap();
        // A third recipient, far under its own quota, is refused: the node is full.
        assert!(matches!(
            mailbox.store(&id(4), 0, b"1", 0, 60_000),
            Err(MailboxError::NodeFull {
                bytes: 10,
                max_bytes: 10
            })
        ));
        // A duplicate of what is held changes nothing and is not refused.
        assert!(
            mailbox
                .store(&id(2), 0, b"123456", 0, 60_000)
                .unwrap()
                .duplicate
        );
        // Deleting frees room, and so does sweeping an expired message.
        mailbox.delete_rpc(&id(2), &[a.digest]).unwrap();
        mailbox.store(&id(4), 0, b"123456", 0, 60_000).unwrap();
        assert!(mailbox.store(&id(5), 0, b"1", 0, 60_000).is_err());
        assert_eq!(mailbox.prune(1_000, 100).unwrap(), 1);
        mailbox.store(&id(5), 0, b"1234", 2_000, 60_000).unwrap();
        let totals = mailbox.totals().unwrap();
        assert_eq!(
            (totals.messages, totals.bytes, totals.recipients),
            (2, 10, 2)
        );
    }

    #[test]
    fn totals_follow_every_change_and_are_rebuilt_for_older_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mailbox.redb");
        let mailbox = Mailbox::open(&path, Quota::default()).unwrap();
        let mut held = Vec::new();
        for i in 0..40u8 {
            let recipient = id(i % 7);
            let data = vec![i; usize::from(i) + 1];
            let stored = mailbox
                .store(
                    &recipient,
                    i16::from(i % 2),
                    &data,
                    0,
                    u64::from(i) * 100 + 100,
                )
                .unwrap();
            held.push((recipient, stored.digest));
            if i % 5 == 0 {
                let (recipient, digest) = held.remove(0);
                mailbox.delete_rpc(&recipient, &[digest]).unwrap();
            }
        }
        mailbox.prune(1_000, 5).unwrap();
        let summed = |mailbox: &Mailbox| {
            let txn = mailbox.db.begin_read().unwrap();
            let mut sum = Totals::default();
            for entry in txn.open_table(USAGE).unwrap().iter().unwrap() {
                let (messages, bytes) = decode_usage(Some(entry.unwrap().1.value())).unwrap();
                sum.messages += messages;
                sum.bytes += bytes;
                sum.recipients += 1;
            }
            sum
        };
        let expected = summed(&mailbox);
        assert!(expected.messages > 0);
        assert_eq!(mailbox.totals().unwrap(), expected);
        // A file from before the totals were kept: they are summed when it is opened.
        let txn = mailbox.db.begin_write().unwrap();
        txn.open_table(META).unwrap().remove(META_TOTAL).unwrap();
        txn.commit().unwrap();
        drop(mailbox);
        let mailbox = Mailbox::open(&path, Quota::default()).unwrap();
        assert_eq!(mailbox.totals().unwrap(), expected);
    }

    #[test]
    fn a_deleted_message_cannot_be_stored_again_until_it_would_have_expired() {
        let (_dir, mailbox) = open(Quota::default());
        let bob = id(2);
        let kept = mailbox.store(&bob, 0, b"deleted", 1_000, 60_000).unwrap();
        assert_eq!(kept.expiry_ms, 61_000);
        assert_eq!(
            mailbox.delete_rpc(&bob, &[kept.digest]).unwrap(),
            vec![kept.digest]
        );
        assert!(matches!(
            mailbox.store(&bob, 0, b"deleted", 2_000, 600_000),
            Err(MailboxError::Deleted { until_ms: 61_000 })
        ));
        // Other namespaces and recipients are other mailboxes.
        mailbox.store(&bob, 1, b"deleted", 2_000, 60_000).unwrap();
        mailbox.store(&id(3), 0, b"deleted", 2_000, 60_000).unwrap();
        // The tombstone stays until the message would have expired, then goes.
        assert_eq!(mailbox.forget_deleted(60_999, 100).unwrap(), 0);
        assert!(mailbox.store(&bob, 0, b"deleted", 60_999, 60_000).is_err());
        assert_eq!(mailbox.forget_deleted(61_000, 100).unwrap(), 1);
        let again = mailbox.store(&bob, 0, b"deleted", 61_000, 60_000).unwrap();
        assert!(!again.duplicate);
        // Deleted again: a new tombstone, until the new expiry.
        mailbox.delete_rpc(&bob, &[again.digest]).unwrap();
        assert!(matches!(
            mailbox.store(&bob, 0, b"deleted", 62_000, 60_000),
            Err(MailboxError::Deleted { until_ms: 121_000 })
        ));
    }

    #[test]
    fn a_stale_tombstone_entry_does_not_forget_a_newer_tombstone() {
        let (_dir, mailbox) = open(Quota::default());
        let bob = id(2);
        let first = mailbox.store(&bob, 0, b"m", 0, 10_000).unwrap();
        mailbox.delete_rpc(&bob, &[first.digest]).unwrap();
        // Past the first tombstone (not swept yet), the message is stored and deleted again.
        let second = mailbox.store(&bob, 0, b"m", 20_000, 60_000).unwrap();
        mailbox.delete_rpc(&bob, &[second.digest]).unwrap();
        // Sweeping the first tombstone's index entry leaves the second in force.
        assert_eq!(mailbox.forget_deleted(30_000, 100).unwrap(), 1);
        assert!(matches!(
            mailbox.store(&bob, 0, b"m", 30_000, 60_000),
            Err(MailboxError::Deleted { until_ms: 80_000 })
        ));
        assert_eq!(mailbox.forget_deleted(80_000, 100).unwrap(), 1);
        mailbox.store(&bob, 0, b"m", 80_000, 60_000).unwrap();
    }

    fn pending(session_id: SessionId, data: &[u8], now_ms: u64) -> Pending {
        Pending::new(session_id, 0, data.to_vec(), now_ms, 60_000)
    }

    #[test]
    fn concurrent_stores_are_committed_together_and_all_durable() {
        const THREADS: usize = 64;
        const EACH: usize = 20;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mailbox.redb");
        let mailbox = std::sync::Arc::new(Mailbox::open(&path, Quota::default()).unwrap());
        let start = std::sync::Arc::new(std::sync::Barrier::new(THREADS));
        let threads: Vec<_> = (0..THREADS)
            .map(|t| {
                let (mailbox, start) = (mailbox.clone(), start.clone());
                std::thread::spawn(move || {
                    start.wait();
                    (0..EACH)
                        .map(|k| {
                            let mut data = vec![0u8; 400];
                            data[..8].copy_from_slice(&((t * EACH + k) as u64).to_be_bytes());
                            let stored = mailbox.store(&id(t as u8 % 8), 0, &data, 1_000, 60_000);
                            let stored = stored.unwrap();
                            assert!(!stored.duplicate);
                            (t as u8 % 8, stored.hash)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let stored: Vec<(u8, MessageHash)> = threads
            .into_iter()
            .flat_map(|thread| thread.join().unwrap())
            .collect();
        let commits = mailbox.store_commits();
        assert!(
            commits < (THREADS * EACH) as u64,
            "{commits} commits for {} stores",
            THREADS * EACH
        );
        drop(mailbox);
        // Everything answered as stored is in the file once it is opened again.
        let mailbox = Mailbox::open(&path, Quota::default()).unwrap();
        for recipient in 0..8u8 {
            let page = mailbox
                .retrieve_rpc(&id(recipient), 0, None, 1_000, 2_000)
                .unwrap();
            let mut found = hashes(&page);
            let mut expected: Vec<MessageHash> = stored
                .iter()
                .filter(|(r, _)| *r == recipient)
                .map(|(_, hash)| *hash)
                .collect();
            found.sort_by_key(|hash| hash.0);
            expected.sort_by_key(|hash| hash.0);
            assert_eq!(found, expected);
        }
        let totals = mailbox.totals().unwrap();
        assert_eq!(
            (totals.messages, totals.bytes),
            ((THREADS * EACH) as u64, (THREADS * EACH * 400) as u64)
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn async_and_blocking_stores_are_committed_together_and_all_durable() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mailbox.redb");
        let mailbox = std::sync::Arc::new(Mailbox::open(&path, Quota::default()).unwrap());
        let tasks: Vec<_> = (0..256u64)
            .map(|k| {
                let mailbox = mailbox.clone();
                tokio::spawn(async move {
                    let data = k.to_be_bytes().repeat(50);
                    let recipient = id(k as u8 % 4);
                    if k % 8 == 0 {
                        // Some stores block a thread, as before, in the same queue.
                        tokio::task::spawn_blocking(move || {
                            mailbox.store(&recipient, 0, &data, 1_000, 60_000)
                        })
                        .await
                        .unwrap()
                    } else {
                        mailbox.store_async(recipient, 0, data, 1_000, 60_000).await
                    }
                })
            })
            .collect();
        for task in tasks {
            assert!(!task.await.unwrap().unwrap().duplicate);
        }
        assert!(mailbox.store_commits() < 256, "{}", mailbox.store_commits());
        // The last writer task may still hold the mailbox for a moment after answering.
        let mut mailbox = mailbox;
        let mailbox = loop {
            match std::sync::Arc::try_unwrap(mailbox) {
                Ok(mailbox) => break mailbox,
                Err(shared) => mailbox = shared,
            }
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        };
        drop(mailbox);
        let mailbox = Mailbox::open(&path, Quota::default()).unwrap();
        assert_eq!(mailbox.totals().unwrap().messages, 256);
        assert_eq!(mailbox.totals().unwrap().bytes, 256 * 400);
    }

    /// The mailbox files as a crash at this moment leaves them (the process gone, the
    /// mailbox never closed): copies of what is in the files now; `with_log: false` drops
    /// the write-ahead log, leaving what redb alone made durable.
    fn crashed_copy(path: &std::path::Path, with_log: bool) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(path, dir.path().join("mailbox.redb")).unwrap();
        if with_log {
            std::fs::copy(
                wal::path_of(path),
                wal::path_of(&dir.path().join("mailbox.redb")),
            )
            .unwrap();
        }
        dir
    }

    async fn store_concurrently(
        mailbox: &std::sync::Arc<Mailbox>,
        stores: impl Iterator<Item = (SessionId, Vec<u8>)>,
    ) -> Vec<Stored> {
        let tasks: Vec<_> = stores
            .map(|(recipient, data)| {
                let mailbox = mailbox.clone();
                tokio::spawn(
                    async move { mailbox.store_async(recipient, 0, data, 1_000, 60_000).await },
                )
            })
            .collect();
        let mut stored = Vec::new();
        for task in tasks {
            stored.push(task.await.unwrap().unwrap());
        }
        stored
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn answered_stores_survive_a_crash_by_the_log() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mailbox.redb");
        let mailbox = std::sync::Arc::new(Mailbox::open(&path, Quota::default()).unwrap());
        let stores = (0..200u64).map(|k| (id(k as u8 % 5), k.to_be_bytes().repeat(50)));
        let stored = store_concurrently(&mailbox, stores).await;
        assert!(stored.iter().all(|s| !s.duplicate));

        // redb alone did not make them durable: each was answered once its log record was.
        let without_log = crashed_copy(&path, false);
        let redb_only =
            Mailbox::open(&without_log.path().join("mailbox.redb"), Quota::default()).unwrap();
        assert_eq!(redb_only.totals().unwrap().messages, 0);

        let crashed = crashed_copy(&path, true);
        let crashed_path = crashed.path().join("mailbox.redb");
        let reopened = Mailbox::open(&crashed_path, Quota::default()).unwrap();
        assert_eq!(reopened.totals().unwrap(), mailbox.totals().unwrap());
        assert_eq!(reopened.totals().unwrap().messages, 200);
        for who in 0..5u8 {
            assert_eq!(
                reopened
                    .retrieve_rpc(&id(who), 0, None, 100, 2_000)
                    .unwrap(),
                mailbox.retrieve_rpc(&id(who), 0, None, 100, 2_000).unwrap()
            );
        }
        // Applied once: the log is emptied, and opening again changes nothing.
        drop(reopened);
        assert_eq!(
            std::fs::metadata(wal::path_of(&crashed_path))
                .unwrap()
                .len(),
            0
        );
        let again = Mailbox::open(&crashed_path, Quota::default()).unwrap();
        assert_eq!(again.totals().unwrap().messages, 200);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_crash_after_a_delete_and_checkpoints_brings_back_nothing_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mailbox.redb");
        let mailbox = std::sync::Arc::new(Mailbox::open(&path, Quota::default()).unwrap());
        // A checkpoint every few batches: the log begins again many times.
        mailbox
            .wal
            .as_ref()
            .unwrap()
            .lock()
            .unwrap()
            .checkpoint_bytes = 2_000;
        let (bob, carol) = (id(2), id(3));
        // Waves of 10 concurrent stores, one after another: at least one batch each, and
        // each batch's record (about 2,100 bytes) makes the next batch a checkpoint.
        let waves = |who: SessionId, wave: u64| {
            (wave * 10..wave * 10 + 10).map(move |k| (who, k.to_be_bytes().repeat(20)))
        };
        let mut first = Vec::new();
        for wave in 0..4 {
            first.extend(store_concurrently(&mailbox, waves(bob, wave)).await);
        }
        // The delete commits durably (with every batch before it) and leaves tombstones.
        let gone: Vec<MessageHash> = first.iter().take(10).map(|s| s.hash).collect();
        let digests: Vec<[u8; 32]> = first.iter().take(10).map(|s| s.digest).collect();
        assert_eq!(mailbox.delete_rpc(&bob, &digests).unwrap().len(), 10);
        for wave in 0..4 {
            store_concurrently(&mailbox, waves(carol, wave)).await;
        }
        assert!(mailbox.store_commits() >= 8, "{}", mailbox.store_commits());

        let crashed = crashed_copy(&path, true);
        let reopened =
            Mailbox::open(&crashed.path().join("mailbox.redb"), Quota::default()).unwrap();
        assert_eq!(reopened.totals().unwrap(), mailbox.totals().unwrap());
        assert_eq!(reopened.totals().unwrap().messages, 70);
        let bobs = reopened.retrieve_rpc(&bob, 0, None, 100, 2_000).unwrap();
        assert_eq!(bobs.messages.len(), 30);
        assert!(hashes(&bobs).iter().all(|hash| !gone.contains(hash)));
        // The tombstones came through too.
        let again = reopened.store(&bob, 0, &0u64.to_be_bytes().repeat(20), 1_500, 60_000);
        assert!(
            matches!(again, Err(MailboxError::Deleted { .. })),
            "{again:?}"
        );
    }

    #[tokio::test]
    async fn after_a_failed_sync_nothing_is_answered_as_durable_until_a_checkpoint() {
        // Every write to /dev/full fails (ENOSPC), as a sync of a full or failing disk does.
        let log = wal::Log::open(std::path::Path::new("/dev/full")).unwrap();
        let (sender, items) = std::sync::mpsc::channel();
        let group = std::sync::Arc::new(GroupCommit {
            syncer: Some(std::sync::Mutex::new(sender)),
            ..GroupCommit::default()
        });
        let weak = std::sync::Arc::downgrade(&group);
        std::thread::spawn(move || sync_loop(weak, log, items));
        let stored = Stored {
            hash: message_hash(&id(1), 0, b"x"),
            digest: rpc_digest(&id(1).to_bytes(), 0, b"x"),
            stored_ms: 1,
            expiry_ms: 2,
            duplicate: false,
        };
        let send = |record: Vec<u8>, restart: bool| {
            let (answer, waiting) = tokio::sync::oneshot::channel();
            let item = SyncItem {
                record,
                restart,
                tickets: vec![0],
                waiters: vec![Waiter::Task(answer)],
                answers: vec![Ok(stored)],
            };
            assert!(group.send(item).is_ok());
            waiting
        };
        let failed = send(vec![1; 64], false).await.unwrap();
        assert!(
            matches!(&failed, Err(MailboxError::Batch(e)) if matches!(**e, MailboxError::Log(_))),
            "{failed:?}"
        );
        assert!(
            group
                .checkpoint_now
                .load(std::sync::atomic::Ordering::Relaxed)
        );
        // A batch that wrote nothing still waits for the log, which now has a gap.
        assert!(send(Vec::new(), false).await.unwrap().is_err());
        // A checkpoint made everything durable in redb: answered, and the log begins again.
        assert_eq!(send(Vec::new(), true).await.unwrap().unwrap(), stored);
    }

    #[test]
    fn a_batch_answers_each_store_as_it_would_alone() {
        let quota = Quota {
            max_messages: 2,
            max_bytes: 10,
            max_total_bytes: 16,
        };
        let (bob, carol, dave) = (id(2), id(3), id(4));
        let batch = [
            pending(bob, b"one", 1_000),
            pending(bob, b"one", 1_001), // a duplicate of a store of the same batch
            pending(bob, b"two", 1_002), // the quota counts the batch's stores
            pending(bob, b"three", 1_003), // ... and refuses the third
            pending(carol, b"gone", 1_004), // deleted: refused by its tombstone
            pending(dave, b"12345", 1_005),
            pending(carol, b"1234567", 1_006), // past the node-wide bound
            pending(carol, b"12", 1_007),
        ];
        let prepare = |mailbox: &Mailbox| {
            let gone = mailbox.store(&carol, 0, b"gone", 0, 600_000).unwrap();
            mailbox.delete_rpc(&carol, &[gone.digest]).unwrap();
            mailbox.store(&dave, 0, b"1", 0, 600_000).unwrap();
        };
        let (_dir, alone) = open(quota);
        prepare(&alone);
        let one_by_one: Vec<String> = batch
            .iter()
            .map(|p| format!("{:?}", alone.commit_batch(std::slice::from_ref(p), None).0))
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mailbox.redb");
        let together = Mailbox::open(&path, quota).unwrap();
        prepare(&together);
        let commits = together.store_commits();
        let answers = together.commit_batch(&batch, None).0;
        assert_eq!(together.store_commits(), commits + 1);
        let answers: Vec<String> = answers.iter().map(|a| format!("{:?}", [a])).collect();
        assert_eq!(answers, one_by_one);
        assert!(answers[1].contains("duplicate: true"), "{}", answers[1]);
        assert!(answers[3].contains("Full") && answers[3].contains("messages: 2"));
        assert!(answers[4].contains("Deleted"));
        assert!(answers[6].contains("NodeFull"));
        assert!(answers[7].contains("duplicate: false"));
        drop(together);
        let reopened = Mailbox::open(&path, quota).unwrap();
        assert_eq!(reopened.totals().unwrap(), alone.totals().unwrap());
        for who in [bob, carol, dave] {
            assert_eq!(
                reopened.retrieve_rpc(&who, 0, None, 100, 2_000).unwrap(),
                alone.retrieve_rpc(&who, 0, None, 100, 2_000).unwrap()
            );
        }
    }

    #[test]
    fn a_store_the_database_fails_fails_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mailbox.redb");
        let mailbox = Mailbox::open(&path, Quota::default()).unwrap();
        let (bob, carol) = (id(2), id(3));
        // A hash entry pointing at no message: storing that message fails (not a refusal).
        let txn = mailbox.db.begin_write().unwrap();
        let key = rpc_key(&bob.to_bytes(), &rpc_digest(&bob.to_bytes(), 0, b"broken"));
        txn.open_table(RPC_HASHES)
            .unwrap()
            .insert(key.as_slice(), rpc_value(0, 999).as_slice())
            .unwrap();
        txn.commit().unwrap();
        let (answers, _) = mailbox.commit_batch(
            &[
                pending(carol, b"first", 1_000),
                pending(bob, b"broken", 1_000),
                pending(carol, b"second", 1_000),
            ],
            None,
        );
        assert!(matches!(
            answers[1],
            Err(MailboxError::Corrupt("hash index"))
        ));
        assert!(answers[0].is_ok() && answers[2].is_ok());
        drop(mailbox);
        let mailbox = Mailbox::open(&path, Quota::default()).unwrap();
        let page = mailbox.retrieve_rpc(&carol, 0, None, 100, 2_000).unwrap();
        assert_eq!(page.messages.len(), 2);
        assert_eq!(mailbox.totals().unwrap().messages, 2);
    }

    #[test]
    fn survives_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mailbox.redb");
        let bob = id(2);
        let first = {
            let mailbox = Mailbox::open(&path, Quota::default()).unwrap();
            mailbox.store(&bob, 0, b"kept", 1_000, 60_000).unwrap()
        };
        let mailbox = Mailbox::open(&path, Quota::default()).unwrap();
        let second = mailbox.store(&bob, 0, b"next", 1_001, 60_000).unwrap();
        assert_eq!(
            hashes(&mailbox.retrieve_rpc(&bob, 0, None, 100, 2_000).unwrap()),
            vec![first.hash, second.hash]
        );
    }

    #[test]
    fn the_storage_hash_finds_deletes_and_pages_every_message() {
        let (_dir, mailbox) = open(Quota::default());
        let bob = id(2);
        let recipient = bob.to_bytes();
        let one = mailbox.store(&bob, 0, b"one", 1_000, 60_000).unwrap();
        mailbox.store(&bob, 0, b"two", 1_000, 60_000).unwrap();
        mailbox.store(&bob, 5, b"five", 1_000, 60_000).unwrap();
        let (d1, d2, d5) = (
            rpc_digest(&recipient, 0, b"one"),
            rpc_digest(&recipient, 0, b"two"),
            rpc_digest(&recipient, 5, b"five"),
        );
        // A store answers with the storage hash it is found by.
        assert_eq!(one.digest, d1);
        let page = mailbox
            .retrieve_rpc(&bob, 0, Some(&d1), 100, 2_000)
            .unwrap();
        assert_eq!(page.messages.len(), 1);
        assert_eq!(page.messages[0].data, b"two");
        // A hash of another namespace, or unknown: from the start.
        let all = mailbox
            .retrieve_rpc(&bob, 0, Some(&d5), 100, 2_000)
            .unwrap();
        assert_eq!(all.messages.len(), 2);
        // delete names no namespace; it leaves a tombstone under the mailbox's own hash.
        assert_eq!(
            mailbox.delete_rpc(&bob, &[d1, d5, [9; 32]]).unwrap(),
            vec![d1, d5]
        );
        assert!(matches!(
            mailbox.store(&bob, 0, b"one", 2_000, 60_000),
            Err(MailboxError::Deleted { .. })
        ));
        assert!(
            mailbox
                .retrieve_rpc(&bob, 0, Some(&d1), 100, 2_000)
                .unwrap()
                .messages
                .len()
                == 1
        );
        assert_eq!(
            mailbox.delete_rpc(&bob, &[d1]).unwrap(),
            Vec::<[u8; 32]>::new()
        );
        // Expired and pruned: gone from the index too.
        mailbox.prune(100_000, 100).unwrap();
        assert_eq!(
            mailbox.delete_rpc(&bob, &[d2]).unwrap(),
            Vec::<[u8; 32]>::new()
        );
        let txn = mailbox.db.begin_read().unwrap();
        assert_eq!(txn.open_table(RPC_HASHES).unwrap().len().unwrap(), 0);
    }

    #[test]
    fn a_schema_1_file_gains_the_storage_hash_index() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mailbox.redb");
        let bob = id(2);
        {
            let mailbox = Mailbox::open(&path, Quota::default()).unwrap();
            mailbox.store(&bob, 0, b"old", 1_000, 60_000).unwrap();
            // Back to schema 1: no `rpc_hashes`.
            let txn = mailbox.db.begin_write().unwrap();
            txn.delete_table(RPC_HASHES).unwrap();
            txn.open_table(META)
                .unwrap()
                .insert(META_SCHEMA, 1u32.to_be_bytes().as_slice())
                .unwrap();
            txn.commit().unwrap();
        }
        let mailbox = Mailbox::open(&path, Quota::default()).unwrap();
        let digest = rpc_digest(&bob.to_bytes(), 0, b"old");
        assert_eq!(mailbox.delete_rpc(&bob, &[digest]).unwrap(), vec![digest]);
        drop(mailbox);
        let db = Database::create(&path).unwrap();
        let txn = db.begin_read().unwrap();
        let schema = txn
            .open_table(META)
            .unwrap()
            .get(META_SCHEMA)
            .unwrap()
            .unwrap()
            .value()
            .to_vec();
        assert_eq!(schema, SCHEMA_VERSION.to_be_bytes());
    }

    #[test]
    fn a_schema_2_file_drops_its_second_hash_index_and_keeps_every_message_and_tombstone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mailbox.redb");
        let bob = id(2);
        {
            let mailbox = Mailbox::open(&path, Quota::default()).unwrap();
            let kept = mailbox.store(&bob, 0, b"kept", 1_000, 60_000).unwrap();
            let gone = mailbox.store(&bob, 0, b"gone", 1_000, 60_000).unwrap();
            mailbox.delete_rpc(&bob, &[gone.digest]).unwrap();
            // Back to schema 2: `hashes` indexed every message by its own hash.
            let txn = mailbox.db.begin_write().unwrap();
            txn.open_table(LEGACY_HASHES)
                .unwrap()
                .insert(hash_key(&mailbox_key(&bob, 0), &kept.hash).as_slice(), 1)
                .unwrap();
            txn.open_table(META)
                .unwrap()
                .insert(META_SCHEMA, 2u32.to_be_bytes().as_slice())
                .unwrap();
            txn.commit().unwrap();
        }
        let mailbox = Mailbox::open(&path, Quota::default()).unwrap();
        assert!(
            mailbox
                .store(&bob, 0, b"kept", 2_000, 60_000)
                .unwrap()
                .duplicate
        );
        assert!(matches!(
            mailbox.store(&bob, 0, b"gone", 2_000, 60_000),
            Err(MailboxError::Deleted { .. })
        ));
        let digest = rpc_digest(&bob.to_bytes(), 0, b"kept");
        assert_eq!(
            mailbox.expiries_rpc(&bob, &[digest], 2_000).unwrap(),
            vec![(digest, 61_000)]
        );
        {
            let txn = mailbox.db.begin_write().unwrap();
            assert!(!txn.delete_table(LEGACY_HASHES).unwrap(), "hashes is gone");
            // A file of a later schema than this build's is refused, not misread.
            txn.open_table(META)
                .unwrap()
                .insert(META_SCHEMA, (SCHEMA_VERSION + 1).to_be_bytes().as_slice())
                .unwrap();
            txn.commit().unwrap();
        }
        drop(mailbox);
        let refused = Mailbox::open(&path, Quota::default()).unwrap_err();
        assert!(
            matches!(refused, MailboxError::Schema { found, expected: SCHEMA_VERSION } if found == SCHEMA_VERSION + 1),
            "{refused}"
        );
    }

    #[test]
    fn expiries_and_delete_all_by_storage_hash() {
        let (_dir, mailbox) = open(Quota::default());
        let bob = id(2);
        let recipient = bob.to_bytes();
        mailbox.store(&bob, 0, b"a", 1_000, 60_000).unwrap();
        mailbox.store(&bob, 0, b"b", 1_000, 30_000).unwrap();
        mailbox.store(&bob, 7, b"c", 1_000, 60_000).unwrap();
        mailbox.store(&id(3), 0, b"a", 1_000, 60_000).unwrap();
        let (a, b, c) = (
            rpc_digest(&recipient, 0, b"a"),
            rpc_digest(&recipient, 0, b"b"),
            rpc_digest(&recipient, 7, b"c"),
        );
        assert_eq!(
            mailbox
                .expiries_rpc(&bob, &[a, b, c, [1; 32]], 40_000)
                .unwrap(),
            vec![(a, 61_000), (c, 61_000)]
        );
        let mut zero = mailbox.delete_all_rpc(&bob, Some(0)).unwrap();
        zero.sort();
        let mut expected = vec![(0, a), (0, b)];
        expected.sort();
        assert_eq!(zero, expected);
        assert_eq!(mailbox.delete_all_rpc(&bob, None).unwrap(), vec![(7, c)]);
        assert!(mailbox.delete_all_rpc(&bob, None).unwrap().is_empty());
        // Another account's copy stays; the deleted one is a tombstone.
        assert_eq!(
            mailbox
                .retrieve_rpc(&id(3), 0, None, 10, 2_000)
                .unwrap()
                .messages
                .len(),
            1
        );
        assert!(matches!(
            mailbox.store(&bob, 0, b"a", 2_000, 60_000),
            Err(MailboxError::Deleted { .. })
        ));
    }

    #[test]
    fn expire_sets_shortens_or_extends_by_storage_hash() {
        let (_dir, mailbox) = open(Quota::default());
        let bob = id(2);
        let recipient = bob.to_bytes();
        mailbox.store(&bob, 0, b"a", 1_000, 60_000).unwrap();
        mailbox.store(&bob, 3, b"b", 1_000, 60_000).unwrap();
        let (a, b) = (
            rpc_digest(&recipient, 0, b"a"),
            rpc_digest(&recipient, 3, b"b"),
        );
        let done = mailbox
            .expire_rpc(
                &bob,
                &[(a, 30_000), (b, 90_000), ([1; 32], 5)],
                ExpiryChange::Shorten,
                2_000,
            )
            .unwrap();
        assert_eq!(done.updated, vec![(a, 30_000)]);
        assert_eq!(done.unchanged, vec![(b, 61_000)]);
        let done = mailbox
            .expire_rpc(&bob, &[(b, 90_000)], ExpiryChange::Either, 2_000)
            .unwrap();
        assert_eq!(done.updated, vec![(b, 90_000)]);
        assert_eq!(
            mailbox.expiries_rpc(&bob, &[a, b], 2_000).unwrap(),
            vec![(a, 30_000), (b, 90_000)]
        );
        // The expiry index follows: pruned at the new expiry, not the old.
        assert_eq!(mailbox.prune(40_000, 10).unwrap(), 1);
        assert_eq!(
            mailbox.expiries_rpc(&bob, &[a, b], 2_000).unwrap(),
            vec![(b, 90_000)]
        );
        assert_eq!(mailbox.prune(70_000, 10).unwrap(), 0);
    }
}
