// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {INameRegistry} from "../interfaces/INameRegistry.sol";

/// @title NameRules
/// @notice Session's name rules, checked on chain: lowercase ASCII letters, digits,
/// `_` and `-`; not starting or ending with `-`; 1 to 64 bytes.
/// @dev The label must already be lowercase: uppercase is refused, clients
/// lowercase first. The CLI and the registry node apply the same rules byte for
/// byte (shared Rust crate). Errors are declared in {INameRegistry} so they are part
/// of the registry's ABI.
library NameRules {
    /// @dev The longest label, in bytes.
    uint256 internal constant MAX_LENGTH = 64;

    /// @dev Bit `c` is set for every allowed byte `c`: `-` (45), `0-9` (48..57), `_` (95), `a-z` (97..122).
    uint256 private constant _ALLOWED = (1 << 45) | (((1 << 10) - 1) << 48) | (1 << 95) | (((1 << 26) - 1) << 97);

    /// @dev The byte value of `-`.
    uint8 private constant _HYPHEN = 0x2d;

    /// @notice Reverts unless `label` follows the name rules; returns its length.
    /// @dev Reverts with {INameRegistry-NameInvalidLength}, {INameRegistry-NameInvalidCharacter}
    /// (first offending byte) or {INameRegistry-NameInvalidHyphen}, checked in that order.
    function validate(string calldata label) internal pure returns (uint256 length) {
        bytes calldata b = bytes(label);
        length = b.length;
        if (length == 0 || length > MAX_LENGTH) revert INameRegistry.NameInvalidLength(length);
        uint256 position = _firstDisallowed(b);
        if (position != length) revert INameRegistry.NameInvalidCharacter(position, b[position]);
        if (uint8(b[0]) == _HYPHEN || uint8(b[length - 1]) == _HYPHEN) revert INameRegistry.NameInvalidHyphen();
    }

    /// @notice Whether `label` follows the name rules (the non-reverting {validate}).
    function isValid(string calldata label) internal pure returns (bool) {
        bytes calldata b = bytes(label);
        uint256 length = b.length;
        if (length == 0 || length > MAX_LENGTH) return false;
        if (_firstDisallowed(b) != length) return false;
        return uint8(b[0]) != _HYPHEN && uint8(b[length - 1]) != _HYPHEN;
    }

    /// @dev The position of the first byte of `b` that is not allowed, or `b.length` if all are.
    /// Assembly because it runs on every registration: one `calldataload` and a bit test per byte
    /// instead of a bounds-checked `b[i]` (about 1,000 gas less for a 5-byte label). Checked
    /// against a plain Solidity reference by {NameRulesTest-testFuzz_MatchesReference} and
    /// {NameRulesTest-testFuzz_FirstDisallowedMatchesReference}.
    function _firstDisallowed(bytes calldata b) private pure returns (uint256 position) {
        uint256 allowed = _ALLOWED;
        /// @solidity memory-safe-assembly
        assembly {
            let p := b.offset
            let end := add(p, b.length)
            // `byte(0, calldataload(p))` is the byte at `p`; bit `c` of `allowed` says whether `c` is allowed.
            for {} lt(p, end) { p := add(p, 1) } {
                if iszero(and(shr(byte(0, calldataload(p)), allowed), 1)) { break }
            }
            position := sub(p, b.offset)
        }
    }
}
