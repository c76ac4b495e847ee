// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "./utils/Test.sol";
import {TestSESH} from "../src/test-only/TestSESH.sol";
import {RewardsPool} from "../src/RewardsPool.sol";
import {IRewardsPool} from "../src/interfaces/IRewardsPool.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

contract RewardsPoolTest is Test {
    uint256 internal constant SESH = 1e9;

    TestSESH internal sesh;
    RewardsPool internal pool;
    address internal staking;
    address internal alice;

    function setUp() public {
        sesh = new TestSESH();
        pool = new RewardsPool(address(sesh));
        staking = makeAddr("staking");
        alice = makeAddr("alice");
        sesh.faucet(address(pool), 1_000 * SESH);
    }

    function test_Constructor() public view {
        assertEq(pool.sesh(), address(sesh));
        assertEq(pool.owner(), address(this));
        assertEq(pool.distributor(), address(0));
        assertEq(pool.totalPaid(), 0);
        assertEq(pool.totalReceived(), 1_000 * SESH);
    }

    function test_RevertWhen_ConstructorGetsZeroToken() public {
        vm.expectRevert(IRewardsPool.RewardsPoolZeroAddress.selector);
        new RewardsPool(address(0));
    }

    function test_SetDistributor_Once() public {
        vm.expectEmit(true, true, true, true, address(pool));
        emit IRewardsPool.DistributorSet(staking);
        pool.setDistributor(staking);
        assertEq(pool.distributor(), staking);
        vm.expectRevert(abi.encodeWithSelector(IRewardsPool.RewardsPoolDistributorAlreadySet.selector, staking));
        pool.setDistributor(alice);
    }

    function test_RevertWhen_SetDistributorByStranger() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        pool.setDistributor(staking);
    }

    function test_RevertWhen_SetDistributorZero() public {
        vm.expectRevert(IRewardsPool.RewardsPoolZeroAddress.selector);
        pool.setDistributor(address(0));
    }

    function test_PayReward() public {
        pool.setDistributor(staking);
        vm.expectEmit(true, true, true, true, address(pool));
        emit IRewardsPool.RewardPaid(alice, 400 * SESH);
        vm.prank(staking);
        pool.payReward(alice, 400 * SESH);
        assertEq(sesh.balanceOf(alice), 400 * SESH);
        assertEq(pool.totalPaid(), 400 * SESH);
        assertEq(pool.totalReceived(), 1_000 * SESH);
        // Fees keep arriving as plain transfers.
        sesh.faucet(address(pool), 50 * SESH);
        assertEq(pool.totalReceived(), 1_050 * SESH);
    }

    function test_RevertWhen_PayRewardByOthers() public {
        // Before the distributor is wired nobody can pay, not even the owner.
        vm.expectRevert(abi.encodeWithSelector(IRewardsPool.RewardsPoolUnauthorized.selector, address(this)));
        pool.payReward(alice, 1);
        pool.setDistributor(staking);
        vm.expectRevert(abi.encodeWithSelector(IRewardsPool.RewardsPoolUnauthorized.selector, address(this)));
        pool.payReward(alice, 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IRewardsPool.RewardsPoolUnauthorized.selector, alice));
        pool.payReward(alice, 1);
    }

    function test_RevertWhen_PayRewardToZero() public {
        pool.setDistributor(staking);
        vm.prank(staking);
        vm.expectRevert(IRewardsPool.RewardsPoolZeroAddress.selector);
        pool.payReward(address(0), 1);
    }

    function test_RevertWhen_PayRewardAboveBalance() public {
        pool.setDistributor(staking);
        vm.prank(staking);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardsPool.RewardsPoolInsufficientFunds.selector, 1_000 * SESH + 1, 1_000 * SESH)
        );
        pool.payReward(alice, 1_000 * SESH + 1);
    }

    function testFuzz_PayRewardKeepsTotals(uint256 a, uint256 b) public {
        pool.setDistributor(staking);
        a = bound(a, 0, 1_000 * SESH);
        b = bound(b, 0, 1_000 * SESH - a);
        vm.startPrank(staking);
        pool.payReward(alice, a);
        pool.payReward(alice, b);
        vm.stopPrank();
        assertEq(pool.totalPaid(), a + b);
        assertEq(sesh.balanceOf(address(pool)) + pool.totalPaid(), pool.totalReceived());
        assertEq(pool.totalReceived(), 1_000 * SESH);
    }

    /// @dev Whatever the owner calls, no SESH leaves the pool (there is no rescue, sweep or
    /// withdrawal; the owner is not the distributor).
    function testFuzz_OwnerCannotMoveFunds(bytes calldata data) public {
        pool.setDistributor(staking);
        (bool ok,) = address(pool).call(data);
        ok; // success or not, the balance is what matters
        assertEq(sesh.balanceOf(address(pool)), 1_000 * SESH);
    }

    function test_OwnerCannotMoveFundsWithLikelySelectors() public {
        string[6] memory sigs = [
            "withdraw(address,uint256)",
            "withdraw(uint256)",
            "rescue(address,address,uint256)",
            "sweep(address,address)",
            "transfer(address,uint256)",
            "emergencyWithdraw()"
        ];
        for (uint256 i; i < sigs.length; ++i) {
            (bool ok,) = address(pool).call(abi.encodeWithSignature(sigs[i], address(this), uint256(1_000 * SESH), 0));
            assertFalse(ok, sigs[i]);
        }
        assertEq(sesh.balanceOf(address(pool)), 1_000 * SESH);
    }

    function test_OwnershipIsTwoStep() public {
        pool.transferOwnership(alice);
        assertEq(pool.owner(), address(this));
        vm.prank(alice);
        pool.acceptOwnership();
        assertEq(pool.owner(), alice);
    }
}
