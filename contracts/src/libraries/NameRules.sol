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

    // Word constants, one byte value repeated in each of the 32 bytes (written out: inline
    // assembly only takes literal constants).
    /// @dev `0x80` (the high bit) in each byte.
    uint256 private constant _HIGH = 0x8080808080808080808080808080808080808080808080808080808080808080;
    /// @dev `0x7f` (the low seven bits) in each byte.
    uint256 private constant _LOW = 0x7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f;
    /// @dev For each threshold `c` below: adding `0x80 - c` to a byte below 0x80 sets its high bit
    /// exactly when the byte is at least `c`, with no carry into the next byte (the sum is at most
    /// 0x7f + 0x53). The allowed bytes are the four ranges `[0x2d, 0x2e)` (`-`), `[0x30, 0x3a)`
    /// (`0-9`), `[0x5f, 0x60)` (`_`) and `[0x61, 0x7b)` (`a-z`): a byte is allowed exactly when an
    /// odd number of these eight thresholds are at most it.
    uint256 private constant _GE_2D = 0x5353535353535353535353535353535353535353535353535353535353535353;
    uint256 private constant _GE_2E = 0x5252525252525252525252525252525252525252525252525252525252525252;
    uint256 private constant _GE_30 = 0x5050505050505050505050505050505050505050505050505050505050505050;
    uint256 private constant _GE_3A = 0x4646464646464646464646464646464646464646464646464646464646464646;
    uint256 private constant _GE_5F = 0x2121212121212121212121212121212121212121212121212121212121212121;
    uint256 private constant _GE_60 = 0x2020202020202020202020202020202020202020202020202020202020202020;
    uint256 private constant _GE_61 = 0x1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f;
    uint256 private constant _GE_7B = 0x0505050505050505050505050505050505050505050505050505050505050505;

    /// @notice Reverts unless `label` follows the name rules; returns its length.
    /// @dev Reverts with {INameRegistry-NameInvalidLength}, {INameRegistry-NameInvalidCharacter}
    /// (first offending byte) or {INameRegistry-NameInvalidHyphen}, checked in that order.
    /// A valid label costs one {isValid}; only a label that fails it is looked at byte by byte,
    /// to name the error.
    function validate(string calldata label) internal pure returns (uint256 length) {
        length = bytes(label).length;
        if (!isValid(label)) revertInvalid(label);
    }

    /// @notice Whether `label` follows the name rules (the non-reverting {validate}).
    /// @dev Assembly because it runs on every registration: 32 bytes at a time, with no loop
    /// (the label is at most two words), instead of a test per byte (about 300 gas less for a
    /// 5-byte label, more for longer ones). Checked against a plain Solidity reference for every
    /// byte value at every word edge by {NameRulesTest-test_EveryByteValueAtEveryWordEdge}, and by
    /// the fuzz tests there. Bytes past the label in the two words read (the rest of the calldata,
    /// or zeros past its end) are masked out.
    function isValid(string calldata label) internal pure returns (bool valid) {
        /// @solidity memory-safe-assembly
        assembly {
            // 0x80 in each of the first `n` bytes of `w` that is not an allowed byte.
            function disallowed(w, n) -> flags {
                let x := and(w, _LOW)
                let t :=
                    xor(
                        xor(xor(add(x, _GE_2D), add(x, _GE_2E)), xor(add(x, _GE_30), add(x, _GE_3A))),
                        xor(xor(add(x, _GE_5F), add(x, _GE_60)), xor(add(x, _GE_61), add(x, _GE_7B)))
                    )
                // Allowed: an odd count of thresholds (high bit of `t`) and a byte below 0x80.
                // `shr(8 * n, not(0))` has ones in the bytes from `n` on (none once `n >= 32`).
                flags := and(and(not(and(t, not(w))), _HIGH), not(shr(shl(3, n), not(0))))
            }
            let n := label.length
            let p := label.offset
            // 1 <= n <= 64 (a length of 0 wraps around to a huge `n - 1`).
            if lt(sub(n, 1), 64) {
                let w := calldataload(p)
                let bad := disallowed(w, n)
                // A label longer than 32 bytes goes on in a second word.
                if gt(n, 0x20) { bad := or(bad, disallowed(calldataload(add(p, 0x20)), sub(n, 0x20))) }
                valid := and(
                    iszero(bad),
                    iszero(or(eq(byte(0, w), _HYPHEN), eq(byte(0, calldataload(add(p, sub(n, 1)))), _HYPHEN)))
                )
            }
        }
    }

    /// @notice Reverts with the error that says why `label`, which {isValid} refused, is not a
    /// valid label (see {validate}); `if (!isValid(label)) revertInvalid(label)` is {validate}.
    function revertInvalid(string calldata label) internal pure {
        bytes calldata b = bytes(label);
        uint256 length = b.length;
        if (length == 0 || length > MAX_LENGTH) revert INameRegistry.NameInvalidLength(length);
        uint256 position = _firstDisallowed(b);
        if (position != length) revert INameRegistry.NameInvalidCharacter(position, b[position]);
        if (uint8(b[0]) == _HYPHEN || uint8(b[length - 1]) == _HYPHEN) revert INameRegistry.NameInvalidHyphen();
        // Unreachable while {isValid} agrees with the checks above (fuzz-tested); should they ever
        // disagree, the label is still refused.
        revert INameRegistry.NameInvalidLength(length);
    }

    /// @dev The position of the first byte of `b` that is not allowed, or `b.length` if all are.
    /// Only on the revert path, to name the offending byte: one `calldataload` and a bit test per byte.
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
