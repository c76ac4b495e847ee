// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// The handler moves time on purpose: premium lapses and is bought again.
// forge-lint: disable-start(block-timestamp)

import {Premium} from "../../src/Premium.sol";
import {RewardsPool} from "../../src/RewardsPool.sol";
import {INameRegistry} from "../../src/interfaces/INameRegistry.sol";
import {TestSESH} from "../../src/test-only/TestSESH.sol";
import {Permits} from "../utils/Permits.sol";
import {Test} from "../utils/Test.sol";

/// @dev Drives Premium with a few payers and Session keys: purchases for oneself and gifts (by
/// allowance, or by permit for the payer that never approves), purchases tried while paused,
/// price changes, pauses, time, and SESH sent to Premium directly and swept. Models each key's
/// expiry (`max(now, expiry) + periods * PERIOD`) and checks every action against it: only the
/// key bought for moves, and no expiry ever goes down.
///
/// Every action guards its own inputs (a purchase while paused is tried and must be refused),
/// so the suite runs with `fail-on-revert`.
contract PremiumHandler is Test {
    uint256 internal constant SESH = 1e9;

    TestSESH public immutable sesh;
    RewardsPool public immutable pool;
    Premium public immutable premium;
    address public immutable gov;

    address[] public actors;
    uint256[] internal _actorKeys;
    bytes32[] public sessionKeys;

    /// @dev The actor that never approves Premium and always pays by permit.
    uint256 public constant PERMIT_PAYER = 0;

    /// @dev Every SESH the purchases cost (what must have reached the pool).
    uint256 public ghostPaid;
    /// @dev SESH sent to Premium directly since the last sweep, and swept to the pool in all.
    uint256 public ghostStray;
    uint256 public ghostSwept;
    /// @dev The expiry each key must have, by the model.
    mapping(bytes32 sessionKey => uint256) public ghostExpiry;
    /// @dev Set if an expiry went down, if a purchase moved a key other than the one bought
    /// for, or if a purchase went through while paused.
    bool public ghostExpiryShrank;
    bool public ghostOtherKeyMoved;
    bool public ghostBoughtWhilePaused;
    uint256 public ghostPurchases;
    uint256 public ghostGifts;
    uint256 public ghostPermitPurchases;
    uint256 public ghostRefusedWhilePaused;

    constructor(TestSESH sesh_, RewardsPool pool_, Premium premium_, address gov_, uint256[] memory actorKeys_) {
        sesh = sesh_;
        pool = pool_;
        premium = premium_;
        gov = gov_;
        for (uint256 i; i < actorKeys_.length; ++i) {
            _actorKeys.push(actorKeys_[i]);
            actors.push(vm.addr(actorKeys_[i]));
            sessionKeys.push(keccak256(abi.encode("session key", i)));
        }
        // Two keys nobody here holds: gifts only.
        sessionKeys.push(keccak256("a friend"));
        sessionKeys.push(keccak256("another friend"));
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function keyCount() external view returns (uint256) {
        return sessionKeys.length;
    }

    // ---------------------------------------------------------------- helpers

    /// @dev Around every action: no key's expiry goes down.
    modifier watchExpiries() {
        uint256[] memory before = _expiries();
        _;
        for (uint256 i; i < before.length; ++i) {
            if (premium.premiumExpiry(sessionKeys[i]) < before[i]) ghostExpiryShrank = true;
        }
    }

    function _fund(address account, uint256 amount) internal {
        while (sesh.balanceOf(account) < amount) {
            sesh.faucet(account, sesh.FAUCET_LIMIT());
        }
    }

    // ---------------------------------------------------------------- actions

    /// @dev `payerSeed` buys `periods` periods for the key of `keySeed`: its own, another
    /// actor's or a friend's (a gift). The permit payer signs a permit for exactly the cost.
    function buy(uint256 payerSeed, uint256 keySeed, uint256 periods) external watchExpiries {
        uint256 payerIndex = payerSeed % actors.length;
        uint256 keyIndex = keySeed % sessionKeys.length;
        periods = bound(periods, 1, premium.MAX_PERIODS());
        uint256 cost = premium.costOf(periods);
        _fund(actors[payerIndex], cost);
        INameRegistry.Permit memory permit = payerIndex == PERMIT_PAYER
            ? Permits.sign(address(sesh), _actorKeys[payerIndex], address(premium), cost, block.timestamp + 1 hours)
            : Permits.none();
        if (premium.paused()) _buyWhilePaused(actors[payerIndex], sessionKeys[keyIndex], periods, cost, permit);
        else _buy(payerIndex, keyIndex, periods, cost, permit);
    }

    function _buyWhilePaused(
        address payer,
        bytes32 key,
        uint256 periods,
        uint256 cost,
        INameRegistry.Permit memory permit
    ) internal {
        vm.prank(payer);
        try premium.buy(key, periods, cost, permit) {
            ghostBoughtWhilePaused = true;
        } catch {
            ++ghostRefusedWhilePaused;
        }
    }

    function _buy(
        uint256 payerIndex,
        uint256 keyIndex,
        uint256 periods,
        uint256 cost,
        INameRegistry.Permit memory permit
    ) internal {
        address payer = actors[payerIndex];
        bytes32 key = sessionKeys[keyIndex];
        uint256[] memory others = _expiries();
        uint256 current = ghostExpiry[key];
        uint256 expected = (current > block.timestamp ? current : block.timestamp) + periods * premium.PERIOD();
        uint256 payerBefore = sesh.balanceOf(payer);
        uint256 poolBefore = sesh.balanceOf(address(pool));

        vm.prank(payer);
        assertEq(premium.buy(key, periods, cost, permit), expected, "returned expiry");

        assertEq(premium.premiumExpiry(key), expected, "stored expiry");
        assertEq(payerBefore - sesh.balanceOf(payer), cost, "the payer paid the cost");
        assertEq(sesh.balanceOf(address(pool)) - poolBefore, cost, "the pool got the cost");
        for (uint256 i; i < others.length; ++i) {
            if (i != keyIndex && premium.premiumExpiry(sessionKeys[i]) != others[i]) ghostOtherKeyMoved = true;
        }
        ghostExpiry[key] = expected;
        ghostPaid += cost;
        ++ghostPurchases;
        if (keyIndex != payerIndex) ++ghostGifts;
        if (payerIndex == PERMIT_PAYER) ++ghostPermitPurchases;
    }

    function _expiries() internal view returns (uint256[] memory expiries) {
        expiries = new uint256[](sessionKeys.length);
        for (uint256 i; i < expiries.length; ++i) {
            expiries[i] = premium.premiumExpiry(sessionKeys[i]);
        }
    }

    function setPrice(uint256 price) external watchExpiries {
        price = bound(price, premium.MIN_PRICE_PER_PERIOD(), premium.MAX_PRICE_PER_PERIOD());
        vm.prank(gov);
        premium.setPricePerPeriod(price);
    }

    /// @dev Pauses one time in three, unpauses otherwise (each only from the other state).
    function setPaused(uint256 choice) external watchExpiries {
        bool pause = choice % 3 == 0;
        if (pause == premium.paused()) return;
        vm.prank(gov);
        if (pause) premium.pause();
        else premium.unpause();
    }

    function warp(uint256 secondsForward) external watchExpiries {
        // Mostly within a period, sometimes far beyond (premium lapses).
        uint256 max = secondsForward % 5 == 0 ? 400 days : 20 days;
        vm.warp(block.timestamp + bound(secondsForward >> 3, 1, max));
    }

    /// @dev An actor sends SESH to Premium directly: no one is owed it.
    function sendStray(uint256 actorSeed, uint256 amount) external watchExpiries {
        address from = actors[actorSeed % actors.length];
        amount = bound(amount, 1, 1_000 * SESH);
        _fund(from, amount);
        vm.prank(from);
        sesh.transfer(address(premium), amount);
        ghostStray += amount;
    }

    /// @dev Anyone sweeps, paused or not: everything Premium holds goes to the pool.
    function sweep(uint256 actorSeed) external watchExpiries {
        vm.prank(actors[actorSeed % actors.length]);
        uint256 swept = premium.sweepUnowed();
        assertEq(swept, ghostStray, "swept == strays sent since the last sweep");
        assertEq(sesh.balanceOf(address(premium)), 0, "nothing stays in Premium after a sweep");
        ghostSwept += swept;
        ghostStray = 0;
    }
}
