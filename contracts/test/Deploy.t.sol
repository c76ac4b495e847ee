// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

import {Deploy} from "../script/Deploy.s.sol";
import {SeshTokenCheck} from "../script/SeshTokenCheck.sol";
import {VerifyDeployment} from "../script/VerifyDeployment.s.sol";
import {RewardsPool} from "../src/RewardsPool.sol";
import {PermitToken} from "../src/test-only/PermitToken.sol";
import {Test} from "./utils/Test.sol";

/// @dev The deploy script's steps, callable one by one with a given configuration.
contract DeployHarness is Deploy {
    function deployWith(Config memory config) external returns (Deployed memory) {
        return _deploy(config);
    }

    function manifestOf(Config memory config, Deployed memory deployed) external returns (string memory) {
        return _manifestJson(config, deployed);
    }

    function checkToken(address token) external view {
        _checkSeshToken(token);
    }
}

/// @dev An ERC-20 with 9 decimals but no permit.
contract PlainToken is ERC20 {
    constructor() ERC20("Plain", "PLN") {}

    function decimals() public pure override returns (uint8) {
        return 9;
    }
}

/// @dev What `just deploy` relies on: the token is checked before anything is deployed, and
/// {VerifyDeployment} accepts exactly what the deploy script wrote and refuses any manifest that
/// does not match the chain. (End to end, on anvil with the real script: tests/e2e/deploy.rs.)
contract DeployTest is Test {
    uint256 internal constant SESH = 1e9;

    DeployHarness internal harness;
    VerifyDeployment internal verifier;
    PermitToken internal token;
    Deploy.Config internal config;
    Deploy.Deployed internal deployed;
    VerifyDeployment.Manifest internal manifest;

    function setUp() public {
        vm.roll(100);
        harness = new DeployHarness();
        verifier = new VerifyDeployment();
        token = new PermitToken("Session Token", "SESH", 9, makeAddr("holder"), 240_000_000 * SESH);
        config = Deploy.Config({
            chainId: block.chainid,
            deployBlock: block.number,
            minAge: 0,
            maxAge: 24 hours,
            requirement: 25_000 * SESH,
            sesh: address(token),
            governance: address(0),
            testToken: false
        });
        deployed = harness.deployWith(config);
        manifest = verifier.parse(harness.manifestOf(config, deployed));
    }

    // ================================================================ the token check

    function test_CheckToken_AcceptsAnErc20PermitWithNineDecimals() public view {
        harness.checkToken(address(token));
    }

    function test_RevertWhen_TokenHasNoCode() public {
        address nobody = makeAddr("nobody");
        vm.expectRevert(abi.encodeWithSelector(SeshTokenCheck.SeshTokenHasNoCode.selector, nobody));
        harness.checkToken(nobody);
    }

    function test_RevertWhen_TokenHasEighteenDecimals() public {
        PermitToken eighteen = new PermitToken("Eighteen", "E18", 18, address(this), 1e18);
        vm.expectRevert(
            abi.encodeWithSelector(SeshTokenCheck.SeshTokenWrongDecimals.selector, address(eighteen), 18, 9)
        );
        harness.checkToken(address(eighteen));
    }

    function test_RevertWhen_TokenHasNoPermit() public {
        PlainToken plain = new PlainToken();
        vm.expectRevert(abi.encodeWithSelector(SeshTokenCheck.SeshTokenWithoutPermit.selector, address(plain)));
        harness.checkToken(address(plain));
    }

    function test_RevertWhen_TokenIsNoErc20() public {
        address pool = address(deployed.pool);
        vm.expectRevert(abi.encodeWithSelector(SeshTokenCheck.SeshTokenWithoutDecimals.selector, pool));
        harness.checkToken(pool);
    }

    // ================================================================ reading the manifest back

    function test_Parse_ReadsWhatTheDeployScriptWrote() public view {
        assertEq(manifest.chainId, block.chainid);
        assertEq(manifest.deployBlock, 100);
        assertEq(manifest.sesh, address(token));
        assertEq(manifest.rewardsPool, address(deployed.pool));
        assertEq(manifest.nameRegistry, address(deployed.registry));
        assertEq(manifest.nameMarket, address(deployed.market));
        assertEq(manifest.premium, address(deployed.premium));
        assertEq(manifest.nodeStaking, address(deployed.staking));
        assertEq(manifest.minCommitmentAge, 0);
        assertEq(manifest.maxCommitmentAge, 24 hours);
        assertEq(manifest.stakingRequirement, 25_000 * SESH, "written as a decimal string");
        assertFalse(manifest.testToken);
    }

    function test_Verify_AcceptsWhatTheDeployScriptWrote() public view {
        verifier.verify(manifest);
    }

    function test_Verify_AcceptsOwnershipOfferedToGovernance() public {
        config.governance = makeAddr("governance");
        deployed = harness.deployWith(config);
        verifier.verify(verifier.parse(harness.manifestOf(config, deployed)));
        assertEq(Ownable2Step(address(deployed.market)).pendingOwner(), config.governance);
    }

    function test_Verify_AcceptsATestSeshDeployment() public {
        config.sesh = address(0);
        config.testToken = true;
        deployed = harness.deployWith(config);
        config.sesh = deployed.sesh;
        verifier.verify(verifier.parse(harness.manifestOf(config, deployed)));
    }

    // ================================================================ refusals

    function test_RevertWhen_ManifestOfAnotherChain() public {
        manifest.chainId = 42161;
        vm.expectRevert(abi.encodeWithSelector(VerifyDeployment.VerifyChainIdMismatch.selector, 42161, block.chainid));
        verifier.verify(manifest);
    }

    function test_RevertWhen_DeployBlockIsAheadOfTheChain() public {
        manifest.deployBlock = 101;
        vm.expectRevert(abi.encodeWithSelector(VerifyDeployment.VerifyDeployBlockAhead.selector, 101, 100));
        verifier.verify(manifest);
    }

    function test_RevertWhen_TwoContractsShareAnAddress() public {
        manifest.premium = manifest.nameMarket;
        vm.expectRevert(
            abi.encodeWithSelector(
                VerifyDeployment.VerifyDuplicateAddress.selector, "NameMarket", "Premium", manifest.nameMarket
            )
        );
        verifier.verify(manifest);
    }

    function test_RevertWhen_AnAddressHasNoCode() public {
        manifest.premium = makeAddr("nothing here");
        vm.expectRevert(abi.encodeWithSelector(VerifyDeployment.VerifyNoCode.selector, "Premium", manifest.premium));
        verifier.verify(manifest);
    }

    function test_RevertWhen_MarketAndPremiumSwapped() public {
        (manifest.nameMarket, manifest.premium) = (manifest.premium, manifest.nameMarket);
        vm.expectRevert(
            abi.encodeWithSelector(
                VerifyDeployment.VerifyCallFailed.selector, "NameMarket.registry()", address(deployed.premium)
            )
        );
        verifier.verify(manifest);
    }

    function test_RevertWhen_TheContractsUseAnotherToken() public {
        PermitToken other = new PermitToken("Other", "OTH", 9, address(this), 1e18);
        manifest.sesh = address(other);
        vm.expectRevert(
            abi.encodeWithSelector(
                VerifyDeployment.VerifyWrongAddress.selector, "RewardsPool.sesh()", address(other), address(token)
            )
        );
        verifier.verify(manifest);
    }

    function test_RevertWhen_ThePoolPaysThroughAnotherDistributor() public {
        // A pool of the same token whose distributor is someone else (its deployer, say).
        RewardsPool elsewhere = new RewardsPool(address(token), address(this));
        manifest.rewardsPool = address(elsewhere);
        vm.expectRevert(
            abi.encodeWithSelector(
                VerifyDeployment.VerifyWrongAddress.selector,
                "RewardsPool.distributor()",
                address(deployed.staking),
                address(this)
            )
        );
        verifier.verify(manifest);
    }

    function test_RevertWhen_AContractPaysAnotherPool() public {
        // A pool of the same token, wired to the same staking, that the registry does not pay.
        RewardsPool other = new RewardsPool(address(token), address(deployed.staking));
        manifest.rewardsPool = address(other);
        vm.expectRevert(
            abi.encodeWithSelector(
                VerifyDeployment.VerifyWrongAddress.selector,
                "NameRegistry.rewardsPool()",
                address(other),
                address(deployed.pool)
            )
        );
        verifier.verify(manifest);
    }

    function test_RevertWhen_AParameterDiffers() public {
        manifest.minCommitmentAge = 60;
        vm.expectRevert(
            abi.encodeWithSelector(VerifyDeployment.VerifyWrongValue.selector, "NameRegistry.minCommitmentAge()", 60, 0)
        );
        verifier.verify(manifest);

        manifest.minCommitmentAge = 0;
        manifest.stakingRequirement = 100 * SESH;
        vm.expectRevert(
            abi.encodeWithSelector(
                VerifyDeployment.VerifyWrongValue.selector,
                "NodeStaking.stakingRequirement()",
                100 * SESH,
                25_000 * SESH
            )
        );
        verifier.verify(manifest);
    }

    function test_RevertWhen_TheTestTokenFlagIsWrong() public {
        manifest.testToken = true;
        vm.expectRevert(
            abi.encodeWithSelector(VerifyDeployment.VerifyTestTokenMismatch.selector, address(token), true, false)
        );
        verifier.verify(manifest);

        // A TestSESH deployment (the token has a faucet) that claims the real token.
        config.sesh = address(0);
        config.testToken = true;
        deployed = harness.deployWith(config);
        config.sesh = deployed.sesh;
        config.testToken = false;
        manifest = verifier.parse(harness.manifestOf(config, deployed));
        vm.expectRevert(
            abi.encodeWithSelector(VerifyDeployment.VerifyTestTokenMismatch.selector, deployed.sesh, false, true)
        );
        verifier.verify(manifest);
    }

    function test_RevertWhen_TheTokenIsNotSeshLike() public {
        PermitToken eighteen = new PermitToken("Eighteen", "E18", 18, address(this), 1e18);
        manifest.sesh = address(eighteen);
        vm.expectRevert(
            abi.encodeWithSelector(SeshTokenCheck.SeshTokenWrongDecimals.selector, address(eighteen), 18, 9)
        );
        verifier.verify(manifest);
    }

    function test_RevertWhen_OneContractHasAnotherOwner() public {
        address owner = Ownable2Step(address(deployed.registry)).owner();
        address stranger = makeAddr("stranger");
        vm.prank(owner);
        Ownable2Step(address(deployed.premium)).transferOwnership(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(
                VerifyDeployment.VerifyOwnersDiffer.selector, "Premium.pendingOwner()", address(0), stranger
            )
        );
        verifier.verify(manifest);
        vm.prank(stranger);
        Ownable2Step(address(deployed.premium)).acceptOwnership();
        vm.expectRevert(
            abi.encodeWithSelector(VerifyDeployment.VerifyOwnersDiffer.selector, "Premium.owner()", owner, stranger)
        );
        verifier.verify(manifest);
    }
}
