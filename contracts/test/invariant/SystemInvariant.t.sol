// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Deploy} from "../../script/Deploy.s.sol";
import {NameMarket} from "../../src/NameMarket.sol";
import {NameRegistry} from "../../src/NameRegistry.sol";
import {NodeStaking} from "../../src/NodeStaking.sol";
import {Premium} from "../../src/Premium.sol";
import {RewardsPool} from "../../src/RewardsPool.sol";
import {INameRegistry} from "../../src/interfaces/INameRegistry.sol";
import {TestSESH} from "../../src/test-only/TestSESH.sol";
import {Test} from "../utils/Test.sol";
import {MarketHandler} from "./MarketHandler.sol";
import {NodeStakingHandler} from "./NodeStakingHandler.sol";
import {PremiumHandler} from "./PremiumHandler.sol";
import {SystemHandler} from "./SystemHandler.sol";

/// @dev The deploy script's own deployment step, callable from a test.
contract SystemDeployer is Deploy {
    function deploy(Config memory config) external returns (Deployed memory) {
        return _deploy(config);
    }
}

/// @dev One invariant across all the contracts, deployed as `script/Deploy.s.sol` deploys them
/// (the pool wired to NodeStaking at construction, ownership offered to governance, which
/// accepts), and driven together by the suites' own handlers: the market's (registrations,
/// renewals, lapses and re-registrations, listings, sales, offers, transfers, strays), Premium's
/// (purchases and gifts, by allowance and permit, pauses, strays), NodeStaking's (nodes,
/// contributions, exits, deregistrations with penalties, claims, fees) and a small system
/// handler (strays to the registry and sweeps, SESH sent to the pool), all in one sequence
/// with one clock:
/// (a) every SESH is accounted for: the tracked holders' balances + the market's escrow + the
///     stakes + the pool + the strays not yet swept == the total supply minted;
/// (b) each contract holds exactly what it owes plus its unswept strays: the market its
///     escrow, Premium and the registry nothing, staking at least its stakes;
/// (c) the pool paid out exactly the rewards claimed, and received at least every fee,
///     penalty, sweep and gift seen.
/// Every handler guards its own inputs, so any revert fails the run.
/// forge-config: default.invariant.fail-on-revert = true
contract SystemInvariantTest is Test {
    uint256 internal constant SESH = 1e9;
    uint256 internal constant START = 1_700_000_000;

    TestSESH internal sesh;
    RewardsPool internal pool;
    NameRegistry internal registry;
    NameMarket internal market;
    Premium internal premium;
    NodeStaking internal staking;

    MarketHandler internal marketHandler;
    PremiumHandler internal premiumHandler;
    NodeStakingHandler internal stakingHandler;
    SystemHandler internal systemHandler;

    /// @dev Every account a handler moves SESH to or from.
    address[] internal _holders;

    function setUp() public {
        vm.warp(START);
        address gov = makeAddr("governance");
        Deploy.Deployed memory deployed = new SystemDeployer()
            .deploy(
                Deploy.Config({
                chainId: block.chainid,
                deployBlock: block.number,
                minAge: 0,
                maxAge: 24 hours,
                // A small requirement (as on a local chain), so odd amounts and rounding come up.
                requirement: 1_000 * SESH + 7,
                sesh: address(0),
                governance: gov,
                testToken: true
            })
            );
        sesh = TestSESH(deployed.sesh);
        pool = deployed.pool;
        registry = deployed.registry;
        market = deployed.market;
        premium = deployed.premium;
        staking = deployed.staking;
        assertEq(pool.distributor(), address(staking), "the pool pays through NodeStaking");
        vm.startPrank(gov);
        registry.acceptOwnership();
        market.acceptOwnership();
        premium.acceptOwnership();
        staking.acceptOwnership();
        vm.stopPrank();

        (address[] memory traders, uint256[] memory traderKeys) = _traders();
        string[] memory labels = _registerNames(traders);
        marketHandler = new MarketHandler(sesh, pool, registry, market, gov, traders, labels);
        premiumHandler = new PremiumHandler(sesh, pool, premium, gov, traderKeys);
        // Everyone but Premium's permit payer approves Premium once.
        for (uint256 i; i < traders.length; ++i) {
            if (i == premiumHandler.PERMIT_PAYER()) continue;
            vm.prank(traders[i]);
            sesh.approve(address(premium), type(uint256).max);
        }
        address[] memory stakers = _stakers();
        stakingHandler = new NodeStakingHandler(sesh, pool, staking, gov, stakers);
        systemHandler = new SystemHandler(sesh, address(registry), address(pool), traders);

        _holders.push(address(marketHandler));
        _holders.push(address(premiumHandler));
        _holders.push(address(stakingHandler));
        _holders.push(address(systemHandler));
        _holders.push(gov);
        targetContract(address(marketHandler));
        targetContract(address(premiumHandler));
        targetContract(address(stakingHandler));
        targetContract(address(systemHandler));
    }

    /// @dev Four traders (with keys: Premium's permit payer signs), who hold, trade and renew
    /// names, bid, and buy premium.
    function _traders() internal returns (address[] memory traders, uint256[] memory keys) {
        traders = new address[](4);
        keys = new uint256[](4);
        for (uint256 i; i < traders.length; ++i) {
            (traders[i], keys[i]) = makeAccount(string.concat("trader", vm.toString(i)));
            for (uint256 j; j < 3; ++j) {
                sesh.faucet(traders[i], 100_000 * SESH);
            }
            vm.startPrank(traders[i]);
            sesh.approve(address(registry), type(uint256).max);
            sesh.approve(address(market), type(uint256).max);
            registry.setApprovalForAll(address(market), true);
            vm.stopPrank();
            _holders.push(traders[i]);
        }
    }

    /// @dev Five names, short and long terms (some lapse during a run), one per trader in turn.
    function _registerNames(address[] memory traders) internal returns (string[] memory labels) {
        labels = new string[](5);
        (labels[0], labels[1], labels[2], labels[3], labels[4]) = ("alpha", "bravo", "charlie", "delta", "echo");
        for (uint256 i; i < labels.length; ++i) {
            address owner = traders[i % traders.length];
            vm.prank(owner);
            registry.register(
                INameRegistry.Registration({
                    label: labels[i],
                    owner: owner,
                    duration: i % 2 == 0 ? 28 days : 2 * 365 days,
                    sessionKey: keccak256(bytes(labels[i])),
                    evmAddress: address(0),
                    setPrimary: false,
                    maxCost: type(uint256).max
                }),
                bytes32(0),
                INameRegistry.Permit(0, 0, 0, 0, 0)
            );
        }
    }

    /// @dev Six stakers of their own (the staking handler does not fund them as it goes).
    function _stakers() internal returns (address[] memory stakers) {
        stakers = new address[](6);
        for (uint256 i; i < stakers.length; ++i) {
            stakers[i] = makeAddr(string.concat("staker", vm.toString(i)));
            for (uint256 j; j < 5; ++j) {
                sesh.faucet(stakers[i], 100_000 * SESH);
            }
            vm.prank(stakers[i]);
            sesh.approve(address(staking), type(uint256).max);
            _holders.push(stakers[i]);
        }
    }

    /// @dev The stakes NodeStaking holds, node by node.
    function _staked() internal view returns (uint256 staked) {
        for (uint256 i; i < stakingHandler.nodeCountCreated(); ++i) {
            staked += staking.nodeInfo(stakingHandler.nodeIds(i)).totalStaked;
        }
    }

    /// @dev (a) Every SESH in the system is accounted for.
    function invariant_EverySeshIsAccountedFor() public view {
        uint256 holders;
        for (uint256 i; i < _holders.length; ++i) {
            holders += sesh.balanceOf(_holders[i]);
        }
        uint256 staked = _staked();
        uint256 stakingBalance = sesh.balanceOf(address(staking));
        assertGe(stakingBalance, staked, "staking holds its stakes");
        uint256 strays = marketHandler.ghostStray() + premiumHandler.ghostStray() + systemHandler.ghostRegistryStray()
            + (stakingBalance - staked);
        assertEq(
            holders + market.totalEscrowed() + staked + sesh.balanceOf(address(pool)) + strays,
            sesh.totalSupply(),
            "holders + escrow + stakes + pool + unswept strays == supply"
        );
    }

    /// @dev (b) Each contract holds what it owes, plus the strays sent to it since its last sweep.
    function invariant_EachContractHoldsWhatItOwes() public view {
        assertEq(
            sesh.balanceOf(address(market)),
            market.totalEscrowed() + marketHandler.ghostStray(),
            "market == escrow + strays"
        );
        assertEq(sesh.balanceOf(address(premium)), premiumHandler.ghostStray(), "Premium == strays");
        assertEq(sesh.balanceOf(address(registry)), systemHandler.ghostRegistryStray(), "registry == strays");
        assertGe(sesh.balanceOf(address(staking)), _staked(), "staking >= stakes");
    }

    /// @dev (c) The pool paid out the rewards claimed and nothing else, and received every fee.
    function invariant_PoolBooks() public view {
        assertEq(pool.totalPaid(), stakingHandler.ghostClaimed(), "paid out == rewards claimed");
        uint256 seen = marketHandler.ghostFees() + marketHandler.ghostRent() + marketHandler.ghostSwept()
            + premiumHandler.ghostPaid() + premiumHandler.ghostSwept() + stakingHandler.ghostFees()
            + stakingHandler.ghostPenalties() + systemHandler.ghostRegistrySwept() + systemHandler.ghostSentToPool();
        // The names registered in setUp paid rent too; staking's own sweeps are not counted here.
        assertGe(pool.totalReceived(), seen, "received >= every fee, penalty, sweep and gift seen");
        assertEq(sesh.balanceOf(address(pool)) + pool.totalPaid(), pool.totalReceived(), "pool books");
    }
}
