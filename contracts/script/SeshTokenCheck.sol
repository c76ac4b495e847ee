// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title SeshTokenCheck
/// @notice What the contracts need of the SESH token, checked before a deployment uses it
/// ({Deploy}) and again when a deployment is verified ({VerifyDeployment}): code at the address,
/// 9 decimals (every price, fee and stake is in 9-decimal units) and EIP-2612 permit (the wallet
/// pays by permit), seen through `DOMAIN_SEPARATOR()` and `nonces(address)`.
/// @dev Every call is a `staticcall` whose failure is reported in words, so a wrong address is
/// refused by name rather than by an empty revert.
abstract contract SeshTokenCheck {
    /// @notice The decimals of SESH.
    uint256 internal constant SESH_DECIMALS = 9;

    /// @dev There is no contract at `token`.
    error SeshTokenHasNoCode(address token);
    /// @dev `token` does not answer `decimals()`.
    error SeshTokenWithoutDecimals(address token);
    /// @dev `token` has `decimals` decimals; SESH has `expected`.
    error SeshTokenWrongDecimals(address token, uint256 decimals, uint256 expected);
    /// @dev `token` does not answer `DOMAIN_SEPARATOR()` and `nonces(address)`: it has no EIP-2612 permit.
    error SeshTokenWithoutPermit(address token);

    /// @dev Reverts unless `token` is an ERC-20 with 9 decimals and EIP-2612 permit.
    function _checkSeshToken(address token) internal view {
        if (token.code.length == 0) revert SeshTokenHasNoCode(token);
        (bool ok, bytes memory data) = token.staticcall(abi.encodeWithSignature("decimals()"));
        if (!ok || data.length < 32) revert SeshTokenWithoutDecimals(token);
        uint256 decimals = abi.decode(data, (uint256));
        if (decimals != SESH_DECIMALS) revert SeshTokenWrongDecimals(token, decimals, SESH_DECIMALS);
        (bool hasDomain, bytes memory domain) = token.staticcall(abi.encodeWithSignature("DOMAIN_SEPARATOR()"));
        (bool hasNonces, bytes memory nonce) = token.staticcall(abi.encodeWithSignature("nonces(address)", address(1)));
        if (!hasDomain || domain.length < 32 || !hasNonces || nonce.length < 32) revert SeshTokenWithoutPermit(token);
    }
}
