// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "../utils/Test.sol";
import {TestSESH} from "../../src/test-only/TestSESH.sol";
import {RewardsPool} from "../../src/RewardsPool.sol";
import {NameRegistry} from "../../src/NameRegistry.sol";
import {NameRegistryHandler} from "./NameRegistryHandler.sol";

/// @dev The registry's invariants, on a deployment with the minimum commitment age that
/// {minCommitmentAge} gives (0: one-transaction registration; above 0: commit–reveal). The
/// handler guards its own inputs, so any revert of one of its calls is a failure: each concrete
/// suite below sets `fail-on-revert` (inline config is read per contract, so it is not set here).
abstract contract NameRegistryInvariantBase is Test {
    TestSESH internal sesh;
    RewardsPool internal pool;
    NameRegistry internal reg;
    NameRegistryHandler internal handler;
    uint256 internal poolStart;

    function minCommitmentAge() internal pure virtual returns (uint256);

    function setUp() public {
        vm.warp(1_700_000_000);
        sesh = new TestSESH();
        pool = new RewardsPool(address(sesh), makeAddr("node staking"));
        reg = new NameRegistry(address(sesh), address(pool), minCommitmentAge(), 24 hours);
        handler = new NameRegistryHandler(sesh, reg);
        sesh.faucet(address(pool), 1e9);
        poolStart = sesh.balanceOf(address(pool));
        targetContract(address(handler));
    }

    /// @dev (a) Every fee reached the pool; the registry holds only stray SESH not swept yet, and
    /// a sweep sends exactly that to the pool.
    function invariant_FeesAllReachThePool() public view {
        assertEq(sesh.balanceOf(address(reg)), handler.ghostUnswept(), "registry holds SESH beyond strays");
        assertEq(
            sesh.balanceOf(address(pool)),
            poolStart + handler.ghostPaid() + handler.ghostStray() - handler.ghostUnswept(),
            "pool != fees paid + swept"
        );
        assertFalse(handler.sweepWrong(), "a sweep sent the wrong amount");
        assertEq(address(reg).balance, 0, "registry holds ETH");
        assertFalse(handler.etherAccepted(), "a payable ERC-721 call accepted ETH");
    }

    /// @dev (b) Each token has one holder among the actors; balances sum to the held tokens:
    /// every name a holder still has, expired ones included until re-registered (docs/contracts.md).
    function invariant_OwnershipIsConsistent() public view {
        uint256 held;
        for (uint256 i; i < handler.labelCount(); ++i) {
            uint256 id = uint256(keccak256(bytes(handler.labels(i))));
            address holder = reg.registrantOf(id);
            if (holder == address(0)) {
                assertEq(reg.expiryOf(id), 0, "a burned token was not re-minted");
                continue;
            }
            held++;
            bool known;
            for (uint256 j; j < handler.actorCount(); ++j) {
                if (handler.actors(j) == holder) known = true;
            }
            assertTrue(known, "holder is not an actor");
            if (reg.expiryOf(id) > block.timestamp) assertEq(reg.ownerOf(id), holder, "ownerOf");
        }
        uint256 sum;
        for (uint256 j; j < handler.actorCount(); ++j) {
            sum += reg.balanceOf(handler.actors(j));
        }
        assertEq(sum, held, "balances != held tokens");
    }

    /// @dev (c) and (d): no expired or unauthorized transfer, no listed transfer at a stale
    /// transfer count, and no reveal before the commitment's minimum age ever succeeded.
    function invariant_NoForbiddenMoves() public view {
        assertFalse(handler.expiredTransferSucceeded(), "expired name moved");
        assertFalse(handler.unauthorizedTransferSucceeded(), "name moved without approval");
        assertFalse(handler.staleListedTransferSucceeded(), "name moved at a stale transfer count");
        assertFalse(handler.currentListedTransferFailed(), "listed transfer at the current count failed");
        assertFalse(handler.earlyRevealSucceeded(), "registration revealed before its commitment matured");
    }

    /// @dev (f) Expiry and transfer count share the extra data and never disturb each other: each
    /// is exactly what the registrations, renewals, transfers and burns made it.
    function invariant_ExpiryAndTransferCountAreExact() public view {
        for (uint256 i; i < handler.labelCount(); ++i) {
            uint256 id = uint256(keccak256(bytes(handler.labels(i))));
            assertEq(reg.expiryOf(id), handler.ghostExpiry(id), "expiry");
            assertEq(reg.transferCountOf(id), handler.ghostTransfers(id), "transfer count");
        }
    }

    /// @dev (e) A live name resolves to nothing or to its current owner's own record, never to
    /// a previous owner's; an expired one resolves to nothing.
    function invariant_RecordsBelongToTheOwner() public view {
        assertFalse(handler.staleRecordAfterTransfer(), "stale record after transfer");
        for (uint256 i; i < handler.labelCount(); ++i) {
            string memory label = handler.labels(i);
            uint256 id = uint256(keccak256(bytes(label)));
            (bytes32 key, address evm) = reg.resolve(label);
            if (reg.expiryOf(id) <= block.timestamp) {
                assertEq(key, bytes32(0), "expired name resolves");
                assertEq(evm, address(0), "expired name resolves (evm)");
                assertFalse(reg.isPrimaryName(id), "expired primary");
                continue;
            }
            address owner = reg.ownerOf(id);
            if (key != 0) assertEq(key, handler.keyOf(owner), "record of someone else");
            if (evm != address(0)) assertEq(evm, owner, "evm of someone else");
        }
    }

    /// @dev (g) An account's primary name is a live name it holds, or none: a name that is
    /// someone's primary is live and held by that account; an account has at most one; and the
    /// tag an account keeps names a name it still holds (an expired one counts as none).
    function invariant_PrimaryNameIsALiveNameItsAccountHolds() public view {
        for (uint256 j; j < handler.actorCount(); ++j) {
            address account = handler.actors(j);
            (bool set, uint224 tag) = reg.primaryNameOf(account);
            uint256 primaries;
            bool tagHeld;
            for (uint256 i; i < handler.labelCount(); ++i) {
                uint256 id = uint256(keccak256(bytes(handler.labels(i))));
                if (reg.registrantOf(id) != account) continue;
                if (set && uint224(id >> 32) == tag) tagHeld = true;
                if (!reg.isPrimaryName(id)) continue;
                primaries++;
                assertGt(reg.expiryOf(id), block.timestamp, "an expired primary name");
                assertEq(reg.ownerOf(id), account, "a primary name of someone else");
                assertTrue(set && uint224(id >> 32) == tag, "primary without the account's tag");
            }
            assertLe(primaries, 1, "two primary names");
            if (set) assertTrue(tagHeld, "the primary tag names a name the account does not hold");
        }
    }
}

/// @dev The handler's paths are reachable (a plain test, run once per deployment below):
/// commit–reveal on a commit–reveal deployment, each payment and the consent functions.
abstract contract NameRegistryHandlerPaths is NameRegistryInvariantBase {
    function test_HandlerReachesEveryPath() public {
        // how: payment = how % 3, consent = how / 3 % 2, the commitment's age = how >> 8.
        handler.register(0, 0, 0, true, 0); // allowance
        handler.register(1, 1, 0, true, 1 + (600 << 8)); // permit, 10 minutes' commitment
        handler.register(2, 2, 0, false, 2); // a front-run permit
        handler.register(0, 3, 0, true, 3); // allowance, with consent
        handler.renew(1, 1, 0, 1); // permit
        handler.setPrimary(2, true);
        handler.strayAndSweep(5e9, true);
        handler.sendEther(0, 1, 1);
        assertEq(handler.permitPayments(), 2);
        assertEq(handler.frontRunPermits(), 1);
        assertEq(handler.consents(), 2);
        assertEq(handler.commitReveals(), minCommitmentAge() == 0 ? 0 : 4);
        invariant_FeesAllReachThePool();
        invariant_ExpiryAndTransferCountAreExact();
        invariant_PrimaryNameIsALiveNameItsAccountHolds();
        invariant_NoForbiddenMoves();
    }
}

/// @dev One-transaction registration (minimum commitment age 0, as on Arbitrum).
/// forge-config: default.invariant.fail-on-revert = true
contract NameRegistryInvariantTest is NameRegistryHandlerPaths {
    function minCommitmentAge() internal pure override returns (uint256) {
        return 0;
    }
}

/// @dev Commit–reveal registration (minimum commitment age 60 s): every registration commits,
/// fails to reveal at once, waits between the minimum and the maximum age and reveals.
/// forge-config: default.invariant.fail-on-revert = true
contract NameRegistryCommitRevealInvariantTest is NameRegistryHandlerPaths {
    function minCommitmentAge() internal pure override returns (uint256) {
        return 60;
    }
}
