//! The proof that a registry node holds its Ed25519 key: the key's signature over
//! the bytes `NodeStaking.ed25519Message(operator, signer)` returns, given to
//! `createNode` and emitted in `NodeCreated`. The contract cannot check Ed25519;
//! every registry node checks the proof when it indexes `NodeCreated` (and ignores
//! a node whose proof fails), and the wallet checks it before `sesh stake
//! create-node` sends anything and when `sesh stake nodes` lists a node. All of
//! them call [`check`], so they cannot disagree.
//!
//! The message is 105 bytes:
//!
//! ```text
//! "sesh-node-key" (13 bytes) ‖ chain id (uint256, 32 bytes BE) ‖ NodeStaking (20)
//!   ‖ operator (20) ‖ signer (20)
//! ```

use alloy::primitives::{Address, B256, U256};
use ed25519_dalek::{Signature, Verifier, VerifyingKey};

/// The first bytes of the message.
pub const DOMAIN: &[u8] = b"sesh-node-key";

/// The length of the message.
pub const MESSAGE_LEN: usize = 13 + 32 + 20 + 20 + 20;

/// The bytes a node key signs to register with `operator` and `signer` at the staking
/// contract `staking` on `chain_id` (what `NodeStaking.ed25519Message` returns).
pub fn message(chain_id: u64, staking: Address, operator: Address, signer: Address) -> Vec<u8> {
    let mut out = Vec::with_capacity(MESSAGE_LEN);
    out.extend_from_slice(DOMAIN);
    out.extend_from_slice(&U256::from(chain_id).to_be_bytes::<32>());
    out.extend_from_slice(staking.as_slice());
    out.extend_from_slice(operator.as_slice());
    out.extend_from_slice(signer.as_slice());
    out
}

/// Why a key proof does not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KeyProofError {
    /// The 32 bytes are not an Ed25519 public key.
    #[error("{0} is not an Ed25519 public key")]
    InvalidKey(B256),
    /// The signature is not 64 bytes long.
    #[error("the Ed25519 signature has {0} bytes instead of 64")]
    SignatureLength(usize),
    /// The key did not sign this message: the proof was made for another operator,
    /// signer, chain or staking contract, or with another key.
    #[error(
        "the Ed25519 signature does not verify for operator {operator} and signer {signer} on chain {chain_id} (NodeStaking {staking})"
    )]
    Mismatch {
        /// The chain id the message names.
        chain_id: u64,
        /// The staking contract the message names.
        staking: Address,
        /// The operator the message names.
        operator: Address,
        /// The signer the message names.
        signer: Address,
    },
}

/// Checks that `key` signed [`message`]`(chain_id, staking, operator, signer)` with
/// `signature`.
pub fn check(
    chain_id: u64,
    staking: Address,
    operator: Address,
    signer: Address,
    key: B256,
    signature: &[u8],
) -> Result<(), KeyProofError> {
    let verifying = VerifyingKey::from_bytes(&key.0).map_err(|_| KeyProofError::InvalidKey(key))?;
    let bytes = <[u8; 64]>::try_from(signature)
        .map_err(|_| KeyProofError::SignatureLength(signature.len()))?;
    verifying
        .verify(
            &message(chain_id, staking, operator, signer),
            &Signature::from_bytes(&bytes),
        )
        .map_err(|_| KeyProofError::Mismatch {
            chain_id,
            staking,
            operator,
            signer,
        })
}

/// Whether the proof verifies ([`check`] without the reason).
pub fn is_valid(
    chain_id: u64,
    staking: Address,
    operator: Address,
    signer: Address,
    key: B256,
    signature: &[u8],
) -> bool {
    check(chain_id, staking, operator, signer, key, signature).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attestation::NodeSigner;

    #[test]
    fn a_proof_verifies_only_for_its_chain_contract_operator_and_signer() {
        let node = NodeSigner::from_seed([5; 32]);
        let key = B256::from(node.node_key().0);
        let (staking, operator, signer) = (
            Address::repeat_byte(1),
            Address::repeat_byte(2),
            Address::repeat_byte(3),
        );
        let bytes = message(31337, staking, operator, signer);
        assert_eq!(bytes.len(), MESSAGE_LEN);
        assert_eq!(&bytes[..13], b"sesh-node-key");
        assert_eq!(bytes[13 + 31], 0x69, "31337 = 0x7a69, big-endian");
        assert_eq!(&bytes[45..65], staking.as_slice());
        assert_eq!(&bytes[65..85], operator.as_slice());
        assert_eq!(&bytes[85..], signer.as_slice());

        let signature = node.sign_raw(&bytes);
        assert_eq!(
            check(31337, staking, operator, signer, key, &signature),
            Ok(())
        );
        assert!(is_valid(31337, staking, operator, signer, key, &signature));
        for (chain, staking, operator, signer) in [
            (1, staking, operator, signer),
            (31337, operator, operator, signer),
            (31337, staking, signer, signer),
            (31337, staking, operator, operator),
        ] {
            assert!(matches!(
                check(chain, staking, operator, signer, key, &signature),
                Err(KeyProofError::Mismatch { .. })
            ));
        }
        assert_eq!(
            check(31337, staking, operator, signer, key, &signature[..63]),
            Err(KeyProofError::SignatureLength(63))
        );
        let other = B256::from(NodeSigner::from_seed([6; 32]).node_key().0);
        assert!(!is_valid(
            31337, staking, operator, signer, other, &signature
        ));
        // Half of all 32-byte strings are no curve point: the first such y is refused as a key.
        let not_a_point = (2u8..)
            .map(|y| {
                let mut bytes = [0u8; 32];
                bytes[0] = y; // little-endian y
                B256::from(bytes)
            })
            .find(|bytes| VerifyingKey::from_bytes(&bytes.0).is_err())
            .unwrap();
        assert_eq!(
            check(31337, staking, operator, signer, not_a_point, &signature),
            Err(KeyProofError::InvalidKey(not_a_point))
        );
    }
}
