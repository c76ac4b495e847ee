// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "./utils/Test.sol";
import {Vm} from "./utils/Vm.sol";
import {Signatures} from "./utils/Signatures.sol";
import {TestSESH} from "../src/test-only/TestSESH.sol";
import {RewardsPool} from "../src/RewardsPool.sol";
import {NameRegistry} from "../src/NameRegistry.sol";
import {INameRegistry} from "../src/interfaces/INameRegistry.sol";
import {ISweepable} from "../src/interfaces/ISweepable.sol";
import {RentPricing} from "../src/libraries/RentPricing.sol";
import {ERC721} from "solady/tokens/ERC721.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";

/// @dev Reads and writes a name's raw extra data (expiry in the low 40 bits, transfer count in
/// the high 56), to test that the two never disturb each other at any value.
contract NameRegistryHarness is NameRegistry {
    constructor(address sesh_, address rewardsPool_) NameRegistry(sesh_, rewardsPool_, 0, 24 hours) {}

    function setExtraData(uint256 tokenId, uint96 value) external {
        _setExtraData(tokenId, value);
    }

    function extraData(uint256 tokenId) external view returns (uint96) {
        return _getExtraData(tokenId);
    }
}

/// @dev Records the calldata of the two calls {NameRegistry} makes to pay (the payment is encoded
/// by hand there), and returns `true` as a token should.
contract RecordingToken {
    bytes public permitCall;
    bytes public transferFromCall;

    function permit(address, address, uint256, uint256, uint8, bytes32, bytes32) external {
        permitCall = msg.data;
    }

    function transferFrom(address, address, uint256) external returns (bool) {
        transferFromCall = msg.data;
        return true;
    }
}

/// @dev A token whose `transferFrom` returns `false` instead of reverting.
contract FalseToken {
    function transferFrom(address, address, uint256) external pure returns (bool) {
        return false;
    }
}

/// @dev A token that reports a balance but whose `transfer` returns `false` instead of reverting.
contract FalseTransferToken {
    function balanceOf(address) external pure returns (uint256) {
        return 1;
    }

    function transfer(address, uint256) external pure returns (bool) {
        return false;
    }
}

/// @dev A token whose `transferFrom` returns nothing (as USDT's does).
contract NoReturnToken {
    uint256 public calls;

    function transferFrom(address, address, uint256) external {
        ++calls;
    }
}

/// @dev Deployment and helpers shared by the registry tests.
abstract contract NameRegistryBase is Test {
    uint256 internal constant SESH = 1e9;
    uint256 internal constant T0 = 1_700_000_000;
    uint256 internal constant YEAR = 365 days;
    bytes32 internal constant KEY_A = keccak256("alice session key");
    bytes32 internal constant KEY_B = keccak256("bob session key");
    bytes32 internal constant SECRET = keccak256("secret");

    TestSESH internal sesh;
    RewardsPool internal pool;
    /// @dev Commit-reveal deployment (60 s .. 24 h).
    NameRegistry internal reg;
    /// @dev One-transaction deployment (0 .. 24 h).
    NameRegistry internal reg0;
    bytes32 internal domainSeparator;

    address internal alice;
    uint256 internal aliceKey;
    address internal bob;
    uint256 internal bobKey;
    address internal carol;

    function setUp() public virtual {
        vm.warp(T0);
        sesh = new TestSESH();
        pool = new RewardsPool(address(sesh), makeAddr("node staking"));
        reg = new NameRegistry(address(sesh), address(pool), 60, 24 hours);
        reg0 = new NameRegistry(address(sesh), address(pool), 0, 24 hours);
        domainSeparator = sesh.DOMAIN_SEPARATOR();
        (alice, aliceKey) = makeAccount("alice");
        (bob, bobKey) = makeAccount("bob");
        carol = makeAddr("carol");
        sesh.faucet(alice, 100_000 * SESH);
        sesh.faucet(bob, 100_000 * SESH);
        sesh.faucet(carol, 100_000 * SESH);
        // The pool already holds fees in real life: its balance slot is not fresh.
        sesh.faucet(address(pool), 1 * SESH);
    }

    function _registration(string memory label, address owner)
        internal
        pure
        returns (INameRegistry.Registration memory)
    {
        return INameRegistry.Registration({
            label: label,
            owner: owner,
            duration: YEAR,
            sessionKey: 0,
            evmAddress: address(0),
            setPrimary: false,
            maxCost: type(uint256).max
        });
    }

    function _noPermit() internal pure returns (INameRegistry.Permit memory p) {}

    function _permit(uint256 key, address spender, uint256 value)
        internal
        view
        returns (INameRegistry.Permit memory p)
    {
        address owner = vm.addr(key);
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) =
            Signatures.signPermit(key, domainSeparator, spender, value, sesh.nonces(owner), deadline);
        p = INameRegistry.Permit({value: value, deadline: deadline, v: v, r: r, s: s});
    }

    /// @dev One-transaction registration on `reg0`, paid by `payer` with an approval.
    function _register0(INameRegistry.Registration memory r, address payer) internal returns (uint256 tokenId) {
        vm.prank(payer);
        sesh.approve(address(reg0), type(uint256).max);
        vm.prank(payer);
        tokenId = reg0.register(r, SECRET, _noPermit());
    }

    function _register0(string memory label, address owner) internal returns (uint256) {
        return _register0(_registration(label, owner), owner);
    }

    function _id(string memory label) internal pure returns (uint256) {
        return uint256(keccak256(bytes(label)));
    }

    /// @dev The commitment as documented in {NameRegistry-makeCommitment}.
    function _commitment(INameRegistry.Registration memory r, bytes32 secret) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(_id(r.label), r.owner, r.duration, r.sessionKey, r.evmAddress, r.setPrimary, r.maxCost, secret)
        );
    }

    /// @dev A valid label of `length` bytes (1 to 64) drawn from the whole alphabet.
    function _validLabel(bytes32 seed, uint256 length) internal pure returns (string memory) {
        bytes memory alphabet = "abcdefghijklmnopqrstuvwxyz0123456789_-";
        bytes memory b = new bytes(length);
        for (uint256 i; i < length; ++i) {
            b[i] = alphabet[uint256(keccak256(abi.encode(seed, i))) % alphabet.length];
        }
        if (b[0] == "-") b[0] = "a";
        if (b[length - 1] == "-") b[length - 1] = "z";
        return string(b);
    }

    /// @dev The logs `emitter` left in `logs`, in order.
    function _logsOf(Vm.Log[] memory logs, address emitter) internal pure returns (Vm.Log[] memory out) {
        uint256 n;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter == emitter) ++n;
        }
        out = new Vm.Log[](n);
        n = 0;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter == emitter) out[n++] = logs[i];
        }
    }

    /// @dev Registration sets the record and primary name through {NameRegistered} only.
    function _assertNoRecordOrPrimaryEvent(address emitter) internal {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter != emitter) continue;
            assertTrue(logs[i].topics[0] != INameRegistry.RecordSet.selector, "RecordSet");
            assertTrue(logs[i].topics[0] != INameRegistry.PrimaryNameSet.selector, "PrimaryNameSet");
        }
    }
}

contract NameRegistryTest is NameRegistryBase {
    /*//////////////////////////////////////////////////////////////
                              DEPLOYMENT
    //////////////////////////////////////////////////////////////*/

    function test_Constructor_SetsEverything() public view {
        assertEq(reg.sesh(), address(sesh));
        assertEq(reg.rewardsPool(), address(pool));
        assertEq(reg.minCommitmentAge(), 60);
        assertEq(reg.maxCommitmentAge(), 24 hours);
        assertEq(reg.owner(), address(this));
        assertEq(reg.name(), "Session Names");
        assertEq(reg.symbol(), "SESHNAME");
        uint256[5] memory prices = reg.rentPrices();
        assertEq(prices[0], 50_000 * SESH);
        assertEq(prices[1], 50_000 * SESH);
        assertEq(prices[2], 10_000 * SESH);
        assertEq(prices[3], 2_000 * SESH);
        assertEq(prices[4], 100 * SESH);
        assertEq(reg.premiumStart(), 100_000 * SESH);
        assertFalse(reg.paused());
        assertTrue(reg.supportsInterface(0x80ac58cd)); // ERC-721
        assertTrue(reg.supportsInterface(0x5b5e139f)); // metadata
    }

    function test_RevertWhen_ConstructorGetsZeroAddress() public {
        vm.expectRevert(INameRegistry.NameRegistryZeroAddress.selector);
        new NameRegistry(address(0), address(pool), 60, 1 days);
        vm.expectRevert(INameRegistry.NameRegistryZeroAddress.selector);
        new NameRegistry(address(sesh), address(0), 60, 1 days);
    }

    function test_RevertWhen_ConstructorGetsBadCommitmentAges() public {
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.CommitmentAgesInvalid.selector, 60, 60));
        new NameRegistry(address(sesh), address(pool), 60, 60);
    }

    /*//////////////////////////////////////////////////////////////
                                COMMIT
    //////////////////////////////////////////////////////////////*/

    function test_Commit_StoresTimestampAndEmits() public {
        bytes32 c = keccak256("c");
        vm.expectEmit(true, true, true, true, address(reg));
        emit INameRegistry.CommitmentMade(c, alice);
        vm.prank(alice);
        reg.commit(c);
        assertEq(reg.commitmentTimestamp(c), T0);
    }

    function test_RevertWhen_CommitmentUnexpired() public {
        bytes32 c = keccak256("c");
        reg.commit(c);
        vm.warp(T0 + 24 hours);
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.CommitmentUnexpired.selector, c));
        reg.commit(c);
        // Once expired it can be made again.
        vm.warp(T0 + 24 hours + 1);
        reg.commit(c);
        assertEq(reg.commitmentTimestamp(c), T0 + 24 hours + 1);
    }

    function test_MakeCommitment_IsKeccakOfEncoding() public view {
        INameRegistry.Registration memory r = _registration("alice", alice);
        r.sessionKey = KEY_A;
        r.evmAddress = bob;
        r.setPrimary = true;
        r.maxCost = 7;
        assertEq(reg.makeCommitment(r, SECRET), _commitment(r, SECRET));
        // Every field is bound.
        bytes32 c = reg.makeCommitment(r, SECRET);
        r.label = "alicf";
        assertTrue(reg.makeCommitment(r, SECRET) != c);
        r.label = "alice";
        r.owner = carol;
        assertTrue(reg.makeCommitment(r, SECRET) != c);
        r.owner = alice;
        r.duration += 1;
        assertTrue(reg.makeCommitment(r, SECRET) != c);
        r.duration -= 1;
        r.sessionKey = KEY_B;
        assertTrue(reg.makeCommitment(r, SECRET) != c);
        r.sessionKey = KEY_A;
        r.evmAddress = carol;
        assertTrue(reg.makeCommitment(r, SECRET) != c);
        r.evmAddress = bob;
        r.setPrimary = false;
        assertTrue(reg.makeCommitment(r, SECRET) != c);
        r.setPrimary = true;
        r.maxCost = 8;
        assertTrue(reg.makeCommitment(r, SECRET) != c);
        r.maxCost = 7;
        assertTrue(reg.makeCommitment(r, bytes32(uint256(SECRET) + 1)) != c);
        assertEq(reg.makeCommitment(r, SECRET), c);
    }

    /*//////////////////////////////////////////////////////////////
                         REGISTER: COMMIT-REVEAL
    //////////////////////////////////////////////////////////////*/

    function test_Register_WithCommitPermitRecordAndPrimary() public {
        INameRegistry.Registration memory r = _registration("alice", alice);
        r.sessionKey = KEY_A;
        r.evmAddress = alice;
        r.setPrimary = true;
        bytes32 c = reg.makeCommitment(r, SECRET);
        vm.prank(alice);
        reg.commit(c);
        vm.warp(T0 + 60);
        uint256 cost = 100 * SESH;
        INameRegistry.Permit memory p = _permit(aliceKey, address(reg), cost);
        uint256 id = _id("alice");

        vm.expectEmit(true, true, true, true, address(reg));
        emit ERC721.Transfer(address(0), alice, id);
        vm.expectEmit(true, true, true, true, address(reg));
        emit INameRegistry.NameRegistered(id, "alice", alice, T0 + 60 + YEAR, cost, 0, KEY_A, alice, true);
        vm.recordLogs();
        vm.prank(alice);
        assertEq(reg.register(r, SECRET, p), id);
        _assertNoRecordOrPrimaryEvent(address(reg));

        assertEq(reg.ownerOf(id), alice);
        assertEq(reg.balanceOf(alice), 1);
        assertEq(reg.expiryOf(id), T0 + 60 + YEAR);
        (bytes32 key, address evm) = reg.resolve("alice");
        assertEq(key, KEY_A);
        assertEq(evm, alice);
        assertTrue(reg.isPrimaryName(id));
        (bool set, uint224 tag) = reg.primaryNameOf(alice);
        assertTrue(set);
        assertEq(uint256(tag), id >> 32);
        assertEq(reg.commitmentTimestamp(c), 0);
        assertEq(sesh.balanceOf(address(pool)), 1 * SESH + cost);
        assertEq(sesh.balanceOf(address(reg)), 0);
        assertEq(sesh.allowance(alice, address(reg)), 0);
    }

    function test_RevertWhen_CommitmentNotFound() public {
        INameRegistry.Registration memory r = _registration("alice", alice);
        bytes32 c = reg.makeCommitment(r, SECRET);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.CommitmentNotFound.selector, c));
        reg.register(r, SECRET, _noPermit());
    }

    function test_RevertWhen_CommitmentTooNew() public {
        INameRegistry.Registration memory r = _registration("alice", alice);
        bytes32 c = reg.makeCommitment(r, SECRET);
        reg.commit(c);
        vm.warp(T0 + 59);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.CommitmentTooNew.selector, c, T0 + 60));
        reg.register(r, SECRET, _noPermit());
    }

    function test_RevertWhen_CommitmentTooOld() public {
        INameRegistry.Registration memory r = _registration("alice", alice);
        bytes32 c = reg.makeCommitment(r, SECRET);
        reg.commit(c);
        vm.warp(T0 + 24 hours + 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.CommitmentTooOld.selector, c, T0 + 24 hours));
        reg.register(r, SECRET, _noPermit());
    }

    function test_RevertWhen_RevealChangesTheOwner() public {
        INameRegistry.Registration memory r = _registration("alice", alice);
        reg.commit(reg.makeCommitment(r, SECRET));
        vm.warp(T0 + 60);
        // A front-runner copying the reveal with itself as owner finds no commitment.
        r.owner = bob;
        bytes32 stolen = reg.makeCommitment(r, SECRET);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.CommitmentNotFound.selector, stolen));
        reg.register(r, SECRET, _noPermit());
    }

    /// @dev {register} hashes the commitment with a `calldatacopy` of the struct head; it must
    /// equal {makeCommitment} (the `abi.encode` reference) for any registration, so the one made
    /// with {makeCommitment} is found and consumed.
    function testFuzz_CommitmentFastPathMatchesMakeCommitment(
        bytes32 sessionKey,
        address evmAddress,
        bool setPrimary,
        uint256 duration,
        uint256 maxCost,
        bytes32 secret
    ) public {
        INameRegistry.Registration memory r = _registration("fuzzed_name", alice);
        r.sessionKey = sessionKey;
        r.evmAddress = evmAddress;
        r.setPrimary = setPrimary;
        r.duration = bound(duration, 28 days, 100 * YEAR);
        r.maxCost = bound(maxCost, 100_000 * SESH, type(uint256).max);
        bytes32 c = reg.makeCommitment(r, secret);
        assertEq(c, _commitment(r, secret));
        reg.commit(c);
        vm.warp(T0 + 60);
        vm.startPrank(alice);
        sesh.approve(address(reg), type(uint256).max);
        uint256 id = reg.register(r, secret, _noPermit());
        vm.stopPrank();
        assertEq(id, _id("fuzzed_name"));
        assertEq(reg.commitmentTimestamp(c), 0);
        (bytes32 key, address evm) = reg.recordOf(id);
        assertEq(key, sessionKey);
        assertEq(evm, evmAddress);
        assertEq(reg.isPrimaryName(id), setPrimary);
    }

    function test_Register_CommitmentIsConsumed() public {
        INameRegistry.Registration memory r = _registration("alice", alice);
        bytes32 c = reg.makeCommitment(r, SECRET);
        reg.commit(c);
        vm.warp(T0 + 60);
        vm.startPrank(alice);
        sesh.approve(address(reg), type(uint256).max);
        reg.register(r, SECRET, _noPermit());
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.CommitmentNotFound.selector, c));
        reg.register(r, SECRET, _noPermit());
        vm.stopPrank();
    }

    /*//////////////////////////////////////////////////////////////
                        REGISTER: ONE TRANSACTION
    //////////////////////////////////////////////////////////////*/

    function test_Register_OneTransactionWithPermit() public {
        INameRegistry.Registration memory r = _registration("alice", alice);
        r.sessionKey = KEY_A;
        INameRegistry.Permit memory p = _permit(aliceKey, address(reg0), 100 * SESH);
        vm.expectEmit(true, true, true, true, address(reg0));
        emit INameRegistry.NameRegistered(
            _id("alice"), "alice", alice, T0 + YEAR, 100 * SESH, 0, KEY_A, address(0), false
        );
        vm.recordLogs();
        vm.prank(alice);
        uint256 id = reg0.register(r, SECRET, p);
        _assertNoRecordOrPrimaryEvent(address(reg0));
        assertEq(reg0.ownerOf(id), alice);
        (bytes32 key, address evm) = reg0.recordOf(id);
        assertEq(key, KEY_A);
        assertEq(evm, address(0));
        assertFalse(reg0.isPrimaryName(id));
    }

    /// @dev With a minimum age of 0 the commitment is not looked at: a lingering one stays
    /// (harmless, it expires), and a registration without one works.
    function test_Register_OneTransactionIgnoresCommitments() public {
        INameRegistry.Registration memory r = _registration("alice", alice);
        bytes32 c = reg0.makeCommitment(r, SECRET);
        reg0.commit(c);
        _register0(r, alice);
        assertEq(reg0.commitmentTimestamp(c), T0);
        assertEq(reg0.ownerOf(_id("alice")), alice);
    }

    function test_Register_PayerMayDifferFromOwner() public {
        uint256 before = sesh.balanceOf(bob);
        uint256 id = _register0(_registration("alice", alice), bob);
        assertEq(reg0.ownerOf(id), alice);
        assertEq(sesh.balanceOf(bob), before - 100 * SESH);
    }

    function test_Register_FrontRunPermitStillRegisters() public {
        INameRegistry.Permit memory p = _permit(aliceKey, address(reg0), 100 * SESH);
        // Someone submits alice's permit first: her registration still goes through.
        sesh.permit(alice, address(reg0), p.value, p.deadline, p.v, p.r, p.s);
        vm.prank(alice);
        reg0.register(_registration("alice", alice), SECRET, p);
        assertEq(reg0.ownerOf(_id("alice")), alice);
    }

    function test_RevertWhen_PermitInvalidAndNoAllowance() public {
        INameRegistry.Permit memory p = _permit(bobKey, address(reg0), 100 * SESH); // signed by the wrong key
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(reg0), 0, 100 * SESH)
        );
        reg0.register(_registration("alice", alice), SECRET, p);
    }

    function test_RevertWhen_ZeroOwner() public {
        vm.expectRevert(INameRegistry.NameZeroOwner.selector);
        reg0.register(_registration("alice", address(0)), SECRET, _noPermit());
    }

    function test_RevertWhen_LabelInvalid() public {
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameInvalidCharacter.selector, 0, bytes1("A")));
        reg0.register(_registration("Alice", alice), SECRET, _noPermit());
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameInvalidLength.selector, 0));
        reg0.register(_registration("", alice), SECRET, _noPermit());
        vm.expectRevert(INameRegistry.NameInvalidHyphen.selector);
        reg0.register(_registration("alice-", alice), SECRET, _noPermit());
    }

    function test_RevertWhen_SetPrimaryForSomeoneElse() public {
        INameRegistry.Registration memory r = _registration("alice", alice);
        r.setPrimary = true;
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameUnauthorized.selector, bob, _id("alice")));
        reg0.register(r, SECRET, _noPermit());
    }

    function test_RevertWhen_NameNotAvailable() public {
        uint256 id = _register0("alice", alice);
        vm.prank(bob);
        sesh.approve(address(reg0), type(uint256).max);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameNotAvailable.selector, id));
        reg0.register(_registration("alice", bob), SECRET, _noPermit());
        // Still not available at the very end of the grace period.
        vm.warp(reg0.expiryOf(id) + 90 days);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameNotAvailable.selector, id));
        reg0.register(_registration("alice", bob), SECRET, _noPermit());
    }

    function test_RevertWhen_DurationOutOfBounds() public {
        INameRegistry.Registration memory r = _registration("alice", alice);
        r.duration = 28 days - 1;
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameDurationTooShort.selector, 28 days - 1, 28 days));
        reg0.register(r, SECRET, _noPermit());
        r.duration = 100 * YEAR + 1;
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameDurationTooLong.selector, 100 * YEAR + 1, 100 * YEAR));
        reg0.register(r, SECRET, _noPermit());
    }

    function test_RevertWhen_CostAboveMax() public {
        INameRegistry.Registration memory r = _registration("abc", alice);
        r.maxCost = 10_000 * SESH - 1;
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameCostAboveMax.selector, 10_000 * SESH, r.maxCost));
        reg0.register(r, SECRET, _noPermit());
    }

    function test_RevertWhen_RegisterWhilePaused() public {
        vm.expectEmit(true, true, true, true, address(reg0));
        emit INameRegistry.Paused(address(this));
        reg0.pause();
        assertTrue(reg0.paused());
        vm.expectRevert(INameRegistry.EnforcedPause.selector);
        reg0.register(_registration("alice", alice), SECRET, _noPermit());
        vm.expectEmit(true, true, true, true, address(reg0));
        emit INameRegistry.Unpaused(address(this));
        reg0.unpause();
        assertFalse(reg0.paused());
        _register0("alice", alice);
    }

    function test_RevertWhen_PauseTwiceOrUnpauseUnpaused() public {
        vm.expectRevert(INameRegistry.ExpectedPause.selector);
        reg0.unpause();
        reg0.pause();
        vm.expectRevert(INameRegistry.EnforcedPause.selector);
        reg0.pause();
    }

    function test_PauseKeepsPricesAndPricesKeepPause() public {
        uint256[5] memory before = reg0.rentPrices();
        reg0.pause();
        uint256[5] memory got = reg0.rentPrices();
        for (uint256 i; i < 5; ++i) {
            assertEq(got[i], before[i]);
        }
        uint256[5] memory prices = [uint256(5 * SESH), 4 * SESH, 3 * SESH, 2 * SESH, SESH];
        reg0.setRentPrices(prices);
        assertTrue(reg0.paused());
        reg0.unpause();
        got = reg0.rentPrices();
        for (uint256 i; i < 5; ++i) {
            assertEq(got[i], prices[i]);
        }
        (uint256 rent,) = reg0.rentPrice("a", YEAR);
        assertEq(rent, 5 * SESH);
    }

    function test_RevertWhen_AllowanceTooLow() public {
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(reg0), 0, 100 * SESH)
        );
        reg0.register(_registration("alice", alice), SECRET, _noPermit());
    }

    /*//////////////////////////////////////////////////////////////
                         EXPIRY AND RE-REGISTRATION
    //////////////////////////////////////////////////////////////*/

    function test_Expiry_OwnerOfRevertsButRegistrantIsKnown() public {
        uint256 id = _register0("alice", alice);
        uint256 expiry = reg0.expiryOf(id);
        vm.warp(expiry - 1);
        assertEq(reg0.ownerOf(id), alice);
        vm.warp(expiry);
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameExpired.selector, id, expiry));
        reg0.ownerOf(id);
        assertEq(reg0.registrantOf(id), alice);
        assertFalse(reg0.available("alice"));
        vm.warp(expiry + 90 days + 1);
        assertTrue(reg0.available("alice"));
    }

    function test_OwnerOf_RevertsForUnknownToken() public {
        vm.expectRevert(ERC721.TokenDoesNotExist.selector);
        reg0.ownerOf(_id("nobody"));
        assertEq(reg0.registrantOf(_id("nobody")), address(0));
        assertEq(reg0.expiryOf(_id("nobody")), 0);
    }

    function test_Expiry_NameDoesNotResolveInGrace() public {
        INameRegistry.Registration memory r = _registration("alice", alice);
        r.sessionKey = KEY_A;
        r.setPrimary = true;
        uint256 id = _register0(r, alice);
        vm.warp(reg0.expiryOf(id));
        (bytes32 key, address evm) = reg0.resolve("alice");
        assertEq(key, bytes32(0));
        assertEq(evm, address(0));
        (key,) = reg0.recordOf(id);
        assertEq(key, bytes32(0));
        assertFalse(reg0.isPrimaryName(id));
    }

    function test_Expiry_TransfersAndApprovalsRevert() public {
        uint256 id = _register0("alice", alice);
        uint256 expiry = reg0.expiryOf(id);
        vm.warp(expiry);
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameExpired.selector, id, expiry));
        reg0.transferFrom(alice, bob, id);
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameExpired.selector, id, expiry));
        reg0.safeTransferFrom(alice, bob, id);
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameExpired.selector, id, expiry));
        reg0.approve(bob, id);
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameExpired.selector, id, expiry));
        reg0.transferWithRecord(alice, bob, id, KEY_B, address(0));
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameExpired.selector, id, expiry));
        reg0.setRecord(id, KEY_B, address(0));
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameExpired.selector, id, expiry));
        reg0.setPrimaryName(id);
        vm.stopPrank();
    }

    function test_Reregister_BurnsMintsClearsAndChargesPremium() public {
        INameRegistry.Registration memory r = _registration("alice", alice);
        r.sessionKey = KEY_A;
        r.evmAddress = alice;
        r.setPrimary = true;
        uint256 id = _register0(r, alice);
        uint256 graceEnd = reg0.expiryOf(id) + 90 days;
        vm.warp(graceEnd + 1);
        (uint256 rent, uint256 premium) = reg0.rentPrice("alice", YEAR);
        assertEq(rent, 100 * SESH);
        assertEq(premium, RentPricing.premium(100_000 * SESH, 1));
        uint256 poolBefore = sesh.balanceOf(address(pool));

        INameRegistry.Registration memory r2 = _registration("alice", bob);
        r2.sessionKey = KEY_B;
        sesh.faucet(bob, 100_000 * SESH);
        vm.prank(bob);
        sesh.approve(address(reg0), type(uint256).max);
        vm.expectEmit(true, true, true, true, address(reg0));
        emit ERC721.Transfer(alice, address(0), id);
        vm.expectEmit(true, true, true, true, address(reg0));
        emit INameRegistry.RecordSet(id, 0, address(0));
        vm.expectEmit(true, true, true, true, address(reg0));
        emit INameRegistry.PrimaryNameSet(alice, 0);
        vm.expectEmit(true, true, true, true, address(reg0));
        emit ERC721.Transfer(address(0), bob, id);
        vm.expectEmit(true, true, true, true, address(reg0));
        emit INameRegistry.NameRegistered(
            id, "alice", bob, graceEnd + 1 + YEAR, rent, premium, KEY_B, address(0), false
        );
        vm.prank(bob);
        reg0.register(r2, SECRET, _noPermit());

        assertEq(reg0.ownerOf(id), bob);
        assertEq(reg0.balanceOf(alice), 0);
        assertEq(reg0.balanceOf(bob), 1);
        (bool set,) = reg0.primaryNameOf(alice);
        assertFalse(set);
        (bytes32 key, address evm) = reg0.resolve("alice");
        assertEq(key, KEY_B);
        assertEq(evm, address(0));
        assertEq(sesh.balanceOf(address(pool)), poolBefore + rent + premium);
    }

    function test_Reregister_PremiumIsZeroAfterDecay() public {
        uint256 id = _register0("alice", alice);
        vm.warp(reg0.expiryOf(id) + 90 days + 21 days);
        (, uint256 premium) = reg0.rentPrice("alice", YEAR);
        assertEq(premium, 0);
        _register0("alice", bob);
        assertEq(reg0.ownerOf(id), bob);
    }

    /*//////////////////////////////////////////////////////////////
                                 RENEW
    //////////////////////////////////////////////////////////////*/

    function test_Renew_AnyoneMayPayAndExpiryExtends() public {
        uint256 id = _register0("alice", alice);
        uint256 expiry = reg0.expiryOf(id);
        INameRegistry.Permit memory p = _permit(bobKey, address(reg0), 100 * SESH);
        vm.expectEmit(true, true, true, true, address(reg0));
        emit INameRegistry.NameRenewed(id, "alice", bob, expiry + YEAR, 100 * SESH);
        vm.prank(bob);
        assertEq(reg0.renew("alice", YEAR, 100 * SESH, p), expiry + YEAR);
        assertEq(reg0.expiryOf(id), expiry + YEAR);
        assertEq(reg0.ownerOf(id), alice);
    }

    function test_Renew_InGraceAndWhilePaused() public {
        uint256 id = _register0("alice", alice);
        uint256 expiry = reg0.expiryOf(id);
        reg0.pause();
        vm.warp(expiry + 90 days);
        vm.prank(alice);
        reg0.renew("alice", YEAR, type(uint256).max, _noPermit());
        assertEq(reg0.expiryOf(id), expiry + YEAR);
        assertEq(reg0.ownerOf(id), alice);
    }

    function test_RevertWhen_RenewAfterGrace() public {
        uint256 id = _register0("alice", alice);
        vm.warp(reg0.expiryOf(id) + 90 days + 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameNotRenewable.selector, id));
        reg0.renew("alice", YEAR, type(uint256).max, _noPermit());
    }

    function test_RevertWhen_RenewNeverRegistered() public {
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameNotRenewable.selector, _id("ghost")));
        reg0.renew("ghost", YEAR, type(uint256).max, _noPermit());
    }

    function test_RevertWhen_RenewCostAboveMaxOrBadDuration() public {
        _register0("alice", alice);
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameCostAboveMax.selector, 100 * SESH, 1));
        reg0.renew("alice", YEAR, 1, _noPermit());
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameDurationTooShort.selector, 1, 28 days));
        reg0.renew("alice", 1, type(uint256).max, _noPermit());
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameDurationTooLong.selector, 100 * YEAR + 1, 100 * YEAR));
        reg0.renew("alice", 100 * YEAR + 1, type(uint256).max, _noPermit());
        vm.stopPrank();
    }

    /*//////////////////////////////////////////////////////////////
                                RECORDS
    //////////////////////////////////////////////////////////////*/

    function test_SetRecord_ByOwnerApprovedAndOperator() public {
        uint256 id = _register0("alice", alice);
        vm.expectEmit(true, true, true, true, address(reg0));
        emit INameRegistry.RecordSet(id, KEY_A, carol);
        vm.prank(alice);
        reg0.setRecord(id, KEY_A, carol);
        (bytes32 key, address evm) = reg0.resolve("alice");
        assertEq(key, KEY_A);
        assertEq(evm, carol);

        vm.prank(alice);
        reg0.approve(bob, id);
        vm.prank(bob);
        reg0.setRecord(id, KEY_B, address(0));
        (key, evm) = reg0.resolve("alice");
        assertEq(key, KEY_B);
        assertEq(evm, address(0));

        vm.prank(alice);
        reg0.setApprovalForAll(carol, true);
        vm.prank(carol);
        reg0.setRecord(id, 0, address(0));
        (key, evm) = reg0.recordOf(id);
        assertEq(key, bytes32(0));
    }

    function test_RevertWhen_SetRecordUnauthorized() public {
        uint256 id = _register0("alice", alice);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameUnauthorized.selector, bob, id));
        reg0.setRecord(id, KEY_B, address(0));
    }

    function test_RevertWhen_SetRecordOnUnknownName() public {
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameExpired.selector, _id("ghost"), 0));
        reg0.setRecord(_id("ghost"), KEY_B, address(0));
    }

    function test_Resolve_UnknownNameIsZero() public view {
        (bytes32 key, address evm) = reg0.resolve("ghost");
        assertEq(key, bytes32(0));
        assertEq(evm, address(0));
    }

    /*//////////////////////////////////////////////////////////////
                               TRANSFERS
    //////////////////////////////////////////////////////////////*/

    function test_Transfer_ClearsRecordAndPrimary() public {
        INameRegistry.Registration memory r = _registration("alice", alice);
        r.sessionKey = KEY_A;
        r.evmAddress = alice;
        r.setPrimary = true;
        uint256 id = _register0(r, alice);
        vm.expectEmit(true, true, true, true, address(reg0));
        emit ERC721.Transfer(alice, bob, id);
        vm.expectEmit(true, true, true, true, address(reg0));
        emit INameRegistry.RecordSet(id, 0, address(0));
        vm.expectEmit(true, true, true, true, address(reg0));
        emit INameRegistry.PrimaryNameSet(alice, 0);
        vm.prank(alice);
        reg0.transferFrom(alice, bob, id);
        (bytes32 key, address evm) = reg0.resolve("alice");
        assertEq(key, bytes32(0));
        assertEq(evm, address(0));
        (bool set,) = reg0.primaryNameOf(alice);
        assertFalse(set);
        assertFalse(reg0.isPrimaryName(id));
    }

    function test_Transfer_KeepsAnotherPrimary() public {
        INameRegistry.Registration memory r = _registration("alice", alice);
        r.setPrimary = true;
        uint256 primary = _register0(r, alice);
        uint256 other = _register0("second", alice);
        vm.prank(alice);
        reg0.safeTransferFrom(alice, bob, other);
        assertTrue(reg0.isPrimaryName(primary));
    }

    function test_RevertWhen_TransferUnauthorized() public {
        uint256 id = _register0("alice", alice);
        vm.prank(bob);
        vm.expectRevert(ERC721.NotOwnerNorApproved.selector);
        reg0.transferFrom(alice, bob, id);
    }

    /// @dev The {RecordSet} events `emitter` emitted since the last `vm.recordLogs`.
    function _recordSets(address emitter) internal returns (uint256 count, bytes32 lastKey, address lastEvm) {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter != emitter || logs[i].topics[0] != INameRegistry.RecordSet.selector) continue;
            count++;
            (lastKey, lastEvm) = abi.decode(logs[i].data, (bytes32, address));
        }
    }

    function test_TransferWithRecord_ByApprovedMarket() public {
        INameRegistry.Registration memory r = _registration("alice", alice);
        r.sessionKey = KEY_A;
        r.evmAddress = alice;
        uint256 id = _register0(r, alice);
        address market = makeAddr("market");
        vm.prank(alice);
        reg0.setApprovalForAll(market, true);
        vm.expectEmit(true, true, true, true, address(reg0));
        emit ERC721.Transfer(alice, bob, id);
        vm.expectEmit(true, true, true, true, address(reg0));
        emit INameRegistry.RecordSet(id, KEY_B, bob);
        vm.recordLogs();
        vm.prank(market);
        reg0.transferWithRecord(alice, bob, id, KEY_B, bob);
        // One RecordSet, the new record: no zeros in between.
        (uint256 count,,) = _recordSets(address(reg0));
        assertEq(count, 1, "one RecordSet");
        assertEq(reg0.ownerOf(id), bob);
        assertEq(reg0.transferCountOf(id), 1);
        (bytes32 key, address evm) = reg0.resolve("alice");
        assertEq(key, KEY_B);
        assertEq(evm, bob);
    }

    function test_TransferWithRecord_OnlyAnEvmAddressClearsTheOldKey() public {
        INameRegistry.Registration memory r = _registration("alice", alice);
        r.sessionKey = KEY_A;
        uint256 id = _register0(r, alice);
        vm.prank(alice);
        reg0.transferWithRecord(alice, bob, id, 0, bob);
        (bytes32 key, address evm) = reg0.resolve("alice");
        assertEq(key, bytes32(0));
        assertEq(evm, bob);
    }

    function test_TransferWithRecord_ZeroRecordJustTransfers() public {
        INameRegistry.Registration memory r = _registration("alice", alice);
        r.sessionKey = KEY_A;
        r.evmAddress = alice;
        uint256 id = _register0(r, alice);
        vm.recordLogs();
        vm.prank(alice);
        reg0.transferWithRecord(alice, bob, id, 0, address(0));
        // The cleared record is still announced, once.
        (uint256 count, bytes32 lastKey, address lastEvm) = _recordSets(address(reg0));
        assertEq(count, 1, "one RecordSet");
        assertEq(lastKey, bytes32(0));
        assertEq(lastEvm, address(0));
        assertEq(reg0.ownerOf(id), bob);
        (bytes32 key, address evm) = reg0.resolve("alice");
        assertEq(key, bytes32(0));
        assertEq(evm, address(0));
    }

    function test_RevertWhen_TransferWithRecordUnauthorized() public {
        uint256 id = _register0("alice", alice);
        vm.prank(bob);
        vm.expectRevert(ERC721.NotOwnerNorApproved.selector);
        reg0.transferWithRecord(alice, bob, id, KEY_B, address(0));
    }

    /*//////////////////////////////////////////////////////////////
                     TRANSFER COUNT AND TRANSFER LISTED
    //////////////////////////////////////////////////////////////*/

    function test_TransferCount_CountsEveryTransferAndBurnAndNeverResets() public {
        uint256 id = _register0("alice", alice);
        uint256 expiry = reg0.expiryOf(id);
        assertEq(reg0.transferCountOf(id), 0);
        vm.prank(alice);
        reg0.transferFrom(alice, bob, id);
        assertEq(reg0.transferCountOf(id), 1);
        vm.prank(bob);
        reg0.safeTransferFrom(bob, alice, id);
        assertEq(reg0.transferCountOf(id), 2);
        vm.prank(alice);
        reg0.approve(bob, id);
        vm.prank(bob);
        reg0.transferWithRecord(alice, bob, id, KEY_B, address(0));
        assertEq(reg0.transferCountOf(id), 3);
        // Renewing touches the expiry only.
        vm.prank(bob);
        sesh.approve(address(reg0), type(uint256).max);
        vm.prank(bob);
        reg0.renew("alice", YEAR, type(uint256).max, _noPermit());
        assertEq(reg0.transferCountOf(id), 3);
        assertEq(reg0.expiryOf(id), expiry + YEAR);
        // Re-registering a lapsed name burns (one more) and mints (no reset).
        vm.warp(expiry + YEAR + 90 days + 21 days);
        _register0("alice", carol);
        assertEq(reg0.transferCountOf(id), 4);
        assertEq(reg0.expiryOf(id), block.timestamp + YEAR);
        assertEq(reg0.ownerOf(id), carol);
    }

    function test_TransferCount_ReRegisteredBySameHolderStillMoves() public {
        uint256 id = _register0("alice", alice);
        vm.warp(reg0.expiryOf(id) + 90 days + 21 days);
        _register0("alice", alice);
        assertEq(reg0.ownerOf(id), alice);
        assertEq(reg0.transferCountOf(id), 1);
    }

    function test_TransferCount_ZeroForUnknownName() public view {
        assertEq(reg0.transferCountOf(_id("ghost")), 0);
    }

    function test_TransferListed_ByApprovedMarket() public {
        INameRegistry.Registration memory r = _registration("alice", alice);
        r.sessionKey = KEY_A;
        r.evmAddress = alice;
        r.setPrimary = true;
        uint256 id = _register0(r, alice);
        address market = makeAddr("market");
        vm.prank(alice);
        reg0.setApprovalForAll(market, true);
        vm.expectEmit(true, true, true, true, address(reg0));
        emit ERC721.Transfer(alice, bob, id);
        vm.expectEmit(true, true, true, true, address(reg0));
        emit INameRegistry.PrimaryNameSet(alice, 0);
        vm.expectEmit(true, true, true, true, address(reg0));
        emit INameRegistry.RecordSet(id, KEY_B, address(0));
        vm.recordLogs();
        vm.prank(market);
        assertEq(reg0.transferListed(bob, id, 0, KEY_B, address(0)), alice);
        (uint256 count,,) = _recordSets(address(reg0));
        assertEq(count, 1, "one RecordSet");
        assertEq(reg0.ownerOf(id), bob);
        assertEq(reg0.transferCountOf(id), 1);
        (bytes32 key, address evm) = reg0.resolve("alice");
        assertEq(key, KEY_B);
        assertEq(evm, address(0));
        (bool set,) = reg0.primaryNameOf(alice);
        assertFalse(set);
    }

    function test_RevertWhen_TransferListedAfterTheNameCameBack() public {
        uint256 id = _register0("alice", alice);
        address market = makeAddr("market");
        vm.prank(alice);
        reg0.setApprovalForAll(market, true);
        vm.prank(alice);
        reg0.transferFrom(alice, bob, id);
        vm.prank(bob);
        reg0.transferFrom(bob, alice, id);
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameTransferCountMismatch.selector, id, 0, 2));
        vm.prank(market);
        reg0.transferListed(carol, id, 0, KEY_B, address(0));
        // At the current count it moves.
        vm.prank(market);
        assertEq(reg0.transferListed(carol, id, 2, KEY_B, address(0)), alice);
        assertEq(reg0.ownerOf(id), carol);
    }

    function test_RevertWhen_TransferListedUnauthorized() public {
        uint256 id = _register0("alice", alice);
        vm.expectRevert(ERC721.NotOwnerNorApproved.selector);
        vm.prank(bob);
        reg0.transferListed(bob, id, 0, KEY_B, address(0));
    }

    function test_RevertWhen_TransferListedExpired() public {
        uint256 id = _register0("alice", alice);
        uint256 expiry = reg0.expiryOf(id);
        vm.warp(expiry);
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameExpired.selector, id, expiry));
        vm.prank(alice);
        reg0.transferListed(bob, id, 0, KEY_B, address(0));
    }

    function test_RevertWhen_TransferListedUnknownName() public {
        vm.expectRevert(ERC721.TokenDoesNotExist.selector);
        reg0.transferListed(bob, _id("ghost"), 0, KEY_B, address(0));
    }

    function test_RevertWhen_TransferListedToZero() public {
        uint256 id = _register0("alice", alice);
        vm.expectRevert(ERC721.TransferToZeroAddress.selector);
        vm.prank(alice);
        reg0.transferListed(address(0), id, 0, KEY_B, address(0));
    }

    /// @dev Expiry (low 40 bits) and transfer count (high 56 bits) share the extra data: at any
    /// values, every read of one ignores the other, and every write of one keeps the other.
    function testFuzz_ExpiryAndTransferCountNeverDisturbEachOther(uint256 expiry, uint256 count, uint256 duration)
        public
    {
        NameRegistryHarness h = new NameRegistryHarness(address(sesh), address(pool));
        vm.prank(alice);
        sesh.approve(address(h), type(uint256).max);
        INameRegistry.Registration memory r = _registration("alice", alice);
        r.sessionKey = KEY_A;
        vm.prank(alice);
        uint256 id = h.register(r, SECRET, _noPermit());

        duration = bound(duration, 28 days, YEAR);
        // Live, and renewable once more within 40 bits.
        expiry = bound(expiry, block.timestamp + 1, (1 << 40) - 1 - duration);
        count = bound(count, 0, (1 << 56) - 2);
        // forge-lint: disable-next-line(unsafe-typecast)
        h.setExtraData(id, uint96((count << 40) | expiry));

        assertEq(h.expiryOf(id), expiry, "expiry read");
        assertEq(h.transferCountOf(id), count, "count read");
        assertEq(h.ownerOf(id), alice, "live");
        (bytes32 key,) = h.recordOf(id);
        assertEq(key, KEY_A, "resolves");
        assertFalse(h.available("alice"));

        vm.prank(alice);
        h.renew("alice", duration, type(uint256).max, _noPermit());
        assertEq(h.expiryOf(id), expiry + duration, "renew: expiry");
        assertEq(h.transferCountOf(id), count, "renew: count kept");

        vm.prank(alice);
        h.transferFrom(alice, bob, id);
        assertEq(h.expiryOf(id), expiry + duration, "transfer: expiry kept");
        assertEq(h.transferCountOf(id), count + 1, "transfer: count");
        assertEq(h.extraData(id), ((count + 1) << 40) | (expiry + duration), "raw");

        // Past the expiry the count does not keep the name alive.
        vm.warp(expiry + duration);
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameExpired.selector, id, expiry + duration));
        h.ownerOf(id);
        (key,) = h.recordOf(id);
        assertEq(key, bytes32(0), "expired: no record");
    }

    /// @dev The expiry cannot grow into the transfer count.
    function test_RevertWhen_RenewPastFortyBitExpiry() public {
        NameRegistryHarness h = new NameRegistryHarness(address(sesh), address(pool));
        vm.prank(alice);
        sesh.approve(address(h), type(uint256).max);
        vm.prank(alice);
        uint256 id = h.register(_registration("alice", alice), SECRET, _noPermit());
        uint256 expiry = (1 << 40) - 1 - 28 days;
        // forge-lint: disable-next-line(unsafe-typecast)
        h.setExtraData(id, uint96((uint256(7) << 40) | expiry));
        vm.expectRevert(abi.encodeWithSelector(SafeCast.SafeCastOverflowedUintDowncast.selector, 40, 1 << 40));
        vm.prank(alice);
        h.renew("alice", 28 days + 1, type(uint256).max, _noPermit());
        // Up to the last second fits, and the count is kept.
        vm.prank(alice);
        h.renew("alice", 28 days, type(uint256).max, _noPermit());
        assertEq(h.expiryOf(id), (1 << 40) - 1);
        assertEq(h.transferCountOf(id), 7);
    }

    /*//////////////////////////////////////////////////////////////
                             PRIMARY NAMES
    //////////////////////////////////////////////////////////////*/

    function test_SetAndClearPrimaryName() public {
        uint256 id = _register0("alice", alice);
        assertFalse(reg0.isPrimaryName(id));
        vm.expectEmit(true, true, true, true, address(reg0));
        emit INameRegistry.PrimaryNameSet(alice, id);
        vm.prank(alice);
        reg0.setPrimaryName(id);
        assertTrue(reg0.isPrimaryName(id));
        vm.expectEmit(true, true, true, true, address(reg0));
        emit INameRegistry.PrimaryNameSet(alice, 0);
        vm.prank(alice);
        reg0.clearPrimaryName();
        assertFalse(reg0.isPrimaryName(id));
        assertEq(reg0.balanceOf(alice), 1); // the aux beside the balance left the balance alone
    }

    function test_RevertWhen_SetPrimaryNameNotOwner() public {
        uint256 id = _register0("alice", alice);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameUnauthorized.selector, bob, id));
        reg0.setPrimaryName(id);
    }

    function test_IsPrimaryName_FalseForUnknown() public view {
        assertFalse(reg0.isPrimaryName(_id("ghost")));
    }

    /*//////////////////////////////////////////////////////////////
                        REVERSE NAMES: CONSENT
    //////////////////////////////////////////////////////////////*/

    /// @dev A consent as the wallet sends it; the registry relays any bytes, so these need not verify.
    function _consent(bytes32 sessionKey, uint64 nonce) internal pure returns (INameRegistry.ReverseConsent memory) {
        return INameRegistry.ReverseConsent({
            sessionKey: sessionKey,
            ed25519Key: keccak256(abi.encode("ed25519", sessionKey)),
            nonce: nonce,
            signatureR: keccak256(abi.encode("R", sessionKey, nonce)),
            signatureS: keccak256(abi.encode("S", sessionKey, nonce))
        });
    }

    function _expectConsent(
        NameRegistry registry,
        uint256 tokenId,
        address owner,
        INameRegistry.ReverseConsent memory c
    ) internal {
        vm.expectEmit(true, true, true, true, address(registry));
        emit INameRegistry.ReverseConsentGiven(
            c.sessionKey, tokenId, owner, c.ed25519Key, c.nonce, c.signatureR, c.signatureS
        );
    }

    /// @dev `registerAndConsent` is `register` (same events, same state, same payment) plus the
    /// consent event, last, for the token id and the registration's owner.
    function test_RegisterAndConsent_IsRegisterPlusTheConsentEvent() public {
        INameRegistry.Registration memory r = _registration("alice", alice);
        r.sessionKey = KEY_A;
        r.evmAddress = alice;
        r.setPrimary = true;
        INameRegistry.ReverseConsent memory c = _consent(KEY_A, 1_700_000_000_000);
        uint256 id = _id("alice");
        uint256 cost = 100 * SESH;
        INameRegistry.Permit memory p = _permit(aliceKey, address(reg0), cost);

        vm.expectEmit(true, true, true, true, address(reg0));
        emit ERC721.Transfer(address(0), alice, id);
        vm.expectEmit(true, true, true, true, address(reg0));
        emit INameRegistry.NameRegistered(id, "alice", alice, T0 + YEAR, cost, 0, KEY_A, alice, true);
        _expectConsent(reg0, id, alice, c);
        vm.prank(alice);
        assertEq(reg0.registerAndConsent(r, SECRET, p, c), id);

        assertEq(reg0.ownerOf(id), alice);
        assertEq(reg0.expiryOf(id), T0 + YEAR);
        (bytes32 key, address evm) = reg0.resolve("alice");
        assertEq(key, KEY_A);
        assertEq(evm, alice);
        assertTrue(reg0.isPrimaryName(id));
        assertEq(sesh.balanceOf(address(pool)), 1 * SESH + cost);
        assertEq(sesh.balanceOf(address(reg0)), 0);
        assertEq(sesh.allowance(alice, address(reg0)), 0);
    }

    /// @dev Through the delegatecall, `register` sees the caller (the payer), the commitment and
    /// every field as sent, for any label length, and a lapsed name is burned first as usual.
    function testFuzz_RegisterAndConsentRegistersWhatRegisterWould(bytes32 seed, uint8 lengthSeed, bool primary)
        public
    {
        string memory label = _validLabel(seed, bound(lengthSeed, 1, 64));
        INameRegistry.Registration memory r = _registration(label, alice);
        r.sessionKey = KEY_A;
        r.evmAddress = bob;
        r.setPrimary = primary;
        // Commit-reveal: the commitment is the one `register` itself consumes.
        vm.prank(alice);
        reg.commit(reg.makeCommitment(r, SECRET));
        vm.warp(T0 + 60);
        vm.prank(alice);
        sesh.approve(address(reg), type(uint256).max);
        INameRegistry.ReverseConsent memory c = _consent(KEY_A, 7);
        _expectConsent(reg, _id(label), alice, c);
        vm.prank(alice);
        uint256 id = reg.registerAndConsent(r, SECRET, _noPermit(), c);
        assertEq(id, _id(label));
        assertEq(reg.ownerOf(id), alice);
        (bytes32 key, address evm) = reg.resolve(label);
        assertEq(key, KEY_A);
        assertEq(evm, bob);
        assertEq(reg.isPrimaryName(id), primary);
        assertEq(reg.commitmentTimestamp(reg.makeCommitment(r, SECRET)), 0, "commitment consumed");
    }

    function test_RevertWhen_RegisterAndConsentFails() public {
        _register0("alice", bob);
        INameRegistry.Registration memory r = _registration("alice", alice);
        vm.prank(alice);
        sesh.approve(address(reg0), type(uint256).max);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameNotAvailable.selector, _id("alice")));
        reg0.registerAndConsent(r, SECRET, _noPermit(), _consent(KEY_A, 1));
        // The commitment is checked as in `register`.
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(INameRegistry.CommitmentNotFound.selector, reg.makeCommitment(r, SECRET))
        );
        reg.registerAndConsent(r, SECRET, _noPermit(), _consent(KEY_A, 1));
        // A setPrimary for someone else: the caller is the one `register` sees.
        r = _registration("carol", carol);
        r.setPrimary = true;
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameUnauthorized.selector, alice, _id("carol")));
        reg0.registerAndConsent(r, SECRET, _noPermit(), _consent(KEY_A, 1));
    }

    function test_SetPrimaryNameAndConsent() public {
        INameRegistry.Registration memory r = _registration("alice", alice);
        r.sessionKey = KEY_A;
        uint256 id = _register0(r, alice);
        INameRegistry.ReverseConsent memory c = _consent(KEY_A, 2);
        vm.expectEmit(true, true, true, true, address(reg0));
        emit INameRegistry.PrimaryNameSet(alice, id);
        _expectConsent(reg0, id, alice, c);
        vm.prank(alice);
        reg0.setPrimaryNameAndConsent(id, c);
        assertTrue(reg0.isPrimaryName(id));

        // Only the owner of a live name, as setPrimaryName.
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameUnauthorized.selector, bob, id));
        reg0.setPrimaryNameAndConsent(id, c);
        uint256 expiry = reg0.expiryOf(id);
        vm.warp(expiry);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameExpired.selector, id, expiry));
        reg0.setPrimaryNameAndConsent(id, c);
    }

    /// @dev Anyone may relay any consent, for any name and owner (also none): nothing is checked
    /// or stored on chain, the signature is checked by whoever reads the event.
    function test_GiveReverseConsent_RelaysAnything() public {
        INameRegistry.ReverseConsent memory c = _consent(KEY_B, 3);
        _expectConsent(reg0, _id("never-registered"), carol, c);
        vm.prank(makeAddr("stranger"));
        reg0.giveReverseConsent(_id("never-registered"), carol, c);
        _expectConsent(reg0, 0, address(0), c);
        reg0.giveReverseConsent(0, address(0), c);
    }

    /*//////////////////////////////////////////////////////////////
                              STRAY FUNDS
    //////////////////////////////////////////////////////////////*/

    function test_SweepUnowed_SendsStraySeshToThePool() public {
        _register0("alice", alice);
        vm.prank(bob);
        sesh.transfer(address(reg0), 42 * SESH);
        uint256 poolBefore = sesh.balanceOf(address(pool));
        vm.prank(reg0.owner());
        reg0.pause(); // works while paused, for anyone
        vm.expectEmit(true, true, true, true, address(reg0));
        emit ISweepable.UnowedSwept(42 * SESH);
        vm.prank(makeAddr("anyone"));
        assertEq(reg0.sweepUnowed(), 42 * SESH);
        assertEq(sesh.balanceOf(address(reg0)), 0);
        assertEq(sesh.balanceOf(address(pool)), poolBefore + 42 * SESH);
        // Nothing left: nothing sent, no event, no revert.
        vm.recordLogs();
        assertEq(reg0.sweepUnowed(), 0);
        assertEq(vm.getRecordedLogs().length, 0);
    }

    function test_RevertWhen_SweepTokenFails() public {
        address token = address(new FalseTransferToken());
        NameRegistry falseReg = new NameRegistry(token, address(pool), 0, 1 days);
        vm.expectRevert(abi.encodeWithSelector(SafeERC20.SafeERC20FailedOperation.selector, token));
        falseReg.sweepUnowed();
    }

    /// @dev The payable ERC-721 functions refuse ETH, which nothing could take out of the registry.
    function test_RevertWhen_EtherSentWithErc721Calls() public {
        uint256 id = _register0("alice", alice);
        vm.deal(alice, 1 ether);
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameRegistryEtherRefused.selector, 1));
        reg0.transferFrom{value: 1}(alice, bob, id);
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameRegistryEtherRefused.selector, 2));
        reg0.safeTransferFrom{value: 2}(alice, bob, id);
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameRegistryEtherRefused.selector, 3));
        reg0.safeTransferFrom{value: 3}(alice, bob, id, "");
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameRegistryEtherRefused.selector, 4));
        reg0.approve{value: 4}(bob, id);
        // Without ETH they work as before.
        reg0.approve(bob, id);
        reg0.safeTransferFrom(alice, bob, id, "");
        vm.stopPrank();
        assertEq(address(reg0).balance, 0);
        assertEq(reg0.ownerOf(id), bob);
    }

    /*//////////////////////////////////////////////////////////////
                       A NAME'S LIFE, TO THE SECOND
    //////////////////////////////////////////////////////////////*/

    /// @dev The boundaries `sesh_core::lifecycle` copies: live while `now < expiry`; grace from
    /// the second of expiry through `expiry + GRACE_PERIOD`; then available, with a premium that
    /// is zero from `expiry + GRACE_PERIOD + PREMIUM_DECAY_PERIOD` on.
    function test_Lifecycle_BoundarySeconds() public {
        INameRegistry.Registration memory r = _registration("alice", alice);
        r.sessionKey = KEY_A;
        uint256 id = _register0(r, alice);
        uint256 expiry = reg0.expiryOf(id);
        uint256 graceEnd = expiry + reg0.GRACE_PERIOD();

        vm.warp(expiry - 1); // live
        assertEq(reg0.ownerOf(id), alice);
        (bytes32 key,) = reg0.resolve("alice");
        assertEq(key, KEY_A);

        vm.warp(expiry); // the second of expiry: expired, in grace
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameExpired.selector, id, expiry));
        reg0.ownerOf(id);
        (key,) = reg0.resolve("alice");
        assertEq(key, bytes32(0));
        assertFalse(reg0.available("alice"));

        vm.warp(graceEnd); // the last second of grace: renewable, not available
        assertFalse(reg0.available("alice"));
        (, uint256 premium) = reg0.rentPrice("alice", YEAR);
        assertEq(premium, 0);
        vm.prank(alice);
        sesh.approve(address(reg0), type(uint256).max);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameNotAvailable.selector, id));
        reg0.register(_registration("alice", bob), SECRET, _noPermit());

        vm.warp(graceEnd + 1); // available, at the full premium
        assertTrue(reg0.available("alice"));
        (, premium) = reg0.rentPrice("alice", YEAR);
        assertEq(premium, RentPricing.premium(100_000 * SESH, 1));
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameNotRenewable.selector, id));
        reg0.renew("alice", YEAR, type(uint256).max, _noPermit());

        vm.warp(graceEnd + reg0.PREMIUM_DECAY_PERIOD() - 1); // the last second with a premium
        (, premium) = reg0.rentPrice("alice", YEAR);
        assertGt(premium, 0, "premium in its last second");
        vm.warp(graceEnd + reg0.PREMIUM_DECAY_PERIOD()); // plain rent from here
        (, premium) = reg0.rentPrice("alice", YEAR);
        assertEq(premium, 0);
    }

    /// @dev ERC-721 balances count every name held, expired ones included, until the name is
    /// registered again (which burns it): docs/contracts.md says so, as ENS's BaseRegistrar does.
    function test_BalanceOf_CountsAHeldNameUntilItIsRegisteredAgain() public {
        uint256 id = _register0("alice", alice);
        vm.warp(reg0.expiryOf(id) + reg0.GRACE_PERIOD() + 365 days);
        assertEq(reg0.balanceOf(alice), 1, "a lapsed name still counts");
        assertEq(reg0.registrantOf(id), alice);
        _register0("alice", bob);
        assertEq(reg0.balanceOf(alice), 0);
        assertEq(reg0.balanceOf(bob), 1);
    }

    /*//////////////////////////////////////////////////////////////
                              VIEWS, METADATA
    //////////////////////////////////////////////////////////////*/

    function test_Views() public {
        assertEq(reg0.tokenIdOf("alice"), _id("alice"));
        assertTrue(reg0.available("alice"));
        assertFalse(reg0.available("Alice"));
        assertFalse(reg0.available("-a"));
        assertFalse(reg0.available(""));
        uint256 id = _register0("alice", alice);
        assertFalse(reg0.available("alice"));
        assertEq(reg0.tokenURI(id), "");
        vm.expectRevert(ERC721.TokenDoesNotExist.selector);
        reg0.tokenURI(_id("ghost"));
    }

    function test_RevertWhen_RentPriceInvalid() public {
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameInvalidLength.selector, 65));
        reg0.rentPrice("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", YEAR);
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameDurationTooShort.selector, 0, 28 days));
        reg0.rentPrice("alice", 0);
    }

    /*//////////////////////////////////////////////////////////////
                               GOVERNANCE
    //////////////////////////////////////////////////////////////*/

    function test_SetRentPrices() public {
        uint256[5] memory prices = [uint256(1 * SESH), 2 * SESH, 3 * SESH, 4 * SESH, 10_000_000 * SESH];
        vm.expectEmit(true, true, true, true, address(reg0));
        emit INameRegistry.RentPricesSet(prices);
        reg0.setRentPrices(prices);
        uint256[5] memory got = reg0.rentPrices();
        for (uint256 i; i < 5; ++i) {
            assertEq(got[i], prices[i]);
        }
        (uint256 rent,) = reg0.rentPrice("ab", YEAR);
        assertEq(rent, 2 * SESH);
    }

    function test_SetRentPrices_ExactBoundsAndUnits() public {
        uint256[5] memory prices = [uint256(SESH), SESH + 1e6, 10_000_000 * SESH - 1e6, 10_000_000 * SESH, 1234_567e6];
        reg0.setRentPrices(prices);
        uint256[5] memory got = reg0.rentPrices();
        for (uint256 i; i < 5; ++i) {
            assertEq(got[i], prices[i]);
        }
    }

    function test_RevertWhen_RentPriceNotMultipleOfUnit() public {
        uint256[5] memory prices = [uint256(SESH), SESH, SESH + 1, SESH, SESH];
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.PriceNotMultipleOfUnit.selector, SESH + 1, 1e6));
        reg0.setRentPrices(prices);
        prices[2] = SESH + 999_999;
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.PriceNotMultipleOfUnit.selector, SESH + 999_999, 1e6));
        reg0.setRentPrices(prices);
        assertEq(reg0.RENT_PRICE_UNIT(), 1e6);
    }

    function testFuzz_SetRentPrices_RoundTrips(uint256[5] memory prices) public {
        for (uint256 i; i < 5; ++i) {
            prices[i] = bound(prices[i], 1_000, 10_000_000_000) * 1e6;
        }
        reg0.setRentPrices(prices);
        uint256[5] memory got = reg0.rentPrices();
        for (uint256 i; i < 5; ++i) {
            assertEq(got[i], prices[i]);
        }
        assertFalse(reg0.paused());
    }

    function test_RevertWhen_RentPriceOutOfBounds() public {
        uint256[5] memory prices = [uint256(SESH - 1), SESH, SESH, SESH, SESH];
        vm.expectRevert(
            abi.encodeWithSelector(INameRegistry.PriceOutOfBounds.selector, SESH - 1, SESH, 10_000_000 * SESH)
        );
        reg0.setRentPrices(prices);
        prices = [uint256(SESH), SESH, SESH, SESH, 10_000_000 * SESH + 1];
        vm.expectRevert(
            abi.encodeWithSelector(
                INameRegistry.PriceOutOfBounds.selector, 10_000_000 * SESH + 1, SESH, 10_000_000 * SESH
            )
        );
        reg0.setRentPrices(prices);
    }

    function test_SetPremiumStart() public {
        vm.expectEmit(true, true, true, true, address(reg0));
        emit INameRegistry.PremiumStartSet(0);
        reg0.setPremiumStart(0);
        assertEq(reg0.premiumStart(), 0);
        vm.expectRevert(
            abi.encodeWithSelector(INameRegistry.PriceOutOfBounds.selector, 10_000_000 * SESH + 1, 0, 10_000_000 * SESH)
        );
        reg0.setPremiumStart(10_000_000 * SESH + 1);
    }

    function test_RevertWhen_GovernanceByStranger() public {
        uint256[5] memory prices = reg0.rentPrices();
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        reg0.setRentPrices(prices);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        reg0.setPremiumStart(0);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        reg0.pause();
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        reg0.unpause();
        vm.stopPrank();
    }

    function test_OwnershipIsTwoStep() public {
        reg0.transferOwnership(alice);
        assertEq(reg0.owner(), address(this));
        vm.prank(alice);
        reg0.acceptOwnership();
        assertEq(reg0.owner(), alice);
    }

    /*//////////////////////////////////////////////////////////////
                              PRICING FUZZ
    //////////////////////////////////////////////////////////////*/

    function testFuzz_RentByTierAndDuration(uint8 length, uint256 duration) public view {
        length = uint8(bound(length, 1, 64));
        duration = bound(duration, 28 days, 100 * YEAR);
        bytes memory label = new bytes(length);
        for (uint256 i; i < length; ++i) {
            label[i] = "a";
        }
        uint256 perYear =
            length <= 2 ? 50_000 * SESH : length == 3 ? 10_000 * SESH : length == 4 ? 2_000 * SESH : 100 * SESH;
        (uint256 rent, uint256 premium) = reg0.rentPrice(string(label), duration);
        assertEq(premium, 0);
        assertEq(rent, (perYear * duration + YEAR - 1) / YEAR, "rent");
        assertGe(rent * YEAR, perYear * duration, "rounded up");
        assertLt(rent * YEAR - perYear * duration, YEAR, "by at most one unit");
    }

    function testFuzz_RentNeverOverflowsAtMaxPrice(uint256 duration) public {
        duration = bound(duration, 28 days, 100 * YEAR);
        uint256 max = 10_000_000 * SESH;
        reg0.setRentPrices([max, max, max, max, max]);
        (uint256 rent,) = reg0.rentPrice("a", duration);
        assertLe(rent, max * 100 + 1, "bounded");
    }

    function testFuzz_RevertWhen_DurationHuge(uint256 duration) public {
        duration = bound(duration, 100 * YEAR + 1, type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(INameRegistry.NameDurationTooLong.selector, duration, 100 * YEAR));
        reg0.rentPrice("alice", duration);
    }

    function testFuzz_PremiumThroughTheRegistry(uint256 elapsed) public {
        elapsed = bound(elapsed, 1, 30 days);
        uint256 id = _register0("alice", alice);
        vm.warp(reg0.expiryOf(id) + 90 days + elapsed);
        (, uint256 premium) = reg0.rentPrice("alice", YEAR);
        assertEq(premium, RentPricing.premium(100_000 * SESH, elapsed));
        if (elapsed >= 21 days) assertEq(premium, 0);
        else assertGt(premium, 0, "positive before 21 days");
    }

    /*//////////////////////////////////////////////////////////////
              REGISTER: WHAT IS ENCODED BY HAND (ASSEMBLY)
    //////////////////////////////////////////////////////////////*/

    /// @dev {register} writes `NameRegistered` itself (see {NameRegistry-_recordAndLog}): its topics and
    /// data must be what `emit NameRegistered(...)` produces (the ABI encoding of the values), for any
    /// label length (one or two words, padded), record and primary flag; the `Transfer` of the mint
    /// (also written by hand) must be ERC-721's, and what the mint stored must read back through
    /// Solady's views.
    function testFuzz_RegisteredEventMatchesEmit(
        bytes32 seed,
        uint8 len,
        bytes32 sessionKey,
        address evmAddress,
        bool primary,
        uint256 duration
    ) public {
        string memory label = _validLabel(seed, bound(len, 1, 64));
        INameRegistry.Registration memory r = _registration(label, alice);
        r.sessionKey = sessionKey;
        r.evmAddress = evmAddress;
        r.setPrimary = primary;
        r.duration = bound(duration, 28 days, YEAR);
        (uint256 rent,) = reg0.rentPrice(label, r.duration);
        uint256 id = _id(label);

        vm.recordLogs();
        assertEq(_register0(r, alice), id);
        Vm.Log[] memory logs = _logsOf(vm.getRecordedLogs(), address(reg0));
        assertEq(logs.length, 2, "two events");
        assertEq(logs[0].topics.length, 4, "Transfer topics");
        assertEq(logs[0].topics[0], ERC721.Transfer.selector);
        assertEq(logs[0].topics[1], bytes32(0));
        assertEq(logs[0].topics[2], bytes32(uint256(uint160(alice))));
        assertEq(logs[0].topics[3], bytes32(id));
        assertEq(logs[0].data.length, 0, "Transfer data");
        assertEq(logs[1].topics.length, 3, "NameRegistered topics");
        assertEq(logs[1].topics[0], INameRegistry.NameRegistered.selector);
        assertEq(logs[1].topics[1], bytes32(id));
        assertEq(logs[1].topics[2], bytes32(uint256(uint160(alice))));
        assertEq(
            logs[1].data,
            abi.encode(label, T0 + r.duration, rent, uint256(0), sessionKey, evmAddress, primary),
            "NameRegistered data"
        );

        assertEq(reg0.ownerOf(id), alice);
        assertEq(reg0.registrantOf(id), alice);
        assertEq(reg0.balanceOf(alice), 1);
        assertEq(reg0.expiryOf(id), T0 + r.duration);
        assertEq(reg0.transferCountOf(id), 0);
        (bytes32 key, address evm) = reg0.recordOf(id);
        assertEq(key, sessionKey);
        assertEq(evm, evmAddress);
        assertEq(reg0.isPrimaryName(id), primary);
        // The name moves like any other: the hand-written mint left Solady's state consistent.
        vm.prank(alice);
        reg0.transferFrom(alice, bob, id);
        assertEq(reg0.ownerOf(id), bob);
        assertEq(reg0.balanceOf(alice), 0);
        assertEq(reg0.balanceOf(bob), 1);
        assertEq(reg0.transferCountOf(id), 1);
        assertEq(reg0.expiryOf(id), T0 + r.duration);
    }

    /// @dev {register} reads the registration's fields, its label and the permit's `v` straight from
    /// calldata. Like the ABI decoder it stands in for, it refuses (with empty revert data) a dirty
    /// address or bool word, a `v` above 255, and a label whose offset or length is out of range or
    /// whose bytes run past the calldata.
    function test_RevertWhen_RegisterCalldataMalformed() public {
        vm.prank(alice);
        sesh.approve(address(reg0), type(uint256).max);
        INameRegistry.Permit memory p = _permit(aliceKey, address(reg0), 100 * SESH);
        bytes memory good = abi.encodeCall(INameRegistry.register, (_registration("alice", alice), SECRET, p));
        // After the selector: the registration's offset, the secret and the five permit words (a static
        // struct, in the head); then the registration at 0xe0: the label's offset, owner, duration,
        // sessionKey, evmAddress, setPrimary, maxCost; then the label's length and bytes.
        uint256 head = 4;
        uint256 registration = head + 0xe0;
        _expectMalformed(good, registration + 0x20, uint256(uint160(alice)) | (1 << 160)); // owner
        _expectMalformed(good, registration + 0x80, 1 << 160); // evmAddress
        _expectMalformed(good, registration + 0xa0, 2); // setPrimary
        _expectMalformed(good, head + 0x80, 256); // permit.v
        _expectMalformed(good, registration, 1 << 64); // the label's offset
        _expectMalformed(good, registration + 0xe0, 1 << 64); // the label's length
        _expectMalformed(good, registration + 0xe0, 0x21); // the label's bytes past the end
        vm.prank(alice);
        (bool ok,) = address(reg0).call(good);
        assertTrue(ok, "the untouched calldata registers");
        assertEq(reg0.ownerOf(_id("alice")), alice);
    }

    function _expectMalformed(bytes memory data, uint256 offset, uint256 word) internal {
        bytes memory bad = bytes.concat(data);
        assembly {
            mstore(add(add(bad, 0x20), offset), word)
        }
        vm.prank(alice);
        (bool ok, bytes memory reason) = address(reg0).call(bad);
        assertFalse(ok, "malformed calldata accepted");
        assertEq(reason.length, 0, "empty revert data");
    }

    /// @dev The ABI decoder does not look at the padding after a label's last byte, and neither does
    /// {register}: it validates, hashes and logs the label's own bytes only (one word and two).
    function test_Register_IgnoresDirtyLabelPadding() public {
        vm.prank(alice);
        sesh.approve(address(reg0), type(uint256).max);
        string[2] memory labels = ["abc", "a_label_of_forty_bytes_0123456789-abcdef"];
        for (uint256 k; k < labels.length; ++k) {
            string memory label = labels[k];
            uint256 length = bytes(label).length;
            bytes memory data =
                abi.encodeCall(INameRegistry.register, (_registration(label, alice), SECRET, _noPermit()));
            // The label's bytes start at 4 + 0xe0 + 0x100; fill the rest of its last word with `A`.
            uint256 start = 4 + 0xe0 + 0x100;
            for (uint256 i = start + length; i < data.length; ++i) {
                data[i] = "A";
            }
            vm.recordLogs();
            vm.prank(alice);
            (bool ok,) = address(reg0).call(data);
            assertTrue(ok, label);
            Vm.Log[] memory logs = _logsOf(vm.getRecordedLogs(), address(reg0));
            (uint256 rent,) = reg0.rentPrice(label, YEAR);
            assertEq(
                logs[logs.length - 1].data,
                abi.encode(label, T0 + YEAR, rent, uint256(0), bytes32(0), address(0), false),
                "the logged label is padded with zeros"
            );
            assertEq(reg0.ownerOf(_id(label)), alice);
        }
    }

    /// @dev The payment is encoded by hand (see {NameRegistry-_collect}): the token must receive exactly
    /// `permit(payer, registry, value, deadline, v, r, s)` and `transferFrom(payer, pool, cost)`, and
    /// no permit at all when `deadline` is 0.
    function test_Register_PaymentCallsAreTheAbiEncodedOnes() public {
        RecordingToken token = new RecordingToken();
        NameRegistry r0 = new NameRegistry(address(token), address(pool), 0, 24 hours);
        INameRegistry.Permit memory p = INameRegistry.Permit({
            value: 123 * SESH, deadline: T0 + 1 hours, v: 28, r: keccak256("r"), s: keccak256("s")
        });
        vm.prank(bob);
        r0.register(_registration("alice", alice), SECRET, p);
        assertEq(
            token.permitCall(),
            abi.encodeCall(IERC20Permit.permit, (bob, address(r0), p.value, p.deadline, p.v, p.r, p.s)),
            "permit"
        );
        assertEq(
            token.transferFromCall(),
            abi.encodeCall(IERC20.transferFrom, (bob, address(pool), 100 * SESH)),
            "transferFrom"
        );

        RecordingToken token2 = new RecordingToken();
        NameRegistry r1 = new NameRegistry(address(token2), address(pool), 0, 24 hours);
        p.deadline = 0;
        vm.prank(bob);
        r1.register(_registration("alice", alice), SECRET, p);
        assertEq(token2.permitCall().length, 0, "no permit without a deadline");
        assertEq(
            token2.transferFromCall(),
            abi.encodeCall(IERC20.transferFrom, (bob, address(pool), 100 * SESH)),
            "transferFrom"
        );
    }

    /// @dev As OpenZeppelin's `safeTransferFrom`: a token returning `false`, or no code at the token's
    /// address, fails with `SafeERC20FailedOperation(token)`; a token returning nothing pays.
    function test_RevertWhen_TokenReturnsFalseOrHasNoCode() public {
        FalseToken falseToken = new FalseToken();
        NameRegistry r0 = new NameRegistry(address(falseToken), address(pool), 0, 24 hours);
        vm.expectRevert(abi.encodeWithSelector(SafeERC20.SafeERC20FailedOperation.selector, address(falseToken)));
        r0.register(_registration("alice", alice), SECRET, _noPermit());

        address noCode = makeAddr("no code");
        NameRegistry r1 = new NameRegistry(noCode, address(pool), 0, 24 hours);
        vm.expectRevert(abi.encodeWithSelector(SafeERC20.SafeERC20FailedOperation.selector, noCode));
        r1.register(_registration("alice", alice), SECRET, _noPermit());

        NoReturnToken noReturn = new NoReturnToken();
        NameRegistry r2 = new NameRegistry(address(noReturn), address(pool), 0, 24 hours);
        r2.register(_registration("alice", alice), SECRET, _noPermit());
        assertEq(noReturn.calls(), 1);
        assertEq(r2.ownerOf(_id("alice")), alice);
    }
}

/// @dev One measured call per test, after a `setUp` that ran as its own transaction, so
/// nothing the measured call touches is warm (as in a real transaction). The snapshot is
/// the gas of the call frame: a whole transaction adds 21,000, the calldata, the cold
/// access to the registry (already warm in a real transaction) and subtracts refunds.
contract NameRegistryGasTest is NameRegistryBase {
    INameRegistry.Registration internal committed;

    function setUp() public override {
        super.setUp();
        // carol owns a name (for renew and setRecord) and has approved both registries.
        _register0("carolname", carol);
        // alice's commitment for the commit-reveal registration, made 60 s before the reveal.
        committed = _registration("alice", alice);
        committed.sessionKey = KEY_A;
        committed.setPrimary = true;
        committed.maxCost = 100 * SESH;
        vm.prank(alice);
        reg.commit(reg.makeCommitment(committed, SECRET));
        vm.warp(T0 + 60);
    }

    function test_Gas_Commit() public {
        bytes32 c = keccak256("gas");
        vm.prank(bob);
        reg.commit(c);
        vm.snapshotGasLastCall("commit");
    }

    /// @dev One-transaction registration (minimum commitment age 0) with permit and record,
    /// by an account that holds SESH, never used permit and owns no names. As a whole
    /// transaction (`--isolate`, as `--gas-report` runs it, or a receipt on anvil) this is the
    /// ≤ 150,000 target of docs/contracts.md.
    function test_Gas_RegisterOneTxPermitRecord() public {
        INameRegistry.Registration memory r = _registration("alice", alice);
        r.sessionKey = KEY_A;
        r.maxCost = 100 * SESH;
        uint256 deadline = T0 + 1 hours;
        (uint8 v, bytes32 rr, bytes32 s) =
            Signatures.signPermit(aliceKey, domainSeparator, address(reg0), 100 * SESH, 0, deadline);
        INameRegistry.Permit memory p = INameRegistry.Permit(100 * SESH, deadline, v, rr, s);
        vm.prank(alice);
        reg0.register(r, SECRET, p);
        vm.snapshotGasLastCall("register one-tx permit+record");
    }

    /// @dev The reveal of a commit-reveal registration with permit, record and primary name
    /// (the commit is {test_Gas_Commit}); with the commit, the ≤ 200,000 target of docs/contracts.md.
    function test_Gas_RegisterCommittedPermitRecordPrimary() public {
        uint256 deadline = T0 + 1 hours;
        (uint8 v, bytes32 rr, bytes32 s) =
            Signatures.signPermit(aliceKey, domainSeparator, address(reg), 100 * SESH, 0, deadline);
        INameRegistry.Permit memory p = INameRegistry.Permit(100 * SESH, deadline, v, rr, s);
        vm.prank(alice);
        reg.register(committed, SECRET, p);
        vm.snapshotGasLastCall("register committed permit+record+primary");
    }

    /// @dev {test_Gas_RegisterOneTxPermitRecord} with primary name and the Session ID's consent:
    /// what `sesh name register` sends for a wallet's first name.
    function test_Gas_RegisterAndConsentOneTxPermitRecordPrimary() public {
        INameRegistry.Registration memory r = _registration("alice", alice);
        r.sessionKey = KEY_A;
        r.setPrimary = true;
        r.maxCost = 100 * SESH;
        uint256 deadline = T0 + 1 hours;
        (uint8 v, bytes32 rr, bytes32 s) =
            Signatures.signPermit(aliceKey, domainSeparator, address(reg0), 100 * SESH, 0, deadline);
        INameRegistry.Permit memory p = INameRegistry.Permit(100 * SESH, deadline, v, rr, s);
        INameRegistry.ReverseConsent memory c = INameRegistry.ReverseConsent({
            sessionKey: KEY_A,
            ed25519Key: keccak256("ed25519"),
            nonce: uint64(T0) * 1000,
            signatureR: keccak256("R"),
            signatureS: keccak256("S")
        });
        vm.prank(alice);
        reg0.registerAndConsent(r, SECRET, p, c);
        vm.snapshotGasLastCall("registerAndConsent one-tx permit+record+primary");
    }

    function test_Gas_SetPrimaryNameAndConsent() public {
        uint256 id = _id("carolname");
        INameRegistry.ReverseConsent memory c = INameRegistry.ReverseConsent({
            sessionKey: KEY_A,
            ed25519Key: keccak256("ed25519"),
            nonce: uint64(T0) * 1000,
            signatureR: keccak256("R"),
            signatureS: keccak256("S")
        });
        vm.prank(carol);
        reg0.setPrimaryNameAndConsent(id, c);
        vm.snapshotGasLastCall("setPrimaryNameAndConsent");
    }

    function test_Gas_Renew() public {
        vm.prank(carol);
        reg0.renew("carolname", YEAR, 100 * SESH, _noPermit());
        vm.snapshotGasLastCall("renew");
    }

    function test_Gas_SetRecord() public {
        uint256 id = _id("carolname");
        vm.prank(carol);
        reg0.setRecord(id, KEY_A, address(0));
        vm.snapshotGasLastCall("setRecord");
    }
}
