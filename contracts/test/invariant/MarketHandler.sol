// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// The handler moves time on purpose: listings and offers end, names lapse and come back.
// forge-lint: disable-start(block-timestamp)

import {NameMarket} from "../../src/NameMarket.sol";
import {NameRegistry} from "../../src/NameRegistry.sol";
import {RewardsPool} from "../../src/RewardsPool.sol";
import {INameRegistry} from "../../src/interfaces/INameRegistry.sol";
import {TestSESH} from "../../src/test-only/TestSESH.sol";
import {Test} from "../utils/Test.sol";

/// @dev Drives the market with a few actors: list, unlist, buy, offer, cancel, accept,
/// direct transfers (to anyone, the seller of a listing included) and round trips
/// (A -> B -> A), approval changes, fee changes and time; and, while listings and offers are
/// open, the names' own lives: registrations (of names that lapsed past their grace period,
/// with the decaying premium), renewals, lapses. It also sends SESH to the market directly
/// (stray funds no one is owed) and sweeps them to the pool.
///
/// Keeps ghost accounts the invariants check: fees and rent seen, transfers per name, stray
/// SESH, whether a listing was ever bought after its name changed hands or expired, and
/// whether an owner ever traded with itself (bought its own listing, bid on its own name, or
/// had its own offer accepted).
///
/// Every action guards its own inputs: the market calls that may be refused are tried
/// (`try`), everything else must succeed, so the suites run with `fail-on-revert`.
contract MarketHandler is Test {
    uint256 internal constant SESH = 1e9;

    TestSESH public immutable sesh;
    RewardsPool public immutable pool;
    NameRegistry public immutable registry;
    NameMarket public immutable market;
    address public immutable gov;

    address[] public actors;
    string[] public labels;
    uint256[] public names;

    /// @dev Sum of every fee a successful sale should have paid the pool.
    uint256 public ghostFees;
    /// @dev Rent and premium every registration and renewal of this handler paid the pool.
    uint256 public ghostRent;
    /// @dev SESH sent to the market directly since the last sweep, and swept to the pool in all.
    uint256 public ghostStray;
    uint256 public ghostSwept;
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
    /// @dev Names registered again after they lapsed past their grace period, renewals, and those
    /// that happened while the name had a listing or an offer open.
    uint256 public ghostReRegistrations;
    uint256 public ghostRenewals;
    uint256 public ghostLifeEventsWithOpenBusiness;

    /// @dev Every transfer of a name bumps its counter (a re-registration burns the old token:
    /// one more); a listing remembers the counter it was made at.
    mapping(uint256 tokenId => uint256) public transfers;
    mapping(uint256 tokenId => uint256) public listedAtTransfer;

    INameRegistry.Permit internal _noPermit;

    /// @dev `labels_` are registered already (by the test's setUp), each by one of `actors_`.
    constructor(
        TestSESH sesh_,
        RewardsPool pool_,
        NameRegistry registry_,
        NameMarket market_,
        address gov_,
        address[] memory actors_,
        string[] memory labels_
    ) {
        sesh = sesh_;
        pool = pool_;
        registry = registry_;
        market = market_;
        gov = gov_;
        actors = actors_;
        labels = labels_;
        for (uint256 i; i < labels_.length; ++i) {
            names.push(uint256(keccak256(bytes(labels_[i]))));
        }
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

    /// @dev Whether `tokenId` has a listing or any offer open (the business a name's lapse or
    /// re-registration must not corrupt).
    function _openBusiness(uint256 tokenId) internal view returns (bool) {
        (address seller,,,) = market.listingOf(tokenId);
        if (seller != address(0)) return true;
        for (uint256 j; j < actors.length; ++j) {
            (uint256 amount,,,) = market.offerOf(tokenId, actors[j]);
            if (amount != 0) return true;
        }
        return false;
    }

    /// @dev Tops `account` up to at least `amount` SESH from the faucet (100,000 a call).
    function _fund(address account, uint256 amount) internal {
        while (sesh.balanceOf(account) < amount) {
            sesh.faucet(account, sesh.FAUCET_LIMIT());
        }
    }

    // ---------------------------------------------------------------- market actions

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
        // The first listed name from the seed on (the start is reduced first: `nameSeed + i`
        // overflowed for seeds near 2**256, a revert that `fail-on-revert = false` hid).
        uint256 start = nameSeed % names.length;
        uint256 tokenId;
        address seller;
        uint256 price;
        for (uint256 i; i < names.length && seller == address(0); ++i) {
            tokenId = names[(start + i) % names.length];
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
        // The first open offer from the seeds on (both reduced first, as in {buy}).
        uint256 nameStart = nameSeed % names.length;
        uint256 bidderStart = bidderSeed % actors.length;
        uint256 tokenId;
        address bidder;
        uint256 amount;
        for (uint256 i; i < names.length * actors.length && amount == 0; ++i) {
            tokenId = names[(nameStart + i / actors.length) % names.length];
            bidder = actors[(bidderStart + i) % actors.length];
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

    // ---------------------------------------------------------------- names outside the market

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

    /// @dev Registers a name that lapsed past its grace period, for any actor (its former holder
    /// included), paying rent and whatever premium is left, while its listing and offers may
    /// still be open. The old token is burned and a new one minted: one more transfer.
    function register(uint256 actorSeed, uint256 nameSeed, uint256 duration) external {
        uint256 index = nameSeed % names.length;
        string memory label = labels[index];
        uint256 tokenId = names[index];
        if (!registry.available(label)) return;
        address owner = _actor(actorSeed);
        duration = bound(duration, registry.MIN_DURATION(), 2 * 365 days);
        (uint256 rent, uint256 premium) = registry.rentPrice(label, duration);
        _fund(owner, rent + premium);
        if (_openBusiness(tokenId)) ghostLifeEventsWithOpenBusiness++;
        bool before = registry.expiryOf(tokenId) != 0;
        vm.prank(owner);
        registry.register(
            INameRegistry.Registration({
                label: label,
                owner: owner,
                duration: duration,
                sessionKey: keccak256(abi.encode("key", owner)),
                evmAddress: address(0),
                setPrimary: false,
                maxCost: rent + premium
            }),
            bytes32(0),
            _noPermit
        );
        ghostRent += rent + premium;
        if (before) {
            transfers[tokenId]++;
            ghostReRegistrations++;
        }
    }

    /// @dev Renews a live name or one in its grace period; any actor pays.
    function renew(uint256 actorSeed, uint256 nameSeed, uint256 duration) external {
        uint256 index = nameSeed % names.length;
        uint256 expiry = registry.expiryOf(names[index]);
        if (expiry == 0 || block.timestamp > expiry + registry.GRACE_PERIOD()) return;
        address payer = _actor(actorSeed);
        duration = bound(duration, registry.MIN_DURATION(), 365 days);
        (uint256 rent,) = registry.rentPrice(labels[index], duration);
        _fund(payer, rent);
        if (_openBusiness(names[index])) ghostLifeEventsWithOpenBusiness++;
        vm.prank(payer);
        registry.renew(labels[index], duration, rent, _noPermit);
        ghostRent += rent;
        ghostRenewals++;
    }

    /// @dev Lets a name lapse: time runs to a moment after its expiry, in its grace period
    /// (1 time in 3) or past it, sometimes while the premium still decays. Everything else ages
    /// with it: listings and offers end, other names expire.
    function lapse(uint256 nameSeed, uint256 when) external {
        uint256 expiry = registry.expiryOf(_name(nameSeed));
        uint256 graceEnd = expiry + registry.GRACE_PERIOD();
        uint256 target =
            when % 3 == 0 ? expiry + bound(when, 1, registry.GRACE_PERIOD()) : graceEnd + bound(when, 1, 25 days);
        if (target > block.timestamp) vm.warp(target);
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

    // ---------------------------------------------------------------- stray funds

    /// @dev An actor sends SESH to the market directly, not through an offer: no one is owed it.
    function sendStray(uint256 actorSeed, uint256 amount) external {
        address from = _actor(actorSeed);
        amount = bound(amount, 1, 1_000 * SESH);
        _fund(from, amount);
        vm.prank(from);
        sesh.transfer(address(market), amount);
        ghostStray += amount;
    }

    /// @dev Anyone sweeps: exactly the strays go to the pool, and the market then holds its
    /// escrow and nothing else.
    function sweep(uint256 actorSeed) external {
        vm.prank(_actor(actorSeed));
        uint256 swept = market.sweepUnowed();
        assertEq(swept, ghostStray, "swept == strays sent since the last sweep");
        assertEq(sesh.balanceOf(address(market)), market.totalEscrowed(), "after a sweep: balance == escrow");
        ghostSwept += swept;
        ghostStray = 0;
    }
}
