// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title INodeStaking
/// @notice Multi-contributor staking for registry nodes, modelled on Session's
/// `ServiceNodeRewards` / `ServiceNodeContribution`: an operator creates a node
/// (Ed25519 key, signer address, URL, fee, optional reserved slots) and stakes at
/// least 25% of the requirement; up to 9 more contributors fill the rest; the node
/// is active once fully staked. Active nodes share every fee paid into the
/// RewardsPool in proportion to stake and time, through a global accumulator.
/// Active nodes holding two thirds of the other active stake can deregister a node
/// with EIP-712 votes, each weighed by its node's stake.
/// @dev Lifecycle: `Open` (filling) -> `Active` (earning) -> `Exited` (exit requested,
/// 15-day unlock) or `Deregistered` (0.2% penalty, 30-day lock); an `Open` node may
/// be `Cancelled` by its operator instead. Stakes leave by {withdrawContribution}
/// (open nodes, after 1 day) or {withdrawStake} (after the node's unlock time).
/// See `docs/staking.md`.
interface INodeStaking {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @dev Where a node is in its lifecycle. `None` is a node id never created.
    enum NodeState {
        None,
        Open,
        Active,
        Exited,
        Deregistered,
        Cancelled
    }

    /// @dev A slot reserved for a named contributor, who must contribute at least `amount`.
    struct Reservation {
        address contributor;
        uint256 amount;
    }

    /// @dev Everything {createNode} takes.
    /// - `ed25519Key`: the node's Ed25519 public key (unique among open and active nodes);
    /// - `ed25519Signature`: 64 bytes, the key's signature over {ed25519Message}
    ///   (checked off chain by registry nodes, see `docs/staking.md`);
    /// - `signer`: the EVM address the node votes with (unique among open and active nodes);
    /// - `url`: the node's public URL, 1 to {MAX_URL_LENGTH} bytes;
    /// - `feeBps`: the operator's fee on the other contributors' rewards, 0 to 10,000;
    /// - `operatorStake`: what the operator stakes now, at least 25% of the requirement;
    /// - `reservations`: up to 9 reserved slots.
    struct NodeRegistration {
        bytes32 ed25519Key;
        bytes ed25519Signature;
        address signer;
        string url;
        uint256 feeBps;
        uint256 operatorStake;
        Reservation[] reservations;
    }

    /// @dev One active node as {activeNodes} returns it: what a wallet needs to reach the
    /// node and check its signed answers.
    struct ActiveNode {
        uint256 nodeId;
        bytes32 ed25519Key;
        string url;
    }

    /// @dev What {nodeInfo} returns.
    struct NodeInfo {
        address operator;
        bytes32 ed25519Key;
        address signer;
        string url;
        uint256 feeBps;
        uint256 requirement;
        uint256 totalStaked;
        NodeState state;
        uint256 activatedAt;
        uint256 unlockTime;
        uint256 contributorCount;
    }

    /// @dev One contributor of a node, as {contributorsOf} returns it. `weight` is the
    /// contributor's reward weight while the node is active (0 otherwise).
    struct Contributor {
        address account;
        uint256 stake;
        uint256 weight;
        uint256 contributedAt;
    }

    /// @dev One deregistration vote: an ERC-2098 compact signature (`r`, `vs`) by an
    /// active node's signer over the EIP-712 `DeregisterNode(uint256 nodeId,uint256 deadline)`.
    struct VoteSignature {
        bytes32 r;
        bytes32 vs;
    }

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @dev The zero address was given where a contract is required.
    error StakingZeroAddress();

    /// @dev The RewardsPool pays in `poolToken`, not in the SESH given (`sesh`).
    error StakingPoolTokenMismatch(address poolToken, address sesh);

    /// @dev A staking requirement outside the hard bounds `[min, max]`.
    error StakingRequirementOutOfBounds(uint256 requirement, uint256 min, uint256 max);

    /// @dev The zero Ed25519 key.
    error StakingInvalidEd25519Key(bytes32 ed25519Key);

    /// @dev `ed25519Key` belongs to the open or active node `nodeId`.
    error StakingEd25519KeyInUse(bytes32 ed25519Key, uint256 nodeId);

    /// @dev An Ed25519 signature that is not 64 bytes long.
    error StakingInvalidEd25519SignatureLength(uint256 length);

    /// @dev The zero address as a node's signer.
    error StakingInvalidSigner(address signer);

    /// @dev `signer` is the signer of the open or active node `nodeId`.
    error StakingSignerInUse(address signer, uint256 nodeId);

    /// @dev A URL that is empty or longer than `max` bytes.
    error StakingInvalidUrlLength(uint256 length, uint256 max);

    /// @dev An operator fee above `max` basis points.
    error StakingFeeTooHigh(uint256 feeBps, uint256 max);

    /// @dev More reserved slots than the `max` a node can hold besides its operator.
    error StakingTooManyReservations(uint256 count, uint256 max);

    /// @dev The operator's stake is outside `[min, max]` (`max` leaves room for the reservations).
    error StakingOperatorStakeOutOfRange(uint256 amount, uint256 min, uint256 max);

    /// @dev Reservation `index` names the zero address, the operator or an address reserved before.
    error StakingInvalidReservedContributor(uint256 index, address contributor);

    /// @dev Reservation `index` reserves an amount outside `[min, max]`.
    error StakingReservedAmountOutOfRange(uint256 index, uint256 amount, uint256 min, uint256 max);

    /// @dev Node `nodeId` is in `state`, which does not allow the operation.
    error StakingUnexpectedNodeState(uint256 nodeId, NodeState state);

    /// @dev `account` already holds a position in node `nodeId`.
    error StakingAlreadyContributed(uint256 nodeId, address account);

    /// @dev Node `nodeId` has no unreserved slot or no unreserved stake left.
    error StakingNoOpenSlot(uint256 nodeId);

    /// @dev A contribution to node `nodeId` outside `[min, max]`.
    error StakingContributionOutOfRange(uint256 nodeId, uint256 amount, uint256 min, uint256 max);

    /// @dev `account` holds no stake in node `nodeId`.
    error StakingNoStake(uint256 nodeId, address account);

    /// @dev `account` is not the operator of node `nodeId`.
    error StakingNotOperator(uint256 nodeId, address account);

    /// @dev The operator cannot withdraw from its open node `nodeId`: it cancels the node instead.
    error StakingOperatorCannotWithdraw(uint256 nodeId);

    /// @dev `account`'s stake in node `nodeId` unlocks at `unlockTime`, not yet.
    error StakingStakeLocked(uint256 nodeId, address account, uint256 unlockTime);

    /// @dev `account` has no rewards to claim.
    error StakingNoRewards(address account);

    /// @dev The deregistration votes expired at `deadline`; it is now `timestamp`.
    error StakingVoteExpired(uint256 deadline, uint256 timestamp);

    /// @dev The votes to deregister node `nodeId` come from nodes staking `votingStake` in all;
    /// `requiredStake` (two thirds of the other active stake, rounded up) is needed.
    error StakingQuorumNotMet(uint256 nodeId, uint256 votingStake, uint256 requiredStake);

    /// @dev Vote `index` is not a valid signature.
    error StakingInvalidVoteSignature(uint256 index);

    /// @dev Vote `index` recovers to `voter`, which is not above the previous vote's signer:
    /// votes must be sorted by signer, strictly ascending, so each node votes once.
    error StakingVotersNotSorted(uint256 index, address voter);

    /// @dev Vote `index` recovers to `voter`, which is not the signer of an active node
    /// other than the target.
    error StakingVoterNotActive(uint256 index, address voter);

    /// @dev `account` holds `stake` in node `nodeId`, less than `minStake` (a quarter of the
    /// node's stake, rounded up), so it may ask the node to exit only from `allowedFrom`
    /// (30 days after the node activated).
    error StakingSmallContributorExitTooEarly(
        uint256 nodeId, address account, uint256 stake, uint256 minStake, uint256 allowedFrom
    );

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Node `nodeId` was created by `operator`, who staked its first contribution
    /// (a {Contributed} event follows). Registry nodes check `ed25519Signature` over
    /// {ed25519Message}`(operator, signer)` off chain and ignore the node when it fails.
    event NodeCreated(
        uint256 indexed nodeId,
        address indexed operator,
        bytes32 ed25519Key,
        bytes ed25519Signature,
        address signer,
        string url,
        uint256 feeBps,
        uint256 requirement
    );

    /// @notice A slot of node `nodeId` was reserved for `contributor`, who must stake at least `amount`.
    event SlotReserved(uint256 indexed nodeId, address indexed contributor, uint256 amount);

    /// @notice `contributor` staked `amount` SESH in node `nodeId`.
    event Contributed(uint256 indexed nodeId, address indexed contributor, uint256 amount);

    /// @notice Node `nodeId` is fully staked and joined the active set: it earns from now on.
    event NodeActivated(uint256 indexed nodeId);

    /// @notice `contributor` took its `amount` SESH back out of the open node `nodeId`.
    event ContributionWithdrawn(uint256 indexed nodeId, address indexed contributor, uint256 amount);

    /// @notice The operator cancelled the open node `nodeId`: every contributor can withdraw now.
    event NodeCancelled(uint256 indexed nodeId);

    /// @notice Contributor `by` asked node `nodeId` to exit: it left the active set and its
    /// stakes unlock at `unlockTime`.
    event ExitRequested(uint256 indexed nodeId, address indexed by, uint256 unlockTime);

    /// @notice A quorum deregistered node `nodeId`: `penalty` SESH went to the RewardsPool and
    /// its stakes unlock at `unlockTime`.
    event NodeDeregistered(uint256 indexed nodeId, uint256 penalty, uint256 unlockTime);

    /// @notice `contributor` withdrew its `amount` SESH of unlocked stake from node `nodeId`.
    event StakeWithdrawn(uint256 indexed nodeId, address indexed contributor, uint256 amount);

    /// @notice `contributor` was paid `amount` SESH of rewards from the RewardsPool.
    event RewardsClaimed(address indexed contributor, uint256 amount);

    /// @notice Governance set the stake required of nodes created from now on.
    event StakingRequirementSet(uint256 requirement);

    /*//////////////////////////////////////////////////////////////
                                 NODES
    //////////////////////////////////////////////////////////////*/

    /// @notice Creates a node and stakes the operator's contribution.
    function createNode(NodeRegistration calldata registration) external returns (uint256 nodeId);

    /// @notice Stakes `amount` SESH in the open node `nodeId`.
    function contribute(uint256 nodeId, uint256 amount) external;

    /// @notice Takes the caller's contribution back out of the open node `nodeId` (after 1 day).
    function withdrawContribution(uint256 nodeId) external;

    /// @notice Cancels the open node `nodeId`. Operator only.
    function cancelNode(uint256 nodeId) external;

    /// @notice Takes the active node `nodeId` out of the active set; its stakes unlock 15 days later.
    /// A contributor holding less than a quarter of the node's stake may ask only from 30 days
    /// after the node activated.
    function requestExit(uint256 nodeId) external;

    /// @notice Deregisters node `nodeId` with votes of active nodes holding two thirds of the
    /// other active stake.
    function deregister(uint256 nodeId, uint256 deadline, VoteSignature[] calldata votes) external;

    /// @notice Withdraws the caller's unlocked stake from node `nodeId`.
    function withdrawStake(uint256 nodeId) external;

    /// @notice Pays the caller every reward it has earned.
    function claimRewards() external returns (uint256 amount);

    /*//////////////////////////////////////////////////////////////
                               GOVERNANCE
    //////////////////////////////////////////////////////////////*/

    /// @notice Sets the stake required of nodes created from now on. Owner only.
    function setStakingRequirement(uint256 requirement) external;

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice The SESH token.
    function sesh() external view returns (address);

    /// @notice The RewardsPool that pays the rewards.
    function rewardsPool() external view returns (address);

    /// @notice The stake required of nodes created from now on.
    function stakingRequirement() external view returns (uint256);

    /// @notice The id of the last node created (ids start at 1).
    function nodeCount() external view returns (uint256);

    /// @notice Everything about node `nodeId`.
    function nodeInfo(uint256 nodeId) external view returns (NodeInfo memory);

    /// @notice The contributors of node `nodeId` (at most 10), the operator first.
    function contributorsOf(uint256 nodeId) external view returns (Contributor[] memory);

    /// @notice The reserved slots of node `nodeId`, and which of them are filled.
    function reservationsOf(uint256 nodeId)
        external
        view
        returns (Reservation[] memory reservations, bool[] memory filled);

    /// @notice `account`'s stake in node `nodeId`, its reward weight and when it unlocks.
    function contributionOf(uint256 nodeId, address account)
        external
        view
        returns (uint256 stake, uint256 weight, uint256 contributedAt, uint256 unlockTime);

    /// @notice The least and the most `account` may contribute to node `nodeId` now.
    function contributionLimits(uint256 nodeId, address account) external view returns (uint256 min, uint256 max);

    /// @notice The rewards `account` could claim now, including fees not yet synced.
    function pendingRewards(address account) external view returns (uint256);

    /// @notice `account`'s total reward weight over the active nodes it stakes in.
    function rewardWeightOf(address account) external view returns (uint256);

    /// @notice The ids of the active nodes (unordered).
    function activeNodeIds() external view returns (uint256[] memory);

    /// @notice How many nodes are active.
    function activeNodeCount() external view returns (uint256);

    /// @notice Up to `count` active nodes, from position `start` of {activeNodeIds}, with
    /// their keys and URLs, and how many nodes are active: a wallet reads the whole set in
    /// a few calls instead of one {nodeInfo} per node.
    function activeNodes(uint256 start, uint256 count) external view returns (ActiveNode[] memory page, uint256 total);

    /// @notice The SESH staked in active nodes (also the total reward weight).
    function totalActiveStake() external view returns (uint256);

    /// @notice The open or active node with Ed25519 key `ed25519Key` (0 if none).
    function nodeIdOfEd25519Key(bytes32 ed25519Key) external view returns (uint256);

    /// @notice The open or active node that votes with `signer` (0 if none).
    function nodeIdOfSigner(address signer) external view returns (uint256);

    /// @notice The bytes a node's Ed25519 key signs to register with `operator` and `signer`.
    function ed25519Message(address operator, address signer) external view returns (bytes memory);

    /// @notice The EIP-712 digest an active node's signer signs to vote node `nodeId` out.
    function deregistrationDigest(uint256 nodeId, uint256 deadline) external view returns (bytes32);

    /// @notice The stake the nodes voting to deregister node `nodeId` must hold between them now:
    /// two thirds of the active stake other than the node's own, rounded up.
    function requiredVotingStake(uint256 nodeId) external view returns (uint256);

    /// @notice When `account`, a contributor of node `nodeId`, may ask the node to exit: the
    /// node's activation for a contributor holding at least a quarter of its stake, 30 days
    /// later for a smaller one (0 while the node is not active or `account` holds no stake).
    function exitAllowedFrom(uint256 nodeId, address account) external view returns (uint256);
}
