// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Expiries, grace periods, commitments and the premium decay are all about time: every
// `block.timestamp` comparison below is intended (a sequencer skew of seconds is harmless).
// forge-lint: disable-start(block-timestamp)

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ERC721} from "solady/tokens/ERC721.sol";

import {INameRegistry} from "./interfaces/INameRegistry.sol";
import {ISweepable} from "./interfaces/ISweepable.sol";
import {NameRules} from "./libraries/NameRules.sol";
import {RentPricing} from "./libraries/RentPricing.sol";

/// @title NameRegistry
/// @notice Session usernames: ERC-721 tokens rented in SESH, each with a record
/// (Session ID key and optional EVM address) and an optional primary name per account.
/// Every fee goes straight from the payer to the rewards pool.
/// @dev Built on Solady's ERC721 for its storage hitchhiking:
/// - a name's expiry (low 40 bits) and transfer count (high 56 bits) live in the 96 bits
///   of extra data beside its owner, so the ownership slot holds everything about the token;
/// - an account's primary name lives in the 224 bits of aux beside its balance, as
///   the tag `uint224(tokenId >> 32)`.
/// Registration writes no storage slot beyond those two, the record key, and (with
/// a commit) the commitment; the SESH payment adds the permit nonce and allowance. It
/// reads one more: the configuration slot, which packs the paused flag and the five
/// rent tiers (in units of {RENT_PRICE_UNIT}).
///
/// Solady inlines transfers, mints and burns and calls {_beforeTokenTransfer} and
/// {_afterTokenTransfer} on every path; those two hooks are this contract's single
/// choke point (there is no OpenZeppelin `_update` here, the two models are not mixed):
/// the first refuses to move an expired name, the second counts the transfer and clears the
/// record and the previous owner's primary name on every transfer and burn. Both do nothing
/// for a mint, so {register}'s first mint of a name, written out in its hot path to save gas,
/// skips them; every transfer, burn and later mint goes through Solady and the hooks.
///
/// {register} is the hot path (a first-time user's one-transaction registration with permit
/// and record is held to 150,000 gas, see docs/contracts.md): it reads its calldata, validates
/// the label, writes the new name's slots, emits its events and pays with hand-written
/// assembly, each piece documented where it stands and checked against its plain Solidity
/// equivalent by the tests.
///
/// {registerAndConsent} and {setPrimaryNameAndConsent} are {register} and {setPrimaryName} plus a
/// Session ID's consent to the name as its reverse name, relayed in a {ReverseConsentGiven} event
/// and checked off chain (Ed25519 is not affordable here); {register} costs nothing more for them.
///
/// Governance (two-step owner) can set prices within hard bounds and pause new
/// registrations. It can never move a name or any SESH: fees never sit here, and SESH sent here
/// anyway goes to the pool through {sweepUnowed}, which anyone may call. ETH is refused.
contract NameRegistry is INameRegistry, ERC721, Ownable2Step {
    /*//////////////////////////////////////////////////////////////
                                CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @notice After expiry, only renewing is possible for this long.
    uint256 public constant GRACE_PERIOD = 90 days;
    /// @notice The premium on a lapsed name decays to zero over this period.
    uint256 public constant PREMIUM_DECAY_PERIOD = RentPricing.PREMIUM_DECAY_DAYS * 1 days;
    /// @notice The shortest registration or renewal.
    uint256 public constant MIN_DURATION = 28 days;
    /// @notice The longest registration or renewal in one call (100 years).
    uint256 public constant MAX_DURATION = 100 * 365 days;
    /// @notice The lowest rent per year governance may set: 1 SESH.
    uint256 public constant MIN_RENT_PRICE = 1e9;
    /// @notice The highest rent per year governance may set: 10,000,000 SESH.
    uint256 public constant MAX_RENT_PRICE = 10_000_000 * 1e9;
    /// @notice The highest starting premium governance may set: 10,000,000 SESH.
    uint256 public constant MAX_PREMIUM_START = 10_000_000 * 1e9;
    /// @notice Rent prices are whole multiples of this: 0.001 SESH.
    uint256 public constant RENT_PRICE_UNIT = 1e6;

    /// @dev Bits per rent tier in {_config}: holds MAX_RENT_PRICE / RENT_PRICE_UNIT = 1e10 < 2**48.
    uint256 private constant _TIER_BITS = 48;
    /// @dev The mask of one rent tier in {_config}.
    uint256 private constant _TIER_MASK = type(uint48).max;
    /// @dev The paused flag in {_config}, above the five tiers (bits 0..239).
    uint256 private constant _PAUSED_FLAG = 1 << 255;

    /// @dev Bits of a name's extra data that hold its expiry (the low ones): 2**40 seconds reach
    /// beyond the year 36,000. The 56 bits above hold its transfer count ({transferCountOf}).
    uint256 private constant _EXPIRY_BITS = 40;
    /// @dev The mask of the expiry in a name's extra data: its low {_EXPIRY_BITS} bits.
    uint256 private constant _EXPIRY_MASK = 0xffffffffff; // type(uint40).max, as a literal for inline assembly
    /// @dev One transfer, in a name's extra data: the lowest bit above the expiry.
    uint96 private constant _ONE_TRANSFER = uint96(type(uint40).max) + 1;

    /// @dev Solady's ERC721 slot seed (`_ERC721_MASTER_SLOT_SEED = 0x7d8825530a5a2e7a << 192`,
    /// private there), written out for inline assembly. Solady documents its storage layout: the
    /// slot of token `id` (owner in the low 160 bits, extra data above) is
    /// `add(id, add(id, keccak256(0x00, 0x20)))` after `mstore(0x00, id) mstore(0x1c, seed)`, and
    /// the slot of an account's balance (low 32 bits) and aux (above) is `keccak256(0x0c, 0x1c)`
    /// after `mstore(0x1c, seed) mstore(0x00, account)`. {register} reads a name's slot and writes
    /// a new name's two slots this way; everything else goes through Solady. A wrong seed would
    /// make Solady's views (`ownerOf`, `balanceOf`, the extra data) miss what {register} wrote,
    /// which the tests would see at once.
    uint256 private constant _SOLADY_SLOT_SEED = 0x7d8825530a5a2e7a000000000000000000000000000000000000000000000000;
    /// @dev `keccak256("Transfer(address,address,uint256)")`, the ERC-721 `Transfer` topic.
    uint256 private constant _TRANSFER_TOPIC = 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef;

    /*//////////////////////////////////////////////////////////////
                                 STORAGE
    //////////////////////////////////////////////////////////////*/

    IERC20 private immutable _SESH;
    address private immutable _REWARDS_POOL;
    uint256 private immutable _MIN_COMMITMENT_AGE;
    uint256 private immutable _MAX_COMMITMENT_AGE;

    /// @dev One slot, read once per registration: bits `48 * i .. 48 * i + 47` hold the rent per
    /// 365 days of tier `i` (label of 1, 2, 3, 4, 5+ bytes) in units of {RENT_PRICE_UNIT}; bit 255
    /// is the paused flag ({_PAUSED_FLAG}).
    uint256 private _config;
    uint256 private _premiumStart;

    mapping(bytes32 commitment => uint256 timestamp) private _commitments;
    mapping(uint256 tokenId => bytes32 sessionKey) private _sessionKeys;
    /// @dev Written only when non-zero, so a record without an EVM address costs one slot.
    mapping(uint256 tokenId => address evmAddress) private _evmAddresses;

    /*//////////////////////////////////////////////////////////////
                               CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @param sesh_ The SESH token (EIP-2612 permit).
    /// @param rewardsPool_ Where every fee goes.
    /// @param minCommitmentAge_ The youngest a commitment may be at reveal (60 s with a public
    /// mempool; 0 allows registering in one transaction without a commitment).
    /// @param maxCommitmentAge_ The oldest a commitment may be at reveal (24 h).
    /// @dev The deployer becomes the owner (two-step transferable). Sets the default prices:
    /// 50,000 / 50,000 / 10,000 / 2,000 / 100 SESH per year and a 100,000 SESH premium start.
    constructor(address sesh_, address rewardsPool_, uint256 minCommitmentAge_, uint256 maxCommitmentAge_)
        Ownable(msg.sender)
    {
        if (sesh_ == address(0) || rewardsPool_ == address(0)) revert NameRegistryZeroAddress();
        if (minCommitmentAge_ >= maxCommitmentAge_) {
            revert CommitmentAgesInvalid(minCommitmentAge_, maxCommitmentAge_);
        }
        _SESH = IERC20(sesh_);
        _REWARDS_POOL = rewardsPool_;
        _MIN_COMMITMENT_AGE = minCommitmentAge_;
        _MAX_COMMITMENT_AGE = maxCommitmentAge_;
        _setRentPrices([uint256(50_000e9), 50_000e9, 10_000e9, 2_000e9, 100e9]);
        _setPremiumStart(100_000e9);
    }

    /*//////////////////////////////////////////////////////////////
                             ERC721 METADATA
    //////////////////////////////////////////////////////////////*/

    /// @notice "Session Names".
    function name() public pure override returns (string memory) {
        return "Session Names";
    }

    /// @notice "SESHNAME".
    function symbol() public pure override returns (string memory) {
        return "SESHNAME";
    }

    /// @notice Empty: labels are not stored on chain (they are in {NameRegistered}).
    /// @dev Reverts with `TokenDoesNotExist` for a token that has no holder.
    function tokenURI(uint256 tokenId) public view override returns (string memory) {
        if (!_exists(tokenId)) revert TokenDoesNotExist();
        return "";
    }

    /*//////////////////////////////////////////////////////////////
                          ERC721 (EXPIRY-AWARE)
    //////////////////////////////////////////////////////////////*/

    /// @notice The owner of a live name.
    /// @dev As ENS's BaseRegistrar: reverts for an expired name, grace period included
    /// (use {registrantOf} to see who may still renew it).
    ///
    /// Requirements:
    /// - `tokenId` exists (else `TokenDoesNotExist`);
    /// - `tokenId` has not expired (else {NameExpired}).
    function ownerOf(uint256 tokenId) public view override returns (address owner) {
        owner = super.ownerOf(tokenId);
        uint256 expiry = _expiryOf(tokenId);
        if (expiry <= block.timestamp) revert NameExpired(tokenId, expiry);
    }

    /// @notice Approves `account` to move a live name.
    /// @dev Emits an `Approval` event. Payable in ERC-721 (and Solady), but refuses ETH.
    ///
    /// Requirements:
    /// - no ETH is sent (else {NameRegistryEtherRefused});
    /// - `tokenId` has not expired (else {NameExpired});
    /// - the caller is the owner or an operator of the owner.
    function approve(address account, uint256 tokenId) public payable override {
        if (msg.value != 0) revert NameRegistryEtherRefused(msg.value);
        _requireLive(tokenId);
        super.approve(account, tokenId);
    }

    /// @notice Transfers a live name from `from` to `to`; the record and `from`'s primary name (if
    /// it was this name) are cleared.
    /// @dev Payable in ERC-721 (and Solady), but refuses ETH, which nothing could take out of the
    /// registry. Both `safeTransferFrom` functions call this one, so they refuse it too. Emits
    /// `Transfer`, {RecordSet} with zeros and, if it was `from`'s primary name, {PrimaryNameSet} with 0.
    ///
    /// Requirements:
    /// - no ETH is sent (else {NameRegistryEtherRefused});
    /// - `tokenId` has not expired (else {NameExpired});
    /// - `from` owns it, `to` is not zero; the caller is the owner or approved.
    function transferFrom(address from, address to, uint256 tokenId) public payable override {
        if (msg.value != 0) revert NameRegistryEtherRefused(msg.value);
        super.transferFrom(from, to, tokenId);
    }

    /*//////////////////////////////////////////////////////////////
                             COMMIT - REVEAL
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc INameRegistry
    /// @dev The commitment hides the label and binds the owner (see {makeCommitment}), so a
    /// registration revealed later can neither be front-run nor stolen. Works while paused.
    /// Emits a {CommitmentMade} event.
    ///
    /// Requirements:
    /// - the same commitment does not exist unexpired (else {CommitmentUnexpired}).
    function commit(bytes32 commitment) external {
        uint256 committedAt = _commitments[commitment];
        if (committedAt != 0 && block.timestamp <= committedAt + _MAX_COMMITMENT_AGE) {
            revert CommitmentUnexpired(commitment);
        }
        _commitments[commitment] = block.timestamp;
        emit CommitmentMade(commitment, msg.sender);
    }

    /// @inheritdoc INameRegistry
    /// @dev `keccak256(abi.encode(tokenId, owner, duration, sessionKey, evmAddress, setPrimary,
    /// maxCost, secret))` with `tokenId = uint256(keccak256(bytes(label)))`: binds every field, the
    /// label (through its token id) and the owner included. A static encoding, cheaper to hash
    /// than the struct with its dynamic string.
    function makeCommitment(Registration calldata registration, bytes32 secret) external pure returns (bytes32) {
        return keccak256(
            abi.encode(
                uint256(keccak256(bytes(registration.label))),
                registration.owner,
                registration.duration,
                registration.sessionKey,
                registration.evmAddress,
                registration.setPrimary,
                registration.maxCost,
                secret
            )
        );
    }

    /*//////////////////////////////////////////////////////////////
                          REGISTRATION AND RENEWAL
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc INameRegistry
    /// @dev The payer is `msg.sender`; the name goes to `registration.owner`. Registering a
    /// name whose grace period is over burns the old token (`Transfer` to 0, clearing its
    /// record and its holder's primary name) and mints a new one.
    ///
    /// With a minimum commitment age of 0 the commitment is skipped entirely (no hashing, no
    /// lookup): such a deployment is meant for a chain without a public mempool (a sequencer
    /// that does not expose pending transactions), where a registration cannot be seen, let
    /// alone front-run, before it is included. A commitment made there anyway is harmless: it is
    /// neither required nor consumed, and it expires after the maximum age.
    ///
    /// Order (checks-effects-interactions): all checks, then every state change and event,
    /// then the optional permit and the `transferFrom(payer, pool, cost)`. The mint is not a
    /// safe mint, so no receiver hook runs at all.
    ///
    /// If `permit.deadline != 0`, `SESH.permit(msg.sender, this, permit.value, ...)` is tried
    /// first; if it fails (e.g. someone front-ran it), the registration goes on and succeeds
    /// if the allowance is enough.
    ///
    /// Emits `Transfer` (and, first, for a lapsed name: `Transfer` to 0, {RecordSet} of zeros and,
    /// if it was its holder's primary name, {PrimaryNameSet} with 0), then {NameRegistered}, which
    /// also sets the new record and, if `primary`, the owner's primary name: no {RecordSet} or
    /// {PrimaryNameSet} is emitted for those.
    ///
    /// Requirements:
    /// - not paused (else {EnforcedPause});
    /// - `registration.owner` is not zero; `setPrimary` only when `owner == msg.sender`;
    /// - a commitment for (`registration`, `secret`) aged within the commitment ages, which is
    ///   consumed (not looked at if the minimum age is 0);
    /// - the label follows {NameRules} and is available;
    /// - the duration is within [{MIN_DURATION}, {MAX_DURATION}];
    /// - rent plus premium is at most `registration.maxCost`;
    /// - the caller has approved (or permits) that much SESH to this contract.
    function register(Registration calldata registration, bytes32 secret, Permit calldata permit)
        external
        returns (uint256 tokenId)
    {
        uint256 config = _config;
        if (config & _PAUSED_FLAG != 0) revert EnforcedPause();
        address owner;
        // The {NameRegistered} data, written as its values become known (see {_recordAndLog}): the
        // label is copied there once, hashed for the token id and logged from the same memory.
        uint256 data;
        uint256 length;
        {
            string calldata label;
            /// @solidity memory-safe-assembly
            assembly {
                // The static fields are read straight from calldata (the ABI decoder has checked
                // that the struct head lies within it); these are the decoder's checks on the three
                // that are not full words: a dirty address or bool reverts, as it would have.
                owner := calldataload(add(registration, 0x20))
                if or(
                    shr(160, or(owner, calldataload(add(registration, 0x80)))),
                    gt(calldataload(add(registration, 0xa0)), 1)
                ) { revert(0, 0) }
                // `registration.label`, with the decoder's checks: the offset, then the length,
                // then that the bytes lie within the calldata.
                let rel := calldataload(registration)
                if iszero(slt(rel, sub(sub(calldatasize(), registration), 0x1f))) { revert(0, 0) }
                let p := add(registration, rel)
                label.length := calldataload(p)
                if gt(label.length, 0xffffffffffffffff) { revert(0, 0) }
                label.offset := add(p, 0x20)
                if sgt(label.offset, sub(calldatasize(), label.length)) { revert(0, 0) }
                // Ten words: the head (7), the label's length and its bytes (at most 64, zero-padded).
                data := mload(0x40)
                mstore(0x40, add(data, 0x140))
            }
            if (owner == address(0)) revert NameZeroOwner();
            if (!NameRules.isValid(label)) NameRules.revertInvalid(label);
            length = bytes(label).length;
            /// @solidity memory-safe-assembly
            assembly {
                // sessionKey, evmAddress, setPrimary: three words, in the event's order.
                calldatacopy(add(data, 0x80), add(registration, 0x60), 0x60)
                mstore(add(data, 0xe0), length)
                let labelData := add(data, 0x100)
                mstore(labelData, 0)
                mstore(add(labelData, 0x20), 0)
                calldatacopy(labelData, label.offset, length)
                tokenId := keccak256(labelData, length)
            }
        }
        {
            bool unauthorized;
            /// @solidity memory-safe-assembly
            assembly {
                // `setPrimary` (a clean bool, checked above) for someone else.
                unauthorized := and(mload(add(data, 0xc0)), iszero(eq(owner, caller())))
            }
            if (unauthorized) revert NameUnauthorized(msg.sender, tokenId);
        }
        if (_MIN_COMMITMENT_AGE != 0) _consumeCommitment(_commitmentOf(tokenId, registration, secret));

        uint256 ownershipSlot;
        uint256 oldExpiry;
        /// @solidity memory-safe-assembly
        assembly {
            // Solady's slot for the token's owner (low 160 bits) and extra data (high 96), as in
            // `_getExtraData`, kept for the mint below; the expiry is the extra data's low bits.
            mstore(0x00, tokenId)
            mstore(0x1c, _SOLADY_SLOT_SEED)
            ownershipSlot := add(tokenId, add(tokenId, keccak256(0x00, 0x20)))
            oldExpiry := and(shr(160, sload(ownershipSlot)), _EXPIRY_MASK)
        }
        uint256 expiry;
        uint256 cost;
        {
            uint256 premium = 0;
            if (oldExpiry != 0) {
                // A name registered before: available only once its grace period is over.
                uint256 graceEnd = oldExpiry + GRACE_PERIOD;
                if (block.timestamp <= graceEnd) revert NameNotAvailable(tokenId);
                premium = RentPricing.premium(_premiumStart, block.timestamp - graceEnd);
            }
            uint256 duration = registration.duration;
            uint256 rent = _rent(config, length, duration);
            // `duration` is at most MAX_DURATION (checked by `_rent`); rent is at most 1e16 a year
            // for 100 years and the premium at most 1e16: no overflow.
            unchecked {
                expiry = block.timestamp + duration;
                cost = rent + premium;
            }
            /// @solidity memory-safe-assembly
            assembly {
                mstore(add(data, 0x20), expiry)
                mstore(add(data, 0x40), rent)
                mstore(add(data, 0x60), premium)
            }
        }
        if (cost > registration.maxCost) revert NameCostAboveMax(cost, registration.maxCost);

        if (oldExpiry == 0) {
            // Never registered, so it has no holder and its extra data is all zero (the transfer
            // count only moves for a registered name): its ownership slot is empty. This is
            // Solady's `_mintAndSetExtraDataUnchecked(owner, tokenId, expiry)` (which starts the
            // count at 0) without its two hooks, which do nothing for a mint here (both return at
            // once when `from` is 0), and with the slot computed above: owner and expiry into the
            // ownership slot, one more in the owner's balance (reverting on overflow, as Solady
            // does; `owner` is not zero), a `Transfer` from 0. `expiry` is at most now + 100 years,
            // far below 2**40.
            /// @solidity memory-safe-assembly
            assembly {
                sstore(ownershipSlot, or(shl(160, expiry), owner))
                mstore(0x1c, _SOLADY_SLOT_SEED)
                mstore(0x00, owner)
                let balanceSlot := keccak256(0x0c, 0x1c)
                let balancePacked := add(sload(balanceSlot), 1)
                if iszero(and(balancePacked, _MAX_ACCOUNT_BALANCE)) {
                    mstore(0x00, 0x01336cea) // `AccountBalanceOverflow()`
                    revert(0x1c, 0x04)
                }
                sstore(balanceSlot, balancePacked)
                log4(codesize(), 0x00, _TRANSFER_TOPIC, 0, owner, tokenId)
            }
        } else {
            // Set the new expiry first, keeping the transfer count: Solady's `_burn` reads
            // {ownerOf}, which refuses expired names. The burn counts as a transfer, so the new
            // token's count differs from every count the old one had.
            // forge-lint: disable-next-line(unsafe-typecast)
            _setExtraData(tokenId, uint96(_getExtraData(tokenId) - oldExpiry + expiry));
            _burn(tokenId);
            _mint(owner, tokenId);
        }
        _recordAndLog(data, tokenId, owner);

        _collect(cost, permit);
    }

    /// @inheritdoc INameRegistry
    /// @dev {register} itself, reached by a delegatecall to this contract (as a multicall does:
    /// same caller, same storage) with its own calldata, built from this call's: `secret`,
    /// `permit` (static, five words) and `registration` copied as it is (its inner offsets are
    /// relative to it). So {register}'s code is not shared and costs
    /// nothing more for this function. Then a {ReverseConsentGiven} event for the token id
    /// {register} returned and the registration's owner (the consent is not checked, see
    /// {ReverseConsentGiven}). A revert in {register} is this function's, with its data.
    ///
    /// Requirements: those of {register}.
    function registerAndConsent(
        Registration calldata registration,
        bytes32 secret,
        Permit calldata permit,
        ReverseConsent calldata consent
    ) external returns (uint256 tokenId) {
        bytes4 selector = this.register.selector;
        /// @solidity memory-safe-assembly
        assembly {
            // register(registration, secret, permit): the selector, the offset of `registration`
            // (after the seven head words), `secret` and the five words of `permit`, then
            // `registration` to the end of the calldata.
            let m := mload(0x40)
            mstore(m, selector)
            mstore(add(m, 0x04), 0xe0)
            mstore(add(m, 0x24), secret)
            calldatacopy(add(m, 0x44), permit, 0xa0)
            let tail := sub(calldatasize(), registration)
            calldatacopy(add(m, 0xe4), registration, tail)
            if iszero(delegatecall(gas(), address(), m, add(0xe4, tail), 0x00, 0x20)) {
                returndatacopy(m, 0x00, returndatasize())
                revert(m, returndatasize())
            }
            tokenId := mload(0x00)
        }
        _giveConsent(tokenId, registration.owner, consent);
    }

    /// @inheritdoc INameRegistry
    /// @dev Adds `duration` to the current expiry (not to now), so renewing early loses nothing.
    /// Rent only, never a premium. Works while paused. The payment works as in {register}.
    /// Emits a {NameRenewed} event.
    ///
    /// Requirements:
    /// - the name was registered and its grace period is not over (else {NameNotRenewable});
    /// - the duration is within [{MIN_DURATION}, {MAX_DURATION}];
    /// - the rent is at most `maxCost`;
    /// - the caller has approved (or permits) that much SESH to this contract.
    function renew(string calldata label, uint256 duration, uint256 maxCost, Permit calldata permit)
        external
        returns (uint256 expiry)
    {
        uint256 tokenId = uint256(keccak256(bytes(label)));
        uint256 extraData = _getExtraData(tokenId);
        uint256 oldExpiry = extraData & _EXPIRY_MASK;
        // Only valid labels are ever registered, so `label` is valid past this check.
        if (oldExpiry == 0 || block.timestamp > oldExpiry + GRACE_PERIOD) revert NameNotRenewable(tokenId);
        uint256 rent = _rent(_config, bytes(label).length, duration);
        if (rent > maxCost) revert NameCostAboveMax(rent, maxCost);
        expiry = oldExpiry + duration;
        // The expiry must stay within its 40 bits (else `SafeCastOverflowedUintDowncast`): then
        // adding `duration` to the extra data raises the expiry alone, below the transfer count.
        if (expiry > _EXPIRY_MASK) revert SafeCast.SafeCastOverflowedUintDowncast(40, expiry);
        // Cannot truncate: the extra data stays below 2**96, as shown above.
        // forge-lint: disable-next-line(unsafe-typecast)
        _setExtraData(tokenId, uint96(extraData + duration));
        emit NameRenewed(tokenId, label, msg.sender, expiry, rent);
        _collect(rent, permit);
    }

    /*//////////////////////////////////////////////////////////////
                          RECORDS AND PRIMARY NAMES
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc INameRegistry
    /// @dev Zero values clear the record. Emits a {RecordSet} event.
    ///
    /// Requirements:
    /// - the name has not expired (else {NameExpired});
    /// - the caller is the owner or approved (else {NameUnauthorized}).
    function setRecord(uint256 tokenId, bytes32 sessionKey, address evmAddress) external {
        _requireLive(tokenId);
        if (!_isApprovedOrOwner(msg.sender, tokenId)) revert NameUnauthorized(msg.sender, tokenId);
        _setRecord(tokenId, sessionKey, evmAddress);
    }

    /// @inheritdoc INameRegistry
    /// @dev The transfer goes through the same hooks as `transferFrom` (the transfer is counted, the
    /// old record and the previous owner's primary name are cleared), then the new record is set.
    /// Not a safe transfer: no `onERC721Received` call.
    ///
    /// Emits `Transfer`, then one {RecordSet} with the new record (zeros if none): unlike a plain
    /// transfer, no {RecordSet} of zeros comes between them, as the new record replaces the cleared
    /// one. Also {PrimaryNameSet} with 0 if it was `from`'s primary name.
    ///
    /// Requirements:
    /// - the name has not expired (else {NameExpired});
    /// - `from` owns it, `to` is not zero;
    /// - the caller is the owner or approved (else `NotOwnerNorApproved`).
    function transferWithRecord(address from, address to, uint256 tokenId, bytes32 sessionKey, address evmAddress)
        external
    {
        _transfer(msg.sender, from, to, tokenId);
        _setRecordAfterTransfer(tokenId, sessionKey, evmAddress);
    }

    /// @inheritdoc INameRegistry
    /// @dev For a market whose listings are not escrowed: it records {transferCountOf} when a name
    /// is listed and passes it here at the sale, so a listing dies for good once the name has left
    /// its seller, even if it came back since (a name's count never repeats). The holder at that
    /// count is the seller, hence no `from` argument: it is returned.
    ///
    /// Otherwise exactly {transferWithRecord} from the current holder: same hooks, same events.
    ///
    /// Requirements:
    /// - the transfer count is `expectedTransferCount` (else {NameTransferCountMismatch});
    /// - the name exists (else `TokenDoesNotExist`) and has not expired (else {NameExpired});
    /// - `to` is not zero;
    /// - the caller is the owner or approved (else `NotOwnerNorApproved`).
    function transferListed(
        address to,
        uint256 tokenId,
        uint256 expectedTransferCount,
        bytes32 sessionKey,
        address evmAddress
    ) external returns (address from) {
        uint256 transferCount = _getExtraData(tokenId) >> _EXPIRY_BITS;
        if (transferCount != expectedTransferCount) {
            revert NameTransferCountMismatch(tokenId, expectedTransferCount, transferCount);
        }
        from = _ownerOf(tokenId);
        _transfer(msg.sender, from, to, tokenId);
        _setRecordAfterTransfer(tokenId, sessionKey, evmAddress);
    }

    /// @inheritdoc INameRegistry
    /// @dev Stored as a tag beside the caller's balance. Emits a {PrimaryNameSet} event.
    ///
    /// This is the caller's primary name as an account. It makes the name the reverse name of the
    /// Session ID in its record only with that Session ID's consent ({setPrimaryNameAndConsent}).
    ///
    /// Requirements:
    /// - the caller owns `tokenId` (else {NameUnauthorized}) and it has not expired (else {NameExpired}).
    function setPrimaryName(uint256 tokenId) external {
        _setOwnPrimary(tokenId);
    }

    /// @inheritdoc INameRegistry
    /// @dev Emits {PrimaryNameSet}, then {ReverseConsentGiven} with the caller as owner. The
    /// consent is not checked (see {ReverseConsentGiven}).
    ///
    /// Requirements: those of {setPrimaryName}.
    function setPrimaryNameAndConsent(uint256 tokenId, ReverseConsent calldata consent) external {
        _setOwnPrimary(tokenId);
        _giveConsent(tokenId, msg.sender, consent);
    }

    /// @inheritdoc INameRegistry
    /// @dev Emits a {ReverseConsentGiven} event, whatever the values: nothing here is checked or
    /// stored, the consent's signature is its authority (registry nodes and wallets check it, and
    /// ignore a consent that does not verify or is not newer than the Session ID's last one).
    function giveReverseConsent(uint256 tokenId, address owner, ReverseConsent calldata consent) external {
        _giveConsent(tokenId, owner, consent);
    }

    /// @inheritdoc INameRegistry
    /// @dev Emits a {PrimaryNameSet} event with token id 0.
    function clearPrimaryName() external {
        _setAux(msg.sender, 0);
        emit PrimaryNameSet(msg.sender, 0);
    }

    /*//////////////////////////////////////////////////////////////
                               STRAY FUNDS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ISweepable
    /// @dev The registry owes no one SESH: fees go straight from the payer to the pool, and it
    /// never keeps any. So its whole balance (SESH sent to it directly) is unowed and goes to the
    /// pool. Anyone may call it, also while paused. Emits {UnowedSwept} (none for nothing).
    function sweepUnowed() external returns (uint256 amount) {
        address token = address(_SESH);
        address pool = _REWARDS_POOL;
        bool failed;
        // Assembly as in {_collect}: `SESH.balanceOf(this)`, then `SESH.transfer(pool, amount)`
        // with OpenZeppelin's `safeTransfer` checks. (The same in Solidity made the optimizer
        // share code so that {register}, {renew} and {setRecord} cost 24 to 60 gas more.)
        /// @solidity memory-safe-assembly
        assembly {
            mstore(0x00, 0x70a08231) // balanceOf(address)
            mstore(0x20, address())
            if iszero(staticcall(gas(), token, 0x1c, 0x24, 0x00, 0x20)) {
                returndatacopy(0x00, 0x00, returndatasize())
                revert(0x00, returndatasize())
            }
            if lt(returndatasize(), 0x20) { revert(0, 0) }
            amount := mload(0x00)
        }
        if (amount == 0) return 0;
        emit UnowedSwept(amount);
        /// @solidity memory-safe-assembly
        assembly {
            let m := mload(0x40)
            mstore(m, 0xa9059cbb00000000000000000000000000000000000000000000000000000000) // transfer(address,uint256)
            mstore(add(m, 0x04), pool)
            mstore(add(m, 0x24), amount)
            if iszero(call(gas(), token, 0, m, 0x44, 0x00, 0x20)) {
                returndatacopy(m, 0x00, returndatasize())
                revert(m, returndatasize())
            }
            // `returnSize == 0 ? token.code.length == 0 : returnValue != 1`, as in {_collect}
            switch returndatasize()
            case 0 { failed := iszero(extcodesize(token)) }
            default { failed := iszero(eq(mload(0x00), 1)) }
        }
        if (failed) revert SafeERC20.SafeERC20FailedOperation(token);
    }

    /*//////////////////////////////////////////////////////////////
                               GOVERNANCE
    //////////////////////////////////////////////////////////////*/

    /// @notice Sets the rent per 365 days for labels of 1, 2, 3, 4 and 5+ bytes.
    /// @dev Emits a {RentPricesSet} event.
    ///
    /// Requirements:
    /// - the caller is the owner;
    /// - every price is within [{MIN_RENT_PRICE}, {MAX_RENT_PRICE}] (else {PriceOutOfBounds});
    /// - every price is a multiple of {RENT_PRICE_UNIT} (else {PriceNotMultipleOfUnit}).
    function setRentPrices(uint256[5] calldata pricePerYear) external onlyOwner {
        _setRentPrices(pricePerYear);
    }

    /// @notice Sets the premium a lapsed name starts at when its grace period ends (0: none).
    /// @dev Emits a {PremiumStartSet} event.
    ///
    /// Requirements:
    /// - the caller is the owner;
    /// - `startPremium` is at most {MAX_PREMIUM_START} (else {PriceOutOfBounds}).
    function setPremiumStart(uint256 startPremium) external onlyOwner {
        _setPremiumStart(startPremium);
    }

    /// @notice Stops new registrations ("no new sales"); everything else keeps working.
    /// @dev Sets the paused flag in the configuration slot. Emits a {Paused} event.
    ///
    /// Requirements:
    /// - the caller is the owner;
    /// - not paused (else {EnforcedPause}).
    function pause() external onlyOwner {
        uint256 config = _config;
        if (config & _PAUSED_FLAG != 0) revert EnforcedPause();
        _config = config | _PAUSED_FLAG;
        emit Paused(msg.sender);
    }

    /// @notice Allows new registrations again.
    /// @dev Clears the paused flag in the configuration slot. Emits an {Unpaused} event.
    ///
    /// Requirements:
    /// - the caller is the owner;
    /// - paused (else {ExpectedPause}).
    function unpause() external onlyOwner {
        uint256 config = _config;
        if (config & _PAUSED_FLAG == 0) revert ExpectedPause();
        _config = config & ~_PAUSED_FLAG;
        emit Unpaused(msg.sender);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc INameRegistry
    function paused() external view returns (bool) {
        return _config & _PAUSED_FLAG != 0;
    }

    /// @inheritdoc INameRegistry
    function commitmentTimestamp(bytes32 commitment) external view returns (uint256) {
        return _commitments[commitment];
    }

    /// @inheritdoc INameRegistry
    function sesh() external view returns (address) {
        return address(_SESH);
    }

    /// @inheritdoc INameRegistry
    function rewardsPool() external view returns (address) {
        return _REWARDS_POOL;
    }

    /// @inheritdoc INameRegistry
    function minCommitmentAge() external view returns (uint256) {
        return _MIN_COMMITMENT_AGE;
    }

    /// @inheritdoc INameRegistry
    function maxCommitmentAge() external view returns (uint256) {
        return _MAX_COMMITMENT_AGE;
    }

    /// @inheritdoc INameRegistry
    /// @dev False for a label that breaks {NameRules}.
    function available(string calldata label) external view returns (bool) {
        if (!NameRules.isValid(label)) return false;
        uint256 expiry = _expiryOf(uint256(keccak256(bytes(label))));
        return expiry == 0 || block.timestamp > expiry + GRACE_PERIOD;
    }

    /// @inheritdoc INameRegistry
    /// @dev `premium` is non-zero only for a name whose grace period ended less than
    /// {PREMIUM_DECAY_PERIOD} ago. Reverts like {register} on an invalid label or duration.
    function rentPrice(string calldata label, uint256 duration) external view returns (uint256 rent, uint256 premium) {
        rent = _rent(_config, NameRules.validate(label), duration);
        uint256 expiry = _expiryOf(uint256(keccak256(bytes(label))));
        if (expiry != 0 && block.timestamp > expiry + GRACE_PERIOD) {
            premium = RentPricing.premium(_premiumStart, block.timestamp - expiry - GRACE_PERIOD);
        }
    }

    /// @inheritdoc INameRegistry
    function rentPrices() external view returns (uint256[5] memory pricePerYear) {
        uint256 config = _config;
        for (uint256 i; i < 5; ++i) {
            pricePerYear[i] = _tierPrice(config, i);
        }
    }

    /// @inheritdoc INameRegistry
    function premiumStart() external view returns (uint256) {
        return _premiumStart;
    }

    /// @inheritdoc INameRegistry
    /// @dev The low 40 bits of the extra data beside the owner.
    function expiryOf(uint256 tokenId) external view returns (uint256) {
        return _expiryOf(tokenId);
    }

    /// @inheritdoc INameRegistry
    /// @dev The high 56 bits of the extra data beside the owner: 0 at the first registration, one
    /// more after every transfer and every burn (a lapsed name's burn at re-registration), never
    /// reset. So a value pins one holding of the name: it changes if the name leaves its owner,
    /// also when the name comes back.
    function transferCountOf(uint256 tokenId) external view returns (uint256) {
        return _getExtraData(tokenId) >> _EXPIRY_BITS;
    }

    /// @inheritdoc INameRegistry
    function registrantOf(uint256 tokenId) external view returns (address) {
        return _ownerOf(tokenId);
    }

    /// @inheritdoc INameRegistry
    function resolve(string calldata label) external view returns (bytes32 sessionKey, address evmAddress) {
        return _liveRecord(uint256(keccak256(bytes(label))));
    }

    /// @inheritdoc INameRegistry
    function recordOf(uint256 tokenId) external view returns (bytes32 sessionKey, address evmAddress) {
        return _liveRecord(tokenId);
    }

    /// @inheritdoc INameRegistry
    /// @dev Only the 224-bit tag is stored; the full token id is in the {PrimaryNameSet} event.
    /// The tag may point at a name that has since expired: confirm with {isPrimaryName}.
    function primaryNameOf(address owner) external view returns (bool set, uint224 tokenIdTag) {
        tokenIdTag = _getAux(owner);
        set = tokenIdTag != 0;
    }

    /// @inheritdoc INameRegistry
    /// @dev True when the tag beside the owner's balance equals `uint224(tokenId >> 32)`. The
    /// truncation is safe: a false positive needs another name of the same owner whose
    /// keccak-256 token id has the same top 224 bits, i.e. a 224-bit preimage-style collision.
    function isPrimaryName(uint256 tokenId) external view returns (bool) {
        address owner = _ownerOf(tokenId);
        if (owner == address(0) || _expiryOf(tokenId) <= block.timestamp) return false;
        uint224 tag = _tagOf(tokenId);
        return tag != 0 && _getAux(owner) == tag;
    }

    /// @inheritdoc INameRegistry
    function tokenIdOf(string calldata label) external pure returns (uint256) {
        return uint256(keccak256(bytes(label)));
    }

    /*//////////////////////////////////////////////////////////////
                                 HOOKS
    //////////////////////////////////////////////////////////////*/

    /// @dev Runs before every transfer, mint and burn. A transfer (not a mint, not the burn
    /// of a lapsed name at re-registration) of an expired name reverts with {NameExpired}.
    function _beforeTokenTransfer(address from, address to, uint256 tokenId) internal view override {
        // Nested rather than `&&`: one test on the mint path, where `from` is 0.
        if (from != address(0)) {
            if (to != address(0)) _requireLive(tokenId);
        }
    }

    /// @dev Runs after every transfer, mint and burn. When a name leaves `from` (transfer or
    /// burn), its transfer count goes up by one ({transferCountOf}), its record is cleared
    /// ({RecordSet} with zeros) and, if it was `from`'s primary name, that too ({PrimaryNameSet}
    /// with 0): a name that changes hands never resolves to the previous owner. Within
    /// {transferWithRecord} and {transferListed} the {RecordSet} is left to them: they emit the new
    /// record right after.
    function _afterTokenTransfer(address from, address, uint256 tokenId) internal override {
        if (from == address(0)) return;
        // The ownership slot was just written, so this costs little. Cannot overflow: the count
        // has 56 bits, and 2**56 transfers of one name are out of reach.
        unchecked {
            _setExtraData(tokenId, _getExtraData(tokenId) + _ONE_TRANSFER);
        }
        if (_sessionKeys[tokenId] != 0) delete _sessionKeys[tokenId];
        if (_evmAddresses[tokenId] != address(0)) delete _evmAddresses[tokenId];
        // Those two set the record right after their transfer and emit its one {RecordSet}. `msg.sig`
        // is the selector of this call frame, and they make no external call: their own transfer
        // is the only one it can match.
        if (msg.sig != this.transferWithRecord.selector && msg.sig != this.transferListed.selector) {
            emit RecordSet(tokenId, 0, address(0));
        }
        if (_getAux(from) == _tagOf(tokenId)) {
            _setAux(from, 0);
            emit PrimaryNameSet(from, 0);
        }
    }

    /*//////////////////////////////////////////////////////////////
                            PRIVATE HELPERS
    //////////////////////////////////////////////////////////////*/

    /// @dev The commitment to `registration` (whose label hashes to `tokenId`) and `secret`, as
    /// {makeCommitment} computes it: the hash of the token id, the six static words of the struct
    /// head that follow the label offset (owner, duration, sessionKey, evmAddress, setPrimary,
    /// maxCost: in this order both in calldata and in {makeCommitment}'s encoding) and the secret.
    /// Assembly because it runs on every commit-reveal registration: one `calldatacopy` instead of
    /// six checked field reads and an `abi.encode` (about 900 gas). The words are copied as they
    /// are; {register} has already rejected dirty `owner`, `evmAddress` and `setPrimary` words, so
    /// this equals {makeCommitment} (checked by
    /// {NameRegistryTest-testFuzz_CommitmentFastPathMatchesMakeCommitment}).
    function _commitmentOf(uint256 tokenId, Registration calldata registration, bytes32 secret)
        private
        pure
        returns (bytes32 commitment)
    {
        /// @solidity memory-safe-assembly
        assembly {
            // Scratch memory past the free memory pointer, not kept.
            let m := mload(0x40)
            mstore(m, tokenId)
            calldatacopy(add(m, 0x20), add(registration, 0x20), 0xc0)
            mstore(add(m, 0xe0), secret)
            commitment := keccak256(m, 0x100)
        }
    }

    /// @dev Checks that `commitment` exists and is aged within the commitment ages, and deletes
    /// it. Called only when the minimum age is not 0.
    function _consumeCommitment(bytes32 commitment) private {
        uint256 committedAt = _commitments[commitment];
        // 0 is the "never committed" sentinel: a stored timestamp is never 0.
        // slither-disable-next-line incorrect-equality
        if (committedAt == 0) revert CommitmentNotFound(commitment);
        if (block.timestamp < committedAt + _MIN_COMMITMENT_AGE) {
            revert CommitmentTooNew(commitment, committedAt + _MIN_COMMITMENT_AGE);
        }
        if (block.timestamp > committedAt + _MAX_COMMITMENT_AGE) {
            revert CommitmentTooOld(commitment, committedAt + _MAX_COMMITMENT_AGE);
        }
        delete _commitments[commitment];
    }

    /// @dev The end of {register}, from the {NameRegistered} data it built at `data`: the head
    /// but for the label's offset (expiry, rent and premium at 0x20..0x5f; the registration's
    /// `sessionKey`, `evmAddress` and `setPrimary` at 0x80..0xdf, checked clean), the label's
    /// length at 0xe0 and its bytes at 0x100, zero-padded. Sets the record (only non-zeros, as the
    /// record slots of a new or just-burned token are empty) and, if asked, the owner's primary
    /// name, then emits {NameRegistered}, which carries both.
    ///
    /// The event is the one `emit NameRegistered(tokenId, label, owner, expiry, rent, premium,
    /// sessionKey, evmAddress, primary)` would emit, byte for byte (checked by
    /// {NameRegistryTest-testFuzz_RegisteredEventMatchesEmit}); assembly because the ABI encoder
    /// would copy the label a second time and read every field again. The data's memory is
    /// released afterwards (the free memory pointer goes back to `data`): nothing refers to it.
    function _recordAndLog(uint256 data, uint256 tokenId, address owner) private {
        bytes32 sessionKey;
        address evmAddress;
        bool primary;
        /// @solidity memory-safe-assembly
        assembly {
            sessionKey := mload(add(data, 0x80))
            evmAddress := mload(add(data, 0xa0))
            primary := mload(add(data, 0xc0))
        }
        if (sessionKey != 0) _sessionKeys[tokenId] = sessionKey;
        if (evmAddress != address(0)) _evmAddresses[tokenId] = evmAddress;
        if (primary) _setAux(owner, _tagOf(tokenId));
        bytes32 topic = NameRegistered.selector;
        /// @solidity memory-safe-assembly
        assembly {
            mstore(data, 0xe0) // the label's offset: after the seven head words
            // The head, the length word and the label rounded up to whole words.
            log3(data, add(0x100, and(add(mload(add(data, 0xe0)), 0x1f), not(0x1f))), topic, tokenId, owner)
            mstore(0x40, data)
        }
    }

    /// @dev The rent for a label of `length` bytes (1 or more) for `duration`, at the prices
    /// in `config` (the value of {_config}).
    function _rent(uint256 config, uint256 length, uint256 duration) private pure returns (uint256) {
        if (duration < MIN_DURATION) revert NameDurationTooShort(duration, MIN_DURATION);
        if (duration > MAX_DURATION) revert NameDurationTooLong(duration, MAX_DURATION);
        // Inlined {RentPricing-tierOf} and {_tierPrice}: `length >= 1`, so the tier is 0..4, and a
        // tier holds at most 2**48 - 1 units: no underflow, no overflow.
        unchecked {
            uint256 tier = length >= 5 ? 4 : length - 1;
            return RentPricing.rent(((config >> (_TIER_BITS * tier)) & _TIER_MASK) * RENT_PRICE_UNIT, duration);
        }
    }

    /// @dev The rent per 365 days of `tier` (0..4) in `config`, in SESH base units.
    function _tierPrice(uint256 config, uint256 tier) private pure returns (uint256) {
        // `tier <= 4` and a tier holds at most 2**48 - 1 units: no overflow.
        unchecked {
            return ((config >> (_TIER_BITS * tier)) & _TIER_MASK) * RENT_PRICE_UNIT;
        }
    }

    /// @dev Takes `amount` SESH from the caller straight to the rewards pool, after trying
    /// the permit if one is given (a failed permit is ignored: the allowance decides).
    ///
    /// Assembly because it runs on every registration and renewal; it does what
    /// `try SESH.permit(msg.sender, this, value, deadline, v, r, s) {} catch {}` and OpenZeppelin's
    /// `SESH.safeTransferFrom(msg.sender, pool, amount)` do, encoding each call once in scratch
    /// memory past the free memory pointer:
    /// - the permit is sent only if `permit.deadline != 0`, its outcome is ignored, and a `v`
    ///   that is not a clean `uint8` reverts (as the ABI decoder would have);
    /// - a failed `transferFrom` bubbles up the token's revert data; one that returns neither
    ///   `true` nor nothing, or "succeeds" without code at the token address, reverts with
    ///   `SafeERC20FailedOperation(token)` (OpenZeppelin's `_callOptionalReturn`, to the letter).
    function _collect(uint256 amount, Permit calldata permit) private {
        address token = address(_SESH);
        address pool = _REWARDS_POOL;
        bool failed;
        /// @solidity memory-safe-assembly
        assembly {
            let m := mload(0x40)
            if calldataload(add(permit, 0x20)) {
                if gt(calldataload(add(permit, 0x40)), 0xff) { revert(0, 0) }
                // permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v,
                // bytes32 r, bytes32 s): the last five are the Permit struct, word for word.
                mstore(m, 0xd505accf00000000000000000000000000000000000000000000000000000000)
                mstore(add(m, 0x04), caller())
                mstore(add(m, 0x24), address())
                calldatacopy(add(m, 0x44), permit, 0xa0)
                pop(call(gas(), token, 0, m, 0xe4, 0, 0))
            }
            // transferFrom(address from, address to, uint256 value)
            mstore(m, 0x23b872dd00000000000000000000000000000000000000000000000000000000)
            mstore(add(m, 0x04), caller())
            mstore(add(m, 0x24), pool)
            mstore(add(m, 0x44), amount)
            if iszero(call(gas(), token, 0, m, 0x64, 0, 0x20)) {
                returndatacopy(m, 0, returndatasize())
                revert(m, returndatasize())
            }
            // `returnSize == 0 ? token.code.length == 0 : returnValue != 1`
            switch returndatasize()
            case 0 { failed := iszero(extcodesize(token)) }
            default { failed := iszero(eq(mload(0), 1)) }
        }
        // Reverted here rather than in the assembly, so the error stays in the ABI.
        if (failed) revert SafeERC20.SafeERC20FailedOperation(token);
    }

    function _setRecord(uint256 tokenId, bytes32 sessionKey, address evmAddress) private {
        _sessionKeys[tokenId] = sessionKey;
        if (evmAddress != address(0) || _evmAddresses[tokenId] != address(0)) _evmAddresses[tokenId] = evmAddress;
        emit RecordSet(tokenId, sessionKey, evmAddress);
    }

    /// @dev Sets the record of a name whose record the transfer hook has just cleared: only
    /// non-zeros are written. Emits the {RecordSet} the hook left out, even with zeros.
    function _setRecordAfterTransfer(uint256 tokenId, bytes32 sessionKey, address evmAddress) private {
        if (sessionKey != 0) _sessionKeys[tokenId] = sessionKey;
        if (evmAddress != address(0)) _evmAddresses[tokenId] = evmAddress;
        emit RecordSet(tokenId, sessionKey, evmAddress);
    }

    /// @dev {setPrimaryName} for the caller: checks that it holds the live `tokenId`, then sets it.
    function _setOwnPrimary(uint256 tokenId) private {
        if (_ownerOf(tokenId) != msg.sender) revert NameUnauthorized(msg.sender, tokenId);
        _requireLive(tokenId);
        _setPrimary(msg.sender, tokenId);
    }

    /// @dev Emits the {ReverseConsentGiven} event of `consent` to `tokenId` held by `owner`.
    function _giveConsent(uint256 tokenId, address owner, ReverseConsent calldata consent) private {
        emit ReverseConsentGiven(
            consent.sessionKey,
            tokenId,
            owner,
            consent.ed25519Key,
            consent.nonce,
            consent.signatureR,
            consent.signatureS
        );
    }

    function _setPrimary(address owner, uint256 tokenId) private {
        _setAux(owner, _tagOf(tokenId));
        emit PrimaryNameSet(owner, tokenId);
    }

    function _liveRecord(uint256 tokenId) private view returns (bytes32 sessionKey, address evmAddress) {
        if (_expiryOf(tokenId) <= block.timestamp) return (0, address(0));
        return (_sessionKeys[tokenId], _evmAddresses[tokenId]);
    }

    function _requireLive(uint256 tokenId) private view {
        uint256 expiry = _expiryOf(tokenId);
        if (expiry <= block.timestamp) revert NameExpired(tokenId, expiry);
    }

    /// @dev The expiry of `tokenId` (0 if it was never registered): the low bits of its extra data.
    function _expiryOf(uint256 tokenId) private view returns (uint256) {
        return _getExtraData(tokenId) & _EXPIRY_MASK;
    }

    /// @dev Packs the five prices into {_config}, keeping the paused flag.
    function _setRentPrices(uint256[5] memory pricePerYear) private {
        uint256 config = _config & _PAUSED_FLAG;
        for (uint256 i; i < 5; ++i) {
            uint256 price = pricePerYear[i];
            if (price < MIN_RENT_PRICE || price > MAX_RENT_PRICE) {
                revert PriceOutOfBounds(price, MIN_RENT_PRICE, MAX_RENT_PRICE);
            }
            if (price % RENT_PRICE_UNIT != 0) revert PriceNotMultipleOfUnit(price, RENT_PRICE_UNIT);
            // `price / RENT_PRICE_UNIT <= 1e10 < 2**48`: fits its tier.
            config |= (price / RENT_PRICE_UNIT) << (_TIER_BITS * i);
        }
        _config = config;
        emit RentPricesSet(pricePerYear);
    }

    function _setPremiumStart(uint256 startPremium) private {
        if (startPremium > MAX_PREMIUM_START) revert PriceOutOfBounds(startPremium, 0, MAX_PREMIUM_START);
        _premiumStart = startPremium;
        emit PremiumStartSet(startPremium);
    }

    /// @dev The primary-name tag of `tokenId`: its top 224 bits.
    function _tagOf(uint256 tokenId) private pure returns (uint224) {
        // The top 224 bits of a 256-bit value fit in 224 bits.
        // forge-lint: disable-next-line(unsafe-typecast)
        return uint224(tokenId >> 32);
    }
}
// forge-lint: disable-end(block-timestamp)
