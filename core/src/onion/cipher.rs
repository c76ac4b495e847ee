//! The symmetric key of one hop and the two ciphers under it, byte for byte as
//! libsession-util's `HopEncryption` and the storage server's `ChannelEncryption`.

use super::{EncType, OnionError};
use aes_gcm::Aes256Gcm;
use blake2::Blake2b;
use blake2::digest::Digest;
use blake2::digest::consts::U32;
use chacha20poly1305::XChaCha20Poly1305;
use chacha20poly1305::aead::{Aead, KeyInit};
use curve25519_dalek::montgomery::MontgomeryPoint;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

/// The AES-GCM IV before the ciphertext.
pub(crate) const GCM_IV_LEN: usize = 12;
/// The XChaCha20 nonce before the ciphertext.
pub(crate) const XCHACHA_NONCE_LEN: usize = 24;
/// The tag after the ciphertext (both ciphers).
pub(crate) const TAG_LEN: usize = 16;

/// The HMAC key of the AES-GCM key (Loki's name, kept by Session for compatibility).
const GCM_SALT: &[u8] = b"LOKI";

/// Every nonce here is cut at [`nonce_len`].
const NONCE_LEN: &str = "the nonce is nonce_len bytes";

/// Which end of the exchange this side is: the XChaCha20 key hashes the client's key first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    /// The side with the ephemeral key (libsession's `server = false`).
    Client,
    /// The node (`server = true`).
    Node,
}

/// The symmetric key one X25519 exchange gives, and the cipher it is for.
pub(crate) struct HopKey {
    enc: EncType,
    key: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for HopKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HopKey")
            .field("enc", &self.enc)
            .finish_non_exhaustive()
    }
}

impl HopKey {
    /// The key between `our_secret` (whose public key is `our_public`) and `their_public`.
    pub(crate) fn derive(
        enc: EncType,
        our_secret: &[u8; 32],
        our_public: &[u8; 32],
        their_public: &[u8; 32],
        side: Side,
    ) -> Result<Self, OnionError> {
        // libsodium's crypto_scalarmult clamps the scalar too, and refuses the zero result.
        let shared = Zeroizing::new(MontgomeryPoint(*their_public).mul_clamped(*our_secret).0);
        if shared.iter().all(|byte| *byte == 0) {
            return Err(OnionError::WeakKey);
        }
        let mut key = Zeroizing::new([0u8; 32]);
        match enc {
            EncType::AesGcm => {
                let mut mac = <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(GCM_SALT)
                    .expect("HMAC takes keys of any length");
                mac.update(shared.as_slice());
                key.copy_from_slice(&mac.finalize().into_bytes());
            }
            EncType::XChaCha20 => {
                let (client, node) = match side {
                    Side::Client => (our_public, their_public),
                    Side::Node => (their_public, our_public),
                };
                let digest = Blake2b::<U32>::new()
                    .chain_update(shared.as_slice())
                    .chain_update(client)
                    .chain_update(node)
                    .finalize();
                key.copy_from_slice(&digest);
            }
        }
        Ok(Self { enc, key })
    }

    /// The cipher.
    pub(crate) fn enc(&self) -> EncType {
        self.enc
    }

    /// Seals `plaintext` under a random nonce: nonce ‖ ciphertext ‖ tag.
    pub(crate) fn seal(&self, plaintext: &[u8]) -> Result<Vec<u8>, OnionError> {
        let mut nonce = [0u8; XCHACHA_NONCE_LEN];
        let nonce = &mut nonce[..nonce_len(self.enc)];
        getrandom::fill(nonce).map_err(OnionError::Random)?;
        self.seal_with_nonce(nonce, plaintext)
    }

    /// Seals `plaintext` under `nonce`, which callers make of [`nonce_len`] bytes.
    pub(crate) fn seal_with_nonce(
        &self,
        nonce: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, OnionError> {
        let sealed = match self.enc {
            EncType::AesGcm => {
                let nonce: [u8; GCM_IV_LEN] = nonce.try_into().expect(NONCE_LEN);
                Aes256Gcm::new(&(*self.key).into()).encrypt(&nonce.into(), plaintext)
            }
            EncType::XChaCha20 => {
                let nonce: [u8; XCHACHA_NONCE_LEN] = nonce.try_into().expect(NONCE_LEN);
                XChaCha20Poly1305::new(&(*self.key).into()).encrypt(&nonce.into(), plaintext)
            }
        }
        // Both refuse only plaintexts of tens of gigabytes.
        .map_err(|_| OnionError::TooLong {
            len: plaintext.len(),
        })?;
        let mut out = Vec::with_capacity(nonce.len() + sealed.len());
        out.extend_from_slice(nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// Opens nonce ‖ ciphertext ‖ tag.
    pub(crate) fn open(&self, sealed: &[u8]) -> Result<Vec<u8>, OnionError> {
        let undecryptable = OnionError::Undecryptable { enc: self.enc };
        let n = nonce_len(self.enc);
        if sealed.len() < n + TAG_LEN {
            return Err(undecryptable);
        }
        let (nonce, ciphertext) = sealed.split_at(n);
        match self.enc {
            EncType::AesGcm => {
                let nonce: [u8; GCM_IV_LEN] = nonce.try_into().expect(NONCE_LEN);
                Aes256Gcm::new(&(*self.key).into()).decrypt(&nonce.into(), ciphertext)
            }
            EncType::XChaCha20 => {
                let nonce: [u8; XCHACHA_NONCE_LEN] = nonce.try_into().expect(NONCE_LEN);
                XChaCha20Poly1305::new(&(*self.key).into()).decrypt(&nonce.into(), ciphertext)
            }
        }
        .map_err(|_| undecryptable)
    }
}

/// The nonce length of `enc`.
pub(crate) fn nonce_len(enc: EncType) -> usize {
    match enc {
        EncType::AesGcm => GCM_IV_LEN,
        EncType::XChaCha20 => XCHACHA_NONCE_LEN,
    }
}
