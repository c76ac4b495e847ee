// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// The handler moves time on purpose to reach unlock times.
// forge-lint: disable-start(block-timestamp)

import {NodeStaking} from "../../src/NodeStaking.sol";
import {RewardsPool} from "../../src/RewardsPool.sol";
import {INodeStaking} from "../../src/interfaces/INodeStaking.sol";
import {TestSESH} from "../../src/test-only/TestSESH.sol";
import {Test} from "../utils/Test.sol";

/// @dev Drives NodeStaking with a dozen actors: create (with zero, one or two
/// reservations, signers and Ed25519 keys drawn from small pools so they are reused
/// once freed), contribute (at the minimum, the maximum or between; one actor or many),
/// withdraw a contribution, cancel, exit (small contributors too early, refused, then
/// waiting), deregister (with real votes of the active nodes' signers, weighed by stake;
/// and minorities of stake trying and failing), withdraw stakes, claim, fees arriving,
/// SESH sent straight to the contract and swept, requirement changes (down to 1 SESH,
/// so nodes of very different stakes vote together) and time. Every action guards its
/// own inputs, so none reverts; refusals it provokes on purpose are caught and checked.
/// Keeps ghost accounts the invariants check.
contract NodeStakingHandler is Test {
    uint256 internal constant SESH = 1e9;
    uint256 internal constant MAX_NODES = 24;
    /// @dev Signers and Ed25519 keys come from pools this small, so they are reused.
    uint256 internal constant KEY_POOL = 8;

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
    /// @dev SESH sent straight to the staking contract (not staked), and swept to the pool.
    uint256 public ghostStray;
    uint256 public ghostSwept;
    /// @dev Set if an account with no active stake before and after an action saw
    /// its pending rewards grow (an exited, deregistered, cancelled or open node earned).
    bool public ghostInactiveEarned;
    /// @dev Set if votes holding less than the required stake deregistered a node.
    bool public ghostMinorityDeregistered;
    /// @dev Set if a contributor under a quarter of the stake exited in the first 30 days.
    bool public ghostEarlySmallExit;
    uint256 public ghostDeregistrations;
    uint256 public ghostMinorityRefused;
    uint256 public ghostSmallExitsRefused;
    uint256 public ghostActivations;
    uint256 public ghostKeysReused;

    mapping(address signer => bool) internal _signerUsed;

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

    /// @dev The first node in `state` from a random place in the list, 0 if none: actions
    /// that need an open or an active node find one instead of giving up.
    function _nodeIn(uint256 seed, INodeStaking.NodeState state) internal view returns (uint256) {
        uint256 n = nodeIds.length;
        for (uint256 i; i < n; ++i) {
            uint256 nodeId = nodeIds[(seed % n + i) % n];
            if (_stateOf(nodeId) == state) return nodeId;
        }
        return 0;
    }

    function _stateOf(uint256 nodeId) internal view returns (INodeStaking.NodeState) {
        return staking.nodeInfo(nodeId).state;
    }

    function _stake(uint256 nodeId, address who) internal view returns (uint256 stake) {
        (stake,,,) = staking.contributionOf(nodeId, who);
    }

    // ---------------------------------------------------------------- actions

    function createNode(uint256 actorSeed, uint256 stakeSeed, uint256 feeBps, uint256 reserveSeed, uint256 keySeed)
        external
        watchInactive
    {
        if (nodeIds.length >= MAX_NODES) return;
        uint256 signerKey = uint256(keccak256(abi.encode("handler-signer", keySeed % KEY_POOL)));
        address signer = vm.addr(signerKey);
        bytes32 edKey = keccak256(abi.encode("handler-ed25519", (keySeed >> 8) % KEY_POOL));
        // Both must be free: held by no open or active node.
        if (staking.nodeIdOfSigner(signer) != 0 || staking.nodeIdOfEd25519Key(edKey) != 0) return;
        if (_signerUsed[signer]) ++ghostKeysReused;
        _signerUsed[signer] = true;

        INodeStaking.NodeRegistration memory r = _registration(actorSeed, stakeSeed, feeBps, reserveSeed);
        r.signer = signer;
        r.ed25519Key = edKey;
        vm.prank(_actor(actorSeed));
        uint256 nodeId = staking.createNode(r);
        nodeIds.push(nodeId);
        signerKeyOf[nodeId] = signerKey;
        if (_stateOf(nodeId) == INodeStaking.NodeState.Active) ++ghostActivations;
    }

    function _registration(uint256 actorSeed, uint256 stakeSeed, uint256 feeBps, uint256 reserveSeed)
        internal
        view
        returns (INodeStaking.NodeRegistration memory r)
    {
        uint256 requirement = staking.stakingRequirement();
        r.ed25519Signature = new bytes(64);
        r.url = "https://node.test";
        r.feeBps = bound(feeBps, 0, 10_000);
        // A third of the time the operator stakes it all (active at once).
        r.operatorStake = stakeSeed % 3 == 0 ? requirement : bound(stakeSeed, (requirement + 3) / 4, requirement);
        r.reservations = _reservations(actorSeed, reserveSeed, requirement - r.operatorStake);
    }

    /// @dev Zero, one or two reservations of the `remaining` stake, for actors other than
    /// the operator: at their minimum, the last sometimes above it.
    function _reservations(uint256 actorSeed, uint256 reserveSeed, uint256 remaining)
        internal
        view
        returns (INodeStaking.Reservation[] memory list)
    {
        uint256 count = remaining == 0 ? 0 : reserveSeed % 3;
        if (count == 2 && remaining < 2) count = 1;
        list = new INodeStaking.Reservation[](count);
        uint256 n = actors.length;
        uint256 operator = actorSeed % n;
        uint256 first = (reserveSeed >> 8) % (n - 1);
        // Often not next to each other, so a run of contributors may take one and not the other.
        uint256 gap = 1 + (reserveSeed >> 12) % (n - 2);
        for (uint256 i; i < count; ++i) {
            uint256 amount = (remaining + (8 - i)) / (9 - i);
            if (i + 1 == count && (reserveSeed >> 16) % 2 == 0) amount = bound(reserveSeed >> 24, amount, remaining);
            // Offsets 1 to n - 1 from the operator, distinct (`gap` is not a multiple of n - 1).
            address contributor = actors[(operator + 1 + (first + i * gap) % (n - 1)) % n];
            list[i] = INodeStaking.Reservation(contributor, amount);
            remaining -= amount;
        }
    }

    function contribute(uint256 actorSeed, uint256 nodeSeed, uint256 amountSeed) external watchInactive {
        if (nodeIds.length == 0) return;
        uint256 nodeId = _nodeIn(nodeSeed, INodeStaking.NodeState.Open);
        if (nodeId != 0) _contribute(nodeId, _actor(actorSeed), amountSeed);
    }

    /// @dev Up to `count` actors (often all) in turn contribute to one node: the others
    /// their minimum, a reserved contributor any amount it may (often above its
    /// reservation); half the time only the first reserved contributor met takes its slot.
    /// So nodes with many contributors (up to ten) come up often, and so do nodes whose
    /// unreserved slots are all taken while a reservation is still open.
    function contributeMany(uint256 actorSeed, uint256 nodeSeed, uint256 count) external watchInactive {
        uint256 nodeId = _nodeIn(nodeSeed, INodeStaking.NodeState.Open);
        if (nodeId == 0) return;
        bool oneReserved = (count >> 8) & 1 == 0;
        count = count % 2 == 0 ? actors.length : bound(count, 1, actors.length);
        (INodeStaking.Reservation[] memory reservations,) = staking.reservationsOf(nodeId);
        bool reservedMet;
        for (uint256 i; i < count; ++i) {
            address who = _actor(actorSeed % actors.length + i);
            bool reserved;
            for (uint256 j; j < reservations.length; ++j) {
                if (reservations[j].contributor == who) reserved = true;
            }
            if (!reserved) {
                _contribute(nodeId, who, 1); // the minimum
            } else if (!(oneReserved && reservedMet)) {
                reservedMet = true;
                _contribute(nodeId, who, uint256(keccak256(abi.encode(actorSeed, i))));
            }
        }
    }

    /// @dev At the minimum, the maximum or between: a reserved contributor at its maximum
    /// stakes above its reservation.
    function _contribute(uint256 nodeId, address who, uint256 amountSeed) internal {
        (uint256 min, uint256 max) = staking.contributionLimits(nodeId, who);
        if (max == 0) return;
        uint256 choice = amountSeed % 3;
        uint256 amount = choice == 0 ? max : choice == 1 ? min : bound(amountSeed, min, max);
        vm.prank(who);
        staking.contribute(nodeId, amount);
        if (_stateOf(nodeId) == INodeStaking.NodeState.Active) ++ghostActivations;
    }

    function withdrawContribution(uint256 actorSeed, uint256 nodeSeed) external watchInactive {
        uint256 nodeId = _nodeIn(nodeSeed, INodeStaking.NodeState.Open);
        if (nodeId == 0) return;
        address who = _actor(actorSeed);
        if (staking.nodeInfo(nodeId).operator == who) return;
        (uint256 stake,,, uint256 unlock) = staking.contributionOf(nodeId, who);
        if (stake == 0) return;
        if (block.timestamp < unlock) vm.warp(unlock);
        vm.prank(who);
        staking.withdrawContribution(nodeId);
    }

    /// @dev A contributor of an open node (not its operator) takes its stake out once it
    /// may, and comes back at once with its new minimum, often less than it had.
    function rejoin(uint256 nodeSeed, uint256 whoSeed) external watchInactive {
        uint256 nodeId = _nodeIn(nodeSeed, INodeStaking.NodeState.Open);
        if (nodeId == 0) return;
        INodeStaking.Contributor[] memory list = staking.contributorsOf(nodeId);
        if (list.length < 2) return;
        address who = list[1 + whoSeed % (list.length - 1)].account;
        // Half the time a reserved contributor, if one has staked.
        (INodeStaking.Reservation[] memory reservations, bool[] memory filled) = staking.reservationsOf(nodeId);
        for (uint256 i; i < reservations.length && whoSeed % 2 == 0; ++i) {
            if (filled[(whoSeed / 2 + i) % reservations.length]) {
                who = reservations[(whoSeed / 2 + i) % reservations.length].contributor;
                break;
            }
        }
        (,,, uint256 unlock) = staking.contributionOf(nodeId, who);
        if (block.timestamp < unlock) vm.warp(unlock);
        vm.prank(who);
        staking.withdrawContribution(nodeId);
        _contribute(nodeId, who, 1);
    }

    function cancelNode(uint256 nodeSeed) external watchInactive {
        if (nodeIds.length == 0) return;
        uint256 nodeId = _node(nodeSeed);
        if (_stateOf(nodeId) != INodeStaking.NodeState.Open) return;
        vm.prank(staking.nodeInfo(nodeId).operator);
        staking.cancelNode(nodeId);
    }

    /// @dev A random contributor asks. One under a quarter of the stake, in the first 30
    /// days, is refused (checked); then either it waits until it may, or the operator asks.
    function requestExit(uint256 nodeSeed, uint256 whoSeed) external watchInactive {
        uint256 nodeId = _nodeIn(nodeSeed, INodeStaking.NodeState.Active);
        if (nodeId == 0) return;
        INodeStaking.Contributor[] memory list = staking.contributorsOf(nodeId);
        address who = list[whoSeed % list.length].account;
        uint256 allowed = staking.exitAllowedFrom(nodeId, who);
        if (block.timestamp < allowed) {
            vm.prank(who);
            try staking.requestExit(nodeId) {
                ghostEarlySmallExit = true;
                return;
            } catch (bytes memory reason) {
                if (bytes4(reason) != INodeStaking.StakingSmallContributorExitTooEarly.selector) {
                    ghostEarlySmallExit = true;
                }
                ++ghostSmallExitsRefused;
            }
            if (whoSeed % 2 == 0) vm.warp(allowed);
            else who = list[0].account;
        }
        vm.prank(who);
        staking.requestExit(nodeId);
    }

    /// @dev The signer keys and stakes of the active nodes other than `nodeId`, sorted by
    /// signer address, ascending.
    function _voters(uint256 nodeId) internal view returns (uint256[] memory keys, uint256[] memory stakes) {
        uint256[] memory ids = staking.activeNodeIds();
        keys = new uint256[](ids.length);
        stakes = new uint256[](ids.length);
        address[] memory signers = new address[](ids.length);
        uint256 count;
        for (uint256 i; i < ids.length; ++i) {
            if (ids[i] == nodeId) continue;
            uint256 key = signerKeyOf[ids[i]];
            address signer = vm.addr(key);
            uint256 stake = staking.nodeInfo(ids[i]).totalStaked;
            uint256 j = count++;
            while (j > 0 && signers[j - 1] > signer) {
                (keys[j], stakes[j], signers[j]) = (keys[j - 1], stakes[j - 1], signers[j - 1]);
                --j;
            }
            (keys[j], stakes[j], signers[j]) = (key, stake, signer);
        }
        assembly ("memory-safe") {
            mstore(keys, count)
            mstore(stakes, count)
        }
    }

    /// @dev The votes of `keys[i]` for each `i` picked, in order.
    function _sign(uint256 nodeId, uint256 deadline, uint256[] memory keys, bool[] memory picked)
        internal
        view
        returns (INodeStaking.VoteSignature[] memory votes)
    {
        uint256 count;
        for (uint256 i; i < keys.length; ++i) {
            if (picked[i]) ++count;
        }
        votes = new INodeStaking.VoteSignature[](count);
        bytes32 digest = staking.deregistrationDigest(nodeId, deadline);
        count = 0;
        for (uint256 i; i < keys.length; ++i) {
            if (!picked[i]) continue;
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(keys[i], digest);
            votes[count++] = INodeStaking.VoteSignature({r: r, vs: bytes32(uint256(s) | (uint256(v - 27) << 255))});
        }
    }

    function _deregistrable(uint256 nodeId) internal view returns (bool) {
        INodeStaking.NodeInfo memory info = staking.nodeInfo(nodeId);
        return info.state == INodeStaking.NodeState.Active
            || (info.state == INodeStaking.NodeState.Exited && block.timestamp < info.unlockTime);
    }

    /// @dev Votes of other active nodes, in signer order, until their stakes reach the quorum.
    function deregister(uint256 nodeSeed) external watchInactive {
        if (nodeIds.length == 0) return;
        // Mostly an active node; sometimes any, so exited ones come up too.
        uint256 nodeId = nodeSeed % 4 == 0 ? _node(nodeSeed) : _nodeIn(nodeSeed, INodeStaking.NodeState.Active);
        if (nodeId == 0 || !_deregistrable(nodeId)) return;
        (uint256[] memory keys, uint256[] memory stakes) = _voters(nodeId);
        uint256 required = staking.requiredVotingStake(nodeId);
        bool[] memory picked = new bool[](keys.length);
        uint256 voting;
        for (uint256 i; i < keys.length && voting < required; ++i) {
            picked[i] = true;
            voting += stakes[i];
        }
        if (voting < required) return;
        uint256 deadline = block.timestamp + 1 hours;
        INodeStaking.VoteSignature[] memory votes = _sign(nodeId, deadline, keys, picked);
        uint256 poolBefore = sesh.balanceOf(address(pool));
        staking.deregister(nodeId, deadline, votes);
        ghostPenalties += sesh.balanceOf(address(pool)) - poolBefore;
        ++ghostDeregistrations;
    }

    /// @dev Any set of other active nodes holding less than the quorum's stake (however
    /// many they are) is refused.
    function deregisterByMinority(uint256 nodeSeed, uint256 pickSeed) external watchInactive {
        if (nodeIds.length == 0) return;
        // Mostly an active node; sometimes any, so exited ones come up too.
        uint256 nodeId = nodeSeed % 4 == 0 ? _node(nodeSeed) : _nodeIn(nodeSeed, INodeStaking.NodeState.Active);
        if (nodeId == 0 || !_deregistrable(nodeId)) return;
        (uint256[] memory keys, uint256[] memory stakes) = _voters(nodeId);
        uint256 required = staking.requiredVotingStake(nodeId);
        bool[] memory picked = new bool[](keys.length);
        uint256 voting;
        for (uint256 i; i < keys.length; ++i) {
            if ((pickSeed >> i) & 1 == 0 || voting + stakes[i] >= required) continue;
            picked[i] = true;
            voting += stakes[i];
        }
        uint256 deadline = block.timestamp + 1 hours;
        INodeStaking.VoteSignature[] memory votes = _sign(nodeId, deadline, keys, picked);
        try staking.deregister(nodeId, deadline, votes) {
            ghostMinorityDeregistered = true;
        } catch (bytes memory reason) {
            bytes memory expected =
                abi.encodeWithSelector(INodeStaking.StakingQuorumNotMet.selector, nodeId, voting, required);
            if (keccak256(reason) != keccak256(expected)) ghostMinorityDeregistered = true;
            ++ghostMinorityRefused;
        }
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

    /// @dev SESH sent straight to the staking contract, not staked.
    function sendStray(uint256 amount) external watchInactive {
        amount = bound(amount, 1, 1_000 * SESH);
        sesh.faucet(address(staking), amount);
        ghostStray += amount;
    }

    function sweep(uint256 actorSeed) external watchInactive {
        vm.prank(_actor(actorSeed));
        ghostSwept += staking.sweepUnowed();
    }

    /// @dev A quarter of the time the least requirement (1 SESH), so nodes of very
    /// different stakes are active together.
    function setRequirement(uint256 requirement) external watchInactive {
        uint256 min = staking.MIN_STAKING_REQUIREMENT();
        requirement = requirement % 4 == 0 ? min : bound(requirement, min, 5_000 * SESH);
        vm.prank(gov);
        staking.setStakingRequirement(requirement);
    }

    function warp(uint256 seconds_) external watchInactive {
        vm.warp(block.timestamp + bound(seconds_, 1, 20 days));
    }
}
