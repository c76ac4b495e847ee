//! Registrations waiting between commit and reveal, kept in the wallet's data
//! folder so an interrupted `sesh name register` loses nothing: the next run
//! for the same name resumes it instead of committing again.
//!
//! One JSON file per name at `pending/<wallet>/<chain id>/<name>.json`. It is
//! written (atomically, by rename) before the commit transaction is sent,
//! updated with the commit's hash and time once it is mined, and removed
//! after the registration succeeds. The secret in it only hides which name
//! was committed to; it is not key material.

use alloy::primitives::{Address, B256, U256};
use eyre::WrapErr;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The registration a commitment stands for, field for field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PendingRegistration {
    /// The name (lowercase).
    pub(crate) label: String,
    /// Who receives it.
    pub(crate) owner: Address,
    /// Seconds of rent.
    pub(crate) duration: U256,
    /// The record's Session ID key (zero: none).
    pub(crate) session_key: B256,
    /// The record's EVM address (zero: none).
    pub(crate) evm_address: Address,
    /// Whether it becomes the owner's primary name.
    pub(crate) set_primary: bool,
    /// The most the wallet agreed to pay.
    pub(crate) max_cost: U256,
    /// The commitment secret.
    pub(crate) secret: B256,
    /// `makeCommitment(registration, secret)`.
    pub(crate) commitment: B256,
    /// The registry the commitment was made with.
    pub(crate) registry: Address,
    /// The commit transaction, once sent.
    pub(crate) commit_tx: Option<B256>,
    /// The commit block's timestamp, once mined.
    pub(crate) committed_at: Option<u64>,
    /// When this file was first written (Unix seconds).
    pub(crate) created_at: u64,
}

/// The wall clock in Unix seconds: when a pending registration was first written, and how
/// long a commitment still has to wait in real time (contract times are the chain's,
/// [`crate::chain::Chain::now`]).
pub(crate) fn wall_clock() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// The pending registrations of one wallet on one chain.
#[derive(Debug, Clone)]
pub(crate) struct PendingStore {
    dir: PathBuf,
}

impl PendingStore {
    /// The store under `data_dir` for `wallet` on `chain_id`.
    pub(crate) fn new(data_dir: &Path, wallet: &str, chain_id: u64) -> Self {
        Self {
            dir: data_dir
                .join("pending")
                .join(wallet)
                .join(chain_id.to_string()),
        }
    }

    /// Where the pending registration of `label` lives.
    pub(crate) fn path_of(&self, label: &str) -> PathBuf {
        self.dir.join(format!("{label}.json"))
    }

    /// The pending registration of `label`, if any.
    pub(crate) fn load(&self, label: &str) -> eyre::Result<Option<PendingRegistration>> {
        let path = self.path_of(label);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => {
                return Err(error).wrap_err_with(|| format!("cannot read {}", path.display()));
            }
        };
        let pending = serde_json::from_str(&text).wrap_err_with(|| {
            format!(
                "{} is malformed; remove it to start the registration over",
                path.display()
            )
        })?;
        Ok(Some(pending))
    }

    /// Saves (or replaces) a pending registration, durably, before returning.
    pub(crate) fn save(&self, pending: &PendingRegistration) -> eyre::Result<()> {
        std::fs::create_dir_all(&self.dir)
            .wrap_err_with(|| format!("cannot create {}", self.dir.display()))?;
        let path = self.path_of(&pending.label);
        let temp = path.with_extension("json.tmp");
        let text =
            serde_json::to_string_pretty(pending).expect("a pending registration serializes");
        let write = || -> std::io::Result<()> {
            use std::io::Write;
            let mut file = std::fs::File::create(&temp)?;
            file.write_all(text.as_bytes())?;
            file.sync_all()?;
            std::fs::rename(&temp, &path)
        };
        write().wrap_err_with(|| format!("cannot save {}", path.display()))
    }

    /// Forgets the pending registration of `label` (nothing if there is none).
    pub(crate) fn remove(&self, label: &str) -> eyre::Result<()> {
        let path = self.path_of(label);
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(error) => Err(error).wrap_err_with(|| format!("cannot remove {}", path.display())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> PendingRegistration {
        PendingRegistration {
            label: "alice".into(),
            owner: Address::repeat_byte(1),
            duration: U256::from(sesh_core::protocol::YEAR),
            session_key: B256::repeat_byte(2),
            evm_address: Address::ZERO,
            set_primary: true,
            max_cost: U256::from(100_000_000_000u64),
            secret: B256::repeat_byte(3),
            commitment: B256::repeat_byte(4),
            registry: Address::repeat_byte(5),
            commit_tx: None,
            committed_at: None,
            created_at: 1_700_000_000,
        }
    }

    #[test]
    fn saves_loads_updates_and_removes() {
        let dir = tempfile::tempdir().unwrap();
        let store = PendingStore::new(dir.path(), "main", 31337);
        assert_eq!(store.load("alice").unwrap(), None);
        let mut pending = sample();
        store.save(&pending).unwrap();
        assert_eq!(store.load("alice").unwrap(), Some(pending.clone()));
        pending.commit_tx = Some(B256::repeat_byte(9));
        pending.committed_at = Some(1_700_000_010);
        store.save(&pending).unwrap();
        assert_eq!(store.load("alice").unwrap(), Some(pending));
        assert!(
            store
                .path_of("alice")
                .starts_with(dir.path().join("pending/main/31337"))
        );
        store.remove("alice").unwrap();
        store.remove("alice").unwrap();
        assert_eq!(store.load("alice").unwrap(), None);
    }

    #[test]
    fn another_wallet_or_chain_sees_nothing() {
        let dir = tempfile::tempdir().unwrap();
        PendingStore::new(dir.path(), "main", 31337)
            .save(&sample())
            .unwrap();
        assert_eq!(
            PendingStore::new(dir.path(), "other", 31337)
                .load("alice")
                .unwrap(),
            None
        );
        assert_eq!(
            PendingStore::new(dir.path(), "main", 421614)
                .load("alice")
                .unwrap(),
            None
        );
    }
}
