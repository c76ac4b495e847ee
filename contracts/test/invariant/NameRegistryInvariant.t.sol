// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "../utils/Test.sol";
import {TestSESH} from "../../src/test-only/TestSESH.sol";
import {RewardsPool} from "../../src/RewardsPool.sol";
import {NameRegistry} from "../../src/NameRegistry.sol";
import {NameRegistryHandler} from "./NameRegistryHandler.sol";

contract NameRegistryInvariantTest is Test {
    TestSESH internal sesh;
    RewardsPool internal pool;
    NameRegistry internal reg;
    NameRegistryHandler internal handler;
    uint256 internal poolStart;

    function setUp() public {
        vm.warp(1_700_000_000);
        sesh = new TestSESH();
        pool = new RewardsPool(address(sesh), makeAddr("node staking"));
        reg = new NameRegistry(address(sesh), address(pool), 0, 24 hours);
        handler = new NameRegistryHandler(sesh, reg);
        sesh.faucet(address(pool), 1e9);
        poolStart = sesh.balanceOf(address(pool));
        targetContract(address(handler));
    }

    /// @dev (a) Every fee reached the pool; the registry never holds SESH.
    function invariant_FeesAllReachThePool() public view {
        assertEq(sesh.balanceOf(address(reg)), 0, "registry holds SESH");
        assertEq(sesh.balanceOf(address(pool)), poolStart + handler.ghostPaid(), "pool != fees paid");
    }

    /// @dev (b) Each token has one holder among the actors; balances sum to the held tokens.
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

    /// @dev (c) and (d): no expired or unauthorized transfer, and no listed transfer at a stale
    /// transfer count, ever succeeded.
    function invariant_NoForbiddenMoves() public view {
        assertFalse(handler.expiredTransferSucceeded(), "expired name moved");
        assertFalse(handler.unauthorizedTransferSucceeded(), "name moved without approval");
        assertFalse(handler.staleListedTransferSucceeded(), "name moved at a stale transfer count");
        assertFalse(handler.currentListedTransferFailed(), "listed transfer at the current count failed");
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
}
