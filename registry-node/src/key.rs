//! The node's Ed25519 key file: the 32-byte seed as hex, file mode 0600.

use crate::error::{NodeError, NodeResult};
use sesh_core::attestation::NodeSigner;
use std::io::Write;
use std::path::Path;

fn key_error(path: &Path, reason: impl std::fmt::Display) -> NodeError {
    NodeError::Key {
        path: path.display().to_string(),
        reason: reason.to_string(),
    }
}

/// Makes a new key at `path`; refuses to replace an existing one unless `force`.
pub fn create(path: &Path, force: bool) -> NodeResult<NodeSigner> {
    if path.exists() && !force {
        return Err(key_error(
            path,
            "a key already exists; pass --force to replace it (the node's identity changes)",
        ));
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| key_error(path, e))?;
    }
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| key_error(path, e))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| key_error(path, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|e| key_error(path, e))?;
    }
    writeln!(file, "{}", hex::encode(seed)).map_err(|e| key_error(path, e))?;
    file.sync_all().map_err(|e| key_error(path, e))?;
    Ok(NodeSigner::from_seed(seed))
}

/// Reads the key at `path`.
pub fn load(path: &Path) -> NodeResult<NodeSigner> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        key_error(
            path,
            format!("{e} (run `registry-node init` to make a key)"),
        )
    })?;
    let seed: [u8; 32] = hex::decode(text.trim())
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or_else(|| key_error(path, "not 64 hex characters"))?;
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
