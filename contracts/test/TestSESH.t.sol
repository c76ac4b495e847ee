// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "./utils/Test.sol";
import {TestSESH} from "../src/test-only/TestSESH.sol";

contract TestSESHTest is Test {
    TestSESH internal sesh;

    function setUp() public {
        sesh = new TestSESH();
    }

    function test_HasNineDecimals() public view {
        assertEq(uint256(sesh.decimals()), 9);
        assertEq(sesh.symbol(), "SESH");
    }

    function test_FaucetMintsUpToTheLimit() public {
        address alice = makeAddr("alice");
        sesh.faucet(alice, sesh.FAUCET_LIMIT());
        assertEq(sesh.balanceOf(alice), sesh.FAUCET_LIMIT());
    }

    function test_RevertWhen_FaucetAskedForTooMuch() public {
        uint256 limit = sesh.FAUCET_LIMIT();
        vm.expectRevert(abi.encodeWithSelector(TestSESH.FaucetLimitExceeded.selector, limit + 1, limit));
        sesh.faucet(address(this), limit + 1);
    }

    function testFuzz_PermitSetsAllowance(uint256 amount) public {
        (address owner, uint256 key) = makeAccount("owner");
        address spender = makeAddr("spender");
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                owner,
                spender,
                amount,
                sesh.nonces(owner),
                deadline
            )
        );
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", sesh.DOMAIN_SEPARATOR(), structHash));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        sesh.permit(owner, spender, amount, deadline, v, r, s);
        assertEq(sesh.allowance(owner, spender), amount);
        assertEq(sesh.nonces(owner), 1);
    }
}
