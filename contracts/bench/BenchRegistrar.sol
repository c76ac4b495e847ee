// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {INameRegistry} from "../src/interfaces/INameRegistry.sol";
import {TestSESH} from "../src/test-only/TestSESH.sol";

/// @title BenchRegistrar
/// @notice Benchmarks only (`just bench`, never deployed anywhere else): registers many names per
/// transaction through the real {INameRegistry-register}, paying the real rent from its own test
/// SESH, so a local chain holds 100,000 names in minutes and a registry node indexes and verifies
/// the very events real registrations emit.
/// @dev Name `i` is `"bench"` followed by `i` in seven decimal digits (`bench0000042`), owned by
/// `address(uint160(uint256(keccak256(abi.encode("owner", i)))))` with the Session ID key
/// `keccak256(abi.encode("session", i))`, for one year, without a primary name. This contract
/// pays: each registration's rent goes from it to the rewards pool inside the same transaction,
/// which is what a registry node checks.
contract BenchRegistrar {
    /// @notice The registry names are registered with.
    INameRegistry public immutable registry;
    /// @notice The test token rent is paid in (its faucet funds this contract).
    TestSESH public immutable sesh;

    /// @notice One year, the duration of every registration.
    uint256 public constant DURATION = 365 days;

    /// @dev Indexes are seven decimal digits.
    error BenchIndexTooLarge(uint256 index);

    /// @param registry_ The deployed NameRegistry.
    /// @param sesh_ The deployed TestSESH the registry charges in.
    constructor(INameRegistry registry_, TestSESH sesh_) {
        registry = registry_;
        sesh = sesh_;
        sesh_.approve(address(registry_), type(uint256).max);
    }

    /// @notice Registers names `first` to `first + count - 1`, topping up this contract's SESH from
    /// the faucet first.
    /// @param first The index of the first name.
    /// @param count How many names.
    function registerBatch(uint256 first, uint256 count) external {
        if (first + count > 10_000_000) revert BenchIndexTooLarge(first + count);
        if (count == 0) return;
        (uint256 rent, uint256 premium) = registry.rentPrice(labelOf(first), DURATION);
        _fund((rent + premium) * count);
        INameRegistry.Permit memory none;
        for (uint256 i = first; i < first + count; ++i) {
            INameRegistry.Registration memory registration = INameRegistry.Registration({
                label: labelOf(i),
                owner: ownerOf(i),
                duration: DURATION,
                sessionKey: sessionKeyOf(i),
                evmAddress: address(0),
                setPrimary: false,
                maxCost: type(uint256).max
            });
            registry.register(registration, bytes32(0), none);
        }
    }

    /// @notice The label of name `index`: `"bench"` and seven digits.
    /// @param index The name's index.
    /// @return label The label.
    function labelOf(uint256 index) public pure returns (string memory label) {
        if (index >= 10_000_000) revert BenchIndexTooLarge(index);
        bytes memory out = bytes("bench0000000");
        for (uint256 i = 11; index != 0; --i) {
            out[i] = bytes1(uint8(48 + index % 10));
            index /= 10;
        }
        label = string(out);
    }

    /// @notice The owner of name `index`.
    /// @param index The name's index.
    /// @return The owner.
    function ownerOf(uint256 index) public pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encode("owner", index)))));
    }

    /// @notice The Session ID key in the record of name `index`.
    /// @param index The name's index.
    /// @return The key (the Session ID without its `05` prefix).
    function sessionKeyOf(uint256 index) public pure returns (bytes32) {
        return keccak256(abi.encode("session", index));
    }

    function _fund(uint256 needed) private {
        uint256 balance = sesh.balanceOf(address(this));
        uint256 limit = sesh.FAUCET_LIMIT();
        while (balance < needed) {
            uint256 amount = needed - balance < limit ? needed - balance : limit;
            sesh.faucet(address(this), amount);
            balance += amount;
        }
    }
}
