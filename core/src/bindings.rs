//! Contract bindings, generated at compile time by alloy's `sol!` from the
//! artifacts in `core/artifacts/` (ABI and bytecode exported from forge's
//! output by `just bindings`; the test run fails when they are stale).
//!
//! Each contract gets its own module because several ABIs share a struct
//! (`INameRegistry.Permit`), which `sol!` would otherwise define twice. So each
//! of `name_registry`, `name_market` and `premium` has its own `Permit` type,
//! and with it `no_permit()` and `From<SignedPermit>` ([`crate::permit::SignedPermit`]).

#![allow(missing_docs, unreachable_pub, clippy::too_many_arguments)]

/// For a module whose ABI takes `INameRegistry.Permit`: [`SignedPermit`] converts into
/// that module's `Permit`, and `no_permit()` is the all-zero one.
///
/// [`SignedPermit`]: crate::permit::SignedPermit
macro_rules! permit_helpers {
    () => {
        impl From<crate::permit::SignedPermit> for INameRegistry::Permit {
            fn from(signed: crate::permit::SignedPermit) -> Self {
                Self {
                    value: signed.value,
                    deadline: signed.deadline,
                    v: signed.v,
                    r: signed.r,
                    s: signed.s,
                }
            }
        }

        /// No permit (every field zero, [`SignedPermit::NONE`]), for a call that needs none:
        /// the contract then takes the fee from the existing allowance.
        ///
        /// [`SignedPermit::NONE`]: crate::permit::SignedPermit::NONE
        pub fn no_permit() -> INameRegistry::Permit {
            crate::permit::SignedPermit::NONE.into()
        }
    };
}

/// `TestSESH`.
pub mod test_sesh {
    alloy::sol!(
        #[sol(rpc)]
        #[derive(Debug)]
        TestSESH,
        "artifacts/TestSESH.json"
    );
}
pub use test_sesh::TestSESH;

/// `RewardsPool`.
pub mod rewards_pool {
    alloy::sol!(
        #[sol(rpc)]
        #[derive(Debug)]
        RewardsPool,
        "artifacts/RewardsPool.json"
    );
}
pub use rewards_pool::RewardsPool;

/// `NameRegistry`.
pub mod name_registry {
    alloy::sol!(
        #[sol(rpc)]
        #[derive(Debug)]
        NameRegistry,
        "artifacts/NameRegistry.json"
    );
    permit_helpers!();
}
pub use name_registry::NameRegistry;

/// `NameMarket`.
pub mod name_market {
    alloy::sol!(
        #[sol(rpc)]
        #[derive(Debug)]
        NameMarket,
        "artifacts/NameMarket.json"
    );
    permit_helpers!();
}
pub use name_market::NameMarket;

/// `Premium`.
pub mod premium {
    alloy::sol!(
        #[sol(rpc)]
        #[derive(Debug)]
        Premium,
        "artifacts/Premium.json"
    );
    permit_helpers!();
}
pub use premium::Premium;

/// `NodeStaking`.
pub mod node_staking {
    alloy::sol!(
        #[sol(rpc)]
        #[derive(Debug)]
        NodeStaking,
        "artifacts/NodeStaking.json"
    );
}
pub use node_staking::NodeStaking;
