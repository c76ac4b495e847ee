//! Typed tables over redb's byte tables.
//!
//! Every index table is a redb `&[u8] -> &[u8]` table (so the undo log can put any
//! row back as it was, whatever its table); a [`Table`] names one of them together
//! with its key and value types, and their [`Codec`]s turn them into those bytes
//! and back. Callers outside `store/` only ever see the types: nobody else builds a
//! key from bytes or parses a value.
//!
//! redb's own `Key`/`Value` traits would type the redb tables themselves, but redb
//! records each table's type names in the file (opening `names` as anything but
//! `&[u8] -> &[u8]` would refuse today's data folders) and its `from_bytes` cannot
//! fail, where a malformed row must be an error ([`StoreError::Malformed`]), not a
//! panic.

use super::tables::IndexTable;
use super::{StoreError, StoreResult};
use alloy::primitives::{Address, B256, U256};
use std::marker::PhantomData;

/// Why stored bytes do not decode.
#[derive(Debug, thiserror::Error)]
pub(crate) enum DecodeError {
    /// A fixed-width key or value has the wrong length.
    #[error("{found} bytes where {expected} belong")]
    Length {
        /// The length it must have.
        expected: usize,
        /// The length it has.
        found: usize,
    },
    /// A JSON value does not parse.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}

/// How a key or a value is stored.
pub(crate) trait Codec: Sized {
    /// The stored bytes.
    fn encode(&self) -> Vec<u8>;
    /// The value of stored bytes.
    fn decode(bytes: &[u8]) -> Result<Self, DecodeError>;
}

/// A fixed-width, order-preserving encoding (big-endian), so that the parts of a composite key
/// concatenate and a table ordered by the bytes is ordered by the first part.
pub(crate) trait Fixed: Sized {
    /// Bytes taken.
    const LEN: usize;
    /// Appends the bytes to `out`.
    fn put(&self, out: &mut Vec<u8>);
    /// The value of exactly [`Fixed::LEN`] bytes.
    fn take(bytes: &[u8]) -> Self;
}

fn check_len(bytes: &[u8], expected: usize) -> Result<(), DecodeError> {
    if bytes.len() == expected {
        Ok(())
    } else {
        Err(DecodeError::Length {
            expected,
            found: bytes.len(),
        })
    }
}

impl Fixed for U256 {
    const LEN: usize = 32;
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_be_bytes::<32>());
    }
    fn take(bytes: &[u8]) -> Self {
        Self::from_be_slice(bytes)
    }
}

impl Fixed for B256 {
    const LEN: usize = 32;
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.as_slice());
    }
    fn take(bytes: &[u8]) -> Self {
        Self::from_slice(bytes)
    }
}

impl Fixed for Address {
    const LEN: usize = 20;
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.as_slice());
    }
    fn take(bytes: &[u8]) -> Self {
        Self::from_slice(bytes)
    }
}

impl Fixed for u64 {
    const LEN: usize = 8;
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_be_bytes());
    }
    fn take(bytes: &[u8]) -> Self {
        Self::from_be_bytes(bytes.try_into().expect("8 bytes"))
    }
}

/// [`Codec`] for [`Fixed`] types.
macro_rules! fixed_codec {
    ($($t:ty),*) => {$(
        impl Codec for $t {
            fn encode(&self) -> Vec<u8> {
                let mut out = Vec::with_capacity(<$t as Fixed>::LEN);
                self.put(&mut out);
                out
            }
            fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
                check_len(bytes, <$t as Fixed>::LEN)?;
                Ok(Self::take(bytes))
            }
        }
    )*};
}
fixed_codec!(U256, B256, Address, u64);

/// `a ‖ b`.
impl<A: Fixed, B: Fixed> Codec for (A, B) {
    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(A::LEN + B::LEN);
        self.0.put(&mut out);
        self.1.put(&mut out);
        out
    }
    fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        check_len(bytes, A::LEN + B::LEN)?;
        Ok((A::take(&bytes[..A::LEN]), B::take(&bytes[A::LEN..])))
    }
}

/// No bytes: the value of a set-like table, whose keys say everything.
impl Codec for () {
    fn encode(&self) -> Vec<u8> {
        Vec::new()
    }
    fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        check_len(bytes, 0)
    }
}

/// [`Codec`] as JSON (serde), for the index's records.
macro_rules! json_codec {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::store::table::Codec for $t {
            fn encode(&self) -> Vec<u8> {
                serde_json::to_vec(self).expect("index records serialize")
            }
            fn decode(bytes: &[u8]) -> Result<Self, $crate::store::table::DecodeError> {
                Ok(serde_json::from_slice(bytes)?)
            }
        }
    )*};
}
pub(crate) use json_codec;

/// Keys whose encoding starts with the encoding of a `P`, so a table of them can be scanned
/// by a `P` ([`super::Reader::scan_prefix`]).
pub(crate) trait HasPrefix<P> {}

impl<A: Fixed, B: Fixed> HasPrefix<A> for (A, B) {}

/// One index table with its key and value types.
pub(crate) struct Table<K, V> {
    id: IndexTable,
    types: PhantomData<fn() -> (K, V)>,
}

impl<K, V> Clone for Table<K, V> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K, V> Copy for Table<K, V> {}

impl<K, V> std::fmt::Debug for Table<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Table").field(&self.id).finish()
    }
}

impl<K: Codec, V: Codec> Table<K, V> {
    /// The table `id`, whose rows are `K -> V`.
    pub(crate) const fn new(id: IndexTable) -> Self {
        Self {
            id,
            types: PhantomData,
        }
    }

    /// The byte table underneath (its name in the file, its id in the undo log).
    pub(crate) const fn id(self) -> IndexTable {
        self.id
    }

    pub(super) fn key(self, bytes: &[u8]) -> StoreResult<K> {
        K::decode(bytes).map_err(|source| self.malformed(source))
    }

    pub(super) fn value(self, bytes: &[u8]) -> StoreResult<V> {
        V::decode(bytes).map_err(|source| self.malformed(source))
    }

    fn malformed(self, source: DecodeError) -> StoreError {
        StoreError::Malformed {
            table: self.id.name(),
            source,
        }
    }
}

/// `From` each of redb's error types for an error enum with a `Db(redb::Error)` variant, so
/// `?` works on every redb call (the store and the mailboxes both keep a redb file).
macro_rules! from_redb_errors {
    ($target:ty) => {
        $crate::store::table::from_redb_errors!(
            $target: redb::DatabaseError,
            redb::TransactionError,
            redb::TableError,
            redb::StorageError,
            redb::CommitError
        );
    };
    ($target:ty: $($source:ty),*) => {$(
        impl From<$source> for $target {
            fn from(error: $source) -> Self {
                Self::Db(error.into())
            }
        }
    )*};
}
pub(crate) use from_redb_errors;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_and_composite_keys_round_trip_and_keep_their_order() {
        let token = U256::from(0x1234);
        let owner = Address::repeat_byte(7);
        let key = (owner, token).encode();
        assert_eq!(key.len(), 52);
        assert_eq!(&key[..20], owner.as_slice());
        assert_eq!(&key[20..], &token.to_be_bytes::<32>());
        assert_eq!(<(Address, U256)>::decode(&key).unwrap(), (owner, token));
        assert!(5u64.encode() < 256u64.encode());
        assert_eq!(u64::decode(&42u64.encode()).unwrap(), 42);
        assert!(matches!(
            U256::decode(&[1, 2, 3]),
            Err(DecodeError::Length {
                expected: 32,
                found: 3
            })
        ));
        assert!(<()>::decode(&[]).is_ok());
        assert!(<()>::decode(&[0]).is_err());
    }
}
