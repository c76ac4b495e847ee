// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {LibRLP} from "solady/utils/LibRLP.sol";

import {Vm} from "../test/utils/Vm.sol";
import {TestSESH} from "../src/test-only/TestSESH.sol";
import {RewardsPool} from "../src/RewardsPool.sol";
import {NameRegistry} from "../src/NameRegistry.sol";
import {NameMarket} from "../src/NameMarket.sol";
import {Premium} from "../src/Premium.sol";
import {NodeStaking} from "../src/NodeStaking.sol";
import {SeshTokenCheck} from "./SeshTokenCheck.sol";

/// @title Deploy
/// @notice Deploys every contract to any chain and writes `deployments/<chainId>.json`
/// (addresses, deploy block, parameters), which the wallet and the registry node read.
/// @dev Run: `forge script script/Deploy.s.sol --rpc-url $RPC --broadcast --account NAME` (or any
/// of forge's wallet options). To a public chain, use `just deploy` (scripts/deploy.sh): it checks
/// the token first, writes the manifest only once the deployment is verified
/// ({VerifyDeployment}) and never overwrites one.
///
/// Environment (all optional):
/// - `SESH_TOKEN`: the SESH token; without it a TestSESH (with faucet) is deployed, except on
///   Arbitrum One, where it is required. A given token must be an ERC-20 with 9 decimals and
///   EIP-2612 permit ({SeshTokenCheck}), checked before anything is sent.
/// - `DEPLOYER_PRIVATE_KEY`: the deployer's key, read here so that it is on no command line;
///   without it forge's wallet options (`--account`, `--keystore`, `--ledger`, ...) sign.
/// - `MIN_COMMITMENT_AGE`, `MAX_COMMITMENT_AGE` (seconds): commit-reveal window. The minimum
///   defaults to 0 (one-transaction registration) on Arbitrum and anvil, whose sequencer or
///   automine has no public mempool to front-run from, and to 60 elsewhere; the maximum to 24 h.
/// - `STAKING_REQUIREMENT` (SESH units): stake a node needs; 25,000 SESH on Arbitrum One,
///   100 SESH elsewhere, so local nodes are cheap to run.
/// - `DEPLOYMENT_OUT`: where to write the manifest instead (inside `deployments/`).
/// - `GOVERNANCE`: if set, ownership of every owned contract is offered to it (two-step: it must accept);
///   the RewardsPool has no owner.
contract Deploy is SeshTokenCheck {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    uint256 internal constant ARBITRUM_ONE = 42161;
    uint256 internal constant ARBITRUM_SEPOLIA = 421614;
    uint256 internal constant ANVIL = 31337;

    error DeploySeshTokenRequired(uint256 chainId);
    /// @dev NodeStaking was created at `actual`, not at `expected`, the address the pool was
    /// created with as its distributor (the deployer sent another transaction in between).
    error DeployDistributorMismatch(address expected, address actual);

    struct Config {
        uint256 chainId;
        uint256 deployBlock;
        uint256 minAge;
        uint256 maxAge;
        uint256 requirement;
        address sesh;
        address governance;
        bool testToken;
    }

    struct Deployed {
        address sesh;
        RewardsPool pool;
        NameRegistry registry;
        NameMarket market;
        Premium premium;
        NodeStaking staking;
    }

    /// @notice Deploys every contract with the configuration from the environment and writes
    /// the manifest.
    /// @dev A refused configuration (no token on Arbitrum One, a token that is not SESH-like)
    /// reverts before any transaction is broadcast.
    function run() external {
        Config memory config = _config();
        Deployed memory deployed = _deploy(config);
        _writeManifest(config, deployed);
    }

    function _config() internal view returns (Config memory config) {
        config.chainId = block.chainid;
        config.deployBlock = block.number;
        bool zeroMinAge =
            config.chainId == ARBITRUM_ONE || config.chainId == ARBITRUM_SEPOLIA || config.chainId == ANVIL;
        config.minAge = vm.envOr("MIN_COMMITMENT_AGE", zeroMinAge ? uint256(0) : 60);
        config.maxAge = vm.envOr("MAX_COMMITMENT_AGE", uint256(24 hours));
        config.requirement =
            vm.envOr("STAKING_REQUIREMENT", config.chainId == ARBITRUM_ONE ? uint256(25_000e9) : uint256(100e9));
        config.sesh = vm.envOr("SESH_TOKEN", address(0));
        config.governance = vm.envOr("GOVERNANCE", address(0));
        if (config.sesh == address(0) && config.chainId == ARBITRUM_ONE) {
            revert DeploySeshTokenRequired(config.chainId);
        }
        config.testToken = config.sesh == address(0);
        if (!config.testToken) _checkSeshToken(config.sesh);
    }

    function _deploy(Config memory config) internal returns (Deployed memory deployed) {
        uint256 key = vm.envOr("DEPLOYER_PRIVATE_KEY", uint256(0));
        if (key != 0) vm.startBroadcast(key);
        else vm.startBroadcast();
        deployed.sesh = config.testToken ? address(new TestSESH()) : config.sesh;
        // The pool's distributor is fixed at its construction (no one may ever name another), so
        // it is created with the address of the deployer's next contract, NodeStaking, which is
        // created right after it with the pool's address.
        (, address deployer,) = vm.readCallers();
        address staking = LibRLP.computeAddress(deployer, uint256(vm.getNonce(deployer)) + 1);
        deployed.pool = new RewardsPool(deployed.sesh, staking);
        deployed.staking = new NodeStaking(deployed.sesh, address(deployed.pool), config.requirement);
        if (address(deployed.staking) != staking) revert DeployDistributorMismatch(staking, address(deployed.staking));
        deployed.registry = new NameRegistry(deployed.sesh, address(deployed.pool), config.minAge, config.maxAge);
        deployed.market = new NameMarket(deployed.sesh, address(deployed.registry), address(deployed.pool));
        deployed.premium = new Premium(deployed.sesh, address(deployed.pool));
        if (config.governance != address(0)) {
            // The pool has no owner.
            deployed.registry.transferOwnership(config.governance);
            deployed.market.transferOwnership(config.governance);
            deployed.premium.transferOwnership(config.governance);
            deployed.staking.transferOwnership(config.governance);
        }
        vm.stopBroadcast();
    }

    function _writeManifest(Config memory config, Deployed memory deployed) internal {
        string memory defaultPath =
            string.concat(vm.projectRoot(), "/deployments/", vm.toString(config.chainId), ".json");
        vm.writeJson(_manifestJson(config, deployed), vm.envOr("DEPLOYMENT_OUT", defaultPath));
    }

    /// @dev The manifest `core/src/deployment.rs` reads (the staking requirement as a decimal
    /// string: it may exceed what JSON numbers hold exactly).
    function _manifestJson(Config memory config, Deployed memory deployed) internal returns (string memory) {
        string memory contracts = "contracts";
        vm.serializeAddress(contracts, "sesh", deployed.sesh);
        vm.serializeAddress(contracts, "rewardsPool", address(deployed.pool));
        vm.serializeAddress(contracts, "nameRegistry", address(deployed.registry));
        vm.serializeAddress(contracts, "nameMarket", address(deployed.market));
        vm.serializeAddress(contracts, "premium", address(deployed.premium));
        contracts = vm.serializeAddress(contracts, "nodeStaking", address(deployed.staking));

        string memory parameters = "parameters";
        vm.serializeUint(parameters, "minCommitmentAge", config.minAge);
        vm.serializeUint(parameters, "maxCommitmentAge", config.maxAge);
        vm.serializeString(parameters, "stakingRequirement", vm.toString(config.requirement));
        parameters = vm.serializeBool(parameters, "testToken", config.testToken);

        string memory manifest = "manifest";
        vm.serializeUint(manifest, "chainId", config.chainId);
        vm.serializeUint(manifest, "deployBlock", config.deployBlock);
        vm.serializeString(manifest, "contracts", contracts);
        return vm.serializeString(manifest, "parameters", parameters);
    }
}
