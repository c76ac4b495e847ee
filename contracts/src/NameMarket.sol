// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {INameMarket} from "./interfaces/INameMarket.sol";
import {INameRegistry} from "./interfaces/INameRegistry.sol";
import {ISweepable} from "./interfaces/ISweepable.sol";

/// @title NameMarket
/// @notice Listings and offers for Session names, in SESH, with a network fee
/// (default 2.5%, at most 10%) of every sale paid to the RewardsPool.
/// @dev Listings are not escrowed (as in Seaport): the seller keeps the name and
/// approves the market on the registry. A listing records the name's transfer count
/// ({INameRegistry-transferCountOf}) and is live only while that count is unchanged
/// (the seller has held the name all along: a name that left it and came back does
/// not revive the listing) and the name has not expired. Offers are
/// escrowed: their SESH sits here until accepted or cancelled, and
/// {totalEscrowed} always equals what the market owes its bidders. The market's SESH
/// balance is {totalEscrowed} plus whatever was sent to it directly, which no one is owed:
/// anyone may send that to the RewardsPool with {sweepUnowed}, and the balance is then
/// exactly {totalEscrowed}. The market takes no ETH (no function is payable).
///
/// Governance can set the fee (within a hard cap) and pause new business;
/// it can never move names or escrowed SESH, and a pause never blocks
/// {cancelOffer} or {unlist}, so users can always get their money out.
///
/// Every sale moves the name with {INameRegistry-transferListed} (a purchase) or
/// {INameRegistry-transferWithRecord} (an accepted offer), so the buyer's record is set
/// in the same transaction and the name resolves to its new owner at once.
contract NameMarket is INameMarket, Ownable2Step, Pausable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    // ------------------------------------------------------------------ constants

    /// @notice The default network fee: 2.5%.
    uint256 public constant DEFAULT_FEE_BPS = 250;
    /// @notice The hard cap on the network fee: 10%.
    uint256 public constant MAX_FEE_BPS = 1_000;
    uint256 private constant _BPS = 10_000;

    // ------------------------------------------------------------------ storage

    /// @dev One slot: a sale reads and deletes exactly one slot of market storage. The seller
    /// is not in it (it is in {_sellers}): the registry knows it at the sale. `price` is never
    /// zero for a listing, so a zero slot means "not listed".
    struct Listing {
        uint64 price;
        uint32 endTime;
        /// @dev The name's {INameRegistry-transferCountOf} when it was listed (below 2**56).
        uint64 transferCount;
    }

    /// @dev Two slots; the record is what the bidder's name will resolve to.
    struct Offer {
        address evmAddress;
        uint64 amount;
        uint32 endTime;
        bytes32 sessionKey;
    }

    IERC20 private immutable _sesh;
    INameRegistry private immutable _registry;
    address private immutable _rewardsPool;

    /// @dev `_feeBps` and `_totalEscrowed` pack into the slot of Ownable2Step's
    /// `_pendingOwner` and Pausable's `_paused` (160 + 8 + 16 + 72 bits), so the
    /// pause check and the fee cost one storage read on every sale. 72 bits hold
    /// 4.7e21, far above SESH's supply (2.4e17 at 9 decimals); {SafeCast} guards it.
    uint16 private _feeBps;
    uint72 private _totalEscrowed;

    mapping(uint256 tokenId => Listing) private _listings;
    /// @dev The seller of each listing, beside it: read only to unlist, in views and to explain a
    /// failed sale, never by a successful one (the holder at the listed transfer count is the
    /// seller). Meaningful only while `_listings[tokenId]` is set; a sale leaves it stale and the
    /// next listing overwrites it.
    mapping(uint256 tokenId => address seller) private _sellers;
    mapping(uint256 tokenId => mapping(address bidder => Offer)) private _offers;

    /// @param sesh_ The SESH token (EIP-2612).
    /// @param registry_ The NameRegistry whose names are traded.
    /// @param rewardsPool_ The RewardsPool every fee goes to.
    /// @dev The deployer is the first owner; hand it to governance with
    /// {Ownable2Step-transferOwnership}. The fee starts at {DEFAULT_FEE_BPS}.
    ///
    /// Requirements:
    /// - no address is zero.
    constructor(address sesh_, address registry_, address rewardsPool_) Ownable(msg.sender) {
        if (sesh_ == address(0) || registry_ == address(0) || rewardsPool_ == address(0)) {
            revert MarketZeroAddress();
        }
        _sesh = IERC20(sesh_);
        _registry = INameRegistry(registry_);
        _rewardsPool = rewardsPool_;
        _setFeeBps(DEFAULT_FEE_BPS);
    }

    // ------------------------------------------------------------------ listings

    /// @notice Lists `tokenId` for `price` SESH until `endTime`, replacing any
    /// earlier listing of it. The name stays with the caller.
    /// @dev The caller must have approved the market on the registry
    /// ({IERC721-setApprovalForAll} or {IERC721-approve}); the listing stays live only
    /// while the caller keeps the name: it records the name's transfer count, and dies
    /// for good once that changes (even if the name comes back).
    ///
    /// Emits a {Listed} event.
    ///
    /// Requirements:
    /// - the market is not paused;
    /// - `price` is neither zero nor above `type(uint64).max`;
    /// - the name has not expired;
    /// - the caller owns the name;
    /// - `endTime` is in the future and not after the name's expiry;
    /// - the market may move the name.
    function list(uint256 tokenId, uint256 price, uint256 endTime) external virtual whenNotPaused {
        if (price == 0 || price > type(uint64).max) revert MarketInvalidPrice(price);
        uint256 expiry = _registry.expiryOf(tokenId);
        if (expiry <= block.timestamp) revert MarketNameExpired(tokenId, expiry);
        address owner = _nft().ownerOf(tokenId);
        if (owner != msg.sender) revert MarketNotOwner(tokenId, msg.sender, owner);
        uint256 latest = expiry < type(uint32).max ? expiry : type(uint32).max;
        if (endTime <= block.timestamp || endTime > latest) {
            revert MarketInvalidEndTime(endTime, block.timestamp + 1, latest);
        }
        if (!_marketApproved(owner, tokenId)) revert MarketNotApproved(tokenId, owner);
        uint256 transferCount = _registry.transferCountOf(tokenId);

        // Cannot truncate: price and end time were bounded above, and the registry keeps the
        // transfer count in 56 bits.
        _listings[tokenId] = Listing({
            // forge-lint: disable-next-line(unsafe-typecast)
            price: uint64(price),
            // forge-lint: disable-next-line(unsafe-typecast)
            endTime: uint32(endTime),
            // forge-lint: disable-next-line(unsafe-typecast)
            transferCount: uint64(transferCount)
        });
        _sellers[tokenId] = owner;
        emit Listed(tokenId, owner, price, endTime);
    }

    /// @notice Removes the listing of `tokenId`. Works while paused.
    /// @dev The seller may remove its listing at any time; anyone may remove a
    /// dead one (see {listingOf}) to clean up.
    ///
    /// Emits an {Unlisted} event.
    ///
    /// Requirements:
    /// - `tokenId` is listed;
    /// - the caller is the seller, or the listing is no longer live.
    function unlist(uint256 tokenId) external virtual {
        Listing memory listing = _listings[tokenId];
        if (listing.price == 0) revert MarketNotListed(tokenId);
        address seller = _sellers[tokenId];
        if (msg.sender != seller && _isLive(tokenId, seller, listing)) {
            revert MarketNotSeller(tokenId, msg.sender, seller);
        }
        delete _listings[tokenId];
        delete _sellers[tokenId];
        emit Unlisted(tokenId, seller);
    }

    /// @notice Buys the listed `tokenId` for the caller at `expectedPrice` SESH, and
    /// sets the caller's record (`sessionKey`, `evmAddress`) on it in the same call.
    /// @dev The listing is deleted first. The name moves with
    /// {INameRegistry-transferListed}, which checks that its transfer count is the one
    /// recorded at listing (so the seller has held it since), that it is live and that
    /// the market may move it, and returns the seller; then `fee = price * feeBps() / 10_000`
    /// (rounded down) goes from the caller to the RewardsPool and `price - fee` to the
    /// seller. If `permit.deadline != 0`, an EIP-2612 permit (owner: caller, spender:
    /// market) is tried before paying; a failed permit is ignored (it may have been
    /// front-run).
    ///
    /// No reentrancy guard, to stay within the gas budget of a sale (a Seaport 1.6
    /// ERC-721 purchase): the listing is deleted before any external call, no storage is
    /// read after one (except to explain a failed transfer, which reverts), and the only
    /// calls go to the immutable SESH token and registry,
    /// neither of which calls out (the registry transfer is not a "safe" transfer).
    ///
    /// Emits a {Sold} event (after the registry's `Transfer` and {INameRegistry-RecordSet}).
    ///
    /// Requirements:
    /// - the market is not paused;
    /// - `tokenId` is listed at exactly `expectedPrice` (a seller cannot raise
    ///   the price under a buyer);
    /// - the listing has not ended;
    /// - the name has not changed hands since it was listed: else {MarketListingDead} if
    ///   someone else holds it, or the registry's {INameRegistry-NameTransferCountMismatch}
    ///   if it came back to the seller;
    /// - the name has not expired (else the registry's {INameRegistry-NameExpired});
    /// - the market may still move the name (else the registry's `NotOwnerNorApproved`);
    /// - the caller is not the seller (else {MarketBuyerIsOwner}: it would pay the fee to
    ///   trade with itself; checked once the registry has named the seller);
    /// - the caller has approved (or permits) the price and holds it.
    function buy(
        uint256 tokenId,
        uint256 expectedPrice,
        bytes32 sessionKey,
        address evmAddress,
        INameRegistry.Permit calldata permit
    ) external virtual whenNotPaused {
        Listing memory listing = _listings[tokenId];
        uint256 price = listing.price;
        if (price == 0) revert MarketNotListed(tokenId);
        if (price != expectedPrice) revert MarketPriceMismatch(tokenId, price, expectedPrice);
        if (block.timestamp >= listing.endTime) revert MarketListingExpired(tokenId, listing.endTime);

        delete _listings[tokenId];
        uint256 fee = _feeOf(price);

        // The registry checks that the name has not changed hands since it was listed, that it
        // is live and that the market may move it, and returns its holder: the seller. A failure
        // is explained (and costs nothing on the happy path).
        address seller = address(0);
        try _registry.transferListed(msg.sender, tokenId, listing.transferCount, sessionKey, evmAddress) returns (
            address from
        ) {
            seller = from;
        } catch (bytes memory reason) {
            _explainFailedTransfer(tokenId, reason);
        }
        if (seller == msg.sender) revert MarketBuyerIsOwner(tokenId, msg.sender);
        emit Sold(tokenId, seller, msg.sender, price, fee);
        if (permit.deadline != 0) _tryPermit(permit);
        if (fee != 0) _sesh.safeTransferFrom(msg.sender, _rewardsPool, fee);
        // Cannot underflow: the fee is at most 10% of the price.
        unchecked {
            _sesh.safeTransferFrom(msg.sender, seller, price - fee);
        }
    }

    // ------------------------------------------------------------------ offers

    /// @notice Offers `amount` SESH for `tokenId` until `endTime`; the SESH is held in
    /// escrow here. If the name is sold to the caller, its record becomes
    /// (`sessionKey`, `evmAddress`).
    /// @dev One offer per name and bidder: a new offer replaces the caller's earlier
    /// one, pulling only the difference (or refunding it when the new amount is
    /// lower). The offer may be on a name that is not registered or not listed.
    /// If `permit.deadline != 0`, an EIP-2612 permit (owner: caller, spender: market)
    /// is tried first; a failed permit is ignored.
    ///
    /// Emits an {OfferMade} event.
    ///
    /// Requirements:
    /// - the market is not paused;
    /// - `amount` is neither zero nor above `type(uint64).max`;
    /// - `endTime` is in the future and fits 32 bits;
    /// - the caller does not own the name (else {MarketBuyerIsOwner}); an expired or
    ///   unregistered name has no owner, so anyone may bid on it;
    /// - the caller has approved (or permits) and holds what must be pulled.
    function makeOffer(
        uint256 tokenId,
        uint256 amount,
        uint256 endTime,
        bytes32 sessionKey,
        address evmAddress,
        INameRegistry.Permit calldata permit
    ) external virtual whenNotPaused nonReentrant {
        if (amount == 0 || amount > type(uint64).max) revert MarketInvalidAmount(amount);
        if (endTime <= block.timestamp || endTime > type(uint32).max) {
            revert MarketInvalidEndTime(endTime, block.timestamp + 1, type(uint32).max);
        }
        // The registry refuses `ownerOf` for a name that is unregistered or expired: no owner.
        try _nft().ownerOf(tokenId) returns (address owner) {
            if (owner == msg.sender) revert MarketBuyerIsOwner(tokenId, msg.sender);
        } catch {}
        Offer storage offer = _offers[tokenId][msg.sender];
        uint256 previous = offer.amount;
        // Cannot truncate: both values were bounded above.
        offer.evmAddress = evmAddress;
        // forge-lint: disable-next-line(unsafe-typecast)
        offer.amount = uint64(amount);
        // forge-lint: disable-next-line(unsafe-typecast)
        offer.endTime = uint32(endTime);
        offer.sessionKey = sessionKey;
        _totalEscrowed = SafeCast.toUint72(_totalEscrowed + amount - previous);
        emit OfferMade(tokenId, msg.sender, amount, endTime);

        // Cannot underflow: each subtraction runs only when it is positive.
        unchecked {
            if (amount > previous) {
                if (permit.deadline != 0) _tryPermit(permit);
                _sesh.safeTransferFrom(msg.sender, address(this), amount - previous);
            } else if (amount < previous) {
                _sesh.safeTransfer(msg.sender, previous - amount);
            }
        }
    }

    /// @notice Withdraws the caller's offer on `tokenId` and refunds its SESH. Works
    /// at any time, also after the offer ended and while the market is paused.
    /// @dev Emits an {OfferCancelled} event.
    ///
    /// Requirements:
    /// - the caller has an offer on `tokenId`.
    function cancelOffer(uint256 tokenId) external virtual nonReentrant {
        uint256 amount = _offers[tokenId][msg.sender].amount;
        if (amount == 0) revert MarketNoOffer(tokenId, msg.sender);
        delete _offers[tokenId][msg.sender];
        // Cannot underflow: the offer is part of the total; cannot truncate: an offer fits 64 bits.
        unchecked {
            // forge-lint: disable-next-line(unsafe-typecast)
            _totalEscrowed -= uint72(amount);
        }
        emit OfferCancelled(tokenId, msg.sender, amount);
        _sesh.safeTransfer(msg.sender, amount);
    }

    /// @notice Sells `tokenId` to `bidder` for its escrowed offer of `expectedAmount`
    /// SESH; the name's record becomes the one the bidder gave with its offer.
    /// @dev The offer is deleted first, and so is any listing of `tokenId` (with an
    /// {Unlisted} event). `fee = amount * feeBps() / 10_000` (rounded
    /// down) goes from escrow to the RewardsPool and `amount - fee` to the owner;
    /// then the name moves with {INameRegistry-transferWithRecord}.
    ///
    /// Emits an {OfferAccepted} event.
    ///
    /// Requirements:
    /// - the market is not paused;
    /// - `bidder` has an offer on `tokenId` of exactly `expectedAmount` (a bidder
    ///   cannot lower it under the seller);
    /// - the offer has not ended;
    /// - the name has not expired;
    /// - `bidder` is not the name's owner (else {MarketBuyerIsOwner}: the name may have come
    ///   to the bidder after its offer was made);
    /// - the caller is the name's owner or approved by it;
    /// - the market may move the name.
    function acceptOffer(uint256 tokenId, address bidder, uint256 expectedAmount)
        external
        virtual
        whenNotPaused
        nonReentrant
    {
        Offer memory offer = _offers[tokenId][bidder];
        uint256 amount = offer.amount;
        if (amount == 0) revert MarketNoOffer(tokenId, bidder);
        if (amount != expectedAmount) revert MarketAmountMismatch(tokenId, bidder, amount, expectedAmount);
        if (block.timestamp >= offer.endTime) revert MarketOfferExpired(tokenId, bidder, offer.endTime);
        // Reverts for an expired name.
        address owner = _nft().ownerOf(tokenId);
        if (bidder == owner) revert MarketBuyerIsOwner(tokenId, bidder);
        if (
            msg.sender != owner && !_nft().isApprovedForAll(owner, msg.sender)
                && _nft().getApproved(tokenId) != msg.sender
        ) {
            revert MarketNotOwnerNorApproved(tokenId, msg.sender, owner);
        }
        if (!_marketApproved(owner, tokenId)) revert MarketNotApproved(tokenId, owner);

        delete _offers[tokenId][bidder];
        // Cannot underflow: the offer is part of the total; cannot truncate: an offer fits 64 bits.
        unchecked {
            // forge-lint: disable-next-line(unsafe-typecast)
            _totalEscrowed -= uint72(amount);
        }
        // The name changes hands: any listing of it is dead (the transfer count moves), so it
        // is removed now rather than left for someone to unlist.
        if (_listings[tokenId].price != 0) {
            address listedBy = _sellers[tokenId];
            delete _listings[tokenId];
            delete _sellers[tokenId];
            emit Unlisted(tokenId, listedBy);
        }
        uint256 fee = _feeOf(amount);
        emit OfferAccepted(tokenId, owner, bidder, amount, fee);

        if (fee != 0) _sesh.safeTransfer(_rewardsPool, fee);
        // Cannot underflow: the fee is at most 10% of the amount.
        unchecked {
            _sesh.safeTransfer(owner, amount - fee);
        }
        _registry.transferWithRecord(owner, bidder, tokenId, offer.sessionKey, offer.evmAddress);
    }

    // ------------------------------------------------------------------ stray funds

    /// @notice Sends the SESH the market holds beyond the escrowed offers (SESH sent to it
    /// directly, which no one could otherwise take out) to the RewardsPool, and returns how
    /// much. Anyone may call it, also while the market is paused.
    /// @dev Escrow is never touched: afterwards the market's balance is exactly
    /// {totalEscrowed}. A sweep of nothing does nothing and returns 0.
    ///
    /// Emits an {ISweepable-UnowedSwept} event (and the token's `Transfer` into the pool)
    /// when it sends anything.
    function sweepUnowed() external virtual nonReentrant returns (uint256 amount) {
        uint256 balance = _sesh.balanceOf(address(this));
        uint256 escrowed = _totalEscrowed;
        if (balance <= escrowed) return 0;
        // Cannot underflow: checked above.
        unchecked {
            amount = balance - escrowed;
        }
        emit UnowedSwept(amount);
        _sesh.safeTransfer(_rewardsPool, amount);
    }

    // ------------------------------------------------------------------ governance

    /// @notice Sets the network fee on sales to `feeBps_` basis points. It applies to
    /// every sale from now on, including those of existing listings and offers.
    /// @dev Emits a {MarketFeeSet} event.
    ///
    /// Requirements:
    /// - the caller is the owner;
    /// - `feeBps_` is at most {MAX_FEE_BPS}.
    function setFeeBps(uint256 feeBps_) external virtual onlyOwner {
        _setFeeBps(feeBps_);
    }

    /// @notice Stops new listings, sales, offers and acceptances. Unlisting and
    /// cancelling offers keep working.
    /// @dev Emits a {Pausable-Paused} event.
    ///
    /// Requirements:
    /// - the caller is the owner;
    /// - the market is not paused.
    function pause() external virtual onlyOwner {
        _pause();
    }

    /// @notice Resumes the market.
    /// @dev Emits a {Pausable-Unpaused} event.
    ///
    /// Requirements:
    /// - the caller is the owner;
    /// - the market is paused.
    function unpause() external virtual onlyOwner {
        _unpause();
    }

    // ------------------------------------------------------------------ views

    /// @notice The SESH token.
    /// @dev Set at deployment, immutable.
    function sesh() external view virtual returns (address) {
        return address(_sesh);
    }

    /// @notice The NameRegistry whose names are traded.
    /// @dev Set at deployment, immutable.
    function registry() external view virtual returns (address) {
        return address(_registry);
    }

    /// @notice The RewardsPool every fee goes to.
    /// @dev Set at deployment, immutable.
    function rewardsPool() external view virtual returns (address) {
        return _rewardsPool;
    }

    /// @notice The network fee on sales, in basis points.
    /// @dev At most {MAX_FEE_BPS}.
    function feeBps() external view virtual returns (uint256) {
        return _feeBps;
    }

    /// @notice SESH held in escrow for open offers (ended or not, until cancelled or accepted).
    /// @dev Equals the sum of all offers' amounts; the market's SESH balance is this plus what
    /// {sweepUnowed} would send to the pool.
    function totalEscrowed() external view virtual returns (uint256) {
        return _totalEscrowed;
    }

    /// @notice The listing of `tokenId` (zeros if none) and whether it can be bought now.
    /// @dev `live` is true while: now is before `endTime`, the name's transfer count is
    /// still the one recorded at listing (`seller` has held it since), it has not
    /// expired, and the market may move it.
    function listingOf(uint256 tokenId)
        external
        view
        virtual
        returns (address seller, uint256 price, uint256 endTime, bool live)
    {
        Listing memory listing = _listings[tokenId];
        if (listing.price == 0) return (address(0), 0, 0, false);
        seller = _sellers[tokenId];
        return (seller, listing.price, listing.endTime, _isLive(tokenId, seller, listing));
    }

    /// @notice `bidder`'s offer on `tokenId` (zeros if none).
    /// @dev An offer whose `endTime` passed can no longer be accepted but stays
    /// escrowed until the bidder cancels it.
    function offerOf(uint256 tokenId, address bidder)
        external
        view
        virtual
        returns (uint256 amount, uint256 endTime, bytes32 sessionKey, address evmAddress)
    {
        Offer memory offer = _offers[tokenId][bidder];
        return (offer.amount, offer.endTime, offer.sessionKey, offer.evmAddress);
    }

    /// @notice The fee and the seller's proceeds of a sale at `price` under the current fee.
    /// @dev `fee = price * feeBps() / 10_000`, rounded down; `proceeds = price - fee`.
    function feeOf(uint256 price) external view virtual returns (uint256 fee, uint256 proceeds) {
        fee = _feeOf(price);
        proceeds = price - fee;
    }

    // ------------------------------------------------------------------ internal

    function _setFeeBps(uint256 feeBps_) internal virtual {
        if (feeBps_ > MAX_FEE_BPS) revert MarketFeeTooHigh(feeBps_, MAX_FEE_BPS);
        // Cannot truncate: bounded above.
        // forge-lint: disable-next-line(unsafe-typecast)
        _feeBps = uint16(feeBps_);
        emit MarketFeeSet(feeBps_);
    }

    function _feeOf(uint256 price) internal view virtual returns (uint256) {
        return price * _feeBps / _BPS;
    }

    /// @dev Whether the listing of `tokenId` by `seller` can be bought now. Never reverts.
    function _isLive(uint256 tokenId, address seller, Listing memory listing) internal view virtual returns (bool) {
        if (listing.price == 0 || block.timestamp >= listing.endTime) return false;
        if (_registry.transferCountOf(tokenId) != listing.transferCount) return false;
        try _nft().ownerOf(tokenId) returns (address owner) {
            return owner == seller && _marketApproved(owner, tokenId);
        } catch {
            // The registry refuses expired names.
            return false;
        }
    }

    /// @dev Whether the market may move `tokenId` for its `owner`. Never reverts.
    function _marketApproved(address owner, uint256 tokenId) internal view virtual returns (bool) {
        if (_nft().isApprovedForAll(owner, address(this))) return true;
        try _nft().getApproved(tokenId) returns (address approved) {
            return approved == address(this);
        } catch {
            return false;
        }
    }

    /// @dev Reverts with {MarketListingDead} if the name is held by someone other than the
    /// seller of its listing; otherwise with the registry's own `reason` (e.g.
    /// `NameTransferCountMismatch` when the name left the seller and came back, `NameExpired`,
    /// or `NotOwnerNorApproved` when the seller withdrew the market's approval).
    function _explainFailedTransfer(uint256 tokenId, bytes memory reason) private view {
        address seller = _sellers[tokenId];
        try _nft().ownerOf(tokenId) returns (address owner) {
            if (owner != seller) revert MarketListingDead(tokenId, seller, owner);
        } catch {}
        // Bubbles the registry's revert data unchanged.
        assembly ("memory-safe") {
            revert(add(reason, 0x20), mload(reason))
        }
    }

    function _nft() private view returns (IERC721) {
        return IERC721(address(_registry));
    }

    /// @dev A failing permit is ignored: someone may have submitted it first, and
    /// the transfer that follows checks the allowance anyway.
    function _tryPermit(INameRegistry.Permit calldata permit) private {
        try IERC20Permit(address(_sesh))
            .permit(msg.sender, address(this), permit.value, permit.deadline, permit.v, permit.r, permit.s) {}
            catch {}
    }
}
