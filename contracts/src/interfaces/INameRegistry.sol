// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ISweepable} from "./ISweepable.sol";

/// @title INameRegistry
/// @notice Session usernames as ERC-721 tokens (`tokenId = uint256(keccak256(label))`),
/// rented in SESH, each carrying a record: the owner's Session ID and an optional
/// EVM address.
/// @dev Session IDs are `0x05 ‖ key` (33 bytes); only the 32-byte X25519 key is
/// stored and passed (`sessionKey`), the `05` prefix is implied. A zero key means
/// "no Session ID".
///
/// Lifecycle of a name: live until `expiry`; then a grace period of
/// {GRACE_PERIOD} in which it does not resolve, cannot be transferred or approved,
/// and only renewing is possible (anyone may pay); then available to anyone, with a
/// premium that decays to zero over {PREMIUM_DECAY_PERIOD}.
///
/// Every transfer and burn of a name adds one to its transfer count ({transferCountOf}),
/// which is never reset: a market that does not escrow names records it at listing and
/// sells with {transferListed}, so a listing dies once the name leaves its seller, even if
/// it comes back.
///
/// Pausing ("no new sales") blocks {register} only. Renewals, records, primary
/// names, transfers, {transferWithRecord} and {transferListed} keep working while paused.
///
/// ERC-721's `balanceOf` counts every name an account holds, expired ones included, until
/// someone registers the name again (which burns it): as ENS's `BaseRegistrar`. A count of live
/// names only would need a write to the account at every expiry, which no transaction makes.
///
/// Reverse names: forward records may point anywhere (as ENS `addr` does), so a name counts as
/// the reverse name of a Session ID only with the Session ID's consent: an Ed25519 signature
/// relayed by {registerAndConsent}, {setPrimaryNameAndConsent} or {giveReverseConsent} in a
/// {ReverseConsentGiven} event. The registry does not check it (there is no Ed25519 on chain);
/// registry nodes and wallets do (see docs/contracts.md, "Reverse names").
///
/// The registry never holds SESH (fees go from the payer to the pool): SESH sent to it anyway
/// goes to the pool with {sweepUnowed}. It refuses ETH: the ERC-721 functions that are payable
/// revert when sent any ({NameRegistryEtherRefused}).
interface INameRegistry is ISweepable {
    /*//////////////////////////////////////////////////////////////
                                 STRUCTS
    //////////////////////////////////////////////////////////////*/

    /// @dev EIP-2612 permit arguments for the SESH payment; `deadline == 0` means
    /// "no permit, use the existing allowance".
    struct Permit {
        uint256 value;
        uint256 deadline;
        uint8 v;
        bytes32 r;
        bytes32 s;
    }

    /// @dev Everything a registration sets in one transaction.
    struct Registration {
        /// @dev The name, already lowercase (see {NameRules}).
        string label;
        /// @dev Who receives the name (the payer is `msg.sender`).
        address owner;
        /// @dev Seconds of rent, from {MIN_DURATION} to {MAX_DURATION}.
        uint256 duration;
        /// @dev The Session ID key for the record (0: none).
        bytes32 sessionKey;
        /// @dev The EVM address for the record (0: none).
        address evmAddress;
        /// @dev Make it the owner's primary name (only when `owner == msg.sender`).
        bool setPrimary;
        /// @dev The most the caller agrees to pay (rent plus premium).
        uint256 maxCost;
    }

    /// @dev A Session ID's consent to a name, held by a given owner, as its reverse name: the
    /// Session ID's Ed25519 key signs the bytes `sesh_core::reverse_consent::message` defines
    /// (a domain, the chain id, this registry, the token id, the owner and the nonce: see
    /// docs/keys.md). Relayed as it is, never checked on chain.
    struct ReverseConsent {
        /// @dev The consenting Session ID's X25519 key (the `05` prefix implied).
        bytes32 sessionKey;
        /// @dev The Session ID's Ed25519 public key; verifiers check that it converts to `sessionKey`.
        bytes32 ed25519Key;
        /// @dev Counts only above every earlier counted consent of the same Session ID (`sesh` uses
        /// the time in milliseconds), so an old consent cannot be replayed over a newer one.
        uint64 nonce;
        /// @dev The Ed25519 signature's first half (R).
        bytes32 signatureR;
        /// @dev The Ed25519 signature's second half (S).
        bytes32 signatureS;
    }

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @dev The label is empty or longer than 64 bytes.
    error NameInvalidLength(uint256 length);
    /// @dev The byte at `position` is not one of `a-z`, `0-9`, `_`, `-`.
    error NameInvalidCharacter(uint256 position, bytes1 character);
    /// @dev The label starts or ends with `-`.
    error NameInvalidHyphen();
    /// @dev The name is registered, or lapsed but still in its grace period.
    error NameNotAvailable(uint256 tokenId);
    /// @dev The name is past its expiry (grace period included): it cannot be moved, approved or set.
    error NameExpired(uint256 tokenId, uint256 expiry);
    /// @dev The name was never registered, or its grace period is over.
    error NameNotRenewable(uint256 tokenId);
    /// @dev `caller` is not allowed to do this with `tokenId`.
    error NameUnauthorized(address caller, uint256 tokenId);
    /// @dev The duration is below the minimum.
    error NameDurationTooShort(uint256 duration, uint256 minimum);
    /// @dev The duration is above the maximum.
    error NameDurationTooLong(uint256 duration, uint256 maximum);
    /// @dev The price is above what the caller agreed to pay.
    error NameCostAboveMax(uint256 cost, uint256 maxCost);
    /// @dev A registration to the zero address.
    error NameZeroOwner();
    /// @dev The commitment is younger than the minimum age; it can be revealed from `readyAt`.
    error CommitmentTooNew(bytes32 commitment, uint256 readyAt);
    /// @dev The commitment is older than the maximum age; it expired at `expiredAt`.
    error CommitmentTooOld(bytes32 commitment, uint256 expiredAt);
    /// @dev No commitment was made for this registration.
    error CommitmentNotFound(bytes32 commitment);
    /// @dev The same commitment exists and has not expired yet.
    error CommitmentUnexpired(bytes32 commitment);
    /// @dev The constructor got commitment ages with `minAge >= maxAge`.
    error CommitmentAgesInvalid(uint256 minAge, uint256 maxAge);
    /// @dev A governance price outside its hard bounds.
    error PriceOutOfBounds(uint256 value, uint256 min, uint256 max);
    /// @dev A rent price that is not a whole multiple of `unit` (rent prices are stored in units).
    error PriceNotMultipleOfUnit(uint256 value, uint256 unit);
    /// @dev Registering while paused, or pausing twice (same selector as OpenZeppelin's `Pausable`).
    error EnforcedPause();
    /// @dev Unpausing while not paused (same selector as OpenZeppelin's `Pausable`).
    error ExpectedPause();
    /// @dev The constructor got the zero address for the token or the pool.
    error NameRegistryZeroAddress();
    /// @dev The name's transfer count is `actual`, not `expected`: it changed hands since
    /// (e.g. since it was listed), even if it is back with the same holder.
    error NameTransferCountMismatch(uint256 tokenId, uint256 expected, uint256 actual);
    /// @dev ETH sent with a payable ERC-721 call (`transferFrom`, `safeTransferFrom`, `approve`):
    /// the registry takes SESH only.
    error NameRegistryEtherRefused(uint256 value);

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice A commitment was made for a later {register}.
    event CommitmentMade(bytes32 indexed commitment, address indexed committer);

    /// @notice A name was registered (or re-registered after it lapsed). `rent + premium`
    /// SESH went from the payer to the rewards pool in the same transaction.
    /// @dev For an indexer this event also SETS THE RECORD of `tokenId` to (`sessionKey`,
    /// `evmAddress`) (zeros: no record) and, if `primary`, makes `tokenId` the primary name of
    /// `owner` (replacing any other): registration emits no {RecordSet} or {PrimaryNameSet} for
    /// them. (A lapsed name's old record and its old holder's primary name are cleared by
    /// {RecordSet} and {PrimaryNameSet} events emitted before this one.)
    event NameRegistered(
        uint256 indexed tokenId,
        string label,
        address indexed owner,
        uint256 expiry,
        uint256 rent,
        uint256 premium,
        bytes32 sessionKey,
        address evmAddress,
        bool primary
    );

    /// @notice A name was renewed until `expiry`; `payer` paid `rent` SESH to the rewards pool.
    event NameRenewed(uint256 indexed tokenId, string label, address indexed payer, uint256 expiry, uint256 rent);

    /// @notice The record changed. Every transfer and burn clears the record: a plain transfer
    /// or burn emits it with zero values; {transferWithRecord} and {transferListed} emit it once,
    /// right after their `Transfer`, with the new record (zeros if none), which replaces the
    /// cleared one. Registration sets the record through {NameRegistered} instead.
    event RecordSet(uint256 indexed tokenId, bytes32 sessionKey, address evmAddress);

    /// @notice `owner`'s primary name is now `tokenId` (0: none). Registration with `primary`
    /// sets it through {NameRegistered} instead.
    event PrimaryNameSet(address indexed owner, uint256 indexed tokenId);

    /// @notice The Session ID `sessionKey` consents to `tokenId`, held by `owner`, as its reverse
    /// name (token id 0 and owner 0: to none, withdrawing any earlier consent), with `nonce` and the
    /// Ed25519 signature (`signatureR`, `signatureS`) of its key `ed25519Key` (see {ReverseConsent}).
    /// @dev NOT CHECKED ON CHAIN: anyone may emit any values through {giveReverseConsent}. A
    /// registry node counts the consent only if `ed25519Key` converts to `sessionKey`, the
    /// signature verifies over the consent bytes for this chain and registry, and `nonce` is above
    /// the nonce of the Session ID's last counted consent; it then replaces that one. The Session
    /// ID's reverse name is the name of its last counted consent while that name is live, valid,
    /// held by `owner`, points at `sessionKey` and is `owner`'s primary name; otherwise it has none.
    event ReverseConsentGiven(
        bytes32 indexed sessionKey,
        uint256 indexed tokenId,
        address indexed owner,
        bytes32 ed25519Key,
        uint64 nonce,
        bytes32 signatureR,
        bytes32 signatureS
    );

    /// @notice Governance set the rent per 365 days for labels of 1, 2, 3, 4 and 5+ bytes.
    event RentPricesSet(uint256[5] pricePerYear);

    /// @notice Governance set the premium a lapsed name starts at.
    event PremiumStartSet(uint256 startPremium);

    /// @notice Governance paused new registrations (same signature as OpenZeppelin's `Pausable`).
    event Paused(address account);

    /// @notice Governance allowed new registrations again (same signature as OpenZeppelin's `Pausable`).
    event Unpaused(address account);

    /*//////////////////////////////////////////////////////////////
                                 ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Records a commitment to a later {register}.
    function commit(bytes32 commitment) external;

    /// @notice Registers a name, pays for it, and sets its record and primary name.
    function register(Registration calldata registration, bytes32 secret, Permit calldata permit)
        external
        returns (uint256 tokenId);

    /// @notice As {register}, and relays the record's Session ID's consent to the name as its
    /// reverse name ({ReverseConsentGiven}, with the registration's owner).
    function registerAndConsent(
        Registration calldata registration,
        bytes32 secret,
        Permit calldata permit,
        ReverseConsent calldata consent
    ) external returns (uint256 tokenId);

    /// @notice Extends a name by `duration`; anyone may pay, until the grace period ends.
    function renew(string calldata label, uint256 duration, uint256 maxCost, Permit calldata permit)
        external
        returns (uint256 expiry);

    /// @notice Sets the record of a live name. Owner or approved only.
    function setRecord(uint256 tokenId, bytes32 sessionKey, address evmAddress) external;

    /// @notice Makes `tokenId` the caller's primary name. Owner only.
    function setPrimaryName(uint256 tokenId) external;

    /// @notice As {setPrimaryName}, and relays the record's Session ID's consent to the name as its
    /// reverse name ({ReverseConsentGiven}, with the caller as owner).
    function setPrimaryNameAndConsent(uint256 tokenId, ReverseConsent calldata consent) external;

    /// @notice Relays a Session ID's consent to `tokenId`, held by `owner`, as its reverse name
    /// (0 and 0: to none). Anyone may relay it: the signature is what counts, checked off chain.
    function giveReverseConsent(uint256 tokenId, address owner, ReverseConsent calldata consent) external;

    /// @notice Clears the caller's primary name.
    function clearPrimaryName() external;

    /// @notice Transfers `tokenId` and sets the new owner's record in the same call,
    /// so a name that changes hands resolves to its new owner at once. Caller must
    /// be the owner or approved (the market uses it).
    function transferWithRecord(address from, address to, uint256 tokenId, bytes32 sessionKey, address evmAddress)
        external;

    /// @notice As {transferWithRecord} from the current holder, only if the name's transfer
    /// count is still `expectedTransferCount`; returns that holder. Caller must be the owner or
    /// approved (a market selling a listing made at that count).
    function transferListed(
        address to,
        uint256 tokenId,
        uint256 expectedTransferCount,
        bytes32 sessionKey,
        address evmAddress
    ) external returns (address from);

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice Whether new registrations are paused.
    function paused() external view returns (bool);

    /// @notice The commitment for `registration` and `secret`.
    function makeCommitment(Registration calldata registration, bytes32 secret) external pure returns (bytes32);

    /// @notice When `commitment` was made (0: none).
    function commitmentTimestamp(bytes32 commitment) external view returns (uint256);

    /// @notice The SESH token.
    function sesh() external view returns (address);

    /// @notice Where every fee goes.
    function rewardsPool() external view returns (address);

    /// @notice The minimum age of a commitment (0: one-transaction registration allowed).
    function minCommitmentAge() external view returns (uint256);

    /// @notice The maximum age of a commitment.
    function maxCommitmentAge() external view returns (uint256);

    /// @notice Whether `label` is valid and can be registered now.
    function available(string calldata label) external view returns (bool);

    /// @notice The price of registering `label` for `duration` now.
    /// @return rent the rent for `duration`; premium the decaying premium on a lapsed name now.
    function rentPrice(string calldata label, uint256 duration) external view returns (uint256 rent, uint256 premium);

    /// @notice The rent per 365 days for labels of 1, 2, 3, 4 and 5+ bytes.
    function rentPrices() external view returns (uint256[5] memory);

    /// @notice The premium a lapsed name starts at when its grace period ends.
    function premiumStart() external view returns (uint256);

    /// @notice When `tokenId` expires (or expired); 0 if it was never registered.
    function expiryOf(uint256 tokenId) external view returns (uint256);

    /// @notice How many times `tokenId` was transferred or burned (0 if never); never decreases.
    function transferCountOf(uint256 tokenId) external view returns (uint256);

    /// @notice The holder of `tokenId` whatever its expiry (0: none); use it to renew in grace.
    function registrantOf(uint256 tokenId) external view returns (address);

    /// @notice The record of a live (unexpired) name; zeros otherwise.
    function resolve(string calldata label) external view returns (bytes32 sessionKey, address evmAddress);

    /// @notice The record of a live (unexpired) name by token id; zeros otherwise.
    function recordOf(uint256 tokenId) external view returns (bytes32 sessionKey, address evmAddress);

    /// @notice The tag (`uint224(tokenId >> 32)`) of `owner`'s primary name; `set` is false if none.
    function primaryNameOf(address owner) external view returns (bool set, uint224 tokenIdTag);

    /// @notice Whether `tokenId` is live and its owner's primary name.
    function isPrimaryName(uint256 tokenId) external view returns (bool);

    /// @notice `uint256(keccak256(bytes(label)))`.
    function tokenIdOf(string calldata label) external pure returns (uint256);
}
