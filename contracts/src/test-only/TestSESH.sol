// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title TestSESH
/// @notice SESH for local and test chains only: an ERC-20 with EIP-2612 permit and
/// 9 decimals, like the real token, plus a capped public faucet.
/// @dev Never deployed to Arbitrum One: production contracts take the real SESH
/// address as a constructor argument.
contract TestSESH is ERC20Permit {
    /// @notice The most one faucet call hands out: 100,000 SESH.
    uint256 public constant FAUCET_LIMIT = 100_000 * 10 ** 9;

    /// @dev The faucet was asked for more than {FAUCET_LIMIT}.
    error FaucetLimitExceeded(uint256 requested, uint256 limit);

    /// @notice Emitted for every faucet payout.
    event FaucetUsed(address indexed to, uint256 amount);

    constructor() ERC20("Test Session Token", "SESH") ERC20Permit("Test Session Token") {}

    /// @notice SESH has 9 decimals.
    function decimals() public pure override returns (uint8) {
        return 9;
    }

    /// @notice Mints up to {FAUCET_LIMIT} test SESH to `to`. Anyone may call it.
    /// @dev Emits a {FaucetUsed} and a {Transfer} event.
    ///
    /// Requirements:
    /// - `amount` is at most {FAUCET_LIMIT}.
    function faucet(address to, uint256 amount) external {
        if (amount > FAUCET_LIMIT) revert FaucetLimitExceeded(amount, FAUCET_LIMIT);
        _mint(to, amount);
        emit FaucetUsed(to, amount);
    }
}
