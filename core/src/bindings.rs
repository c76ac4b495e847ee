//! Contract bindings, generated at compile time by alloy's `sol!` from the
//! artifacts in `core/artifacts/` (ABI and bytecode exported from forge's
//! output by `just bindings`; the test run fails when they are stale).
//!
//! Each contract gets its own module because several ABIs share a struct
//! (`INameRegistry.Permit`), which `sol!` would otherwise define twice.

#![allow(missing_docs, unreachable_pub, clippy::too_many_arguments)]

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
