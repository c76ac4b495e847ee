// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TestSESH} from "../../src/test-only/TestSESH.sol";
import {Test} from "../utils/Test.sol";

/// @dev What the per-contract handlers of the system suite do not: SESH sent straight to the
/// registry (which no other handler there touches) and swept from it, and SESH sent straight to
/// the pool. Strays to the market, Premium and staking are their own handlers' business: each
/// checks that a sweep returns exactly the strays it sent.
/// Every action guards its own inputs, so the suite runs with `fail-on-revert`.
contract SystemHandler is Test {
    uint256 internal constant SESH = 1e9;

    TestSESH public immutable sesh;
    address public immutable registry;
    address public immutable pool;

    address[] public actors;

    /// @dev SESH sent to the registry directly since its last sweep; swept in all; sent to the
    /// pool directly.
    uint256 public ghostRegistryStray;
    uint256 public ghostRegistrySwept;
    uint256 public ghostSentToPool;

    constructor(TestSESH sesh_, address registry_, address pool_, address[] memory actors_) {
        sesh = sesh_;
        registry = registry_;
        pool = pool_;
        actors = actors_;
    }

    function _fund(address account, uint256 amount) internal {
        while (sesh.balanceOf(account) < amount) {
            sesh.faucet(account, sesh.FAUCET_LIMIT());
        }
    }

    /// @dev An actor sends SESH to the registry directly: no one is owed it.
    function sendStrayToRegistry(uint256 actorSeed, uint256 amount) external {
        address from = actors[actorSeed % actors.length];
        amount = bound(amount, 1, 1_000 * SESH);
        _fund(from, amount);
        vm.prank(from);
        sesh.transfer(registry, amount);
        ghostRegistryStray += amount;
    }

    /// @dev Anyone sweeps the registry. Called by its selector: a registry without
    /// `sweepUnowed()` keeps its strays (and the invariants count them there).
    function sweepRegistry(uint256 actorSeed) external {
        vm.prank(actors[actorSeed % actors.length]);
        (bool ok, bytes memory returned) = registry.call(abi.encodeWithSignature("sweepUnowed()"));
        if (!ok) return;
        uint256 swept = abi.decode(returned, (uint256));
        assertEq(swept, ghostRegistryStray, "the registry swept exactly the strays");
        assertEq(sesh.balanceOf(registry), 0, "the registry holds nothing after a sweep");
        ghostRegistrySwept += swept;
        ghostRegistryStray = 0;
    }

    /// @dev Anyone may send SESH to the pool: it counts as received, for stakers.
    function sendToPool(uint256 actorSeed, uint256 amount) external {
        address from = actors[actorSeed % actors.length];
        amount = bound(amount, 1, 1_000 * SESH);
        _fund(from, amount);
        vm.prank(from);
        sesh.transfer(pool, amount);
        ghostSentToPool += amount;
    }
}
