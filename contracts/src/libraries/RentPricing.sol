// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title RentPricing
/// @notice The registry's price math: rent by the second, and the premium on a
/// lapsed name that halves every day and reaches exactly zero.
/// @dev Pure functions on bounded inputs (prices at most 1e16, durations at most
/// 100 years), so the `uint256` products below cannot overflow ({rent} relies on it
/// and is unchecked: it runs on every registration and renewal).
library RentPricing {
    /// @dev Rent prices are per 365 days.
    uint256 internal constant YEAR = 365 days;

    /// @dev The premium halves every day for this many days, then is zero.
    uint256 internal constant PREMIUM_DECAY_DAYS = 21;

    /// @notice The price tier of a label of `length` bytes: 0 for 1 byte, ... 4 for 5 bytes or more.
    function tierOf(uint256 length) internal pure returns (uint256) {
        return length >= 5 ? 4 : length - 1;
    }

    /// @notice `pricePerYear * duration / 365 days`, rounded up.
    /// @dev Callers bound `pricePerYear` (at most 1e16) and `duration` (at most 100 years), so
    /// the product is below 2**86 and the unchecked arithmetic cannot overflow.
    function rent(uint256 pricePerYear, uint256 duration) internal pure returns (uint256) {
        // Bounded inputs (see above): `pricePerYear * duration + YEAR - 1` is far below 2**256.
        unchecked {
            return (pricePerYear * duration + (YEAR - 1)) / YEAR;
        }
    }

    /// @notice The premium `elapsed` seconds after a lapsed name's grace period ended.
    /// @dev As ENS's ExponentialPremiumPriceOracle: `start * 0.5^(elapsed / 1 day)`, linear
    /// within each day, minus `start * 0.5^21` so that it is exactly 0 at 21 days; clamped at 0.
    /// Non-increasing in `elapsed`: within day `d` it moves linearly from `start >> d` down to
    /// `(start >> d) - ceil((start >> d) / 2) = start >> (d + 1)`, the value that day `d + 1` starts at.
    function premium(uint256 start, uint256 elapsed) internal pure returns (uint256) {
        if (elapsed >= PREMIUM_DECAY_DAYS * 1 days) return 0;
        uint256 dayStart = start >> (elapsed / 1 days);
        uint256 drop = dayStart - (dayStart >> 1);
        uint256 value = dayStart - (drop * (elapsed % 1 days)) / 1 days;
        uint256 end = start >> PREMIUM_DECAY_DAYS;
        return value > end ? value - end : 0;
    }
}
