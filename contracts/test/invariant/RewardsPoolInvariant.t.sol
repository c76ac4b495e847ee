// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {RewardsPool} from "../../src/RewardsPool.sol";
import {TestSESH} from "../../src/test-only/TestSESH.sol";
import {Test} from "../utils/Test.sol";

/// @dev Drives the pool: fees arrive (plain transfers), the distributor pays rewards within the
/// balance, and anyone else (the deployer included) calls the pool with any data, which must
/// never move SESH. Every action guards its own inputs, so the suite runs with `fail-on-revert`.
contract RewardsPoolHandler is Test {
    uint256 internal constant SESH = 1e9;

    TestSESH public immutable sesh;
    RewardsPool public immutable pool;
    address public immutable distributor;
    address public immutable deployer;

    address[] public actors;

    /// @dev SESH paid into the pool, and paid out by the distributor.
    uint256 public ghostIn;
    uint256 public ghostPaid;
    /// @dev Set if a call by anyone but the distributor moved SESH out of the pool.
    bool public ghostMovedByOthers;
    uint256 public ghostOtherCalls;

    constructor(TestSESH sesh_, RewardsPool pool_, address distributor_, address deployer_) {
        sesh = sesh_;
        pool = pool_;
        distributor = distributor_;
        deployer = deployer_;
        actors.push(makeAddr("alice"));
        actors.push(makeAddr("bob"));
        actors.push(deployer_);
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    /// @dev A fee: an actor transfers SESH into the pool.
    function payFee(uint256 actorSeed, uint256 amount) external {
        address payer = actors[actorSeed % actors.length];
        amount = bound(amount, 1, 10_000 * SESH);
        sesh.faucet(payer, amount);
        vm.prank(payer);
        sesh.transfer(address(pool), amount);
        ghostIn += amount;
    }

    /// @dev The distributor pays a reward to an actor, within what the pool holds.
    function payReward(uint256 actorSeed, uint256 amount) external {
        amount = bound(amount, 0, sesh.balanceOf(address(pool)));
        vm.prank(distributor);
        pool.payReward(actors[actorSeed % actors.length], amount);
        ghostPaid += amount;
    }

    /// @dev Anyone else, the deployer included, calls the pool with any data (a likely
    /// selector or random bytes), with the arguments naming itself: nothing may leave.
    function callAnything(uint256 actorSeed, uint256 selectorSeed, uint256 amount, bytes calldata data) external {
        address caller = actors[actorSeed % actors.length];
        bytes4[6] memory selectors = [
            bytes4(keccak256("payReward(address,uint256)")),
            bytes4(keccak256("setDistributor(address)")),
            bytes4(keccak256("transferOwnership(address)")),
            bytes4(keccak256("withdraw(address,uint256)")),
            bytes4(keccak256("sweepUnowed()")),
            bytes4(keccak256("rescue(address,address,uint256)"))
        ];
        bytes memory call =
            selectorSeed % 7 == 6 ? data : abi.encodeWithSelector(selectors[selectorSeed % 7], caller, amount, caller);
        uint256 before = sesh.balanceOf(address(pool));
        vm.prank(caller);
        (bool ok,) = address(pool).call(call);
        ok; // success or not, the balance is what matters
        if (sesh.balanceOf(address(pool)) < before) ghostMovedByOthers = true;
        ++ghostOtherCalls;
    }
}

/// @dev Invariants of the RewardsPool over fees, rewards and calls by anyone else:
/// (a) the pool's books add up: balance + totalPaid == totalReceived == everything paid in;
/// (b) only the distributor moves SESH out, and it is fixed for good;
/// (c) every SESH is accounted for among the actors and the pool.
/// forge-config: default.invariant.fail-on-revert = true
contract RewardsPoolInvariantTest is Test {
    TestSESH internal sesh;
    RewardsPool internal pool;
    RewardsPoolHandler internal handler;
    address internal distributor;

    function setUp() public {
        sesh = new TestSESH();
        distributor = makeAddr("node staking");
        pool = new RewardsPool(address(sesh), distributor);
        handler = new RewardsPoolHandler(sesh, pool, distributor, address(this));
        targetContract(address(handler));
    }

    /// @dev (a) What came in, what went out, what is left.
    function invariant_BooksAddUp() public view {
        assertEq(pool.totalReceived(), handler.ghostIn(), "totalReceived == paid in");
        assertEq(pool.totalPaid(), handler.ghostPaid(), "totalPaid == rewards paid");
        assertEq(sesh.balanceOf(address(pool)) + pool.totalPaid(), pool.totalReceived(), "balance + paid == received");
    }

    /// @dev (b) Nobody but the distributor, which never changes, moved SESH out.
    function invariant_OnlyTheDistributorPays() public view {
        assertFalse(handler.ghostMovedByOthers(), "SESH left the pool through someone else");
        assertEq(pool.distributor(), distributor, "the distributor changed");
    }

    /// @dev (c) No SESH is created or lost.
    function invariant_SeshConserved() public view {
        uint256 total = sesh.balanceOf(address(pool)) + sesh.balanceOf(distributor);
        for (uint256 i; i < handler.actorCount(); ++i) {
            total += sesh.balanceOf(handler.actors(i));
        }
        assertEq(total, sesh.totalSupply(), "every SESH accounted for");
    }
}
