//! A node's X25519 onion key, and the client's ephemeral keys.

use super::OnionError;
use super::cipher::{HopKey, Side};
use super::{EncType, node::Peeled};
use crate::envelope::{ed25519_pk_to_x25519, ed25519_seed_to_x25519_secret, x25519_public};
use curve25519_dalek::montgomery::MontgomeryPoint;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

/// The HMAC key under which a [`LinkKey`] is drawn from the two nodes' X25519 agreement.
const LINK_SALT: &[u8] = b"sesh-node-link";

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

    /// The key this node shares with the node whose Ed25519 key is `peer`: HMAC-SHA256 under
    /// `"sesh-node-link"` of their X25519 agreement ‖ both onion keys (the lower first), which
    /// either node computes from its own secret and the other's public key.
    pub fn link_key(&self, peer: &[u8; 32]) -> Result<LinkKey, OnionError> {
        let peer = ed25519_pk_to_x25519(peer).map_err(|source| OnionError::NodeKey {
            key: hex::encode(peer),
            source,
        })?;
        let shared = Zeroizing::new(MontgomeryPoint(peer).mul_clamped(*self.secret).0);
        if shared.iter().all(|byte| *byte == 0) {
            return Err(OnionError::WeakKey);
        }
        let (low, high) = if self.public <= peer {
            (self.public, peer)
        } else {
            (peer, self.public)
        };
        let mut mac = link_mac(LINK_SALT);
        mac.update(shared.as_slice());
        mac.update(&low);
        mac.update(&high);
        Ok(LinkKey(Zeroizing::new(mac.finalize().into_bytes().into())))
    }

    /// Reads and decrypts the layer a node received on `/onion_req/v2`
    /// (`[N][ciphertext]{"ephemeral_key", "enc_type"?, "hop_no"?}`): what it holds and the key
    /// to answer with. See [`Peeled::route`] for what to do with it.
    pub fn peel(&self, body: &[u8]) -> Result<Peeled, OnionError> {
        Peeled::open(self, body)
    }
}

/// A key two nodes share ([`NodeOnionKey::link_key`]), to authenticate the requests between
/// them with a MAC (microseconds) rather than a signature to verify (tens of them).
pub struct LinkKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkKey(..)")
    }
}

impl LinkKey {
    /// HMAC-SHA256 of `parts`, one after the other.
    pub fn mac(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut mac = link_mac(self.0.as_slice());
        parts.iter().for_each(|part| mac.update(part));
        mac.finalize().into_bytes().into()
    }

    /// Whether `tag` is [`LinkKey::mac`] of `parts` (compared in constant time).
    pub fn verify(&self, parts: &[&[u8]], tag: &[u8]) -> bool {
        let mut mac = link_mac(self.0.as_slice());
        parts.iter().for_each(|part| mac.update(part));
        mac.verify_slice(tag).is_ok()
    }
}

fn link_mac(key: &[u8]) -> Hmac<Sha256> {
    <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(key).expect("HMAC takes keys of any length")
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attestation::NodeSigner;

    #[test]
    fn two_nodes_draw_the_same_link_key_and_a_third_another() {
        let [a, b, c] = [1u8, 2, 3].map(|byte| NodeSigner::from_seed([byte; 32]));
        let a_to_b = a.onion_key().link_key(&b.node_key().0).unwrap();
        let b_to_a = b.onion_key().link_key(&a.node_key().0).unwrap();
        let c_to_b = c.onion_key().link_key(&b.node_key().0).unwrap();
        let parts: [&[u8]; 2] = [b"sesh-storage-forward", b"body"];
        let tag = a_to_b.mac(&parts);
        assert!(b_to_a.verify(&parts, &tag));
        assert!(!c_to_b.verify(&parts, &tag), "another node's link");
        assert!(!b_to_a.verify(&[b"sesh-storage-forward", b"bodx"], &tag));
        assert!(!b_to_a.verify(&parts, &tag[..31]));
        assert!(matches!(
            a.onion_key().link_key(&[0; 32]),
            Err(OnionError::WeakKey | OnionError::NodeKey { .. })
        ));
    }
}
