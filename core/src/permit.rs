//! EIP-2612 permits for SESH, so paying a fee needs no separate approval
//! transaction: the wallet signs a permit and the paying contract submits it.

use alloy::primitives::{Address, B256, U256};
use alloy::signers::Signer;
use alloy::sol;
use alloy::sol_types::{Eip712Domain, SolStruct};

sol! {
    /// The EIP-2612 `Permit` struct, as OpenZeppelin's `ERC20Permit` hashes it.
    struct Permit {
        address owner;
        address spender;
        uint256 value;
        uint256 nonce;
        uint256 deadline;
    }
}

/// The token facts a permit signature is bound to.
#[derive(Debug, Clone)]
pub struct PermitDomain {
    /// The token's EIP-712 name (`name()` of the token, e.g. "Test Session Token").
    pub token_name: String,
    /// The chain the token lives on.
    pub chain_id: u64,
    /// The token contract.
    pub token: Address,
}

impl PermitDomain {
    fn eip712(&self) -> Eip712Domain {
        Eip712Domain::new(
            Some(self.token_name.clone().into()),
            Some("1".into()),
            Some(U256::from(self.chain_id)),
            Some(self.token),
            None,
        )
    }
}

/// A signed permit, in the shape the contracts take (`INameRegistry.Permit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedPermit {
    /// The allowance granted.
    pub value: U256,
    /// Unix time after which the permit is void.
    pub deadline: U256,
    /// Signature recovery id (27 or 28).
    pub v: u8,
    /// Signature `r`.
    pub r: B256,
    /// Signature `s`.
    pub s: B256,
}

impl SignedPermit {
    /// "No permit": contracts then use the existing allowance.
    pub const NONE: Self = Self {
        value: U256::ZERO,
        deadline: U256::ZERO,
        v: 0,
        r: B256::ZERO,
        s: B256::ZERO,
    };
}

/// The digest a permit signs.
pub fn permit_digest(domain: &PermitDomain, permit: &Permit) -> B256 {
    permit.eip712_signing_hash(&domain.eip712())
}

/// Signs a permit letting `spender` take `value` from the signer's SESH.
pub async fn sign_permit<S: Signer + Sync>(
    signer: &S,
    domain: &PermitDomain,
    spender: Address,
    value: U256,
    nonce: U256,
    deadline: U256,
) -> alloy::signers::Result<SignedPermit> {
    let permit = Permit {
        owner: signer.address(),
        spender,
        value,
        nonce,
        deadline,
    };
    let signature = signer.sign_hash(&permit_digest(domain, &permit)).await?;
    Ok(SignedPermit {
        value,
        deadline,
        v: 27 + u8::from(signature.v()),
        r: signature.r().into(),
        s: signature.s().into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::signers::local::PrivateKeySigner;

    #[tokio::test]
    async fn signature_recovers_to_the_owner() {
        let signer = PrivateKeySigner::random();
        let domain = PermitDomain {
            token_name: "Test Session Token".into(),
            chain_id: 31337,
            token: Address::repeat_byte(7),
        };
        let spender = Address::repeat_byte(9);
        let signed = sign_permit(
            &signer,
            &domain,
            spender,
            U256::from(5),
            U256::ZERO,
            U256::from(100),
        )
        .await
        .unwrap();
        let permit = Permit {
            owner: signer.address(),
            spender,
            value: U256::from(5),
            nonce: U256::ZERO,
            deadline: U256::from(100),
        };
        let signature =
            alloy::primitives::Signature::new(signed.r.into(), signed.s.into(), signed.v == 28);
        let recovered = signature
            .recover_address_from_prehash(&permit_digest(&domain, &permit))
            .unwrap();
        assert_eq!(recovered, signer.address());
    }
}
