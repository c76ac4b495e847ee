// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {IRewardsPool} from "./interfaces/IRewardsPool.sol";

/// @title RewardsPool
/// @notice Holds every network fee paid in SESH; the only way out is {payReward},
/// callable by the distributor (NodeStaking) alone.
/// @dev A passive receiver: paying contracts move fees in with
/// `SESH.transferFrom(payer, pool, fee)`, with no callback, so the pool costs a
/// payer nothing beyond the ERC-20 transfer.
///
/// The pool has no owner and no function but {payReward} that moves SESH: no rescue,
/// sweep or withdrawal. The distributor is fixed at construction (immutable), so there is
/// no moment, before or after wiring, at which anyone could name another one and take
/// the fees already paid. The deploy script creates the pool with the address NodeStaking
/// will have (the deployer's next contract address) and checks it got it; NodeStaking is
/// created with the pool's address, and `VerifyDeployment` checks the two name each other.
contract RewardsPool is IRewardsPool {
    using SafeERC20 for IERC20;

    /*//////////////////////////////////////////////////////////////
                                 STORAGE
    //////////////////////////////////////////////////////////////*/

    IERC20 private immutable _SESH;
    address private immutable _DISTRIBUTOR;
    uint256 private _totalPaid;

    /*//////////////////////////////////////////////////////////////
                               CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @param sesh_ The SESH token.
    /// @param distributor_ The only address that may ever pay rewards out: the NodeStaking
    /// contract. It may have no code yet (NodeStaking is created after the pool, with the
    /// pool's address).
    /// @dev Emits a {DistributorSet} event: the pool's first log, where indexers and
    /// `VerifyDeployment` find its creation.
    ///
    /// Requirements:
    /// - neither address is zero.
    constructor(address sesh_, address distributor_) {
        if (sesh_ == address(0) || distributor_ == address(0)) revert RewardsPoolZeroAddress();
        _SESH = IERC20(sesh_);
        _DISTRIBUTOR = distributor_;
        emit DistributorSet(distributor_);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IRewardsPool
    function sesh() external view returns (address) {
        return address(_SESH);
    }

    /// @inheritdoc IRewardsPool
    /// @dev Immutable: set at construction.
    function distributor() external view returns (address) {
        return _DISTRIBUTOR;
    }

    /// @inheritdoc IRewardsPool
    function totalPaid() external view returns (uint256) {
        return _totalPaid;
    }

    /// @inheritdoc IRewardsPool
    /// @dev Includes SESH sent to the pool by anyone, not only fees.
    function totalReceived() external view returns (uint256) {
        return _SESH.balanceOf(address(this)) + _totalPaid;
    }

    /*//////////////////////////////////////////////////////////////
                                 ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IRewardsPool
    /// @dev Emits a {RewardPaid} event (and the token's `Transfer`).
    ///
    /// Requirements:
    /// - the caller is the distributor;
    /// - `to` is not the zero address;
    /// - the pool holds at least `amount` SESH.
    function payReward(address to, uint256 amount) external {
        if (msg.sender != _DISTRIBUTOR) revert RewardsPoolUnauthorized(msg.sender);
        if (to == address(0)) revert RewardsPoolZeroAddress();
        uint256 balance = _SESH.balanceOf(address(this));
        if (amount > balance) revert RewardsPoolInsufficientFunds(amount, balance);
        _totalPaid += amount;
        emit RewardPaid(to, amount);
        _SESH.safeTransfer(to, amount);
    }
}
