//! Fixtures for the crate's unit tests: a deployment, cursors and a fresh store.

use super::{Cursor, Store};
use alloy::primitives::{Address, B256};
use sesh_core::deployment::Contracts;

/// Contracts at addresses 0x0101…, 0x0202…, … 0x0606….
pub(crate) fn contracts() -> Contracts {
    Contracts {
        sesh: Address::repeat_byte(1),
        rewards_pool: Address::repeat_byte(2),
        name_registry: Address::repeat_byte(3),
        name_market: Address::repeat_byte(4),
        premium: Address::repeat_byte(5),
        node_staking: Address::repeat_byte(6),
    }
}

/// Block `number`, with a hash made of it and the timestamp `number * 10`.
pub(crate) fn cursor(number: u64) -> Cursor {
    Cursor {
        number,
        hash: B256::with_last_byte(number as u8),
        timestamp: number * 10,
    }
}

/// A new store in a temporary folder (chain 31337, deploy block 1); keep the folder alive.
pub(crate) fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let store = Store::open(&dir.path().join("index.redb"), 31337, &contracts(), 1)
        .expect("a new store opens");
    (dir, store)
}
