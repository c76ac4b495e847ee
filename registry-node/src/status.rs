//! What the indexer tells the HTTP side: the chain head it last saw, whether
//! the RPC answers, and the signed indexed head (re-signed once per new head).

use crate::store::Cursor;
use alloy::primitives::Address;
use sesh_core::api::{Freshness, HeadAnswer, Signed};
use sesh_core::attestation::{Kind, NodeSigner};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

/// Shared indexer status.
#[derive(Debug)]
pub struct Status {
    signer: Arc<NodeSigner>,
    chain_id: u64,
    registry: Address,
    confirmations: u64,
    chain_head: AtomicU64,
    rpc_ok: AtomicBool,
    last_rpc_ok: Mutex<Option<Instant>>,
    head: RwLock<Signed<HeadAnswer>>,
}

impl Status {
    /// Status before the first RPC answer, with the head signed at `cursor`.
    pub fn new(
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
        }
    }

    /// The RPC answered with `chain_head`.
    pub fn rpc_succeeded(&self, chain_head: u64) {
        self.chain_head.store(chain_head, Ordering::Relaxed);
        self.rpc_ok.store(true, Ordering::Relaxed);
        *self.last_rpc_ok.lock().expect("status lock") = Some(Instant::now());
    }

    /// The RPC failed.
    pub fn rpc_failed(&self) {
        self.rpc_ok.store(false, Ordering::Relaxed);
    }

    /// Whether the last RPC call succeeded.
    pub fn rpc_ok(&self) -> bool {
        self.rpc_ok.load(Ordering::Relaxed)
    }

    /// Seconds since the last successful RPC call.
    pub fn seconds_since_rpc(&self) -> Option<u64> {
        self.last_rpc_ok
            .lock()
            .expect("status lock")
            .map(|at| at.elapsed().as_secs())
    }

    /// The chain head last seen.
    pub fn chain_head(&self) -> u64 {
        self.chain_head.load(Ordering::Relaxed)
    }

    /// The index moved to `cursor`: sign the new head (only when it changed).
    pub fn indexed(&self, cursor: Cursor) {
        let current = self.head.read().expect("status lock").answer.block_hash;
        if current != cursor.hash
            || self.head.read().expect("status lock").answer.block != cursor.number
        {
            let head = sign_head(&self.signer, self.chain_id, self.registry, cursor);
            *self.head.write().expect("status lock") = head;
        }
    }

    /// The signed indexed head.
    pub fn head(&self) -> Signed<HeadAnswer> {
        self.head.read().expect("status lock").clone()
    }

    /// How current the index is, for an answer.
    pub fn freshness(&self) -> Freshness {
        let head = self.head();
        let chain_head = self.chain_head().max(head.answer.block);
        let lag_blocks = chain_head - head.answer.block;
        Freshness {
            stale: !self.rpc_ok() || lag_blocks > self.confirmations + 5,
            head,
            chain_head,
            lag_blocks,
        }
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
