//! The mailbox's write-ahead log (`mailbox.wal` beside `mailbox.redb`): a store is made
//! durable by one small sequential write and `fdatasync` instead of redb's commit of every
//! page it touched, and the next batch is applied while the last one's sync is under way.
//!
//! Each batch of stores is applied in a redb write transaction committed without durability
//! (`Durability::None`: visible, not yet on disk), which records the batch's log sequence
//! number (LSN) in `meta`. The stores of it that wrote something go into one log record;
//! the syncer thread writes every record queued meanwhile and syncs once, and only then are
//! the batch's stores answered. Every [`CHECKPOINT_BYTES`] of log, a batch is committed
//! durably instead (everything before it reaches the disk with it) and the log starts again
//! from its beginning. Every other write transaction of the mailbox (deletes, sweeps) is
//! durable as well, so redb's durable state is always a prefix of the batches, marked by
//! its LSN.
//!
//! When the file is opened, the records after redb's durable LSN are applied again, in
//! order, and committed durably; the log is then emptied. A store's outcome depends only on
//! the state before it, so each does again what it did when it was answered.
//!
//! A record: payload length (4) ‖ LSN (8) ‖ check (8, a hash of LSN ‖ payload: `check`)
//! ‖ payload. The payload: the number of stores (4), then for each its
//! Session ID (33) ‖ namespace (2) ‖ now_ms (8) ‖ ttl_ms (8) ‖ data length (4) ‖ data.
//! Reading stops at the first record that is short, fails its check or does not follow the
//! one before it (LSN + 1): what lies beyond is a write the crash tore, or records of an
//! earlier round, all at or below the durable LSN.

use super::Pending;
use sesh_core::SessionId;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

/// Log bytes after which a batch is committed durably and the log begins again.
pub(super) const CHECKPOINT_BYTES: u64 = 32 * 1024 * 1024;

const HEADER: usize = 4 + 8 + 8;
const STORE_HEADER: usize = 33 + 2 + 8 + 8 + 4;

/// The log file of the mailbox at `db_path`.
pub(super) fn path_of(db_path: &Path) -> PathBuf {
    db_path.with_extension("wal")
}

/// The record's check: a 64-bit multiply-rotate hash of LSN ‖ payload, a word at a time.
/// It finds torn and stale writes; it is no defence against a forger, and needs none (only
/// the node writes the file). Fixed here rather than a library's hasher, whose algorithm
/// may change between builds that must read each other's logs.
fn check(lsn: u64, payload: &[u8]) -> [u8; 8] {
    const PRIME: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut hash = lsn ^ PRIME ^ payload.len() as u64;
    let mut words = payload.chunks_exact(8);
    for word in &mut words {
        let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
        hash = (hash ^ word).wrapping_mul(PRIME).rotate_left(31);
    }
    let mut tail = [0u8; 8];
    tail[..words.remainder().len()].copy_from_slice(words.remainder());
    hash = (hash ^ u64::from_le_bytes(tail)).wrapping_mul(PRIME);
    // A final mix (MurmurHash3's fmix64), so every input bit reaches every output bit.
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    hash ^= hash >> 33;
    hash.to_be_bytes()
}

/// Appends to `out` the record `lsn` of `stores`.
pub(super) fn encode<'a>(lsn: u64, stores: impl Iterator<Item = &'a Pending>, out: &mut Vec<u8>) {
    let start = out.len();
    let payload = start + HEADER;
    // The header and the count are filled in once the stores are written.
    out.resize(payload + 4, 0);
    let mut count = 0u32;
    for pending in stores {
        count += 1;
        out.extend_from_slice(&pending.session_id.to_bytes());
        out.extend_from_slice(&pending.namespace.to_be_bytes());
        out.extend_from_slice(&pending.now_ms.to_be_bytes());
        out.extend_from_slice(&pending.ttl_ms.to_be_bytes());
        out.extend_from_slice(&(pending.data.len() as u32).to_be_bytes());
        out.extend_from_slice(&pending.data);
    }
    out[payload..payload + 4].copy_from_slice(&count.to_be_bytes());
    let len = (out.len() - payload) as u32;
    let sum = check(lsn, &out[payload..]);
    out[start..start + 4].copy_from_slice(&len.to_be_bytes());
    out[start + 4..start + 12].copy_from_slice(&lsn.to_be_bytes());
    out[start + 12..payload].copy_from_slice(&sum);
}

fn be<const N: usize>(bytes: &[u8], at: usize) -> Option<[u8; N]> {
    bytes.get(at..at + N)?.try_into().ok()
}

fn decode_payload(payload: &[u8]) -> Option<Vec<Pending>> {
    let count = u32::from_be_bytes(be(payload, 0)?);
    let mut at = 4;
    let mut stores = Vec::new();
    for _ in 0..count {
        let id: [u8; 33] = be(payload, at)?;
        let session_id = SessionId::from_key(alloy::primitives::B256::from_slice(&id[1..]))
            .filter(|s| s.to_bytes() == id)?;
        let namespace = i16::from_be_bytes(be(payload, at + 33)?);
        let now_ms = u64::from_be_bytes(be(payload, at + 35)?);
        let ttl_ms = u64::from_be_bytes(be(payload, at + 43)?);
        let len = u32::from_be_bytes(be(payload, at + 51)?) as usize;
        at += STORE_HEADER;
        let data = payload.get(at..at + len)?.to_vec();
        at += len;
        // The storage hash is not logged: computed again, as the handler did.
        stores.push(Pending::new(session_id, namespace, data, now_ms, ttl_ms));
    }
    (at == payload.len()).then_some(stores)
}

/// The records of `log`, in order, up to the first that is torn, fails its check or does
/// not follow the one before it.
pub(super) fn read(log: &[u8]) -> Vec<(u64, Vec<Pending>)> {
    let mut records: Vec<(u64, Vec<Pending>)> = Vec::new();
    let mut at = 0;
    while let (Some(len), Some(lsn), Some(sum)) = (
        be::<4>(log, at).map(u32::from_be_bytes),
        be::<8>(log, at + 4).map(u64::from_be_bytes),
        be::<8>(log, at + 12),
    ) {
        let Some(payload) = log.get(at + HEADER..at + HEADER + len as usize) else {
            break;
        };
        if check(lsn, payload) != sum || records.last().is_some_and(|(last, _)| lsn != last + 1) {
            break;
        }
        let Some(stores) = decode_payload(payload) else {
            break;
        };
        records.push((lsn, stores));
        at += HEADER + len as usize;
    }
    records
}

/// The open log: where the next record goes.
#[derive(Debug)]
pub(super) struct Log {
    file: File,
    offset: u64,
}

impl Log {
    /// Opens (or creates) the log at `path`, to be written from its beginning.
    pub(super) fn open(path: &Path) -> std::io::Result<Self> {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)?;
        Ok(Self { file, offset: 0 })
    }

    /// The whole file as it is.
    pub(super) fn contents(&self) -> std::io::Result<Vec<u8>> {
        let len = self.file.metadata()?.len();
        let mut bytes = vec![0u8; usize::try_from(len).unwrap_or(usize::MAX)];
        self.file.read_exact_at(&mut bytes, 0)?;
        Ok(bytes)
    }

    /// Empties the file, durably: after its records were applied and committed, none of
    /// them may be read again.
    pub(super) fn clear(&mut self) -> std::io::Result<()> {
        self.file.set_len(0)?;
        self.file.sync_all()?;
        self.offset = 0;
        Ok(())
    }

    /// Writes `records` after the last ones and waits until they are on disk.
    pub(super) fn append(&mut self, records: &[u8]) -> std::io::Result<()> {
        self.file.write_all_at(records, self.offset)?;
        self.file.sync_data()?;
        self.offset += records.len() as u64;
        Ok(())
    }

    /// Begins again at the start of the file, over the records of before: a checkpoint made
    /// them durable in redb, and their LSNs are all below the next record's.
    pub(super) fn restart(&mut self) {
        self.offset = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(byte: u8, data: &[u8]) -> Pending {
        Pending::new(
            SessionId::from_key(alloy::primitives::B256::repeat_byte(byte)).unwrap(),
            -3,
            data.to_vec(),
            1_000 + u64::from(byte),
            60_000,
        )
    }

    #[test]
    fn records_read_back_until_a_torn_or_stale_one() {
        let (a, b, c) = (pending(1, b"one"), pending(2, b""), pending(3, &[7; 500]));
        let mut log = Vec::new();
        encode(5, [&a, &b].into_iter(), &mut log);
        encode(6, [&c].into_iter(), &mut log);
        let whole = log.len();
        encode(4, [&a].into_iter(), &mut log);
        let records = read(&log);
        assert_eq!(records.len(), 2, "a stale LSN ends the log");
        assert_eq!(records[0].0, 5);
        assert_eq!(records[0].1[0].data, b"one");
        assert_eq!(records[0].1[1].session_id, b.session_id);
        // The storage hash is computed again from what was logged.
        assert_eq!(records[0].1[0].digest, a.digest);
        assert_eq!(records[1].1[0].data, vec![7; 500]);
        assert_eq!(
            (records[1].1[0].namespace, records[1].1[0].now_ms),
            (-3, 1_003)
        );

        let torn = &log[..whole - 1];
        assert_eq!(read(torn).len(), 1, "a torn last record is not read");
        let mut flipped = log[..whole].to_vec();
        flipped[whole - 1] ^= 1;
        assert_eq!(
            read(&flipped).len(),
            1,
            "a record failing its check is not read"
        );
        assert!(read(&[]).is_empty());
    }
}
