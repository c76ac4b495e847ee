// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {INameRegistry} from "./interfaces/INameRegistry.sol";
import {IPremium} from "./interfaces/IPremium.sol";
import {ISweepable} from "./interfaces/ISweepable.sol";

/// @title Premium
/// @notice Session Pro for a Session ID, paid in SESH by the 30-day period.
/// Anyone may buy for anyone; buying again extends from the later of now and
/// the current expiry.
/// @dev Payments go straight from the payer to the RewardsPool (one
/// `transferFrom`), so the contract owes no one SESH and the owner can move no
/// funds: governance can only set the price (within hard bounds) and pause new
/// purchases. SESH sent to the contract directly is owed to no one: anyone may send
/// it on to the pool with {sweepUnowed}. It takes no ETH (no function is payable). A registry node verifies a purchase from its receipt: the
/// {PremiumPurchased} event and a SESH transfer of `cost` into the pool.
contract Premium is IPremium, Ownable2Step, Pausable {
    using SafeERC20 for IERC20;

    // ------------------------------------------------------------------ constants

    /// @notice The length of one period.
    uint256 public constant PERIOD = 30 days;
    /// @notice The most periods one purchase may buy (about ten years); keeps the
    /// cost and the expiry far from overflow.
    uint256 public constant MAX_PERIODS = 120;
    /// @notice The default price of one period: 50 SESH.
    uint256 public constant DEFAULT_PRICE_PER_PERIOD = 50e9;
    /// @notice The lowest price governance may set: 1 SESH a period.
    uint256 public constant MIN_PRICE_PER_PERIOD = 1e9;
    /// @notice The highest price governance may set: 10,000 SESH a period.
    uint256 public constant MAX_PRICE_PER_PERIOD = 10_000e9;

    // ------------------------------------------------------------------ storage

    IERC20 private immutable _sesh;
    address private immutable _rewardsPool;

    /// @dev Packs into the slot of Ownable2Step's `_pendingOwner` and Pausable's
    /// `_paused`, so a purchase reads one storage slot for both checks.
    uint64 private _pricePerPeriod;
    mapping(bytes32 sessionKey => uint256 expiry) private _expiries;

    /// @param sesh_ The SESH token (EIP-2612).
    /// @param rewardsPool_ The RewardsPool every payment goes to.
    /// @dev The deployer is the first owner; hand it to governance with
    /// {Ownable2Step-transferOwnership}.
    ///
    /// Requirements:
    /// - neither address is zero.
    constructor(address sesh_, address rewardsPool_) Ownable(msg.sender) {
        if (sesh_ == address(0) || rewardsPool_ == address(0)) revert PremiumZeroAddress();
        _sesh = IERC20(sesh_);
        _rewardsPool = rewardsPool_;
        _setPricePerPeriod(DEFAULT_PRICE_PER_PERIOD);
    }

    // ------------------------------------------------------------------ actions

    /// @notice Buys `periods` periods of premium for the Session ID `0x05 ‖ sessionKey`,
    /// paid by the caller. Anyone may buy for anyone.
    /// @dev The new expiry is `max(now, premiumExpiry(sessionKey)) + periods * PERIOD`.
    /// `cost = periods * pricePerPeriod()` SESH moves from the caller to the RewardsPool.
    /// If `permit.deadline != 0`, an EIP-2612 permit (owner: caller, spender: this
    /// contract) is tried first; a failed permit is ignored (it may have been
    /// front-run), and the purchase goes on if the allowance suffices.
    ///
    /// Emits a {PremiumPurchased} event.
    ///
    /// Requirements:
    /// - the contract is not paused;
    /// - `sessionKey` is not zero;
    /// - `periods` is between 1 and {MAX_PERIODS};
    /// - the cost is at most `maxCost`;
    /// - the caller has approved (or permits) at least the cost and holds it.
    function buy(bytes32 sessionKey, uint256 periods, uint256 maxCost, INameRegistry.Permit calldata permit)
        external
        virtual
        whenNotPaused
        returns (uint256 expiry)
    {
        if (sessionKey == bytes32(0)) revert PremiumZeroSessionKey();
        if (periods == 0 || periods > MAX_PERIODS) revert PremiumInvalidPeriods(periods, MAX_PERIODS);
        uint256 cost = periods * _pricePerPeriod;
        if (cost > maxCost) revert PremiumCostAboveMax(cost, maxCost);

        uint256 current = _expiries[sessionKey];
        expiry = (current > block.timestamp ? current : block.timestamp) + periods * PERIOD;
        _expiries[sessionKey] = expiry;
        emit PremiumPurchased(sessionKey, msg.sender, periods, cost, expiry);

        if (permit.deadline != 0) _tryPermit(permit);
        _sesh.safeTransferFrom(msg.sender, _rewardsPool, cost);
    }

    /// @notice Sends all the SESH this contract holds to the RewardsPool, and returns how much.
    /// Premium owes no one SESH (payments go straight to the pool), so whatever it holds was
    /// sent to it directly and would otherwise be locked. Anyone may call it, also while
    /// paused.
    /// @dev A sweep of nothing does nothing and returns 0.
    ///
    /// Emits an {ISweepable-UnowedSwept} event (and the token's `Transfer` into the pool)
    /// when it sends anything.
    function sweepUnowed() external virtual returns (uint256 amount) {
        amount = _sesh.balanceOf(address(this));
        if (amount > 0) {
            emit UnowedSwept(amount);
            _sesh.safeTransfer(_rewardsPool, amount);
        }
    }

    /// @notice Sets the price of one period to `price` SESH (9 decimals). Purchases
    /// already made keep their expiry.
    /// @dev Emits a {PricePerPeriodSet} event.
    ///
    /// Requirements:
    /// - the caller is the owner;
    /// - `price` is between {MIN_PRICE_PER_PERIOD} and {MAX_PRICE_PER_PERIOD}.
    function setPricePerPeriod(uint256 price) external virtual onlyOwner {
        _setPricePerPeriod(price);
    }

    /// @notice Stops new purchases. Premium already bought is unaffected.
    /// @dev Emits a {Pausable-Paused} event.
    ///
    /// Requirements:
    /// - the caller is the owner;
    /// - the contract is not paused.
    function pause() external virtual onlyOwner {
        _pause();
    }

    /// @notice Resumes purchases.
    /// @dev Emits a {Pausable-Unpaused} event.
    ///
    /// Requirements:
    /// - the caller is the owner;
    /// - the contract is paused.
    function unpause() external virtual onlyOwner {
        _unpause();
    }

    // ------------------------------------------------------------------ views

    /// @notice The SESH token.
    /// @dev Set at deployment, immutable.
    function sesh() external view virtual returns (address) {
        return address(_sesh);
    }

    /// @notice The RewardsPool every payment goes to.
    /// @dev Set at deployment, immutable.
    function rewardsPool() external view virtual returns (address) {
        return _rewardsPool;
    }

    /// @notice The price of one period, in SESH (9 decimals).
    /// @dev Between {MIN_PRICE_PER_PERIOD} and {MAX_PRICE_PER_PERIOD}.
    function pricePerPeriod() external view virtual returns (uint256) {
        return _pricePerPeriod;
    }

    /// @notice What `periods` periods cost at the current price.
    /// @dev No bound check on `periods`; {buy} takes 1 to {MAX_PERIODS}.
    function costOf(uint256 periods) external view virtual returns (uint256) {
        return periods * _pricePerPeriod;
    }

    /// @notice When the premium of the Session ID `0x05 ‖ sessionKey` ends (0: never bought).
    /// @dev A past timestamp means the premium lapsed.
    function premiumExpiry(bytes32 sessionKey) external view virtual returns (uint256) {
        return _expiries[sessionKey];
    }

    /// @notice Whether the Session ID `0x05 ‖ sessionKey` has premium now.
    /// @dev True while `block.timestamp < premiumExpiry(sessionKey)`.
    function isPremium(bytes32 sessionKey) external view virtual returns (bool) {
        return block.timestamp < _expiries[sessionKey];
    }

    // ------------------------------------------------------------------ internal

    function _setPricePerPeriod(uint256 price) internal virtual {
        if (price < MIN_PRICE_PER_PERIOD || price > MAX_PRICE_PER_PERIOD) {
            revert PremiumPriceOutOfBounds(price, MIN_PRICE_PER_PERIOD, MAX_PRICE_PER_PERIOD);
        }
        // Cannot truncate: the bound above is far below 2**64.
        // forge-lint: disable-next-line(unsafe-typecast)
        _pricePerPeriod = uint64(price);
        emit PricePerPeriodSet(price);
    }

    /// @dev A failing permit is ignored: someone may have submitted it first, and
    /// the transfer that follows checks the allowance anyway.
    function _tryPermit(INameRegistry.Permit calldata permit) private {
        try IERC20Permit(address(_sesh))
            .permit(msg.sender, address(this), permit.value, permit.deadline, permit.v, permit.r, permit.s) {}
            catch {}
    }
}
