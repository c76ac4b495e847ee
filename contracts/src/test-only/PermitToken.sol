// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title PermitToken
/// @notice A plain OpenZeppelin ERC-20 with EIP-2612 permit, a fixed supply minted once to one
/// holder and the decimals it is given: what the real SESH on Arbitrum One is (with 9 decimals).
/// Tests deploy it on its own, as the token already on chain, and hand its address to the
/// deploy recipe (`just deploy`); with other decimals it is a token the recipe must refuse.
/// @dev Test-only. Unlike {TestSESH} it has no faucet, and the deploy script never deploys it.
contract PermitToken is ERC20Permit {
    uint8 private immutable _decimals;

    /// @param name_ The token name (also the EIP-712 domain name of its permits).
    /// @param symbol_ The token symbol.
    /// @param decimals_ The token's decimals (SESH has 9).
    /// @param holder Who receives the whole supply.
    /// @param supply The supply, in the token's smallest units.
    constructor(string memory name_, string memory symbol_, uint8 decimals_, address holder, uint256 supply)
        ERC20(name_, symbol_)
        ERC20Permit(name_)
    {
        _decimals = decimals_;
        _mint(holder, supply);
    }

    /// @notice The token's decimals, as given at deployment.
    function decimals() public view override returns (uint8) {
        return _decimals;
    }
}
