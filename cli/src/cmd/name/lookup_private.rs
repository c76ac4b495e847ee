//! `sesh name lookup NAME --private`: resolve a name the way Session clients
//! do, through the registry nodes' ONS endpoint (`POST /v1/ons`). Only the
//! name's hash is sent; the answer is decrypted locally with a key derived
//! from the name, and each node's signature over it is checked.

use crate::context::Context;
use crate::onion::{PathHop, Request, Transport};
use crate::output::Report;
use crate::registry::{NodeTarget, Registry};
use eyre::bail;
use serde::Serialize;
use sesh_core::Name;
use sesh_core::SessionId;
use sesh_core::agreement::Verdict;
use sesh_core::ons::{self, NameHash, OnsRequest, OnsResult, TYPE_SESSION};

/// What `sesh name lookup --private` reports.
#[derive(Debug, Serialize)]
pub(crate) struct Private {
    pub(crate) name: String,
    /// Whether it resolves to a Session ID.
    pub(crate) resolves: bool,
    /// The Session ID it resolves to.
    pub(crate) session_id: Option<SessionId>,
    /// The only thing sent: the name's hash.
    pub(crate) name_hash: String,
    /// Which nodes answered and agreed.
    pub(crate) source: OnsSource,
}

/// The registry nodes' ONS endpoint: `{"kind": "ons", ...}`.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename = "ons")]
pub(crate) struct OnsSource {
    /// The nodes that answered.
    pub(crate) registries: Vec<String>,
    /// For each node that answered (in the order of `registries`): the onion path, guard
    /// first (`null`: asked directly, with --direct or --registry).
    pub(crate) paths: Vec<Option<Vec<PathHop>>>,
    /// How many agree.
    pub(crate) agree: usize,
    /// How many were asked.
    pub(crate) asked: usize,
    /// The highest block an answer is signed at (`None`: it does not resolve).
    pub(crate) block: Option<u64>,
}

impl Report for Private {
    fn text(&self) -> String {
        let source = &self.source;
        let nodes = source.registries.join(", ");
        match self.session_id {
            Some(session_id) => format!(
                "{}: resolves (ONS)\n  Session ID    {session_id}\n  source        registry nodes {nodes} ({} of {} agree; ONS, signed at block {}; only the name hash was sent)",
                self.name,
                source.agree,
                source.asked,
                source.block.unwrap_or_default()
            ),
            None => format!(
                "{}: does not resolve (ONS: unregistered, expired, record cleared or flagged)\n  source        registry nodes {nodes} ({} of {} agree; ONS)",
                self.name, source.agree, source.asked
            ),
        }
    }
}

/// Why one node gave no usable answer.
#[derive(Debug)]
enum Failure {
    /// It could not be reached (or answered with an HTTP error).
    Down(String),
    /// It answered, but the answer does not check out: a disagreement.
    Invalid(String),
}

/// A node's verified answer (`None` when it says the name does not resolve), and the onion
/// path it came through.
type Answer = (Option<(SessionId, u64)>, Option<Vec<PathHop>>);

/// One node's verified answer, asked through `transport`.
async fn ask(
    transport: &Transport,
    node: &NodeTarget,
    name: &Name,
    hash: NameHash,
    chain_id: u64,
    contract: alloy::primitives::Address,
) -> Result<Answer, Failure> {
    let body = serde_json::json!(OnsRequest {
        kind: TYPE_SESSION,
        name_hash: hash.to_hex(),
    })
    .to_string();
    let reply = transport
        .send(node, Request::PostJson("/v1/ons", &body))
        .await
        .map_err(|e| Failure::Down(e.to_string()))?;
    if reply.status == 404 {
        return Ok((None, reply.path));
    }
    if !(200..300).contains(&reply.status) {
        return Err(Failure::Down(format!(
            "refused the ONS request: {} {}",
            reply.status,
            String::from_utf8_lossy(&reply.body)
        )));
    }
    let result: OnsResult = serde_json::from_slice(&reply.body)
        .map_err(|e| Failure::Invalid(format!("a malformed ONS answer: {e}")))?;
    let answer = result
        .verify(hash, chain_id, contract)
        .map_err(|e| Failure::Invalid(format!("the ONS answer's signature: {e}")))?;
    let session_id = ons::decrypt(name.as_str(), &answer.encrypted_value, &answer.nonce)
        .map_err(|e| Failure::Invalid(format!("the ONS answer: {e}")))?;
    Ok((Some((session_id, result.attestation.block)), reply.path))
}

/// Runs `sesh name lookup NAME --private`.
pub(crate) async fn run(ctx: &Context<'_>, name: &Name) -> eyre::Result<()> {
    let deployment = ctx.deployment()?;
    let (chain_id, contract) = (deployment.chain_id, deployment.contracts.name_registry);
    let hash = NameHash::of(name.as_str());
    // The nodes asked: the --registry URLs, else 3 of the active set, picked by the name's
    // hash (what the nodes are told), not the name.
    let Some(registry) = Registry::discover(ctx, &hash.to_hex()).await? else {
        bail!("--private needs --registry URL when no registry node is active on chain");
    };
    let transport = registry.transport();
    let nodes = registry.nodes();
    let replies = crate::registry::join_all(
        nodes
            .iter()
            .map(|node| ask(transport, node, name, hash, chain_id, contract)),
    )
    .await;
    let mut answers = Vec::new();
    let mut paths = Vec::new();
    let mut invalid = Vec::new();
    for (node, reply) in nodes.iter().zip(replies) {
        let url = &node.url;
        match reply {
            Ok((answer, path)) => {
                answers.push((url.clone(), answer));
                paths.push(path);
            }
            Err(Failure::Down(error)) => ctx
                .out
                .warn(&format!("registry node {url} is down: {error}")),
            Err(Failure::Invalid(error)) => invalid.push(format!("{url}: {error}")),
        }
    }
    let first = answers.first().and_then(|(_, a)| a.map(|(id, _)| id));
    let agree = answers
        .iter()
        .filter(|(_, answer)| answer.map(|(id, _)| id) == first)
        .count();
    let verdict = Verdict::of(nodes.len(), agree, invalid.len() + answers.len() - agree);
    match verdict {
        Verdict::Disagreement => {
            let mut lines = vec![format!("registry nodes disagree about {name}:")];
            for (url, answer) in &answers {
                lines.push(format!(
                    "  {url}: {}",
                    answer.map_or("not found".into(), |(id, _)| id.to_string())
                ));
            }
            lines.extend(invalid.iter().map(|line| format!("  {line}")));
            bail!("{}", lines.join("\n"));
        }
        Verdict::TooFew { .. } => bail!(
            "{}: drop the unreachable nodes from --registry, or look the name up without --private",
            verdict.shortfall().unwrap_or_default()
        ),
        Verdict::Accepted { .. } => {
            if let Some(caveat) = verdict.caveat() {
                ctx.out.warn(&caveat);
            }
        }
    }
    let block = answers.iter().filter_map(|(_, a)| a.map(|(_, b)| b)).max();
    ctx.out.print(&Private {
        name: name.to_string(),
        resolves: first.is_some(),
        session_id: first,
        name_hash: hash.to_hex(),
        source: OnsSource {
            registries: answers.into_iter().map(|(url, _)| url).collect(),
            paths,
            agree,
            asked: nodes.len(),
            block,
        },
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_pinned() {
        crate::output::golden::check(
            "name-lookup.private",
            &Private {
                name: "alice".into(),
                resolves: true,
                session_id: Some(crate::output::golden::session_id()),
                name_hash: NameHash::of("alice").to_hex(),
                source: OnsSource {
                    registries: vec![
                        "https://node1.example".into(),
                        "https://node2.example".into(),
                    ],
                    paths: vec![
                        Some(crate::onion::PathHop::sample(1)),
                        Some(crate::onion::PathHop::sample(2)),
                    ],
                    agree: 2,
                    asked: 2,
                    block: Some(42),
                },
            },
        );
    }
}
