// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {INameRegistry} from "./INameRegistry.sol";
import {ISweepable} from "./ISweepable.sol";

/// @title INameMarket
/// @notice A market for Session names in SESH: fixed-price listings with an end
/// time (not escrowed: the seller keeps the name and approves the market) and
/// offers with an end time (escrowed: the SESH sits in the market until the
/// offer is accepted or cancelled). A network fee (basis points of the price)
/// of every sale goes to the RewardsPool.
/// @dev A listing is live while: now is before its end time, the name has not
/// changed hands since it was listed (its registry transfer count is unchanged), the
/// name has not expired, and the market may move the name. A listing is dead for good
/// once the name changes hands, even if it comes back to the seller; a new owner (or
/// the seller, once the name is back) lists afresh.
///
/// SESH sent to the market directly (not through an offer) is owed to no one: anyone may send
/// it to the RewardsPool with {ISweepable-sweepUnowed}; escrow is never touched.
interface INameMarket is ISweepable {
    // ------------------------------------------------------------------ errors

    /// @dev The zero address was given where a contract is required.
    error MarketZeroAddress();
    /// @dev A listing price of zero or above `type(uint64).max`.
    error MarketInvalidPrice(uint256 price);
    /// @dev An offer amount of zero or above `type(uint64).max`.
    error MarketInvalidAmount(uint256 amount);
    /// @dev An end time outside `[earliest, latest]`.
    error MarketInvalidEndTime(uint256 endTime, uint256 earliest, uint256 latest);
    /// @dev `tokenId` expired at `expiry` (or was never registered: `expiry == 0`).
    error MarketNameExpired(uint256 tokenId, uint256 expiry);
    /// @dev `caller` is not the owner of `tokenId` (`owner`).
    error MarketNotOwner(uint256 tokenId, address caller, address owner);
    /// @dev `caller` is neither the owner of `tokenId` (`owner`) nor approved by it.
    error MarketNotOwnerNorApproved(uint256 tokenId, address caller, address owner);
    /// @dev The market may not move `tokenId` for `owner`: approve it first.
    error MarketNotApproved(uint256 tokenId, address owner);
    /// @dev `tokenId` has no listing.
    error MarketNotListed(uint256 tokenId);
    /// @dev `caller` may not remove the listing of `seller` while it is live.
    error MarketNotSeller(uint256 tokenId, address caller, address seller);
    /// @dev The listing ended at `endTime`.
    error MarketListingExpired(uint256 tokenId, uint256 endTime);
    /// @dev The listing's seller no longer owns the name (`owner` does). (If the name left the
    /// seller and came back, a purchase fails with the registry's `NameTransferCountMismatch`.)
    error MarketListingDead(uint256 tokenId, address seller, address owner);
    /// @dev The listing's price is `price`, not the `expectedPrice` the buyer agreed to.
    error MarketPriceMismatch(uint256 tokenId, uint256 price, uint256 expectedPrice);
    /// @dev `bidder` has no offer on `tokenId`.
    error MarketNoOffer(uint256 tokenId, address bidder);
    /// @dev The offer ended at `endTime`.
    error MarketOfferExpired(uint256 tokenId, address bidder, uint256 endTime);
    /// @dev The offer is `amount`, not the `expectedAmount` the seller agreed to.
    error MarketAmountMismatch(uint256 tokenId, address bidder, uint256 amount, uint256 expectedAmount);
    /// @dev `buyer` owns `tokenId` already: an owner cannot buy its own listing, make an offer
    /// on its own name, or have its offer on a name it has come to own accepted (it would pay
    /// the network fee to trade with itself).
    error MarketBuyerIsOwner(uint256 tokenId, address buyer);
    /// @dev A fee above the hard cap `max` (basis points).
    error MarketFeeTooHigh(uint256 feeBps, uint256 max);

    // ------------------------------------------------------------------ events

    /// @notice `seller` listed `tokenId` for `price` SESH until `endTime`. Replaces
    /// any earlier listing of `tokenId`.
    event Listed(uint256 indexed tokenId, address indexed seller, uint256 price, uint256 endTime);
    /// @notice The listing of `tokenId` by `seller` was removed without a sale.
    event Unlisted(uint256 indexed tokenId, address seller);
    /// @notice `buyer` bought `tokenId` from `seller` for `price` SESH, of which
    /// `fee` went to the RewardsPool and `price - fee` to the seller.
    event Sold(uint256 indexed tokenId, address indexed seller, address indexed buyer, uint256 price, uint256 fee);
    /// @notice `bidder` now offers `amount` SESH (escrowed) for `tokenId` until `endTime`.
    /// Replaces any earlier offer of `bidder` on `tokenId`.
    event OfferMade(uint256 indexed tokenId, address indexed bidder, uint256 amount, uint256 endTime);
    /// @notice `bidder` withdrew its offer of `amount` SESH on `tokenId`; the SESH went back to it.
    event OfferCancelled(uint256 indexed tokenId, address indexed bidder, uint256 amount);
    /// @notice `seller` accepted `bidder`'s offer of `amount` SESH for `tokenId`, of which
    /// `fee` went to the RewardsPool and `amount - fee` to the seller.
    event OfferAccepted(
        uint256 indexed tokenId, address indexed seller, address indexed bidder, uint256 amount, uint256 fee
    );
    /// @notice Governance set the network fee on sales to `feeBps` basis points.
    event MarketFeeSet(uint256 feeBps);

    // ------------------------------------------------------------------ listings

    /// @notice Lists `tokenId` for `price` SESH until `endTime`.
    function list(uint256 tokenId, uint256 price, uint256 endTime) external;

    /// @notice Removes the listing of `tokenId`.
    function unlist(uint256 tokenId) external;

    /// @notice Buys the listed `tokenId` at `expectedPrice` and sets the buyer's record.
    function buy(
        uint256 tokenId,
        uint256 expectedPrice,
        bytes32 sessionKey,
        address evmAddress,
        INameRegistry.Permit calldata permit
    ) external;

    // ------------------------------------------------------------------ offers

    /// @notice Offers `amount` SESH (escrowed) for `tokenId` until `endTime`.
    function makeOffer(
        uint256 tokenId,
        uint256 amount,
        uint256 endTime,
        bytes32 sessionKey,
        address evmAddress,
        INameRegistry.Permit calldata permit
    ) external;

    /// @notice Withdraws the caller's offer on `tokenId` and refunds it.
    function cancelOffer(uint256 tokenId) external;

    /// @notice Sells `tokenId` to `bidder` for its offer of `expectedAmount`.
    function acceptOffer(uint256 tokenId, address bidder, uint256 expectedAmount) external;

    // ------------------------------------------------------------------ governance

    /// @notice Sets the network fee on sales, in basis points. Owner only.
    function setFeeBps(uint256 newFeeBps) external;

    /// @notice Stops new listings, sales and offers. Owner only.
    function pause() external;

    /// @notice Resumes the market. Owner only.
    function unpause() external;

    // ------------------------------------------------------------------ views

    /// @notice The SESH token.
    function sesh() external view returns (address);

    /// @notice The NameRegistry whose names are traded.
    function registry() external view returns (address);

    /// @notice Where every fee goes.
    function rewardsPool() external view returns (address);

    /// @notice The network fee on sales, in basis points.
    function feeBps() external view returns (uint256);

    /// @notice SESH held in escrow for open offers.
    function totalEscrowed() external view returns (uint256);

    /// @notice The listing of `tokenId` (zeros if none) and whether it can be bought now.
    function listingOf(uint256 tokenId)
        external
        view
        returns (address seller, uint256 price, uint256 endTime, bool live);

    /// @notice `bidder`'s offer on `tokenId` (zeros if none).
    function offerOf(uint256 tokenId, address bidder)
        external
        view
        returns (uint256 amount, uint256 endTime, bytes32 sessionKey, address evmAddress);

    /// @notice The fee and the seller's proceeds of a sale at `price` under the current fee.
    function feeOf(uint256 price) external view returns (uint256 fee, uint256 proceeds);
}
