// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "../utils/Test.sol";
import {Signatures} from "../utils/Signatures.sol";
import {TestSESH} from "../../src/test-only/TestSESH.sol";
import {NameRegistry} from "../../src/NameRegistry.sol";
import {INameRegistry} from "../../src/interfaces/INameRegistry.sol";

/// @dev Drives a registry (one-transaction, or commit–reveal when its minimum commitment age is
/// above 0) with a few actors and labels: registers (paying from an allowance, with a permit, with
/// a permit someone front-ran, or through {NameRegistry-registerAndConsent}), renews (allowance or
/// permit), transfers (plain, with record, and listed at a transfer count: current or stale), sets
/// records and primary names (with and without consent), clears primary names, sends stray SESH
/// and sweeps it, tries forbidden moves, and warps time. Tracks each name's expected expiry and
/// transfer count, every SESH paid and swept.
///
/// Every action guards its own inputs (it only does what must succeed, and wraps what must fail
/// in try/catch, recording a success), so the invariant tests run with `fail-on-revert`.
/// Records are always set to the current owner's own key ({keyOf}), so a record that
/// belongs to anyone else than the owner means a transfer failed to clear it.
contract NameRegistryHandler is Test {
    uint256 internal constant SESH = 1e9;

    TestSESH public immutable sesh;
    NameRegistry public immutable reg;
    bytes32 internal immutable domainSeparator;

    address[] public actors;
    uint256[] internal actorKeys;
    string[] public labels;

    /// @dev Every SESH the registry charged (rent + premium), by the events' arithmetic.
    uint256 public ghostPaid;
    /// @dev Every SESH sent straight to the registry, and what of it no sweep has taken yet.
    uint256 public ghostStray;
    uint256 public ghostUnswept;
    /// @dev Set when a forbidden move succeeded (never expected).
    bool public expiredTransferSucceeded;
    bool public unauthorizedTransferSucceeded;
    bool public staleRecordAfterTransfer;
    /// @dev Set when {NameRegistry-transferListed} moved a name at a stale transfer count.
    bool public staleListedTransferSucceeded;
    /// @dev Set when {NameRegistry-transferListed} refused a live name at its current count.
    bool public currentListedTransferFailed;
    /// @dev Set when a registration was revealed before its commitment's minimum age.
    bool public earlyRevealSucceeded;
    /// @dev Set when a payable ERC-721 call accepted ETH.
    bool public etherAccepted;
    /// @dev Set when a sweep sent another amount than the stray SESH, or left some behind.
    bool public sweepWrong;
    uint256 public calls;
    /// @dev How often each path ran (to see that a run reaches them all).
    uint256 public commitReveals;
    uint256 public permitPayments;
    uint256 public frontRunPermits;
    uint256 public consents;

    /// @dev Per token id: the expiry every register and renew should have left, and the number
    /// of transfers and burns seen.
    mapping(uint256 tokenId => uint256) public ghostExpiry;
    mapping(uint256 tokenId => uint256) public ghostTransfers;

    constructor(TestSESH sesh_, NameRegistry reg_) {
        sesh = sesh_;
        reg = reg_;
        domainSeparator = sesh_.DOMAIN_SEPARATOR();
        for (uint256 i; i < 3; ++i) {
            (address account, uint256 key) = makeAccount(string.concat("actor", vm.toString(i)));
            actors.push(account);
            actorKeys.push(key);
            vm.deal(account, 1 ether);
        }
        labels.push("alice");
        labels.push("bob");
        labels.push("carol-dev");
        labels.push("d_4");
        labels.push("session");
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

    /// @dev An allowance of at least `amount` from actor `i` to the registry.
    function _approve(uint256 i, uint256 amount) internal {
        if (sesh.allowance(actors[i], address(reg)) < amount) {
            vm.prank(actors[i]);
            sesh.approve(address(reg), type(uint256).max);
        }
    }

    /// @dev Actor `i`'s permit of exactly `amount` to the registry, valid for an hour.
    function _permit(uint256 i, uint256 amount) internal view returns (INameRegistry.Permit memory) {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) =
            Signatures.signPermit(actorKeys[i], domainSeparator, address(reg), amount, sesh.nonces(actors[i]), deadline);
        return INameRegistry.Permit({value: amount, deadline: deadline, v: v, r: r, s: s});
    }

    /// @dev How actor `i` pays `amount`: 0 from an allowance, 1 with a permit, 2 with a permit that
    /// someone else submitted first (the registry's own permit call then fails and is ignored).
    function _payment(uint256 i, uint256 amount, uint256 mode) internal returns (INameRegistry.Permit memory p) {
        mode %= 3;
        if (mode == 0) {
            _approve(i, amount);
            return p;
        }
        p = _permit(i, amount);
        if (mode == 2) {
            sesh.permit(actors[i], address(reg), p.value, p.deadline, p.v, p.r, p.s);
            ++frontRunPermits;
        } else {
            ++permitPayments;
        }
    }

    /// @dev A consent as the wallet sends it (the registry relays it unchecked).
    function _consent(address a) internal view returns (INameRegistry.ReverseConsent memory) {
        return INameRegistry.ReverseConsent({
            sessionKey: keyOf(a),
            ed25519Key: keccak256(abi.encode("ed25519", a)),
            nonce: uint64(block.timestamp) * 1000,
            signatureR: keccak256(abi.encode("R", a, block.timestamp)),
            signatureS: keccak256(abi.encode("S", a, block.timestamp))
        });
    }

    /*//////////////////////////////////////////////////////////////
                                 ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @dev On a commit–reveal deployment: commits, tries to reveal at once (must fail), waits
    /// between the minimum and maximum age, then reveals. `how` picks the payment ({_payment}:
    /// `how % 3`), whether it goes through {NameRegistry-registerAndConsent} (`how / 3 % 2`) and the
    /// commitment's age (`how >> 8`).
    function register(uint256 actorSeed, uint256 labelSeed, uint256 durationSeed, bool withRecord, uint256 how)
        external
    {
        calls++;
        uint256 i = actorSeed % actors.length;
        string memory label = labels[labelSeed % labels.length];
        if (!reg.available(label)) return;
        INameRegistry.Registration memory r =
            _registration(i, label, bound(durationSeed, 28 days, 3 * 365 days), withRecord);
        _fund(actors[i]);
        uint256 minAge = reg.minCommitmentAge();
        bytes32 secret;
        if (minAge != 0) {
            secret = keccak256(abi.encode(calls, r.owner));
            vm.prank(r.owner);
            reg.commit(reg.makeCommitment(r, secret));
            INameRegistry.Permit memory none;
            vm.prank(r.owner);
            try reg.register(r, secret, none) {
                earlyRevealSucceeded = true;
            } catch {}
            vm.warp(block.timestamp + bound(how >> 8, minAge, reg.maxCommitmentAge()));
            ++commitReveals;
        }
        (uint256 rent, uint256 premium) = reg.rentPrice(label, r.duration);
        _reveal(i, r, secret, rent + premium, how % 3, how / 3 % 2 == 1);
    }

    /// @dev Actor `i`'s registration of `label`; `withRecord`: its own key and address, primary.
    function _registration(uint256 i, string memory label, uint256 duration, bool withRecord)
        internal
        view
        returns (INameRegistry.Registration memory)
    {
        address a = actors[i];
        (uint256 rent, uint256 premium) = reg.rentPrice(label, duration);
        return INameRegistry.Registration({
            label: label,
            owner: a,
            duration: duration,
            sessionKey: withRecord ? keyOf(a) : bytes32(0),
            evmAddress: withRecord ? a : address(0),
            setPrimary: withRecord,
            // The premium only decays while a commitment matures: this bounds what is charged.
            maxCost: rent + premium
        });
    }

    function _reveal(
        uint256 i,
        INameRegistry.Registration memory r,
        bytes32 secret,
        uint256 cost,
        uint256 payMode,
        bool consent
    ) internal {
        address a = actors[i];
        uint256 id = uint256(keccak256(bytes(r.label)));
        INameRegistry.Permit memory p = _payment(i, cost, payMode);
        // A lapsed name is burned before it is minted again.
        if (reg.expiryOf(id) != 0) ghostTransfers[id]++;
        vm.prank(a);
        if (consent) {
            reg.registerAndConsent(r, secret, p, _consent(a));
            ++consents;
        } else {
            reg.register(r, secret, p);
        }
        ghostPaid += cost;
        ghostExpiry[id] = block.timestamp + r.duration;
    }

    function renew(uint256 actorSeed, uint256 labelSeed, uint256 durationSeed, uint256 payMode) external {
        calls++;
        uint256 i = actorSeed % actors.length;
        address a = actors[i];
        string memory label = labels[labelSeed % labels.length];
        uint256 expiry = reg.expiryOf(uint256(keccak256(bytes(label))));
        if (expiry == 0 || block.timestamp > expiry + reg.GRACE_PERIOD()) return;
        uint256 duration = bound(durationSeed, 28 days, 2 * 365 days);
        (uint256 rent,) = reg.rentPrice(label, duration);
        _fund(a);
        INameRegistry.Permit memory p = _payment(i, rent, payMode);
        vm.prank(a);
        reg.renew(label, duration, rent, p);
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

    /// @dev The payable ERC-721 calls refuse ETH, whoever sends it.
    function sendEther(uint256 labelSeed, uint256 toSeed, uint256 value) external {
        calls++;
        uint256 id = uint256(keccak256(bytes(labels[labelSeed % labels.length])));
        address owner = reg.registrantOf(id);
        if (owner == address(0) || !_live(id)) return;
        address to = actors[toSeed % actors.length];
        value = bound(value, 1, 1e15);
        vm.deal(owner, owner.balance + 3 * value);
        vm.startPrank(owner);
        try reg.transferFrom{value: value}(owner, to, id) {
            etherAccepted = true;
        } catch {}
        try reg.safeTransferFrom{value: value}(owner, to, id, "") {
            etherAccepted = true;
        } catch {}
        try reg.approve{value: value}(to, id) {
            etherAccepted = true;
        } catch {}
        vm.stopPrank();
    }

    function setRecord(uint256 labelSeed, bool clear) external {
        calls++;
        uint256 id = uint256(keccak256(bytes(labels[labelSeed % labels.length])));
        address owner = reg.registrantOf(id);
        if (owner == address(0) || !_live(id)) return;
        vm.prank(owner);
        reg.setRecord(id, clear ? bytes32(0) : keyOf(owner), clear ? address(0) : owner);
    }

    function setPrimary(uint256 labelSeed, bool consent) external {
        calls++;
        uint256 id = uint256(keccak256(bytes(labels[labelSeed % labels.length])));
        address owner = reg.registrantOf(id);
        if (owner == address(0) || !_live(id)) return;
        vm.prank(owner);
        if (consent) {
            reg.setPrimaryNameAndConsent(id, _consent(owner));
            ++consents;
        } else {
            reg.setPrimaryName(id);
        }
    }

    function clearPrimary(uint256 actorSeed) external {
        calls++;
        vm.prank(actors[actorSeed % actors.length]);
        reg.clearPrimaryName();
    }

    /// @dev Someone sends SESH straight to the registry; anyone may sweep it to the pool.
    function strayAndSweep(uint256 amount, bool sweep_) external {
        calls++;
        amount = bound(amount, 1, 1_000 * SESH);
        sesh.faucet(address(reg), amount);
        ghostStray += amount;
        ghostUnswept += amount;
        if (sweep_) sweep();
    }

    /// @dev Anyone sweeps: exactly the stray SESH goes, nothing stays.
    function sweep() public {
        calls++;
        vm.prank(makeAddr("sweeper"));
        uint256 amount = reg.sweepUnowed();
        if (amount != ghostUnswept || sesh.balanceOf(address(reg)) != 0) sweepWrong = true;
        ghostUnswept = 0;
    }

    function warp(uint256 seconds_) external {
        calls++;
        vm.warp(block.timestamp + bound(seconds_, 1, 200 days));
    }
}
