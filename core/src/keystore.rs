//! The wallet file: public parts in clear, the secrets encrypted.
//!
//! One JSON file per wallet, `<data dir>/wallets/<name>.json`:
//!
//! ```json
//! {
//!   "version": 2,
//!   "name": "alice",
//!   "evm_address": "0x…",
//!   "session_id": "05…",
//!   "session_key": "derived",
//!   "created": "2026-08-01T12:00:00Z",
//!   "words": 12,
//!   "crypto": {
//!     "kdf": "scrypt", "kdf_params": { "log_n": 15, "r": 8, "p": 1, "salt": "<32 bytes hex>" },
//!     "cipher": "xchacha20-poly1305", "nonce": "<24 bytes hex>", "ciphertext": "<hex>"
//!   },
//!   "remember_password": false
//! }
//! ```
//!
//! What is encrypted is the recovery phrase's entropy, followed, when
//! `session_key` is `"imported"`, by the 16-byte seed of the Session account
//! imported from its recovery password ([`SessionKeyOrigin`]). Version 1 files
//! (no `session_key`; the legacy Session identity) are still read, and
//! rewritten as version 2 when their password changes.
//!
//! The key is scrypt(password, salt) with N = 2^15, r = 8, p = 1; the secrets
//! are sealed with XChaCha20-Poly1305 under a random nonce, with the header
//! (every field above but `nonce`, `ciphertext` and `remember_password`) as
//! associated data, so changing a public field makes decryption fail. Files
//! are written atomically (temporary file in the same folder, fsync, rename),
//! mode 0600 on Unix; plaintext never touches the disk. See `docs/keys.md`.

use crate::keys::{Mnemonic, RecoveryPassword, SessionKeys, WalletKeys, recovery_password};
use crate::name::{Name, NameError};
use crate::session_id::SessionId;
use alloy::primitives::Address;
use alloy::signers::local::PrivateKeySigner;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// The wallet file format version this code writes (it reads 1 and 2).
pub const FORMAT_VERSION: u32 = 2;
/// The first format: no `session_key`, the legacy Session identity.
pub const LEGACY_FORMAT_VERSION: u32 = 1;
/// scrypt cost: N = 2^15.
pub const SCRYPT_LOG_N: u8 = 15;
/// scrypt block size.
pub const SCRYPT_R: u32 = 8;
/// scrypt parallelism.
pub const SCRYPT_P: u32 = 1;
/// Bytes of random salt.
pub const SALT_LEN: usize = 32;
/// The folder under the data dir that holds the wallet files.
pub const WALLETS_DIR: &str = "wallets";

const KDF: &str = "scrypt";
const CIPHER: &str = "xchacha20-poly1305";
const AAD_DOMAIN_V1: &[u8] = b"sesh-wallet-v1\n";
const AAD_DOMAIN_V2: &[u8] = b"sesh-wallet-v2\n";

/// Why a wallet could not be read, written or unlocked.
#[derive(Debug, thiserror::Error)]
pub enum KeystoreError {
    /// No file for this wallet.
    #[error(
        "no wallet named {name:?} in {dir}; `sesh wallet list` shows the wallets, `sesh wallet new` makes one"
    )]
    NotFound {
        /// The wallet name.
        name: String,
        /// The folder searched.
        dir: String,
    },
    /// A wallet of that name exists already.
    #[error(
        "a wallet named {name:?} exists already ({path}); pick another name with --name, or remove it first"
    )]
    Exists {
        /// The wallet name.
        name: String,
        /// Its file.
        path: String,
    },
    /// The password does not open the wallet (or the file was altered).
    #[error("wrong password for wallet {name:?}")]
    WrongPassword {
        /// The wallet name.
        name: String,
    },
    /// The name breaks the name rules.
    #[error("{0:?} is not a valid wallet name: {1}")]
    InvalidName(String, NameError),
    /// A file operation failed.
    #[error("cannot {action} {path}: {source}")]
    Io {
        /// What was attempted ("read", "write", ...).
        action: &'static str,
        /// The path involved.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a wallet file this version understands.
    #[error("{path} is not a valid sesh wallet file: {reason}")]
    Malformed {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// The decrypted keys do not derive the address in the file.
    #[error(
        "wallet {name:?} decrypts to keys that do not match its address; the file is corrupt, restore it from the recovery phrase"
    )]
    Mismatch {
        /// The wallet name.
        name: String,
    },
    /// A legacy wallet's Session key has no recovery password.
    #[error(
        "wallet {name:?} has no Session recovery password: it was made before them (wallet file version 1), and its Session ID {session_id} comes from its recovery phrase by a derivation the Session app does not know. It keeps working here. For a Session account the app opens, make a wallet with `sesh wallet new`, or restore this phrase into a new wallet (`sesh wallet restore --name NEW`): that one gets a new Session ID, to which `sesh name set-record NAME --session-id 05…` can point your names"
    )]
    NoRecoveryPassword {
        /// The wallet name.
        name: String,
        /// Its (legacy) Session ID.
        session_id: SessionId,
    },
    /// Exporting the Web3 keystore failed.
    #[error("cannot write the Web3 keystore {path}: {reason}")]
    Export {
        /// The target file.
        path: String,
        /// What failed.
        reason: String,
    },
}

/// The scrypt parameters and salt of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// log2 of N.
    pub log_n: u8,
    /// Block size.
    pub r: u32,
    /// Parallelism.
    pub p: u32,
    /// Salt, hex.
    pub salt: String,
}

/// The encrypted part of a wallet file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Crypto {
    /// Always `"scrypt"`.
    pub kdf: String,
    /// Its parameters.
    pub kdf_params: KdfParams,
    /// Always `"xchacha20-poly1305"`.
    pub cipher: String,
    /// 24-byte nonce, hex.
    pub nonce: String,
    /// The sealed mnemonic entropy with its 16-byte tag, hex.
    pub ciphertext: String,
}

/// Where a wallet's Session account comes from (`session_key` in the file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SessionKeyOrigin {
    /// Derived from the recovery phrase ([`Mnemonic::session_recovery_password`]):
    /// the phrase restores it, and it has a Session recovery password.
    Derived,
    /// Imported from a Session recovery password, whose 16-byte seed the file
    /// keeps (encrypted) beside the phrase's entropy.
    Imported,
    /// The legacy identity of version 1 wallets ([`Mnemonic::derive_legacy`]):
    /// the phrase restores it (`--legacy-session`), but it has no recovery password.
    Legacy,
}

impl SessionKeyOrigin {
    /// How it reads in the file and in `--json` output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Derived => "derived",
            Self::Imported => "imported",
            Self::Legacy => "legacy",
        }
    }

    /// Whether the Session account has a recovery password the Session app
    /// restores.
    pub fn has_recovery_password(self) -> bool {
        self != Self::Legacy
    }
}

/// What a wallet file keeps secret: its recovery phrase, and the Session
/// account that goes with it. Wiped on drop.
pub struct WalletSecrets {
    mnemonic: Mnemonic,
    session: SessionSecret,
}

enum SessionSecret {
    Derived,
    Imported(RecoveryPassword),
    Legacy,
}

impl std::fmt::Debug for WalletSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "WalletSecrets({} words, {} Session key, redacted)",
            self.mnemonic.word_count(),
            self.origin().as_str()
        )
    }
}

impl WalletSecrets {
    /// A phrase and the Session account it derives (new wallets, restores).
    pub fn derived(mnemonic: Mnemonic) -> Self {
        Self {
            mnemonic,
            session: SessionSecret::Derived,
        }
    }

    /// A phrase for the EVM account, paired with an imported Session account.
    pub fn imported(mnemonic: Mnemonic, session: RecoveryPassword) -> Self {
        Self {
            mnemonic,
            session: SessionSecret::Imported(session),
        }
    }

    /// A phrase with the legacy Session identity of version 1 wallets.
    pub fn legacy(mnemonic: Mnemonic) -> Self {
        Self {
            mnemonic,
            session: SessionSecret::Legacy,
        }
    }

    /// The recovery phrase (the EVM account, and the Session account unless imported).
    pub fn mnemonic(&self) -> &Mnemonic {
        &self.mnemonic
    }

    /// The recovery phrase, words separated by single spaces.
    pub fn phrase(&self) -> zeroize::Zeroizing<String> {
        self.mnemonic.phrase()
    }

    /// Where the Session account comes from.
    pub fn origin(&self) -> SessionKeyOrigin {
        match self.session {
            SessionSecret::Derived => SessionKeyOrigin::Derived,
            SessionSecret::Imported(_) => SessionKeyOrigin::Imported,
            SessionSecret::Legacy => SessionKeyOrigin::Legacy,
        }
    }

    /// The Session account's recovery password, for the Session app; `None`
    /// for the legacy identity.
    pub fn session_recovery_password(&self) -> Option<RecoveryPassword> {
        match &self.session {
            SessionSecret::Derived => Some(self.mnemonic.session_recovery_password()),
            SessionSecret::Imported(password) => Some(password.clone()),
            SessionSecret::Legacy => None,
        }
    }

    /// The Session identity.
    pub fn session_keys(&self) -> SessionKeys {
        match &self.session {
            SessionSecret::Derived => self.mnemonic.session_recovery_password().session_keys(),
            SessionSecret::Imported(password) => password.session_keys(),
            SessionSecret::Legacy => self.mnemonic.legacy_session_keys(),
        }
    }

    /// Both identities: the EVM account and the Session identity.
    pub fn derive(&self) -> WalletKeys {
        WalletKeys::new(self.mnemonic.evm_signer(), self.session_keys())
    }

    /// What is encrypted: the phrase's entropy, then an imported Session seed.
    fn plaintext(&self) -> Zeroizing<Vec<u8>> {
        let mut bytes = Zeroizing::new(self.mnemonic.entropy().to_vec());
        if let SessionSecret::Imported(password) = &self.session {
            bytes.extend_from_slice(password.seed());
        }
        bytes
    }
}

/// A wallet file as stored. Everything but `crypto.ciphertext` is public.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalletFile {
    /// Format version ([`FORMAT_VERSION`], or [`LEGACY_FORMAT_VERSION`]).
    pub version: u32,
    /// The wallet's name (also its file name).
    pub name: String,
    /// The EVM account (`m/44'/60'/0'/0/0`).
    pub evm_address: Address,
    /// The Session ID of the wallet's Session identity.
    pub session_id: SessionId,
    /// Where the Session identity comes from (version 2; absent in version 1,
    /// whose identity is [`SessionKeyOrigin::Legacy`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_key: Option<SessionKeyOrigin>,
    /// When the wallet was created or restored (RFC 3339, UTC).
    pub created: String,
    /// How many words the recovery phrase has.
    pub words: usize,
    /// The encrypted secrets.
    pub crypto: Crypto,
    /// Whether the password is kept in the OS keyring (not authenticated:
    /// it only tells the wallet where to look first).
    #[serde(default)]
    pub remember_password: bool,
}

/// The authenticated header: what the AEAD binds the ciphertext to.
#[derive(Serialize)]
struct Header<'a> {
    version: u32,
    name: &'a str,
    evm_address: &'a Address,
    session_id: &'a SessionId,
    // Absent from version 1 headers, which stay byte for byte what they were.
    #[serde(skip_serializing_if = "Option::is_none")]
    session_key: Option<SessionKeyOrigin>,
    created: &'a str,
    words: usize,
    kdf: &'a str,
    kdf_params: &'a KdfParams,
    cipher: &'a str,
}

impl WalletFile {
    /// Encrypts `secrets` under `password` into a new wallet file (in memory).
    pub fn encrypt(
        name: &str,
        secrets: &WalletSecrets,
        password: &str,
    ) -> Result<Self, KeystoreError> {
        let name = check_name(name)?;
        Self::encrypt_with(
            &name,
            secrets,
            password,
            now_rfc3339(),
            SCRYPT_LOG_N,
            FORMAT_VERSION,
        )
    }

    fn encrypt_with(
        name: &str,
        secrets: &WalletSecrets,
        password: &str,
        created: String,
        log_n: u8,
        version: u32,
    ) -> Result<Self, KeystoreError> {
        let keys = secrets.derive();
        let mut salt = [0u8; SALT_LEN];
        let mut nonce = [0u8; 24];
        getrandom::fill(&mut salt).expect("the operating system's RNG works");
        getrandom::fill(&mut nonce).expect("the operating system's RNG works");
        let mut file = Self {
            version,
            name: name.to_string(),
            evm_address: keys.evm_address(),
            session_id: keys.session().session_id(),
            session_key: (version != LEGACY_FORMAT_VERSION).then_some(secrets.origin()),
            created,
            words: secrets.mnemonic().word_count(),
            crypto: Crypto {
                kdf: KDF.into(),
                kdf_params: KdfParams {
                    log_n,
                    r: SCRYPT_R,
                    p: SCRYPT_P,
                    salt: hex::encode(salt),
                },
                cipher: CIPHER.into(),
                nonce: hex::encode(nonce),
                ciphertext: String::new(),
            },
            remember_password: false,
        };
        let key = file.derive_key(password)?;
        let cipher =
            XChaCha20Poly1305::new_from_slice(key.as_slice()).expect("the key is 32 bytes");
        let aad = file.aad();
        let sealed = cipher
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: secrets.plaintext().as_slice(),
                    aad: &aad,
                },
            )
            .expect("XChaCha20-Poly1305 encrypts any short message");
        file.crypto.ciphertext = hex::encode(sealed);
        Ok(file)
    }

    /// Where the wallet's Session identity comes from (version 1 files: legacy).
    pub fn session_origin(&self) -> SessionKeyOrigin {
        self.session_key.unwrap_or(SessionKeyOrigin::Legacy)
    }

    /// Opens the file with `password`: the recovery phrase and the Session
    /// account, checked against the public address and Session ID.
    pub fn decrypt(&self, password: &str) -> Result<WalletSecrets, KeystoreError> {
        self.check_supported()?;
        let malformed = |reason: &str| KeystoreError::Malformed {
            path: format!("wallet {:?}", self.name),
            reason: reason.to_string(),
        };
        let nonce: [u8; 24] = hex::decode(&self.crypto.nonce)
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or_else(|| malformed("the nonce is not 24 bytes of hex"))?;
        let sealed = hex::decode(&self.crypto.ciphertext)
            .map_err(|_| malformed("the ciphertext is not hex"))?;
        let key = self.derive_key(password)?;
        let cipher =
            XChaCha20Poly1305::new_from_slice(key.as_slice()).expect("the key is 32 bytes");
        let aad = self.aad();
        let plaintext = Zeroizing::new(
            cipher
                .decrypt(
                    &XNonce::from(nonce),
                    Payload {
                        msg: &sealed,
                        aad: &aad,
                    },
                )
                .map_err(|_| KeystoreError::WrongPassword {
                    name: self.name.clone(),
                })?,
        );
        let origin = self.session_origin();
        // The phrase's entropy: 4 bytes for every 3 words (BIP-39); an imported
        // Session seed follows it.
        let entropy_len = self.words / 3 * 4;
        let session_len = match origin {
            SessionKeyOrigin::Imported => recovery_password::SEED_LEN,
            SessionKeyOrigin::Derived | SessionKeyOrigin::Legacy => 0,
        };
        if plaintext.len() != entropy_len + session_len {
            return Err(malformed(
                "the decrypted secrets do not have the length its header announces",
            ));
        }
        let (entropy, session_seed) = plaintext.split_at(entropy_len);
        let mnemonic = Mnemonic::from_entropy(entropy)
            .map_err(|_| malformed("the decrypted entropy has a wrong length"))?;
        let secrets = match origin {
            SessionKeyOrigin::Derived => WalletSecrets::derived(mnemonic),
            SessionKeyOrigin::Legacy => WalletSecrets::legacy(mnemonic),
            SessionKeyOrigin::Imported => {
                let mut seed = Zeroizing::new([0u8; recovery_password::SEED_LEN]);
                seed.copy_from_slice(session_seed);
                WalletSecrets::imported(mnemonic, RecoveryPassword::from_seed(&seed))
            }
        };
        let keys = secrets.derive();
        if keys.evm_address() != self.evm_address || keys.session().session_id() != self.session_id
        {
            return Err(KeystoreError::Mismatch {
                name: self.name.clone(),
            });
        }
        Ok(secrets)
    }

    /// Whether the wallet's Session account has a recovery password for the
    /// Session app, told from the public header (no password needed): a
    /// legacy wallet has none, and the error says why and what to do.
    pub fn check_recovery_password(&self) -> Result<(), KeystoreError> {
        if self.session_origin().has_recovery_password() {
            Ok(())
        } else {
            Err(KeystoreError::NoRecoveryPassword {
                name: self.name.clone(),
                session_id: self.session_id,
            })
        }
    }

    /// Re-encrypts under a new password (fresh salt and nonce), keeping the
    /// name, creation time, keys and keyring preference. A version 1 file
    /// becomes version 2 with the same (legacy) keys.
    pub fn change_password(&self, old: &str, new: &str) -> Result<Self, KeystoreError> {
        let secrets = self.decrypt(old)?;
        let mut file = Self::encrypt_with(
            &self.name,
            &secrets,
            new,
            self.created.clone(),
            self.crypto.kdf_params.log_n,
            FORMAT_VERSION,
        )?;
        file.remember_password = self.remember_password;
        Ok(file)
    }

    /// Parses a wallet file's JSON.
    pub fn from_json(text: &str, path: &Path) -> Result<Self, KeystoreError> {
        let file: Self = serde_json::from_str(text).map_err(|error| KeystoreError::Malformed {
            path: path.display().to_string(),
            reason: error.to_string(),
        })?;
        file.check_supported().map_err(|_| KeystoreError::Malformed {
            path: path.display().to_string(),
            reason: format!(
                "format version {} with {}/{}; this sesh reads versions {LEGACY_FORMAT_VERSION} and {FORMAT_VERSION} with {KDF}/{CIPHER} (a newer sesh may read it)",
                file.version, file.crypto.kdf, file.crypto.cipher
            ),
        })?;
        Ok(file)
    }

    /// The file's JSON (pretty, with a trailing newline).
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a wallet file serializes");
        text.push('\n');
        text
    }

    fn check_supported(&self) -> Result<(), KeystoreError> {
        // Version 1 has no `session_key`; version 2 always has one.
        let versioned = match self.version {
            LEGACY_FORMAT_VERSION => self.session_key.is_none(),
            FORMAT_VERSION => self.session_key.is_some(),
            _ => false,
        };
        if !versioned || self.crypto.kdf != KDF || self.crypto.cipher != CIPHER {
            return Err(KeystoreError::Malformed {
                path: format!("wallet {:?}", self.name),
                reason: "unsupported format".into(),
            });
        }
        Ok(())
    }

    fn aad(&self) -> Vec<u8> {
        let header = Header {
            version: self.version,
            name: &self.name,
            evm_address: &self.evm_address,
            session_id: &self.session_id,
            session_key: self.session_key,
            created: &self.created,
            words: self.words,
            kdf: &self.crypto.kdf,
            kdf_params: &self.crypto.kdf_params,
            cipher: &self.crypto.cipher,
        };
        let mut aad = if self.version == LEGACY_FORMAT_VERSION {
            AAD_DOMAIN_V1.to_vec()
        } else {
            AAD_DOMAIN_V2.to_vec()
        };
        aad.extend(serde_json::to_vec(&header).expect("the header serializes"));
        aad
    }

    fn derive_key(&self, password: &str) -> Result<Zeroizing<[u8; 32]>, KeystoreError> {
        let malformed = |reason: String| KeystoreError::Malformed {
            path: format!("wallet {:?}", self.name),
            reason,
        };
        let params = &self.crypto.kdf_params;
        let salt =
            hex::decode(&params.salt).map_err(|_| malformed("the salt is not hex".into()))?;
        // Refuse costs that would hang or exhaust memory (a tampered file).
        if !(10..=20).contains(&params.log_n) || params.r != SCRYPT_R || params.p != SCRYPT_P {
            return Err(malformed(format!(
                "unexpected scrypt parameters log_n={} r={} p={}",
                params.log_n, params.r, params.p
            )));
        }
        let scrypt_params = scrypt::Params::new(params.log_n, params.r, params.p)
            .map_err(|error| malformed(format!("bad scrypt parameters: {error}")))?;
        let mut key = Zeroizing::new([0u8; 32]);
        scrypt::scrypt(
            password.as_bytes(),
            &salt,
            &scrypt_params,
            key.as_mut_slice(),
        )
        .expect("32 bytes is a valid scrypt output length");
        Ok(key)
    }
}

/// Checks a wallet name against the name rules (the same as usernames) and
/// returns it lowercased.
pub fn check_name(name: &str) -> Result<String, KeystoreError> {
    Name::parse(name)
        .map(|name| name.as_str().to_string())
        .map_err(|error| KeystoreError::InvalidName(name.to_string(), error))
}

/// The wallet folder of one data dir.
#[derive(Debug, Clone)]
pub struct Keystore {
    dir: PathBuf,
}

impl Keystore {
    /// The wallets under `data_dir` (in `data_dir/wallets/`).
    pub fn new(data_dir: &Path) -> Self {
        Self {
            dir: data_dir.join(WALLETS_DIR),
        }
    }

    /// The folder holding the wallet files.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file of wallet `name`.
    pub fn path_of(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.json"))
    }

    /// Whether a wallet of that name exists.
    pub fn exists(&self, name: &str) -> bool {
        self.path_of(name).exists()
    }

    /// Reads a wallet file (public parts; nothing is decrypted).
    pub fn load(&self, name: &str) -> Result<WalletFile, KeystoreError> {
        let name = check_name(name)?;
        let path = self.path_of(&name);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(KeystoreError::NotFound {
                    name,
                    dir: self.dir.display().to_string(),
                });
            }
            Err(source) => {
                return Err(KeystoreError::Io {
                    action: "read",
                    path: path.display().to_string(),
                    source,
                });
            }
        };
        WalletFile::from_json(&text, &path)
    }

    /// Every wallet, sorted by name. Files that do not parse are skipped and
    /// returned apart, so one bad file does not hide the others.
    pub fn list(&self) -> Result<(Vec<WalletFile>, Vec<KeystoreError>), KeystoreError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok((Vec::new(), Vec::new()));
            }
            Err(source) => {
                return Err(KeystoreError::Io {
                    action: "list",
                    path: self.dir.display().to_string(),
                    source,
                });
            }
        };
        let mut wallets = Vec::new();
        let mut problems = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            let result = std::fs::read_to_string(&path)
                .map_err(|source| KeystoreError::Io {
                    action: "read",
                    path: path.display().to_string(),
                    source,
                })
                .and_then(|text| WalletFile::from_json(&text, &path));
            match result {
                Ok(file) => wallets.push(file),
                Err(error) => problems.push(error),
            }
        }
        wallets.sort_by(|a, b| a.name.cmp(&b.name));
        Ok((wallets, problems))
    }

    /// Writes a new wallet; fails if one of that name exists.
    pub fn create(&self, file: &WalletFile) -> Result<PathBuf, KeystoreError> {
        let path = self.path_of(&file.name);
        if path.exists() {
            return Err(KeystoreError::Exists {
                name: file.name.clone(),
                path: path.display().to_string(),
            });
        }
        self.ensure_dir()?;
        write_atomic(&path, file.to_json().as_bytes(), false).map_err(|source| {
            if source.kind() == std::io::ErrorKind::AlreadyExists {
                KeystoreError::Exists {
                    name: file.name.clone(),
                    path: path.display().to_string(),
                }
            } else {
                KeystoreError::Io {
                    action: "write",
                    path: path.display().to_string(),
                    source,
                }
            }
        })?;
        Ok(path)
    }

    /// Replaces an existing wallet's file atomically.
    pub fn save(&self, file: &WalletFile) -> Result<PathBuf, KeystoreError> {
        let path = self.path_of(&file.name);
        self.ensure_dir()?;
        write_atomic(&path, file.to_json().as_bytes(), true).map_err(|source| {
            KeystoreError::Io {
                action: "write",
                path: path.display().to_string(),
                source,
            }
        })?;
        Ok(path)
    }

    /// Deletes a wallet's file.
    pub fn remove(&self, name: &str) -> Result<PathBuf, KeystoreError> {
        let file = self.load(name)?;
        let path = self.path_of(&file.name);
        std::fs::remove_file(&path).map_err(|source| KeystoreError::Io {
            action: "remove",
            path: path.display().to_string(),
            source,
        })?;
        Ok(path)
    }

    fn ensure_dir(&self) -> Result<(), KeystoreError> {
        create_private_dir(&self.dir).map_err(|source| KeystoreError::Io {
            action: "create",
            path: self.dir.display().to_string(),
            source,
        })
    }
}

/// Creates `dir` (and parents); the last level gets mode 0700 on Unix.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder
/// (mode 0600 on Unix), fsync, then rename over `path` (or, with
/// `overwrite = false`, a link that fails if `path` exists), then fsync of the
/// folder. A reader sees the old file or the new one, never half of one.
pub fn write_atomic(path: &Path, bytes: &[u8], overwrite: bool) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(".sesh-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        temp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    if overwrite {
        temp.persist(path).map_err(|e| e.error)?;
    } else {
        temp.persist_noclobber(path).map_err(|e| e.error)?;
    }
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

/// Writes the EVM key as a standard Web3 Secret Storage (v3) keystore at
/// `path`, readable by `cast --keystore`, geth and MetaMask. Refuses to
/// overwrite. The file is built in a private temporary folder next to `path`
/// and renamed into place.
pub fn export_web3_keystore(
    signer: &PrivateKeySigner,
    password: &str,
    path: &Path,
) -> Result<(), KeystoreError> {
    let fail = |reason: String| KeystoreError::Export {
        path: path.display().to_string(),
        reason,
    };
    if path.exists() {
        return Err(fail("the file exists already; pick another path".into()));
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let staging = tempfile::Builder::new()
        .prefix(".sesh-export-")
        .tempdir_in(dir)
        .map_err(|e| fail(e.to_string()))?;
    let key = Zeroizing::new(signer.credential().to_bytes());
    PrivateKeySigner::encrypt_keystore(
        staging.path(),
        &mut rand08::thread_rng(),
        &key[..],
        password,
        Some("keystore.json"),
    )
    .map_err(|e| fail(e.to_string()))?;
    let staged = staging.path().join("keystore.json");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&staged, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| fail(e.to_string()))?;
    }
    std::fs::File::open(&staged)
        .and_then(|f| f.sync_all())
        .map_err(|e| fail(e.to_string()))?;
    // A hard link fails if the target appeared meanwhile: never clobber.
    std::fs::hard_link(&staged, path).map_err(|e| fail(e.to_string()))?;
    Ok(())
}

/// Now, as RFC 3339 UTC with second precision (`2026-08-01T12:00:00Z`).
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    rfc3339(secs)
}

/// Unix seconds as RFC 3339 UTC (`1970-01-01T00:00:00Z`).
pub fn rfc3339(unix_secs: u64) -> String {
    let days = (unix_secs / 86_400) as i64;
    let rem = unix_secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// [`rfc3339`] read back: a wallet file's `created` (`2026-08-01T12:00:00Z`) as Unix seconds.
pub fn parse_rfc3339(text: &str) -> Option<u64> {
    let (date, time) = text.strip_suffix('Z')?.split_once('T')?;
    let number = |part: Option<&str>| part?.parse::<i64>().ok();
    let mut date = date.split('-');
    let (year, month, day) = (
        number(date.next())?,
        number(date.next())?,
        number(date.next())?,
    );
    let mut time = time.split(':');
    let (hour, minute, second) = (
        number(time.next())?,
        number(time.next())?,
        number(time.next())?,
    );
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    // Howard Hinnant's days_from_civil, the inverse of the keystore's civil_from_days.
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year - era * 400;
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let day = 86_400i64;
    u64::try_from(days * day + hour * 3_600 + minute * 60 + second).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wallet_files_date_reads_back_as_unix_seconds() {
        for secs in [0, 59, 86_399, 951_782_400, 1_785_585_600, 4_102_444_800] {
            let text = rfc3339(secs);
            assert_eq!(parse_rfc3339(&text), Some(secs), "{text}");
        }
        assert_eq!(parse_rfc3339("2026-08-01T12:00:00Z"), Some(1_785_585_600));
        assert_eq!(parse_rfc3339("2026-08-01 12:00:00"), None);
        assert_eq!(parse_rfc3339("2026-13-01T12:00:00Z"), None);
        assert_eq!(parse_rfc3339(""), None);
    }

    const JUNK: &str = "test test test test test test test test test test test junk";

    /// The seed of libsession-util's tests/test_session_encrypt.cpp and its Session ID.
    const SESSION_SEED: &str = "0123456789abcdef0123456789abcdef";
    const SESSION_ID: &str = "05d2ad010eeb72d72e561d9de7bd7b6989af77dcabffa03a5111a6c859ae5c3a72";

    fn junk() -> WalletSecrets {
        WalletSecrets::derived(Mnemonic::parse(JUNK).unwrap())
    }

    fn session_account() -> RecoveryPassword {
        RecoveryPassword::from_seed(&hex::decode(SESSION_SEED).unwrap().try_into().unwrap())
    }

    /// A cheap KDF for tests that are about everything but the KDF's cost.
    fn quick_with(name: &str, secrets: &WalletSecrets, password: &str, version: u32) -> WalletFile {
        WalletFile::encrypt_with(name, secrets, password, now_rfc3339(), 10, version).unwrap()
    }

    fn quick(name: &str, password: &str) -> WalletFile {
        quick_with(name, &junk(), password, FORMAT_VERSION)
    }

    #[test]
    fn round_trips_with_the_real_parameters() {
        let file = WalletFile::encrypt("alice", &junk(), "correct horse").unwrap();
        assert_eq!(file.crypto.kdf_params.log_n, 15);
        assert_eq!(file.crypto.kdf_params.salt.len(), 64);
        assert_eq!(file.words, 12);
        assert_eq!(file.version, 2);
        assert_eq!(file.session_key, Some(SessionKeyOrigin::Derived));
        let parsed = WalletFile::from_json(&file.to_json(), Path::new("alice.json")).unwrap();
        assert_eq!(parsed, file);
        let secrets = parsed.decrypt("correct horse").unwrap();
        assert_eq!(*secrets.phrase(), JUNK);
        assert_eq!(secrets.origin(), SessionKeyOrigin::Derived);
        assert_eq!(
            file.evm_address.to_checksum(None),
            "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
        );
        // The Session account the phrase derives (docs/keys.md), with its recovery password.
        assert_eq!(
            file.session_id.to_string(),
            "0509ebe260378c9087c5edb6dd81067f595116127e26f1368a270737b9f9da2e4d"
        );
        assert_eq!(
            *secrets.session_recovery_password().unwrap().phrase(),
            "iris fazed podcast pests enlist jury erase hectare were under evaluate plus fazed"
        );
        assert!(file.to_json().contains("\"session_key\": \"derived\""));
        assert!(!file.to_json().contains("junk"), "no plaintext in the file");
    }

    #[test]
    fn an_imported_session_account_is_kept_beside_the_phrase() {
        let secrets = WalletSecrets::imported(Mnemonic::parse(JUNK).unwrap(), session_account());
        let file = quick_with("paired", &secrets, "pw", FORMAT_VERSION);
        assert_eq!(file.session_key, Some(SessionKeyOrigin::Imported));
        assert_eq!(file.session_id.to_string(), SESSION_ID);
        assert_eq!(
            file.evm_address.to_checksum(None),
            "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
        );
        // 16 bytes of entropy, 16 of Session seed, 16 of tag.
        assert_eq!(file.crypto.ciphertext.len(), 2 * 48);
        let json = file.to_json();
        assert!(!json.contains(SESSION_SEED) && !json.contains("vexed"));
        let opened = WalletFile::from_json(&json, Path::new("paired.json"))
            .unwrap()
            .decrypt("pw")
            .unwrap();
        assert_eq!(opened.origin(), SessionKeyOrigin::Imported);
        assert_eq!(opened.session_recovery_password(), Some(session_account()));
        assert_eq!(
            opened.derive().session().session_id().to_string(),
            SESSION_ID
        );
        assert_eq!(*opened.phrase(), JUNK);

        // The origin is authenticated: calling it derived does not open the file.
        let mut relabelled = file.clone();
        relabelled.session_key = Some(SessionKeyOrigin::Derived);
        assert!(matches!(
            relabelled.decrypt("pw"),
            Err(KeystoreError::WrongPassword { .. })
        ));
        // Nor does dropping it to pass the file off as version 1.
        let mut downgraded = file;
        downgraded.version = 1;
        downgraded.session_key = None;
        assert!(downgraded.decrypt("pw").is_err());
    }

    #[test]
    fn a_version_1_file_opens_with_its_legacy_session_id_and_migrates_on_password_change() {
        // Written by sesh before wallet file version 2 (password "pw").
        let text = include_str!("../tests/fixtures/wallet-v1.json");
        let file = WalletFile::from_json(text, Path::new("old.json")).unwrap();
        assert_eq!((file.version, file.session_key), (1, None));
        assert_eq!(file.session_origin(), SessionKeyOrigin::Legacy);
        let legacy_id = "059342856c706fee38f771d61d763e14c1b86e16698747bc0b0f192a72e9dda108";
        assert_eq!(file.session_id.to_string(), legacy_id);
        let secrets = file.decrypt("pw").unwrap();
        assert_eq!(secrets.origin(), SessionKeyOrigin::Legacy);
        assert_eq!(*secrets.phrase(), JUNK);
        assert_eq!(
            secrets.derive().session().session_id().to_string(),
            legacy_id
        );
        assert_eq!(secrets.session_recovery_password(), None);
        let error = file.check_recovery_password().unwrap_err();
        assert!(
            matches!(error, KeystoreError::NoRecoveryPassword { .. })
                && error.to_string().contains("version 1")
                && error.to_string().contains("sesh wallet new"),
            "{error}"
        );
        assert!(WalletFile::from_json(&file.to_json(), Path::new("old.json")).is_ok());

        let changed = file.change_password("pw", "new").unwrap();
        assert_eq!(changed.version, FORMAT_VERSION);
        assert_eq!(changed.session_key, Some(SessionKeyOrigin::Legacy));
        assert_eq!(changed.session_id, file.session_id);
        assert_eq!(changed.evm_address, file.evm_address);
        assert_eq!(changed.created, file.created);
        let reopened = WalletFile::from_json(&changed.to_json(), Path::new("old.json")).unwrap();
        assert_eq!(
            reopened
                .decrypt("new")
                .unwrap()
                .derive()
                .session()
                .session_id(),
            file.session_id
        );
        assert!(reopened.check_recovery_password().is_err());

        // A version 1 file written now reads the same way (the header is unchanged).
        let v1 = quick_with(
            "again",
            &WalletSecrets::legacy(Mnemonic::parse(JUNK).unwrap()),
            "pw",
            1,
        );
        assert!(!v1.to_json().contains("session_key"));
        assert_eq!(v1.session_id.to_string(), legacy_id);
        assert_eq!(v1.decrypt("pw").unwrap().origin(), SessionKeyOrigin::Legacy);
    }

    #[test]
    fn unknown_versions_and_inconsistent_headers_are_refused() {
        let file = quick("alice", "pw");
        for (version, session_key) in [
            (3, Some("derived")),
            (2, None),
            (1, Some("derived")),
            (2, Some("other")),
        ] {
            let mut json: serde_json::Value = serde_json::from_str(&file.to_json()).unwrap();
            json["version"] = version.into();
            match session_key {
                Some(origin) => json["session_key"] = origin.into(),
                None => {
                    json.as_object_mut().unwrap().remove("session_key");
                }
            }
            let error = WalletFile::from_json(&json.to_string(), Path::new("a.json")).unwrap_err();
            assert!(
                matches!(error, KeystoreError::Malformed { .. }),
                "{version} {session_key:?}: {error}"
            );
        }
    }

    #[test]
    fn wrong_password_is_named() {
        let file = quick("alice", "right");
        let error = file.decrypt("wrong").unwrap_err();
        assert!(matches!(error, KeystoreError::WrongPassword { .. }));
        assert_eq!(error.to_string(), "wrong password for wallet \"alice\"");
    }

    #[test]
    fn the_header_is_authenticated() {
        let mut file = quick("alice", "pw");
        file.name = "mallory".into();
        assert!(matches!(
            file.decrypt("pw"),
            Err(KeystoreError::WrongPassword { .. })
        ));
        let mut file = quick("alice", "pw");
        file.evm_address = Address::repeat_byte(1);
        assert!(file.decrypt("pw").is_err());
        // The keyring hint is not authenticated on purpose.
        let mut file = quick("alice", "pw");
        file.remember_password = true;
        assert!(file.decrypt("pw").is_ok());
    }

    #[test]
    fn change_password_keeps_the_keys() {
        let file = quick("alice", "old");
        let changed = file.change_password("old", "new").unwrap();
        assert_ne!(changed.crypto.kdf_params.salt, file.crypto.kdf_params.salt);
        assert_eq!(changed.evm_address, file.evm_address);
        assert_eq!(changed.created, file.created);
        assert!(changed.decrypt("old").is_err());
        assert_eq!(*changed.decrypt("new").unwrap().phrase(), JUNK);
        assert!(matches!(
            file.change_password("bad", "new"),
            Err(KeystoreError::WrongPassword { .. })
        ));
    }

    #[test]
    fn keystore_creates_lists_loads_and_removes() {
        let dir = tempfile::tempdir().unwrap();
        let store = Keystore::new(dir.path());
        assert!(store.list().unwrap().0.is_empty());
        let file = quick("alice", "pw");
        let path = store.create(&file).unwrap();
        assert!(matches!(
            store.create(&file),
            Err(KeystoreError::Exists { .. })
        ));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(store.dir().join("broken.json"), "{").unwrap();
        let (wallets, problems) = store.list().unwrap();
        assert_eq!(wallets.len(), 1);
        assert_eq!(problems.len(), 1);
        assert_eq!(store.load("Alice").unwrap(), file);
        assert!(matches!(
            store.load("bob"),
            Err(KeystoreError::NotFound { .. })
        ));
        assert!(matches!(
            store.load("no spaces"),
            Err(KeystoreError::InvalidName(..))
        ));
        store.remove("alice").unwrap();
        assert!(!store.exists("alice"));
    }

    #[test]
    fn atomic_write_leaves_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.json");
        write_atomic(&path, b"one", false).unwrap();
        let error = write_atomic(&path, b"two", false).unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        write_atomic(&path, b"three", true).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"three");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("w.json")]);
    }

    #[test]
    fn web3_export_decrypts_to_the_same_account() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("alice.keystore.json");
        let keys = junk().derive();
        export_web3_keystore(keys.evm_signer(), "pw", &path).unwrap();
        let back = PrivateKeySigner::decrypt_keystore(&path, "pw").unwrap();
        assert_eq!(back.address(), keys.evm_address());
        assert!(export_web3_keystore(keys.evm_signer(), "pw", &path).is_err());
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "the staging folder is gone");
    }

    #[test]
    fn rfc3339_formats_known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_785_585_600), "2026-08-01T12:00:00Z");
    }
}
