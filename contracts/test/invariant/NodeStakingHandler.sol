// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// The handler moves time on purpose to reach unlock times.
// forge-lint: disable-start(block-timestamp)

import {NodeStaking} from "../../src/NodeStaking.sol";
import {RewardsPool} from "../../src/RewardsPool.sol";
import {INodeStaking} from "../../src/interfaces/INodeStaking.sol";
import {TestSESH} from "../../src/test-only/TestSESH.sol";
import {Test} from "../utils/Test.sol";

/// @dev Drives NodeStaking with a few actors: create (with or without reservations),
/// contribute, withdraw a contribution, cancel, exit, deregister (with real votes of
/// the active nodes' signers), withdraw stakes, claim, fees arriving, requirement
/// changes and time. Keeps ghost accounts the invariants check.
contract NodeStakingHandler is Test {
    uint256 internal constant SESH = 1e9;
    uint256 internal constant MAX_NODES = 24;

    TestSESH public immutable sesh;
    RewardsPool public immutable pool;
    NodeStaking public immutable staking;
    address public immutable gov;

    address[] public actors;
    uint256[] public nodeIds;
    mapping(uint256 nodeId => uint256) public signerKeyOf;

    /// @dev SESH paid into the pool as fees by this handler.
    uint256 public ghostFees;
    /// @dev Penalties the staking contract paid into the pool.
    uint256 public ghostPenalties;
    /// @dev Rewards claimed through the staking contract.
    uint256 public ghostClaimed;
    /// @dev Set if an account with no active stake before and after an action saw
    /// its pending rewards grow (an exited, deregistered, cancelled or open node earned).
    bool public ghostInactiveEarned;
    uint256 public ghostDeregistrations;
    uint256 public ghostActivations;

    uint256 internal _nonce;

    constructor(TestSESH sesh_, RewardsPool pool_, NodeStaking staking_, address gov_, address[] memory actors_) {
        sesh = sesh_;
        pool = pool_;
        staking = staking_;
        gov = gov_;
        actors = actors_;
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function nodeCountCreated() external view returns (uint256) {
        return nodeIds.length;
    }

    // ---------------------------------------------------------------- helpers

    /// @dev Around every action: an account with zero reward weight before and after
    /// must not see its pending rewards grow.
    modifier watchInactive() {
        uint256 n = actors.length;
        uint256[] memory weightBefore = new uint256[](n);
        uint256[] memory pendingBefore = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            weightBefore[i] = staking.rewardWeightOf(actors[i]);
            pendingBefore[i] = staking.pendingRewards(actors[i]);
        }
        _;
        for (uint256 i; i < n; ++i) {
            if (weightBefore[i] == 0 && staking.rewardWeightOf(actors[i]) == 0) {
                if (staking.pendingRewards(actors[i]) > pendingBefore[i]) ghostInactiveEarned = true;
            }
        }
    }

    function _actor(uint256 seed) internal view returns (address) {
        return actors[seed % actors.length];
    }

    function _node(uint256 seed) internal view returns (uint256) {
        return nodeIds[seed % nodeIds.length];
    }

    function _stateOf(uint256 nodeId) internal view returns (INodeStaking.NodeState) {
        return staking.nodeInfo(nodeId).state;
    }

    function _stake(uint256 nodeId, address who) internal view returns (uint256 stake) {
        (stake,,,) = staking.contributionOf(nodeId, who);
    }

    // ---------------------------------------------------------------- actions

    function createNode(uint256 actorSeed, uint256 stakeSeed, uint256 feeBps, uint256 reserveSeed)
        external
        watchInactive
    {
        if (nodeIds.length >= MAX_NODES) return;
        uint256 nonce = ++_nonce;
        uint256 signerKey = uint256(keccak256(abi.encode("handler-signer", nonce)));
        INodeStaking.NodeRegistration memory r = _registration(actorSeed, stakeSeed, feeBps, reserveSeed, nonce);
        r.signer = vm.addr(signerKey);
        vm.prank(_actor(actorSeed));
        uint256 nodeId = staking.createNode(r);
        nodeIds.push(nodeId);
        signerKeyOf[nodeId] = signerKey;
        if (_stateOf(nodeId) == INodeStaking.NodeState.Active) ++ghostActivations;
    }

    function _registration(uint256 actorSeed, uint256 stakeSeed, uint256 feeBps, uint256 reserveSeed, uint256 nonce)
        internal
        view
        returns (INodeStaking.NodeRegistration memory r)
    {
        uint256 requirement = staking.stakingRequirement();
        r.ed25519Key = keccak256(abi.encode("handler-ed25519", nonce));
        r.ed25519Signature = new bytes(64);
        r.url = "https://node.test";
        r.feeBps = bound(feeBps, 0, 10_000);
        // A third of the time the operator stakes it all (active at once).
        r.operatorStake = stakeSeed % 3 == 0 ? requirement : bound(stakeSeed, (requirement + 3) / 4, requirement);
        // Sometimes one reservation, for another actor, at its minimum.
        uint256 remaining = requirement - r.operatorStake;
        if (reserveSeed % 4 == 0 && remaining != 0) {
            uint256 n = actors.length;
            r.reservations = new INodeStaking.Reservation[](1);
            r.reservations[0] =
                INodeStaking.Reservation(_actor(actorSeed % n + 1 + reserveSeed % (n - 1)), (remaining + 8) / 9);
        }
    }

    function contribute(uint256 actorSeed, uint256 nodeSeed, uint256 amountSeed) external watchInactive {
        if (nodeIds.length == 0) return;
        uint256 nodeId = _node(nodeSeed);
        address who = _actor(actorSeed);
        (uint256 min, uint256 max) = staking.contributionLimits(nodeId, who);
        if (max == 0) return;
        // Often fill the node, so activations happen.
        uint256 amount = amountSeed % 2 == 0 ? max : bound(amountSeed, min, max);
        vm.prank(who);
        staking.contribute(nodeId, amount);
        if (_stateOf(nodeId) == INodeStaking.NodeState.Active) ++ghostActivations;
    }

    function withdrawContribution(uint256 actorSeed, uint256 nodeSeed) external watchInactive {
        if (nodeIds.length == 0) return;
        uint256 nodeId = _node(nodeSeed);
        address who = _actor(actorSeed);
        if (_stateOf(nodeId) != INodeStaking.NodeState.Open) return;
        if (staking.nodeInfo(nodeId).operator == who) return;
        (uint256 stake,,, uint256 unlock) = staking.contributionOf(nodeId, who);
        if (stake == 0) return;
        if (block.timestamp < unlock) vm.warp(unlock);
        vm.prank(who);
        staking.withdrawContribution(nodeId);
    }

    function cancelNode(uint256 nodeSeed) external watchInactive {
        if (nodeIds.length == 0) return;
        uint256 nodeId = _node(nodeSeed);
        if (_stateOf(nodeId) != INodeStaking.NodeState.Open) return;
        vm.prank(staking.nodeInfo(nodeId).operator);
        staking.cancelNode(nodeId);
    }

    function requestExit(uint256 nodeSeed) external watchInactive {
        if (nodeIds.length == 0) return;
        uint256 nodeId = _node(nodeSeed);
        if (_stateOf(nodeId) != INodeStaking.NodeState.Active) return;
        INodeStaking.Contributor[] memory list = staking.contributorsOf(nodeId);
        vm.prank(list[nodeSeed % list.length].account);
        staking.requestExit(nodeId);
    }

    function deregister(uint256 nodeSeed) external watchInactive {
        if (nodeIds.length == 0) return;
        uint256 nodeId = _node(nodeSeed);
        INodeStaking.NodeInfo memory info = staking.nodeInfo(nodeId);
        bool active = info.state == INodeStaking.NodeState.Active;
        if (!active && !(info.state == INodeStaking.NodeState.Exited && block.timestamp < info.unlockTime)) return;

        uint256[] memory ids = staking.activeNodeIds();
        uint256 required = staking.requiredVotes(nodeId);
        uint256[] memory keys = new uint256[](ids.length);
        uint256 count;
        for (uint256 i; i < ids.length; ++i) {
            if (ids[i] != nodeId) keys[count++] = signerKeyOf[ids[i]];
        }
        if (count < required) return;
        // Sort by signer address, ascending; vote with the first `required`.
        for (uint256 i = 1; i < count; ++i) {
            uint256 key = keys[i];
            uint256 j = i;
            while (j > 0 && vm.addr(keys[j - 1]) > vm.addr(key)) {
                keys[j] = keys[j - 1];
                --j;
            }
            keys[j] = key;
        }
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 digest = staking.deregistrationDigest(nodeId, deadline);
        INodeStaking.VoteSignature[] memory votes = new INodeStaking.VoteSignature[](required);
        for (uint256 i; i < required; ++i) {
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(keys[i], digest);
            votes[i] = INodeStaking.VoteSignature({r: r, vs: bytes32(uint256(s) | (uint256(v - 27) << 255))});
        }
        uint256 poolBefore = sesh.balanceOf(address(pool));
        staking.deregister(nodeId, deadline, votes);
        ghostPenalties += sesh.balanceOf(address(pool)) - poolBefore;
        ++ghostDeregistrations;
    }

    function withdrawStake(uint256 actorSeed, uint256 nodeSeed) external watchInactive {
        if (nodeIds.length == 0) return;
        uint256 nodeId = _node(nodeSeed);
        INodeStaking.NodeInfo memory info = staking.nodeInfo(nodeId);
        if (
            info.state != INodeStaking.NodeState.Exited && info.state != INodeStaking.NodeState.Deregistered
                && info.state != INodeStaking.NodeState.Cancelled
        ) return;
        address who = _actor(actorSeed);
        if (_stake(nodeId, who) == 0) return;
        if (block.timestamp < info.unlockTime) vm.warp(info.unlockTime);
        vm.prank(who);
        staking.withdrawStake(nodeId);
    }

    function claim(uint256 actorSeed) external watchInactive {
        address who = _actor(actorSeed);
        if (staking.pendingRewards(who) == 0) return;
        vm.prank(who);
        ghostClaimed += staking.claimRewards();
    }

    function payFees(uint256 amount) external watchInactive {
        amount = bound(amount, 1, 10_000 * SESH);
        sesh.faucet(address(pool), amount);
        ghostFees += amount;
    }

    function setRequirement(uint256 requirement) external watchInactive {
        requirement = bound(requirement, staking.MIN_STAKING_REQUIREMENT(), 5_000 * SESH);
        vm.prank(gov);
        staking.setStakingRequirement(requirement);
    }

    function warp(uint256 seconds_) external watchInactive {
        vm.warp(block.timestamp + bound(seconds_, 1, 20 days));
    }
}
