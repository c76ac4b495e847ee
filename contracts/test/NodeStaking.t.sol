// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {NodeStaking} from "../src/NodeStaking.sol";
import {RewardsPool} from "../src/RewardsPool.sol";
import {INodeStaking} from "../src/interfaces/INodeStaking.sol";
import {IRewardsPool} from "../src/interfaces/IRewardsPool.sol";
import {ISweepable} from "../src/interfaces/ISweepable.sol";
import {TestSESH} from "../src/test-only/TestSESH.sol";
import {Test} from "./utils/Test.sol";

/// @dev The real SESH, RewardsPool and NodeStaking (25,000 SESH requirement unless a
/// test deploys its own), the pool wired to the staking contract.
abstract contract StakingFixture is Test {
    uint256 internal constant SESH = 1e9;
    uint256 internal constant REQ = 25_000 * SESH;
    uint256 internal constant START = 1_700_000_000;
    uint256 internal constant P = 1e27;

    TestSESH internal sesh;
    RewardsPool internal pool;
    NodeStaking internal staking;
    address internal gov;

    function _deploy(uint256 requirement) internal {
        vm.warp(START);
        vm.roll(1_000);
        gov = makeAddr("governance");
        sesh = new TestSESH();
        // The pool's distributor is fixed at construction: the staking contract created next.
        pool = new RewardsPool(address(sesh), nextCreateAddress(1));
        staking = new NodeStaking(address(sesh), address(pool), requirement);
        staking.transferOwnership(gov);
        vm.prank(gov);
        staking.acceptOwnership();
    }

    /// @dev Mints `amount` to `account` (several faucet calls) and approves the staking contract.
    function _fund(address account, uint256 amount) internal {
        while (amount != 0) {
            uint256 step = amount > 100_000 * SESH ? 100_000 * SESH : amount;
            sesh.faucet(account, step);
            amount -= step;
        }
        vm.prank(account);
        sesh.approve(address(staking), type(uint256).max);
    }

    /// @dev Fees arriving in the pool (a plain transfer in, as the paying contracts do).
    function _payFees(uint256 amount) internal {
        while (amount != 0) {
            uint256 step = amount > 100_000 * SESH ? 100_000 * SESH : amount;
            sesh.faucet(address(pool), step);
            amount -= step;
        }
    }

    function _operator(uint256 seed) internal pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encode("operator", seed)))));
    }

    function _signerKey(uint256 seed) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode("signer", seed)));
    }

    function _edKey(uint256 seed) internal pure returns (bytes32) {
        return keccak256(abi.encode("ed25519", seed));
    }

    function _edSig(uint256 seed) internal pure returns (bytes memory) {
        return abi.encodePacked(keccak256(abi.encode("sig-r", seed)), keccak256(abi.encode("sig-s", seed)));
    }

    function _registration(uint256 seed, uint256 operatorStake, uint256 feeBps)
        internal
        pure
        returns (INodeStaking.NodeRegistration memory r)
    {
        r.ed25519Key = _edKey(seed);
        r.ed25519Signature = _edSig(seed);
        r.signer = vm.addr(_signerKey(seed));
        r.url = "https://node.example:22021";
        r.feeBps = feeBps;
        r.operatorStake = operatorStake;
    }

    function _create(address operator, INodeStaking.NodeRegistration memory r) internal returns (uint256 nodeId) {
        if (sesh.balanceOf(operator) < r.operatorStake) _fund(operator, r.operatorStake);
        vm.prank(operator);
        nodeId = staking.createNode(r);
    }

    /// @dev An open node of `_operator(seed)` with a quarter of the stake.
    function _createOpen(uint256 seed, uint256 feeBps) internal returns (uint256) {
        return _create(_operator(seed), _registration(seed, staking.stakingRequirement() / 4, feeBps));
    }

    /// @dev An active node staked wholly by `_operator(seed)`.
    function _createActive(uint256 seed) internal returns (uint256) {
        return _create(_operator(seed), _registration(seed, staking.stakingRequirement(), 0));
    }

    function _contribute(uint256 nodeId, address who, uint256 amount) internal {
        if (sesh.balanceOf(who) < amount) _fund(who, amount);
        vm.prank(who);
        staking.contribute(nodeId, amount);
    }

    function _vote(uint256 signerKey, uint256 nodeId, uint256 deadline)
        internal
        view
        returns (INodeStaking.VoteSignature memory)
    {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(signerKey, staking.deregistrationDigest(nodeId, deadline));
        return INodeStaking.VoteSignature({r: r, vs: bytes32(uint256(s) | (uint256(v - 27) << 255))});
    }

    /// @dev Votes by the signers of the nodes created with `seeds`, sorted by signer.
    function _votes(uint256[] memory seeds, uint256 nodeId, uint256 deadline)
        internal
        view
        returns (INodeStaking.VoteSignature[] memory votes)
    {
        uint256[] memory keys = new uint256[](seeds.length);
        for (uint256 i; i < seeds.length; ++i) {
            keys[i] = _signerKey(seeds[i]);
        }
        for (uint256 i = 1; i < keys.length; ++i) {
            uint256 key = keys[i];
            uint256 j = i;
            while (j > 0 && vm.addr(keys[j - 1]) > vm.addr(key)) {
                keys[j] = keys[j - 1];
                --j;
            }
            keys[j] = key;
        }
        votes = new INodeStaking.VoteSignature[](keys.length);
        for (uint256 i; i < keys.length; ++i) {
            votes[i] = _vote(keys[i], nodeId, deadline);
        }
    }

    function _seeds(uint256 from, uint256 count) internal pure returns (uint256[] memory seeds) {
        seeds = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            seeds[i] = from + i;
        }
    }

    function _state(uint256 nodeId) internal view returns (INodeStaking.NodeState) {
        return staking.nodeInfo(nodeId).state;
    }

    function _stakeOf(uint256 nodeId, address who) internal view returns (uint256 stake) {
        (stake,,,) = staking.contributionOf(nodeId, who);
    }

    function _unlockOf(uint256 nodeId, address who) internal view returns (uint256 unlock) {
        (,,, unlock) = staking.contributionOf(nodeId, who);
    }

    function _err(bytes4 selector, uint256 nodeId, INodeStaking.NodeState state) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(selector, nodeId, state);
    }
}

contract NodeStakingTest is StakingFixture {
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal carol = makeAddr("carol");

    function setUp() public {
        _deploy(REQ);
    }

    // ------------------------------------------------------------------ deployment and governance

    function test_Constructor() public view {
        assertEq(staking.sesh(), address(sesh));
        assertEq(staking.rewardsPool(), address(pool));
        assertEq(staking.stakingRequirement(), REQ);
        assertEq(staking.owner(), gov);
        assertEq(staking.nodeCount(), 0);
        assertEq(staking.activeNodeCount(), 0);
        assertEq(staking.totalActiveStake(), 0);
        assertEq(staking.DEFAULT_STAKING_REQUIREMENT(), 25_000 * SESH);
    }

    function test_Constructor_EmitsRequirement() public {
        vm.expectEmit(false, false, false, true);
        emit INodeStaking.StakingRequirementSet(7 * SESH);
        new NodeStaking(address(sesh), address(pool), 7 * SESH);
    }

    function test_RevertWhen_ConstructorZeroAddress() public {
        vm.expectRevert(INodeStaking.StakingZeroAddress.selector);
        new NodeStaking(address(0), address(pool), REQ);
        vm.expectRevert(INodeStaking.StakingZeroAddress.selector);
        new NodeStaking(address(sesh), address(0), REQ);
    }

    function test_RevertWhen_ConstructorPoolTokenMismatch() public {
        TestSESH other = new TestSESH();
        vm.expectRevert(
            abi.encodeWithSelector(INodeStaking.StakingPoolTokenMismatch.selector, address(sesh), address(other))
        );
        new NodeStaking(address(other), address(pool), REQ);
    }

    function test_RevertWhen_ConstructorRequirementOutOfBounds() public {
        uint256 min = staking.MIN_STAKING_REQUIREMENT();
        uint256 max = staking.MAX_STAKING_REQUIREMENT();
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingRequirementOutOfBounds.selector, min - 1, min, max));
        new NodeStaking(address(sesh), address(pool), min - 1);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingRequirementOutOfBounds.selector, max + 1, min, max));
        new NodeStaking(address(sesh), address(pool), max + 1);
    }

    function test_SetStakingRequirement_AppliesToNewNodesOnly() public {
        uint256 oldNode = _createOpen(1, 0);
        vm.expectEmit(false, false, false, true, address(staking));
        emit INodeStaking.StakingRequirementSet(40_000 * SESH);
        vm.prank(gov);
        staking.setStakingRequirement(40_000 * SESH);
        assertEq(staking.stakingRequirement(), 40_000 * SESH);
        uint256 newNode = _createOpen(2, 0);
        assertEq(staking.nodeInfo(oldNode).requirement, REQ);
        assertEq(staking.nodeInfo(newNode).requirement, 40_000 * SESH);
        // The old node still fills up at its own requirement.
        _contribute(oldNode, alice, REQ - REQ / 4);
        assertTrue(_state(oldNode) == INodeStaking.NodeState.Active);
    }

    function test_RevertWhen_SetStakingRequirementNotOwner() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        vm.prank(alice);
        staking.setStakingRequirement(REQ);
    }

    function test_RevertWhen_SetStakingRequirementOutOfBounds() public {
        uint256 min = staking.MIN_STAKING_REQUIREMENT();
        uint256 max = staking.MAX_STAKING_REQUIREMENT();
        vm.startPrank(gov);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingRequirementOutOfBounds.selector, 0, min, max));
        staking.setStakingRequirement(0);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingRequirementOutOfBounds.selector, max + 1, min, max));
        staking.setStakingRequirement(max + 1);
        vm.stopPrank();
    }

    function test_OwnershipIsTwoStep() public {
        vm.prank(gov);
        staking.transferOwnership(alice);
        assertEq(staking.owner(), gov);
        assertEq(staking.pendingOwner(), alice);
        vm.prank(alice);
        staking.acceptOwnership();
        assertEq(staking.owner(), alice);
    }

    // ------------------------------------------------------------------ createNode

    function test_CreateNode() public {
        INodeStaking.NodeRegistration memory r = _registration(1, REQ / 4, 500);
        _fund(alice, REQ);
        vm.expectEmit(true, true, false, true, address(staking));
        emit INodeStaking.NodeCreated(1, alice, r.ed25519Key, r.ed25519Signature, r.signer, r.url, 500, REQ);
        vm.expectEmit(true, true, false, true, address(staking));
        emit INodeStaking.Contributed(1, alice, REQ / 4);
        vm.prank(alice);
        uint256 nodeId = staking.createNode(r);

        assertEq(nodeId, 1);
        assertEq(staking.nodeCount(), 1);
        INodeStaking.NodeInfo memory info = staking.nodeInfo(nodeId);
        assertEq(info.operator, alice);
        assertEq(info.ed25519Key, r.ed25519Key);
        assertEq(info.signer, r.signer);
        assertEq(info.url, r.url);
        assertEq(info.feeBps, 500);
        assertEq(info.requirement, REQ);
        assertEq(info.totalStaked, REQ / 4);
        assertTrue(info.state == INodeStaking.NodeState.Open);
        assertEq(info.activatedAt, 0);
        assertEq(info.unlockTime, 0);
        assertEq(info.contributorCount, 1);
        assertEq(staking.nodeIdOfEd25519Key(r.ed25519Key), 1);
        assertEq(staking.nodeIdOfSigner(r.signer), 1);
        assertEq(sesh.balanceOf(address(staking)), REQ / 4);
        assertEq(sesh.balanceOf(alice), REQ - REQ / 4);
        assertEq(staking.activeNodeCount(), 0);

        INodeStaking.Contributor[] memory list = staking.contributorsOf(nodeId);
        assertEq(list.length, 1);
        assertEq(list[0].account, alice);
        assertEq(list[0].stake, REQ / 4);
        assertEq(list[0].weight, 0);
        assertEq(list[0].contributedAt, START);
        (uint256 stake, uint256 weight, uint256 contributedAt, uint256 unlock) = staking.contributionOf(nodeId, alice);
        assertEq(stake, REQ / 4);
        assertEq(weight, 0);
        assertEq(contributedAt, START);
        assertEq(unlock, 0, "operator has no pre-activation unlock");
    }

    function test_CreateNode_FullStakeActivatesAtOnce() public {
        _fund(alice, REQ);
        vm.expectEmit(true, false, false, true, address(staking));
        emit INodeStaking.NodeActivated(1);
        vm.prank(alice);
        uint256 nodeId = staking.createNode(_registration(1, REQ, 0));
        INodeStaking.NodeInfo memory info = staking.nodeInfo(nodeId);
        assertTrue(info.state == INodeStaking.NodeState.Active);
        assertEq(info.activatedAt, START);
        assertEq(staking.activeNodeCount(), 1);
        assertEq(staking.activeNodeIds()[0], nodeId);
        assertEq(staking.totalActiveStake(), REQ);
        assertEq(staking.rewardWeightOf(alice), REQ);
    }

    function test_CreateNode_OperatorMinimumRoundsUp() public {
        vm.prank(gov);
        staking.setStakingRequirement(10 * SESH + 1);
        uint256 min = (10 * SESH + 1 + 3) / 4;
        _fund(alice, REQ);
        vm.expectRevert(
            abi.encodeWithSelector(INodeStaking.StakingOperatorStakeOutOfRange.selector, min - 1, min, 10 * SESH + 1)
        );
        vm.prank(alice);
        staking.createNode(_registration(1, min - 1, 0));
        vm.prank(alice);
        staking.createNode(_registration(1, min, 0));
    }

    function test_RevertWhen_CreateNodeOperatorStakeOutOfRange() public {
        _fund(alice, 2 * REQ);
        vm.startPrank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(INodeStaking.StakingOperatorStakeOutOfRange.selector, REQ / 4 - 1, REQ / 4, REQ)
        );
        staking.createNode(_registration(1, REQ / 4 - 1, 0));
        vm.expectRevert(
            abi.encodeWithSelector(INodeStaking.StakingOperatorStakeOutOfRange.selector, REQ + 1, REQ / 4, REQ)
        );
        staking.createNode(_registration(1, REQ + 1, 0));
        vm.stopPrank();
    }

    function test_RevertWhen_CreateNodeZeroKey() public {
        INodeStaking.NodeRegistration memory r = _registration(1, REQ / 4, 0);
        r.ed25519Key = bytes32(0);
        _fund(alice, REQ);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingInvalidEd25519Key.selector, bytes32(0)));
        vm.prank(alice);
        staking.createNode(r);
    }

    function test_RevertWhen_CreateNodeKeyInUse() public {
        uint256 nodeId = _createOpen(1, 0);
        INodeStaking.NodeRegistration memory r = _registration(2, REQ / 4, 0);
        r.ed25519Key = _edKey(1);
        _fund(alice, REQ);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingEd25519KeyInUse.selector, _edKey(1), nodeId));
        vm.prank(alice);
        staking.createNode(r);
    }

    function test_RevertWhen_CreateNodeBadSignatureLength() public {
        INodeStaking.NodeRegistration memory r = _registration(1, REQ / 4, 0);
        _fund(alice, REQ);
        r.ed25519Signature = new bytes(63);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingInvalidEd25519SignatureLength.selector, 63));
        vm.prank(alice);
        staking.createNode(r);
        r.ed25519Signature = new bytes(65);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingInvalidEd25519SignatureLength.selector, 65));
        vm.prank(alice);
        staking.createNode(r);
    }

    function test_RevertWhen_CreateNodeZeroSigner() public {
        INodeStaking.NodeRegistration memory r = _registration(1, REQ / 4, 0);
        r.signer = address(0);
        _fund(alice, REQ);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingInvalidSigner.selector, address(0)));
        vm.prank(alice);
        staking.createNode(r);
    }

    function test_RevertWhen_CreateNodeSignerInUse() public {
        uint256 nodeId = _createOpen(1, 0);
        INodeStaking.NodeRegistration memory r = _registration(2, REQ / 4, 0);
        r.signer = vm.addr(_signerKey(1));
        _fund(alice, REQ);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingSignerInUse.selector, r.signer, nodeId));
        vm.prank(alice);
        staking.createNode(r);
    }

    function test_RevertWhen_CreateNodeBadUrl() public {
        INodeStaking.NodeRegistration memory r = _registration(1, REQ / 4, 0);
        _fund(alice, REQ);
        r.url = "";
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingInvalidUrlLength.selector, 0, 256));
        vm.prank(alice);
        staking.createNode(r);
        r.url = string(new bytes(257));
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingInvalidUrlLength.selector, 257, 256));
        vm.prank(alice);
        staking.createNode(r);
        r.url = string(new bytes(256));
        vm.prank(alice);
        staking.createNode(r);
    }

    function test_RevertWhen_CreateNodeFeeTooHigh() public {
        _fund(alice, REQ);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingFeeTooHigh.selector, 10_001, 10_000));
        vm.prank(alice);
        staking.createNode(_registration(1, REQ / 4, 10_001));
        vm.prank(alice);
        staking.createNode(_registration(1, REQ / 4, 10_000));
    }

    function test_RevertWhen_CreateNodeWithoutAllowance() public {
        sesh.faucet(alice, REQ / 4);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(staking), 0, REQ / 4)
        );
        vm.prank(alice);
        staking.createNode(_registration(1, REQ / 4, 0));
    }

    function test_CreateNode_KeyAndSignerFreedAfterCancelAndExit() public {
        uint256 first = _createOpen(1, 0);
        vm.prank(_operator(1));
        staking.cancelNode(first);
        assertEq(staking.nodeIdOfEd25519Key(_edKey(1)), 0);
        assertEq(staking.nodeIdOfSigner(vm.addr(_signerKey(1))), 0);
        uint256 second = _createActive(1);
        assertEq(staking.nodeIdOfEd25519Key(_edKey(1)), second);
        vm.prank(_operator(1));
        staking.requestExit(second);
        uint256 third = _createActive(1);
        assertEq(staking.nodeIdOfSigner(vm.addr(_signerKey(1))), third);
    }

    // ------------------------------------------------------------------ reservations

    function _reserved(address a, uint256 amountA, address b, uint256 amountB)
        internal
        pure
        returns (INodeStaking.Reservation[] memory list)
    {
        list = new INodeStaking.Reservation[](b == address(0) ? 1 : 2);
        list[0] = INodeStaking.Reservation(a, amountA);
        if (b != address(0)) list[1] = INodeStaking.Reservation(b, amountB);
    }

    function test_CreateNode_Reservations() public {
        INodeStaking.NodeRegistration memory r = _registration(1, REQ / 4, 0);
        r.reservations = _reserved(bob, 5_000 * SESH, carol, 3_000 * SESH);
        _fund(alice, REQ);
        vm.expectEmit(true, true, false, true, address(staking));
        emit INodeStaking.SlotReserved(1, bob, 5_000 * SESH);
        vm.expectEmit(true, true, false, true, address(staking));
        emit INodeStaking.SlotReserved(1, carol, 3_000 * SESH);
        vm.prank(alice);
        uint256 nodeId = staking.createNode(r);

        (INodeStaking.Reservation[] memory list, bool[] memory filled) = staking.reservationsOf(nodeId);
        assertEq(list.length, 2);
        assertEq(list[0].contributor, bob);
        assertEq(list[0].amount, 5_000 * SESH);
        assertFalse(filled[0]);

        // Bob: at least his reservation, at most the stake not reserved for carol.
        (uint256 min, uint256 max) = staking.contributionLimits(nodeId, bob);
        assertEq(min, 5_000 * SESH);
        assertEq(max, REQ - REQ / 4 - 3_000 * SESH);
        // Anyone else: the unreserved stake over the 7 open slots, rounded up.
        uint256 free = REQ - REQ / 4 - 8_000 * SESH;
        (min, max) = staking.contributionLimits(nodeId, makeAddr("dave"));
        assertEq(min, (free + 6) / 7);
        assertEq(max, free);

        vm.expectRevert(
            abi.encodeWithSelector(
                INodeStaking.StakingContributionOutOfRange.selector,
                nodeId,
                5_000 * SESH - 1,
                5_000 * SESH,
                REQ - REQ / 4 - 3_000 * SESH
            )
        );
        this.contributeAs(bob, nodeId, 5_000 * SESH - 1);
        _contribute(nodeId, bob, 6_000 * SESH);
        (, filled) = staking.reservationsOf(nodeId);
        assertTrue(filled[0]);
        assertFalse(filled[1]);
        // Carol's slot and amount stay hers: the others share what is left.
        free = REQ - REQ / 4 - 6_000 * SESH - 3_000 * SESH;
        (min, max) = staking.contributionLimits(nodeId, makeAddr("dave"));
        assertEq(max, free);
        _contribute(nodeId, makeAddr("dave"), free);
        assertTrue(_state(nodeId) == INodeStaking.NodeState.Open);
        _contribute(nodeId, carol, 3_000 * SESH);
        assertTrue(_state(nodeId) == INodeStaking.NodeState.Active);
    }

    /// @dev External, so `vm.expectRevert` can catch a revert from a prank-wrapped call.
    function contributeAs(address who, uint256 nodeId, uint256 amount) external {
        if (sesh.balanceOf(who) < amount) _fund(who, amount);
        vm.prank(who);
        staking.contribute(nodeId, amount);
    }

    /// @dev Issue 15, item 4: a reserved contributor who staked above its reservation,
    /// withdrew and came back with only its reservation left a node with ten contributors
    /// and a stake short, which nobody could complete. With no unreserved slot left, the
    /// last reserved contributors must now take all the unreserved stake still missing.
    function test_ReservedContributorCannotLeaveANodeFullOfContributorsAndShort() public {
        uint256 a1 = (REQ - REQ / 4 + 8) / 9;
        uint256 a2 = (REQ - REQ / 4 - a1 + 7) / 8;
        INodeStaking.NodeRegistration memory r = _registration(1, REQ / 4, 0);
        r.reservations = _reserved(alice, a1, bob, a2);
        uint256 nodeId = _create(_operator(1), r);

        // Alice stakes 5,000 SESH above her reservation; seven outsiders take the seven
        // unreserved slots at their minimum, the last of them all the unreserved stake left.
        uint256 over = a1 + 5_000 * SESH;
        _contribute(nodeId, alice, over);
        for (uint256 i; i < 7; ++i) {
            (uint256 least,) = staking.contributionLimits(nodeId, _operator(100 + i));
            _contribute(nodeId, _operator(100 + i), least);
        }
        (uint256 min, uint256 max) = staking.contributionLimits(nodeId, makeAddr("dave"));
        assertEq(max, 0, "no unreserved slot left");
        assertEq(staking.nodeInfo(nodeId).totalStaked, REQ - a2, "only bob's reservation missing");

        // Alice leaves: her slot is reserved again and 5,000 SESH more than the two
        // reservations are missing, with no unreserved slot to take them.
        vm.warp(START + 1 days);
        vm.prank(alice);
        staking.withdrawContribution(nodeId);
        (min, max) = staking.contributionLimits(nodeId, alice);
        assertEq(min, over, "she must bring back all that is not reserved for bob");
        assertEq(max, over);
        vm.expectRevert(
            abi.encodeWithSelector(INodeStaking.StakingContributionOutOfRange.selector, nodeId, a1, over, over)
        );
        this.contributeAs(alice, nodeId, a1);
        (min, max) = staking.contributionLimits(nodeId, bob);
        assertEq(min, a2 + 5_000 * SESH, "so must bob, if he comes first");
        assertEq(max, a2 + 5_000 * SESH);

        _contribute(nodeId, alice, over);
        (min, max) = staking.contributionLimits(nodeId, bob);
        assertEq(min, a2);
        assertEq(max, a2);
        _contribute(nodeId, bob, a2);
        INodeStaking.NodeInfo memory info = staking.nodeInfo(nodeId);
        assertTrue(info.state == INodeStaking.NodeState.Active, "ten contributors, full");
        assertEq(info.contributorCount, 10);
        assertEq(info.totalStaked, REQ);
    }

    function test_ReservedSlotsOnlyForTheirContributors() public {
        // Nine reservations fill every slot: no one else can contribute.
        INodeStaking.NodeRegistration memory r = _registration(1, REQ / 4, 0);
        uint256 rest = REQ - REQ / 4;
        r.reservations = new INodeStaking.Reservation[](9);
        for (uint256 i; i < 9; ++i) {
            // Each at the sequential minimum: the rest over the slots left, rounded up.
            uint256 amount = (rest + (9 - i) - 1) / (9 - i);
            r.reservations[i] = INodeStaking.Reservation(_operator(100 + i), amount);
            rest -= amount;
        }
        uint256 nodeId = _create(alice, r);
        (uint256 min, uint256 max) = staking.contributionLimits(nodeId, bob);
        assertEq(min, 0);
        assertEq(max, 0);
        _fund(bob, REQ);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingNoOpenSlot.selector, nodeId));
        vm.prank(bob);
        staking.contribute(nodeId, SESH);
        for (uint256 i; i < 9; ++i) {
            _contribute(nodeId, _operator(100 + i), r.reservations[i].amount);
        }
        assertTrue(_state(nodeId) == INodeStaking.NodeState.Active);
        assertEq(staking.nodeInfo(nodeId).contributorCount, 10);
    }

    function test_NoOpenSlotWhenReservationsCoverTheRest() public {
        INodeStaking.NodeRegistration memory r = _registration(1, REQ / 2, 0);
        r.reservations = _reserved(bob, REQ / 2, address(0), 0);
        uint256 nodeId = _create(alice, r);
        _fund(carol, REQ);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingNoOpenSlot.selector, nodeId));
        vm.prank(carol);
        staking.contribute(nodeId, 1);
    }

    function test_RevertWhen_TooManyReservations() public {
        INodeStaking.NodeRegistration memory r = _registration(1, REQ / 4, 0);
        r.reservations = new INodeStaking.Reservation[](10);
        _fund(alice, REQ);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingTooManyReservations.selector, 10, 9));
        vm.prank(alice);
        staking.createNode(r);
    }

    function test_RevertWhen_InvalidReservedContributor() public {
        INodeStaking.NodeRegistration memory r = _registration(1, REQ / 4, 0);
        _fund(alice, REQ);
        r.reservations = _reserved(address(0), 5_000 * SESH, address(0), 0);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingInvalidReservedContributor.selector, 0, address(0)));
        vm.prank(alice);
        staking.createNode(r);
        r.reservations = _reserved(bob, 5_000 * SESH, alice, 5_000 * SESH);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingInvalidReservedContributor.selector, 1, alice));
        vm.prank(alice);
        staking.createNode(r);
        r.reservations = _reserved(bob, 5_000 * SESH, bob, 5_000 * SESH);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingInvalidReservedContributor.selector, 1, bob));
        vm.prank(alice);
        staking.createNode(r);
    }

    function test_RevertWhen_ReservedAmountOutOfRange() public {
        INodeStaking.NodeRegistration memory r = _registration(1, REQ / 4, 0);
        _fund(alice, REQ);
        uint256 rest = REQ - REQ / 4;
        uint256 min0 = (rest + 8) / 9;
        r.reservations = _reserved(bob, min0 - 1, address(0), 0);
        vm.expectRevert(
            abi.encodeWithSelector(INodeStaking.StakingReservedAmountOutOfRange.selector, 0, min0 - 1, min0, rest)
        );
        vm.prank(alice);
        staking.createNode(r);
        // The second reservation's minimum is what is left over the 8 slots left.
        uint256 min1 = (rest - min0 + 7) / 8;
        r.reservations = _reserved(bob, min0, carol, min1 - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                INodeStaking.StakingReservedAmountOutOfRange.selector, 1, min1 - 1, min1, rest - min0
            )
        );
        vm.prank(alice);
        staking.createNode(r);
        r.reservations = _reserved(bob, rest + 1, address(0), 0);
        vm.expectRevert(
            abi.encodeWithSelector(INodeStaking.StakingReservedAmountOutOfRange.selector, 0, rest + 1, min0, rest)
        );
        vm.prank(alice);
        staking.createNode(r);
        // Nothing left to reserve when the operator stakes everything.
        r.operatorStake = REQ;
        r.reservations = _reserved(bob, 1, address(0), 0);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingReservedAmountOutOfRange.selector, 0, 1, 1, 0));
        vm.prank(alice);
        staking.createNode(r);
    }

    // ------------------------------------------------------------------ contribute

    function test_Contribute_MinimumIsRemainingOverOpenSlotsRoundedUp() public {
        uint256 nodeId = _createOpen(1, 0);
        uint256 remaining = REQ - REQ / 4;
        (uint256 min, uint256 max) = staking.contributionLimits(nodeId, alice);
        assertEq(min, (remaining + 8) / 9);
        assertEq(max, remaining);
        vm.expectRevert(
            abi.encodeWithSelector(INodeStaking.StakingContributionOutOfRange.selector, nodeId, min - 1, min, remaining)
        );
        this.contributeAs(alice, nodeId, min - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                INodeStaking.StakingContributionOutOfRange.selector, nodeId, remaining + 1, min, remaining
            )
        );
        this.contributeAs(alice, nodeId, remaining + 1);

        _fund(alice, min);
        vm.expectEmit(true, true, false, true, address(staking));
        emit INodeStaking.Contributed(nodeId, alice, min);
        _contribute(nodeId, alice, min);
        assertEq(staking.nodeInfo(nodeId).totalStaked, REQ / 4 + min);
        assertEq(_unlockOf(nodeId, alice), START + 1 days);
    }

    function test_Contribute_TenContributorsFillExactly() public {
        uint256 nodeId = _createOpen(1, 1_000);
        for (uint256 i; i < 9; ++i) {
            address who = _operator(200 + i);
            (uint256 min,) = staking.contributionLimits(nodeId, who);
            _fund(who, min);
            if (i == 8) {
                vm.expectEmit(true, false, false, true, address(staking));
                emit INodeStaking.NodeActivated(nodeId);
            }
            _contribute(nodeId, who, min);
        }
        INodeStaking.NodeInfo memory info = staking.nodeInfo(nodeId);
        assertEq(info.totalStaked, REQ);
        assertEq(info.contributorCount, 10);
        assertTrue(info.state == INodeStaking.NodeState.Active);
        INodeStaking.Contributor[] memory list = staking.contributorsOf(nodeId);
        uint256 weights;
        for (uint256 i; i < list.length; ++i) {
            weights += list[i].weight;
            if (i > 0) assertEq(list[i].weight, list[i].stake * 9_000 / 10_000);
        }
        assertEq(weights, REQ, "weights sum to the stake");
    }

    function test_RevertWhen_ContributeTwice() public {
        uint256 nodeId = _createOpen(1, 0);
        _contribute(nodeId, alice, 5_000 * SESH);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingAlreadyContributed.selector, nodeId, alice));
        this.contributeAs(alice, nodeId, 5_000 * SESH);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingAlreadyContributed.selector, nodeId, _operator(1)));
        this.contributeAs(_operator(1), nodeId, 5_000 * SESH);
    }

    function test_RevertWhen_ContributeToNodeNotOpen() public {
        vm.expectRevert(_err(INodeStaking.StakingUnexpectedNodeState.selector, 7, INodeStaking.NodeState.None));
        this.contributeAs(alice, 7, SESH);
        uint256 nodeId = _createActive(1);
        vm.expectRevert(_err(INodeStaking.StakingUnexpectedNodeState.selector, nodeId, INodeStaking.NodeState.Active));
        this.contributeAs(alice, nodeId, SESH);
        (uint256 min, uint256 max) = staking.contributionLimits(nodeId, alice);
        assertEq(min + max, 0);
    }

    // ------------------------------------------------------------------ withdrawContribution

    function test_WithdrawContribution_AfterOneDay() public {
        uint256 nodeId = _createOpen(1, 0);
        _contribute(nodeId, alice, 5_000 * SESH);
        _contribute(nodeId, bob, 5_000 * SESH);
        vm.warp(START + 1 days - 1);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingStakeLocked.selector, nodeId, alice, START + 1 days));
        vm.prank(alice);
        staking.withdrawContribution(nodeId);

        vm.warp(START + 1 days);
        uint256 before = sesh.balanceOf(alice);
        vm.expectEmit(true, true, false, true, address(staking));
        emit INodeStaking.ContributionWithdrawn(nodeId, alice, 5_000 * SESH);
        vm.prank(alice);
        staking.withdrawContribution(nodeId);
        assertEq(sesh.balanceOf(alice), before + 5_000 * SESH);
        assertEq(_stakeOf(nodeId, alice), 0);
        INodeStaking.Contributor[] memory list = staking.contributorsOf(nodeId);
        assertEq(list.length, 2);
        assertEq(list[0].account, _operator(1));
        assertEq(list[1].account, bob);
        assertEq(staking.nodeInfo(nodeId).totalStaked, REQ / 4 + 5_000 * SESH);
        // The slot is free again: alice may come back.
        _contribute(nodeId, alice, 6_000 * SESH);
        assertEq(_stakeOf(nodeId, alice), 6_000 * SESH);
    }

    function test_WithdrawContribution_ReservationReopens() public {
        INodeStaking.NodeRegistration memory r = _registration(1, REQ / 4, 0);
        r.reservations = _reserved(bob, 5_000 * SESH, address(0), 0);
        uint256 nodeId = _create(alice, r);
        _contribute(nodeId, bob, 5_000 * SESH);
        (uint256 min, uint256 max) = staking.contributionLimits(nodeId, carol);
        assertEq(max, REQ - REQ / 4 - 5_000 * SESH);
        assertEq(min, (max + 7) / 8, "8 slots: bob's is filled, 8 are open");
        vm.warp(START + 1 days);
        vm.prank(bob);
        staking.withdrawContribution(nodeId);
        (, bool[] memory filled) = staking.reservationsOf(nodeId);
        assertFalse(filled[0]);
        (min, max) = staking.contributionLimits(nodeId, carol);
        assertEq(max, REQ - REQ / 4 - 5_000 * SESH, "bob's amount is reserved again");
        assertEq(min, (max + 7) / 8, "and so is his slot: still 8 open");
        (min,) = staking.contributionLimits(nodeId, bob);
        assertEq(min, 5_000 * SESH);
    }

    function test_RevertWhen_WithdrawContributionNotAllowed() public {
        uint256 nodeId = _createOpen(1, 0);
        vm.warp(START + 2 days);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingOperatorCannotWithdraw.selector, nodeId));
        vm.prank(_operator(1));
        staking.withdrawContribution(nodeId);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingNoStake.selector, nodeId, alice));
        vm.prank(alice);
        staking.withdrawContribution(nodeId);
        uint256 active = _createActive(2);
        vm.expectRevert(_err(INodeStaking.StakingUnexpectedNodeState.selector, active, INodeStaking.NodeState.Active));
        vm.prank(_operator(2));
        staking.withdrawContribution(active);
    }

    // ------------------------------------------------------------------ cancelNode

    function test_CancelNode_RefundsEveryone() public {
        uint256 nodeId = _createOpen(1, 0);
        _contribute(nodeId, alice, 5_000 * SESH);
        address op = _operator(1);
        vm.expectEmit(true, false, false, true, address(staking));
        emit INodeStaking.NodeCancelled(nodeId);
        vm.expectEmit(true, true, false, true, address(staking));
        emit INodeStaking.StakeWithdrawn(nodeId, op, REQ / 4);
        vm.prank(op);
        staking.cancelNode(nodeId);
        assertEq(sesh.balanceOf(op), REQ / 4);
        INodeStaking.NodeInfo memory info = staking.nodeInfo(nodeId);
        assertTrue(info.state == INodeStaking.NodeState.Cancelled);
        assertEq(info.unlockTime, START);
        assertEq(info.totalStaked, 5_000 * SESH);
        assertEq(_unlockOf(nodeId, alice), START);
        // Alice pulls hers at once, no waiting.
        vm.prank(alice);
        staking.withdrawStake(nodeId);
        assertEq(sesh.balanceOf(alice), 5_000 * SESH);
        assertEq(sesh.balanceOf(address(staking)), 0);
        assertEq(staking.nodeInfo(nodeId).totalStaked, 0);
    }

    function test_RevertWhen_CancelNodeNotOperatorOrNotOpen() public {
        uint256 nodeId = _createOpen(1, 0);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingNotOperator.selector, nodeId, alice));
        vm.prank(alice);
        staking.cancelNode(nodeId);
        uint256 active = _createActive(2);
        vm.expectRevert(_err(INodeStaking.StakingUnexpectedNodeState.selector, active, INodeStaking.NodeState.Active));
        vm.prank(_operator(2));
        staking.cancelNode(active);
    }

    // ------------------------------------------------------------------ exit

    function test_RequestExit() public {
        uint256 nodeId = _createOpen(1, 0);
        _contribute(nodeId, alice, REQ - REQ / 4);
        uint256 other = _createActive(2);
        vm.warp(START + 10 days);
        uint256 unlock = START + 10 days + 15 days;
        vm.expectEmit(true, true, false, true, address(staking));
        emit INodeStaking.ExitRequested(nodeId, alice, unlock);
        vm.prank(alice);
        staking.requestExit(nodeId);

        INodeStaking.NodeInfo memory info = staking.nodeInfo(nodeId);
        assertTrue(info.state == INodeStaking.NodeState.Exited);
        assertEq(info.unlockTime, unlock);
        assertEq(staking.activeNodeCount(), 1);
        assertEq(staking.activeNodeIds()[0], other);
        assertEq(staking.totalActiveStake(), REQ);
        assertEq(staking.rewardWeightOf(alice), 0);
        assertEq(staking.rewardWeightOf(_operator(1)), 0);
        assertEq(_unlockOf(nodeId, alice), unlock);
        assertEq(_unlockOf(nodeId, _operator(1)), unlock);
        assertEq(staking.nodeIdOfEd25519Key(_edKey(1)), 0);

        vm.warp(unlock - 1);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingStakeLocked.selector, nodeId, alice, unlock));
        vm.prank(alice);
        staking.withdrawStake(nodeId);
        vm.warp(unlock);
        vm.expectEmit(true, true, false, true, address(staking));
        emit INodeStaking.StakeWithdrawn(nodeId, alice, REQ - REQ / 4);
        vm.prank(alice);
        staking.withdrawStake(nodeId);
        assertEq(sesh.balanceOf(alice), REQ - REQ / 4);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingNoStake.selector, nodeId, alice));
        vm.prank(alice);
        staking.withdrawStake(nodeId);
        vm.prank(_operator(1));
        staking.withdrawStake(nodeId);
        assertEq(sesh.balanceOf(address(staking)), REQ, "only the other node's stake is left");
    }

    function test_RevertWhen_RequestExitNotAllowed() public {
        uint256 open = _createOpen(1, 0);
        vm.expectRevert(_err(INodeStaking.StakingUnexpectedNodeState.selector, open, INodeStaking.NodeState.Open));
        vm.prank(_operator(1));
        staking.requestExit(open);
        uint256 nodeId = _createActive(2);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingNoStake.selector, nodeId, alice));
        vm.prank(alice);
        staking.requestExit(nodeId);
        vm.prank(_operator(2));
        staking.requestExit(nodeId);
        vm.expectRevert(_err(INodeStaking.StakingUnexpectedNodeState.selector, nodeId, INodeStaking.NodeState.Exited));
        vm.prank(_operator(2));
        staking.requestExit(nodeId);
    }

    /// @dev Issue 15, item 3 (Session's rule): a contributor holding less than a quarter of
    /// the stake cannot take the node down in the first 30 days after it activates.
    function test_RevertWhen_SmallContributorExitsInTheFirst30Days() public {
        uint256 nodeId = _createOpen(1, 0);
        uint256 small = REQ / 4 - 1;
        _contribute(nodeId, alice, small);
        _contribute(nodeId, bob, REQ / 4);
        _contribute(nodeId, carol, REQ - 2 * (REQ / 4) - small);
        assertTrue(_state(nodeId) == INodeStaking.NodeState.Active);
        uint256 allowed = START + 30 days;

        // In the block it activates, and up to 30 days later, alice (under 25%) cannot.
        vm.expectRevert(
            abi.encodeWithSelector(
                INodeStaking.StakingSmallContributorExitTooEarly.selector, nodeId, alice, small, REQ / 4, allowed
            )
        );
        vm.prank(alice);
        staking.requestExit(nodeId);
        vm.warp(allowed - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                INodeStaking.StakingSmallContributorExitTooEarly.selector, nodeId, alice, small, REQ / 4, allowed
            )
        );
        vm.prank(alice);
        staking.requestExit(nodeId);
        assertTrue(_state(nodeId) == INodeStaking.NodeState.Active, "still active");
        vm.warp(allowed);
        vm.prank(alice);
        staking.requestExit(nodeId);
        assertTrue(_state(nodeId) == INodeStaking.NodeState.Exited, "from day 30 she can");
    }

    function test_RequestExit_AQuarterOrMoreAtOnce() public {
        uint256 nodeId = _createOpen(1, 0);
        _contribute(nodeId, alice, REQ / 4 - 1);
        _contribute(nodeId, bob, REQ / 4);
        _contribute(nodeId, carol, REQ - 2 * (REQ / 4) - (REQ / 4 - 1));
        assertEq(staking.exitAllowedFrom(nodeId, alice), START + 30 days);
        assertEq(staking.exitAllowedFrom(nodeId, bob), START, "exactly a quarter is enough");
        assertEq(staking.exitAllowedFrom(nodeId, carol), START);
        assertEq(staking.exitAllowedFrom(nodeId, _operator(1)), START, "the operator holds a quarter or more");
        assertEq(staking.exitAllowedFrom(nodeId, makeAddr("dave")), 0, "no stake");
        assertEq(staking.exitAllowedFrom(_createOpen(2, 0), _operator(2)), 0, "not active");
        vm.prank(bob);
        staking.requestExit(nodeId);
        assertEq(staking.exitAllowedFrom(nodeId, bob), 0, "no longer active");

        // Each node keeps its own requirement: a quarter of the node's, not of today's.
        vm.prank(gov);
        staking.setStakingRequirement(4 * REQ);
        uint256 other = _create(_operator(3), _registration(3, REQ, 0));
        _contribute(other, alice, REQ - 1);
        _contribute(other, bob, 2 * REQ);
        _contribute(other, carol, 1);
        assertTrue(_state(other) == INodeStaking.NodeState.Active);
        assertEq(staking.exitAllowedFrom(other, alice), START + 30 days, "one unit short of a quarter of 4 * REQ");
        assertEq(staking.exitAllowedFrom(other, carol), START + 30 days);
        assertEq(staking.exitAllowedFrom(nodeId, carol), 0, "the first node exited");
        vm.prank(_operator(3));
        staking.requestExit(other);
    }

    function test_RevertWhen_WithdrawStakeFromOpenOrActive() public {
        uint256 open = _createOpen(1, 0);
        vm.expectRevert(_err(INodeStaking.StakingUnexpectedNodeState.selector, open, INodeStaking.NodeState.Open));
        vm.prank(_operator(1));
        staking.withdrawStake(open);
        uint256 active = _createActive(2);
        vm.expectRevert(_err(INodeStaking.StakingUnexpectedNodeState.selector, active, INodeStaking.NodeState.Active));
        vm.prank(_operator(2));
        staking.withdrawStake(active);
        assertEq(_unlockOf(active, _operator(2)), 0, "unknown while active");
    }

    // ------------------------------------------------------------------ deregistration

    /// @dev Nodes 1..count, each wholly staked by `_operator(i)`.
    function _activeNodes(uint256 count) internal {
        for (uint256 i = 1; i <= count; ++i) {
            _createActive(i);
        }
    }

    function test_RequiredVotingStake() public {
        assertEq(staking.requiredVotingStake(1), 1, "at least 1: a lone node cannot be voted out");
        // Nodes of equal stake: as many votes as ceil(2n / 3) of the n other nodes.
        uint256[11] memory votes = [uint256(1), 1, 2, 2, 3, 4, 4, 5, 6, 6, 7];
        for (uint256 n = 1; n <= 11; ++n) {
            _createActive(n);
            // n active nodes: n - 1 others for an active target, n for any other.
            uint256 required = staking.requiredVotingStake(1);
            assertEq(required, n == 1 ? 1 : (2 * (n - 1) * REQ + 2) / 3, "two thirds of the other stake");
            if (n > 1) assertEq((required + REQ - 1) / REQ, votes[n - 1], "votes of equal nodes");
            assertEq(staking.requiredVotingStake(999), (2 * n * REQ + 2) / 3);
        }
    }

    function test_Deregister() public {
        _activeNodes(4);
        // Node 1: operator plus two contributors, so the penalty splits pro rata.
        uint256 nodeId = _createOpen(10, 0);
        _contribute(nodeId, alice, 10_000 * SESH);
        _contribute(nodeId, bob, REQ - REQ / 4 - 10_000 * SESH);
        assertEq(staking.requiredVotingStake(nodeId), (8 * REQ + 2) / 3, "two thirds of 4 nodes' stake");
        uint256 deadline = block.timestamp + 1 hours;
        INodeStaking.VoteSignature[] memory votes = _votes(_seeds(1, 3), nodeId, deadline);

        uint256 penalty = REQ * 20 / 10_000;
        uint256 unlock = START + 30 days;
        vm.expectEmit(true, false, false, true, address(staking));
        emit INodeStaking.NodeDeregistered(nodeId, penalty, unlock);
        staking.deregister(nodeId, deadline, votes);

        INodeStaking.NodeInfo memory info = staking.nodeInfo(nodeId);
        assertTrue(info.state == INodeStaking.NodeState.Deregistered);
        assertEq(info.totalStaked, REQ - penalty);
        assertEq(info.unlockTime, unlock);
        assertEq(staking.activeNodeCount(), 4);
        assertEq(staking.totalActiveStake(), 4 * REQ);
        assertEq(sesh.balanceOf(address(pool)), penalty);
        uint256 aliceStake = 10_000 * SESH - 10_000 * SESH * 20 / 10_000;
        uint256 bobStake = (REQ - REQ / 4 - 10_000 * SESH) * (10_000 - 20) / 10_000;
        assertEq(_stakeOf(nodeId, alice), aliceStake);
        assertEq(_stakeOf(nodeId, bob), bobStake);
        assertEq(_stakeOf(nodeId, _operator(10)), REQ - penalty - aliceStake - bobStake);
        assertEq(_unlockOf(nodeId, alice), unlock);

        vm.warp(unlock - 1);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingStakeLocked.selector, nodeId, alice, unlock));
        vm.prank(alice);
        staking.withdrawStake(nodeId);
        vm.warp(unlock);
        vm.prank(alice);
        staking.withdrawStake(nodeId);
        assertEq(sesh.balanceOf(alice), aliceStake);
    }

    function test_Deregister_StopsEarningAtOnce() public {
        _activeNodes(3);
        _payFees(300 * SESH);
        uint256 deadline = block.timestamp + 1 hours;
        staking.deregister(1, deadline, _votes(_seeds(2, 2), 1, deadline));
        uint256 earned = staking.pendingRewards(_operator(1));
        assertEq(earned, 100 * SESH, "a third of the fees before");
        // The penalty and every later fee go to the two nodes left.
        _payFees(1_000 * SESH);
        vm.warp(START + 100 days);
        assertEq(staking.pendingRewards(_operator(1)), earned, "nothing after");
        uint256 penalty = REQ * 20 / 10_000;
        assertEq(staking.pendingRewards(_operator(2)), 100 * SESH + (1_000 * SESH + penalty) / 2);
        vm.prank(_operator(1));
        assertEq(staking.claimRewards(), earned, "what was earned before stays claimable");
    }

    function test_Deregister_ExitedNodeBeforeUnlock() public {
        _activeNodes(4);
        // Node 1 sees the votes coming and exits first: it still pays.
        vm.prank(_operator(1));
        staking.requestExit(1);
        assertEq(staking.requiredVotingStake(1), 2 * REQ, "3 active nodes vote");
        vm.warp(START + 10 days);
        staking.deregister(1, START + 10 days, _votes(_seeds(2, 2), 1, START + 10 days));
        INodeStaking.NodeInfo memory info = staking.nodeInfo(1);
        assertTrue(info.state == INodeStaking.NodeState.Deregistered);
        assertEq(info.unlockTime, START + 40 days, "30 days from the deregistration");
        assertEq(info.totalStaked, REQ - REQ * 20 / 10_000);
    }

    function test_RevertWhen_DeregisterExitedNodeAfterUnlock() public {
        _activeNodes(3);
        vm.prank(_operator(1));
        staking.requestExit(1);
        vm.warp(START + 15 days);
        uint256 deadline = block.timestamp + 1 hours;
        INodeStaking.VoteSignature[] memory votes = _votes(_seeds(2, 2), 1, deadline);
        vm.expectRevert(_err(INodeStaking.StakingUnexpectedNodeState.selector, 1, INodeStaking.NodeState.Exited));
        staking.deregister(1, deadline, votes);
    }

    function test_RevertWhen_DeregisterNodeNotActive() public {
        _activeNodes(3);
        uint256 open = _createOpen(9, 0);
        uint256 deadline = block.timestamp + 1 hours;
        INodeStaking.VoteSignature[] memory votes = _votes(_seeds(1, 3), open, deadline);
        vm.expectRevert(_err(INodeStaking.StakingUnexpectedNodeState.selector, open, INodeStaking.NodeState.Open));
        staking.deregister(open, deadline, votes);
        vm.expectRevert(_err(INodeStaking.StakingUnexpectedNodeState.selector, 99, INodeStaking.NodeState.None));
        staking.deregister(99, deadline, votes);
        // Deregistered once: never twice.
        staking.deregister(1, deadline, _votes(_seeds(2, 2), 1, deadline));
        votes = _votes(_seeds(2, 2), 1, deadline);
        vm.expectRevert(_err(INodeStaking.StakingUnexpectedNodeState.selector, 1, INodeStaking.NodeState.Deregistered));
        staking.deregister(1, deadline, votes);
    }

    function test_RevertWhen_DeregisterVoteExpired() public {
        _activeNodes(3);
        uint256 deadline = block.timestamp - 1;
        INodeStaking.VoteSignature[] memory votes = _votes(_seeds(2, 2), 1, deadline);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingVoteExpired.selector, deadline, START));
        staking.deregister(1, deadline, votes);
    }

    function test_RevertWhen_DeregisterQuorumNotMet() public {
        _activeNodes(4);
        uint256 deadline = block.timestamp + 1 hours;
        INodeStaking.VoteSignature[] memory votes = _votes(_seeds(2, 1), 1, deadline);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingQuorumNotMet.selector, 1, REQ, 2 * REQ));
        staking.deregister(1, deadline, votes);
    }

    /// @dev Issue 15, item 1: votes weigh their node's stake. Once governance lowers the
    /// requirement to 1 SESH, six 1-SESH nodes cannot vote out four 25,000-SESH nodes (one
    /// vote per node, they were 6 of the 9 others: a quorum), and the expensive nodes keep
    /// their stake and their say.
    function test_RevertWhen_CheapNodesVoteOutExpensiveOnes() public {
        _activeNodes(4);
        vm.prank(gov);
        staking.setStakingRequirement(SESH);
        for (uint256 i = 11; i <= 16; ++i) {
            _createActive(i);
        }
        assertEq(staking.activeNodeCount(), 10);
        uint256 deadline = block.timestamp + 1 hours;
        uint256 required = (2 * (3 * REQ + 6 * SESH) + 2) / 3;
        for (uint256 target = 1; target <= 4; ++target) {
            INodeStaking.VoteSignature[] memory votes = _votes(_seeds(11, 6), target, deadline);
            vm.expectRevert(
                abi.encodeWithSelector(INodeStaking.StakingQuorumNotMet.selector, target, 6 * SESH, required)
            );
            staking.deregister(target, deadline, votes);
            assertTrue(_state(target) == INodeStaking.NodeState.Active);
            assertEq(staking.nodeInfo(target).totalStaked, REQ, "governance never touches existing stakes");
        }
        // Nor with one expensive node on their side.
        uint256[] memory seeds = _seeds(10, 7);
        seeds[0] = 2;
        INodeStaking.VoteSignature[] memory mixed = _votes(seeds, 1, deadline);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingQuorumNotMet.selector, 1, REQ + 6 * SESH, required));
        staking.deregister(1, deadline, mixed);

        // Three expensive nodes still vote out the fourth, and any cheap one (node 5, the
        // first of seed 11).
        assertEq(staking.requiredVotingStake(5), (2 * (4 * REQ + 5 * SESH) + 2) / 3);
        staking.deregister(5, deadline, _votes(_seeds(1, 3), 5, deadline));
        staking.deregister(4, deadline, _votes(_seeds(1, 3), 4, deadline));
        assertEq(staking.totalActiveStake(), 3 * REQ + 5 * SESH);
    }

    function test_RevertWhen_DeregisterLoneNode() public {
        _activeNodes(1);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingQuorumNotMet.selector, 1, 0, 1));
        staking.deregister(1, block.timestamp, new INodeStaking.VoteSignature[](0));
    }

    function test_RevertWhen_DeregisterVotesNotSortedOrDuplicated() public {
        _activeNodes(4);
        uint256 deadline = block.timestamp + 1 hours;
        INodeStaking.VoteSignature[] memory votes = _votes(_seeds(2, 2), 1, deadline);
        (votes[0], votes[1]) = (votes[1], votes[0]);
        address lower =
            vm.addr(_signerKey(2)) < vm.addr(_signerKey(3)) ? vm.addr(_signerKey(2)) : vm.addr(_signerKey(3));
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingVotersNotSorted.selector, 1, lower));
        staking.deregister(1, deadline, votes);
        votes[1] = votes[0];
        address higher = lower == vm.addr(_signerKey(2)) ? vm.addr(_signerKey(3)) : vm.addr(_signerKey(2));
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingVotersNotSorted.selector, 1, higher));
        staking.deregister(1, deadline, votes);
    }

    function test_RevertWhen_DeregisterInvalidSignature() public {
        _activeNodes(3);
        uint256 deadline = block.timestamp + 1 hours;
        INodeStaking.VoteSignature[] memory votes = _votes(_seeds(2, 2), 1, deadline);
        votes[1].r = bytes32(0);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingInvalidVoteSignature.selector, 1));
        staking.deregister(1, deadline, votes);
    }

    function test_RevertWhen_DeregisterVoterNotActive() public {
        _activeNodes(4);
        _createOpen(7, 0);
        vm.prank(_operator(4));
        staking.requestExit(4);
        uint256 deadline = block.timestamp + 1 hours;
        // The target's own signer, an open node's, an exited node's and a stranger: none counts.
        uint256[4] memory keys = [_signerKey(1), _signerKey(7), _signerKey(4), uint256(123)];
        for (uint256 k; k < keys.length; ++k) {
            INodeStaking.VoteSignature[] memory votes = new INodeStaking.VoteSignature[](2);
            votes[0] = _vote(keys[k], 1, deadline);
            votes[1] = _vote(keys[k] == _signerKey(1) ? _signerKey(2) : _signerKey(1), 1, deadline);
            vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingVoterNotActive.selector, 0, vm.addr(keys[k])));
            staking.deregister(1, deadline, votes);
        }
    }

    /// @dev The signer a vote recovers to under another digest.
    function _recover(bytes32 digest, INodeStaking.VoteSignature memory vote) internal pure returns (address) {
        uint8 v = uint8((uint256(vote.vs) >> 255) + 27);
        bytes32 s = bytes32(uint256(vote.vs) & ((1 << 255) - 1));
        return ecrecover(digest, v, vote.r, s);
    }

    function test_RevertWhen_DeregisterVotesReplayed() public {
        _activeNodes(4);
        uint256 deadline = block.timestamp + 1 hours;
        // Votes against node 2 do not deregister node 1: they recover to strangers.
        INodeStaking.VoteSignature[] memory votes = _votes(_seeds(3, 2), 2, deadline);
        address stranger = _recover(staking.deregistrationDigest(1, deadline), votes[0]);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingVoterNotActive.selector, 0, stranger));
        staking.deregister(1, deadline, votes);
        // Nor with another deadline.
        votes = _votes(_seeds(2, 2), 1, deadline);
        stranger = _recover(staking.deregistrationDigest(1, deadline + 1), votes[0]);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingVoterNotActive.selector, 0, stranger));
        staking.deregister(1, deadline + 1, votes);
        // Nor on another chain (the domain has the chain id).
        uint256 chain = block.chainid;
        vm.chainId(chain + 1);
        stranger = _recover(staking.deregistrationDigest(1, deadline), votes[0]);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingVoterNotActive.selector, 0, stranger));
        staking.deregister(1, deadline, votes);
        vm.chainId(chain);
        // Nor on another deployment (the domain has the contract).
        NodeStaking other = new NodeStaking(address(sesh), address(pool), REQ);
        assertTrue(other.deregistrationDigest(1, deadline) != staking.deregistrationDigest(1, deadline));
        staking.deregister(1, deadline, votes);
    }

    // ------------------------------------------------------------------ rewards

    function test_Rewards_SingleNode() public {
        _createActive(1);
        address op = _operator(1);
        _payFees(1_000 * SESH);
        assertEq(staking.pendingRewards(op), 1_000 * SESH, "includes unsynced fees");
        vm.expectEmit(true, false, false, true, address(staking));
        emit INodeStaking.RewardsClaimed(op, 1_000 * SESH);
        vm.expectEmit(true, false, false, true, address(pool));
        emit IRewardsPool.RewardPaid(op, 1_000 * SESH);
        vm.prank(op);
        uint256 paid = staking.claimRewards();
        assertEq(paid, 1_000 * SESH);
        assertEq(sesh.balanceOf(op), 1_000 * SESH);
        assertEq(pool.totalPaid(), 1_000 * SESH);
        assertEq(staking.pendingRewards(op), 0);
        vm.expectRevert(abi.encodeWithSelector(INodeStaking.StakingNoRewards.selector, op));
        vm.prank(op);
        staking.claimRewards();
    }

    function test_Rewards_FeesBeforeAnyActiveNodeGoToTheFirst() public {
        _payFees(500 * SESH);
        uint256 open = _createOpen(1, 0);
        assertEq(staking.pendingRewards(_operator(1)), 0, "open nodes earn nothing");
        _contribute(open, alice, REQ - REQ / 4);
        assertEq(staking.pendingRewards(_operator(1)) + staking.pendingRewards(alice), 500 * SESH);
        assertEq(staking.pendingRewards(alice), 375 * SESH);
    }

    function test_Rewards_OperatorFee() public {
        // Operator 25%, alice 75% at a 10% fee: alice weighs 67.5%, the operator 32.5%.
        uint256 nodeId = _createOpen(1, 1_000);
        _contribute(nodeId, alice, REQ - REQ / 4);
        (, uint256 aliceWeight,,) = staking.contributionOf(nodeId, alice);
        (, uint256 opWeight,,) = staking.contributionOf(nodeId, _operator(1));
        assertEq(aliceWeight, (REQ - REQ / 4) * 9 / 10);
        assertEq(opWeight, REQ - aliceWeight);
        _payFees(1_000 * SESH);
        assertEq(staking.pendingRewards(alice), 675 * SESH);
        assertEq(staking.pendingRewards(_operator(1)), 325 * SESH);
    }

    function test_Rewards_ProportionalToStakeAndTime() public {
        _createActive(1); // 25,000 SESH from t0
        _payFees(1_000 * SESH); // all to node 1
        vm.prank(gov);
        staking.setStakingRequirement(75_000 * SESH);
        _createActive(2); // 75,000 SESH from t1
        _payFees(1_000 * SESH); // 1:3
        vm.prank(_operator(1));
        staking.requestExit(1);
        _payFees(1_000 * SESH); // all to node 2
        assertEq(staking.pendingRewards(_operator(1)), 1_250 * SESH);
        // 75,000 SESH of weight at 1e27 precision: one unit of rounding dust stays in the pool.
        assertEq(staking.pendingRewards(_operator(2)), 1_750 * SESH - 1);
    }

    function test_Rewards_ClaimAfterExit() public {
        _createActive(1);
        _createActive(2);
        _payFees(1_000 * SESH);
        vm.prank(_operator(1));
        staking.requestExit(1);
        _payFees(1_000 * SESH);
        vm.warp(START + 20 days);
        vm.prank(_operator(1));
        assertEq(staking.claimRewards(), 500 * SESH);
        vm.prank(_operator(2));
        assertEq(staking.claimRewards(), 1_500 * SESH);
        assertEq(sesh.balanceOf(address(pool)), 0);
    }

    function test_Rewards_OneAccountManyNodes() public {
        // Alice backs two nodes: her weights add up and one claim pays both.
        uint256 a = _createOpen(1, 0);
        uint256 b = _createOpen(2, 0);
        _contribute(a, alice, REQ - REQ / 4);
        _contribute(b, alice, REQ - REQ / 4);
        assertEq(staking.rewardWeightOf(alice), 2 * (REQ - REQ / 4));
        _payFees(1_000 * SESH);
        vm.prank(alice);
        assertEq(staking.claimRewards(), 750 * SESH);
    }

    function test_Rewards_DustNeverOverpays() public {
        // Three equal nodes and a fee that does not divide by three.
        _activeNodes(3);
        _payFees(1_000);
        uint256 total;
        for (uint256 i = 1; i <= 3; ++i) {
            total += staking.pendingRewards(_operator(i));
            assertEq(staking.pendingRewards(_operator(i)), 333);
        }
        assertLe(total, 1_000, "sum of claims <= fees");
    }

    // ------------------------------------------------------------------ stray funds

    /// @dev Issue 15, item 6: SESH sent straight to the contract (not a stake) goes to the
    /// pool, and becomes stakers' rewards; stakes are never touched.
    function test_SweepUnowed_SendsStraySeshToThePool() public {
        uint256 open = _createOpen(1, 0);
        _contribute(open, alice, 5_000 * SESH);
        _createActive(2);
        uint256 held = REQ / 4 + 5_000 * SESH + REQ;
        _fund(carol, 123 * SESH);
        vm.prank(carol);
        sesh.transfer(address(staking), 123 * SESH);

        vm.expectEmit(false, false, false, true, address(staking));
        emit ISweepable.UnowedSwept(123 * SESH);
        vm.prank(makeAddr("anyone"));
        assertEq(staking.sweepUnowed(), 123 * SESH);
        assertEq(sesh.balanceOf(address(staking)), held, "the stakes stay");
        assertEq(sesh.balanceOf(address(pool)), 123 * SESH);
        assertEq(staking.pendingRewards(_operator(2)), 123 * SESH, "fees for the active stake");

        // Nothing left: a sweep does nothing, and says nothing.
        vm.recordLogs();
        assertEq(staking.sweepUnowed(), 0);
        assertEq(vm.getRecordedLogs().length, 0, "no event");
        assertEq(sesh.balanceOf(address(staking)), held);
    }

    /// @dev Stakes through every path (contribution, withdrawal, cancel, exit,
    /// deregistration and its penalty) are owed: a sweep sends none of them.
    function test_SweepUnowed_NeverTakesStakes() public {
        _activeNodes(4);
        uint256 open = _createOpen(10, 0);
        _contribute(open, alice, 5_000 * SESH);
        _contribute(open, bob, 5_000 * SESH);
        assertEq(staking.sweepUnowed(), 0, "open and active stakes");
        vm.warp(START + 1 days);
        vm.prank(alice);
        staking.withdrawContribution(open);
        vm.prank(_operator(10));
        staking.cancelNode(open);
        assertEq(staking.sweepUnowed(), 0, "bob's stake in the cancelled node");
        vm.prank(_operator(4));
        staking.requestExit(4);
        uint256 deadline = block.timestamp + 1 hours;
        staking.deregister(4, deadline, _votes(_seeds(1, 2), 4, deadline));
        assertEq(staking.sweepUnowed(), 0, "the penalty left, the rest is owed");
        sesh.faucet(address(staking), 7);
        assertEq(staking.sweepUnowed(), 7, "only the stray units");

        uint256 stakes = 3 * REQ + 5_000 * SESH + REQ - REQ * 20 / 10_000;
        assertEq(sesh.balanceOf(address(staking)), stakes);
        vm.prank(bob);
        staking.withdrawStake(open);
        vm.warp(START + 1 days + 30 days);
        vm.prank(_operator(4));
        staking.withdrawStake(4);
        assertEq(sesh.balanceOf(address(staking)), 3 * REQ, "every stake left in full");
        assertEq(staking.sweepUnowed(), 0);
    }

    /// @dev No function is payable and there is no `receive` or `fallback`: ETH is refused.
    function test_RevertWhen_SendingEth() public {
        vm.deal(address(this), 1 ether);
        (bool plain,) = address(staking).call{value: 1}("");
        assertFalse(plain, "plain transfer");
        (bool withCall,) = address(staking).call{value: 1}(abi.encodeCall(staking.sweepUnowed, ()));
        assertFalse(withCall, "with a call");
        assertEq(address(staking).balance, 0);
    }

    // ------------------------------------------------------------------ views

    function test_Ed25519Message() public view {
        bytes memory message = staking.ed25519Message(alice, bob);
        assertEq(message.length, 105);
        assertEq(
            message, abi.encodePacked("sesh-node-key", block.chainid, address(staking), alice, bob), "message layout"
        );
    }

    function test_DeregistrationDigest() public view {
        bytes32 domain = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("NodeStaking"),
                keccak256("1"),
                block.chainid,
                address(staking)
            )
        );
        bytes32 structHash = keccak256(abi.encode(keccak256("DeregisterNode(uint256 nodeId,uint256 deadline)"), 7, 99));
        assertEq(staking.deregistrationDigest(7, 99), keccak256(abi.encodePacked("\x19\x01", domain, structHash)));
    }

    function test_ActiveSetSwapAndPop() public {
        _activeNodes(4);
        vm.prank(_operator(2));
        staking.requestExit(2);
        uint256[] memory ids = staking.activeNodeIds();
        assertEq(ids.length, 3);
        assertEq(ids[0], 1);
        assertEq(ids[1], 4);
        assertEq(ids[2], 3);
        vm.prank(_operator(3));
        staking.requestExit(3);
        ids = staking.activeNodeIds();
        assertEq(ids.length, 2);
        assertEq(ids[1], 4);
        vm.prank(_operator(1));
        staking.requestExit(1);
        vm.prank(_operator(4));
        staking.requestExit(4);
        assertEq(staking.activeNodeCount(), 0);
        assertEq(staking.totalActiveStake(), 0);
    }

    function test_ActiveNodesPages() public {
        _activeNodes(5);
        vm.prank(_operator(2));
        staking.requestExit(2);
        uint256[] memory ids = staking.activeNodeIds();
        (INodeStaking.ActiveNode[] memory all, uint256 total) = staking.activeNodes(0, type(uint256).max);
        assertEq(total, 4);
        assertEq(all.length, 4);
        for (uint256 i; i < all.length; ++i) {
            INodeStaking.NodeInfo memory info = staking.nodeInfo(ids[i]);
            assertEq(all[i].nodeId, ids[i], "order of activeNodeIds");
            assertEq(all[i].ed25519Key, info.ed25519Key);
            assertEq(all[i].url, info.url);
        }
        (INodeStaking.ActiveNode[] memory page,) = staking.activeNodes(1, 2);
        assertEq(page.length, 2);
        assertEq(page[0].nodeId, ids[1]);
        assertEq(page[1].nodeId, ids[2]);
        (page,) = staking.activeNodes(3, 10);
        assertEq(page.length, 1, "the last page is short");
        assertEq(page[0].nodeId, ids[3]);
        (page, total) = staking.activeNodes(4, 10);
        assertEq(page.length, 0, "past the end");
        assertEq(total, 4);
        (page,) = staking.activeNodes(type(uint256).max, type(uint256).max);
        assertEq(page.length, 0);
        (page,) = staking.activeNodes(0, 0);
        assertEq(page.length, 0);
    }
}

/// @dev Fuzz tests of the contribution rules and the reward split, on a small
/// requirement so odd numbers (rounding) come up often.
contract NodeStakingFuzzTest is StakingFixture {
    function setUp() public {
        _deploy(REQ);
    }

    /// @dev Random contributions within the limits: the minimum is always the
    /// unreserved stake left over the open slots, rounded up, the total never
    /// exceeds the requirement, at most 10 contributors, activation exactly when full.
    function testFuzz_ContributionRules(uint256 requirement, uint256 operatorStake, uint256 seed) public {
        requirement = bound(requirement, staking.MIN_STAKING_REQUIREMENT(), 100_000 * SESH);
        vm.prank(gov);
        staking.setStakingRequirement(requirement);
        operatorStake = bound(operatorStake, (requirement + 3) / 4, requirement);
        uint256 nodeId = _create(_operator(1), _registration(1, operatorStake, 0));
        uint256 total = operatorStake;
        for (uint256 i; i < 9 && total < requirement; ++i) {
            address who = _operator(1_000 + i);
            (uint256 min, uint256 max) = staking.contributionLimits(nodeId, who);
            uint256 remaining = requirement - total;
            assertEq(max, remaining, "max is the rest");
            assertEq(min, (remaining + (9 - i) - 1) / (9 - i), "min is ceil(rest / open slots)");
            uint256 amount = bound(uint256(keccak256(abi.encode(seed, i))), min, max);
            _contribute(nodeId, who, amount);
            total += amount;
            assertLe(total, requirement, "never above the requirement");
        }
        INodeStaking.NodeInfo memory info = staking.nodeInfo(nodeId);
        assertEq(info.totalStaked, requirement);
        assertTrue(info.state == INodeStaking.NodeState.Active, "active when full");
        assertLe(info.contributorCount, 10, "at most 10 contributors");
        assertEq(sesh.balanceOf(address(staking)), requirement);
    }

    /// @dev Random reservations: each is checked in order against the stake left over
    /// the slots left; outsiders' minimum counts the unfilled reservations; the node
    /// fills exactly, reserved slots by their contributors only.
    function testFuzz_ReservationsCountTowardTheRules(uint256 reservedCount, uint256 seed) public {
        reservedCount = bound(reservedCount, 1, 9);
        uint256 operatorStake = bound(seed, REQ / 4, REQ / 2);
        INodeStaking.NodeRegistration memory r = _registration(1, operatorStake, 0);
        r.reservations = new INodeStaking.Reservation[](reservedCount);
        uint256 remaining = REQ - operatorStake;
        uint256 reservedTotal;
        for (uint256 i; i < reservedCount; ++i) {
            uint256 min = (remaining + (9 - i) - 1) / (9 - i);
            // The last reservation of nine must take the rest; others stay near their minimum.
            uint256 max = i == 8 ? remaining : (min + remaining) / 2;
            uint256 amount = bound(uint256(keccak256(abi.encode(seed, "reserve", i))), min, max);
            r.reservations[i] = INodeStaking.Reservation(_operator(500 + i), amount);
            remaining -= amount;
            reservedTotal += amount;
        }
        uint256 nodeId = _create(_operator(1), r);

        // Outsiders share what is not reserved, over the slots not reserved.
        uint256 openSlots = 9 - reservedCount;
        (uint256 outMin, uint256 outMax) = staking.contributionLimits(nodeId, _operator(999));
        if (openSlots == 0 || remaining == 0) {
            assertEq(outMax, 0, "no open slot");
        } else {
            assertEq(outMax, remaining, "outsiders' max");
            assertEq(outMin, (remaining + openSlots - 1) / openSlots, "outsiders' min");
        }
        // Fill: reserved contributors at their amounts, outsiders at their minimum.
        for (uint256 i; i < reservedCount; ++i) {
            (uint256 min,) = staking.contributionLimits(nodeId, _operator(500 + i));
            assertEq(min, r.reservations[i].amount, "reserved min");
            _contribute(nodeId, _operator(500 + i), min);
        }
        for (uint256 i; i < openSlots && _state(nodeId) == INodeStaking.NodeState.Open; ++i) {
            (uint256 min,) = staking.contributionLimits(nodeId, _operator(2_000 + i));
            _contribute(nodeId, _operator(2_000 + i), min);
        }
        INodeStaking.NodeInfo memory info = staking.nodeInfo(nodeId);
        assertTrue(info.state == INodeStaking.NodeState.Active, "fills exactly");
        assertEq(info.totalStaked, REQ);
        assertLe(info.contributorCount, 10, "at most 10 contributors");
        assertEq(reservedTotal + operatorStake + remaining, REQ);
    }

    /// @dev The operator's fee comes out of the others' rewards; weights sum to the
    /// stake; the split of any fee matches the weights and never overpays.
    function testFuzz_OperatorFeeSplit(uint256 feeBps, uint256 contributors, uint256 fees, uint256 seed) public {
        feeBps = bound(feeBps, 0, 10_000);
        contributors = bound(contributors, 0, 9);
        fees = bound(fees, 1, 1_000_000 * SESH);
        uint256 nodeId = _create(_operator(1), _registration(1, contributors == 0 ? REQ : REQ / 4, feeBps));
        for (uint256 i; i < contributors && _state(nodeId) == INodeStaking.NodeState.Open; ++i) {
            address who = _operator(1_000 + i);
            (uint256 min, uint256 max) = staking.contributionLimits(nodeId, who);
            uint256 amount = i == contributors - 1 ? max : bound(uint256(keccak256(abi.encode(seed, i))), min, max);
            _contribute(nodeId, who, amount);
        }
        assertTrue(_state(nodeId) == INodeStaking.NodeState.Active);
        _payFees(fees);

        INodeStaking.Contributor[] memory list = staking.contributorsOf(nodeId);
        uint256 weights;
        uint256 paid;
        for (uint256 i; i < list.length; ++i) {
            weights += list[i].weight;
            if (i > 0) assertEq(list[i].weight, list[i].stake * (10_000 - feeBps) / 10_000, "contributor weight");
            uint256 pending = staking.pendingRewards(list[i].account);
            uint256 exact = fees * list[i].weight / REQ;
            assertLe(pending, exact, "at most its share of the fees");
            assertLe(exact - pending, 1, "within a unit of it");
            paid += pending;
        }
        assertEq(weights, REQ, "weights sum to the stake");
        assertLe(paid, fees, "never more than the fees");
        assertLe(fees - paid, list.length, "at most one unit of dust each");
    }

    /// @dev Two nodes of different stakes, activated and exited at different times,
    /// fees at different times: each earns its stake's share of every fee that
    /// arrived while it was active.
    function testFuzz_RewardsProportionalToStakeAndTime(uint256 stakeB, uint256[4] memory fee) public {
        stakeB = bound(stakeB, SESH, 200_000 * SESH);
        for (uint256 i; i < 4; ++i) {
            fee[i] = bound(fee[i], 0, 100_000 * SESH);
        }
        _createActive(1); // REQ
        _payFees(fee[0]); // A alone
        vm.prank(gov);
        staking.setStakingRequirement(stakeB);
        _createActive(2);
        vm.warp(START + 1 days);
        _payFees(fee[1]); // A and B
        vm.warp(START + 2 days);
        _payFees(fee[2]); // A and B
        vm.prank(_operator(1));
        staking.requestExit(1);
        _payFees(fee[3]); // B alone
        uint256 both = fee[1] + fee[2];
        uint256 a = staking.pendingRewards(_operator(1));
        uint256 b = staking.pendingRewards(_operator(2));
        uint256 expectedA = fee[0] + both * REQ / (REQ + stakeB);
        uint256 expectedB = both * stakeB / (REQ + stakeB) + fee[3];
        assertLe(a, expectedA, "A never above its share");
        assertLe(b, expectedB, "B never above its share");
        assertLe(expectedA - a, 2, "A within rounding");
        assertLe(expectedB - b, 3, "B within rounding");
        assertLe(a + b, fee[0] + both + fee[3], "never more than received");
        if (b > 0) {
            vm.prank(_operator(2));
            staking.claimRewards();
        }
        assertEq(staking.pendingRewards(_operator(1)), a, "a claim by B leaves A's share");
    }
}

/// @dev Gas of each operation on its own, from fresh state set up in `setUp`:
/// 11 active nodes (so deregistration checks 7 votes), an open node, funded and
/// approved accounts, and fees waiting in the pool. `forge snapshot` records these.
contract NodeStakingGasTest is StakingFixture {
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    uint256 internal openNode;

    function setUp() public {
        _deploy(REQ);
        for (uint256 i = 1; i <= 11; ++i) {
            _createActive(i);
        }
        openNode = _createOpen(50, 500);
        _contribute(openNode, bob, 5_000 * SESH);
        _fund(alice, 2 * REQ);
        _payFees(1_000 * SESH);
        // The operator has claimed before (warm reward account, as in steady state).
        vm.prank(_operator(1));
        staking.claimRewards();
        _payFees(1_000 * SESH);
    }

    function test_Gas_CreateNode() public {
        INodeStaking.NodeRegistration memory r = _registration(60, REQ / 4, 500);
        vm.prank(alice);
        staking.createNode(r);
        vm.snapshotGasLastCall("createNode (25%, open)");
    }

    function test_Gas_Contribute() public {
        vm.prank(alice);
        staking.contribute(openNode, 5_000 * SESH);
        vm.snapshotGasLastCall("contribute");
    }

    function test_Gas_ContributeActivating() public {
        vm.prank(alice);
        staking.contribute(openNode, REQ - REQ / 4 - 5_000 * SESH);
        vm.snapshotGasLastCall("contribute (activates a 3-contributor node)");
    }

    function test_Gas_Claim() public {
        vm.prank(_operator(1));
        staking.claimRewards();
        vm.snapshotGasLastCall("claimRewards");
    }

    function test_Gas_RequestExit() public {
        vm.prank(_operator(1));
        staking.requestExit(1);
        vm.snapshotGasLastCall("requestExit");
    }

    function test_Gas_Deregister() public {
        uint256 deadline = block.timestamp + 1 hours;
        INodeStaking.VoteSignature[] memory votes = _votes(_seeds(2, 7), 1, deadline);
        staking.deregister(1, deadline, votes);
        vm.snapshotGasLastCall("deregister (7 of 10 votes)");
    }
}

/// @dev How deregistration scales with the active set: 101 active nodes, so
/// deregistering one checks 67 votes (compare {NodeStakingGasTest-test_Gas_Deregister}
/// with 7 of 10). See docs/staking.md ("Quorum").
contract NodeStakingGasScaleTest is StakingFixture {
    function setUp() public {
        _deploy(REQ);
        for (uint256 i = 1; i <= 101; ++i) {
            _createActive(i);
        }
    }

    function test_Gas_Deregister100() public {
        uint256 deadline = block.timestamp + 1 hours;
        INodeStaking.VoteSignature[] memory votes = _votes(_seeds(2, 67), 1, deadline);
        staking.deregister(1, deadline, votes);
        vm.snapshotGasLastCall("deregister (67 of 100 votes)");
    }
}
