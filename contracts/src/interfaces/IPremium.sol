// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {INameRegistry} from "./INameRegistry.sol";
import {ISweepable} from "./ISweepable.sol";

/// @title IPremium
/// @notice Session Pro: premium features for a Session ID, bought in SESH in
/// 30-day periods. Anyone may pay for anyone (gifts); buying again extends.
/// @dev A Session ID is `0x05 ‖ key`; only the 32-byte key (`sessionKey`) is
/// passed and stored, the `05` prefix is implied. Every payment goes straight
/// from the payer to the RewardsPool, so the contract owes no one SESH; SESH sent
/// to it directly goes on to the pool with {ISweepable-sweepUnowed} (anyone may call it).
interface IPremium is ISweepable {
    // ------------------------------------------------------------------ errors

    /// @dev The zero address was given where a contract is required.
    error PremiumZeroAddress();
    /// @dev The zero Session key was given; it names no Session ID.
    error PremiumZeroSessionKey();
    /// @dev `periods` is outside `[1, max]`.
    error PremiumInvalidPeriods(uint256 periods, uint256 max);
    /// @dev The purchase would cost `cost`, more than the `maxCost` the payer agreed to.
    error PremiumCostAboveMax(uint256 cost, uint256 maxCost);
    /// @dev A price per period outside the hard bounds `[min, max]`.
    error PremiumPriceOutOfBounds(uint256 price, uint256 min, uint256 max);

    // ------------------------------------------------------------------ events

    /// @notice `payer` bought `periods` periods of premium for `sessionKey`, paying
    /// `cost` SESH into the RewardsPool; the premium now lasts until `expiry`.
    event PremiumPurchased(
        bytes32 indexed sessionKey, address indexed payer, uint256 periods, uint256 cost, uint256 expiry
    );
    /// @notice Governance set the price of one period to `price` SESH (9 decimals).
    event PricePerPeriodSet(uint256 price);

    // ------------------------------------------------------------------ actions

    /// @notice Buys `periods` periods of premium for the Session ID `0x05 ‖ sessionKey`.
    function buy(bytes32 sessionKey, uint256 periods, uint256 maxCost, INameRegistry.Permit calldata permit)
        external
        returns (uint256 expiry);

    /// @notice Sets the price of one period. Owner only.
    function setPricePerPeriod(uint256 price) external;

    /// @notice Stops new purchases. Owner only.
    function pause() external;

    /// @notice Resumes purchases. Owner only.
    function unpause() external;

    // ------------------------------------------------------------------ views

    /// @notice The SESH token.
    function sesh() external view returns (address);

    /// @notice Where every payment goes.
    function rewardsPool() external view returns (address);

    /// @notice The price of one period, in SESH (9 decimals).
    function pricePerPeriod() external view returns (uint256);

    /// @notice What `periods` periods cost now.
    function costOf(uint256 periods) external view returns (uint256);

    /// @notice When the premium of `sessionKey` ends (0: never bought).
    function premiumExpiry(bytes32 sessionKey) external view returns (uint256);

    /// @notice Whether `sessionKey` has premium now.
    function isPremium(bytes32 sessionKey) external view returns (bool);
}
