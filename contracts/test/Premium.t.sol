// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {Premium} from "../src/Premium.sol";
import {INameRegistry} from "../src/interfaces/INameRegistry.sol";
import {IPremium} from "../src/interfaces/IPremium.sol";
import {ISweepable} from "../src/interfaces/ISweepable.sol";
import {TestSESH} from "../src/test-only/TestSESH.sol";
import {Permits} from "./utils/Permits.sol";
import {Test} from "./utils/Test.sol";

contract PremiumTest is Test {
    uint256 internal constant SESH = 1e9;
    uint256 internal constant PRICE = 50 * SESH;
    uint256 internal constant START = 1_700_000_000;

    TestSESH internal sesh;
    Premium internal premium;
    address internal pool;
    address internal gov;
    address internal alice;
    uint256 internal aliceKey;
    address internal bob;

    bytes32 internal constant KEY = keccak256("alice session key");
    bytes32 internal constant BOB_KEY = keccak256("bob session key");

    function setUp() public {
        vm.warp(START);
        sesh = new TestSESH();
        pool = makeAddr("rewardsPool");
        gov = makeAddr("governance");
        (alice, aliceKey) = makeAccount("alice");
        bob = makeAddr("bob");
        premium = new Premium(address(sesh), pool);
        premium.transferOwnership(gov);
        vm.prank(gov);
        premium.acceptOwnership();

        sesh.faucet(alice, 100_000 * SESH);
        sesh.faucet(bob, 100_000 * SESH);
        sesh.faucet(pool, 1 * SESH); // the pool already holds fees: no fresh balance slot
        vm.prank(alice);
        sesh.approve(address(premium), type(uint256).max);
        vm.prank(bob);
        sesh.approve(address(premium), type(uint256).max);
    }

    function _none() internal pure returns (INameRegistry.Permit memory) {
        return Permits.none();
    }

    // ---------------------------------------------------------------- deployment

    function test_Constructor_SetsDefaults() public view {
        assertEq(premium.sesh(), address(sesh));
        assertEq(premium.rewardsPool(), pool);
        assertEq(premium.pricePerPeriod(), PRICE);
        assertEq(premium.PERIOD(), 30 days);
        assertEq(premium.MAX_PERIODS(), 120);
        assertEq(premium.owner(), gov);
        assertEq(premium.costOf(3), 3 * PRICE);
        assertEq(premium.premiumExpiry(KEY), 0);
        assertFalse(premium.isPremium(KEY));
    }

    function test_RevertWhen_ConstructedWithZeroSesh() public {
        vm.expectRevert(abi.encodeWithSelector(IPremium.PremiumZeroAddress.selector));
        new Premium(address(0), pool);
    }

    function test_RevertWhen_ConstructedWithZeroPool() public {
        vm.expectRevert(abi.encodeWithSelector(IPremium.PremiumZeroAddress.selector));
        new Premium(address(sesh), address(0));
    }

    // ---------------------------------------------------------------- buy

    function test_Buy_PaysThePoolAndSetsExpiry() public {
        uint256 poolBefore = sesh.balanceOf(pool);
        vm.expectEmit(true, true, false, true, address(premium));
        emit IPremium.PremiumPurchased(KEY, alice, 2, 2 * PRICE, START + 60 days);
        vm.prank(alice);
        uint256 expiry = premium.buy(KEY, 2, 2 * PRICE, _none());

        assertEq(expiry, START + 60 days);
        assertEq(premium.premiumExpiry(KEY), START + 60 days);
        assertTrue(premium.isPremium(KEY));
        assertEq(sesh.balanceOf(pool), poolBefore + 2 * PRICE);
        assertEq(sesh.balanceOf(alice), 100_000 * SESH - 2 * PRICE);
        assertEq(sesh.balanceOf(address(premium)), 0, "premium holds nothing");
    }

    function test_Buy_ExtendsAnActivePremiumFromItsExpiry() public {
        vm.prank(alice);
        premium.buy(KEY, 1, PRICE, _none());
        vm.warp(START + 10 days);
        vm.prank(alice);
        uint256 expiry = premium.buy(KEY, 1, PRICE, _none());
        assertEq(expiry, START + 60 days);
    }

    function test_Buy_RestartsALapsedPremiumFromNow() public {
        vm.prank(alice);
        premium.buy(KEY, 1, PRICE, _none());
        vm.warp(START + 45 days);
        assertFalse(premium.isPremium(KEY));
        vm.prank(alice);
        uint256 expiry = premium.buy(KEY, 1, PRICE, _none());
        assertEq(expiry, START + 45 days + 30 days);
        assertTrue(premium.isPremium(KEY));
    }

    function test_Buy_EndsExactlyAtExpiry() public {
        vm.prank(alice);
        premium.buy(KEY, 1, PRICE, _none());
        vm.warp(START + 30 days - 1);
        assertTrue(premium.isPremium(KEY));
        vm.warp(START + 30 days);
        assertFalse(premium.isPremium(KEY));
    }

    function test_Buy_AsAGift() public {
        vm.expectEmit(true, true, false, true, address(premium));
        emit IPremium.PremiumPurchased(BOB_KEY, alice, 3, 3 * PRICE, START + 90 days);
        vm.prank(alice);
        premium.buy(BOB_KEY, 3, 3 * PRICE, _none());
        assertTrue(premium.isPremium(BOB_KEY));
        assertFalse(premium.isPremium(KEY));
        assertEq(sesh.balanceOf(bob), 100_000 * SESH, "the recipient pays nothing");

        // A second gift by someone else stacks on top.
        vm.prank(bob);
        premium.buy(BOB_KEY, 1, PRICE, _none());
        assertEq(premium.premiumExpiry(BOB_KEY), START + 120 days);
    }

    function test_Buy_MaxPeriods() public {
        vm.prank(alice);
        uint256 expiry = premium.buy(KEY, 120, 120 * PRICE, _none());
        assertEq(expiry, START + 120 * 30 days);
    }

    function test_Buy_WithPermitAndNoAllowance() public {
        (address carol, uint256 carolKey) = makeAccount("carol");
        sesh.faucet(carol, 1_000 * SESH);
        INameRegistry.Permit memory permit =
            Permits.sign(address(sesh), carolKey, address(premium), PRICE, block.timestamp + 1 hours);
        vm.prank(carol);
        premium.buy(KEY, 1, PRICE, permit);
        assertEq(sesh.balanceOf(carol), 1_000 * SESH - PRICE);
        assertEq(sesh.allowance(carol, address(premium)), 0);
        assertTrue(premium.isPremium(KEY));
    }

    function test_Buy_GoesOnWhenThePermitWasFrontRun() public {
        (address carol, uint256 carolKey) = makeAccount("carol");
        sesh.faucet(carol, 1_000 * SESH);
        INameRegistry.Permit memory permit =
            Permits.sign(address(sesh), carolKey, address(premium), PRICE, block.timestamp + 1 hours);
        // Someone submits the permit first: the allowance is set, the nonce used.
        sesh.permit(carol, address(premium), permit.value, permit.deadline, permit.v, permit.r, permit.s);
        vm.prank(carol);
        premium.buy(KEY, 1, PRICE, permit);
        assertTrue(premium.isPremium(KEY));
    }

    function test_RevertWhen_BuyWithABadPermitAndNoAllowance() public {
        (address carol, uint256 carolKey) = makeAccount("carol");
        sesh.faucet(carol, 1_000 * SESH);
        INameRegistry.Permit memory permit =
            Permits.sign(address(sesh), carolKey, address(premium), PRICE, block.timestamp + 1 hours);
        permit.value = 2 * PRICE; // no longer matches the signature
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(premium), 0, PRICE)
        );
        vm.prank(carol);
        premium.buy(KEY, 1, PRICE, permit);
    }

    function test_RevertWhen_BuyWithoutAllowance() public {
        address carol = makeAddr("carol");
        sesh.faucet(carol, 1_000 * SESH);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(premium), 0, PRICE)
        );
        vm.prank(carol);
        premium.buy(KEY, 1, PRICE, _none());
    }

    function test_RevertWhen_BuyWithoutFunds() public {
        address carol = makeAddr("carol");
        vm.prank(carol);
        sesh.approve(address(premium), type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, carol, 0, PRICE));
        vm.prank(carol);
        premium.buy(KEY, 1, PRICE, _none());
    }

    function test_RevertWhen_BuyForTheZeroKey() public {
        vm.expectRevert(abi.encodeWithSelector(IPremium.PremiumZeroSessionKey.selector));
        vm.prank(alice);
        premium.buy(bytes32(0), 1, PRICE, _none());
    }

    function test_RevertWhen_BuyZeroPeriods() public {
        vm.expectRevert(abi.encodeWithSelector(IPremium.PremiumInvalidPeriods.selector, 0, 120));
        vm.prank(alice);
        premium.buy(KEY, 0, PRICE, _none());
    }

    function test_RevertWhen_BuyTooManyPeriods() public {
        vm.expectRevert(abi.encodeWithSelector(IPremium.PremiumInvalidPeriods.selector, 121, 120));
        vm.prank(alice);
        premium.buy(KEY, 121, type(uint256).max, _none());
    }

    function test_RevertWhen_BuyCostsMoreThanMax() public {
        vm.expectRevert(abi.encodeWithSelector(IPremium.PremiumCostAboveMax.selector, 2 * PRICE, 2 * PRICE - 1));
        vm.prank(alice);
        premium.buy(KEY, 2, 2 * PRICE - 1, _none());
    }

    function test_RevertWhen_BuyAfterThePriceRoseUnderTheBuyer() public {
        vm.prank(gov);
        premium.setPricePerPeriod(60 * SESH);
        vm.expectRevert(abi.encodeWithSelector(IPremium.PremiumCostAboveMax.selector, 60 * SESH, PRICE));
        vm.prank(alice);
        premium.buy(KEY, 1, PRICE, _none());
    }

    function test_RevertWhen_BuyWhilePaused() public {
        vm.prank(gov);
        premium.pause();
        vm.expectRevert(abi.encodeWithSelector(Pausable.EnforcedPause.selector));
        vm.prank(alice);
        premium.buy(KEY, 1, PRICE, _none());
    }

    function test_Buy_PremiumSurvivesAPause() public {
        vm.prank(alice);
        premium.buy(KEY, 1, PRICE, _none());
        vm.prank(gov);
        premium.pause();
        assertTrue(premium.isPremium(KEY));
        vm.prank(gov);
        premium.unpause();
        vm.prank(alice);
        premium.buy(KEY, 1, PRICE, _none());
        assertEq(premium.premiumExpiry(KEY), START + 60 days);
    }

    // ---------------------------------------------------------------- fuzz

    function testFuzz_Buy_ExtensionMath(uint256 firstPeriods, uint256 secondPeriods, uint256 gap, uint256 price)
        public
    {
        firstPeriods = bound(firstPeriods, 1, 120);
        secondPeriods = bound(secondPeriods, 1, 120);
        gap = bound(gap, 0, 20 * 365 days);
        price = bound(price, 1 * SESH, 10_000 * SESH);
        vm.prank(gov);
        premium.setPricePerPeriod(price);
        sesh.faucet(alice, 100_000 * SESH);
        for (uint256 i; i < 25; ++i) {
            sesh.faucet(alice, 100_000 * SESH);
        }
        uint256 aliceBefore = sesh.balanceOf(alice);
        uint256 poolBefore = sesh.balanceOf(pool);
        vm.assume(aliceBefore >= (firstPeriods + secondPeriods) * price);

        vm.prank(alice);
        uint256 first = premium.buy(KEY, firstPeriods, type(uint256).max, _none());
        assertEq(first, START + firstPeriods * 30 days, "first expiry");

        vm.warp(START + gap);
        vm.prank(alice);
        uint256 second = premium.buy(KEY, secondPeriods, type(uint256).max, _none());
        uint256 base = first > START + gap ? first : START + gap;
        assertEq(second, base + secondPeriods * 30 days, "second expiry");
        assertEq(premium.premiumExpiry(KEY), second);
        assertTrue(premium.isPremium(KEY));
        assertEq(sesh.balanceOf(pool) - poolBefore, (firstPeriods + secondPeriods) * price, "pool got it all");
        assertEq(aliceBefore - sesh.balanceOf(alice), (firstPeriods + secondPeriods) * price, "payer paid it all");
    }

    function testFuzz_Buy_ExpiryNeverShrinks(uint256 periods, uint256 warpBy) public {
        vm.prank(alice);
        premium.buy(KEY, 120, type(uint256).max, _none());
        uint256 before = premium.premiumExpiry(KEY);
        periods = bound(periods, 1, 120);
        vm.warp(START + bound(warpBy, 0, 30 * 365 days));
        vm.prank(bob);
        uint256 after_ = premium.buy(KEY, periods, type(uint256).max, _none());
        assertGt(after_, before, "extended");
        assertGe(after_, block.timestamp + periods * 30 days, "at least periods from now");
    }

    // ---------------------------------------------------------------- governance

    function test_SetPricePerPeriod() public {
        vm.expectEmit(false, false, false, true, address(premium));
        emit IPremium.PricePerPeriodSet(75 * SESH);
        vm.prank(gov);
        premium.setPricePerPeriod(75 * SESH);
        assertEq(premium.pricePerPeriod(), 75 * SESH);
        assertEq(premium.costOf(2), 150 * SESH);
    }

    function test_SetPricePerPeriod_AtTheBounds() public {
        vm.startPrank(gov);
        premium.setPricePerPeriod(1 * SESH);
        assertEq(premium.pricePerPeriod(), 1 * SESH);
        premium.setPricePerPeriod(10_000 * SESH);
        assertEq(premium.pricePerPeriod(), 10_000 * SESH);
        vm.stopPrank();
    }

    function test_RevertWhen_SetPricePerPeriodBelowMin() public {
        vm.expectRevert(
            abi.encodeWithSelector(IPremium.PremiumPriceOutOfBounds.selector, SESH - 1, SESH, 10_000 * SESH)
        );
        vm.prank(gov);
        premium.setPricePerPeriod(SESH - 1);
    }

    function test_RevertWhen_SetPricePerPeriodAboveMax() public {
        vm.expectRevert(
            abi.encodeWithSelector(IPremium.PremiumPriceOutOfBounds.selector, 10_000 * SESH + 1, SESH, 10_000 * SESH)
        );
        vm.prank(gov);
        premium.setPricePerPeriod(10_000 * SESH + 1);
    }

    function test_RevertWhen_SetPricePerPeriodByAStranger() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        vm.prank(alice);
        premium.setPricePerPeriod(75 * SESH);
    }

    function test_RevertWhen_PauseByAStranger() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        vm.prank(alice);
        premium.pause();
    }

    function test_RevertWhen_UnpauseByAStranger() public {
        vm.prank(gov);
        premium.pause();
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        vm.prank(alice);
        premium.unpause();
    }

    function test_RevertWhen_UnpauseWhileNotPaused() public {
        vm.expectRevert(abi.encodeWithSelector(Pausable.ExpectedPause.selector));
        vm.prank(gov);
        premium.unpause();
    }

    function test_OwnershipIsTwoStep() public {
        vm.prank(gov);
        premium.transferOwnership(bob);
        assertEq(premium.owner(), gov);
        assertEq(premium.pendingOwner(), bob);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        vm.prank(alice);
        premium.acceptOwnership();
        vm.prank(bob);
        premium.acceptOwnership();
        assertEq(premium.owner(), bob);
    }

    function test_PricePacksWithPauseFlag() public {
        // Transferring ownership writes the slot the price shares; the price must survive.
        vm.prank(gov);
        premium.transferOwnership(bob);
        vm.prank(gov);
        premium.pause();
        assertEq(premium.pricePerPeriod(), PRICE);
        assertEq(premium.pendingOwner(), bob);
        assertTrue(premium.paused());
    }

    // ---------------------------------------------------------------- stray funds (issue 15, item 6)

    /// @dev Premium owes no one SESH, so whatever it holds was sent to it directly and used to
    /// be locked for good; anyone sends it all on to the pool.
    function test_SweepUnowed_SendsEverythingToThePool() public {
        vm.prank(bob);
        sesh.transfer(address(premium), 3 * SESH);
        uint256 poolBefore = sesh.balanceOf(pool);

        vm.expectEmit(true, true, true, true, address(premium));
        emit ISweepable.UnowedSwept(3 * SESH);
        vm.prank(makeAddr("anyone"));
        uint256 swept = ISweepable(address(premium)).sweepUnowed();

        assertEq(swept, 3 * SESH, "returned");
        assertEq(sesh.balanceOf(pool), poolBefore + 3 * SESH, "the pool got it");
        assertEq(sesh.balanceOf(address(premium)), 0, "nothing stays");
    }

    /// @dev A sweep of nothing moves nothing and logs nothing; it works while paused.
    function test_SweepUnowed_NothingToSweepAndWhilePaused() public {
        vm.recordLogs();
        assertEq(premium.sweepUnowed(), 0);
        assertEq(vm.getRecordedLogs().length, 0, "no event, no transfer");
        vm.prank(gov);
        premium.pause();
        vm.prank(bob);
        sesh.transfer(address(premium), 1);
        assertEq(premium.sweepUnowed(), 1);
        assertEq(sesh.balanceOf(address(premium)), 0);
    }

    /// @dev No function of Premium is payable: ETH is refused, with a purchase or without.
    function test_RefusesEth() public {
        vm.deal(alice, 1 ether);
        vm.prank(alice);
        (bool ok,) = address(premium).call{value: 1 ether}("");
        assertFalse(ok, "plain ETH transfer");
        vm.prank(alice);
        (ok,) = address(premium).call{value: 1 ether}(abi.encodeCall(IPremium.buy, (KEY, 1, PRICE, _none())));
        assertFalse(ok, "ETH with a purchase");
        assertEq(address(premium).balance, 0);
    }

    // ---------------------------------------------------------------- gas

    /// @dev Fresh state: the payer approved already; the pool already holds SESH.
    function test_Gas_BuyPremium() public {
        vm.prank(alice);
        uint256 before = gasleft();
        premium.buy(KEY, 1, PRICE, _none());
        uint256 used = before - gasleft();
        vm.snapshotValue("buy (gasleft)", used);
        assertLt(used, 80_000, "buy premium gas");
    }
}
