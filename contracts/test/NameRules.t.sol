// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "./utils/Test.sol";
import {NameRules} from "../src/libraries/NameRules.sol";
import {RentPricing} from "../src/libraries/RentPricing.sol";
import {INameRegistry} from "../src/interfaces/INameRegistry.sol";

/// @dev Exposes the libraries' internal functions (calldata labels need an external call).
contract LibrariesHarness {
    function validate(string calldata label) external pure returns (uint256) {
        return NameRules.validate(label);
    }

    function isValid(string calldata label) external pure returns (bool) {
        return NameRules.isValid(label);
    }
}

contract NameRulesTest is Test {
    LibrariesHarness internal h;

    function setUp() public {
        h = new LibrariesHarness();
    }

    /// @dev A straightforward reference implementation of the rules.
    function _reference(bytes memory b) internal pure returns (bool) {
        if (b.length == 0 || b.length > 64) return false;
        for (uint256 i; i < b.length; ++i) {
            bytes1 c = b[i];
            bool ok = (c >= "a" && c <= "z") || (c >= "0" && c <= "9") || c == "_" || c == "-";
            if (!ok) return false;
        }
        return b[0] != "-" && b[b.length - 1] != "-";
    }

    function _allowed(uint8 x) internal pure returns (bytes1) {
        bytes memory alphabet = "abcdefghijklmnopqrstuvwxyz0123456789_-";
        return alphabet[x % alphabet.length];
    }

    function test_ValidExamples() public view {
        string[8] memory ok = ["a", "alice", "a-b", "a_b", "_", "__x__", "0", "007"];
        for (uint256 i; i < ok.length; ++i) {
            assertEq(h.validate(ok[i]), bytes(ok[i]).length);
            assertTrue(h.isValid(ok[i]), ok[i]);
        }
        string memory max = "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij1234";
        assertEq(h.validate(max), 64);
    }

    function test_RevertWhen_Length() public {
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameInvalidLength.selector, 0));
        h.validate("");
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameInvalidLength.selector, 65));
        h.validate("abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij12345");
        assertFalse(h.isValid(""));
    }

    function test_RevertWhen_Character() public {
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameInvalidCharacter.selector, 0, bytes1("A")));
        h.validate("Alice");
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameInvalidCharacter.selector, 1, bytes1(" ")));
        h.validate("a b");
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameInvalidCharacter.selector, 5, bytes1(".")));
        h.validate("alice.eth");
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameInvalidCharacter.selector, 0, bytes1(0xc3)));
        h.validate(unicode"é");
        // A bad character is reported before a bad hyphen.
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameInvalidCharacter.selector, 1, bytes1("!")));
        h.validate("-!");
    }

    function test_RevertWhen_Hyphen() public {
        vm.expectRevert(INameRegistry.NameInvalidHyphen.selector);
        h.validate("-");
        vm.expectRevert(INameRegistry.NameInvalidHyphen.selector);
        h.validate("-alice");
        vm.expectRevert(INameRegistry.NameInvalidHyphen.selector);
        h.validate("alice-");
        assertTrue(h.isValid("a--b"));
    }

    /// @dev Any label built from the alphabet, without a hyphen at either end, is valid.
    function testFuzz_ValidGenerator(bytes32 seed, uint8 len) public view {
        uint256 length = bound(len, 1, 64);
        bytes memory b = new bytes(length);
        for (uint256 i; i < length; ++i) {
            b[i] = _allowed(uint8(uint256(keccak256(abi.encode(seed, i)))));
        }
        if (b[0] == "-") b[0] = "a";
        if (b[length - 1] == "-") b[length - 1] = "z";
        assertEq(h.validate(string(b)), length);
        assertTrue(h.isValid(string(b)));
    }

    /// @dev A valid label with one byte replaced by a disallowed byte reverts at that position.
    function testFuzz_InvalidCharacter(uint8 len, uint256 pos, uint8 bad) public {
        vm.assume(!_reference(abi.encodePacked(bytes1(bad))) && bad != uint8(bytes1("-")));
        uint256 length = bound(len, 1, 64);
        pos = bound(pos, 0, length - 1);
        bytes memory b = new bytes(length);
        for (uint256 i; i < length; ++i) {
            b[i] = "a";
        }
        b[pos] = bytes1(bad);
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameInvalidCharacter.selector, pos, bytes1(bad)));
        h.validate(string(b));
        assertFalse(h.isValid(string(b)));
    }

    /// @dev The first disallowed byte (found by the assembly scan) is the one the reference finds
    /// first, on labels that are mostly allowed bytes with a few arbitrary ones.
    function testFuzz_FirstDisallowedMatchesReference(bytes32 seed, uint8 len) public {
        uint256 length = bound(len, 1, 64);
        bytes memory b = new bytes(length);
        uint256 first = type(uint256).max;
        for (uint256 i; i < length; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            b[i] = r % 8 == 0 ? bytes1(uint8(r >> 8)) : _allowed(uint8(r >> 16));
            if (first == type(uint256).max && !_reference(abi.encodePacked("a", b[i], "a"))) first = i;
        }
        if (first == type(uint256).max) {
            assertEq(h.isValid(string(b)), _reference(b));
            return;
        }
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameInvalidCharacter.selector, first, b[first]));
        h.validate(string(b));
        assertFalse(h.isValid(string(b)));
    }

    /// @dev `isValid` checks a label 32 bytes at a time, with no loop, and `validate` looks at the
    /// bytes one by one only to name the error: every byte value, alone, inside a label, and at each
    /// position around the word boundary (the first and last byte of each word, with labels that end
    /// there or go on), is classified as the reference classifies it, by both.
    function test_EveryByteValueAtEveryWordEdge() public view {
        bytes memory filler = "abcdefghijklmnopqrstuvwxyz0123456789_abcdefghijklmnopqrstuvwxyz0";
        uint8[6] memory positions = [0, 1, 30, 31, 32, 63];
        for (uint256 c; c < 256; ++c) {
            bytes1 x = bytes1(uint8(c));
            _checkAgainstReference(abi.encodePacked(x));
            _checkAgainstReference(abi.encodePacked("a", x, "a"));
            for (uint256 i; i < positions.length; ++i) {
                uint256 pos = positions[i];
                // The byte last, then inside a 64-byte label.
                bytes memory shortLabel = new bytes(pos + 1);
                bytes memory longLabel = bytes.concat(filler);
                for (uint256 j; j < pos; ++j) {
                    shortLabel[j] = filler[j];
                }
                shortLabel[pos] = x;
                longLabel[pos] = x;
                _checkAgainstReference(shortLabel);
                _checkAgainstReference(longLabel);
            }
        }
    }

    function _checkAgainstReference(bytes memory b) internal view {
        bool expected = _reference(b);
        assertEq(h.isValid(string(b)), expected, string(b));
        try h.validate(string(b)) returns (uint256 length) {
            assertTrue(expected, "validate accepted an invalid label");
            assertEq(length, b.length);
        } catch {
            assertFalse(expected, "validate refused a valid label");
        }
    }

    /// @dev `isValid` and `validate` agree with the reference on arbitrary bytes.
    function testFuzz_MatchesReference(bytes calldata b) public view {
        bool expected = _reference(b);
        assertEq(h.isValid(string(b)), expected, "isValid");
        try h.validate(string(b)) returns (uint256 length) {
            assertTrue(expected, "validate accepted an invalid label");
            assertEq(length, b.length);
        } catch {
            assertFalse(expected, "validate refused a valid label");
        }
    }
}

contract RentPricingTest is Test {
    uint256 internal constant SESH = 1e9;

    function test_Tiers() public pure {
        assertEq(RentPricing.tierOf(1), 0);
        assertEq(RentPricing.tierOf(2), 1);
        assertEq(RentPricing.tierOf(3), 2);
        assertEq(RentPricing.tierOf(4), 3);
        assertEq(RentPricing.tierOf(5), 4);
        assertEq(RentPricing.tierOf(64), 4);
    }

    function test_RentExamples() public pure {
        assertEq(RentPricing.rent(100 * SESH, 365 days), 100 * SESH);
        assertEq(RentPricing.rent(100 * SESH, 28 days), 7_671_232_877); // 7.671232876.. rounded up
        assertEq(RentPricing.rent(1, 1), 1); // any positive charge rounds up to at least 1
    }

    function testFuzz_RentIsCeiling(uint256 price, uint256 duration) public pure {
        price = bound(price, SESH, 10_000_000 * SESH);
        duration = bound(duration, 28 days, 100 * 365 days);
        uint256 r = RentPricing.rent(price, duration);
        assertGe(r * 365 days, price * duration, "ceil");
        assertLt(r * 365 days - price * duration, 365 days, "tight");
    }

    function testFuzz_RentMonotoneInDuration(uint256 price, uint256 d1, uint256 d2) public pure {
        price = bound(price, SESH, 10_000_000 * SESH);
        d1 = bound(d1, 28 days, 100 * 365 days);
        d2 = bound(d2, d1, 100 * 365 days);
        assertLe(RentPricing.rent(price, d1), RentPricing.rent(price, d2), "monotone");
    }

    function test_PremiumEndpoints() public pure {
        uint256 start = 100_000 * SESH;
        uint256 end = start >> 21;
        assertEq(RentPricing.premium(start, 0), start - end);
        assertEq(RentPricing.premium(start, 1 days), (start >> 1) - end);
        assertEq(RentPricing.premium(start, 12 hours), start - (start >> 2) - end);
        assertLe(RentPricing.premium(start, 21 days - 1), (start >> 20) - end, "last second");
        assertEq(RentPricing.premium(start, 21 days), 0);
        assertEq(RentPricing.premium(0, 0), 0);
    }

    function testFuzz_PremiumStartsAtStartMinusEnd(uint256 start) public pure {
        start = bound(start, 0, 10_000_000 * SESH);
        assertEq(RentPricing.premium(start, 0), start - (start >> 21));
    }

    function testFuzz_PremiumMonotoneNonIncreasing(uint256 start, uint256 t1, uint256 t2) public pure {
        start = bound(start, 0, 10_000_000 * SESH);
        t1 = bound(t1, 0, 30 days);
        t2 = bound(t2, t1, 30 days);
        assertGe(RentPricing.premium(start, t1), RentPricing.premium(start, t2), "non-increasing");
    }

    function testFuzz_PremiumNeighboursNonIncreasing(uint256 start, uint256 t) public pure {
        start = bound(start, 0, 10_000_000 * SESH);
        t = bound(t, 0, 22 days);
        assertGe(RentPricing.premium(start, t), RentPricing.premium(start, t + 1), "step");
    }

    function testFuzz_PremiumZeroAfterDecay(uint256 start, uint256 t) public pure {
        start = bound(start, 0, 10_000_000 * SESH);
        t = bound(t, 21 days, type(uint256).max);
        assertEq(RentPricing.premium(start, t), 0);
    }

    function testFuzz_PremiumAtMostStart(uint256 start, uint256 t) public pure {
        start = bound(start, 0, 10_000_000 * SESH);
        t = bound(t, 0, 21 days);
        assertLe(RentPricing.premium(start, t), start, "bounded");
    }
}
