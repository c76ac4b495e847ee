//! The node's EVM key files: the voting key (the `signer` it registered, which signs
//! deregistration votes) and the operator key (which pays for submitting them). Kept
//! like the Ed25519 key and read by the same reader (`crate::key::read_secret`): 32 bytes as
//! hex on one line, file mode 0600.

use crate::key::{SecretFileProblem, read_secret};
use alloy::primitives::B256;
use alloy::signers::local::PrivateKeySigner;
use std::path::{Path, PathBuf};

/// Why an EVM key file cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("{what} key {}: {reason}", path.display())]
pub(crate) struct EvmKeyError {
    what: &'static str,
    path: PathBuf,
    #[source]
    reason: EvmKeyProblem,
}

/// What is wrong with the file.
#[derive(Debug, thiserror::Error)]
pub(crate) enum EvmKeyProblem {
    /// The file cannot be read, holds no 32 bytes in hex, or others may read it.
    #[error(transparent)]
    File(#[from] SecretFileProblem),
    /// 32 bytes, but no secp256k1 private key (zero, or not below the group order).
    #[error("not a secp256k1 private key")]
    NotAKey,
}

/// Reads the private key at `path` (`what`: "voting" or "operator", for messages).
pub(crate) fn load(what: &'static str, path: &Path) -> Result<PrivateKeySigner, EvmKeyError> {
    read(path).map_err(|reason| EvmKeyError {
        what,
        path: path.to_path_buf(),
        reason,
    })
}

fn read(path: &Path) -> Result<PrivateKeySigner, EvmKeyProblem> {
    let bytes = read_secret(path)?;
    PrivateKeySigner::from_bytes(&B256::from(bytes)).map_err(|_| EvmKeyProblem::NotAKey)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::write_with_mode as write;

    #[test]
    fn reads_a_private_key_and_refuses_anything_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("voting.key");
        // anvil's first dev key and its address.
        write(
            &path,
            "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80\n",
            0o600,
        );
        let key = load("voting", &path).unwrap();
        assert_eq!(
            key.address(),
            alloy::primitives::address!("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266")
        );
        write(&path, "not a key\n", 0o600);
        let error = load("voting", &path).unwrap_err().to_string();
        assert!(
            error.contains("voting key") && error.contains("64 hex"),
            "{error}"
        );
        write(&path, &"00".repeat(32), 0o600);
        let error = load("voting", &path).unwrap_err().to_string();
        assert!(error.contains("not a secp256k1 private key"), "{error}");
        let missing = load("operator", &dir.path().join("none")).unwrap_err();
        assert!(missing.to_string().starts_with("operator key"), "{missing}");
    }

    #[cfg(unix)]
    #[test]
    fn a_key_others_can_read_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("voting.key");
        write(
            &path,
            "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
            0o644,
        );
        let error = load("voting", &path).unwrap_err().to_string();
        assert!(error.contains("chmod 600"), "{error}");
    }
}
