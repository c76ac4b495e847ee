//! The registry-node client: asks several registry nodes the same question,
//! checks every signed answer and accepts it only when the nodes agree.
//!
//! Which nodes are asked:
//! - `--registry URL` (repeatable) or the config's `registry_urls.<network>`:
//!   every URL given. A node's key is then taken from its own `/v1/identity`,
//!   so the keys are *unverified* (the output says so); the chain id and the
//!   contract of every answer are still checked against the deployment.
//! - otherwise the active node set read from the chain
//!   (`NodeStaking.activeNodes`, in pages at one block): 3 nodes chosen by
//!   rendezvous hashing, i.e. the 3 highest `keccak256(subject ‖ node key)`
//!   where the subject is what is asked about (the name, the Session ID,
//!   "listings"). The choice is deterministic for a subject and spreads
//!   subjects over the set. Every answer must be signed by the key the node
//!   registered on chain.
//!
//! Every answer must verify (signature, chain id, contract, node key). The
//! signed bytes (kind, chain, contract, block and the canonical answer) must
//! be equal across the nodes that answered: then "N of M nodes agree". The
//! rule is [`sesh_core::agreement`]'s: a strict majority of the nodes asked
//! must answer (1 of 1, 2 of 2, 2 of 3; not 1 of 2), a node that cannot be
//! reached is reported, and a node whose answer is invalid or different makes
//! the command fail with the disagreement listed. When only one node is asked
//! the output says that nothing was cross-checked.
//!
//! After a transaction that changes what the nodes serve, a command waits
//! (briefly) for them to index its block ([`await_indexed`]), so that a lookup
//! right after it sees the change.

use crate::context::Context;
use crate::failure::describe_failure;
use crate::onion::{PathHop, Request, Transport};
pub(crate) use crate::target::{NodeTarget, join_all};
use alloy::primitives::{Address, U256, keccak256};
use eyre::{WrapErr, bail};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sesh_core::SessionId;
use sesh_core::agreement::Verdict;
use sesh_core::api::{HealthResponse, IdentityResponse, ReverseAnswer, ReverseResponse, Signed};
use sesh_core::attestation::{Canonical, NodeKey};
use std::time::Duration;

/// How long a command waits for the registry nodes to index its transaction.
pub(crate) const INDEX_WAIT: Duration = Duration::from_secs(20);

pub(crate) use sesh_core::agreement::ASK;

/// What agreeing nodes answered for a 404.
const NOT_FOUND: &[u8] = b"not found";

/// The nodes to ask and what their answers must be about.
#[derive(Debug)]
pub(crate) struct Registry {
    nodes: Vec<NodeTarget>,
    from_chain: bool,
    chain_id: u64,
    client: reqwest::Client,
    transport: std::sync::Arc<Transport>,
}

/// What one node said.
#[derive(Debug, Clone)]
pub(crate) enum NodeOutcome {
    /// A valid answer.
    Answered {
        /// The signed bytes, signatures left out ("not found" for a 404).
        digest: Vec<u8>,
        /// The block the answer is signed at (`None`: not found).
        block: Option<u64>,
    },
    /// Unreachable or not answering.
    Down(String),
    /// The answer does not check out.
    Invalid(String),
}

/// The accepted answer and how it was reached.
#[derive(Debug)]
pub(crate) struct Agreed<R> {
    /// The answer (`None`: the nodes agree it is not found).
    pub(crate) value: Option<R>,
    /// The block it is signed at.
    pub(crate) block: Option<u64>,
    /// How many nodes agree.
    pub(crate) agree: usize,
    /// How many nodes were asked.
    pub(crate) asked: usize,
    /// Per node: the node and its outcome.
    pub(crate) outcomes: Vec<(NodeTarget, NodeOutcome)>,
    /// Per node (in the order of `outcomes`): the onion path its answer came through
    /// (`None`: directly, or no answer).
    pub(crate) paths: Vec<Option<Vec<PathHop>>>,
    /// Whether the node keys came from the chain.
    pub(crate) keys_verified: bool,
}

impl<R> Agreed<R> {
    /// "3 of 3 registry nodes agree (signed at block N)" ([`NodesSource::summary`]).
    pub(crate) fn summary(&self) -> String {
        self.source().summary()
    }

    /// Where the answer came from, for a command's report (its `source`).
    pub(crate) fn source(&self) -> NodesSource {
        NodesSource {
            agree: self.agree,
            asked: self.asked,
            block: self.block,
            keys_verified: self.keys_verified,
            nodes: self
                .outcomes
                .iter()
                .zip(self.paths.iter().chain(std::iter::repeat(&None)))
                .map(|((node, outcome), path)| {
                    let (status, detail) = match outcome {
                        NodeOutcome::Answered { .. } => (NodeStatus::Agrees, None),
                        NodeOutcome::Down(e) => (NodeStatus::Down, Some(e.clone())),
                        NodeOutcome::Invalid(e) => (NodeStatus::Invalid, Some(e.clone())),
                    };
                    NodeSource {
                        url: node.url.clone(),
                        node_id: node.node_id,
                        node_key: node.key.map(|k| k.to_string()),
                        status,
                        detail,
                        path: path.clone(),
                    }
                })
                .collect(),
        }
    }
}

/// Where an answer from registry nodes came from: `{"kind": "registry-nodes", ...}`, how many
/// of the nodes asked agree, at which block, and each node's part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename = "registry-nodes")]
pub(crate) struct NodesSource {
    /// How many nodes agree.
    pub(crate) agree: usize,
    /// How many were asked.
    pub(crate) asked: usize,
    /// The block the answer is signed at (`None`: the nodes agree there is nothing).
    pub(crate) block: Option<u64>,
    /// Whether the node keys came from the chain (not from each node's own word).
    pub(crate) keys_verified: bool,
    /// Each node asked.
    pub(crate) nodes: Vec<NodeSource>,
}

/// One node asked, in a [`NodesSource`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct NodeSource {
    /// Its URL.
    pub(crate) url: String,
    /// Its on-chain id (when the set came from the chain).
    pub(crate) node_id: Option<u64>,
    /// Its Ed25519 key.
    pub(crate) node_key: Option<String>,
    /// What it did.
    pub(crate) status: NodeStatus,
    /// Why it is down or invalid.
    pub(crate) detail: Option<String>,
    /// The onion path its answer came through, guard first, this node last (`null`: asked
    /// directly, with `--direct` or `--registry`, or it did not answer).
    pub(crate) path: Option<Vec<PathHop>>,
}

/// What one node did: its answer is the agreed one, it could not be reached, or its answer
/// does not check out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum NodeStatus {
    /// Its answer is the agreed one.
    Agrees,
    /// It could not be reached.
    Down,
    /// Its answer does not check out.
    Invalid,
}

impl NodesSource {
    /// "3 of 3 registry nodes agree (signed at block N)".
    pub(crate) fn summary(&self) -> String {
        let block = match self.block {
            // Block 0: the answer is signed as describing nothing the chain ever recorded
            // (a Session ID no name record holds, or holds any more).
            Some(0) => " (no record on chain refers to it)".to_string(),
            Some(block) => format!(" (signed at block {block})"),
            None => String::new(),
        };
        let keys = if self.keys_verified {
            ""
        } else {
            "; node keys unverified"
        };
        format!(
            "{} of {} registry nodes agree{block}{keys}",
            self.agree, self.asked
        )
    }

    /// A sample, for golden files: 3 of 3 nodes from the chain agree at block 42.
    #[cfg(test)]
    pub(crate) fn sample() -> Self {
        Self {
            agree: 3,
            asked: 3,
            block: Some(42),
            keys_verified: true,
            nodes: (1..=3)
                .map(|i| NodeSource {
                    url: format!("https://node{i}.example"),
                    node_id: Some(i),
                    node_key: Some(NodeKey([i as u8; 32]).to_string()),
                    status: NodeStatus::Agrees,
                    detail: None,
                    path: Some(PathHop::sample(i as u8)),
                })
                .collect(),
        }
    }
}

/// Verifies that a signed item is about `chain_id` and `contract`, appends its
/// signed bytes to `digest` and returns its block and signing key.
pub(crate) fn check_signed<T: Canonical>(
    signed: &Signed<T>,
    chain_id: u64,
    contract: Address,
    digest: &mut Vec<u8>,
) -> Result<(u64, NodeKey), String> {
    signed
        .verify(chain_id, contract)
        .map_err(|e| e.to_string())?;
    let a = &signed.attestation;
    digest.extend_from_slice(&sesh_core::attestation::message(
        a.kind,
        a.chain_id,
        a.contract,
        a.block,
        &signed.answer.canonical_bytes(),
    ));
    Ok((a.block, a.node_key))
}

/// What a checker returns: the signed bytes, the block, the keys that signed.
pub(crate) type Checked = (Vec<u8>, Option<u64>, Vec<NodeKey>);

/// One node's raw reply: the key it announced (if asked), the body (`None`: 404) and the
/// onion path it came through.
type Reply = Result<
    (
        Option<NodeKey>,
        Option<serde_json::Value>,
        Option<Vec<PathHop>>,
    ),
    String,
>;

impl Registry {
    /// The nodes to ask about `subject`, or `None` when there are none (no
    /// --registry, no config, and an empty or unreadable active set).
    pub(crate) async fn discover(ctx: &Context<'_>, subject: &str) -> eyre::Result<Option<Self>> {
        Self::discover_with(ctx, subject, false).await
    }

    /// [`Registry::discover`]; with `quiet`, an unreadable active set is not warned about.
    pub(crate) async fn discover_with(
        ctx: &Context<'_>,
        subject: &str,
        quiet: bool,
    ) -> eyre::Result<Option<Self>> {
        let client = ctx.http_client(Duration::from_secs(3), Duration::from_secs(10))?;
        let chain_id = ctx.deployment()?.chain_id;
        if !ctx.registries.is_empty() {
            let nodes = ctx
                .registries
                .iter()
                .map(|url| NodeTarget {
                    url: url.trim_end_matches('/').to_string(),
                    node_id: None,
                    key: None,
                })
                .collect();
            let transport = transport(ctx).await?;
            return Ok(Some(Self {
                nodes,
                from_chain: false,
                chain_id,
                client,
                transport,
            }));
        }
        let nodes = match active_nodes(ctx).await {
            Ok(nodes) => nodes,
            Err(_) if quiet => return Ok(None),
            Err(error) => {
                ctx.out.warn(&format!(
                    "cannot read the active registry nodes from the chain: {error:#}"
                ));
                return Ok(None);
            }
        };
        if nodes.is_empty() {
            return Ok(None);
        }
        let transport = match transport(ctx).await {
            Ok(transport) => transport,
            Err(_) if quiet => return Ok(None),
            Err(error) => return Err(error),
        };
        Ok(Some(Self {
            nodes: pick(nodes, subject),
            from_chain: true,
            chain_id,
            client,
            transport,
        }))
    }

    /// The nodes asked, best first.
    pub(crate) fn nodes(&self) -> &[NodeTarget] {
        &self.nodes
    }

    /// Whether the node keys come from the chain.
    pub(crate) fn keys_verified(&self) -> bool {
        self.from_chain
    }

    /// How requests reach the nodes (onion paths unless `--direct` or `--registry`).
    pub(crate) fn transport(&self) -> &Transport {
        &self.transport
    }

    /// `GET path` from every node at once: each node's JSON answer, or `None` when it did not
    /// give one (unsigned routes only: nothing here is checked).
    async fn get_each<T: DeserializeOwned>(&self, path: &str) -> Vec<Option<T>> {
        join_all(self.nodes.iter().map(|node| async move {
            self.client
                .get(format!("{}{path}", node.url))
                .send()
                .await
                .ok()?
                .json::<T>()
                .await
                .ok()
        }))
        .await
    }

    /// The lowest block indexed among the nodes that answer `/health` (`None`: none answers).
    pub(crate) async fn indexed_block(&self) -> Option<u64> {
        let health = self.get_each::<HealthResponse>("/health").await;
        health.into_iter().flatten().map(|h| h.indexed_block).min()
    }

    /// GETs `path` from every node, checks each answer with `check` (a 404 is
    /// a "not found" the nodes must agree on too) and returns the answer when
    /// they agree; fails listing every node's answer when they don't.
    pub(crate) async fn ask<R: DeserializeOwned>(
        &self,
        ctx: &Context<'_>,
        path: &str,
        check: impl Fn(&R, u64) -> Result<Checked, String>,
    ) -> eyre::Result<Agreed<R>> {
        self.ask_reporting(ctx, path, check, |_, _| None).await
    }

    /// [`Registry::ask`], and on a disagreement, before failing, reports each signed answer
    /// a strict majority of the nodes asked contradicts to that majority
    /// ([`crate::evidence`]): `evidence(node_id, answer)` makes the `POST /v1/evidence` body
    /// of a node's JSON answer (`None`: not reportable).
    pub(crate) async fn ask_reporting<R: DeserializeOwned>(
        &self,
        ctx: &Context<'_>,
        path: &str,
        check: impl Fn(&R, u64) -> Result<Checked, String>,
        evidence: impl Fn(u64, &serde_json::Value) -> Option<String>,
    ) -> eyre::Result<Agreed<R>> {
        let replies = join_all(self.nodes.iter().map(|node| self.ask_one(node, path))).await;
        let mut outcomes = Vec::new();
        let mut paths = Vec::new();
        // Each node's answer as it came, kept for a report of a false one.
        let mut bodies = Vec::new();
        let mut value = None;
        for (mut node, reply) in self.nodes.iter().cloned().zip(replies) {
            let mut kept = None;
            let outcome = match reply {
                Err(error) => {
                    paths.push(None);
                    NodeOutcome::Down(error)
                }
                Ok((announced, body, path)) => {
                    paths.push(path);
                    if node.key.is_none() {
                        node.key = announced;
                    }
                    match body {
                        None => NodeOutcome::Answered {
                            digest: NOT_FOUND.to_vec(),
                            block: None,
                        },
                        Some(body) => {
                            kept = Some(body.clone());
                            self.judge(&node, body, &check, &mut value)
                        }
                    }
                }
            };
            bodies.push(kept);
            outcomes.push((node, outcome));
        }
        let asked = outcomes.len();
        for (node, outcome) in &outcomes {
            if let NodeOutcome::Down(error) = outcome {
                ctx.out
                    .warn(&format!("registry node {} is down: {error}", node.url));
            }
        }
        let answered: Vec<(&Vec<u8>, Option<u64>)> = outcomes
            .iter()
            .filter_map(|(_, o)| match o {
                NodeOutcome::Answered { digest, block } => Some((digest, *block)),
                _ => None,
            })
            .collect();
        // The first answer is the reference: every other valid answer must equal it.
        let agree = answered
            .iter()
            .filter(|(digest, _)| Some(*digest) == answered.first().map(|(d, _)| *d))
            .count();
        let invalid = outcomes
            .iter()
            .filter(|(_, o)| matches!(o, NodeOutcome::Invalid(_)))
            .count();
        let verdict = Verdict::of(asked, agree, invalid + answered.len() - agree);
        match verdict {
            Verdict::Disagreement => {
                self.report_false_answers(ctx, &outcomes, &bodies, evidence)
                    .await;
                let mut lines = vec![format!("the registry nodes disagree on {path}:")];
                for (node, outcome) in &outcomes {
                    let what = match outcome {
                        NodeOutcome::Answered { digest, block } => match block {
                            Some(b) => format!(
                                "answer {} signed at block {b}",
                                hex::encode(&keccak256(digest)[..6])
                            ),
                            None => "not found".into(),
                        },
                        NodeOutcome::Down(e) => format!("down ({e})"),
                        NodeOutcome::Invalid(e) => format!("invalid answer: {e}"),
                    };
                    lines.push(format!("  {}: {what}", node.url));
                }
                bail!("{}", lines.join("\n"));
            }
            Verdict::TooFew { .. } => {
                let why = verdict.shortfall().unwrap_or_default();
                let fix = if self.from_chain {
                    "try again when the nodes are back, or pass --rpc to read the chain directly"
                } else {
                    "drop the unreachable nodes from --registry, or pass --rpc to read the chain directly"
                };
                bail!("{why}: {fix}");
            }
            Verdict::Accepted { .. } => {
                if let Some(caveat) = verdict.caveat() {
                    ctx.out.warn(&caveat);
                }
            }
        }
        if !self.from_chain {
            ctx.out.warn(
                "the registry nodes' keys are unverified (taken from each node's /v1/identity, not from the chain)",
            );
        }
        let block = answered.first().and_then(|(_, block)| *block);
        Ok(Agreed {
            value,
            block,
            agree,
            asked,
            outcomes,
            paths,
            keys_verified: self.from_chain,
        })
    }

    /// Reports the signed answers a strict majority of the nodes contradicts
    /// ([`crate::evidence`]), best effort.
    async fn report_false_answers(
        &self,
        ctx: &Context<'_>,
        outcomes: &[(NodeTarget, NodeOutcome)],
        bodies: &[Option<serde_json::Value>],
        evidence: impl Fn(u64, &serde_json::Value) -> Option<String>,
    ) {
        let answers: Vec<Option<crate::evidence::Answer<'_>>> = outcomes
            .iter()
            .map(|(_, outcome)| match outcome {
                NodeOutcome::Answered { digest, block } => Some(crate::evidence::Answer {
                    digest,
                    signed: block.is_some(),
                }),
                _ => None,
            })
            .collect();
        let accusations = crate::evidence::accusations(outcomes.len(), &answers);
        if accusations.is_empty() {
            return;
        }
        let nodes: Vec<NodeTarget> = outcomes.iter().map(|(node, _)| node.clone()).collect();
        crate::evidence::report(ctx, &self.transport, &nodes, &accusations, |i| {
            evidence(nodes[i].node_id?, bodies[i].as_ref()?)
        })
        .await;
    }

    /// Parses and checks one node's answer; keeps the first valid one in `value`.
    fn judge<R: DeserializeOwned>(
        &self,
        node: &NodeTarget,
        body: serde_json::Value,
        check: &impl Fn(&R, u64) -> Result<Checked, String>,
        value: &mut Option<R>,
    ) -> NodeOutcome {
        let parsed = match serde_json::from_value::<R>(body) {
            Ok(parsed) => parsed,
            Err(error) => return NodeOutcome::Invalid(format!("malformed answer: {error}")),
        };
        let (digest, block, keys) = match check(&parsed, self.chain_id) {
            Ok(checked) => checked,
            Err(error) => return NodeOutcome::Invalid(error),
        };
        if let Some(wrong) = keys.iter().find(|k| Some(**k) != node.key) {
            return NodeOutcome::Invalid(format!(
                "signed by {wrong}, not by the node's {} key {}",
                if self.from_chain {
                    "registered"
                } else {
                    "announced"
                },
                node.key
                    .map(|k| k.to_string())
                    .unwrap_or_else(|| "(unknown)".into())
            ));
        }
        if value.is_none() {
            *value = Some(parsed);
        }
        NodeOutcome::Answered { digest, block }
    }

    /// One node: its announced key (explicit URLs only) and the body (`None`: 404).
    async fn ask_one(&self, node: &NodeTarget, path: &str) -> Reply {
        let mut announced = None;
        if node.key.is_none() {
            let identity: IdentityResponse = self
                .client
                .get(format!("{}/v1/identity", node.url))
                .send()
                .await
                .map_err(|e| describe_failure(&e.without_url(), &node.url))?
                .json()
                .await
                .map_err(|e| format!("bad /v1/identity: {}", e.without_url()))?;
            announced = Some(identity.node_key);
        }
        let mut node = node.clone();
        if node.key.is_none() {
            node.key = announced;
        }
        let reply = self
            .transport
            .send(&node, Request::Get(path))
            .await
            .map_err(|e| e.to_string())?;
        if reply.status == 404 {
            return Ok((announced, None, reply.path));
        }
        let status = reqwest::StatusCode::from_u16(reply.status)
            .map_err(|_| format!("HTTP {}", reply.status))?;
        if !status.is_success() {
            return Err(format!("HTTP {status}"));
        }
        let body = serde_json::from_slice(&reply.body).map_err(|e| format!("bad answer: {e}"))?;
        Ok((announced, Some(body), reply.path))
    }
}

/// How this command reaches registry nodes (made once): directly with `--direct` or
/// `--registry` URLs (a relay hands layers on only to nodes of the active set on chain,
/// which explicit URLs need not be, and their keys are only their own word), else through
/// onion paths of the active set ([`crate::onion`]).
pub(crate) async fn transport(ctx: &Context<'_>) -> eyre::Result<std::sync::Arc<Transport>> {
    ctx.transport
        .get_or_try_init(|| async {
            let client = ctx.http_client(Duration::from_secs(3), Duration::from_secs(15))?;
            if ctx.direct || !ctx.registries.is_empty() {
                return Ok(std::sync::Arc::new(Transport::direct(client)));
            }
            let pool = active_nodes(ctx).await.wrap_err(
                "cannot read the active registry nodes to build onion paths (--direct skips them)",
            )?;
            let staking = ctx.deployment()?.contracts.node_staking;
            // The chain was checked when the active set was read.
            let provider = ctx.trust()?.provider(&ctx.rpc_url)?;
            let cache = ctx
                .data_dir
                .join("onion")
                .join(format!("{}.json", ctx.deployment()?.chain_id));
            Ok(std::sync::Arc::new(
                Transport::onion(
                    client,
                    ctx.onion_enc,
                    pool,
                    Some((provider, staking)),
                    Some(cache),
                )
                .telling_rebuilds(ctx.out.shows_hints()),
            ))
        })
        .await
        .cloned()
}

/// Active nodes read per `NodeStaking.activeNodes` call.
const ACTIVE_PAGE: u64 = 500;

/// The active node set from the chain: URL, id and registered key, in pages of
/// [`ACTIVE_PAGE`] read at one block (so the pages agree with each other); read once a
/// command (lookups and the onion paths to them share it).
pub(crate) async fn active_nodes(ctx: &Context<'_>) -> eyre::Result<Vec<NodeTarget>> {
    ctx.active
        .get_or_try_init(|| read_active_nodes(ctx))
        .await
        .cloned()
}

async fn read_active_nodes(ctx: &Context<'_>) -> eyre::Result<Vec<NodeTarget>> {
    let provider = ctx.provider().await?;
    let staking =
        sesh_core::bindings::NodeStaking::new(ctx.deployment()?.contracts.node_staking, &provider);
    let block = alloy::providers::Provider::get_block_number(&provider)
        .await
        .wrap_err("cannot read the block number")?;
    let mut nodes = Vec::new();
    loop {
        let start = nodes.len() as u64;
        let page = staking
            .activeNodes(U256::from(start), U256::from(ACTIVE_PAGE))
            .block(alloy::eips::BlockId::number(block))
            .call()
            .await
            .wrap_err_with(|| format!("cannot read NodeStaking.activeNodes from {start}"))?;
        let read = page.page.len() as u64;
        nodes.extend(page.page.into_iter().map(|node| NodeTarget {
            url: node.url.trim_end_matches('/').to_string(),
            node_id: Some(u64::try_from(node.nodeId).unwrap_or(u64::MAX)),
            key: Some(NodeKey(node.ed25519Key.0)),
        }));
        if read < ACTIVE_PAGE || U256::from(nodes.len()) >= page.total {
            return Ok(nodes);
        }
    }
}

/// The [`ASK`] nodes with the highest `keccak256(subject ‖ key)` (rendezvous
/// hashing, shared with the nodes: [`sesh_core::swarm`]).
pub(crate) fn pick(nodes: Vec<NodeTarget>, subject: &str) -> Vec<NodeTarget> {
    sesh_core::swarm::pick(nodes, subject.as_bytes(), |node| node.key, ASK)
}

/// The keys of the active node set: registered on chain, or (with explicit
/// --registry URLs) announced by each node's `/v1/identity`.
pub(crate) async fn active_keys(ctx: &Context<'_>) -> eyre::Result<Vec<NodeKey>> {
    if ctx.registries.is_empty() {
        return Ok(active_nodes(ctx)
            .await?
            .into_iter()
            .filter_map(|node| node.key)
            .collect());
    }
    let registry = Registry::discover(ctx, "").await?.ok_or_else(|| {
        eyre::eyre!("no registry node is known: pass --registry URL or run `just up`")
    })?;
    let identities = registry.get_each::<IdentityResponse>("/v1/identity").await;
    Ok(identities
        .into_iter()
        .flatten()
        .map(|i| i.node_key)
        .collect())
}

/// After a transaction mined in `block`: waits, up to [`INDEX_WAIT`] with a spinner, until
/// the registry nodes that answer about `subject` (those that answer at all) have indexed
/// it, so that a lookup right after sees the change. Says so when they have not. `None`
/// when there are no registry nodes to wait for (none active, or none reachable).
pub(crate) async fn await_indexed(ctx: &Context<'_>, subject: &str, block: u64) -> Option<bool> {
    let registry = Registry::discover_with(ctx, subject, true).await.ok()??;
    let spinner = ctx.out.spinner(format!(
        "waiting for the registry nodes to index block {block}…"
    ));
    let deadline = std::time::Instant::now() + INDEX_WAIT;
    let indexed = loop {
        let indexed = registry.indexed_block().await;
        match indexed {
            None => break None,
            Some(at) if at >= block => break Some(true),
            Some(_) if std::time::Instant::now() >= deadline => break Some(false),
            Some(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    };
    if let Some(spinner) = spinner {
        spinner.finish_and_clear();
    }
    if indexed == Some(false) {
        ctx.out.warn(&format!(
            "the registry nodes have not indexed block {block} within {} s: lookups through them show the change once they have (`--rpc` reads the chain now)",
            INDEX_WAIT.as_secs()
        ));
    }
    indexed
}

/// `name` as the registry nodes agree on it (`value: None`: not registered).
pub(crate) async fn ask_name(
    ctx: &Context<'_>,
    registry: &Registry,
    name: &sesh_core::Name,
) -> eyre::Result<Agreed<sesh_core::api::NameResponse>> {
    let contract = ctx.deployment()?.contracts.name_registry;
    registry
        .ask_reporting::<sesh_core::api::NameResponse>(
            ctx,
            &format!("/v1/names/{name}"),
            |r, chain_id| {
                let mut digest = Vec::new();
                let (block, key) = check_signed(&r.name, chain_id, contract, &mut digest)?;
                if r.name.answer.name != name.as_str() {
                    return Err(format!("answered about {:?}", r.name.answer.name));
                }
                digest.extend_from_slice(format!("{:?}", r.state).as_bytes());
                Ok((digest, Some(block), vec![key]))
            },
            // A false answer about a name is evidence the nodes judge (docs/policing.md).
            |node_id, body| {
                let response: sesh_core::api::NameResponse =
                    serde_json::from_value(body.clone()).ok()?;
                serde_json::to_string(&sesh_core::api::police::NameEvidence {
                    node_id,
                    name: name.to_string(),
                    answer: response.name,
                })
                .ok()
            },
        )
        .await
}

/// The Session ID's reverse name as the registry nodes agree on it, each answer's consent
/// checked here too (an answer naming a name without the Session ID's valid consent counts as
/// a wrong answer), or `None` when no registry node is known.
pub(crate) async fn primary_via_nodes(
    ctx: &Context<'_>,
    session_id: SessionId,
    quiet: bool,
) -> eyre::Result<Option<(ReverseAnswer, Agreed<ReverseResponse>)>> {
    let Some(registry) = Registry::discover_with(ctx, &session_id.to_string(), quiet).await? else {
        return Ok(None);
    };
    let contract = ctx.deployment()?.contracts.name_registry;
    let agreed = registry
        .ask::<ReverseResponse>(ctx, &format!("/v1/reverse/{session_id}"), |r, chain_id| {
            let mut digest = Vec::new();
            let (block, key) = check_signed(&r.reverse, chain_id, contract, &mut digest)?;
            if r.reverse.answer.session_id != session_id {
                return Err("answered about another Session ID".into());
            }
            r.reverse.answer.check_consent(chain_id, contract)?;
            Ok((digest, Some(block), vec![key]))
        })
        .await?;
    let answer = match &agreed.value {
        Some(response) => response.reverse.answer.clone(),
        None => ReverseAnswer {
            session_id,
            name: None,
            owner: None,
            consent: None,
        },
    };
    Ok(Some((answer, agreed)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(byte: u8) -> NodeTarget {
        NodeTarget {
            url: format!("http://n{byte}"),
            node_id: Some(byte.into()),
            key: Some(NodeKey([byte; 32])),
        }
    }

    fn agreed(block: Option<u64>) -> Agreed<()> {
        Agreed {
            value: None,
            block,
            agree: 3,
            asked: 3,
            outcomes: Vec::new(),
            paths: Vec::new(),
            keys_verified: true,
        }
    }

    #[test]
    fn an_answer_about_nothing_on_chain_is_not_said_to_be_signed_at_block_0() {
        // A Session ID whose reverse record was cleared: the nodes sign "no name" at block 0.
        let summary = agreed(Some(0)).summary();
        assert_eq!(
            summary,
            "3 of 3 registry nodes agree (no record on chain refers to it)"
        );
        assert!(!summary.contains("block 0"));
        assert_eq!(
            agreed(Some(88)).summary(),
            "3 of 3 registry nodes agree (signed at block 88)"
        );
        assert_eq!(agreed(None).summary(), "3 of 3 registry nodes agree");
    }

    #[test]
    fn picks_three_deterministically_whatever_the_order() {
        let nodes: Vec<_> = (1..=6).map(node).collect();
        let urls = |nodes: Vec<NodeTarget>| nodes.into_iter().map(|n| n.url).collect::<Vec<_>>();
        let a = urls(pick(nodes.clone(), "alice"));
        let mut reversed = nodes.clone();
        reversed.reverse();
        assert_eq!(a.len(), ASK);
        assert_eq!(a, urls(pick(reversed, "alice")));
        assert_eq!(pick(nodes[..2].to_vec(), "alice").len(), 2);
    }
}
