// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ISweepable
/// @notice A contract that holds SESH only for what it owes (escrow, stakes) or not at all, and
/// sends anything beyond that (SESH sent to it directly, which no one could otherwise take out)
/// to the RewardsPool, where it becomes stakers' rewards. Anyone may trigger it.
/// @dev Implemented by NameMarket (its balance beyond the escrowed offers), Premium and
/// NameRegistry (their whole balance: they never hold SESH) and NodeStaking (its balance beyond
/// the stakes it holds). A sweep never touches what is owed, so it needs no access control; it
/// works while the contract is paused, and a sweep of nothing does nothing (no revert, no event).
interface ISweepable {
    /// @notice `amount` SESH that no one was owed went from this contract to the RewardsPool.
    event UnowedSwept(uint256 amount);

    /// @notice Sends the SESH this contract holds beyond what it owes to the RewardsPool.
    /// @return amount The SESH sent (0 when there was nothing to send).
    function sweepUnowed() external returns (uint256 amount);
}
