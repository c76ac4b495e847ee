//! What the indexer tells the HTTP side: the chain head it last saw, whether
//! the RPC answers, the signed indexed head (re-signed once per new head), the
//! active node set (read from the index once per commit), and the sets it replaced
//! lately ([`FormerSwarms`], noted at every commit).

use crate::cache::PerCommit;
use crate::former_swarms::FormerSwarms;
use crate::store::tables::NODES;
use crate::store::{Cursor, Store, StoreError};
use alloy::primitives::Address;
use axum::body::Bytes;
use sesh_core::SessionId;
use sesh_core::api::{Freshness, HeadAnswer, NodeState, Signed};
use sesh_core::attestation::{Kind, NodeKey, NodeSigner};
use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

static NEXT_STATUS_ID: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// The freshness this thread last rendered: (status id, version, head timestamp, JSON).
    /// Kept per thread so that lookups on different cores share no lock or reference count.
    static RENDERED: RefCell<Option<(u64, u64, u64, Bytes)>> = const { RefCell::new(None) };
}

/// Shared indexer status.
#[derive(Debug)]
pub(crate) struct Status {
    signer: Arc<NodeSigner>,
    chain_id: u64,
    registry: Address,
    confirmations: u64,
    chain_head: AtomicU64,
    rpc_ok: AtomicBool,
    last_rpc_ok: Mutex<Option<Instant>>,
    head: RwLock<Signed<HeadAnswer>>,
    id: u64,
    /// Moves after every change to what [`Status::freshness`] says.
    version: AtomicU64,
    active_nodes: PerCommit<[ActiveNode]>,
    left: PerCommit<bool>,
    /// Every active set a commit or the start-up left the index at, replaced lately.
    former: FormerSwarms,
}

/// An active node: its Ed25519 key and public URL.
pub(crate) type ActiveNode = (NodeKey, String);

/// The keys of `active`, sorted: the form in which sets are compared.
pub(crate) fn sorted_keys(active: &[ActiveNode]) -> Vec<NodeKey> {
    let mut keys: Vec<NodeKey> = active.iter().map(|(key, _)| *key).collect();
    keys.sort();
    keys
}

impl Status {
    /// Status before the first RPC answer, with the head signed at `cursor`.
    pub(crate) fn new(
        signer: Arc<NodeSigner>,
        chain_id: u64,
        registry: Address,
        confirmations: u64,
        cursor: Cursor,
    ) -> Self {
        let head = sign_head(&signer, chain_id, registry, cursor);
        Self {
            signer,
            chain_id,
            registry,
            confirmations,
            chain_head: AtomicU64::new(cursor.number),
            rpc_ok: AtomicBool::new(false),
            last_rpc_ok: Mutex::new(None),
            head: RwLock::new(head),
            id: NEXT_STATUS_ID.fetch_add(1, Ordering::Relaxed),
            version: AtomicU64::new(0),
            active_nodes: PerCommit::default(),
            left: PerCommit::default(),
            former: FormerSwarms::default(),
        }
    }

    /// The active nodes (state active, key proven): their keys and URLs, in id order, as
    /// `store` holds them now. Read and decoded once per commit, rewind or reset of the index
    /// (every mailbox request asks), shared until the next.
    pub(crate) fn active_nodes(&self, store: &Store) -> Result<Arc<[ActiveNode]>, StoreError> {
        self.active_nodes.get_or_compute(store, |index| {
            Ok(index
                .scan(NODES)?
                .into_iter()
                .map(|(_, node)| node)
                .filter(|node| node.state == NodeState::Active && node.key_proof_valid)
                .map(|node| (NodeKey(node.ed25519_key.0), node.url))
                .collect())
        })
    }

    /// Whether this node left the active set: its key is registered to a node that exited
    /// or was deregistered, and to no node active now. Such a node keeps no mailbox even
    /// while every node would keep every one (it takes no stores it would not hand on).
    /// Read once per commit, as [`Status::active_nodes`].
    pub(crate) fn has_left(&self, store: &Store) -> Result<bool, StoreError> {
        let me = self.signer.node_key();
        let left = self.left.get_or_compute(store, |index| {
            let mine: Vec<NodeState> = index
                .scan(NODES)?
                .into_iter()
                .map(|(_, node)| node)
                .filter(|node| node.ed25519_key.0 == me.0 && node.key_proof_valid)
                .map(|node| node.state)
                .collect();
            Ok(Arc::new(
                !mine.contains(&NodeState::Active)
                    && mine
                        .iter()
                        .any(|state| matches!(state, NodeState::Exited | NodeState::Deregistered)),
            ))
        })?;
        Ok(*left)
    }

    /// The RPC answered with `chain_head`.
    pub(crate) fn rpc_succeeded(&self, chain_head: u64) {
        let moved = self.chain_head.swap(chain_head, Ordering::Relaxed) != chain_head;
        let recovered = !self.rpc_ok.swap(true, Ordering::Relaxed);
        *self.last_rpc_ok.lock().expect("status lock") = Some(Instant::now());
        if moved || recovered {
            self.version.fetch_add(1, Ordering::Release);
        }
    }

    /// The RPC failed.
    pub(crate) fn rpc_failed(&self) {
        if self.rpc_ok.swap(false, Ordering::Relaxed) {
            self.version.fetch_add(1, Ordering::Release);
        }
    }

    /// Whether the last RPC call succeeded.
    pub(crate) fn rpc_ok(&self) -> bool {
        self.rpc_ok.load(Ordering::Relaxed)
    }

    /// Seconds since the last successful RPC call.
    pub(crate) fn seconds_since_rpc(&self) -> Option<u64> {
        self.last_rpc_ok
            .lock()
            .expect("status lock")
            .map(|at| at.elapsed().as_secs())
    }

    /// The chain head last seen.
    pub(crate) fn chain_head(&self) -> u64 {
        self.chain_head.load(Ordering::Relaxed)
    }

    /// The index moved to `cursor` (a commit or a rewind of `store`): sign the new head
    /// (only when it changed) and note the active set it holds now.
    pub(crate) fn indexed(&self, store: &Store, cursor: Cursor) {
        let current = self.head.read().expect("status lock").answer.block_hash;
        if current != cursor.hash
            || self.head.read().expect("status lock").answer.block != cursor.number
        {
            let head = sign_head(&self.signer, self.chain_id, self.registry, cursor);
            *self.head.write().expect("status lock") = head;
            self.version.fetch_add(1, Ordering::Release);
        }
        self.note_active_set(store);
    }

    /// Notes the active set `store` holds now, at the indexed head's chain time, in
    /// [`FormerSwarms`]. Called at start-up and after every commit, so that no set the index
    /// held is missed, however briefly it lasted: a member that left a swarm is then sure
    /// to keep answering for the grace (a task polling the set could miss a set that lasted
    /// less than its period).
    pub(crate) fn note_active_set(&self, store: &Store) {
        match self.active_nodes(store) {
            Ok(active) => self
                .former
                .observe(&sorted_keys(&active), self.head().answer.timestamp),
            Err(error) => tracing::warn!(%error, "cannot read the active set"),
        }
    }

    /// Whether this node was a member of `session_id`'s swarm in an active set replaced
    /// less than [`GRACE`](crate::former_swarms::GRACE) of chain time ago.
    pub(crate) fn was_member_lately(&self, session_id: &SessionId) -> bool {
        self.former.kept_recently(
            session_id,
            &self.signer.node_key(),
            self.head().answer.timestamp,
        )
    }

    /// The signed indexed head.
    pub(crate) fn head(&self) -> Signed<HeadAnswer> {
        self.head.read().expect("status lock").clone()
    }

    /// The chain head and whether an index at `head_block` is stale.
    fn lag(&self, head_block: u64) -> (u64, bool) {
        let chain_head = self.chain_head().max(head_block);
        let stale = !self.rpc_ok() || chain_head - head_block > self.confirmations + 5;
        (chain_head, stale)
    }

    /// How current the index is, for an answer.
    pub(crate) fn freshness(&self) -> Freshness {
        let head = self.head();
        let (chain_head, stale) = self.lag(head.answer.block);
        Freshness {
            stale,
            lag_blocks: chain_head - head.answer.block,
            head,
            chain_head,
        }
    }

    /// [`Status::freshness`] as JSON, rendered once per change (and thread), with the indexed
    /// head's timestamp (what name states are judged at).
    pub(crate) fn freshness_json(&self) -> (u64, Bytes) {
        // Read the version before the state: what is rendered is then at least that new.
        let version = self.version.load(Ordering::Acquire);
        let cached = RENDERED.with_borrow(|rendered| {
            rendered
                .as_ref()
                .filter(|(id, at, _, _)| *id == self.id && *at == version)
                .map(|(_, _, timestamp, json)| (*timestamp, json.clone()))
        });
        if let Some(cached) = cached {
            return cached;
        }
        let freshness = self.freshness();
        let timestamp = freshness.head.answer.timestamp;
        let json = Bytes::from(serde_json::to_vec(&freshness).expect("freshness serializes"));
        RENDERED.set(Some((self.id, version, timestamp, json.clone())));
        (timestamp, json)
    }
}

fn sign_head(
    signer: &NodeSigner,
    chain_id: u64,
    registry: Address,
    cursor: Cursor,
) -> Signed<HeadAnswer> {
    let answer = HeadAnswer {
        block: cursor.number,
        block_hash: cursor.hash,
        timestamp: cursor.timestamp,
    };
    Signed {
        attestation: signer.attest(Kind::Head, chain_id, registry, cursor.number, &answer),
        answer,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NodeEntry;
    use crate::store::testing::{self, cursor};
    use alloy::primitives::{B256, U256};

    /// The rendered freshness is always what `freshness()` says now.
    fn assert_current(status: &Status) {
        let (timestamp, json) = status.freshness_json();
        let now = status.freshness();
        assert_eq!(timestamp, now.head.answer.timestamp);
        assert_eq!(json.as_ref(), serde_json::to_vec(&now).unwrap().as_slice());
    }

    #[test]
    fn the_rendered_freshness_follows_every_change() {
        let (_dir, store) = testing::store();
        let signer = Arc::new(NodeSigner::from_seed([4; 32]));
        let status = Status::new(signer.clone(), 1, Address::ZERO, 2, cursor(5));
        assert_current(&status);
        assert!(status.freshness().stale, "no RPC answer yet");
        status.rpc_succeeded(7);
        assert_current(&status);
        assert!(!status.freshness().stale);
        status.rpc_succeeded(20);
        assert_current(&status);
        assert!(status.freshness().stale, "13 blocks behind");
        status.indexed(&store, cursor(18));
        assert_current(&status);
        assert_eq!(status.freshness_json().0, 180);
        status.rpc_failed();
        assert_current(&status);
        // Another status on the same thread does not see this one's rendering.
        let other = Status::new(signer, 1, Address::ZERO, 2, cursor(9));
        assert_current(&other);
        assert_current(&status);
    }

    fn node(node_id: u64, state: NodeState, key_proof_valid: bool) -> NodeEntry {
        NodeEntry {
            node_id,
            operator: Address::repeat_byte(1),
            ed25519_key: B256::repeat_byte(node_id as u8),
            key_proof_valid,
            signer: Address::repeat_byte(2),
            url: format!("http://node{node_id}"),
            fee_bps: 0,
            requirement: U256::from(10),
            total_staked: U256::from(10),
            state,
            unlock_time: 0,
            contributors: Vec::new(),
            changed_block: 1,
        }
    }

    fn commit(store: &Store, block: u64, nodes: &[NodeEntry]) {
        let mut batch = store.batch().unwrap();
        batch.set_block(block).unwrap();
        for node in nodes {
            batch.put(NODES, &node.node_id, node).unwrap();
        }
        batch.put_block_hash(block, cursor(block).hash).unwrap();
        batch.commit(cursor(block)).unwrap();
    }

    fn urls(active: &[ActiveNode]) -> Vec<&str> {
        active.iter().map(|(_, url)| url.as_str()).collect()
    }

    #[test]
    fn the_active_node_set_is_read_once_per_commit_and_follows_every_change() {
        let (_dir, store) = testing::store();
        let status = Status::new(
            Arc::new(NodeSigner::from_seed([4; 32])),
            1,
            Address::ZERO,
            2,
            cursor(0),
        );
        commit(
            &store,
            1,
            &[
                node(1, NodeState::Active, true),
                node(2, NodeState::Open, true),
                node(3, NodeState::Active, false),
            ],
        );
        let first = status.active_nodes(&store).unwrap();
        assert_eq!(
            urls(&first),
            ["http://node1"],
            "open or unproven: not active"
        );
        assert!(
            Arc::ptr_eq(&first, &status.active_nodes(&store).unwrap()),
            "no commit since: the same set, not read again"
        );

        // Node 2 becomes active.
        commit(&store, 2, &[node(2, NodeState::Active, true)]);
        let second = status.active_nodes(&store).unwrap();
        assert_eq!(urls(&second), ["http://node1", "http://node2"]);

        // Node 1 exits.
        commit(&store, 3, &[node(1, NodeState::Exited, true)]);
        assert_eq!(
            urls(&status.active_nodes(&store).unwrap()),
            ["http://node2"]
        );

        // A reorg undoes the exit: the set is read again, as it was.
        store.rewind(cursor(2)).unwrap();
        let rewound = status.active_nodes(&store).unwrap();
        assert_eq!(urls(&rewound), ["http://node1", "http://node2"]);
        assert!(
            !Arc::ptr_eq(&rewound, &second),
            "read again after the rewind"
        );

        // A reset empties it.
        store.reset(1).unwrap();
        assert!(status.active_nodes(&store).unwrap().is_empty());
    }

    #[test]
    fn a_node_has_left_once_its_registration_exited_or_was_deregistered() {
        let (_dir, store) = testing::store();
        let signer = Arc::new(NodeSigner::from_seed([4; 32]));
        let mine = |state| NodeEntry {
            ed25519_key: B256::from(signer.node_key().0),
            ..node(1, state, true)
        };
        let status = Status::new(signer.clone(), 1, Address::ZERO, 2, cursor(0));
        assert!(!status.has_left(&store).unwrap(), "never registered");
        commit(&store, 1, &[mine(NodeState::Open)]);
        assert!(!status.has_left(&store).unwrap(), "not yet active");
        commit(&store, 2, &[mine(NodeState::Active)]);
        assert!(!status.has_left(&store).unwrap());
        commit(&store, 3, &[mine(NodeState::Exited)]);
        assert!(status.has_left(&store).unwrap());
        // Staked again under a new id: active, so a member again.
        commit(
            &store,
            4,
            &[NodeEntry {
                node_id: 2,
                ..mine(NodeState::Active)
            }],
        );
        assert!(!status.has_left(&store).unwrap());
        commit(
            &store,
            5,
            &[NodeEntry {
                node_id: 2,
                ..mine(NodeState::Deregistered)
            }],
        );
        assert!(status.has_left(&store).unwrap());
    }

    #[test]
    fn every_committed_set_is_noted_so_a_member_that_left_keeps_answering_for_the_grace() {
        let (_dir, store) = testing::store();
        let signer = Arc::new(NodeSigner::from_seed([4; 32]));
        let mine = |state| NodeEntry {
            ed25519_key: B256::from(signer.node_key().0),
            ..node(1, state, true)
        };
        let account = sesh_core::envelope::session_id_from_seed(&[9; 32]);
        let status = Status::new(signer.clone(), 1, Address::ZERO, 2, cursor(0));
        status.note_active_set(&store);
        // Active for one commit only; nothing asks for the set in between.
        commit(
            &store,
            1,
            &[mine(NodeState::Active), node(2, NodeState::Active, true)],
        );
        status.indexed(&store, cursor(1));
        assert!(
            !status.was_member_lately(&account),
            "still a member: not former"
        );
        commit(&store, 2, &[mine(NodeState::Exited)]);
        status.indexed(&store, cursor(2));
        assert!(status.was_member_lately(&account));
        // The grace is chain time: it ends at the first head an hour after the change.
        let end = crate::former_swarms::GRACE.as_secs() / 10 + 2;
        commit(&store, end - 1, &[]);
        status.indexed(&store, cursor(end - 1));
        assert!(status.was_member_lately(&account));
        commit(&store, end, &[]);
        status.indexed(&store, cursor(end));
        assert!(!status.was_member_lately(&account));
    }
}
