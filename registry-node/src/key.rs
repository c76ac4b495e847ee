//! The node's Ed25519 key file: the 32-byte seed as hex, file mode 0600.

use sesh_core::attestation::NodeSigner;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why the node key file cannot be made or read.
#[derive(Debug, thiserror::Error)]
#[error("node key {}: {reason}", path.display())]
pub(crate) struct KeyError {
    path: PathBuf,
    #[source]
    reason: KeyProblem,
}

/// What is wrong with the node key file.
#[derive(Debug, thiserror::Error)]
pub(crate) enum KeyProblem {
    /// `init` without `--force` over an existing key.
    #[error("a key already exists; pass --force to replace it (the node's identity changes)")]
    Exists,
    /// The key cannot be read.
    #[error("{0} (run `registry-node init` to make a key)")]
    Read(#[source] std::io::Error),
    /// The key cannot be written.
    #[error(transparent)]
    Write(#[from] std::io::Error),
    /// No random seed.
    #[error(transparent)]
    Random(#[from] getrandom::Error),
    /// The file holds something else than a seed.
    #[error("not 64 hex characters")]
    NotHex,
}

impl KeyError {
    fn at(path: &Path) -> impl FnOnce(KeyProblem) -> Self {
        move |reason| Self {
            path: path.to_path_buf(),
            reason,
        }
    }
}

/// Makes a new key at `path`; refuses to replace an existing one unless `force`.
pub(crate) fn create(path: &Path, force: bool) -> Result<NodeSigner, KeyError> {
    write_new(path, force).map_err(KeyError::at(path))
}

fn write_new(path: &Path, force: bool) -> Result<NodeSigner, KeyProblem> {
    if path.exists() && !force {
        return Err(KeyProblem::Exists);
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed)?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    writeln!(file, "{}", hex::encode(seed))?;
    file.sync_all()?;
    Ok(NodeSigner::from_seed(seed))
}

/// Reads the key at `path`.
pub(crate) fn load(path: &Path) -> Result<NodeSigner, KeyError> {
    read(path).map_err(KeyError::at(path))
}

fn read(path: &Path) -> Result<NodeSigner, KeyProblem> {
    let text = std::fs::read_to_string(path).map_err(KeyProblem::Read)?;
    let seed: [u8; 32] = hex::decode(text.trim())
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or(KeyProblem::NotHex)?;
    Ok(NodeSigner::from_seed(seed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_a_private_key_once_and_reads_it_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/node.key");
        let signer = create(&path, false).unwrap();
        assert_eq!(load(&path).unwrap().node_key(), signer.node_key());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(create(&path, false).is_err());
        let replaced = create(&path, true).unwrap();
        assert_ne!(replaced.node_key(), signer.node_key());
    }
}
