//! Contract bindings, generated at compile time by alloy's `sol!` from the
//! artifacts in `core/artifacts/` (ABI and bytecode exported from forge's
//! output by `just bindings`; the test run fails when they are stale).

#![allow(missing_docs, unreachable_pub, clippy::too_many_arguments)]

use alloy::sol;

sol!(
    #[sol(rpc)]
    #[derive(Debug)]
    TestSESH,
    "artifacts/TestSESH.json"
);
