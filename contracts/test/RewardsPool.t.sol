// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "./utils/Test.sol";
import {TestSESH} from "../src/test-only/TestSESH.sol";
import {RewardsPool} from "../src/RewardsPool.sol";
import {IRewardsPool} from "../src/interfaces/IRewardsPool.sol";

contract RewardsPoolTest is Test {
    uint256 internal constant SESH = 1e9;

    TestSESH internal sesh;
    RewardsPool internal pool;
    address internal staking;
    address internal alice;

    function setUp() public {
        sesh = new TestSESH();
        staking = makeAddr("staking");
        alice = makeAddr("alice");
        pool = new RewardsPool(address(sesh), staking);
        sesh.faucet(address(pool), 1_000 * SESH);
    }

    function test_Constructor() public {
        assertEq(pool.sesh(), address(sesh));
        assertEq(pool.distributor(), staking);
        assertEq(pool.totalPaid(), 0);
        assertEq(pool.totalReceived(), 1_000 * SESH);

        // The constructor's event is the pool's first log (where VerifyDeployment finds its creation).
        vm.expectEmit(true, true, true, true);
        emit IRewardsPool.DistributorSet(alice);
        new RewardsPool(address(sesh), alice);
    }

    function test_RevertWhen_ConstructorGetsZeroAddress() public {
        vm.expectRevert(IRewardsPool.RewardsPoolZeroAddress.selector);
        new RewardsPool(address(0), staking);
        vm.expectRevert(IRewardsPool.RewardsPoolZeroAddress.selector);
        new RewardsPool(address(sesh), address(0));
    }

    /// @dev Issue 15, item 5: the fees paid before NodeStaking exists (its address has no code
    /// yet) stay in the pool. The deployer, who owned the pool and wired its distributor after
    /// deployment, could wire itself first and take them. Now the distributor is fixed at
    /// construction, and the pool has no owner and no setter.
    function test_TheDeployerCannotWireItselfAndTakeTheFees() public {
        assertEq(staking.code.length, 0, "NodeStaking is not there yet");
        (bool wired,) = address(pool).call(abi.encodeWithSignature("setDistributor(address)", address(this)));
        assertFalse(wired, "the distributor could be set");
        vm.expectRevert(abi.encodeWithSelector(IRewardsPool.RewardsPoolUnauthorized.selector, address(this)));
        pool.payReward(address(this), 1_000 * SESH);
        assertEq(pool.distributor(), staking);
        assertEq(sesh.balanceOf(address(pool)), 1_000 * SESH);
    }

    /// @dev No owner: nothing to hand over, nothing an owner could call.
    function test_HasNoOwner() public {
        string[5] memory sigs =
            ["owner()", "pendingOwner()", "transferOwnership(address)", "acceptOwnership()", "renounceOwnership()"];
        for (uint256 i; i < sigs.length; ++i) {
            (bool ok,) = address(pool).call(abi.encodeWithSignature(sigs[i], address(this)));
            assertFalse(ok, sigs[i]);
        }
    }

    function test_RefusesEth() public {
        vm.deal(address(this), 1 ether);
        (bool ok,) = address(pool).call{value: 1 ether}("");
        assertFalse(ok, "plain ETH transfer");
        (ok,) = address(pool).call{value: 1 ether}(abi.encodeCall(IRewardsPool.payReward, (alice, 0)));
        assertFalse(ok, "ETH with a call");
        assertEq(address(pool).balance, 0);
    }

    function test_PayReward() public {
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
        vm.expectRevert(abi.encodeWithSelector(IRewardsPool.RewardsPoolUnauthorized.selector, address(this)));
        pool.payReward(alice, 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IRewardsPool.RewardsPoolUnauthorized.selector, alice));
        pool.payReward(alice, 1);
    }

    function test_RevertWhen_PayRewardToZero() public {
        vm.prank(staking);
        vm.expectRevert(IRewardsPool.RewardsPoolZeroAddress.selector);
        pool.payReward(address(0), 1);
    }

    function test_RevertWhen_PayRewardAboveBalance() public {
        vm.prank(staking);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardsPool.RewardsPoolInsufficientFunds.selector, 1_000 * SESH + 1, 1_000 * SESH)
        );
        pool.payReward(alice, 1_000 * SESH + 1);
    }

    function testFuzz_PayRewardKeepsTotals(uint256 a, uint256 b) public {
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

    /// @dev Whoever calls whatever (the deployer included), no SESH leaves the pool but through
    /// the distributor: there is no rescue, sweep, withdrawal or setter.
    function testFuzz_NoOneButTheDistributorMovesFunds(address caller, bytes calldata data) public {
        vm.assume(caller != staking);
        vm.prank(caller);
        (bool ok,) = address(pool).call(data);
        ok; // success or not, the balance is what matters
        assertEq(sesh.balanceOf(address(pool)), 1_000 * SESH);
        assertEq(pool.distributor(), staking);
    }

    function test_NoOneMovesFundsWithLikelySelectors() public {
        string[8] memory sigs = [
            "withdraw(address,uint256)",
            "withdraw(uint256)",
            "rescue(address,address,uint256)",
            "sweep(address,address)",
            "sweepUnowed()",
            "transfer(address,uint256)",
            "emergencyWithdraw()",
            "setDistributor(address)"
        ];
        for (uint256 i; i < sigs.length; ++i) {
            (bool ok,) = address(pool).call(abi.encodeWithSignature(sigs[i], address(this), uint256(1_000 * SESH), 0));
            assertFalse(ok, sigs[i]);
        }
        assertEq(sesh.balanceOf(address(pool)), 1_000 * SESH);
    }
}
