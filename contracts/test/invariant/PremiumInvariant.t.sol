// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Premium} from "../../src/Premium.sol";
import {RewardsPool} from "../../src/RewardsPool.sol";
import {TestSESH} from "../../src/test-only/TestSESH.sol";
import {Test} from "../utils/Test.sol";
import {PremiumHandler} from "./PremiumHandler.sol";

/// @dev Invariants of Premium over random sequences of purchases (for oneself, gifts, by
/// allowance and by permit), price changes, pauses, time, and SESH sent to Premium directly
/// and swept:
/// (a) every fee reaches the pool: its balance grows by exactly the purchases' costs and the
///     swept strays;
/// (b) expiries only grow, and each is exactly what the purchases for its key made it (a gift
///     extends the recipient's premium and no one else's); `isPremium` agrees with it;
/// (c) nothing stays in Premium: it holds only the strays sent since the last sweep, and
///     nothing after a sweep (the handler checks that at each sweep);
/// (d) a purchase never goes through while paused;
/// (e) every SESH is accounted for among the payers, Premium and the pool.
/// The handler guards its own inputs, so any revert fails the run.
/// forge-config: default.invariant.fail-on-revert = true
contract PremiumInvariantTest is Test {
    uint256 internal constant SESH = 1e9;
    uint256 internal constant START = 1_700_000_000;

    TestSESH internal sesh;
    RewardsPool internal pool;
    Premium internal premium;
    PremiumHandler internal handler;
    uint256 internal poolBase;

    function setUp() public {
        vm.warp(START);
        address gov = makeAddr("governance");
        sesh = new TestSESH();
        pool = new RewardsPool(address(sesh), makeAddr("node staking"));
        premium = new Premium(address(sesh), address(pool));
        premium.transferOwnership(gov);
        vm.prank(gov);
        premium.acceptOwnership();
        sesh.faucet(address(pool), 1 * SESH); // the pool already holds fees
        poolBase = sesh.balanceOf(address(pool));

        uint256[] memory keys = new uint256[](4);
        string[4] memory names = ["alice", "bob", "carol", "dave"];
        for (uint256 i; i < keys.length; ++i) {
            (, keys[i]) = makeAccount(names[i]);
        }
        handler = new PremiumHandler(sesh, pool, premium, gov, keys);
        // Everyone but the permit payer approves Premium once; the permit payer signs each time.
        for (uint256 i; i < keys.length; ++i) {
            if (i == handler.PERMIT_PAYER()) continue;
            vm.prank(handler.actors(i));
            sesh.approve(address(premium), type(uint256).max);
        }
        targetContract(address(handler));
    }

    /// @dev (a) Every fee reaches the pool, and nothing else arrives there.
    function invariant_FeesAllReachThePool() public view {
        assertEq(
            sesh.balanceOf(address(pool)),
            poolBase + handler.ghostPaid() + handler.ghostSwept(),
            "pool == base + purchases + swept strays"
        );
    }

    /// @dev (b) Expiries only grow and are what the purchases for each key made them.
    function invariant_ExpiriesFollowThePurchases() public view {
        assertFalse(handler.ghostExpiryShrank(), "an expiry went down");
        assertFalse(handler.ghostOtherKeyMoved(), "a purchase moved another key's expiry");
        for (uint256 i; i < handler.keyCount(); ++i) {
            bytes32 key = handler.sessionKeys(i);
            uint256 expiry = handler.ghostExpiry(key);
            assertEq(premium.premiumExpiry(key), expiry, "expiry == model");
            assertEq(premium.isPremium(key), block.timestamp < expiry, "isPremium == (now < expiry)");
        }
    }

    /// @dev (c) Premium holds nothing it was paid: only strays not yet swept.
    function invariant_NothingStaysInPremium() public view {
        assertEq(sesh.balanceOf(address(premium)), handler.ghostStray(), "Premium holds only unswept strays");
    }

    /// @dev (d) Pausing stops purchases.
    function invariant_NoPurchaseWhilePaused() public view {
        assertFalse(handler.ghostBoughtWhilePaused(), "a purchase went through while paused");
    }

    /// @dev (e) No SESH is created or lost among payers, Premium and the pool.
    function invariant_SeshConserved() public view {
        uint256 total = sesh.balanceOf(address(premium)) + sesh.balanceOf(address(pool));
        for (uint256 j; j < handler.actorCount(); ++j) {
            total += sesh.balanceOf(handler.actors(j));
        }
        assertEq(total, sesh.totalSupply(), "every SESH accounted for");
    }
}
