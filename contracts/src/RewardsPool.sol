// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {IRewardsPool} from "./interfaces/IRewardsPool.sol";

/// @title RewardsPool
/// @notice Holds every network fee paid in SESH; the only way out is {payReward},
/// callable by the distributor (NodeStaking) alone.
/// @dev A passive receiver: paying contracts move fees in with
/// `SESH.transferFrom(payer, pool, fee)`, with no callback, so the pool costs a
/// payer nothing beyond the ERC-20 transfer. There is deliberately no rescue,
/// sweep or owner withdrawal: the owner can wire the distributor once and do
/// nothing else with the funds.
contract RewardsPool is IRewardsPool, Ownable2Step {
    using SafeERC20 for IERC20;

    /*//////////////////////////////////////////////////////////////
                                 STORAGE
    //////////////////////////////////////////////////////////////*/

    IERC20 private immutable _SESH;
    address private _distributor;
    uint256 private _totalPaid;

    /*//////////////////////////////////////////////////////////////
                               CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @param sesh_ The SESH token. The deployer becomes the owner (two-step transferable).
    constructor(address sesh_) Ownable(msg.sender) {
        if (sesh_ == address(0)) revert RewardsPoolZeroAddress();
        _SESH = IERC20(sesh_);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IRewardsPool
    function sesh() external view returns (address) {
        return address(_SESH);
    }

    /// @inheritdoc IRewardsPool
    function distributor() external view returns (address) {
        return _distributor;
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
    /// @dev Emits a {DistributorSet} event.
    ///
    /// Requirements:
    /// - the caller is the owner;
    /// - no distributor was set before;
    /// - `distributor_` is not the zero address.
    function setDistributor(address distributor_) external onlyOwner {
        if (_distributor != address(0)) revert RewardsPoolDistributorAlreadySet(_distributor);
        if (distributor_ == address(0)) revert RewardsPoolZeroAddress();
        _distributor = distributor_;
        emit DistributorSet(distributor_);
    }

    /// @inheritdoc IRewardsPool
    /// @dev Emits a {RewardPaid} event (and the token's `Transfer`).
    ///
    /// Requirements:
    /// - the caller is the distributor;
    /// - `to` is not the zero address;
    /// - the pool holds at least `amount` SESH.
    function payReward(address to, uint256 amount) external {
        if (msg.sender != _distributor) revert RewardsPoolUnauthorized(msg.sender);
        if (to == address(0)) revert RewardsPoolZeroAddress();
        uint256 balance = _SESH.balanceOf(address(this));
        if (amount > balance) revert RewardsPoolInsufficientFunds(amount, balance);
        _totalPaid += amount;
        emit RewardPaid(to, amount);
        _SESH.safeTransfer(to, amount);
    }
}
