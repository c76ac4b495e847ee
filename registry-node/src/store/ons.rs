//! The ONS index: `name hash → token id`, so an `ons_resolve` request (which
//! carries only the hash of a name) finds its name entry.
//!
//! The row is written whenever a name entry with a label is written (the label
//! of a token id never changes, so the row never changes either) and goes
//! through the undo log like every index change, so a reorg that undoes the
//! registration removes it. The encrypted value itself is computed by the
//! handler once per change of the name entry (see `crate::app`), and whether
//! the name resolves (live, valid, record set) is judged at request time.

use super::tables::IndexTable;
use super::{Batch, StoreResult};
use sesh_core::ons::name_hash;

/// Called by [`Batch::put`] for every write of a name entry with a `label`: records the
/// entry's name hash if it is not recorded yet.
pub(super) fn name_written(batch: &mut Batch, token_key: &[u8], label: &str) -> StoreResult<()> {
    if token_key.len() != 32 {
        return Ok(());
    }
    let hash = name_hash(label);
    if batch.get(IndexTable::Ons, &hash)?.is_none() {
        batch.put(IndexTable::Ons, &hash, token_key)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::keys;
    use super::*;
    use crate::model::NameEntry;
    use crate::store::testing::{self, cursor};
    use alloy::primitives::{Address, B256, U256};

    #[test]
    fn a_labelled_name_entry_indexes_its_hash_and_a_rewind_removes_it() {
        let (_dir, store) = testing::store();
        let token_id = U256::from(42);
        let mut entry = NameEntry {
            label: String::new(),
            token_id,
            owner: Address::repeat_byte(1),
            expiry: 100,
            session_key: B256::repeat_byte(2),
            evm_address: Address::ZERO,
            flag: None,
            changed_block: 1,
        };
        let mut batch = store.batch().unwrap();
        batch.set_block(1).unwrap();
        batch
            .put(
                IndexTable::Names,
                &keys::token(token_id),
                &serde_json::to_vec(&entry).unwrap(),
            )
            .unwrap();
        batch.commit(cursor(1)).unwrap();
        assert_eq!(store.count(IndexTable::Ons).unwrap(), 0, "no label yet");

        entry.label = "alice".into();
        let mut batch = store.batch().unwrap();
        batch.set_block(2).unwrap();
        batch
            .put(
                IndexTable::Names,
                &keys::token(token_id),
                &serde_json::to_vec(&entry).unwrap(),
            )
            .unwrap();
        batch.commit(cursor(2)).unwrap();
        assert_eq!(
            store.get(IndexTable::Ons, &name_hash("ALICE")).unwrap(),
            Some(keys::token(token_id).to_vec())
        );
        store.rewind(cursor(1)).unwrap();
        assert_eq!(
            store.get(IndexTable::Ons, &name_hash("alice")).unwrap(),
            None
        );
    }
}
