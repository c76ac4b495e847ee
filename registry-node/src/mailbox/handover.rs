//! What the handover (`crate::handover`) needs of the mailbox: the accounts this node holds
//! messages of, their live messages with the times they were first stored, and inserting a
//! message handed over by another member with those times.
//!
//! A handed-over message goes through the same checks and the same write transactions as a
//! store (`Mailbox::store`): the recipient's quota, the node-wide bound, and tombstones (a
//! message deleted here before it arrived is refused, not brought back). Its stored time is
//! the one the first member gave it, so its storage hash (which depends only on the account,
//! the namespace and the bytes), its timestamp and its expiry are the same on every member.

use super::{
    MAILBOX_LEN, MESSAGES, Mailbox, MailboxError, MailboxResult, USAGE, Value, decode_usage,
};
use redb::{ReadableDatabase, ReadableTable};
use sesh_core::SessionId;
use std::sync::Arc;

/// A live message as another member needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HeldMessage {
    /// Its namespace.
    pub namespace: i16,
    /// When it was first stored (ms since the Unix epoch).
    pub timestamp_ms: u64,
    /// When it expires (ms).
    pub expiry_ms: u64,
    /// The stored bytes.
    pub data: Vec<u8>,
}

/// A page of an account's live messages, over every namespace.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct HeldPage {
    /// The messages, in key order (namespace, then the order they were stored here).
    pub messages: Vec<HeldMessage>,
    /// Where the next page starts (`None`: this was the last).
    pub next: Option<Vec<u8>>,
}

/// What inserting a handed-over message did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Inserted {
    /// It is held here now.
    Stored,
    /// It was held here already.
    Duplicate,
    /// It has expired (nothing done).
    Expired,
}

impl Mailbox {
    /// The accounts with at least one message here (live or expired but not swept yet).
    pub(crate) fn accounts(&self) -> MailboxResult<Vec<SessionId>> {
        let txn = self.db.begin_read()?;
        let usage = txn.open_table(USAGE)?;
        let mut accounts = Vec::new();
        for entry in usage.iter()? {
            let (key, value) = entry?;
            let (messages, _) = decode_usage(Some(value.value()))?;
            if messages > 0 {
                accounts.push(session_id_of(key.value())?);
            }
        }
        Ok(accounts)
    }

    /// Whether this node holds a message of `session_id`.
    pub(crate) fn holds(&self, session_id: &SessionId) -> MailboxResult<bool> {
        let txn = self.db.begin_read()?;
        let usage = txn.open_table(USAGE)?;
        let entry = usage.get(session_id.to_bytes().as_slice())?;
        Ok(decode_usage(entry.as_ref().map(|v| v.value()))?.0 > 0)
    }

    /// Up to `limit` live messages of `session_id` (unexpired at `now_ms`), every namespace,
    /// from `from` (a previous page's `next`; `None`: the first).
    pub(crate) fn held_messages(
        &self,
        session_id: &SessionId,
        from: Option<&[u8]>,
        limit: usize,
        now_ms: u64,
    ) -> MailboxResult<HeldPage> {
        let account = session_id.to_bytes();
        let start = from.map_or_else(|| account.to_vec(), <[u8]>::to_vec);
        // Every key of the account: its 33 bytes, then namespace (2) and sequence (8).
        let end = [account.as_slice(), &[0xff; MAILBOX_LEN - 33 + 8]].concat();
        let txn = self.db.begin_read()?;
        let messages = txn.open_table(MESSAGES)?;
        let mut page = HeldPage::default();
        for entry in messages.range(start.as_slice()..=end.as_slice())? {
            let (key, value) = entry?;
            let key = key.value();
            if page.messages.len() == limit {
                page.next = Some(key.to_vec());
                break;
            }
            let value = Value::decode(value.value())?;
            if value.expiry_ms <= now_ms {
                continue;
            }
            let namespace = key
                .get(33..35)
                .map(|ns| i16::from_be_bytes([ns[0], ns[1]]))
                .ok_or(MailboxError::Corrupt("message key"))?;
            page.messages.push(HeldMessage {
                namespace,
                timestamp_ms: value.stored_ms,
                expiry_ms: value.expiry_ms,
                data: value.data.to_vec(),
            });
        }
        Ok(page)
    }

    /// Inserts a message another member handed over, with its first timestamp and expiry,
    /// through the store's checks (quotas, the node-wide bound, tombstones: refusals are
    /// errors as for a store). An expired message is not inserted.
    pub(crate) async fn insert_handed_over(
        self: &Arc<Self>,
        session_id: SessionId,
        message: HeldMessage,
        now_ms: u64,
    ) -> MailboxResult<Inserted> {
        if message.expiry_ms <= now_ms {
            return Ok(Inserted::Expired);
        }
        // The store's clock is the message's first timestamp: its expiry and storage hash
        // come out as the first member made them, and a tombstone (kept until the deleted
        // message would have expired, so later than its timestamp) still refuses it.
        let ttl_ms = message.expiry_ms.saturating_sub(message.timestamp_ms);
        let stored = self
            .store_async(
                session_id,
                message.namespace,
                message.data,
                message.timestamp_ms,
                ttl_ms,
            )
            .await?;
        Ok(if stored.duplicate {
            Inserted::Duplicate
        } else {
            Inserted::Stored
        })
    }

    /// The live message of `session_id` whose storage hash ([`rpc_digest`](super::rpc_digest))
    /// is `digest`, in any namespace (what a peer's storage test asks for).
    pub(crate) fn held_message(
        &self,
        session_id: &SessionId,
        digest: &[u8; 32],
        now_ms: u64,
    ) -> MailboxResult<Option<HeldMessage>> {
        let txn = self.db.begin_read()?;
        let index = txn.open_table(super::RPC_HASHES)?;
        let Some(value) = index.get(super::rpc_key(&session_id.to_bytes(), digest).as_slice())?
        else {
            return Ok(None);
        };
        let (namespace, seq) = super::decode_rpc_value(value.value())?;
        let key = super::message_key(&super::mailbox_key(session_id, namespace), seq);
        let Some(message) = txn.open_table(MESSAGES)?.get(key.as_slice())? else {
            return Ok(None);
        };
        let value = Value::decode(message.value())?;
        Ok((value.expiry_ms > now_ms).then(|| HeldMessage {
            namespace,
            timestamp_ms: value.stored_ms,
            expiry_ms: value.expiry_ms,
            data: value.data.to_vec(),
        }))
    }
}

/// The Session ID of a `usage` key (its 33 bytes).
fn session_id_of(bytes: &[u8]) -> MailboxResult<SessionId> {
    let key = bytes
        .get(1..33)
        .filter(|_| bytes.len() == 33)
        .ok_or(MailboxError::Corrupt("usage key"))?;
    SessionId::from_key(alloy::primitives::B256::from_slice(key))
        .ok_or(MailboxError::Corrupt("usage key"))
}

#[cfg(test)]
mod tests {
    use super::super::{Quota, now_ms};
    use super::*;

    fn id(byte: u8) -> SessionId {
        sesh_core::envelope::session_id_from_seed(&[byte; 32])
    }

    fn open(quota: Quota) -> (tempfile::TempDir, Arc<Mailbox>) {
        let dir = tempfile::tempdir().unwrap();
        let mailbox = Mailbox::open(&dir.path().join("mailbox.redb"), quota).unwrap();
        (dir, Arc::new(mailbox))
    }

    #[test]
    fn lists_accounts_and_their_live_messages_in_pages() {
        let (_dir, mailbox) = open(Quota::default());
        let now = now_ms();
        let (alice, bob) = (id(1), id(2));
        mailbox.store(&alice, 0, b"one", now, 60_000).unwrap();
        mailbox.store(&alice, 5, b"two", now, 60_000).unwrap();
        mailbox
            .store(&alice, 0, b"gone", now - 20_000, 10_000)
            .unwrap();
        mailbox.store(&bob, 0, b"bob", now, 60_000).unwrap();
        let mut accounts = mailbox.accounts().unwrap();
        accounts.sort();
        let mut expected = vec![alice, bob];
        expected.sort();
        assert_eq!(accounts, expected);
        assert!(mailbox.holds(&alice).unwrap());
        assert!(!mailbox.holds(&id(3)).unwrap());

        let first = mailbox.held_messages(&alice, None, 1, now).unwrap();
        assert_eq!(first.messages.len(), 1);
        assert_eq!(first.messages[0].data, b"one");
        assert_eq!(first.messages[0].timestamp_ms, now);
        assert_eq!(first.messages[0].expiry_ms, now + 60_000);
        let rest = mailbox
            .held_messages(&alice, first.next.as_deref(), 10, now)
            .unwrap();
        // The expired message is left out; namespace 5 follows namespace 0.
        let rest: Vec<_> = rest
            .messages
            .iter()
            .map(|m| (m.namespace, m.data.as_slice()))
            .collect();
        assert_eq!(rest, [(5, b"two".as_slice())]);
        // Bob's messages are not Alice's.
        let bobs = mailbox.held_messages(&bob, None, 10, now).unwrap();
        assert_eq!(bobs.messages.len(), 1);
        assert_eq!(bobs.next, None);
    }

    #[test]
    fn a_message_is_found_by_its_storage_hash_in_any_namespace_until_it_expires() {
        let (_dir, mailbox) = open(Quota::default());
        let now = now_ms();
        let (alice, bob) = (id(1), id(2));
        mailbox.store(&alice, 5, b"five", now, 60_000).unwrap();
        let digest = super::super::rpc_digest(&alice.to_bytes(), 5, b"five");
        let held = mailbox.held_message(&alice, &digest, now).unwrap().unwrap();
        assert_eq!(
            (held.namespace, held.data.as_slice()),
            (5, b"five".as_slice())
        );
        assert_eq!(held.timestamp_ms, now);
        assert_eq!(mailbox.held_message(&bob, &digest, now).unwrap(), None);
        assert_eq!(
            mailbox.held_message(&alice, &digest, now + 60_000).unwrap(),
            None
        );
    }

    #[tokio::test]
    async fn a_handed_over_message_keeps_its_times_and_hash_and_respects_tombstones() {
        let (_dir, from) = open(Quota::default());
        let (_dir2, to) = open(Quota::default());
        let now = now_ms();
        let alice = id(1);
        from.store(&alice, 0, b"hello", now - 5_000, 60_000)
            .unwrap();
        let held = from.held_messages(&alice, None, 10, now).unwrap().messages;
        assert_eq!(held.len(), 1);

        let inserted = to
            .insert_handed_over(alice, held[0].clone(), now)
            .await
            .unwrap();
        assert_eq!(inserted, Inserted::Stored);
        let again = to
            .insert_handed_over(alice, held[0].clone(), now)
            .await
            .unwrap();
        assert_eq!(again, Inserted::Duplicate);
        let page = to.retrieve_rpc(&alice, 0, None, 10, now).unwrap();
        assert_eq!(page.messages.len(), 1);
        let there = &page.messages[0];
        assert_eq!(
            (there.stored_ms, there.expiry_ms),
            (now - 5_000, now + 55_000)
        );
        let original = from.retrieve_rpc(&alice, 0, None, 10, now).unwrap();
        assert_eq!(there.hash, original.messages[0].hash);

        // Deleted on the receiving member: a later handover does not bring it back.
        let digest = super::super::rpc_digest(&alice.to_bytes(), 0, b"hello");
        assert_eq!(to.delete_rpc(&alice, &[digest]).unwrap(), vec![digest]);
        let refused = to.insert_handed_over(alice, held[0].clone(), now).await;
        assert!(
            matches!(refused, Err(MailboxError::Deleted { .. })),
            "{refused:?}"
        );
        assert!(
            to.retrieve_rpc(&alice, 0, None, 10, now)
                .unwrap()
                .messages
                .is_empty()
        );

        // An expired message is not inserted.
        let mut old = held[0].clone();
        old.data = b"old".to_vec();
        old.expiry_ms = now - 1;
        assert_eq!(
            to.insert_handed_over(alice, old, now).await.unwrap(),
            Inserted::Expired
        );
    }

    #[tokio::test]
    async fn a_handed_over_message_counts_against_the_quota() {
        let (_dir, to) = open(Quota {
            max_messages: 1,
            ..Quota::default()
        });
        let now = now_ms();
        let message = |data: &[u8]| HeldMessage {
            namespace: 0,
            timestamp_ms: now,
            expiry_ms: now + 60_000,
            data: data.to_vec(),
        };
        to.insert_handed_over(id(1), message(b"a"), now)
            .await
            .unwrap();
        let refused = to.insert_handed_over(id(1), message(b"b"), now).await;
        assert!(
            matches!(refused, Err(MailboxError::Full { .. })),
            "{refused:?}"
        );
    }
}
