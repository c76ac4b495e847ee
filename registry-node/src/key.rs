//! The node's Ed25519 key file: the 32-byte seed as hex, file mode 0600; and the one reader
//! of secret key files ([`read_secret`]), which the EVM key files use too
//! (`crate::police::keyfile`).

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
    /// There is no key file.
    #[error("{0} (run `registry-node init` to make a key)")]
    Missing(#[source] std::io::Error),
    /// The key file cannot be used.
    #[error(transparent)]
    File(SecretFileProblem),
    /// The key cannot be written.
    #[error(transparent)]
    Write(#[from] std::io::Error),
    /// No random seed.
    #[error(transparent)]
    Random(#[from] getrandom::Error),
}

/// What is wrong with a secret key file.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SecretFileProblem {
    /// The file cannot be read.
    #[error(transparent)]
    Read(#[from] std::io::Error),
    /// The file holds something else than 32 bytes in hex.
    #[error("not 64 hex characters")]
    NotHex,
    /// Others may read it.
    #[error("readable by other users (mode {mode:o}); run chmod 600")]
    Exposed {
        /// The file's mode bits.
        mode: u32,
    },
}

/// Reads a secret key file: 32 bytes as 64 hex characters on one line (a `0x` before them
/// and spaces around them allowed). On unix a file that other accounts of the host may read
/// (any group or other permission) is refused: the key signs in the node's or the
/// operator's name.
pub(crate) fn read_secret(path: &Path) -> Result<[u8; 32], SecretFileProblem> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(SecretFileProblem::Exposed { mode });
        }
    }
    let text = std::fs::read_to_string(path)?;
    let text = text.trim();
    let hex = text.strip_prefix("0x").unwrap_or(text);
    hex::decode(hex)
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or(SecretFileProblem::NotHex)
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
    match read_secret(path) {
        Ok(seed) => Ok(NodeSigner::from_seed(seed)),
        Err(SecretFileProblem::Read(error)) if error.kind() == std::io::ErrorKind::NotFound => {
            Err(KeyProblem::Missing(error))
        }
        Err(problem) => Err(KeyProblem::File(problem)),
    }
}

/// Writes `text` to `path` with permissions `mode` (on Unix), for tests of key files.
#[cfg(test)]
pub(crate) fn write_with_mode(path: &Path, text: &str, mode: u32) {
    std::fs::write(path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    #[cfg(not(unix))]
    let _ = mode;
}

#[cfg(test)]
mod tests {
    use super::write_with_mode as write;
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
        let missing = load(&dir.path().join("none")).unwrap_err().to_string();
        assert!(missing.contains("registry-node init"), "{missing}");
    }

    #[test]
    fn a_secret_file_is_64_hex_characters_kept_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.key");
        let seed = [0xab; 32];
        for text in [hex::encode(seed), format!(" 0x{}\n", hex::encode(seed))] {
            write(&path, &text, 0o600);
            assert_eq!(read_secret(&path).unwrap(), seed, "{text:?}");
        }
        for text in ["not a key", "abcd", &"00".repeat(33)] {
            write(&path, text, 0o600);
            assert!(
                matches!(read_secret(&path), Err(SecretFileProblem::NotHex)),
                "{text:?}"
            );
        }
        #[cfg(unix)]
        for mode in [0o640, 0o604, 0o644] {
            write(&path, &hex::encode(seed), mode);
            let error = load(&path).unwrap_err().to_string();
            assert!(
                error.starts_with("node key") && error.contains("chmod 600"),
                "{error}"
            );
        }
    }
}
