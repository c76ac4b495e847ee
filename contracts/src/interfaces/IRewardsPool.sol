// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IRewardsPool
/// @notice Receives every network fee in SESH. Nothing leaves it but staking
/// rewards, paid through the one distributor (NodeStaking) fixed at construction.
/// The pool has no owner: no one can name another distributor or move its SESH.
/// @dev Fees arrive as plain SESH transfers (no callback), so paying a fee costs
/// one ERC-20 transfer and a registry node can verify it from the receipt's
/// `Transfer` logs alone. Totals by source are the sums of the paying contracts'
/// events ({INameRegistry-NameRegistered} rent and premium, {INameRegistry-NameRenewed}
/// rent, the market's sale fee, premium purchases); the pool itself only counts
/// what came in and what went out.
interface IRewardsPool {
    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @dev The caller is not the distributor.
    error RewardsPoolUnauthorized(address caller);

    /// @dev A reward was asked for beyond what the pool holds.
    error RewardsPoolInsufficientFunds(uint256 requested, uint256 available);

    /// @dev The zero address was given where an account is required.
    error RewardsPoolZeroAddress();

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Emitted once, by the constructor, which fixes the distributor for good.
    event DistributorSet(address indexed distributor);

    /// @notice Emitted for every reward paid out.
    event RewardPaid(address indexed to, uint256 amount);

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice The SESH token.
    function sesh() external view returns (address);

    /// @notice The only address allowed to pay rewards out (NodeStaking), fixed at construction.
    function distributor() external view returns (address);

    /// @notice Total SESH ever paid out as rewards.
    function totalPaid() external view returns (uint256);

    /// @notice Total SESH ever received: current balance plus what was paid out.
    function totalReceived() external view returns (uint256);

    /*//////////////////////////////////////////////////////////////
                                 ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Pays `amount` SESH of rewards to `to`. Distributor only.
    function payReward(address to, uint256 amount) external;
}
