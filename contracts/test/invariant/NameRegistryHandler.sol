// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "../utils/Test.sol";
import {TestSESH} from "../../src/test-only/TestSESH.sol";
import {NameRegistry} from "../../src/NameRegistry.sol";
import {INameRegistry} from "../../src/interfaces/INameRegistry.sol";

/// @dev Drives a one-transaction registry with a few actors and labels: registers, renews,
/// transfers (plain, with record, and listed at a transfer count: current or stale), sets
/// records, tries forbidden moves, and warps time. Tracks each name's expected expiry and
/// transfer count.
/// Records are always set to the current owner's own key ({keyOf}), so a record that
/// belongs to anyone else than the owner means a transfer failed to clear it.
contract NameRegistryHandler is Test {
    uint256 internal constant SESH = 1e9;

    TestSESH public immutable sesh;
    NameRegistry public immutable reg;

    address[] public actors;
    string[] public labels;

    /// @dev Every SESH the registry charged (rent + premium), by the events' arithmetic.
    uint256 public ghostPaid;
    /// @dev Set when a forbidden move succeeded (never expected).
    bool public expiredTransferSucceeded;
    bool public unauthorizedTransferSucceeded;
    bool public staleRecordAfterTransfer;
    /// @dev Set when {NameRegistry-transferListed} moved a name at a stale transfer count.
    bool public staleListedTransferSucceeded;
    /// @dev Set when {NameRegistry-transferListed} refused a live name at its current count.
    bool public currentListedTransferFailed;
    uint256 public calls;

    /// @dev Per token id: the expiry every register and renew should have left, and the number
    /// of transfers and burns seen.
    mapping(uint256 tokenId => uint256) public ghostExpiry;
    mapping(uint256 tokenId => uint256) public ghostTransfers;

    constructor(TestSESH sesh_, NameRegistry reg_) {
        sesh = sesh_;
        reg = reg_;
        actors.push(makeAddr("actor0"));
        actors.push(makeAddr("actor1"));
        actors.push(makeAddr("actor2"));
        labels.push("alice");
        labels.push("bob");
        labels.push("carol-dev");
        labels.push("d_4");
        labels.push("session");
        for (uint256 i; i < actors.length; ++i) {
            vm.prank(actors[i]);
            sesh.approve(address(reg), type(uint256).max);
        }
    }

    function keyOf(address account) public pure returns (bytes32) {
        return keccak256(abi.encode("key", account));
    }

    function labelCount() external view returns (uint256) {
        return labels.length;
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function _fund(address a) internal {
        if (sesh.balanceOf(a) < 200_000 * SESH) {
            sesh.faucet(a, 100_000 * SESH);
            sesh.faucet(a, 100_000 * SESH);
        }
    }

    function _live(uint256 id) internal view returns (bool) {
        return reg.expiryOf(id) > block.timestamp;
    }

    /*//////////////////////////////////////////////////////////////
                                 ACTIONS
    //////////////////////////////////////////////////////////////*/

    function register(uint256 actorSeed, uint256 labelSeed, uint256 durationSeed, bool withRecord) external {
        calls++;
        address a = actors[actorSeed % actors.length];
        string memory label = labels[labelSeed % labels.length];
        if (!reg.available(label)) return;
        uint256 duration = bound(durationSeed, 28 days, 3 * 365 days);
        (uint256 rent, uint256 premium) = reg.rentPrice(label, duration);
        _fund(a);
        INameRegistry.Registration memory r = INameRegistry.Registration({
            label: label,
            owner: a,
            duration: duration,
            sessionKey: withRecord ? keyOf(a) : bytes32(0),
            evmAddress: withRecord ? a : address(0),
            setPrimary: withRecord,
            maxCost: rent + premium
        });
        INameRegistry.Permit memory none;
        uint256 id = uint256(keccak256(bytes(label)));
        // A lapsed name is burned before it is minted again.
        if (reg.expiryOf(id) != 0) ghostTransfers[id]++;
        vm.prank(a);
        reg.register(r, bytes32(0), none);
        ghostPaid += rent + premium;
        ghostExpiry[id] = block.timestamp + duration;
    }

    function renew(uint256 actorSeed, uint256 labelSeed, uint256 durationSeed) external {
        calls++;
        address a = actors[actorSeed % actors.length];
        string memory label = labels[labelSeed % labels.length];
        uint256 expiry = reg.expiryOf(uint256(keccak256(bytes(label))));
        if (expiry == 0 || block.timestamp > expiry + reg.GRACE_PERIOD()) return;
        uint256 duration = bound(durationSeed, 28 days, 2 * 365 days);
        (uint256 rent,) = reg.rentPrice(label, duration);
        _fund(a);
        INameRegistry.Permit memory none;
        vm.prank(a);
        reg.renew(label, duration, rent, none);
        ghostPaid += rent;
        ghostExpiry[uint256(keccak256(bytes(label)))] += duration;
    }

    function transfer(uint256 labelSeed, uint256 toSeed, bool withRecord) external {
        calls++;
        uint256 id = uint256(keccak256(bytes(labels[labelSeed % labels.length])));
        address from = reg.registrantOf(id);
        if (from == address(0)) return;
        address to = actors[toSeed % actors.length];
        if (!_live(id)) {
            // (c) an expired name cannot be transferred, even by its registrant.
            vm.prank(from);
            try reg.transferFrom(from, to, id) {
                expiredTransferSucceeded = true;
            } catch {}
            return;
        }
        vm.prank(from);
        if (withRecord) reg.transferWithRecord(from, to, id, keyOf(to), to);
        else reg.transferFrom(from, to, id);
        ghostTransfers[id]++;
        // (e) the name no longer resolves to the previous owner's record.
        (bytes32 key,) = reg.recordOf(id);
        if (from != to && key == keyOf(from)) staleRecordAfterTransfer = true;
    }

    function approveAndMove(uint256 labelSeed, uint256 spenderSeed) external {
        calls++;
        uint256 id = uint256(keccak256(bytes(labels[labelSeed % labels.length])));
        address owner = reg.registrantOf(id);
        if (owner == address(0) || !_live(id)) return;
        address spender = actors[spenderSeed % actors.length];
        vm.prank(owner);
        reg.approve(spender, id);
        vm.prank(spender);
        reg.transferFrom(owner, spender, id);
        ghostTransfers[id]++;
    }

    /// @dev A market-style sale by an operator, at the current transfer count or at an older
    /// one (a listing made before the name moved): only the first may succeed.
    function transferListed(uint256 labelSeed, uint256 toSeed, uint256 staleBy, bool withRecord) external {
        calls++;
        uint256 id = uint256(keccak256(bytes(labels[labelSeed % labels.length])));
        address owner = reg.registrantOf(id);
        if (owner == address(0) || !_live(id)) return;
        address to = actors[toSeed % actors.length];
        address operator = makeAddr("operator");
        vm.prank(owner);
        reg.setApprovalForAll(operator, true);
        uint256 count = reg.transferCountOf(id);
        staleBy = bound(staleBy, 0, count < 3 ? count : 3);
        vm.prank(operator);
        try reg.transferListed(to, id, count - staleBy, withRecord ? keyOf(to) : bytes32(0), address(0)) returns (
            address from
        ) {
            if (staleBy != 0 || from != owner) staleListedTransferSucceeded = true;
            ghostTransfers[id]++;
        } catch {
            if (staleBy == 0) currentListedTransferFailed = true;
        }
    }

    function stealAttempt(uint256 labelSeed, uint256 thiefSeed) external {
        calls++;
        uint256 id = uint256(keccak256(bytes(labels[labelSeed % labels.length])));
        address owner = reg.registrantOf(id);
        address thief = actors[thiefSeed % actors.length];
        if (owner == address(0) || thief == owner || reg.getApproved(id) == thief) return;
        if (reg.isApprovedForAll(owner, thief)) return;
        // (d) only the owner or an approved account moves a name.
        vm.prank(thief);
        try reg.transferFrom(owner, thief, id) {
            unauthorizedTransferSucceeded = true;
        } catch {}
        vm.prank(thief);
        try reg.transferWithRecord(owner, thief, id, keyOf(thief), thief) {
            unauthorizedTransferSucceeded = true;
        } catch {}
    }

    function setRecord(uint256 labelSeed, bool clear) external {
        calls++;
        uint256 id = uint256(keccak256(bytes(labels[labelSeed % labels.length])));
        address owner = reg.registrantOf(id);
        if (owner == address(0) || !_live(id)) return;
        vm.prank(owner);
        reg.setRecord(id, clear ? bytes32(0) : keyOf(owner), clear ? address(0) : owner);
    }

    function setPrimary(uint256 labelSeed) external {
        calls++;
        uint256 id = uint256(keccak256(bytes(labels[labelSeed % labels.length])));
        address owner = reg.registrantOf(id);
        if (owner == address(0) || !_live(id)) return;
        vm.prank(owner);
        reg.setPrimaryName(id);
    }

    function warp(uint256 seconds_) external {
        calls++;
        vm.warp(block.timestamp + bound(seconds_, 1, 200 days));
    }
}
