//! `POST /storage_rpc/v1`: Session's storage protocol (`sesh_core::storage_rpc`), served on
//! the node's mailbox store: the node's only mailbox API.
//!
//! Served: `store`, `retrieve`, `delete`, `delete_all`, `expire`, `get_expiries`,
//! `get_swarm` (`get_snodes_for_pubkey`), `info`, `oxend_request` (`ons_resolve`,
//! `get_service_nodes`), and `batch`/`sequence` of those: every method of
//! `sesh_core::storage_rpc`.
//!
//! Each request is parsed with `Request::parse` (400 with its text), each sub-request
//! checked for the account's swarm ([`placement`], the one home of the swarm rule here: 421
//! with the swarm, as JSON; a member that left keeps answering reads for a while, see
//! `crate::handover`), then with the core's checks
//! (`Store::check`, `Retrieve::check`, `Delete::check`: 401, 403, 406), then carried out on
//! the mailbox. A signed `retrieve`, `delete_all` or `get_expiries` also passes the replay
//! guard (each signature once, as on the mailbox routes); `delete` and `expire` carry no
//! timestamp, and doing either twice changes nothing more.
//! A `store`, `delete`, `delete_all` or `expire` is handed on to the other members of the
//! account's swarm through `POST /v1/storage_forward` ([`forward`]: MACed by the forwarding
//! node, carried out there and handed on no further), and answers with every member's entry.

use crate::app::AppState;
use crate::mailbox::{ExpiryChange, MailboxError, now_ms, rpc_digest};
use crate::status::ActiveNode;
use crate::store::StoreError;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use sesh_core::SessionId;
use sesh_core::api::MAX_RETRIEVE;
use sesh_core::attestation::NodeKey;
use sesh_core::onion::Hop;
use sesh_core::ons::{NameHash, TYPE_SESSION};
use sesh_core::storage_rpc::hash::message_digest;
use sesh_core::storage_rpc::oxend::{ServiceNodeState, ServiceNodesResult};
use sesh_core::storage_rpc::receipt::{
    delete_all_receipt_message, delete_receipt_message, expire_receipt_message,
    store_receipt_message,
};
use sesh_core::storage_rpc::request::RequestAuth;
use sesh_core::storage_rpc::response::{
    AppliedExpiry, Base64Bytes, BatchResponse, DeleteAllMember, DeleteAllResponse, DeleteMember,
    DeleteResponse, Deleted, ExpireMember, ExpireResponse, GetExpiriesResponse, InfoResponse,
    MemberFailure, MemberResult, Meta, OxendResponse, RetrieveResponse, RetrievedMessage,
    Signature64, Snode, StoreMember, SubResult, Swarm, SwarmInfo,
};
use sesh_core::storage_rpc::{
    BATCH_REQUEST_MAX, Delete, DeleteAll, Expire, ExpireMode, GetExpiries, MAX_MESSAGE_BODY,
    MessageHash, NamespaceSelector, OxendEndpoint, OxendRequest, Request, Retrieve, RpcError,
    Store, StoreResponse, SubRequest, UserPubkey, decode_base64,
};
use sesh_core::swarm::{self, SWARM_SIZE};
use std::collections::BTreeMap;

pub(crate) mod forward;

pub(crate) use sesh_core::storage_rpc::forward::PATH as FORWARD_PATH;

/// The largest body: a batch of [`BATCH_REQUEST_MAX`] stores of the largest message (its
/// base64) and the JSON around each.
pub(crate) const MAX_RPC_BODY_BYTES: usize =
    BATCH_REQUEST_MAX * (MAX_MESSAGE_BODY.div_ceil(3) * 4 + 1024);

/// The hard fork answered in `hf`: the storage server's current one (clients only show it).
const HARD_FORK: [u16; 2] = [19, 3];

type RpcResult<T = Value> = Result<T, RpcError>;

/// `POST /storage_rpc/v1`.
pub(crate) async fn storage_rpc(State(app): State<AppState>, body: Bytes) -> Response {
    let request = match Request::parse(&body) {
        Ok(request) => request,
        Err(error) => return refusal(&RpcError::BadRequest(error)),
    };
    respond(match request {
        Request::One(sub) => one(&app, sub, false).await,
        Request::Batch(subs) => Ok(Answer::Json(batch(&app, subs, false).await)),
        Request::Sequence(subs) => Ok(Answer::Json(batch(&app, subs, true).await)),
    })
}

/// `POST /v1/storage_forward`: a write another member of the account's swarm hands on
/// ([`forward`]): one `store`, `delete`, `delete_all` or `expire`, carried out here only.
pub(crate) async fn storage_forward(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(error) = forward::check(&app, &headers, &body) {
        return refusal(&error);
    }
    match Request::parse(&body) {
        Ok(Request::One(
            sub @ (SubRequest::Store(_)
            | SubRequest::Delete(_)
            | SubRequest::DeleteAll(_)
            | SubRequest::Expire(_)),
        )) => respond(one(&app, sub, true).await),
        Ok(_) => refusal(&RpcError::BadRequestText(
            "a forward carries one store, delete, delete_all or expire".into(),
        )),
        Err(error) => refusal(&RpcError::BadRequest(error)),
    }
}

/// The HTTP answer to a request.
fn respond(answer: RpcResult<Answer>) -> Response {
    match answer {
        Ok(Answer::Store(response)) => (StatusCode::OK, axum::Json(response)).into_response(),
        Ok(Answer::Json(value)) => (StatusCode::OK, axum::Json(value)).into_response(),
        Err(error) => refusal(&error),
    }
}

/// A sub-request's answer. A store's stays typed until the body is written, serialized
/// once (the busiest request: no `Value` built and walked between); every other is JSON.
enum Answer {
    Store(StoreResponse),
    Json(Value),
}

impl Answer {
    /// As JSON (inside a `batch` or `sequence`).
    fn into_json(self) -> Value {
        match self {
            Self::Store(response) => to_json(&response),
            Self::Json(value) => value,
        }
    }
}

/// A refusal as the storage server gives it: JSON for 421, plain text otherwise.
fn refusal(error: &RpcError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match error.body() {
        Value::String(text) => (
            status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            text,
        )
            .into_response(),
        json => (status, axum::Json(json)).into_response(),
    }
}

/// Carries out the sub-requests of a `batch` (all) or `sequence` (up to the first non-2xx).
async fn batch(app: &AppState, subs: Vec<SubRequest>, sequence: bool) -> Value {
    let mut results = Vec::with_capacity(subs.len());
    for sub in subs {
        let result = match one(app, sub, false).await {
            Ok(body) => SubResult {
                code: 200,
                body: body.into_json(),
            },
            Err(error) => SubResult::from_error(&error),
        };
        let failed = !(200..300).contains(&result.code);
        results.push(result);
        if sequence && failed {
            break;
        }
    }
    to_json(&BatchResponse { results })
}

/// Carries out one (sub-)request; a `forwarded` one (from another member) is not handed on.
async fn one(app: &AppState, sub: SubRequest, forwarded: bool) -> RpcResult<Answer> {
    let now = now_ms();
    let meta = Meta {
        t: now,
        hf: HARD_FORK,
    };
    let reading = matches!(sub, SubRequest::Retrieve(_) | SubRequest::GetExpiries(_));
    let session_id = match sub.pubkey() {
        Some(pubkey) => {
            let session_id = session_id_of(pubkey)?;
            check_swarm(app, &session_id, meta, reading)?;
            Some(session_id)
        }
        None => None,
    };
    let answer = match (sub, session_id) {
        (SubRequest::Store(store), Some(id)) => {
            return self::store(app, store, id, now, meta, forwarded)
                .await
                .map(Answer::Store);
        }
        (SubRequest::Retrieve(retrieve), Some(id)) => self::retrieve(app, &retrieve, id, now, meta),
        (SubRequest::Delete(delete), Some(id)) => {
            self::delete(app, delete, id, meta, forwarded).await
        }
        (SubRequest::DeleteAll(delete), Some(id)) => {
            self::delete_all(app, delete, id, now, meta, forwarded).await
        }
        (SubRequest::Expire(request), Some(id)) => {
            self::expire(app, request, id, now, meta, forwarded).await
        }
        (SubRequest::GetExpiries(request), Some(id)) => get_expiries(app, &request, id, now),
        (SubRequest::OxendRequest(request), _) => oxend(app, &request, meta),
        (SubRequest::GetSwarm(pubkey), _) => {
            let session_id = session_id_of(&pubkey)?;
            let members = placement(app, &session_id).map_err(internal)?.members;
            Ok(to_json(&swarm_info(members, &session_id, meta)))
        }
        (SubRequest::Info, _) => Ok(to_json(&InfoResponse {
            version: version(),
            timestamp: now,
            meta,
        })),
        (other, _) => Err(RpcError::BadRequestText(format!(
            "{} is not served by this node yet",
            other.method()
        ))),
    };
    answer.map(Answer::Json)
}

async fn store(
    app: &AppState,
    store: Store,
    session_id: SessionId,
    now: u64,
    meta: Meta,
    forwarded: bool,
) -> RpcResult<StoreResponse> {
    let premium = app
        .premium_expiry(session_id)
        .map_err(internal)?
        .saturating_mul(1000)
        > now;
    store.check(now, premium)?;
    // `premium` is the recipient's at arrival, whatever the store's date. The message is kept
    // with the request's expiry and timestamp, as the storage server keeps it, so that every
    // member (forwarded to or handed it later) gives it the same `timestamp`; but a timestamp
    // over a minute old is kept as a minute before arrival (`Store::kept_timestamp`), each
    // member's own arrival, so members of a backdated store differ by the forward's delay.
    let now = store.kept_timestamp(now);
    // The storage hash, computed once: the answer's, the receipt's and the mailbox's key.
    let digest = message_digest(&store.pubkey, store.namespace, &store.data);
    let hash = MessageHash::from_digest(&digest);
    let forward = (!forwarded).then(|| SubRequest::Store(store.clone()));
    let ttl = store.expiry.saturating_sub(now);
    let namespace = store.namespace.0;
    // Queued for the group commit without a blocking thread of its own.
    let stored = app
        .mailbox
        .store_digested(session_id, namespace, store.data, digest, now, ttl)
        .await;
    let member = match stored {
        Ok(stored) => MemberResult::Ok(StoreMember {
            signature: Signature64(app.signer.sign_raw(&store_receipt_message(&hash))),
            hash: hash.clone(),
            already: stored.duplicate.then_some(true),
            expiry: stored.expiry_ms,
            t: None,
        }),
        Err(error) if error.is_refusal() => MemberResult::Failed(member_refusal(&error)),
        Err(error) => return Err(internal(error)),
    };
    Ok(StoreResponse {
        swarm: with_members(app, &session_id, member, forward).await?,
        hash: Some(hash),
        meta,
    })
}

/// This node's entry `own` and, when there is a request to `forward` (not for one that was
/// forwarded here), the entries of the other members it is handed on to.
async fn with_members<M: serde::de::DeserializeOwned>(
    app: &AppState,
    session_id: &SessionId,
    own: MemberResult<M>,
    forward: Option<SubRequest>,
) -> RpcResult<Swarm<M>> {
    let mut swarm: Swarm<M> = [(app.node_key().to_string(), own)].into();
    if let Some(sub) = forward {
        swarm.extend(
            forward::to_swarm(app, session_id, sub)
                .await
                .map_err(internal)?,
        );
    }
    Ok(swarm)
}

/// A store the mailbox refused (quota, node-wide bound, tombstone), as a failed member.
fn member_refusal(error: &MailboxError) -> MemberFailure {
    let code = match error {
        MailboxError::Deleted { .. } => 409,
        _ => 507,
    };
    MemberFailure {
        code: Some(code.into()),
        reason: Some(error.to_string()),
        ..MemberFailure::default()
    }
}

fn retrieve(
    app: &AppState,
    retrieve: &Retrieve,
    session_id: SessionId,
    now: u64,
    meta: Meta,
) -> RpcResult {
    retrieve.check(now)?;
    if let Some(auth) = &retrieve.auth {
        admit(app, auth, now)?;
    }
    let limit = retrieve
        .max_count
        .filter(|count| *count > 0)
        .map_or(MAX_RETRIEVE, |count| (count as usize).min(MAX_RETRIEVE));
    let last = retrieve.last_hash.as_ref().and_then(digest_of);
    let page = app
        .mailbox
        .retrieve_rpc(&session_id, retrieve.namespace.0, last.as_ref(), limit, now)
        .map_err(internal)?;
    let max_size = retrieve.effective_max_size();
    let recipient = session_id.to_bytes();
    let mut size = 0i64;
    let mut more = page.more;
    let mut messages = Vec::with_capacity(page.messages.len());
    for message in page.messages {
        let bytes = message.data.len().div_ceil(3) as i64 * 4;
        if !messages.is_empty() && size + bytes > max_size {
            more = true;
            break;
        }
        size += bytes;
        let digest = rpc_digest(&recipient, retrieve.namespace.0, &message.data);
        messages.push(RetrievedMessage {
            hash: MessageHash::from_digest(&digest),
            timestamp: message.stored_ms,
            expiration: message.expiry_ms,
            data: Base64Bytes(message.data),
        });
    }
    Ok(to_json(&RetrieveResponse {
        messages,
        more,
        meta,
    }))
}

/// `delete`: here, and (asked by a client) on the other members; `required` then asks that
/// some member deleted something.
async fn delete(
    app: &AppState,
    delete: Delete,
    session_id: SessionId,
    meta: Meta,
    forwarded: bool,
) -> RpcResult {
    delete.check()?;
    let digests: Vec<[u8; 32]> = delete.messages.iter().filter_map(digest_of).collect();
    let mailbox = app.mailbox.clone();
    let deleted = tokio::task::spawn_blocking(move || mailbox.delete_rpc(&session_id, &digests))
        .await
        .map_err(internal)?
        .map_err(internal)?;
    let mut deleted: Vec<MessageHash> = deleted.iter().map(MessageHash::from_digest).collect();
    deleted.sort();
    let signature = app.signer.sign_raw(&delete_receipt_message(
        &delete.pubkey,
        &delete.messages,
        &deleted,
    ));
    let member = MemberResult::Ok(DeleteMember {
        deleted,
        signature: Signature64(signature),
    });
    // Each member answers what it deleted; `required` is judged here, swarm-wide (the
    // client's signature does not cover it).
    let forward = (!forwarded).then(|| {
        SubRequest::Delete(Delete {
            required: false,
            ..delete.clone()
        })
    });
    let swarm = with_members(app, &session_id, member, forward).await?;
    let any = swarm
        .values()
        .any(|entry| matches!(entry, MemberResult::Ok(member) if !member.deleted.is_empty()));
    if delete.required && !any {
        return Err(RpcError::NotFound);
    }
    Ok(to_json(&DeleteResponse { swarm, meta }))
}

async fn delete_all(
    app: &AppState,
    request: DeleteAll,
    session_id: SessionId,
    now: u64,
    meta: Meta,
    forwarded: bool,
) -> RpcResult {
    request.check(now, forwarded)?;
    admit(app, &request.auth, now)?;
    let namespace = match request.namespace {
        NamespaceSelector::One(ns) => Some(ns.0),
        NamespaceSelector::All => None,
    };
    let mailbox = app.mailbox.clone();
    let deleted =
        tokio::task::spawn_blocking(move || mailbox.delete_all_rpc(&session_id, namespace))
            .await
            .map_err(internal)?
            .map_err(internal)?;
    let mut all: Vec<MessageHash> = deleted
        .iter()
        .map(|(_, digest)| MessageHash::from_digest(digest))
        .collect();
    all.sort();
    let answer = match namespace {
        Some(_) => Deleted::One(all.clone()),
        None => {
            let mut by_namespace: BTreeMap<String, Vec<MessageHash>> = BTreeMap::new();
            for (ns, digest) in &deleted {
                by_namespace
                    .entry(ns.to_string())
                    .or_default()
                    .push(MessageHash::from_digest(digest));
            }
            by_namespace.values_mut().for_each(|hashes| hashes.sort());
            Deleted::ByNamespace(by_namespace)
        }
    };
    let signature = app.signer.sign_raw(&delete_all_receipt_message(
        &request.pubkey,
        request.auth.timestamp,
        &all,
    ));
    let member = MemberResult::Ok(DeleteAllMember {
        deleted: answer,
        signature: Signature64(signature),
    });
    let forward = (!forwarded).then_some(SubRequest::DeleteAll(request));
    let swarm = with_members(app, &session_id, member, forward).await?;
    Ok(to_json(&DeleteAllResponse { swarm, meta }))
}

/// `expire`: each expiry capped at 30 days from now (`Expire::applied_expiries`); the answer
/// and its receipt as the storage server makes them (one expiry: the one tried, even if
/// nothing changed; several: those of `updated`).
async fn expire(
    app: &AppState,
    request: Expire,
    session_id: SessionId,
    now: u64,
    meta: Meta,
    forwarded: bool,
) -> RpcResult {
    request.check(now)?;
    let applied = request.applied_expiries(now);
    let pairs: Vec<([u8; 32], u64)> = request
        .messages
        .iter()
        .enumerate()
        .filter_map(|(i, hash)| {
            let expiry = if applied.len() == 1 {
                applied[0]
            } else {
                applied[i]
            };
            Some((digest_of(hash)?, expiry))
        })
        .collect();
    let change = match request.mode {
        ExpireMode::Either => ExpiryChange::Either,
        ExpireMode::Shorten => ExpiryChange::Shorten,
        ExpireMode::Extend => ExpiryChange::Extend,
    };
    let mailbox = app.mailbox.clone();
    let done =
        tokio::task::spawn_blocking(move || mailbox.expire_rpc(&session_id, &pairs, change, now))
            .await
            .map_err(internal)?
            .map_err(internal)?;
    let mut updated: Vec<(MessageHash, u64)> = done
        .updated
        .iter()
        .map(|(digest, expiry)| (MessageHash::from_digest(digest), *expiry))
        .collect();
    updated.sort();
    let unchanged: Option<BTreeMap<String, u64>> = (change != ExpiryChange::Either).then(|| {
        done.unchanged
            .iter()
            .map(|(digest, expiry)| {
                (
                    MessageHash::from_digest(digest).as_str().to_owned(),
                    *expiry,
                )
            })
            .collect()
    });
    let (signed_expiries, expiry) = if applied.len() == 1 {
        (applied.clone(), AppliedExpiry::One(applied[0]))
    } else {
        let each: Vec<u64> = updated.iter().map(|(_, e)| *e).collect();
        (each.clone(), AppliedExpiry::Many(each))
    };
    let updated: Vec<MessageHash> = updated.into_iter().map(|(hash, _)| hash).collect();
    let signature = app.signer.sign_raw(&expire_receipt_message(
        &request.pubkey,
        &signed_expiries,
        &request.messages,
        &updated,
        unchanged.as_ref().unwrap_or(&BTreeMap::new()),
    ));
    let member = MemberResult::Ok(ExpireMember {
        updated,
        unchanged,
        expiry,
        signature: Signature64(signature),
    });
    let forward = (!forwarded).then_some(SubRequest::Expire(request));
    let swarm = with_members(app, &session_id, member, forward).await?;
    Ok(to_json(&ExpireResponse { swarm, meta }))
}

fn get_expiries(
    app: &AppState,
    request: &GetExpiries,
    session_id: SessionId,
    now: u64,
) -> RpcResult {
    request.check(now)?;
    admit(app, &request.auth, now)?;
    let asked: Vec<(&String, [u8; 32])> = request
        .messages
        .iter()
        .filter_map(|text| Some((text, digest_of(&MessageHash::parse(text)?)?)))
        .collect();
    let digests: Vec<[u8; 32]> = asked.iter().map(|(_, digest)| *digest).collect();
    let found = app
        .mailbox
        .expiries_rpc(&session_id, &digests, now)
        .map_err(internal)?;
    let expiries = asked
        .iter()
        .filter_map(|(text, digest)| {
            let (_, expiry) = found.iter().find(|(d, _)| d == digest)?;
            Some(((*text).clone(), *expiry))
        })
        .collect();
    Ok(to_json(&GetExpiriesResponse { expiries }))
}

/// `oxend_request`: `ons_resolve` from this node's index (as `POST /json_rpc` answers it:
/// `{}` for a name that does not resolve) and `get_service_nodes`, the active nodes (their
/// URL's host and port as `public_ip` and `storage_port`, the node key as both keys).
fn oxend(app: &AppState, request: &OxendRequest, meta: Meta) -> RpcResult {
    let result = match request.endpoint {
        OxendEndpoint::OnsResolve => {
            let params = request.ons_params().ok_or_else(|| {
                RpcError::BadRequestText(
                    "ons_resolve params must be {\"type\": 0, \"name_hash\": …}".into(),
                )
            })?;
            if params.kind != TYPE_SESSION {
                return Err(RpcError::BadRequestText(format!(
                    "ons_resolve type {} is not served: only 0 (Session)",
                    params.kind
                )));
            }
            let hash = NameHash::parse(&params.name_hash)
                .map_err(|error| RpcError::BadRequestText(format!("name_hash: {error}")))?;
            match app.ons_resolve(hash).map_err(internal)? {
                Some(result) => to_json(&result),
                None => Value::Object(Default::default()),
            }
        }
        OxendEndpoint::GetServiceNodes => {
            let params = request.service_nodes_params().ok_or_else(|| {
                RpcError::BadRequestText("get_service_nodes params do not parse".into())
            })?;
            let limit = params
                .limit
                .map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(usize::MAX));
            let states = app
                .active_nodes()
                .map_err(internal)?
                .into_iter()
                .take(limit)
                .map(|(key, url)| {
                    let s = snode(&key, &url);
                    ServiceNodeState {
                        public_ip: s.ip,
                        storage_port: s.port_https,
                        pubkey_x25519: s.pubkey_x25519,
                        pubkey_ed25519: s.pubkey_ed25519,
                        other: Default::default(),
                    }
                })
                .collect();
            to_json(&ServiceNodesResult {
                service_node_states: states,
                other: Default::default(),
            })
        }
    };
    Ok(to_json(&OxendResponse { result, meta }))
}

/// The replay guard: each signature once.
fn admit(app: &AppState, auth: &RequestAuth, now: u64) -> RpcResult<()> {
    app.replay
        .admit(&auth.signature, auth.timestamp, now)
        .map_err(|error| RpcError::Unauthorized(error.to_string()))
}

/// The 32 bytes of a message hash (43 base64 characters).
fn digest_of(hash: &MessageHash) -> Option<[u8; 32]> {
    decode_base64(hash.as_str())
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
}

/// The Session ID of a `05` account; other accounts (groups, `03`) have no mailbox here.
fn session_id_of(pubkey: &UserPubkey) -> RpcResult<SessionId> {
    if !pubkey.is_session_id() {
        return Err(RpcError::BadRequestText(format!(
            "this node keeps mailboxes of Session IDs (05…) only, not {pubkey}"
        )));
    }
    SessionId::from_key(pubkey.key.into())
        .ok_or_else(|| RpcError::BadRequestText(format!("{pubkey} is not a Session ID")))
}

/// Where an account's mailbox is kept, as this node sees the active set.
pub(crate) struct Placement {
    /// The account's swarm: [`SWARM_SIZE`] rendezvous nodes of the active set
    /// (`sesh_core::swarm::mailbox_swarm`), best first; every active node while no more
    /// are active.
    pub members: Vec<ActiveNode>,
    /// Whether this node is one of `members`.
    pub active_member: bool,
    /// Whether this node keeps the mailbox: it is a member, or no more than [`SWARM_SIZE`]
    /// nodes are active (then every node keeps every mailbox, one outside the set too: a
    /// standalone node, or one not yet staked; not one that left the set, which would take
    /// stores it hands on to no one).
    pub keeps: bool,
}

/// The account's [`Placement`] under the current active set.
pub(crate) fn placement(app: &AppState, session_id: &SessionId) -> Result<Placement, StoreError> {
    let active = app.active_nodes()?;
    let few = active.len() <= SWARM_SIZE;
    let members = swarm::mailbox_swarm(active, session_id, |(key, _)| Some(*key));
    let me = app.node_key();
    let active_member = members.iter().any(|(key, _)| *key == me);
    let keeps = active_member || (few && !app.status.has_left(&app.store)?);
    Ok(Placement {
        keeps,
        active_member,
        members,
    })
}

/// Whether this node keeps `session_id`'s mailbox now ([`Placement::keeps`]).
pub(crate) fn keeps(app: &AppState, session_id: &SessionId) -> Result<bool, StoreError> {
    Ok(placement(app, session_id)?.keeps)
}

/// The account's swarm as `get_swarm` and a 421 give it.
fn swarm_info(members: Vec<ActiveNode>, session_id: &SessionId, meta: Meta) -> SwarmInfo {
    let subject = swarm::mailbox_subject(session_id);
    SwarmInfo {
        snodes: members
            .into_iter()
            .map(|(key, url)| snode(&key, &url))
            .collect(),
        swarm: hex::encode(&subject[..subject.len().min(8)]),
        meta,
    }
}

/// A member as the storage server lists it. A registry node's identity is its Ed25519 key
/// (also the legacy field); `pubkey_x25519` is its onion key, that key mapped to Curve25519
/// ([`Hop::from_ed25519`]), which Session clients encrypt onion layers to; `ip` is the host
/// of its URL.
fn snode(key: &NodeKey, url: &str) -> Snode {
    let ed25519 = key.to_string();
    let x25519 =
        Hop::from_ed25519(key.0).map_or_else(|_| String::new(), |hop| hex::encode(hop.x25519));
    let parsed = url.parse::<axum::http::Uri>().ok();
    let host = parsed
        .as_ref()
        .and_then(|u| u.host().map(|h| h.trim_matches(['[', ']']).to_owned()))
        .unwrap_or_default();
    let port = parsed
        .as_ref()
        .and_then(|u| {
            u.port_u16()
                .or_else(|| (u.scheme_str() == Some("http")).then_some(80))
        })
        .unwrap_or(443);
    Snode {
        address: format!("{ed25519}.snode"),
        pubkey_legacy: ed25519.clone(),
        pubkey_x25519: x25519,
        pubkey_ed25519: ed25519,
        port: port.to_string(),
        port_https: port,
        port_omq: 0,
        port_quic: 0,
        ip: host,
    }
}

/// Refuses an account this node does not keep ([`Placement::keeps`]): 421 with the swarm.
/// A `reading` request (`retrieve`, `get_expiries`) is still answered by a member that left
/// the account's swarm less than `former_swarms::GRACE` ago and holds messages of it, for clients
/// that have not learnt the new swarm yet.
fn check_swarm(app: &AppState, session_id: &SessionId, meta: Meta, reading: bool) -> RpcResult<()> {
    let placement = placement(app, session_id).map_err(internal)?;
    if placement.keeps {
        return Ok(());
    }
    if reading
        && app.status.was_member_lately(session_id)
        && app.mailbox.holds(session_id).map_err(internal)?
    {
        return Ok(());
    }
    Err(RpcError::WrongSwarm(Box::new(swarm_info(
        placement.members,
        session_id,
        meta,
    ))))
}

fn version() -> [u16; 3] {
    let mut parts = env!("CARGO_PKG_VERSION")
        .split('.')
        .map(|part| part.parse().unwrap_or(0));
    [(); 3].map(|()| parts.next().unwrap_or(0))
}

fn internal(error: impl std::fmt::Display) -> RpcError {
    tracing::warn!(%error, "storage_rpc failed");
    RpcError::Internal("internal error".into())
}

fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sesh_core::attestation::NodeSigner;

    #[test]
    fn refusals_carry_the_storage_server_status_and_body() {
        let parse = Request::parse(b"{\"method\": \"nope\", \"params\": {}}").unwrap_err();
        let response = refusal(&RpcError::BadRequest(parse));
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert!(
            response.headers()[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/plain")
        );
        let wrong = RpcError::WrongSwarm(Box::new(SwarmInfo {
            snodes: vec![snode(&NodeKey([0xab; 32]), "https://10.0.0.1:8443")],
            swarm: "00".into(),
            meta: Meta {
                t: 1,
                hf: HARD_FORK,
            },
        }));
        let response = refusal(&wrong);
        assert_eq!(response.status().as_u16(), 421);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE].to_str().unwrap(),
            "application/json"
        );
    }

    #[test]
    fn snodes_carry_the_host_and_port_of_the_url() {
        let key = NodeSigner::from_seed([3; 32]).node_key();
        let s = snode(&key, "https://10.0.0.1:8443/");
        assert_eq!(
            (s.ip.as_str(), s.port_https, s.port.as_str()),
            ("10.0.0.1", 8443, "8443")
        );
        assert_eq!(snode(&key, "https://node.example").port_https, 443);
    }

    #[test]
    fn snodes_carry_the_onion_key_the_node_peels_with() {
        let signer = NodeSigner::from_seed([4; 32]);
        let s = snode(&signer.node_key(), "https://node.example");
        assert_eq!(s.pubkey_ed25519, signer.node_key().to_string());
        assert_eq!(s.pubkey_x25519, hex::encode(signer.onion_key().public()));
        assert_ne!(s.pubkey_x25519, s.pubkey_ed25519);
    }

    #[test]
    fn group_accounts_have_no_mailbox_here() {
        let group = UserPubkey {
            prefix: 0x03,
            key: [7; 32],
        };
        assert_eq!(session_id_of(&group).unwrap_err().status(), 400);
        let id = sesh_core::envelope::session_id_from_seed(&[1; 32]);
        assert_eq!(session_id_of(&UserPubkey::from(&id)).unwrap(), id);
    }

    #[test]
    fn message_hashes_round_trip_through_their_digest() {
        let id = sesh_core::envelope::session_id_from_seed(&[2; 32]);
        let digest = rpc_digest(&id.to_bytes(), 0, b"hello");
        let hash = MessageHash::from_digest(&digest);
        assert_eq!(hash.as_str().len(), 43);
        assert_eq!(
            hash,
            sesh_core::storage_rpc::message_hash(
                &UserPubkey::from(&id),
                sesh_core::storage_rpc::Namespace(0),
                b"hello"
            )
        );
        assert_eq!(digest_of(&hash), Some(digest));
    }

    #[test]
    fn the_version_is_the_crate_version() {
        let v = version();
        assert_eq!(
            format!("{}.{}.{}", v[0], v[1], v[2]),
            env!("CARGO_PKG_VERSION")
        );
    }
}
