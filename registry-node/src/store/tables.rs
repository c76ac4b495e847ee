//! The redb tables, their typed views and their encodings.
//!
//! Index tables are redb `&[u8] -> &[u8]` tables; each typed [`Table`] constant below
//! says what its bytes are (fixed-width parts big-endian, concatenated with ‖; records as
//! JSON), and its [`Codec`](super::table::Codec)s are the only code that reads or writes
//! them. Secondary indexes (`owner_names`, `primary`, `session_names`, `ons`) are kept by
//! the indexer's apply step alone (`crate::indexer::apply`).
//!
//! | table | key | value |
//! | --- | --- | --- |
//! | `meta` | `&str` | schema version, chain id, contracts, cursor |
//! | `blocks` | block number | 32-byte hash of a block the index has seen |
//! | `undo` | (block, seq) | the previous value of one index key changed in that block |
//! | `names` | token id (32) | [`NameEntry`](crate::model::NameEntry) (JSON) |
//! | `owner_names` | owner (20) ‖ token id (32) | empty |
//! | `primary` | owner (20) | [`PrimaryEntry`](crate::model::PrimaryEntry): token id (32) ‖ block of the change (8) |
//! | `session_names` | session key (32) ‖ token id (32) | empty |
//! | `premium` | session key (32) | [`PremiumEntry`](crate::model::PremiumEntry) (JSON) |
//! | `listings` | token id (32) | [`ListingEntry`](crate::model::ListingEntry) (JSON) |
//! | `offers` | token id (32) ‖ bidder (20) | [`OfferEntry`](crate::model::OfferEntry) (JSON) |
//! | `nodes` | node id (8, BE) | [`NodeEntry`](crate::model::NodeEntry) (JSON) |
//! | `flagged` | block (8) ‖ log index (8) | [`FlaggedEvent`](sesh_core::api::FlaggedEvent) (JSON) |
//! | `ons` | ONS name hash (32) | token id (32) (see `crate::indexer::apply`) |
//! | `consents` | session key (32) | [`ConsentEntry`](crate::model::ConsentEntry) (JSON): its last counted reverse-name consent |

use super::table::{Codec, DecodeError, Table, json_codec};
use crate::model::{
    ConsentEntry, ListingEntry, NameEntry, NodeEntry, OfferEntry, PremiumEntry, PrimaryEntry,
};
use alloy::primitives::{Address, B256, U256};
use redb::TableDefinition;
use sesh_core::api::FlaggedEvent;

/// Bumped when a table or an encoding changes; a node refuses a data folder of another version.
pub(crate) const SCHEMA_VERSION: u32 = 3;

/// Settings and the chain cursor.
pub(crate) const META: TableDefinition<'static, &str, &[u8]> = TableDefinition::new("meta");
/// Hashes of blocks the index went through (the `to` block of every batch and every block with
/// an indexed log), for reorg detection.
pub(crate) const BLOCKS: TableDefinition<'static, u64, &[u8]> = TableDefinition::new("blocks");
/// The undo log: how to put every index key back as it was before a block.
pub(crate) const UNDO: TableDefinition<'static, (u64, u32), &[u8]> = TableDefinition::new("undo");

/// The index tables, each `&[u8] -> &[u8]`; the undo log names them by [`IndexTable::id`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum IndexTable {
    /// Names by token id.
    Names,
    /// Names by owner.
    OwnerNames,
    /// Primary name by owner.
    Primary,
    /// Names by record Session key.
    SessionNames,
    /// Premium by Session key.
    Premium,
    /// Listings by token id.
    Listings,
    /// Offers by token id and bidder.
    Offers,
    /// Staking nodes by id.
    Nodes,
    /// Paid events that failed verification.
    Flagged,
    /// Token id by ONS name hash.
    Ons,
    /// A Session ID's last counted consent to a reverse name.
    Consents,
}

impl IndexTable {
    /// Every index table.
    pub(crate) const ALL: [Self; 11] = [
        Self::Names,
        Self::OwnerNames,
        Self::Primary,
        Self::SessionNames,
        Self::Premium,
        Self::Listings,
        Self::Offers,
        Self::Nodes,
        Self::Flagged,
        Self::Ons,
        Self::Consents,
    ];

    /// The table's name in the database file.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Self::Names => "names",
            Self::OwnerNames => "owner_names",
            Self::Primary => "primary",
            Self::SessionNames => "session_names",
            Self::Premium => "premium",
            Self::Listings => "listings",
            Self::Offers => "offers",
            Self::Nodes => "nodes",
            Self::Flagged => "flagged",
            Self::Ons => "ons",
            Self::Consents => "consents",
        }
    }

    /// The byte naming the table in the undo log.
    pub(crate) const fn id(self) -> u8 {
        self as u8
    }

    /// The table with undo id `id`.
    pub(crate) fn from_id(id: u8) -> Option<Self> {
        Self::ALL.get(usize::from(id)).copied()
    }

    /// The redb definition.
    pub(crate) const fn def(self) -> TableDefinition<'static, &'static [u8], &'static [u8]> {
        TableDefinition::new(self.name())
    }
}

/// Names by token id.
pub(crate) const NAMES: Table<U256, NameEntry> = Table::new(IndexTable::Names);
/// The names an owner holds: (owner, token id).
pub(crate) const OWNER_NAMES: Table<(Address, U256), ()> = Table::new(IndexTable::OwnerNames);
/// An owner's primary name.
pub(crate) const PRIMARY: Table<Address, PrimaryEntry> = Table::new(IndexTable::Primary);
/// The names whose record is a Session key: (Session key, token id).
pub(crate) const SESSION_NAMES: Table<(B256, U256), ()> = Table::new(IndexTable::SessionNames);
/// Premium by Session key.
pub(crate) const PREMIUM: Table<B256, PremiumEntry> = Table::new(IndexTable::Premium);
/// Listings by token id.
pub(crate) const LISTINGS: Table<U256, ListingEntry> = Table::new(IndexTable::Listings);
/// Offers by (token id, bidder).
pub(crate) const OFFERS: Table<(U256, Address), OfferEntry> = Table::new(IndexTable::Offers);
/// Staking nodes by node id.
pub(crate) const NODES: Table<u64, NodeEntry> = Table::new(IndexTable::Nodes);
/// Flagged paid events by (block, log index).
pub(crate) const FLAGGED: Table<(u64, u64), FlaggedEvent> = Table::new(IndexTable::Flagged);
/// Token id by ONS name hash (written once per name, with its label).
pub(crate) const ONS: Table<B256, U256> = Table::new(IndexTable::Ons);
/// A Session key's last counted reverse-name consent.
pub(crate) const CONSENTS: Table<B256, ConsentEntry> = Table::new(IndexTable::Consents);

json_codec!(
    NameEntry,
    ConsentEntry,
    PremiumEntry,
    ListingEntry,
    OfferEntry,
    NodeEntry,
    FlaggedEvent,
);

/// token id (32) ‖ block (8), as `(U256, u64)`.
impl Codec for PrimaryEntry {
    fn encode(&self) -> Vec<u8> {
        (self.token_id, self.changed_block).encode()
    }
    fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let (token_id, changed_block) = <(U256, u64)>::decode(bytes)?;
        Ok(Self {
            token_id,
            changed_block,
        })
    }
}

/// Meta key: the schema version (u32 BE).
pub(crate) const META_SCHEMA: &str = "schema_version";
/// Meta key: the chain id (u64 BE).
pub(crate) const META_CHAIN: &str = "chain_id";
/// Meta key: the contracts, as JSON.
pub(crate) const META_CONTRACTS: &str = "contracts";
/// Meta key: the cursor (number u64 BE ‖ hash 32 ‖ timestamp u64 BE).
pub(crate) const META_CURSOR: &str = "cursor";

#[cfg(test)]
mod tests {
    use super::*;

    /// The typed encodings are the bytes schema 3 has always stored (so no migration).
    #[test]
    fn typed_rows_keep_the_schema_3_bytes() {
        let token = U256::from(7);
        let owner = Address::repeat_byte(1);
        let primary = PrimaryEntry {
            token_id: token,
            changed_block: 9,
        };
        let mut expected = token.to_be_bytes::<32>().to_vec();
        expected.extend_from_slice(&9u64.to_be_bytes());
        assert_eq!(primary.encode(), expected);
        assert_eq!(PrimaryEntry::decode(&expected).unwrap(), primary);
        let mut expected = owner.to_vec();
        expected.extend_from_slice(&token.to_be_bytes::<32>());
        assert_eq!((owner, token).encode(), expected);
        assert_eq!(5u64.encode(), 5u64.to_be_bytes());
        let mut expected = 3u64.to_be_bytes().to_vec();
        expected.extend_from_slice(&4u64.to_be_bytes());
        assert_eq!((3u64, 4u64).encode(), expected);
        let entry = PremiumEntry {
            expiry: 1,
            changed_block: 2,
        };
        assert_eq!(entry.encode(), serde_json::to_vec(&entry).unwrap());
        assert_eq!(NAMES.id(), IndexTable::Names);
    }

    #[test]
    fn table_ids_round_trip() {
        for table in IndexTable::ALL {
            assert_eq!(IndexTable::from_id(table.id()), Some(table));
        }
        assert_eq!(IndexTable::from_id(200), None);
    }
}
