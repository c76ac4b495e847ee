//! A node's X25519 onion key, and the client's ephemeral keys.

use super::OnionError;
use super::cipher::{HopKey, Side};
use super::{EncType, node::Peeled};
use crate::envelope::{ed25519_seed_to_x25519_secret, x25519_public};
use zeroize::Zeroizing;

/// A node's X25519 onion key pair: its Ed25519 identity key mapped to Curve25519, as
/// Session service nodes derive theirs (see the [module documentation](super)).
pub struct NodeOnionKey {
    secret: Zeroizing<[u8; 32]>,
    public: [u8; 32],
}

impl std::fmt::Debug for NodeOnionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NodeOnionKey")
            .field("public", &hex::encode(self.public))
            .finish_non_exhaustive()
    }
}

impl NodeOnionKey {
    /// The onion key of the node whose Ed25519 seed is `seed`
    /// (`crypto_sign_ed25519_sk_to_curve25519`).
    pub fn from_ed25519_seed(seed: &[u8; 32]) -> Self {
        Self::from_x25519_secret(*ed25519_seed_to_x25519_secret(seed))
    }

    /// A key pair from its X25519 secret (clamped when used, as libsodium does).
    pub fn from_x25519_secret(secret: [u8; 32]) -> Self {
        let secret = Zeroizing::new(secret);
        let public = x25519_public(&secret);
        Self { secret, public }
    }

    /// The public key clients encrypt layers to.
    pub fn public(&self) -> [u8; 32] {
        self.public
    }

    /// The hop key with a client's ephemeral key `client`.
    pub(crate) fn hop_key(&self, enc: EncType, client: &[u8; 32]) -> Result<HopKey, OnionError> {
        HopKey::derive(enc, &self.secret, &self.public, client, Side::Node)
    }

    /// Reads and decrypts the layer a node received on `/onion_req/v2`
    /// (`[N][ciphertext]{"ephemeral_key", "enc_type"?, "hop_no"?}`): what it holds and the key
    /// to answer with. See [`Peeled::route`] for what to do with it.
    pub fn peel(&self, body: &[u8]) -> Result<Peeled, OnionError> {
        Peeled::open(self, body)
    }
}

/// An ephemeral X25519 key pair of the client, one per layer.
pub(crate) struct Ephemeral {
    pub(crate) secret: Zeroizing<[u8; 32]>,
    pub(crate) public: [u8; 32],
}

impl Ephemeral {
    /// A fresh random key pair.
    pub(crate) fn random() -> Result<Self, OnionError> {
        let mut secret = Zeroizing::new([0u8; 32]);
        getrandom::fill(secret.as_mut_slice()).map_err(OnionError::Random)?;
        let public = x25519_public(&secret);
        Ok(Self { secret, public })
    }

    /// The hop key with the node whose onion key is `node`.
    pub(crate) fn hop_key(&self, enc: EncType, node: &[u8; 32]) -> Result<HopKey, OnionError> {
        HopKey::derive(enc, &self.secret, &self.public, node, Side::Client)
    }
}
