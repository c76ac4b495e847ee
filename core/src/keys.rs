//! Wallet keys: one BIP-39 mnemonic, two identities.
//!
//! - The **EVM account** is BIP-32/BIP-44 at [`EVM_DERIVATION_PATH`]
//!   (`m/44'/60'/0'/0/0`), the first account MetaMask and
//!   `cast wallet address --mnemonic` derive.
//! - The **Session account** is a 16-byte Session seed, the one the Session
//!   app writes as a 13-word recovery password ([`recovery_password`]); its
//!   Ed25519 seed is those 16 bytes and 16 zero bytes. [`Mnemonic::derive`]
//!   takes the 16 bytes from the same BIP-39 seed: the first half of the
//!   SLIP-0010 (ed25519) key at [`SESSION_SEED_DERIVATION_PATH`]
//!   (`m/44'/240'/1'/0'/0'`). A wallet may instead hold a Session account
//!   imported from its recovery password.
//! - The **legacy Session identity** of wallets made before recovery
//!   passwords ([`Mnemonic::derive_legacy`]) is the SLIP-0010 key at
//!   [`SESSION_DERIVATION_PATH`] (`m/44'/240'/0'/0'/0'`) used whole, which no
//!   recovery password can hold.
//!
//! Either way the Session ID is `05` followed by the X25519 public key
//! converted from the Ed25519 one (Edwards to Montgomery, as libsodium's
//! `crypto_sign_ed25519_pk_to_curve25519`).
//!
//! `docs/keys.md` documents the derivations and publishes test vectors; the
//! tests below assert them.

pub mod recovery_password;

pub use recovery_password::{RecoveryPassword, RecoveryPasswordError};

use crate::session_id::SessionId;
use alloy::primitives::Address;
use alloy::signers::local::{MnemonicBuilder, PrivateKeySigner, coins_bip39::English};
use ed25519_dalek::{SigningKey, VerifyingKey};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha512;
use std::fmt;
use zeroize::Zeroizing;

/// Where the EVM account sits (BIP-44, coin type 60, first account, first address).
pub const EVM_DERIVATION_PATH: &str = "m/44'/60'/0'/0/0";

/// Where the Session Ed25519 key sits, as a SLIP-0010 path (every level hardened,
/// as SLIP-0010 requires for ed25519). Coin type 240 is Session/Oxen's in SLIP-0044.
pub const SESSION_DERIVATION_PATH: &str = "m/44'/240'/0'/0'/0'";

/// [`SESSION_DERIVATION_PATH`] as indices (hardening is implied).
const SESSION_PATH: [u32; 5] = [44, 240, 0, 0, 0];

/// Where the 16-byte Session seed of a wallet's Session account comes from: the
/// first 16 bytes of the SLIP-0010 ed25519 key at this path (account 1' of coin
/// type 240, so it is never the legacy key at [`SESSION_DERIVATION_PATH`]).
pub const SESSION_SEED_DERIVATION_PATH: &str = "m/44'/240'/1'/0'/0'";

/// [`SESSION_SEED_DERIVATION_PATH`] as indices (hardening is implied).
const SESSION_SEED_PATH: [u32; 5] = [44, 240, 1, 0, 0];

const HARDENED: u32 = 0x8000_0000;

/// How many words a new mnemonic has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WordCount {
    /// 12 words, 128 bits of entropy.
    #[default]
    Twelve,
    /// 24 words, 256 bits of entropy.
    TwentyFour,
}

impl WordCount {
    /// From a number of words; only 12 and 24 are offered for new wallets.
    pub fn from_words(words: usize) -> Option<Self> {
        match words {
            12 => Some(Self::Twelve),
            24 => Some(Self::TwentyFour),
            _ => None,
        }
    }

    /// Bytes of entropy behind this many words.
    pub const fn entropy_len(self) -> usize {
        match self {
            Self::Twelve => 16,
            Self::TwentyFour => 32,
        }
    }
}

/// Why a phrase is not a valid mnemonic. Each variant says what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MnemonicError {
    /// Not 12, 15, 18, 21 or 24 words.
    #[error("a recovery phrase has 12, 15, 18, 21 or 24 words; this one has {0}")]
    WordCount(usize),
    /// A word that is not in the BIP-39 English list.
    #[error("word {position} ({word:?}) is not in the BIP-39 English word list{}", suggest(.suggestions))]
    UnknownWord {
        /// 1-based position of the word.
        position: usize,
        /// The word as typed (lowercased).
        word: String,
        /// Close words from the list, best first (may be empty).
        suggestions: Vec<String>,
    },
    /// Every word is in the list, but the last bits do not match.
    #[error(
        "the checksum does not match: every word is in the list, but one is wrong or two are swapped; check the phrase word by word"
    )]
    Checksum,
    /// Entropy of an unsupported length.
    #[error("mnemonic entropy must be 16 to 32 bytes in steps of 4; got {0}")]
    EntropyLength(usize),
}

fn suggest(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", suggestions.join(", "))
    }
}

/// A BIP-39 mnemonic (English). Its memory is wiped on drop.
pub struct Mnemonic(bip39::Mnemonic);

impl fmt::Debug for Mnemonic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Mnemonic({} words, redacted)", self.word_count())
    }
}

impl Mnemonic {
    /// A fresh random mnemonic from the operating system's RNG.
    pub fn generate(words: WordCount) -> Self {
        let mut entropy = Zeroizing::new([0u8; 32]);
        let entropy = &mut entropy[..words.entropy_len()];
        getrandom::fill(entropy).expect("the operating system's random number generator works");
        Self::from_entropy(entropy).expect("16 or 32 bytes are valid BIP-39 entropy")
    }

    /// The mnemonic for some entropy (16 to 32 bytes, in steps of 4).
    pub fn from_entropy(entropy: &[u8]) -> Result<Self, MnemonicError> {
        bip39::Mnemonic::from_entropy(entropy)
            .map(Self)
            .map_err(|_| MnemonicError::EntropyLength(entropy.len()))
    }

    /// Parses a phrase: case and extra whitespace are ignored; an unknown word
    /// is named with suggestions, a bad checksum is told apart.
    pub fn parse(phrase: &str) -> Result<Self, MnemonicError> {
        let lowered = Zeroizing::new(phrase.to_lowercase());
        let words: Vec<&str> = lowered.split_whitespace().collect();
        let list = bip39::Language::English;
        for (index, word) in words.iter().enumerate() {
            if list.find_word(word).is_none() {
                return Err(MnemonicError::UnknownWord {
                    position: index + 1,
                    word: (*word).to_string(),
                    suggestions: suggestions_for(word),
                });
            }
        }
        if !matches!(words.len(), 12 | 15 | 18 | 21 | 24) {
            return Err(MnemonicError::WordCount(words.len()));
        }
        let normalized = Zeroizing::new(words.join(" "));
        bip39::Mnemonic::parse_in_normalized(list, &normalized)
            .map(Self)
            .map_err(|error| match error {
                bip39::Error::InvalidChecksum => MnemonicError::Checksum,
                bip39::Error::BadWordCount(count) => MnemonicError::WordCount(count),
                // Words were checked above; anything else is a checksum problem.
                _ => MnemonicError::Checksum,
            })
    }

    /// The entropy the words encode (what the wallet file stores, encrypted).
    pub fn entropy(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(self.0.to_entropy())
    }

    /// The words, in order.
    pub fn words(&self) -> Vec<&'static str> {
        self.0.words().collect()
    }

    /// The phrase: words separated by single spaces.
    pub fn phrase(&self) -> Zeroizing<String> {
        Zeroizing::new(self.0.to_string())
    }

    /// How many words.
    pub fn word_count(&self) -> usize {
        self.0.word_count()
    }

    /// The 64-byte BIP-39 seed (empty passphrase).
    pub fn seed(&self) -> Zeroizing<[u8; 64]> {
        Zeroizing::new(self.0.to_seed(""))
    }

    /// Derives both identities: the EVM account and the Session account of
    /// [`Self::session_recovery_password`].
    pub fn derive(&self) -> WalletKeys {
        WalletKeys::new(
            self.evm_signer(),
            self.session_recovery_password().session_keys(),
        )
    }

    /// Derives the identities of a wallet made before Session recovery
    /// passwords: the EVM account and [`Self::legacy_session_keys`].
    pub fn derive_legacy(&self) -> WalletKeys {
        WalletKeys::new(self.evm_signer(), self.legacy_session_keys())
    }

    /// The EVM account at [`EVM_DERIVATION_PATH`].
    pub fn evm_signer(&self) -> PrivateKeySigner {
        MnemonicBuilder::<English>::default()
            .phrase(self.phrase().as_str())
            .derivation_path(EVM_DERIVATION_PATH)
            .and_then(|builder| builder.build())
            .expect("a valid mnemonic and a fixed valid path always derive")
    }

    /// The Session account this phrase derives: the first 16 bytes of the
    /// SLIP-0010 key at [`SESSION_SEED_DERIVATION_PATH`], as the Session app's
    /// 13-word recovery password.
    pub fn session_recovery_password(&self) -> RecoveryPassword {
        let key = slip10_ed25519(self.seed().as_slice(), &SESSION_SEED_PATH);
        let mut seed = Zeroizing::new([0u8; recovery_password::SEED_LEN]);
        seed.copy_from_slice(&key[..recovery_password::SEED_LEN]);
        RecoveryPassword::from_seed(&seed)
    }

    /// The legacy Session identity (wallet file version 1): the SLIP-0010 key
    /// at [`SESSION_DERIVATION_PATH`] as the whole Ed25519 seed.
    pub fn legacy_session_keys(&self) -> SessionKeys {
        SessionKeys::from_seed(&slip10_ed25519(self.seed().as_slice(), &SESSION_PATH))
    }
}

/// Up to 3 words of the list close to `word`: same first 4 letters (BIP-39 words
/// are unique in their first 4), else the smallest edit distance (at most 2).
fn suggestions_for(word: &str) -> Vec<String> {
    let list = bip39::Language::English.word_list();
    if word.len() >= 4 {
        let prefix: String = word.chars().take(4).collect();
        let by_prefix: Vec<String> = list
            .iter()
            .filter(|candidate| candidate.starts_with(&prefix))
            .take(3)
            .map(|candidate| candidate.to_string())
            .collect();
        if !by_prefix.is_empty() {
            return by_prefix;
        }
    }
    let mut scored: Vec<(usize, &str)> = list
        .iter()
        .map(|candidate| (edit_distance(word, candidate), *candidate))
        .filter(|(distance, _)| *distance <= 2)
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(3)
        .map(|(_, candidate)| candidate.to_string())
        .collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

/// SLIP-0010 private key derivation for ed25519 (every index hardened).
/// Returns the 32-byte private key (the Ed25519 seed) at `path`.
pub fn slip10_ed25519(seed: &[u8], path: &[u32]) -> Zeroizing<[u8; 32]> {
    fn hmac_sha512(key: &[u8], parts: &[&[u8]]) -> Zeroizing<[u8; 64]> {
        let mut mac = Hmac::<Sha512>::new_from_slice(key).expect("HMAC takes keys of any length");
        for part in parts {
            mac.update(part);
        }
        let mut out = Zeroizing::new([0u8; 64]);
        out.copy_from_slice(&mac.finalize().into_bytes());
        out
    }
    let mut node = hmac_sha512(b"ed25519 seed", &[seed]);
    for index in path {
        let hardened = (index | HARDENED).to_be_bytes();
        let (key, chain_code) = node.split_at(32);
        node = hmac_sha512(chain_code, &[&[0u8], key, &hardened]);
    }
    let mut key = Zeroizing::new([0u8; 32]);
    key.copy_from_slice(&node[..32]);
    key
}

/// Both identities of one wallet.
pub struct WalletKeys {
    evm: PrivateKeySigner,
    session: SessionKeys,
}

impl fmt::Debug for WalletKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WalletKeys")
            .field("evm_address", &self.evm.address())
            .field("session_id", &self.session.session_id().to_string())
            .finish()
    }
}

impl WalletKeys {
    /// Puts an EVM account and a Session identity together.
    pub fn new(evm: PrivateKeySigner, session: SessionKeys) -> Self {
        Self { evm, session }
    }

    /// The EVM signer (alloy); its key is wiped on drop.
    pub fn evm_signer(&self) -> &PrivateKeySigner {
        &self.evm
    }

    /// The EVM address.
    pub fn evm_address(&self) -> Address {
        self.evm.address()
    }

    /// The Session identity.
    pub fn session(&self) -> &SessionKeys {
        &self.session
    }

    /// Takes both parts apart.
    pub fn into_parts(self) -> (PrivateKeySigner, SessionKeys) {
        (self.evm, self.session)
    }
}

/// The Session identity: an Ed25519 key pair and its X25519 counterpart.
/// Secret bytes are wiped on drop (`ed25519-dalek` zeroizes its signing key).
#[derive(Clone)]
pub struct SessionKeys {
    ed25519: SigningKey,
}

impl fmt::Debug for SessionKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SessionKeys({})", self.session_id())
    }
}

impl SessionKeys {
    /// The identity for a 32-byte Ed25519 seed (private key).
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Self {
            ed25519: SigningKey::from_bytes(seed),
        }
    }

    /// The Ed25519 signing key (for message signatures and mailbox retrieval).
    pub fn ed25519_signing_key(&self) -> &SigningKey {
        &self.ed25519
    }

    /// The Ed25519 public key.
    pub fn ed25519_public(&self) -> VerifyingKey {
        self.ed25519.verifying_key()
    }

    /// The X25519 public key: the Ed25519 public key mapped from Edwards to
    /// Montgomery form (libsodium `crypto_sign_ed25519_pk_to_curve25519`).
    pub fn x25519_public(&self) -> [u8; 32] {
        crate::envelope::x25519_public(&self.x25519_secret())
    }

    /// The X25519 secret key: the first 32 bytes of SHA-512(Ed25519 seed),
    /// clamped (libsodium `crypto_sign_ed25519_sk_to_curve25519`).
    pub fn x25519_secret(&self) -> Zeroizing<[u8; 32]> {
        crate::envelope::ed25519_seed_to_x25519_secret(self.ed25519.as_bytes())
    }

    /// The Session ID: `05` ‖ [`Self::x25519_public`].
    pub fn session_id(&self) -> SessionId {
        crate::envelope::session_id_from_seed(self.ed25519.as_bytes())
    }

    /// The identity of a Session recovery password (as the Session app has it).
    pub fn from_recovery_password(password: &RecoveryPassword) -> Self {
        password.session_keys()
    }

    /// The recovery password that restores this identity in the Session app:
    /// only keys whose Ed25519 seed ends in 16 zero bytes have one (not the
    /// legacy identity of [`Mnemonic::derive_legacy`]).
    pub fn recovery_password(&self) -> Option<RecoveryPassword> {
        RecoveryPassword::of_ed25519_seed(self.ed25519.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use curve25519_dalek::montgomery::MontgomeryPoint;

    /// Foundry's and Hardhat's dev mnemonic.
    const TEST_JUNK: &str = "test test test test test test test test test test test junk";
    /// BIP-39's first English vector (entropy 00…00, 12 words).
    const ABANDON: &str = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
    /// BIP-39's 24-word vector for entropy 7f…7f.
    const LEGAL: &str = "legal winner thank year wave sausage worth useful legal winner thank year wave sausage worth useful legal winner thank year wave sausage worth title";

    struct Vector {
        mnemonic: &'static str,
        evm: &'static str,
        /// The Session account the phrase derives (m/44'/240'/1'/0'/0', 16 bytes).
        session_seed: &'static str,
        recovery_password: &'static str,
        ed25519: &'static str,
        session_id: &'static str,
        /// The legacy identity (wallet file version 1, m/44'/240'/0'/0'/0').
        legacy_ed25519: &'static str,
        legacy_session_id: &'static str,
    }

    /// The vectors published in docs/keys.md (reproduced there by a script
    /// independent of this code).
    const VECTORS: [Vector; 3] = [
        Vector {
            mnemonic: TEST_JUNK,
            evm: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
            session_seed: "22aa19637dabc833b678679889505566",
            recovery_password: "iris fazed podcast pests enlist jury erase hectare were under evaluate plus fazed",
            ed25519: "8f3a3d32d8e20a036936f70bdba99076d8e2d462407421ab2ac26c1e9457595b",
            session_id: "0509ebe260378c9087c5edb6dd81067f595116127e26f1368a270737b9f9da2e4d",
            legacy_ed25519: "69af2b80ffd7300b3747f556edd82de8d8a273fcb74a5db8e1b8cca4e558a291",
            legacy_session_id: "059342856c706fee38f771d61d763e14c1b86e16698747bc0b0f192a72e9dda108",
        },
        Vector {
            mnemonic: ABANDON,
            evm: "0x9858EfFD232B4033E47d90003D41EC34EcaEda94",
            session_seed: "d99fae3c4b83eefc6b80e0da6fc47c80",
            recovery_password: "reef sighting addicted doorway ecstatic dunes hover furnished cuffs idols safety elope reef",
            ed25519: "53b4753658087c3fc351a1366f26add84ffb3f34a4f0f874cd8aa1c811429253",
            session_id: "056ac4d4cd7cb9f1f3e2dea39094f03a34287b6b24a07c66f4e26e5ec86773f96d",
            legacy_ed25519: "ea70497c495cd1a303b524388079e416821869bab60691ca45bfad1a264924b3",
            legacy_session_id: "053aae361db43360ca5e9487e019123756c576c9203d29d2079a80ca45a6cb8d77",
        },
        Vector {
            mnemonic: LEGAL,
            evm: "0x2f826cb22E80a2c40f149Ecb92b2Fa5ecBf67170",
            session_seed: "5e0b4e0bdd14a7603c99454a31077870",
            recovery_password: "nozzle gambit hashing wetsuit fidget poetry upload drowning losing venomous otherwise army venomous",
            ed25519: "c9da258b966eaa8c91a4b0b1601378ebb638447f70627f1f87ed12bca3c8b385",
            session_id: "058c3746717c71ac6c0cfbf5e38ea89a94739d58966c7fcf9117e5a9c86de2963c",
            legacy_ed25519: "dfcbadf7d2d64b34caf29d81385112733f72c7147bbf00eb2337ac38f9e2e9dc",
            legacy_session_id: "05400325d2c01e997e1373a3c296f38e2297f5522e176be118f2ca0d0d646c7304",
        },
    ];

    #[test]
    fn published_vectors_hold() {
        for vector in &VECTORS {
            let mnemonic = Mnemonic::parse(vector.mnemonic).unwrap();
            let keys = mnemonic.derive();
            assert_eq!(keys.evm_address().to_checksum(None), vector.evm);
            let password = mnemonic.session_recovery_password();
            assert_eq!(hex::encode(password.seed()), vector.session_seed);
            assert_eq!(*password.phrase(), vector.recovery_password);
            assert_eq!(
                hex::encode(keys.session().ed25519_public().as_bytes()),
                vector.ed25519
            );
            assert_eq!(keys.session().session_id().to_string(), vector.session_id);
            // The words open the same account (as they would in the Session app).
            let restored = RecoveryPassword::parse(vector.recovery_password).unwrap();
            assert_eq!(
                restored.session_keys().session_id().to_string(),
                vector.session_id
            );
            assert_eq!(keys.session().recovery_password(), Some(password));

            let legacy = mnemonic.derive_legacy();
            assert_eq!(legacy.evm_address().to_checksum(None), vector.evm);
            assert_eq!(
                hex::encode(legacy.session().ed25519_public().as_bytes()),
                vector.legacy_ed25519
            );
            assert_eq!(
                legacy.session().session_id().to_string(),
                vector.legacy_session_id
            );
            assert_eq!(legacy.session().recovery_password(), None);
        }
    }

    #[test]
    fn evm_account_matches_metamask_and_cast() {
        let keys = Mnemonic::parse(TEST_JUNK).unwrap().derive();
        assert_eq!(
            keys.evm_address().to_checksum(None),
            "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
        );
    }

    #[test]
    fn slip10_matches_the_specification_vector_1() {
        // SLIP-0010, "Test vector 1 for ed25519".
        let seed = hex::decode("000102030405060708090a0b0c0d0e0f").unwrap();
        assert_eq!(
            hex::encode(*slip10_ed25519(&seed, &[])),
            "2b4be7f19ee27bbf30c667b642d5f4aa69fd169872f8fc3059c08ebae2eb19e7"
        );
        assert_eq!(
            hex::encode(*slip10_ed25519(&seed, &[0])),
            "68e0fe46dfb67e368c75379acec591dad19df3cde26e63b93a8e704f1dade7a3"
        );
        let key = slip10_ed25519(&seed, &[0, 1, 2, 2, 1_000_000_000]);
        assert_eq!(
            hex::encode(*key),
            "8f94d394a8e8fd6b1bc2f3f49f5c47e385281d5c17e65324b0f62483e37e8793"
        );
        assert_eq!(
            hex::encode(SigningKey::from_bytes(&key).verifying_key().as_bytes()),
            "3c24da049451555d51a7014a37337aa4e12d41e485abccfa46b47dfb2af54b7a"
        );
    }

    #[test]
    fn x25519_secret_and_public_agree() {
        let keys = Mnemonic::parse(TEST_JUNK).unwrap().derive();
        let session = keys.session();
        let from_secret = MontgomeryPoint::mul_base_clamped(*session.x25519_secret());
        assert_eq!(from_secret.to_bytes(), session.x25519_public());
        let secret = session.x25519_secret();
        assert_eq!(secret[0] & 7, 0);
        assert_eq!(secret[31] & 0xc0, 0x40);
    }

    #[test]
    fn entropy_round_trips_and_generation_gives_the_asked_length() {
        for words in [WordCount::Twelve, WordCount::TwentyFour] {
            let mnemonic = Mnemonic::generate(words);
            assert_eq!(mnemonic.entropy().len(), words.entropy_len());
            let again = Mnemonic::from_entropy(&mnemonic.entropy()).unwrap();
            assert_eq!(*again.phrase(), *mnemonic.phrase());
            assert_eq!(
                again.derive().evm_address(),
                mnemonic.derive().evm_address()
            );
        }
        assert_eq!(Mnemonic::generate(WordCount::TwentyFour).word_count(), 24);
    }

    #[test]
    fn parsing_forgives_case_and_spacing() {
        let messy = format!("  {}  ", TEST_JUNK.to_uppercase().replace(' ', "\n "));
        assert_eq!(*Mnemonic::parse(&messy).unwrap().phrase(), TEST_JUNK);
    }

    #[test]
    fn parsing_names_the_problem() {
        let typo = TEST_JUNK.replace("junk", "junc");
        match Mnemonic::parse(&typo).unwrap_err() {
            MnemonicError::UnknownWord {
                position,
                word,
                suggestions,
            } => {
                assert_eq!(position, 12);
                assert_eq!(word, "junc");
                assert!(suggestions.contains(&"junk".to_string()), "{suggestions:?}");
            }
            other => panic!("expected an unknown word, got {other:?}"),
        }
        let prefix = ABANDON.replace("about", "abou");
        let error = Mnemonic::parse(&prefix).unwrap_err();
        assert!(error.to_string().contains("about"), "{error}");

        let swapped = TEST_JUNK.replace("junk", "test");
        assert_eq!(
            Mnemonic::parse(&swapped).unwrap_err(),
            MnemonicError::Checksum
        );
        assert_eq!(
            Mnemonic::parse("test test test").unwrap_err(),
            MnemonicError::WordCount(3)
        );
        assert!(
            Mnemonic::parse(&typo)
                .unwrap_err()
                .to_string()
                .contains("word 12 (\"junc\")")
        );
    }

    #[test]
    fn debug_output_hides_secrets() {
        let mnemonic = Mnemonic::parse(TEST_JUNK).unwrap();
        assert!(!format!("{mnemonic:?}").contains("junk"));
    }
}
