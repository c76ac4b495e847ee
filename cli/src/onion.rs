//! The wallet's transport to registry nodes: through onion paths by default
//! ([`sesh_core::onion`], `POST /onion_req/v2`), directly with `--direct` or `--registry`.
//!
//! # Paths
//!
//! A path is 3 nodes of the active set (guard → relay → destination), the destination being
//! the node that must answer (a lookup's asked node, a swarm member). Within a command:
//!
//! - **One guard for every request** (a node other than the destination, of another operator
//!   where possible): one node, not three, learns the wallet's address, and it learns nothing
//!   else ([threat model](../../docs/threat-model.md#onion-requests)). Requests to the guard's
//!   own node go through a second guard, always the same.
//! - **A relay per destination**, of an operator that is neither the guard's nor the
//!   destination's where possible, and not the relay of another destination while there are
//!   enough nodes: a relay learns the destination, and one relay seeing the 3 nodes a lookup
//!   asks would learn more about the subject (they are chosen by rendezvous hashing of it).
//! - Operators come from the node records (`NodeStaking.nodeInfo`), read once a command,
//!   only when a hop has to be chosen.
//! - The guard and relays that answered are kept in `onion/<chain id>.json` in the data
//!   folder, so the next command reuses them instead of showing its address to a new guard.
//!
//! With fewer than 3 nodes the path is shorter (2 nodes: the destination sees only the
//! guard's address; 1: the destination is reached directly, encrypted).
//!
//! # Failures
//!
//! A guard that cannot be reached (connect error, timeout) is dropped; a 502 or 504 from a
//! relay drops the relay (the next attempt with a new relay failing too means the destination
//! itself is down). The path is rebuilt without the dropped node, at most [`ATTEMPTS`] times;
//! `--json` shows the path each answer came through, and in text a note on stderr names each
//! node dropped (`note: relay URL did not answer; built a new path`, not with `--quiet`).
//! A request is sent again only when it cannot have been carried out (the guard was not
//! reached, or a relay could not reach the next node: 502), or when carrying it out twice does
//! no harm: GETs, and stores (a store is idempotent by the message's hash: a node that has it
//! answers `already`). A signed retrieve after a timeout (504) is not sent again: the node's
//! replay guard would refuse its signature, and the mailbox asks another member instead.
//!
//! # Cipher
//!
//! XChaCha20-Poly1305 by default ([`DEFAULT_ENC`]): its 24-byte random nonces never collide in
//! practice, and it is constant-time in software on machines without AES instructions;
//! `--onion-cipher aes-gcm` selects AES-256-GCM (the storage server's default), which every
//! node serves too.

use crate::failure::describe_failure;
use crate::target::NodeTarget;
use alloy::primitives::Address;
use alloy::providers::DynProvider;
use reqwest::header::CONTENT_TYPE;
use serde::{Deserialize, Serialize};
use sesh_core::attestation::NodeKey;
use sesh_core::onion::{self, EncType, Hop, OnionError};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Mutex;

/// Nodes on a path, the destination included.
pub(crate) const HOPS: usize = 3;

/// Paths tried for one request before it fails.
pub(crate) const ATTEMPTS: usize = 3;

/// The cipher of paths unless `--onion-cipher` says otherwise (see the module's doc).
pub(crate) const DEFAULT_ENC: EncType = EncType::XChaCha20;

/// What to ask a node.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Request<'a> {
    /// `GET path` (lookups, reverse names, premium proofs).
    Get(&'a str),
    /// `POST path` with a JSON body (ONS).
    PostJson(&'a str, &'a str),
    /// A storage RPC (`{"method", "params"}`), `POST /storage_rpc/v1`.
    StorageRpc(&'a str),
}

impl Request<'_> {
    /// The final layer's request: the storage RPC itself, or the endpoint form.
    fn onion_bytes(&self) -> Vec<u8> {
        match self {
            Self::StorageRpc(body) => body.as_bytes().to_vec(),
            Self::Get(path) => serde_json::json!({"endpoint": path, "method": "GET"})
                .to_string()
                .into_bytes(),
            Self::PostJson(path, body) => serde_json::json!({
                "endpoint": path,
                "method": "POST",
                "body": body,
                "headers": {"content-type": "application/json"},
            })
            .to_string()
            .into_bytes(),
        }
    }

    /// Whether carrying it out twice does no harm: reads by GET, and stores (idempotent by
    /// the message's hash). Signed retrieves and deletes are not resent after a timeout.
    fn resendable(&self) -> bool {
        match self {
            Self::Get(_) | Self::PostJson(..) => true,
            Self::StorageRpc(body) => serde_json::from_str::<serde_json::Value>(body)
                .ok()
                .is_some_and(|json| json["method"] == "store"),
        }
    }
}

/// A node on the path that answered, in a command's `--json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct PathHop {
    /// Its URL.
    pub(crate) url: String,
    /// Its Ed25519 key, hex.
    pub(crate) node_key: String,
}

impl PathHop {
    /// A sample path ending at node `destination`, for golden files: guard node 9 (the same
    /// for every destination), relay `destination + 4`.
    #[cfg(test)]
    pub(crate) fn sample(destination: u8) -> Vec<Self> {
        [9, destination + 4, destination]
            .into_iter()
            .map(|i| Self {
                url: format!("https://node{i}.example"),
                node_key: NodeKey([i; 32]).to_string(),
            })
            .collect()
    }
}

/// A node's answer: the HTTP status and body of the route (through a path, the ones the
/// destination sealed), and the path it came through (`None`: directly).
#[derive(Debug)]
pub(crate) struct Reply {
    /// The route's status.
    pub(crate) status: u16,
    /// The route's body.
    pub(crate) body: Vec<u8>,
    /// The path, guard first (`None`: sent directly).
    pub(crate) path: Option<Vec<PathHop>>,
}

/// Why a node gave no answer.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SendError {
    /// Sent directly, and it could not be reached.
    #[error("{0}")]
    Unreachable(String),
    /// Every path tried failed.
    #[error("not reached through {tries} onion path(s): {last}")]
    Paths {
        /// How many paths were tried.
        tries: usize,
        /// What the last one did.
        last: String,
    },
    /// The node has no key, so no layer can be encrypted to it.
    #[error("its key is unknown, so no onion path can end at it")]
    NoKey,
    /// The layers cannot be built, or the answer does not open.
    #[error("onion request: {0}")]
    Onion(#[from] OnionError),
}

/// How requests reach nodes: directly, or through onion paths of the active set.
#[derive(Debug)]
pub(crate) struct Transport {
    client: reqwest::Client,
    onion: Option<Paths>,
}

/// The onion side: the nodes paths are made of, and the paths in use.
#[derive(Debug)]
struct Paths {
    enc: EncType,
    /// The active set (every node has a key).
    pool: Vec<NodeTarget>,
    /// Where operators are read (`None`: they are not, and every node counts as its own).
    staking: Option<(DynProvider, Address)>,
    operators: tokio::sync::OnceCell<HashMap<NodeKey, Address>>,
    state: Mutex<State>,
    cache: Option<PathBuf>,
    /// Whether a path rebuilt around a node that did not answer is told on stderr (text
    /// mode; `--json` shows each answer's path instead).
    tell_rebuilds: bool,
}

/// The guard and relays in use, what failed, and which path answered for each node.
#[derive(Debug, Default)]
struct State {
    guard: Option<NodeKey>,
    /// The guard of paths to the guard itself.
    spare: Option<NodeKey>,
    /// Relay by destination.
    relays: HashMap<NodeKey, NodeKey>,
    /// Nodes that failed as hops in this command (still asked as destinations).
    dropped: HashSet<NodeKey>,
    /// By destination URL: the path of its last answer.
    answered: HashMap<String, Vec<PathHop>>,
    /// Whether the guard or a relay changed since the cache was read.
    changed: bool,
    /// Dropped nodes already told of (each once a command).
    told: HashSet<NodeKey>,
}

/// The cache file: the guard and the relays that worked.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Saved {
    guard: Option<NodeKey>,
    /// The guard of paths to the guard itself.
    #[serde(default)]
    spare: Option<NodeKey>,
    /// Relay by destination key (hex).
    relays: BTreeMap<String, NodeKey>,
}

impl Transport {
    /// Requests sent directly with `client`.
    pub(crate) fn direct(client: reqwest::Client) -> Self {
        Self {
            client,
            onion: None,
        }
    }

    /// Requests through paths of `pool` (the active set) with cipher `enc`; operators read
    /// from `staking` (provider, NodeStaking); the guard and relays kept in `cache`.
    pub(crate) fn onion(
        client: reqwest::Client,
        enc: EncType,
        pool: Vec<NodeTarget>,
        staking: Option<(DynProvider, Address)>,
        cache: Option<PathBuf>,
    ) -> Self {
        let pool: Vec<NodeTarget> = pool.into_iter().filter(|n| n.key.is_some()).collect();
        let known = |key: &NodeKey| pool.iter().any(|n| n.key == Some(*key));
        let mut state = State::default();
        if let Some(saved) = cache.as_ref().and_then(|path| read_saved(path)) {
            state.guard = saved.guard.filter(known);
            state.spare = saved.spare.filter(known);
            state.relays = saved
                .relays
                .iter()
                .filter_map(|(dest, relay)| Some((dest.parse::<NodeKey>().ok()?, *relay)))
                .filter(|(dest, relay)| known(dest) && known(relay))
                .collect();
        }
        Self {
            client,
            onion: Some(Paths {
                enc,
                pool,
                staking,
                operators: tokio::sync::OnceCell::new(),
                state: Mutex::new(state),
                cache,
                tell_rebuilds: false,
            }),
        }
    }

    /// The same transport, telling on stderr when `tell` of each path it rebuilds because a
    /// guard or relay did not answer (`note: relay URL did not answer; built a new path`).
    pub(crate) fn telling_rebuilds(mut self, tell: bool) -> Self {
        if let Some(paths) = &mut self.onion {
            paths.tell_rebuilds = tell;
        }
        self
    }

    /// The path of `url`'s last answer (`None`: sent directly, or it never answered).
    pub(crate) fn path_to(&self, url: &str) -> Option<Vec<PathHop>> {
        let paths = self.onion.as_ref()?;
        paths.lock().answered.get(url).cloned()
    }

    /// Sends `request` to `node`: directly, or through a path ending at it (see the module's
    /// doc for how paths are chosen and rebuilt).
    pub(crate) async fn send(
        &self,
        node: &NodeTarget,
        request: Request<'_>,
    ) -> Result<Reply, SendError> {
        match &self.onion {
            None => self.send_direct(node, request).await,
            Some(paths) => self.send_onion(paths, node, request).await,
        }
    }

    async fn send_direct(
        &self,
        node: &NodeTarget,
        request: Request<'_>,
    ) -> Result<Reply, SendError> {
        let builder = match request {
            Request::Get(path) => self.client.get(format!("{}{path}", node.url)),
            Request::PostJson(path, body) => self
                .client
                .post(format!("{}{path}", node.url))
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_owned()),
            Request::StorageRpc(body) => self
                .client
                .post(format!("{}{}", node.url, sesh_core::storage_rpc::PATH))
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_owned()),
        };
        let unreachable = |e: reqwest::Error| {
            SendError::Unreachable(describe_failure(&e.without_url(), &node.url))
        };
        let response = builder.send().await.map_err(unreachable)?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(unreachable)?.to_vec();
        Ok(Reply {
            status,
            body,
            path: None,
        })
    }

    async fn send_onion(
        &self,
        paths: &Paths,
        node: &NodeTarget,
        request: Request<'_>,
    ) -> Result<Reply, SendError> {
        let destination = node.key.ok_or(SendError::NoKey)?;
        let bytes = request.onion_bytes();
        let mut relays_dropped = 0;
        let mut tries = 0;
        let mut last = String::new();
        // The hops dropped on the way ("guard"/"relay", the node), told once a path answers.
        let mut dropped: Vec<(&str, NodeTarget)> = Vec::new();
        while tries < ATTEMPTS {
            tries += 1;
            if paths.needs_choice(destination) {
                paths.load_operators().await;
            }
            let path = paths.path_for(node, destination);
            let hops = path
                .iter()
                .map(|n| Hop::from_ed25519(n.key.map(|k| k.0).unwrap_or_default()))
                .collect::<Result<Vec<_>, _>>()?;
            let built = onion::build(&hops, &bytes, paths.enc)?;
            let guard = &path[0];
            let shown = describe_path(&path);
            let sent = self
                .client
                .post(format!("{}{}", guard.url, onion::PATH))
                .body(built.body)
                .send()
                .await;
            let response = match sent {
                Ok(response) => response,
                Err(error) => {
                    let timed_out = error.is_timeout();
                    let why = describe_failure(&error.without_url(), &guard.url);
                    last = format!("{shown}: the guard {}: {why}", guard.url);
                    if path.len() == 1 {
                        // The destination itself: nothing to rebuild.
                        return Err(SendError::Paths { tries, last });
                    }
                    paths.drop_guard(guard.key);
                    dropped.push(("guard", guard.clone()));
                    if timed_out && !request.resendable() {
                        break;
                    }
                    continue;
                }
            };
            let status = response.status().as_u16();
            let body = match response.bytes().await {
                Ok(body) => body,
                Err(error) => {
                    last = format!(
                        "{shown}: {}",
                        describe_failure(&error.without_url(), &guard.url)
                    );
                    paths.drop_guard(guard.key);
                    dropped.push(("guard", guard.clone()));
                    if request.resendable() {
                        continue;
                    }
                    break;
                }
            };
            match status {
                200 => {
                    let answer = built.reply.open(&body)?;
                    let shown: Vec<PathHop> = path
                        .iter()
                        .map(|n| PathHop {
                            url: n.url.clone(),
                            node_key: n.key.map(|k| k.to_string()).unwrap_or_default(),
                        })
                        .collect();
                    paths.answered(&node.url, shown.clone());
                    paths.tell_rebuilt(&dropped);
                    return Ok(Reply {
                        status: answer.status,
                        body: answer.body_bytes(),
                        path: Some(shown),
                    });
                }
                502 | 504 => {
                    let text = String::from_utf8_lossy(&body);
                    last = format!("{shown}: HTTP {status}: {}", text.trim());
                    // The relay, or the destination behind it, failed. A second relay failing
                    // the same way means the destination is down.
                    if path.len() < HOPS || relays_dropped > 0 {
                        break;
                    }
                    paths.drop_relay(path[1].key);
                    dropped.push(("relay", path[1].clone()));
                    relays_dropped += 1;
                    if status == 504 && !request.resendable() {
                        break;
                    }
                }
                _ => {
                    let text = String::from_utf8_lossy(&body);
                    last = format!(
                        "{shown}: the guard refused the onion request (HTTP {status}: {})",
                        text.trim()
                    );
                    break;
                }
            }
        }
        Err(SendError::Paths { tries, last })
    }
}

/// The note of a path rebuilt because the `role` ("guard", "relay") at `url` did not answer.
fn rebuilt_note(role: &str, url: &str) -> String {
    format!("note: {role} {url} did not answer; built a new path")
}

/// "guard → relay → destination" by URL.
fn describe_path(path: &[NodeTarget]) -> String {
    path.iter()
        .map(|n| n.url.as_str())
        .collect::<Vec<_>>()
        .join(" → ")
}

impl Paths {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A poisoned lock only means another request panicked; the state is still usable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether the path to `destination` needs a new guard or relay.
    fn needs_choice(&self, destination: NodeKey) -> bool {
        let state = self.lock();
        let usable = |key: &NodeKey| !state.dropped.contains(key) && *key != destination;
        let guard = match state.guard {
            Some(guard) if guard == destination => state.spare,
            guard => guard,
        };
        !guard.as_ref().is_some_and(usable)
            || !state
                .relays
                .get(&destination)
                .is_some_and(|relay| usable(relay) && Some(*relay) != guard)
    }

    /// The operators of the pool, read once (a node whose record cannot be read counts as
    /// its own operator).
    async fn load_operators(&self) {
        let Some((provider, staking)) = &self.staking else {
            return;
        };
        self.operators
            .get_or_init(|| async {
                let contract = sesh_core::bindings::NodeStaking::new(*staking, provider);
                let reads = crate::target::join_all(self.pool.iter().map(|node| {
                    let contract = &contract;
                    async move {
                        let id = node.node_id?;
                        let info = contract
                            .nodeInfo(alloy::primitives::U256::from(id))
                            .call()
                            .await
                            .ok()?;
                        Some((node.key?, info.operator))
                    }
                }))
                .await;
                reads.into_iter().flatten().collect()
            })
            .await;
    }

    /// The path to `node` (key `destination`): the guard, its relay and the node, choosing
    /// what is missing.
    fn path_for(&self, node: &NodeTarget, destination: NodeKey) -> Vec<NodeTarget> {
        let empty = HashMap::new();
        let operators = self.operators.get().unwrap_or(&empty);
        let operator = |key: &NodeKey| operators.get(key).copied();
        let mut state = self.lock();
        let mut exclude: HashSet<NodeKey> = state.dropped.clone();
        exclude.insert(destination);
        let guard = match state.guard.filter(|g| !exclude.contains(g)) {
            Some(guard) => Some(guard),
            None => {
                let chosen = choose(
                    &self.pool,
                    &exclude,
                    &operator,
                    &[operator(&destination)],
                    &HashSet::new(),
                    random(),
                );
                if state.guard.is_none_or(|g| state.dropped.contains(&g)) {
                    if chosen.is_some() {
                        state.guard = chosen;
                        state.changed = true;
                    }
                } else if let Some(spare) = state.spare.filter(|s| !exclude.contains(s)) {
                    // The guard is the destination: the same other guard every time.
                    return self.finish(&mut state, node, destination, Some(spare), exclude);
                } else {
                    state.spare = chosen;
                    state.changed = true;
                }
                chosen
            }
        };
        self.finish(&mut state, node, destination, guard, exclude)
    }

    /// The rest of [`Paths::path_for`]: the relay, given the guard.
    fn finish(
        &self,
        state: &mut State,
        node: &NodeTarget,
        destination: NodeKey,
        guard: Option<NodeKey>,
        mut exclude: HashSet<NodeKey>,
    ) -> Vec<NodeTarget> {
        let empty = HashMap::new();
        let operators = self.operators.get().unwrap_or(&empty);
        let operator = |key: &NodeKey| operators.get(key).copied();
        if let Some(guard) = guard {
            exclude.insert(guard);
        }
        let relay = match state
            .relays
            .get(&destination)
            .filter(|r| !exclude.contains(r))
        {
            Some(relay) => Some(*relay),
            None => {
                let others: HashSet<NodeKey> = state.relays.values().copied().collect();
                let chosen = choose(
                    &self.pool,
                    &exclude,
                    &operator,
                    &[guard.and_then(|g| operator(&g)), operator(&destination)],
                    &others,
                    random(),
                );
                match chosen {
                    Some(relay) => {
                        state.relays.insert(destination, relay);
                        state.changed = true;
                    }
                    None => {
                        state.relays.remove(&destination);
                    }
                }
                chosen
            }
        };
        let by_key = |key: NodeKey| self.pool.iter().find(|n| n.key == Some(key)).cloned();
        guard
            .and_then(by_key)
            .into_iter()
            .chain(relay.and_then(by_key))
            .chain(std::iter::once(node.clone()))
            .collect()
    }

    /// The guard could not be reached: it is dropped for this command, and from the cache.
    fn drop_guard(&self, guard: Option<NodeKey>) {
        let Some(guard) = guard else { return };
        let mut state = self.lock();
        state.dropped.insert(guard);
        if state.guard == Some(guard) {
            state.guard = None;
        }
        state.relays.retain(|_, relay| *relay != guard);
        state.changed = true;
    }

    /// A path answered after `dropped` (role, node) did not: a note on stderr for each node
    /// not yet told of, when rebuilds are told ([`Transport::telling_rebuilds`]).
    fn tell_rebuilt(&self, dropped: &[(&str, NodeTarget)]) {
        if !self.tell_rebuilds || dropped.is_empty() {
            return;
        }
        let mut state = self.lock();
        for (role, node) in dropped {
            if node.key.is_none_or(|key| state.told.insert(key)) {
                eprintln!("{}", rebuilt_note(role, &node.url));
            }
        }
    }

    /// The relay to `destination` failed: another is chosen next time.
    fn drop_relay(&self, relay: Option<NodeKey>) {
        let Some(relay) = relay else { return };
        let mut state = self.lock();
        state.dropped.insert(relay);
        state.relays.retain(|_, r| *r != relay);
        if state.guard == Some(relay) {
            state.guard = None;
        }
        state.changed = true;
    }

    /// `url` answered through `path`; the guard and relays in use are saved when they
    /// changed (a cache: a failure to write it only costs the next command a new guard).
    fn answered(&self, url: &str, path: Vec<PathHop>) {
        let mut state = self.lock();
        state.answered.insert(url.to_string(), path);
        if !state.changed {
            return;
        }
        state.changed = false;
        let saved = Saved {
            guard: state.guard,
            spare: state.spare,
            relays: state
                .relays
                .iter()
                .map(|(dest, relay)| (dest.to_string(), *relay))
                .collect(),
        };
        drop(state);
        if let Some(path) = &self.cache {
            let _ = write_saved(path, &saved);
        }
    }
}

fn read_saved(path: &std::path::Path) -> Option<Saved> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

fn write_saved(path: &std::path::Path, saved: &Saved) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let bytes = serde_json::to_vec_pretty(saved).map_err(std::io::Error::other)?;
    sesh_core::keystore::write_atomic(path, &bytes, true)
}

/// A random number for choosing hops (0 without randomness: the first candidate).
fn random() -> u64 {
    getrandom::u64().unwrap_or(0)
}

/// A node of `pool` for a hop, not in `exclude`: preferably of none of `avoid_operators`
/// (by `operator`; a node whose operator is unknown counts as its own) and not in `avoid`
/// (another destination's relay), then of none of `avoid_operators`, then any; at random
/// (`seed`) among the best.
fn choose(
    pool: &[NodeTarget],
    exclude: &HashSet<NodeKey>,
    operator: &dyn Fn(&NodeKey) -> Option<Address>,
    avoid_operators: &[Option<Address>],
    avoid: &HashSet<NodeKey>,
    seed: u64,
) -> Option<NodeKey> {
    let candidates: Vec<NodeKey> = pool
        .iter()
        .filter_map(|n| n.key)
        .filter(|k| !exclude.contains(k))
        .collect();
    let other_operator =
        |k: &NodeKey| operator(k).is_none_or(|op| !avoid_operators.contains(&Some(op)));
    let distinct: Vec<NodeKey> = candidates.iter().copied().filter(other_operator).collect();
    let fresh: Vec<NodeKey> = distinct
        .iter()
        .copied()
        .filter(|k| !avoid.contains(k))
        .collect();
    [fresh, distinct, candidates]
        .into_iter()
        .find(|tier| !tier.is_empty())
        .map(|tier| tier[(seed % tier.len() as u64) as usize])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(i: u8) -> NodeTarget {
        NodeTarget {
            url: format!("http://node{i}"),
            node_id: Some(u64::from(i)),
            key: Some(NodeKey([i; 32])),
        }
    }

    fn key(i: u8) -> NodeKey {
        NodeKey([i; 32])
    }

    fn paths(pool: Vec<NodeTarget>, operators: &[(u8, u8)], cache: Option<PathBuf>) -> Paths {
        let Transport { onion, .. } =
            Transport::onion(reqwest::Client::new(), DEFAULT_ENC, pool, None, cache);
        let paths = onion.expect("onion");
        let operators: HashMap<NodeKey, Address> = operators
            .iter()
            .map(|(n, op)| (key(*n), Address::repeat_byte(*op)))
            .collect();
        paths.operators.set(operators).expect("unset");
        paths
    }

    fn keys(path: &[NodeTarget]) -> Vec<u8> {
        path.iter().map(|n| n.key.expect("key").0[0]).collect()
    }

    #[test]
    fn hops_are_of_other_operators_whenever_the_set_has_them() {
        // Nodes 1-3 are one operator's, 4 and 5 two others'.
        let pool: Vec<_> = (1..=5).map(node).collect();
        let ops = |k: &NodeKey| Some(Address::repeat_byte(if k.0[0] <= 3 { 1 } else { k.0[0] }));
        for seed in 0..20 {
            let chosen = choose(
                &pool,
                &[key(1)].into_iter().collect(),
                &ops,
                &[ops(&key(1))],
                &HashSet::new(),
                seed,
            )
            .expect("a node");
            assert!(chosen == key(4) || chosen == key(5), "{seed}: {chosen}");
        }
        // Only the destination's operator left: its nodes are still used.
        let same = choose(
            &pool[..3],
            &[key(1)].into_iter().collect(),
            &ops,
            &[ops(&key(1))],
            &HashSet::new(),
            0,
        );
        assert!(same.is_some());
        // Another destination's relay only when nothing else is left.
        let avoid: HashSet<NodeKey> = [key(4)].into_iter().collect();
        let chosen = choose(&pool, &HashSet::new(), &ops, &[], &avoid, 3);
        assert_ne!(chosen, Some(key(4)));
    }

    #[test]
    fn one_guard_for_every_destination_and_a_relay_for_each() {
        let pool: Vec<_> = (1..=8).map(node).collect();
        let paths = paths(pool.clone(), &[], None);
        let built: Vec<Vec<u8>> = [1u8, 2, 3]
            .iter()
            .map(|d| keys(&paths.path_for(&node(*d), key(*d))))
            .collect();
        let guards: HashSet<u8> = built.iter().map(|p| p[0]).collect();
        let relays: HashSet<u8> = built.iter().map(|p| p[1]).collect();
        for (path, destination) in built.iter().zip([1u8, 2, 3]) {
            assert_eq!(path.len(), HOPS, "{path:?}");
            assert_eq!(path[2], destination);
            assert!(path[0] != destination && path[1] != destination && path[0] != path[1]);
        }
        // The guard of the first path is every other path's too, unless it is their
        // destination.
        let guard = built[0][0];
        for path in &built {
            assert!(path[0] == guard || path[2] == guard, "{built:?}");
        }
        assert!(guards.len() <= 2);
        assert_eq!(relays.len(), 3, "{built:?}");
        // Asked again, the same paths.
        for (path, d) in built.iter().zip([1u8, 2, 3]) {
            assert_eq!(&keys(&paths.path_for(&node(d), key(d))), path);
        }
    }

    #[test]
    fn a_dropped_hop_is_replaced_and_small_sets_make_short_paths() {
        let paths = paths((1..=4).map(node).collect(), &[], None);
        let first = keys(&paths.path_for(&node(1), key(1)));
        paths.drop_guard(Some(key(first[0])));
        let second = keys(&paths.path_for(&node(1), key(1)));
        assert!(!second.contains(&first[0]), "{first:?} then {second:?}");
        paths.drop_relay(Some(key(second[1])));
        let third = keys(&paths.path_for(&node(1), key(1)));
        assert_eq!(
            third.len(),
            2,
            "two nodes left besides the destination: {third:?}"
        );
        assert!(!third.contains(&second[1]));

        let alone = self::paths(vec![node(1)], &[], None);
        assert_eq!(keys(&alone.path_for(&node(1), key(1))), [1]);
        let pair = self::paths(vec![node(1), node(2)], &[], None);
        assert_eq!(keys(&pair.path_for(&node(1), key(1))), [2, 1]);
    }

    #[test]
    fn the_guard_and_relays_that_worked_are_reused_by_the_next_command() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = dir.path().join("onion").join("31337.json");
        let pool: Vec<_> = (1..=6).map(node).collect();
        let first = paths(pool.clone(), &[], Some(cache.clone()));
        let path = first.path_for(&node(1), key(1));
        first.answered("http://node1", Vec::new());
        let next = paths(pool.clone(), &[], Some(cache.clone()));
        assert!(!next.needs_choice(key(1)));
        assert_eq!(keys(&next.path_for(&node(1), key(1))), keys(&path));
        // A node that left the active set is not reused.
        let smaller: Vec<_> = pool.into_iter().filter(|n| n.key != path[0].key).collect();
        let after = paths(smaller, &[], Some(cache));
        assert!(after.needs_choice(key(1)));
        // An unreadable cache is no cache.
        std::fs::write(dir.path().join("bad.json"), b"{").expect("write");
        assert!(read_saved(&dir.path().join("bad.json")).is_none());
    }

    #[test]
    fn only_requests_that_do_no_harm_twice_are_sent_again_after_a_timeout() {
        assert!(Request::Get("/v1/names/alice").resendable());
        assert!(Request::StorageRpc(r#"{"method":"store","params":{}}"#).resendable());
        assert!(!Request::StorageRpc(r#"{"method":"retrieve","params":{}}"#).resendable());
        assert!(!Request::StorageRpc(r#"{"method":"delete","params":{}}"#).resendable());
        let endpoint: serde_json::Value =
            serde_json::from_slice(&Request::PostJson("/v1/ons", "{\"type\":0}").onion_bytes())
                .expect("json");
        assert_eq!(endpoint["endpoint"], "/v1/ons");
        assert_eq!(endpoint["method"], "POST");
        assert_eq!(endpoint["body"], "{\"type\":0}");
    }
}
