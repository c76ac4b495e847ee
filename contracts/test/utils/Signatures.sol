// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Vm} from "./Vm.sol";

/// @dev EIP-2612 permit signing for tests (any OpenZeppelin `ERC20Permit`, e.g. TestSESH).
library Signatures {
    Vm private constant VM = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    bytes32 internal constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");

    /// @dev The EIP-712 digest of a permit, given the token's domain separator.
    function permitDigest(
        bytes32 domainSeparator,
        address owner,
        address spender,
        uint256 value,
        uint256 nonce,
        uint256 deadline
    ) internal pure returns (bytes32) {
        bytes32 structHash = keccak256(abi.encode(PERMIT_TYPEHASH, owner, spender, value, nonce, deadline));
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator, structHash));
    }

    /// @dev Signs a permit with `privateKey` (the owner is derived from it).
    function signPermit(
        uint256 privateKey,
        bytes32 domainSeparator,
        address spender,
        uint256 value,
        uint256 nonce,
        uint256 deadline
    ) internal pure returns (uint8 v, bytes32 r, bytes32 s) {
        address owner = VM.addr(privateKey);
        return VM.sign(privateKey, permitDigest(domainSeparator, owner, spender, value, nonce, deadline));
    }
}
