// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title INameRegistry
/// @notice Session usernames as ERC-721 tokens (`tokenId = uint256(keccak256(label))`),
/// rented in SESH, each carrying a record: the owner's Session ID and an optional
/// EVM address.
/// @dev Session IDs are `0x05 ‖ key` (33 bytes); only the 32-byte X25519 key is
/// stored and passed (`sessionKey`), the `05` prefix is implied. A zero key means
/// "no record".
interface INameRegistry {
    /// @dev EIP-2612 permit arguments; `deadline == 0` means "no permit, use the allowance".
    struct Permit {
        uint256 value;
        uint256 deadline;
        uint8 v;
        bytes32 r;
        bytes32 s;
    }

    /// @dev Everything a registration sets in one transaction.
    struct Registration {
        string label;
        address owner;
        uint256 duration;
        bytes32 sessionKey;
        address evmAddress;
        bool setPrimary;
        /// @dev The most the caller agrees to pay (rent plus premium).
        uint256 maxCost;
    }

    // ------------------------------------------------------------------ errors
    error NameInvalidLength(uint256 length);
    error NameInvalidCharacter(uint256 position, bytes1 character);
    error NameInvalidHyphen();
    error NameNotAvailable(uint256 tokenId);
    error NameExpired(uint256 tokenId, uint256 expiry);
    error NameNotRenewable(uint256 tokenId);
    error NameUnauthorized(address caller, uint256 tokenId);
    error NameDurationTooShort(uint256 duration, uint256 minimum);
    error NameCostAboveMax(uint256 cost, uint256 maxCost);
    error NameZeroOwner();
    error CommitmentTooNew(bytes32 commitment, uint256 readyAt);
    error CommitmentTooOld(bytes32 commitment, uint256 expiredAt);
    error CommitmentNotFound(bytes32 commitment);
    error CommitmentUnexpired(bytes32 commitment);
    error PriceOutOfBounds(uint256 value, uint256 min, uint256 max);

    // ------------------------------------------------------------------ events
    event CommitmentMade(bytes32 indexed commitment, address indexed committer);
    /// @notice A name was registered (or re-registered after it lapsed).
    event NameRegistered(
        uint256 indexed tokenId, string label, address indexed owner, uint256 expiry, uint256 rent, uint256 premium
    );
    event NameRenewed(uint256 indexed tokenId, string label, address indexed payer, uint256 expiry, uint256 rent);
    /// @notice The record changed; a transfer emits it with zero values (the record is cleared).
    event RecordSet(uint256 indexed tokenId, bytes32 sessionKey, address evmAddress);
    /// @notice `owner`'s primary name is now `tokenId` (0: none).
    event PrimaryNameSet(address indexed owner, uint256 indexed tokenId);
    event RentPricesSet(uint256[5] pricePerYear);
    event PremiumStartSet(uint256 startPremium);

    // ------------------------------------------------------------------ actions
    function commit(bytes32 commitment) external;
    function makeCommitment(Registration calldata registration, bytes32 secret) external pure returns (bytes32);
    function register(Registration calldata registration, bytes32 secret, Permit calldata permit)
        external
        returns (uint256 tokenId);
    function renew(string calldata label, uint256 duration, uint256 maxCost, Permit calldata permit)
        external
        returns (uint256 expiry);
    function setRecord(uint256 tokenId, bytes32 sessionKey, address evmAddress) external;
    function setPrimaryName(uint256 tokenId) external;
    function clearPrimaryName() external;
    /// @notice Transfers `tokenId` and sets the new owner's record in the same call,
    /// so a name that changes hands resolves to its new owner at once. Caller must
    /// be the owner or approved (the market uses it).
    function transferWithRecord(address from, address to, uint256 tokenId, bytes32 sessionKey, address evmAddress)
        external;

    // ------------------------------------------------------------------ views
    function sesh() external view returns (address);
    function rewardsPool() external view returns (address);
    function available(string calldata label) external view returns (bool);
    /// @return rent the rent for `duration`; premium the decaying premium on a lapsed name now.
    function rentPrice(string calldata label, uint256 duration) external view returns (uint256 rent, uint256 premium);
    function expiryOf(uint256 tokenId) external view returns (uint256);
    /// @notice The record of a live (unexpired) name; zeros otherwise.
    function resolve(string calldata label) external view returns (bytes32 sessionKey, address evmAddress);
    function recordOf(uint256 tokenId) external view returns (bytes32 sessionKey, address evmAddress);
    function primaryNameOf(address owner) external view returns (bool set, uint224 tokenIdTag);
    function isPrimaryName(uint256 tokenId) external view returns (bool);
    function tokenIdOf(string calldata label) external pure returns (uint256);
}
