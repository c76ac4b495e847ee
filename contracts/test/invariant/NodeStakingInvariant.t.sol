// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {NodeStaking} from "../../src/NodeStaking.sol";
import {RewardsPool} from "../../src/RewardsPool.sol";
import {INodeStaking} from "../../src/interfaces/INodeStaking.sol";
import {TestSESH} from "../../src/test-only/TestSESH.sol";
import {Test} from "../utils/Test.sol";
import {NodeStakingHandler} from "./NodeStakingHandler.sol";

/// @dev Invariants of NodeStaking over random sequences of creations (signers and keys
/// reused, requirements changing down to 1 SESH), contributions, withdrawals,
/// cancellations, exits, deregistrations, claims, fees, stray SESH and sweeps, and time:
/// (a) the staking contract holds exactly the stakes it owes, plus stray SESH not yet swept;
/// (b) the pool holds at least every pending reward, and rewards paid plus pending
///     never exceed what the pool received;
/// (c) the active set, the total active stake and the reward weights agree, and a
///     node outside the active set carries no weight;
/// (d) an account with no active stake earns nothing (a deregistered node earns
///     nothing after its deregistration);
/// (e) every SESH is accounted for;
/// (f) no node is stuck: every node is active, exited, deregistered or cancelled, or
///     open with fewer than ten contributors, short of its stake, and completed by its
///     reserved contributors and newcomers each staking their minimum;
/// (g) votes weigh stake: no set of nodes holding less than the quorum's stake
///     deregisters a node;
/// (h) no contributor under a quarter of a node's stake takes it out in its first 30 days.
/// The handler only calls what should succeed, so any revert (a stake or reward
/// that could not leave, say) fails the run.
/// forge-config: default.invariant.fail-on-revert = true
contract NodeStakingInvariantTest is Test {
    uint256 internal constant SESH = 1e9;
    uint256 internal constant START = 1_700_000_000;

    TestSESH internal sesh;
    RewardsPool internal pool;
    NodeStaking internal staking;
    NodeStakingHandler internal handler;

    /// @dev How {probeCompletion} ended; it always reverts, so nothing it did stays.
    error Completion(bool active);

    function setUp() public {
        vm.warp(START);
        address gov = makeAddr("governance");
        sesh = new TestSESH();
        // The pool's distributor is fixed at construction: the staking contract created next.
        pool = new RewardsPool(address(sesh), nextCreateAddress(1));
        // A small requirement (as on a local chain), so odd amounts and rounding come up.
        staking = new NodeStaking(address(sesh), address(pool), 1_000 * SESH + 7);
        staking.transferOwnership(gov);
        vm.prank(gov);
        staking.acceptOwnership();

        // A dozen: enough for a node's ten contributors and reservations for others.
        address[] memory actors = new address[](12);
        for (uint256 i; i < actors.length; ++i) {
            actors[i] = makeAddr(string.concat("actor", vm.toString(i)));
            for (uint256 j; j < 5; ++j) {
                sesh.faucet(actors[i], 100_000 * SESH);
            }
            vm.prank(actors[i]);
            sesh.approve(address(staking), type(uint256).max);
        }
        handler = new NodeStakingHandler(sesh, pool, staking, gov, actors);
        targetContract(address(handler));
    }

    /// @dev (a) The staking contract's balance is exactly the sum of the stakes it holds.
    function invariant_StakesFullyBacked() public view {
        uint256 byNode;
        uint256 byPosition;
        for (uint256 i; i < handler.nodeCountCreated(); ++i) {
            uint256 nodeId = handler.nodeIds(i);
            byNode += staking.nodeInfo(nodeId).totalStaked;
            INodeStaking.Contributor[] memory list = staking.contributorsOf(nodeId);
            for (uint256 j; j < list.length; ++j) {
                byPosition += list[j].stake;
            }
        }
        assertEq(byNode, byPosition, "node totals == sum of positions");
        assertEq(
            sesh.balanceOf(address(staking)),
            byNode + handler.ghostStray() - handler.ghostSwept(),
            "balance == stakes owed + stray SESH not yet swept"
        );
    }

    /// @dev (b) Rewards owed are backed and never exceed what came in.
    function invariant_RewardsBacked() public view {
        uint256 pending;
        for (uint256 j; j < handler.actorCount(); ++j) {
            pending += staking.pendingRewards(handler.actors(j));
        }
        assertLe(pending, sesh.balanceOf(address(pool)), "pool balance >= pending rewards");
        assertLe(pool.totalPaid(), pool.totalReceived(), "paid <= received");
        assertEq(pool.totalPaid(), handler.ghostClaimed(), "paid == claimed");
        assertLe(pool.totalPaid() + pending, pool.totalReceived(), "paid + pending <= received");
        assertEq(
            pool.totalReceived(),
            handler.ghostFees() + handler.ghostPenalties() + handler.ghostSwept(),
            "received == fees + penalties + swept"
        );
    }

    /// @dev (c) The active set, total active stake and weights agree.
    function invariant_ActiveSetConsistent() public view {
        uint256[] memory ids = staking.activeNodeIds();
        assertEq(ids.length, staking.activeNodeCount(), "count");
        uint256 activeStake;
        uint256 activeSeen;
        uint256 weights;
        for (uint256 i; i < handler.nodeCountCreated(); ++i) {
            uint256 nodeId = handler.nodeIds(i);
            INodeStaking.NodeInfo memory info = staking.nodeInfo(nodeId);
            INodeStaking.Contributor[] memory list = staking.contributorsOf(nodeId);
            uint256 nodeWeight;
            for (uint256 j; j < list.length; ++j) {
                nodeWeight += list[j].weight;
            }
            assertLe(list.length, 10, "at most 10 contributors");
            assertLe(info.totalStaked, info.requirement, "never above the requirement");
            if (info.state == INodeStaking.NodeState.Active) {
                ++activeSeen;
                activeStake += info.requirement;
                assertEq(info.totalStaked, info.requirement, "active nodes are full");
                assertEq(nodeWeight, info.requirement, "weights sum to the stake");
                weights += nodeWeight;
            } else {
                assertEq(nodeWeight, 0, "inactive nodes carry no weight");
            }
        }
        assertEq(activeSeen, ids.length, "active set == active nodes");
        for (uint256 i; i < ids.length; ++i) {
            assertTrue(staking.nodeInfo(ids[i]).state == INodeStaking.NodeState.Active, "listed node is active");
        }
        assertEq(staking.totalActiveStake(), activeStake, "total active stake");
        uint256 accountWeights;
        for (uint256 j; j < handler.actorCount(); ++j) {
            accountWeights += staking.rewardWeightOf(handler.actors(j));
        }
        assertEq(accountWeights, weights, "account weights == active weights");
    }

    /// @dev (d) Nothing outside the active set earns.
    function invariant_InactiveEarnsNothing() public view {
        assertFalse(handler.ghostInactiveEarned(), "an account without active stake earned");
    }

    /// @dev (e) No SESH is created or lost among actors, staking and the pool.
    function invariant_SeshConserved() public view {
        uint256 total = sesh.balanceOf(address(staking)) + sesh.balanceOf(address(pool));
        for (uint256 j; j < handler.actorCount(); ++j) {
            total += sesh.balanceOf(handler.actors(j));
        }
        assertEq(total, sesh.totalSupply(), "every SESH accounted for");
    }

    /// @dev (f) No node is stuck.
    function invariant_NoNodeStuck() public {
        for (uint256 i; i < handler.nodeCountCreated(); ++i) {
            uint256 nodeId = handler.nodeIds(i);
            INodeStaking.NodeInfo memory info = staking.nodeInfo(nodeId);
            assertTrue(info.state != INodeStaking.NodeState.None, "created");
            if (info.state != INodeStaking.NodeState.Open) continue;
            assertLt(info.contributorCount, 10, "an open node has a slot left");
            assertLt(info.totalStaked, info.requirement, "an open node is short");
            try this.probeCompletion(nodeId) {
                fail("the probe always reverts");
            } catch (bytes memory reason) {
                assertEq(reason, abi.encodeWithSelector(Completion.selector, true), "an open node can be completed");
            }
        }
    }

    /// @dev Fills the open node `nodeId`: each unfilled reservation by its contributor,
    /// then newcomers, each staking its minimum; then reverts with whether the node is
    /// active, so nothing stays.
    function probeCompletion(uint256 nodeId) external {
        (INodeStaking.Reservation[] memory reservations, bool[] memory filled) = staking.reservationsOf(nodeId);
        for (uint256 i; i < reservations.length; ++i) {
            if (!filled[i]) _probeContribute(nodeId, reservations[i].contributor);
        }
        for (uint256 i; i < 10 && staking.nodeInfo(nodeId).state == INodeStaking.NodeState.Open; ++i) {
            _probeContribute(nodeId, address(uint160(uint256(keccak256(abi.encode("newcomer", i))))));
        }
        revert Completion(staking.nodeInfo(nodeId).state == INodeStaking.NodeState.Active);
    }

    function _probeContribute(uint256 nodeId, address who) internal {
        (uint256 min, uint256 max) = staking.contributionLimits(nodeId, who);
        if (max == 0) return;
        sesh.faucet(who, min);
        vm.prank(who);
        sesh.approve(address(staking), min);
        vm.prank(who);
        staking.contribute(nodeId, min);
    }

    /// @dev (g) Votes weigh stake.
    function invariant_VotesWeighStake() public view {
        assertFalse(handler.ghostMinorityDeregistered(), "nodes short of the quorum's stake deregistered a node");
    }

    /// @dev (h) Small contributors wait 30 days.
    function invariant_SmallContributorsWait() public view {
        assertFalse(handler.ghostEarlySmallExit(), "a contributor under a quarter exited in the first 30 days");
    }
}
