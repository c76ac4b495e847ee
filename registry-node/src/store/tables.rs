//! The redb tables and their key encodings.
//!
//! | table | key | value |
//! | --- | --- | --- |
//! | `meta` | `&str` | schema version, chain id, contracts, cursor |
//! | `blocks` | block number | 32-byte hash of a block the index has seen |
//! | `undo` | (block, seq) | the previous value of one index key changed in that block |
//! | `names` | token id (32) | [`NameEntry`](crate::model::NameEntry) (JSON) |
//! | `owner_names` | owner (20) ‖ token id (32) | empty |
//! | `primary` | owner (20) | token id (32) ‖ block of the change (8) |
//! | `session_names` | session key (32) ‖ token id (32) | empty |
//! | `premium` | session key (32) | [`PremiumEntry`](crate::model::PremiumEntry) (JSON) |
//! | `listings` | token id (32) | [`ListingEntry`](crate::model::ListingEntry) (JSON) |
//! | `offers` | token id (32) ‖ bidder (20) | [`OfferEntry`](crate::model::OfferEntry) (JSON) |
//! | `nodes` | node id (8, BE) | [`NodeEntry`](crate::model::NodeEntry) (JSON) |
//! | `flagged` | block (8) ‖ log index (8) | [`FlaggedEvent`](sesh_core::api::FlaggedEvent) (JSON) |
//! | `ons` | ONS name hash (32) | token id (32) (see [`super::ons`]) |
//! | `consents` | session key (32) | [`ConsentEntry`](crate::model::ConsentEntry) (JSON): its last counted reverse-name consent |

use redb::TableDefinition;

/// Bumped when a table or an encoding changes; a node refuses a data folder of another version.
pub const SCHEMA_VERSION: u32 = 3;

/// Settings and the chain cursor.
pub(crate) const META: TableDefinition<'static, &str, &[u8]> = TableDefinition::new("meta");
/// Hashes of blocks the index went through (the `to` block of every batch and every block with
/// an indexed log), for reorg detection.
pub(crate) const BLOCKS: TableDefinition<'static, u64, &[u8]> = TableDefinition::new("blocks");
/// The undo log: how to put every index key back as it was before a block.
pub(crate) const UNDO: TableDefinition<'static, (u64, u32), &[u8]> = TableDefinition::new("undo");

/// The index tables, each `&[u8] -> &[u8]`; the undo log names them by [`IndexTable::id`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IndexTable {
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
    pub const ALL: [Self; 11] = [
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
    pub const fn name(self) -> &'static str {
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
    pub const fn id(self) -> u8 {
        self as u8
    }

    /// The table with undo id `id`.
    pub fn from_id(id: u8) -> Option<Self> {
        Self::ALL.get(usize::from(id)).copied()
    }

    /// The redb definition.
    pub(crate) const fn def(self) -> TableDefinition<'static, &'static [u8], &'static [u8]> {
        TableDefinition::new(self.name())
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

    #[test]
    fn table_ids_round_trip() {
        for table in IndexTable::ALL {
            assert_eq!(IndexTable::from_id(table.id()), Some(table));
        }
        assert_eq!(IndexTable::from_id(200), None);
    }
}
