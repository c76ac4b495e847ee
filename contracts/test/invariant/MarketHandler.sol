// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {NameMarket} from "../../src/NameMarket.sol";
import {NameRegistry} from "../../src/NameRegistry.sol";
import {RewardsPool} from "../../src/RewardsPool.sol";
import {INameRegistry} from "../../src/interfaces/INameRegistry.sol";
import {TestSESH} from "../../src/test-only/TestSESH.sol";
import {Test} from "../utils/Test.sol";

/// @dev Drives the market with a few actors: list, unlist, buy, offer, cancel, accept,
/// direct transfers (to anyone, the seller of a listing included) and round trips
/// (A -> B -> A), approval changes, fee changes and time. Keeps ghost accounts the
/// invariants check: fees seen, transfers per name, whether a listing was ever bought
/// after its name changed hands or expired, and whether an owner ever traded with itself
/// (bought its own listing, bid on its own name, or had its own offer accepted).
contract MarketHandler is Test {
    TestSESH public immutable sesh;
    RewardsPool public immutable pool;
    NameRegistry public immutable registry;
    NameMarket public immutable market;
    address public immutable gov;

    address[] public actors;
    uint256[] public names;

    /// @dev Sum of every fee a successful sale should have paid the pool.
    uint256 public ghostFees;
    /// @dev Set if a listing was bought after its name changed hands or expired.
    bool public ghostBoughtDeadListing;
    uint256 public ghostSales;
    uint256 public ghostDeadBuysRefused;
    /// @dev Refused purchases of a listing whose name left its seller and came back.
    uint256 public ghostRevivedBuysRefused;
    /// @dev Set if an owner bought its own listing, made an offer on its own live name, or had
    /// its own offer on a name it had come to own accepted.
    bool public ghostSelfTrade;
    /// @dev Self-trades tried and refused (purchases, offers, acceptances).
    uint256 public ghostSelfTradesRefused;

    /// @dev Every transfer of a name bumps its counter; a listing remembers the counter
    /// it was made at.
    mapping(uint256 tokenId => uint256) public transfers;
    mapping(uint256 tokenId => uint256) public listedAtTransfer;

    INameRegistry.Permit internal _noPermit;

    constructor(
        TestSESH sesh_,
        RewardsPool pool_,
        NameRegistry registry_,
        NameMarket market_,
        address gov_,
        address[] memory actors_,
        uint256[] memory names_
    ) {
        sesh = sesh_;
        pool = pool_;
        registry = registry_;
        market = market_;
        gov = gov_;
        actors = actors_;
        names = names_;
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function nameCount() external view returns (uint256) {
        return names.length;
    }

    // ---------------------------------------------------------------- helpers

    function _actor(uint256 seed) internal view returns (address) {
        return actors[seed % actors.length];
    }

    function _name(uint256 seed) internal view returns (uint256) {
        return names[seed % names.length];
    }

    function _live(uint256 tokenId) internal view returns (bool) {
        return registry.expiryOf(tokenId) > block.timestamp;
    }

    // ---------------------------------------------------------------- actions

    function list(uint256 nameSeed, uint256 price, uint256 duration) external {
        uint256 tokenId = _name(nameSeed);
        if (!_live(tokenId)) return;
        address owner = registry.registrantOf(tokenId);
        price = bound(price, 1, 50_000e9);
        uint256 room = registry.expiryOf(tokenId) - block.timestamp;
        duration = bound(duration, 1, room < 10 days ? room : 10 days);
        vm.prank(owner);
        try market.list(tokenId, price, block.timestamp + duration) {
            listedAtTransfer[tokenId] = transfers[tokenId];
        } catch {}
    }

    function unlist(uint256 actorSeed, uint256 nameSeed) external {
        vm.prank(_actor(actorSeed));
        try market.unlist(_name(nameSeed)) {} catch {}
    }

    /// @dev Tries any listing, live or dead: dead ones must be refused.
    function buy(uint256 actorSeed, uint256 nameSeed, bytes32 sessionKey) external {
        // The first listed name from the seed on.
        uint256 tokenId;
        address seller;
        uint256 price;
        for (uint256 i; i < names.length && seller == address(0); ++i) {
            tokenId = _name(nameSeed + i);
            (seller, price,,) = market.listingOf(tokenId);
        }
        if (seller == address(0)) return;
        address buyer = _actor(actorSeed);
        bool dead = transfers[tokenId] != listedAtTransfer[tokenId] || !_live(tokenId);
        bool cameBack = transfers[tokenId] != listedAtTransfer[tokenId] && registry.registrantOf(tokenId) == seller;
        bool own = registry.registrantOf(tokenId) == buyer;
        uint256 fee = price * market.feeBps() / 10_000;
        vm.prank(buyer);
        try market.buy(tokenId, price, sessionKey, address(0), _noPermit) {
            if (dead) ghostBoughtDeadListing = true;
            if (own) ghostSelfTrade = true;
            ghostFees += fee;
            ghostSales++;
            transfers[tokenId]++;
        } catch {
            if (dead) ghostDeadBuysRefused++;
            if (cameBack) ghostRevivedBuysRefused++;
            if (own) ghostSelfTradesRefused++;
        }
    }

    function makeOffer(uint256 actorSeed, uint256 nameSeed, uint256 amount, uint256 duration, bytes32 sessionKey)
        external
    {
        amount = bound(amount, 1, 20_000e9);
        duration = bound(duration, 1, 10 days);
        address bidder = _actor(actorSeed);
        uint256 tokenId = _name(nameSeed);
        bool own = _live(tokenId) && registry.registrantOf(tokenId) == bidder;
        vm.prank(bidder);
        try market.makeOffer(tokenId, amount, block.timestamp + duration, sessionKey, address(0), _noPermit) {
            if (own) ghostSelfTrade = true;
        } catch {
            if (own) ghostSelfTradesRefused++;
        }
    }

    function cancelOffer(uint256 actorSeed, uint256 nameSeed) external {
        vm.prank(_actor(actorSeed));
        try market.cancelOffer(_name(nameSeed)) {} catch {}
    }

    function acceptOffer(uint256 bidderSeed, uint256 nameSeed) external {
        // The first open offer from the seeds on.
        uint256 tokenId;
        address bidder;
        uint256 amount;
        for (uint256 i; i < names.length * actors.length && amount == 0; ++i) {
            tokenId = _name(nameSeed + i / actors.length);
            bidder = _actor(bidderSeed + i);
            (amount,,,) = market.offerOf(tokenId, bidder);
        }
        if (amount == 0) return;
        address owner = registry.registrantOf(tokenId);
        uint256 fee = amount * market.feeBps() / 10_000;
        vm.prank(owner);
        try market.acceptOffer(tokenId, bidder, amount) {
            if (bidder == owner) ghostSelfTrade = true;
            ghostFees += fee;
            ghostSales++;
            transfers[tokenId]++;
        } catch {
            if (bidder == owner) ghostSelfTradesRefused++;
        }
    }

    /// @dev A transfer outside the market, to any other actor: also back to the seller of a
    /// listing made before the name left it.
    function transferName(uint256 nameSeed, uint256 toSeed) external {
        uint256 tokenId = _name(nameSeed);
        if (!_live(tokenId)) return;
        address from = registry.registrantOf(tokenId);
        address to = _actor(toSeed);
        if (to == from) return;
        vm.prank(from);
        registry.transferFrom(from, to, tokenId);
        transfers[tokenId]++;
    }

    /// @dev A round trip outside the market (A -> B -> A): the name is back with its holder,
    /// and any listing made before must stay dead.
    function roundTrip(uint256 nameSeed, uint256 viaSeed) external {
        uint256 tokenId = _name(nameSeed);
        if (!_live(tokenId)) return;
        address holder = registry.registrantOf(tokenId);
        address via = _actor(viaSeed);
        if (via == holder) return;
        vm.prank(holder);
        registry.transferFrom(holder, via, tokenId);
        vm.prank(via);
        registry.transferFrom(via, holder, tokenId);
        transfers[tokenId] += 2;
    }

    /// @dev Revokes the market's approval one time in four, restores it otherwise.
    function setMarketApproval(uint256 actorSeed, uint256 choice) external {
        vm.prank(_actor(actorSeed));
        registry.setApprovalForAll(address(market), choice % 4 != 0);
    }

    function setFee(uint256 bps) external {
        vm.prank(gov);
        market.setFeeBps(bound(bps, 0, 1_000));
    }

    /// @dev Mostly short steps (listings and offers stay alive), sometimes long ones
    /// (listings end, names expire).
    function warp(uint256 secondsForward) external {
        uint256 max = secondsForward % 8 == 0 ? 12 days : 6 hours;
        vm.warp(block.timestamp + bound(secondsForward >> 3, 1, max));
    }
}
