// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Unlock times are the point of staking: every `block.timestamp` comparison below is
// intended (a sequencer skew of seconds is harmless against days-long locks).
// Every narrowing cast below is safe: amounts are bounded by their node's requirement
// (at most MAX_STAKING_REQUIREMENT = 1e15 < 2^96), fees by 10,000 (< 2^16), counts by
// 10 (< 2^8), node ids count up by one (< 2^160) and timestamps fit 48 bits for
// millions of years.
// forge-lint: disable-start(block-timestamp, unsafe-typecast)

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {INodeStaking} from "./interfaces/INodeStaking.sol";
import {IRewardsPool} from "./interfaces/IRewardsPool.sol";
import {ISweepable} from "./interfaces/ISweepable.sol";

/// @title NodeStaking
/// @notice Multi-contributor staking for registry nodes, and the RewardsPool's
/// distributor: every fee paid into the pool is shared by the stakers of active
/// nodes in proportion to stake and time, the operator's fee taken from the other
/// contributors' share. Active nodes holding two thirds of the other active stake
/// deregister misbehaving ones: votes are weighed by stake, not counted per node, so
/// nodes created cheaply after the requirement was lowered cannot out-vote the rest.
/// @dev Rewards use a global accumulator, lazily synced from the pool: nothing
/// loops over nodes or stakers when fees arrive or anyone claims.
///
/// - `_accRewardPerWeight` grows by `newFees * ACC_PRECISION / totalActiveStake`
///   at every sync, where `newFees = pool.totalReceived() - _lastAccountedReceived`.
///   With no active stake the fees stay unaccounted, for the next stakers.
/// - Reward weights are per account (summed over the active nodes it stakes in):
///   a non-operator contributor weighs `stake * (10_000 - feeBps) / 10_000`, the
///   operator the rest of the node's stake, so a node's weights sum to its stake.
/// - An account's reward debt is kept scaled (`weight * acc`, not divided), and
///   every payout rounds down, so the sum of all claims never exceeds what the
///   pool received.
/// - The accumulator is synced before every change of the active stake
///   (activation, exit, deregistration): the only loops are over one node's
///   contributors, at most {MAX_CONTRIBUTORS}.
///
/// Governance (two-step owner) can only set the stake requirement of new nodes,
/// within hard bounds; it can never move stakes or rewards. SESH sent here other than
/// as a stake belongs to no one; anyone may send it to the pool ({sweepUnowed}).
///
/// If you are overriding: every path that changes `_totalActiveStake` must call
/// {_syncRewards} first.
contract NodeStaking is INodeStaking, ISweepable, Ownable2Step, EIP712, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /*//////////////////////////////////////////////////////////////
                                CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @notice The default stake of a node: 25,000 SESH (9 decimals).
    uint256 public constant DEFAULT_STAKING_REQUIREMENT = 25_000e9;
    /// @notice The least stake governance may require: 1 SESH.
    uint256 public constant MIN_STAKING_REQUIREMENT = 1e9;
    /// @notice The most stake governance may require: 1,000,000 SESH.
    uint256 public constant MAX_STAKING_REQUIREMENT = 1_000_000e9;
    /// @notice Contributors of one node, the operator included.
    uint256 public constant MAX_CONTRIBUTORS = 10;
    /// @notice The operator's least share of the requirement: 1/4 (rounded up).
    uint256 public constant OPERATOR_MIN_SHARE_DIVISOR = 4;
    /// @notice The most an operator's fee can be: 100%.
    uint256 public constant MAX_FEE_BPS = 10_000;
    /// @notice The longest public URL, in bytes.
    uint256 public constant MAX_URL_LENGTH = 256;
    /// @notice How long a contribution to an open node stays before it can be withdrawn.
    uint256 public constant CONTRIBUTION_LOCK = 1 days;
    /// @notice How long after an exit request the stakes unlock.
    uint256 public constant EXIT_UNLOCK_DELAY = 15 days;
    /// @notice How long after a deregistration the stakes unlock.
    uint256 public constant DEREGISTRATION_LOCK = 30 days;
    /// @notice A contributor holding less than 1/{SMALL_CONTRIBUTOR_DIVISOR} of a node's stake
    /// is small: it may ask the node to exit only {SMALL_CONTRIBUTOR_EXIT_DELAY} after activation.
    uint256 public constant SMALL_CONTRIBUTOR_DIVISOR = 4;
    /// @notice How long after activation a small contributor must wait to ask for an exit.
    uint256 public constant SMALL_CONTRIBUTOR_EXIT_DELAY = 30 days;
    /// @notice The deregistration penalty, in basis points of the node's stake: 0.2%.
    uint256 public constant DEREGISTRATION_PENALTY_BPS = 20;
    /// @notice The fixed-point scale of the reward accumulator.
    uint256 public constant ACC_PRECISION = 1e27;
    /// @notice The EIP-712 type of a deregistration vote.
    bytes32 public constant DEREGISTER_TYPEHASH = keccak256("DeregisterNode(uint256 nodeId,uint256 deadline)");

    uint256 private constant _BPS = 10_000;
    bytes13 private constant _ED25519_DOMAIN = "sesh-node-key";

    /*//////////////////////////////////////////////////////////////
                                 STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @dev Five slots plus the URL. `openReserved*` count the reservations not yet filled.
    struct Node {
        // slot 0
        address operator;
        uint16 feeBps;
        NodeState state;
        uint8 openReservedSlots;
        uint48 activatedAt;
        // slot 1
        address signer;
        uint96 openReservedAmount;
        // slot 2
        uint96 requirement;
        uint96 totalStaked;
        uint48 unlockTime;
        // slot 3
        bytes32 ed25519Key;
        // slot 4..
        string url;
    }

    /// @dev One slot. `weight` is non-zero only while the node is active.
    struct Position {
        uint96 stake;
        uint96 weight;
        uint48 contributedAt;
    }

    /// @dev One slot.
    struct StoredReservation {
        address contributor;
        uint96 amount;
    }

    /// @dev One slot, so checking a vote costs one storage read: the voter's node and the
    /// stake it votes with (the node's stake while it is active, 0 otherwise).
    struct SignerRecord {
        uint160 nodeId;
        uint96 activeStake;
    }

    /// @dev `debt` is scaled by {ACC_PRECISION}: what `weight` had earned, times the
    /// precision, when last settled.
    struct RewardAccount {
        uint128 weight;
        uint128 unclaimed;
        uint256 debt;
    }

    IERC20 private immutable _sesh;
    IRewardsPool private immutable _pool;

    uint256 private _stakingRequirement;
    uint256 private _nodeCount;
    /// @dev The sum of every node's `totalStaked`: the SESH this contract owes.
    uint256 private _totalHeld;

    uint256 private _accRewardPerWeight;
    uint256 private _lastAccountedReceived;
    uint256 private _totalActiveStake;

    uint256[] private _activeNodes;
    mapping(uint256 nodeId => uint256 indexPlusOne) private _activeSlot;

    // Written through storage pointers (`Node storage node = _nodes[id]`), which Slither misses.
    // slither-disable-next-line uninitialized-state
    mapping(uint256 nodeId => Node) private _nodes;
    mapping(uint256 nodeId => address[]) private _contributors;
    mapping(uint256 nodeId => mapping(address account => Position)) private _positions;
    mapping(uint256 nodeId => StoredReservation[]) private _reservations;
    mapping(bytes32 ed25519Key => uint256 nodeId) private _nodeOfKey;
    mapping(address signer => SignerRecord) private _signers;
    // slither-disable-next-line uninitialized-state
    mapping(address account => RewardAccount) private _accounts;

    /*//////////////////////////////////////////////////////////////
                               CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @param sesh_ The SESH token.
    /// @param rewardsPool_ The RewardsPool; wire this contract as its distributor after deployment.
    /// @param stakingRequirement_ The stake of new nodes ({DEFAULT_STAKING_REQUIREMENT} in production).
    /// @dev The deployer is the first owner; hand it to governance with
    /// {Ownable2Step-transferOwnership}. Emits a {StakingRequirementSet} event.
    ///
    /// Requirements:
    /// - no address is zero;
    /// - the pool pays in `sesh_`;
    /// - `stakingRequirement_` is within the hard bounds.
    constructor(address sesh_, address rewardsPool_, uint256 stakingRequirement_)
        Ownable(msg.sender)
        EIP712("NodeStaking", "1")
    {
        if (sesh_ == address(0) || rewardsPool_ == address(0)) revert StakingZeroAddress();
        address poolToken = IRewardsPool(rewardsPool_).sesh();
        if (poolToken != sesh_) revert StakingPoolTokenMismatch(poolToken, sesh_);
        _sesh = IERC20(sesh_);
        _pool = IRewardsPool(rewardsPool_);
        _setStakingRequirement(stakingRequirement_);
    }

    /*//////////////////////////////////////////////////////////////
                                  NODES
    //////////////////////////////////////////////////////////////*/

    /// @notice Creates a node and stakes the operator's contribution (pulled with
    /// `transferFrom`: approve first). The node activates at once if the operator
    /// stakes the whole requirement.
    /// @dev The node takes the current {stakingRequirement} for good. The Ed25519
    /// signature is stored only in the event: registry nodes check it off chain
    /// against {ed25519Message} and ignore a node whose signature fails.
    /// Reservations are checked in order, as if each reserved contributor staked
    /// its amount right after the operator: each must be at least the stake left
    /// divided by the slots left, rounded up.
    ///
    /// Emits a {NodeCreated} event, a {SlotReserved} event per reservation, a
    /// {Contributed} event, and a {NodeActivated} event when the stake is full.
    ///
    /// Requirements:
    /// - `ed25519Key` is not zero nor the key of an open or active node;
    /// - `ed25519Signature` is 64 bytes;
    /// - `signer` is not zero nor the signer of an open or active node;
    /// - `url` is 1 to {MAX_URL_LENGTH} bytes;
    /// - `feeBps` is at most {MAX_FEE_BPS};
    /// - at most `MAX_CONTRIBUTORS - 1` reservations, for distinct addresses other
    ///   than zero and the caller, each within its bounds;
    /// - `operatorStake` is at least a quarter of the requirement (rounded up) and at
    ///   most the requirement;
    /// - the caller approved this contract for `operatorStake` SESH.
    function createNode(NodeRegistration calldata registration) external virtual nonReentrant returns (uint256 nodeId) {
        _checkRegistration(registration);
        uint256 requirement = _stakingRequirement;
        uint256 operatorStake = registration.operatorStake;
        uint256 minOperator = Math.ceilDiv(requirement, OPERATOR_MIN_SHARE_DIVISOR);
        if (operatorStake < minOperator || operatorStake > requirement) {
            revert StakingOperatorStakeOutOfRange(operatorStake, minOperator, requirement);
        }

        nodeId = ++_nodeCount;
        Node storage node = _nodes[nodeId];
        node.operator = msg.sender;
        node.feeBps = uint16(registration.feeBps);
        node.state = NodeState.Open;
        node.signer = registration.signer;
        node.requirement = uint96(requirement);
        node.ed25519Key = registration.ed25519Key;
        node.url = registration.url;
        _nodeOfKey[registration.ed25519Key] = nodeId;
        _signers[registration.signer] = SignerRecord({nodeId: uint160(nodeId), activeStake: 0});
        emit NodeCreated(
            nodeId,
            msg.sender,
            registration.ed25519Key,
            registration.ed25519Signature,
            registration.signer,
            registration.url,
            registration.feeBps,
            requirement
        );

        _reserve(nodeId, node, registration.reservations, requirement - operatorStake);
        _contribute(nodeId, node, operatorStake);
    }

    /// @notice Stakes `amount` SESH (pulled with `transferFrom`) in the open node
    /// `nodeId`. The node activates when its stake is full.
    /// @dev See {contributionLimits} for the bounds. A reserved contributor fills its
    /// own slot and must stake at least its reserved amount; everyone else takes an
    /// open slot and must stake at least the unreserved stake left divided by the
    /// open slots, rounded up.
    ///
    /// Emits a {Contributed} event, and a {NodeActivated} event when the stake is full.
    ///
    /// Requirements:
    /// - the node is open;
    /// - the caller holds no position in it;
    /// - a slot is open to the caller (its reserved slot, or an unreserved one);
    /// - `amount` is within {contributionLimits};
    /// - the caller approved this contract for `amount` SESH.
    function contribute(uint256 nodeId, uint256 amount) external virtual nonReentrant {
        Node storage node = _nodes[nodeId];
        if (node.state != NodeState.Open) revert StakingUnexpectedNodeState(nodeId, node.state);
        if (_positions[nodeId][msg.sender].stake != 0) revert StakingAlreadyContributed(nodeId, msg.sender);
        (uint256 min, uint256 max, uint256 reserved) = _limits(nodeId, node, msg.sender);
        if (max == 0) revert StakingNoOpenSlot(nodeId);
        if (amount < min || amount > max) revert StakingContributionOutOfRange(nodeId, amount, min, max);
        if (reserved != 0) {
            // Cannot underflow: `reserved` is one of the open reservations counted in both.
            unchecked {
                node.openReservedSlots -= 1;
                node.openReservedAmount -= uint96(reserved);
            }
        }
        _contribute(nodeId, node, amount);
    }

    /// @notice Takes the caller's whole contribution back out of the open node `nodeId`,
    /// freeing its slot (a reserved slot stays reserved for its contributor).
    /// @dev Emits a {ContributionWithdrawn} event.
    ///
    /// Requirements:
    /// - the node is open;
    /// - the caller holds a stake in it and is not its operator (who cancels instead);
    /// - {CONTRIBUTION_LOCK} has passed since the caller contributed.
    function withdrawContribution(uint256 nodeId) external virtual nonReentrant {
        Node storage node = _nodes[nodeId];
        if (node.state != NodeState.Open) revert StakingUnexpectedNodeState(nodeId, node.state);
        Position storage position = _positions[nodeId][msg.sender];
        uint256 amount = position.stake;
        if (amount == 0) revert StakingNoStake(nodeId, msg.sender);
        if (msg.sender == node.operator) revert StakingOperatorCannotWithdraw(nodeId);
        uint256 unlock = position.contributedAt + CONTRIBUTION_LOCK;
        if (block.timestamp < unlock) revert StakingStakeLocked(nodeId, msg.sender, unlock);

        delete _positions[nodeId][msg.sender];
        _removeContributor(nodeId, msg.sender);
        // Cannot underflow: `amount` is part of the node's total, itself part of `_totalHeld`.
        unchecked {
            node.totalStaked -= uint96(amount);
            _totalHeld -= amount;
        }
        uint256 reserved = _reservedAmount(nodeId, msg.sender);
        if (reserved != 0) {
            node.openReservedSlots += 1;
            node.openReservedAmount += uint96(reserved);
        }
        emit ContributionWithdrawn(nodeId, msg.sender, amount);
        _sesh.safeTransfer(msg.sender, amount);
    }

    /// @notice Cancels the open node `nodeId`: its Ed25519 key and signer are freed,
    /// the operator's stake comes back in this transaction and every other
    /// contributor can take its stake back at once with {withdrawStake}.
    /// @dev Refunds are pulled, so one contributor cannot block the others.
    ///
    /// Emits a {NodeCancelled} event and a {StakeWithdrawn} event for the operator.
    ///
    /// Requirements:
    /// - the node is open;
    /// - the caller is its operator.
    function cancelNode(uint256 nodeId) external virtual nonReentrant {
        Node storage node = _nodes[nodeId];
        if (node.state != NodeState.Open) revert StakingUnexpectedNodeState(nodeId, node.state);
        if (msg.sender != node.operator) revert StakingNotOperator(nodeId, msg.sender);
        node.state = NodeState.Cancelled;
        node.unlockTime = uint48(block.timestamp);
        _releaseIdentity(node);
        emit NodeCancelled(nodeId);
        _withdrawStake(nodeId, node, msg.sender);
    }

    /// @notice Takes the active node `nodeId` out of the active set at once (it stops
    /// earning); every contributor's stake unlocks {EXIT_UNLOCK_DELAY} later. Any
    /// contributor may ask, a small one (less than a quarter of the stake) only from
    /// {SMALL_CONTRIBUTOR_EXIT_DELAY} after the node activated ({exitAllowedFrom}).
    /// @dev The delay is Session's rule: without it, a contributor with the smallest
    /// share could take a node down in the block it activates, locking everyone else's
    /// stake for 15 days without rewards, again and again. Until the unlock, the node
    /// can still be deregistered with votes gathered against it (so an exit cannot
    /// dodge the penalty).
    ///
    /// Emits an {ExitRequested} event.
    ///
    /// Requirements:
    /// - the node is active;
    /// - the caller is one of its contributors;
    /// - the caller holds at least a quarter of the node's stake (rounded up), or the
    ///   node activated at least {SMALL_CONTRIBUTOR_EXIT_DELAY} ago.
    function requestExit(uint256 nodeId) external virtual nonReentrant {
        Node storage node = _nodes[nodeId];
        if (node.state != NodeState.Active) revert StakingUnexpectedNodeState(nodeId, node.state);
        uint256 stake = _positions[nodeId][msg.sender].stake;
        if (stake == 0) revert StakingNoStake(nodeId, msg.sender);
        uint256 allowedFrom = _exitAllowedFrom(node, stake);
        if (block.timestamp < allowedFrom) {
            revert StakingSmallContributorExitTooEarly(
                nodeId, msg.sender, stake, Math.ceilDiv(node.requirement, SMALL_CONTRIBUTOR_DIVISOR), allowedFrom
            );
        }
        _deactivate(nodeId, node);
        uint256 unlock = block.timestamp + EXIT_UNLOCK_DELAY;
        node.state = NodeState.Exited;
        node.unlockTime = uint48(unlock);
        emit ExitRequested(nodeId, msg.sender, unlock);
    }

    /// @notice Deregisters node `nodeId` on the votes of active nodes holding at least
    /// two thirds (rounded up) of the active stake other than the node's own: it stops
    /// earning, pays {DEREGISTRATION_PENALTY_BPS} of its stake to the RewardsPool (pro
    /// rata from its contributors, rounding to the operator) and its stakes unlock
    /// {DEREGISTRATION_LOCK} from now. Anyone may submit the votes.
    /// @dev Each vote is an EIP-712 `DeregisterNode(nodeId, deadline)` signature
    /// ({deregistrationDigest}) by the signer of an active node other than the
    /// target, and weighs that node's stake; votes are sorted by signer, strictly
    /// ascending, so no node counts twice. Weighing by stake (not one vote per node)
    /// is what keeps the quorum meaningful when governance changes the requirement:
    /// nodes keep the stake they were created with, so after the requirement drops a
    /// thousand cheap nodes hold a thousand cheap votes' worth of stake, not a
    /// majority. {requiredVotingStake} is the bar (at least 1, so a lone active node
    /// cannot be deregistered). A node that requested exit can still be deregistered
    /// until its unlock time.
    ///
    /// Emits a {NodeDeregistered} event.
    ///
    /// Requirements:
    /// - `deadline` has not passed;
    /// - the node is active, or exited and not yet unlocked;
    /// - the votes are valid signatures by the signers of distinct active nodes other
    ///   than the target, sorted by signer, whose stakes add up to at least
    ///   {requiredVotingStake}.
    function deregister(uint256 nodeId, uint256 deadline, VoteSignature[] calldata votes)
        external
        virtual
        nonReentrant
    {
        if (block.timestamp > deadline) revert StakingVoteExpired(deadline, block.timestamp);
        Node storage node = _nodes[nodeId];
        NodeState state = node.state;
        bool active = state == NodeState.Active;
        if (!active && !(state == NodeState.Exited && block.timestamp < node.unlockTime)) {
            revert StakingUnexpectedNodeState(nodeId, state);
        }
        _checkVotes(nodeId, node, deadline, votes);
        if (active) _deactivate(nodeId, node);

        uint256 penalty = _applyPenalty(nodeId, node);
        // Cannot underflow: the penalty is part of the node's total, itself part of `_totalHeld`.
        unchecked {
            _totalHeld -= penalty;
        }
        uint256 unlock = block.timestamp + DEREGISTRATION_LOCK;
        node.state = NodeState.Deregistered;
        node.unlockTime = uint48(unlock);
        emit NodeDeregistered(nodeId, penalty, unlock);
        if (penalty != 0) _sesh.safeTransfer(address(_pool), penalty);
    }

    /// @notice Withdraws the caller's whole stake from node `nodeId` once it is unlocked:
    /// after an exit, a deregistration (less the penalty) or a cancellation.
    /// @dev Emits a {StakeWithdrawn} event.
    ///
    /// Requirements:
    /// - the node is exited, deregistered or cancelled;
    /// - its unlock time has come;
    /// - the caller holds a stake in it.
    function withdrawStake(uint256 nodeId) external virtual nonReentrant {
        Node storage node = _nodes[nodeId];
        NodeState state = node.state;
        if (state != NodeState.Exited && state != NodeState.Deregistered && state != NodeState.Cancelled) {
            revert StakingUnexpectedNodeState(nodeId, state);
        }
        if (block.timestamp < node.unlockTime) revert StakingStakeLocked(nodeId, msg.sender, node.unlockTime);
        _withdrawStake(nodeId, node, msg.sender);
    }

    /// @notice Pays the caller every reward it has earned, over all its nodes, from
    /// the RewardsPool. Works at any time, also after exit or deregistration (for
    /// what was earned before).
    /// @dev Syncs the accumulator first. Emits a {RewardsClaimed} event (and the pool's
    /// {IRewardsPool-RewardPaid}).
    ///
    /// Requirements:
    /// - the caller has rewards to claim.
    function claimRewards() external virtual nonReentrant returns (uint256 amount) {
        uint256 acc = _syncRewards();
        RewardAccount storage account = _accounts[msg.sender];
        _accrue(account, acc);
        amount = account.unclaimed;
        if (amount == 0) revert StakingNoRewards(msg.sender);
        account.unclaimed = 0;
        emit RewardsClaimed(msg.sender, amount);
        _pool.payReward(msg.sender, amount);
    }

    /// @notice Sends the SESH this contract holds beyond the stakes it owes (SESH sent to it
    /// directly rather than through {createNode} or {contribute}, which no one could
    /// otherwise take out) to the RewardsPool, where it becomes stakers' fees, and returns
    /// how much. Anyone may call it.
    /// @dev Stakes are never touched: afterwards the balance is exactly the sum of every
    /// node's `totalStaked`, counted as stakes come and go. A sweep of nothing does nothing
    /// and returns 0.
    ///
    /// Emits an {ISweepable-UnowedSwept} event (and the token's `Transfer` into the pool)
    /// when it sends anything.
    function sweepUnowed() external virtual nonReentrant returns (uint256 amount) {
        uint256 balance = _sesh.balanceOf(address(this));
        uint256 held = _totalHeld;
        if (balance <= held) return 0;
        // Cannot underflow: checked above.
        unchecked {
            amount = balance - held;
        }
        emit UnowedSwept(amount);
        _sesh.safeTransfer(address(_pool), amount);
    }

    /*//////////////////////////////////////////////////////////////
                               GOVERNANCE
    //////////////////////////////////////////////////////////////*/

    /// @notice Sets the stake required of nodes created from now on; existing nodes
    /// keep theirs.
    /// @dev Emits a {StakingRequirementSet} event.
    ///
    /// Requirements:
    /// - the caller is the owner;
    /// - `requirement` is within [{MIN_STAKING_REQUIREMENT}, {MAX_STAKING_REQUIREMENT}].
    function setStakingRequirement(uint256 requirement) external virtual onlyOwner {
        _setStakingRequirement(requirement);
    }

    /*//////////////////////////////////////////////////////////////
                                  VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc INodeStaking
    /// @dev The token stakes and rewards are paid in.
    function sesh() external view returns (address) {
        return address(_sesh);
    }

    /// @inheritdoc INodeStaking
    /// @dev This contract is its distributor.
    function rewardsPool() external view returns (address) {
        return address(_pool);
    }

    /// @inheritdoc INodeStaking
    /// @dev In SESH base units (9 decimals).
    function stakingRequirement() external view returns (uint256) {
        return _stakingRequirement;
    }

    /// @inheritdoc INodeStaking
    /// @dev Every id from 1 to this one exists.
    function nodeCount() external view returns (uint256) {
        return _nodeCount;
    }

    /// @inheritdoc INodeStaking
    /// @dev All zeros (state `None`) for an id never created. `totalStaked` is what
    /// the node still holds (less withdrawals and the penalty); `unlockTime` is 0
    /// while open or active.
    function nodeInfo(uint256 nodeId) external view returns (NodeInfo memory info) {
        Node storage node = _nodes[nodeId];
        info = NodeInfo({
            operator: node.operator,
            ed25519Key: node.ed25519Key,
            signer: node.signer,
            url: node.url,
            feeBps: node.feeBps,
            requirement: node.requirement,
            totalStaked: node.totalStaked,
            state: node.state,
            activatedAt: node.activatedAt,
            unlockTime: node.unlockTime,
            contributorCount: _contributors[nodeId].length
        });
    }

    /// @inheritdoc INodeStaking
    /// @dev At most {MAX_CONTRIBUTORS} entries; a contributor who withdrew after an
    /// exit, deregistration or cancellation stays listed with a zero stake.
    function contributorsOf(uint256 nodeId) external view returns (Contributor[] memory list) {
        address[] storage accounts = _contributors[nodeId];
        list = new Contributor[](accounts.length);
        for (uint256 i; i < accounts.length; ++i) {
            Position storage position = _positions[nodeId][accounts[i]];
            list[i] = Contributor({
                account: accounts[i],
                stake: position.stake,
                weight: position.weight,
                contributedAt: position.contributedAt
            });
        }
    }

    /// @inheritdoc INodeStaking
    /// @dev A reservation is filled while its contributor holds a stake in the node.
    function reservationsOf(uint256 nodeId)
        external
        view
        returns (Reservation[] memory reservations, bool[] memory filled)
    {
        StoredReservation[] storage stored = _reservations[nodeId];
        reservations = new Reservation[](stored.length);
        filled = new bool[](stored.length);
        for (uint256 i; i < stored.length; ++i) {
            reservations[i] = Reservation({contributor: stored[i].contributor, amount: stored[i].amount});
            filled[i] = _positions[nodeId][stored[i].contributor].stake != 0;
        }
    }

    /// @inheritdoc INodeStaking
    /// @dev `unlockTime` is when the stake can leave: for an open node the end of
    /// {CONTRIBUTION_LOCK} (0 for the operator, who cancels instead); 0 while the
    /// node is active (not yet known); the node's unlock time once it exited, was
    /// deregistered or cancelled. All zeros when `account` holds no stake.
    function contributionOf(uint256 nodeId, address account)
        external
        view
        returns (uint256 stake, uint256 weight, uint256 contributedAt, uint256 unlockTime)
    {
        Position storage position = _positions[nodeId][account];
        stake = position.stake;
        if (stake == 0) return (0, 0, 0, 0);
        weight = position.weight;
        contributedAt = position.contributedAt;
        Node storage node = _nodes[nodeId];
        NodeState state = node.state;
        if (state == NodeState.Open) {
            unlockTime = account == node.operator ? 0 : contributedAt + CONTRIBUTION_LOCK;
        } else if (state != NodeState.Active) {
            unlockTime = node.unlockTime;
        }
    }

    /// @inheritdoc INodeStaking
    /// @dev `(0, 0)` when `account` cannot contribute now (node not open, already a
    /// contributor, or no slot open to it). For a reserved contributor `min` is its
    /// reserved amount.
    function contributionLimits(uint256 nodeId, address account) external view returns (uint256 min, uint256 max) {
        Node storage node = _nodes[nodeId];
        if (node.state != NodeState.Open || _positions[nodeId][account].stake != 0) return (0, 0);
        (min, max,) = _limits(nodeId, node, account);
        if (max == 0) min = 0;
    }

    /// @inheritdoc INodeStaking
    /// @dev Includes the fees that reached the pool since the last sync.
    function pendingRewards(address account) external view returns (uint256) {
        uint256 acc = _accRewardPerWeight;
        uint256 totalWeight = _totalActiveStake;
        if (totalWeight != 0) {
            acc += Math.mulDiv(_pool.totalReceived() - _lastAccountedReceived, ACC_PRECISION, totalWeight);
        }
        RewardAccount storage rewardAccount = _accounts[account];
        return rewardAccount.unclaimed + (rewardAccount.weight * acc - rewardAccount.debt) / ACC_PRECISION;
    }

    /// @inheritdoc INodeStaking
    /// @dev Its share of the fees is this over {totalActiveStake}.
    function rewardWeightOf(address account) external view returns (uint256) {
        return _accounts[account].weight;
    }

    /// @inheritdoc INodeStaking
    /// @dev Swap-and-pop: the order changes when a node leaves.
    function activeNodeIds() external view returns (uint256[] memory) {
        return _activeNodes;
    }

    /// @inheritdoc INodeStaking
    /// @dev The length of {activeNodeIds}.
    function activeNodeCount() external view returns (uint256) {
        return _activeNodes.length;
    }

    /// @inheritdoc INodeStaking
    /// @dev In the order of {activeNodeIds}; a `start` at or past the end gives an empty page.
    function activeNodes(uint256 start, uint256 count) external view returns (ActiveNode[] memory page, uint256 total) {
        total = _activeNodes.length;
        uint256 size = start >= total ? 0 : Math.min(count, total - start);
        page = new ActiveNode[](size);
        for (uint256 i; i < size; ++i) {
            uint256 nodeId = _activeNodes[start + i];
            Node storage node = _nodes[nodeId];
            page[i] = ActiveNode({nodeId: nodeId, ed25519Key: node.ed25519Key, url: node.url});
        }
    }

    /// @inheritdoc INodeStaking
    /// @dev The sum of the active nodes' requirements.
    function totalActiveStake() external view returns (uint256) {
        return _totalActiveStake;
    }

    /// @inheritdoc INodeStaking
    /// @dev Keys are freed when a node exits, is deregistered or is cancelled.
    function nodeIdOfEd25519Key(bytes32 ed25519Key) external view returns (uint256) {
        return _nodeOfKey[ed25519Key];
    }

    /// @inheritdoc INodeStaking
    /// @dev Signers are freed when a node exits, is deregistered or is cancelled.
    function nodeIdOfSigner(address signer) external view returns (uint256) {
        return _signers[signer].nodeId;
    }

    /// @inheritdoc INodeStaking
    /// @dev 105 bytes: `"sesh-node-key"` (13 ASCII bytes) ‖ chain id (32 bytes, big
    /// endian) ‖ this contract (20) ‖ `operator` (20) ‖ `signer` (20).
    function ed25519Message(address operator, address signer) public view returns (bytes memory) {
        return abi.encodePacked(_ED25519_DOMAIN, block.chainid, address(this), operator, signer);
    }

    /// @inheritdoc INodeStaking
    /// @dev Domain: name "NodeStaking", version "1", this chain and contract.
    function deregistrationDigest(uint256 nodeId, uint256 deadline) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(DEREGISTER_TYPEHASH, nodeId, deadline)));
    }

    /// @inheritdoc INodeStaking
    /// @dev `ceil(2s / 3)`, at least 1, where `s` is {totalActiveStake} less the node's own
    /// stake if it is active. In SESH base units.
    function requiredVotingStake(uint256 nodeId) public view returns (uint256) {
        return _requiredVotingStake(_nodes[nodeId]);
    }

    /// @inheritdoc INodeStaking
    /// @dev The activation time for a contributor holding at least
    /// `ceil(requirement / SMALL_CONTRIBUTOR_DIVISOR)`, {SMALL_CONTRIBUTOR_EXIT_DELAY} after it otherwise.
    function exitAllowedFrom(uint256 nodeId, address account) external view returns (uint256) {
        Node storage node = _nodes[nodeId];
        uint256 stake = _positions[nodeId][account].stake;
        if (node.state != NodeState.Active || stake == 0) return 0;
        return _exitAllowedFrom(node, stake);
    }

    /*//////////////////////////////////////////////////////////////
                            INTERNAL: NODES
    //////////////////////////////////////////////////////////////*/

    /// @dev Checks the identity, URL and fee of a registration.
    function _checkRegistration(NodeRegistration calldata registration) internal view virtual {
        bytes32 key = registration.ed25519Key;
        if (key == bytes32(0)) revert StakingInvalidEd25519Key(key);
        uint256 holder = _nodeOfKey[key];
        if (holder != 0) revert StakingEd25519KeyInUse(key, holder);
        if (registration.ed25519Signature.length != 64) {
            revert StakingInvalidEd25519SignatureLength(registration.ed25519Signature.length);
        }
        address signer = registration.signer;
        if (signer == address(0)) revert StakingInvalidSigner(signer);
        holder = _signers[signer].nodeId;
        if (holder != 0) revert StakingSignerInUse(signer, holder);
        uint256 urlLength = bytes(registration.url).length;
        if (urlLength == 0 || urlLength > MAX_URL_LENGTH) revert StakingInvalidUrlLength(urlLength, MAX_URL_LENGTH);
        if (registration.feeBps > MAX_FEE_BPS) revert StakingFeeTooHigh(registration.feeBps, MAX_FEE_BPS);
    }

    /// @dev Stores the reservations of a new node, checking each in order against
    /// the stake left (`remaining`) and the slots left.
    function _reserve(uint256 nodeId, Node storage node, Reservation[] calldata reservations, uint256 remaining)
        internal
        virtual
    {
        uint256 count = reservations.length;
        if (count > MAX_CONTRIBUTORS - 1) revert StakingTooManyReservations(count, MAX_CONTRIBUTORS - 1);
        uint256 reservedTotal = 0;
        for (uint256 i; i < count; ++i) {
            address contributor = reservations[i].contributor;
            if (contributor == address(0) || contributor == msg.sender) {
                revert StakingInvalidReservedContributor(i, contributor);
            }
            for (uint256 j; j < i; ++j) {
                if (reservations[j].contributor == contributor) {
                    revert StakingInvalidReservedContributor(i, contributor);
                }
            }
            uint256 amount = reservations[i].amount;
            uint256 min = Math.max(Math.ceilDiv(remaining, MAX_CONTRIBUTORS - 1 - i), 1);
            if (amount < min || amount > remaining) revert StakingReservedAmountOutOfRange(i, amount, min, remaining);
            // Cannot underflow: checked just above.
            unchecked {
                remaining -= amount;
            }
            reservedTotal += amount;
            _reservations[nodeId].push(StoredReservation({contributor: contributor, amount: uint96(amount)}));
            emit SlotReserved(nodeId, contributor, amount);
        }
        node.openReservedSlots = uint8(count);
        node.openReservedAmount = uint96(reservedTotal);
    }

    /// @dev The bounds on what `account` (with no position yet) may stake in the open
    /// node now, and its reserved amount (0 if none). `max == 0` means no slot is open to it.
    ///
    /// `free` is the stake missing beyond the open reservations; `taken` the slots filled
    /// or reserved. An outsider takes an unreserved slot with at least `free` over the
    /// unreserved slots left, so the last of them takes all of `free`. A reserved
    /// contributor stakes its amount and up to all of `free`; when no unreserved slot is
    /// left it must take all of `free` (nobody else could), so a node never has ten
    /// contributors and a stake short. (`free` with no unreserved slot left arises when a
    /// reserved contributor staked above its amount, then withdrew.)
    function _limits(uint256 nodeId, Node storage node, address account)
        internal
        view
        virtual
        returns (uint256 min, uint256 max, uint256 reserved)
    {
        uint256 free;
        // Cannot underflow: open reservations are part of the stake still missing.
        unchecked {
            free = node.requirement - node.totalStaked - node.openReservedAmount;
        }
        uint256 taken = _contributors[nodeId].length + node.openReservedSlots;
        reserved = _reservedAmount(nodeId, account);
        if (reserved != 0) {
            max = reserved + free;
            return (taken < MAX_CONTRIBUTORS ? reserved : max, max, reserved);
        }
        if (taken >= MAX_CONTRIBUTORS || free == 0) return (0, 0, 0);
        return (Math.ceilDiv(free, MAX_CONTRIBUTORS - taken), free, 0);
    }

    /// @dev `account`'s reserved amount in node `nodeId`, or 0.
    function _reservedAmount(uint256 nodeId, address account) internal view virtual returns (uint256) {
        StoredReservation[] storage reservations = _reservations[nodeId];
        for (uint256 i; i < reservations.length; ++i) {
            if (reservations[i].contributor == account) return reservations[i].amount;
        }
        return 0;
    }

    /// @dev Records the caller's stake, pulls the SESH from the caller and activates the node when full.
    function _contribute(uint256 nodeId, Node storage node, uint256 amount) internal virtual {
        _positions[nodeId][msg.sender] =
            Position({stake: uint96(amount), weight: 0, contributedAt: uint48(block.timestamp)});
        _contributors[nodeId].push(msg.sender);
        uint256 total = node.totalStaked + amount;
        node.totalStaked = uint96(total);
        _totalHeld += amount;
        emit Contributed(nodeId, msg.sender, amount);
        _sesh.safeTransferFrom(msg.sender, address(this), amount);
        if (total == node.requirement) _activate(nodeId, node);
    }

    /// @dev Removes `account` from the node's contributor list (swap and pop; the
    /// operator, first, never moves).
    function _removeContributor(uint256 nodeId, address account) internal virtual {
        address[] storage accounts = _contributors[nodeId];
        uint256 last = accounts.length - 1;
        for (uint256 i = 1; i <= last; ++i) {
            if (accounts[i] == account) {
                accounts[i] = accounts[last];
                accounts.pop();
                return;
            }
        }
    }

    /// @dev Pays `account` its whole stake in the node.
    function _withdrawStake(uint256 nodeId, Node storage node, address account) internal virtual {
        Position storage position = _positions[nodeId][account];
        uint256 amount = position.stake;
        if (amount == 0) revert StakingNoStake(nodeId, account);
        position.stake = 0;
        // Cannot underflow: `amount` is part of the node's total, itself part of `_totalHeld`.
        unchecked {
            node.totalStaked -= uint96(amount);
            _totalHeld -= amount;
        }
        emit StakeWithdrawn(nodeId, account, amount);
        _sesh.safeTransfer(account, amount);
    }

    /// @dev Frees the node's Ed25519 key and signer for new nodes.
    function _releaseIdentity(Node storage node) internal virtual {
        delete _nodeOfKey[node.ed25519Key];
        delete _signers[node.signer];
    }

    /// @dev Takes the penalty pro rata out of the contributors' stakes, the rounding
    /// to the operator (first), and returns it.
    function _applyPenalty(uint256 nodeId, Node storage node) internal virtual returns (uint256 penalty) {
        uint256 total = node.totalStaked;
        penalty = total * DEREGISTRATION_PENALTY_BPS / _BPS;
        if (penalty == 0) return 0;
        address[] storage accounts = _contributors[nodeId];
        uint256 othersCut = 0;
        for (uint256 i = 1; i < accounts.length; ++i) {
            Position storage position = _positions[nodeId][accounts[i]];
            uint256 cut = uint256(position.stake) * DEREGISTRATION_PENALTY_BPS / _BPS;
            position.stake -= uint96(cut);
            othersCut += cut;
        }
        // The operator holds at least a quarter of the stake, far above its share of the penalty.
        _positions[nodeId][accounts[0]].stake -= uint96(penalty - othersCut);
        node.totalStaked = uint96(total - penalty);
    }

    /// @dev Checks the deregistration votes for `nodeId` against the active set: each a
    /// distinct active node other than the target, their stakes adding up to the quorum.
    function _checkVotes(uint256 nodeId, Node storage node, uint256 deadline, VoteSignature[] calldata votes)
        internal
        view
        virtual
    {
        bytes32 digest = deregistrationDigest(nodeId, deadline);
        address previous = address(0);
        uint256 votingStake = 0;
        for (uint256 i; i < votes.length; ++i) {
            // The third value only details the error, which is refused whatever it is.
            // slither-disable-next-line unused-return
            (address voter, ECDSA.RecoverError error,) = ECDSA.tryRecover(digest, votes[i].r, votes[i].vs);
            if (error != ECDSA.RecoverError.NoError) revert StakingInvalidVoteSignature(i);
            if (voter <= previous) revert StakingVotersNotSorted(i, voter);
            SignerRecord storage record = _signers[voter];
            uint256 stake = record.activeStake;
            if (stake == 0 || record.nodeId == nodeId) revert StakingVoterNotActive(i, voter);
            // Cannot overflow: distinct active nodes, so at most the total active stake.
            unchecked {
                votingStake += stake;
            }
            previous = voter;
        }
        uint256 required = _requiredVotingStake(node);
        if (votingStake < required) revert StakingQuorumNotMet(nodeId, votingStake, required);
    }

    /// @dev Two thirds (rounded up, at least 1) of the active stake other than `node`'s own.
    function _requiredVotingStake(Node storage node) internal view virtual returns (uint256) {
        uint256 others = _totalActiveStake;
        // Cannot underflow: an active node's stake is part of the total.
        unchecked {
            if (node.state == NodeState.Active) others -= node.totalStaked;
        }
        return others == 0 ? 1 : Math.ceilDiv(2 * others, 3);
    }

    /// @dev When a contributor holding `stake` in the active `node` may ask it to exit.
    function _exitAllowedFrom(Node storage node, uint256 stake) internal view virtual returns (uint256) {
        uint256 activatedAt = node.activatedAt;
        if (stake * SMALL_CONTRIBUTOR_DIVISOR >= node.requirement) return activatedAt;
        return activatedAt + SMALL_CONTRIBUTOR_EXIT_DELAY;
    }

    /// @dev Checks the hard bounds and sets the requirement of new nodes.
    function _setStakingRequirement(uint256 requirement) internal virtual {
        if (requirement < MIN_STAKING_REQUIREMENT || requirement > MAX_STAKING_REQUIREMENT) {
            revert StakingRequirementOutOfBounds(requirement, MIN_STAKING_REQUIREMENT, MAX_STAKING_REQUIREMENT);
        }
        _stakingRequirement = requirement;
        emit StakingRequirementSet(requirement);
    }

    /*//////////////////////////////////////////////////////////////
                           INTERNAL: REWARDS
    //////////////////////////////////////////////////////////////*/

    /// @dev Accounts the fees that reached the pool since the last sync, if any stake
    /// is active to earn them, and returns the accumulator.
    function _syncRewards() internal virtual returns (uint256 acc) {
        acc = _accRewardPerWeight;
        uint256 totalWeight = _totalActiveStake;
        if (totalWeight == 0) return acc;
        uint256 received = _pool.totalReceived();
        uint256 newFees = received - _lastAccountedReceived;
        if (newFees == 0) return acc;
        acc += Math.mulDiv(newFees, ACC_PRECISION, totalWeight);
        _accRewardPerWeight = acc;
        _lastAccountedReceived = received;
    }

    /// @dev Moves what `account` earned since its last settlement into `unclaimed`,
    /// keeping the sub-unit remainder in `debt`.
    function _accrue(RewardAccount storage account, uint256 acc) internal virtual {
        uint256 earned = (account.weight * acc - account.debt) / ACC_PRECISION;
        if (earned != 0) {
            account.unclaimed = SafeCast.toUint128(account.unclaimed + earned);
            // Dividing first is the point: `debt` grows by exactly what was paid out, so the
            // sub-unit remainder stays owed and is paid once it adds up.
            // slither-disable-next-line divide-before-multiply
            account.debt += earned * ACC_PRECISION;
        }
    }

    /// @dev Settles `account` and sets its weight (the sub-unit remainder is dropped).
    function _setWeight(address account, uint256 weight, uint256 acc) internal virtual {
        RewardAccount storage rewardAccount = _accounts[account];
        _accrue(rewardAccount, acc);
        rewardAccount.weight = SafeCast.toUint128(weight);
        rewardAccount.debt = weight * acc;
    }

    /// @dev Puts a full node into the active set and gives its contributors their weights.
    function _activate(uint256 nodeId, Node storage node) internal virtual {
        uint256 acc = _syncRewards();
        address[] storage accounts = _contributors[nodeId];
        uint256 keep = _BPS - node.feeBps;
        uint256 total = node.totalStaked;
        uint256 othersWeight = 0;
        for (uint256 i = 1; i < accounts.length; ++i) {
            address account = accounts[i];
            Position storage position = _positions[nodeId][account];
            uint256 weight = uint256(position.stake) * keep / _BPS;
            position.weight = uint96(weight);
            othersWeight += weight;
            _setWeight(account, _accounts[account].weight + weight, acc);
        }
        address operator = accounts[0];
        uint256 operatorWeight = total - othersWeight;
        _positions[nodeId][operator].weight = uint96(operatorWeight);
        _setWeight(operator, _accounts[operator].weight + operatorWeight, acc);

        _totalActiveStake += total;
        _activeNodes.push(nodeId);
        _activeSlot[nodeId] = _activeNodes.length;
        node.state = NodeState.Active;
        node.activatedAt = uint48(block.timestamp);
        _signers[node.signer].activeStake = uint96(total);
        emit NodeActivated(nodeId);
    }

    /// @dev Takes an active node out of the active set, its weights away from its
    /// contributors, and frees its Ed25519 key and signer.
    function _deactivate(uint256 nodeId, Node storage node) internal virtual {
        uint256 acc = _syncRewards();
        address[] storage accounts = _contributors[nodeId];
        for (uint256 i; i < accounts.length; ++i) {
            address account = accounts[i];
            Position storage position = _positions[nodeId][account];
            uint256 weight = position.weight;
            position.weight = 0;
            _setWeight(account, _accounts[account].weight - weight, acc);
        }
        _totalActiveStake -= node.totalStaked;

        uint256 slot = _activeSlot[nodeId];
        uint256 last = _activeNodes.length;
        if (slot != last) {
            uint256 moved = _activeNodes[last - 1];
            _activeNodes[slot - 1] = moved;
            _activeSlot[moved] = slot;
        }
        _activeNodes.pop();
        delete _activeSlot[nodeId];
        _releaseIdentity(node);
    }
}
