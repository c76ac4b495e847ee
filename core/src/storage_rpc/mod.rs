//! Session's storage protocol (`POST /storage_rpc/v1`), the definitions the
//! registry node (server side) and the wallet (client side) share.
//!
//! Everything here is carried over from Session's storage server
//! (`session-storage-server`: `oxenss/rpc/client_rpc_endpoints.{h,cpp}`,
//! `oxenss/rpc/request_handler.{h,cpp}`, `oxenss/common/namespace.h`): field
//! names, which values are strings and which numbers, defaults, signature
//! strings, answer shapes, error texts and status codes.
//!
//! - [`request`]: `{"method": …, "params": {…}}`, parsed with typed errors
//!   ([`request::Request::parse`]) and written back ([`request::Request::to_json`]).
//! - [`response`]: the answers, and [`response::RpcError`], the refusals with
//!   their status codes (400, 401, 403, 404, 406, 421).
//! - [`hash`]: the message hash, `base64(BLAKE2b-256(…))` without padding.
//! - [`auth`]: the bytes each request signs, signing (wallet) and checking
//!   (node), the ±60 s window and the TTL bounds.
//! - [`oxend`]: `oxend_request`'s two endpoints, `ons_resolve` and
//!   `get_service_nodes` (the active node list), typed.
//! - [`receipt`]: what each swarm member signs in its answer (the store
//!   receipt: the hash, with the member's Ed25519 key), built and checked.

pub mod auth;
pub mod forward;
pub mod hash;
pub mod oxend;
pub mod receipt;
pub mod request;
pub mod response;
mod types;

pub use auth::{AuthError, ExpireMode};
pub use hash::message_hash;
pub use request::{
    Delete, DeleteAll, Expire, GetExpiries, OxendEndpoint, OxendRequest, ParamError, Request,
    RequestError, Retrieve, Store, SubRequest,
};
pub use response::{ResponseError, RpcError, StoreResponse, parse_response};
pub use types::{
    Base64Error, MessageHash, Namespace, NamespaceSelector, SubaccountToken, UserPubkey,
    decode_base64,
};

/// Largest `data` of a store, in bytes (102,400 base64 characters).
pub const MAX_MESSAGE_BODY: usize = 76_800;
/// Most sub-requests in one `batch` or `sequence`.
pub const BATCH_REQUEST_MAX: usize = 20;
/// Most bytes of messages one `retrieve` answers with.
pub const RETRIEVE_MAX_SIZE: i64 = 7_800_000;
/// Shortest TTL of a stored message, in milliseconds (10 s).
pub const TTL_MINIMUM_MS: u64 = 10_000;
/// Longest TTL of a message stored in a public namespace (divisible by 10),
/// in milliseconds (14 days).
pub const TTL_MAXIMUM_MS: u64 = 14 * 24 * 3600 * 1000;
/// Longest TTL of a message stored in a private namespace, of an expiry
/// update, and (our rule) of a message to a premium recipient, in
/// milliseconds (30 days).
pub const TTL_MAXIMUM_PRIVATE_MS: u64 = 30 * 24 * 3600 * 1000;
/// How far a signed request's timestamp may be from the node's clock, in
/// milliseconds (±60 s).
pub const SIGNATURE_TOLERANCE_MS: u64 = 60_000;
/// The same for a request forwarded by another swarm member (±70 s).
pub const SIGNATURE_TOLERANCE_FORWARDED_MS: u64 = 70_000;
/// How far into the future a store's `timestamp`, and into the past its
/// expiry, may be, in milliseconds (10 s).
pub const STORE_TOLERANCE_MS: u64 = 10_000;
/// The HTTP path of the protocol.
pub const PATH: &str = "/storage_rpc/v1";
