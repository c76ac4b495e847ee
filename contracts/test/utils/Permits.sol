// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";

import {INameRegistry} from "../../src/interfaces/INameRegistry.sol";
import {Vm} from "./Vm.sol";

/// @dev Signs EIP-2612 permits for tests.
library Permits {
    Vm private constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    bytes32 internal constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");

    /// @dev "No permit": use the allowance.
    function none() internal pure returns (INameRegistry.Permit memory permit) {}

    /// @dev A permit by `ownerKey`'s account letting `spender` take `value` of `token` until `deadline`.
    function sign(address token, uint256 ownerKey, address spender, uint256 value, uint256 deadline)
        internal
        view
        returns (INameRegistry.Permit memory permit)
    {
        address owner = vm.addr(ownerKey);
        bytes32 structHash =
            keccak256(abi.encode(PERMIT_TYPEHASH, owner, spender, value, IERC20Permit(token).nonces(owner), deadline));
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", IERC20Permit(token).DOMAIN_SEPARATOR(), structHash));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(ownerKey, digest);
        permit = INameRegistry.Permit({value: value, deadline: deadline, v: v, r: r, s: s});
    }
}
