// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Vm} from "../test/utils/Vm.sol";
import {SeshTokenCheck} from "./SeshTokenCheck.sol";

/// @title VerifyDeployment
/// @notice Reads a deployment manifest back and checks it against the chain: the chain id, code
/// at every address, the SESH token (9 decimals, permit; a faucet exactly when the manifest says
/// `testToken`), every contract wired to the token, to the pool and to each other, the parameters
/// as deployed, one owner for all owned contracts (the RewardsPool has none), and each contract
/// created at or after `deployBlock` (where indexers start). Sends nothing.
/// @dev Run: `DEPLOYMENT_MANIFEST=deployments/42161.json forge script script/VerifyDeployment.s.sol
/// --rpc-url $RPC` (without `DEPLOYMENT_MANIFEST`: `deployments/<chainId>.json`). `just deploy`
/// runs it on the manifest it has just written, before keeping it. A failed check reverts with
/// an error that names the getter and both values.
contract VerifyDeployment is SeshTokenCheck {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    /// @notice How many blocks after `deployBlock` the creation of each contract is looked for.
    /// @dev The deploy script takes `deployBlock` from the chain head it simulated on, and its
    /// transactions follow within a few blocks; 10,000 blocks is 40 minutes on Arbitrum and
    /// within what RPC providers serve in one `eth_getLogs`.
    uint256 public constant CREATION_WINDOW = 10_000;

    /// @dev Ownable's constructor emits `OwnershipTransferred(address(0), deployer)`.
    bytes32 internal constant OWNERSHIP_TRANSFERRED = keccak256("OwnershipTransferred(address,address)");
    /// @dev The RewardsPool (which has no owner) emits `DistributorSet(distributor)` in its constructor.
    bytes32 internal constant DISTRIBUTOR_SET = keccak256("DistributorSet(address)");

    /// @notice A manifest, as `Deploy` writes it.
    struct Manifest {
        uint256 chainId;
        uint256 deployBlock;
        address sesh;
        address rewardsPool;
        address nameRegistry;
        address nameMarket;
        address premium;
        address nodeStaking;
        uint256 minCommitmentAge;
        uint256 maxCommitmentAge;
        uint256 stakingRequirement;
        bool testToken;
    }

    /// @dev The manifest is for chain `manifestChainId`, not this chain (`chainId`).
    error VerifyChainIdMismatch(uint256 manifestChainId, uint256 chainId);
    /// @dev The manifest's `deployBlock` is after the chain's head `head`.
    error VerifyDeployBlockAhead(uint256 deployBlock, uint256 head);
    /// @dev The manifest gives `at` for both `name` and `other`.
    error VerifyDuplicateAddress(string name, string other, address at);
    /// @dev No contract at `at`, where the manifest puts `name`.
    error VerifyNoCode(string name, address at);
    /// @dev Calling `getter` on `target` failed or returned nothing: not the contract it should be.
    error VerifyCallFailed(string getter, address target);
    /// @dev `getter` returned `actual` where the manifest says `expected`.
    error VerifyWrongAddress(string getter, address expected, address actual);
    /// @dev `getter` returned `actual` where the manifest says `expected`.
    error VerifyWrongValue(string getter, uint256 expected, uint256 actual);
    /// @dev The manifest says `testToken: manifestTestToken`, but the token `hasFaucet` or not
    /// (TestSESH has a faucet; the real SESH has none).
    error VerifyTestTokenMismatch(address token, bool manifestTestToken, bool hasFaucet);
    /// @dev `getter` returned `actual`; the registry's answer, which every contract shares, is `expected`.
    error VerifyOwnersDiffer(string getter, address expected, address actual);
    /// @dev No creation of `name` (Ownable's first `OwnershipTransferred`; the pool's `DistributorSet`)
    /// at `at` between `fromBlock` and `toBlock`: `deployBlock` is after its creation, or far before it.
    error VerifyCreationNotFound(string name, address at, uint256 fromBlock, uint256 toBlock);

    /// @notice Verifies the manifest at `DEPLOYMENT_MANIFEST` (default: `deployments/<chainId>.json`).
    /// @dev Reverts with the first failed check.
    function run() external {
        string memory path = vm.envOr(
            "DEPLOYMENT_MANIFEST", string.concat(vm.projectRoot(), "/deployments/", vm.toString(block.chainid), ".json")
        );
        Manifest memory manifest = parse(vm.readFile(path));
        verify(manifest);
        verifyCreationBlocks(manifest);
    }

    /// @notice The manifest in `json`.
    /// @dev Reverts (a cheatcode error) if a field is missing or of the wrong type.
    function parse(string memory json) public pure returns (Manifest memory manifest) {
        manifest.chainId = vm.parseJsonUint(json, ".chainId");
        manifest.deployBlock = vm.parseJsonUint(json, ".deployBlock");
        manifest.sesh = vm.parseJsonAddress(json, ".contracts.sesh");
        manifest.rewardsPool = vm.parseJsonAddress(json, ".contracts.rewardsPool");
        manifest.nameRegistry = vm.parseJsonAddress(json, ".contracts.nameRegistry");
        manifest.nameMarket = vm.parseJsonAddress(json, ".contracts.nameMarket");
        manifest.premium = vm.parseJsonAddress(json, ".contracts.premium");
        manifest.nodeStaking = vm.parseJsonAddress(json, ".contracts.nodeStaking");
        manifest.minCommitmentAge = vm.parseJsonUint(json, ".parameters.minCommitmentAge");
        manifest.maxCommitmentAge = vm.parseJsonUint(json, ".parameters.maxCommitmentAge");
        manifest.stakingRequirement = vm.parseJsonUint(json, ".parameters.stakingRequirement");
        manifest.testToken = vm.parseJsonBool(json, ".parameters.testToken");
    }

    /// @notice Checks `manifest` against the chain with calls only (no logs).
    /// @dev Reverts with the first failed check.
    function verify(Manifest memory manifest) public view {
        if (manifest.chainId != block.chainid) revert VerifyChainIdMismatch(manifest.chainId, block.chainid);
        if (manifest.deployBlock > block.number) revert VerifyDeployBlockAhead(manifest.deployBlock, block.number);
        (string[6] memory names, address[6] memory addresses) = _contracts(manifest);
        for (uint256 i; i < 6; ++i) {
            for (uint256 j; j < i; ++j) {
                if (addresses[i] == addresses[j]) revert VerifyDuplicateAddress(names[j], names[i], addresses[i]);
            }
            if (addresses[i].code.length == 0) revert VerifyNoCode(names[i], addresses[i]);
        }

        address sesh = manifest.sesh;
        address pool = manifest.rewardsPool;
        _checkSeshToken(sesh);
        (bool hasFaucet, bytes memory limit) = sesh.staticcall(abi.encodeWithSignature("FAUCET_LIMIT()"));
        hasFaucet = hasFaucet && limit.length >= 32;
        if (hasFaucet != manifest.testToken) revert VerifyTestTokenMismatch(sesh, manifest.testToken, hasFaucet);

        _expectAddress(pool, "sesh()", "RewardsPool.sesh()", sesh);
        _expectAddress(pool, "distributor()", "RewardsPool.distributor()", manifest.nodeStaking);

        address registry = manifest.nameRegistry;
        _expectAddress(registry, "sesh()", "NameRegistry.sesh()", sesh);
        _expectAddress(registry, "rewardsPool()", "NameRegistry.rewardsPool()", pool);
        _expectValue(registry, "minCommitmentAge()", "NameRegistry.minCommitmentAge()", manifest.minCommitmentAge);
        _expectValue(registry, "maxCommitmentAge()", "NameRegistry.maxCommitmentAge()", manifest.maxCommitmentAge);

        _expectAddress(manifest.nameMarket, "sesh()", "NameMarket.sesh()", sesh);
        _expectAddress(manifest.nameMarket, "registry()", "NameMarket.registry()", registry);
        _expectAddress(manifest.nameMarket, "rewardsPool()", "NameMarket.rewardsPool()", pool);

        _expectAddress(manifest.premium, "sesh()", "Premium.sesh()", sesh);
        _expectAddress(manifest.premium, "rewardsPool()", "Premium.rewardsPool()", pool);
        // Premium's own getter: the market answers `sesh()` and `rewardsPool()` as well.
        _read(manifest.premium, "pricePerPeriod()", "Premium.pricePerPeriod()");

        _expectAddress(manifest.nodeStaking, "sesh()", "NodeStaking.sesh()", sesh);
        _expectAddress(manifest.nodeStaking, "rewardsPool()", "NodeStaking.rewardsPool()", pool);
        _expectValue(
            manifest.nodeStaking,
            "stakingRequirement()",
            "NodeStaking.stakingRequirement()",
            manifest.stakingRequirement
        );

        // One owner, and one pending owner (governance, when the deployer offered it), for all the
        // owned contracts: all but the token and the pool, which has no owner.
        address owner = _readAddress(registry, "owner()", "NameRegistry.owner()");
        address pending = _readAddress(registry, "pendingOwner()", "NameRegistry.pendingOwner()");
        for (uint256 i = 1; i < 6; ++i) {
            if (addresses[i] == registry || addresses[i] == pool) continue;
            string memory ownerGetter = string.concat(names[i], ".owner()");
            string memory pendingGetter = string.concat(names[i], ".pendingOwner()");
            address actual = _readAddress(addresses[i], "owner()", ownerGetter);
            if (actual != owner) revert VerifyOwnersDiffer(ownerGetter, owner, actual);
            actual = _readAddress(addresses[i], "pendingOwner()", pendingGetter);
            if (actual != pending) revert VerifyOwnersDiffer(pendingGetter, pending, actual);
        }
    }

    /// @notice Checks that each contract (the token aside) was created between `deployBlock` and
    /// {CREATION_WINDOW} blocks later, so indexers starting at `deployBlock` see all its events.
    /// @dev Reads logs through the RPC (`eth_getLogs`): a forge script with `--rpc-url` only. A
    /// contract's creation is its constructor's log: Ownable's `OwnershipTransferred(0, deployer)`,
    /// or for the pool `DistributorSet(nodeStaking)`.
    function verifyCreationBlocks(Manifest memory manifest) public {
        (string[6] memory names, address[6] memory addresses) = _contracts(manifest);
        uint256 toBlock = manifest.deployBlock + CREATION_WINDOW;
        if (toBlock > block.number) toBlock = block.number;
        bytes32[] memory topics = new bytes32[](2);
        for (uint256 i = 1; i < 6; ++i) {
            bool isPool = addresses[i] == manifest.rewardsPool;
            topics[0] = isPool ? DISTRIBUTOR_SET : OWNERSHIP_TRANSFERRED;
            topics[1] = isPool ? bytes32(uint256(uint160(manifest.nodeStaking))) : bytes32(0);
            Vm.EthGetLogs[] memory logs = vm.eth_getLogs(manifest.deployBlock, toBlock, addresses[i], topics);
            if (logs.length == 0) {
                revert VerifyCreationNotFound(names[i], addresses[i], manifest.deployBlock, toBlock);
            }
        }
    }

    function _contracts(Manifest memory manifest)
        internal
        pure
        returns (string[6] memory names, address[6] memory addresses)
    {
        names = ["sesh", "RewardsPool", "NameRegistry", "NameMarket", "Premium", "NodeStaking"];
        addresses = [
            manifest.sesh,
            manifest.rewardsPool,
            manifest.nameRegistry,
            manifest.nameMarket,
            manifest.premium,
            manifest.nodeStaking
        ];
    }

    function _read(address target, string memory signature, string memory getter) internal view returns (uint256) {
        (bool ok, bytes memory data) = target.staticcall(abi.encodeWithSignature(signature));
        if (!ok || data.length < 32) revert VerifyCallFailed(getter, target);
        return abi.decode(data, (uint256));
    }

    function _readAddress(address target, string memory signature, string memory getter)
        internal
        view
        returns (address)
    {
        uint256 word = _read(target, signature, getter);
        if (word >> 160 != 0) revert VerifyCallFailed(getter, target);
        return address(uint160(word));
    }

    function _expectAddress(address target, string memory signature, string memory getter, address expected)
        internal
        view
    {
        address actual = _readAddress(target, signature, getter);
        if (actual != expected) revert VerifyWrongAddress(getter, expected, actual);
    }

    function _expectValue(address target, string memory signature, string memory getter, uint256 expected)
        internal
        view
    {
        uint256 actual = _read(target, signature, getter);
        if (actual != expected) revert VerifyWrongValue(getter, expected, actual);
    }
}
