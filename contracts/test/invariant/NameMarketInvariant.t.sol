// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {NameMarket} from "../../src/NameMarket.sol";
import {NameRegistry} from "../../src/NameRegistry.sol";
import {RewardsPool} from "../../src/RewardsPool.sol";
import {INameRegistry} from "../../src/interfaces/INameRegistry.sol";
import {TestSESH} from "../../src/test-only/TestSESH.sol";
import {Test} from "../utils/Test.sol";
import {MarketHandler} from "./MarketHandler.sol";

/// @dev Invariants of the market over random sequences of listings, sales, offers,
/// cancellations, acceptances, transfers, approvals, fee changes and time, while the names
/// are registered again, renewed and lapse under open listings and offers, and SESH is sent to
/// the market directly and swept:
/// (a) the market holds exactly what it owes plus the strays sent since the last sweep: its
///     SESH balance == sum of escrowed offers (== totalEscrowed) + strays, and nothing more
///     after a sweep (the handler checks that at each sweep);
/// (b) every fee ends in the RewardsPool: market fees, rent and premiums, swept strays;
/// (c) each name has exactly one holder, one of the actors;
/// (d) no listing is ever bought after its name changed hands (round trips A -> B -> A
///     included) or expired;
/// (e) the registry's transfer count of each name is the number of transfers seen;
/// (f) no owner ever trades with itself: buys its own listing, bids on its own live name, or
///     has its own offer accepted once the name came to it.
/// The handler guards its own inputs (the market calls that may be refused are tried), so any
/// other revert fails the run.
/// forge-config: default.invariant.fail-on-revert = true
contract NameMarketInvariantTest is Test {
    uint256 internal constant START = 1_700_000_000;

    TestSESH internal sesh;
    RewardsPool internal pool;
    NameRegistry internal registry;
    NameMarket internal market;
    MarketHandler internal handler;
    uint256 internal poolBase;

    function setUp() public {
        vm.warp(START);
        address gov = makeAddr("governance");
        sesh = new TestSESH();
        pool = new RewardsPool(address(sesh), makeAddr("node staking"));
        registry = new NameRegistry(address(sesh), address(pool), 0, 24 hours);
        market = new NameMarket(address(sesh), address(registry), address(pool));
        market.transferOwnership(gov);
        vm.prank(gov);
        market.acceptOwnership();

        address[] memory actors = new address[](4);
        actors[0] = makeAddr("alice");
        actors[1] = makeAddr("bob");
        actors[2] = makeAddr("carol");
        actors[3] = makeAddr("dave");
        string[] memory labels = new string[](5);
        (labels[0], labels[1], labels[2], labels[3], labels[4]) = ("alpha", "bravo", "charlie", "delta", "echo");

        for (uint256 i; i < actors.length; ++i) {
            for (uint256 j; j < 3; ++j) {
                sesh.faucet(actors[i], 100_000e9);
            }
            vm.startPrank(actors[i]);
            sesh.approve(address(registry), type(uint256).max);
            sesh.approve(address(market), type(uint256).max);
            registry.setApprovalForAll(address(market), true);
            vm.stopPrank();
        }
        for (uint256 i; i < labels.length; ++i) {
            address owner = actors[i % actors.length];
            // Short and long terms, so some names expire during a run.
            uint256 duration = i % 2 == 0 ? 28 days : 2 * 365 days;
            vm.prank(owner);
            registry.register(
                INameRegistry.Registration({
                    label: labels[i],
                    owner: owner,
                    duration: duration,
                    sessionKey: keccak256(bytes(labels[i])),
                    evmAddress: address(0),
                    setPrimary: false,
                    maxCost: type(uint256).max
                }),
                bytes32(0),
                INameRegistry.Permit(0, 0, 0, 0, 0)
            );
        }
        poolBase = sesh.balanceOf(address(pool));

        handler = new MarketHandler(sesh, pool, registry, market, gov, actors, labels);
        targetContract(address(handler));
    }

    /// @dev (a) The market holds exactly what it owes its bidders, plus strays not yet swept.
    function invariant_EscrowIsExact() public view {
        uint256 sum;
        for (uint256 i; i < handler.nameCount(); ++i) {
            for (uint256 j; j < handler.actorCount(); ++j) {
                (uint256 amount,,,) = market.offerOf(handler.names(i), handler.actors(j));
                sum += amount;
            }
        }
        assertEq(market.totalEscrowed(), sum, "totalEscrowed == sum of offers");
        assertEq(sesh.balanceOf(address(market)), sum + handler.ghostStray(), "market balance == offers + strays");
    }

    /// @dev (b) Every fee ends in the RewardsPool, and nothing else arrives there.
    function invariant_FeesEndInThePool() public view {
        assertEq(
            sesh.balanceOf(address(pool)),
            poolBase + handler.ghostFees() + handler.ghostRent() + handler.ghostSwept(),
            "pool == base + market fees + rent + swept strays"
        );
    }

    /// @dev (c) Each name has exactly one holder, one of the actors. The actors' balances count
    /// every live name, and at most every name held (whether a name that lapsed still counts
    /// is the registry's own business).
    function invariant_OneOwnerPerName() public view {
        uint256 balances;
        for (uint256 j; j < handler.actorCount(); ++j) {
            balances += registry.balanceOf(handler.actors(j));
        }
        uint256 live;
        for (uint256 i; i < handler.nameCount(); ++i) {
            if (registry.expiryOf(handler.names(i)) > block.timestamp) ++live;
        }
        assertGe(balances, live, "balances >= live names");
        assertLe(balances, handler.nameCount(), "balances <= names held");
        for (uint256 i; i < handler.nameCount(); ++i) {
            address owner = registry.registrantOf(handler.names(i));
            bool isActor;
            for (uint256 j; j < handler.actorCount(); ++j) {
                if (handler.actors(j) == owner) isActor = true;
            }
            assertTrue(isActor, "owner is an actor");
        }
    }

    /// @dev (d) No listing was bought after its name changed hands or expired, and none is
    /// shown live: a listing whose name moved since (even back to its seller) is dead.
    function invariant_NoDeadListingBought() public view {
        assertFalse(handler.ghostBoughtDeadListing(), "a dead listing was bought");
        for (uint256 i; i < handler.nameCount(); ++i) {
            uint256 tokenId = handler.names(i);
            (address seller,,, bool live) = market.listingOf(tokenId);
            if (seller == address(0)) continue;
            if (handler.transfers(tokenId) != handler.listedAtTransfer(tokenId)) {
                assertFalse(live, "a listing is live after its name moved");
            }
        }
    }

    /// @dev (e) Every transfer, through the market or not, moved the registry's count by one.
    function invariant_TransferCountsMatch() public view {
        for (uint256 i; i < handler.nameCount(); ++i) {
            uint256 tokenId = handler.names(i);
            assertEq(registry.transferCountOf(tokenId), handler.transfers(tokenId), "transfer count");
        }
    }

    /// @dev (f) No owner traded with itself (which would pay the fee for nothing).
    function invariant_NoSelfTrade() public view {
        assertFalse(handler.ghostSelfTrade(), "an owner traded with itself");
    }

    /// @dev Total SESH is conserved among actors, the market and the pool.
    function invariant_SeshConserved() public view {
        uint256 total = sesh.balanceOf(address(market)) + sesh.balanceOf(address(pool));
        for (uint256 j; j < handler.actorCount(); ++j) {
            total += sesh.balanceOf(handler.actors(j));
        }
        assertEq(total, sesh.totalSupply(), "no SESH created or lost");
    }
}
