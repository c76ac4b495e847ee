//! `sesh name lookup NAME --private`: resolve a name the way Session clients
//! do, through the registry nodes' ONS endpoint (`POST /v1/ons`). Only the
//! name's hash is sent; the answer is decrypted locally with a key derived
//! from the name, and each node's signature over it is checked.

use crate::context::Context;
use eyre::bail;
use sesh_core::Name;
use sesh_core::SessionId;
use sesh_core::agreement::Verdict;
use sesh_core::ons::{self, NameHash, OnsRequest, OnsResult, TYPE_SESSION};

/// Why one node gave no usable answer.
#[derive(Debug)]
enum Failure {
    /// It could not be reached (or answered with an HTTP error).
    Down(String),
    /// It answered, but the answer does not check out: a disagreement.
    Invalid(String),
}

/// One node's verified answer: `None` when it says the name does not resolve.
async fn ask(
    client: &reqwest::Client,
    url: &str,
    name: &Name,
    hash: NameHash,
    chain_id: u64,
    contract: alloy::primitives::Address,
) -> Result<Option<(SessionId, u64)>, Failure> {
    let endpoint = format!("{}/v1/ons", url.trim_end_matches('/'));
    let response = client
        .post(&endpoint)
        .json(&OnsRequest {
            kind: TYPE_SESSION,
            name_hash: hash.to_hex(),
        })
        .send()
        .await
        .map_err(|e| Failure::Down(crate::context::describe_failure(&e.without_url(), url)))?;
    if response.status() == reqwest::StatusCode::NOT_FOUND {
        return Ok(None);
    }
    if !response.status().is_success() {
        return Err(Failure::Down(format!(
            "refused the ONS request: {} {}",
            response.status(),
            response.text().await.unwrap_or_default()
        )));
    }
    let result: OnsResult = response
        .json()
        .await
        .map_err(|e| Failure::Invalid(format!("a malformed ONS answer: {}", e.without_url())))?;
    let answer = result
        .verify(hash, chain_id, contract)
        .map_err(|e| Failure::Invalid(format!("the ONS answer's signature: {e}")))?;
    let session_id = ons::decrypt(name.as_str(), &answer.encrypted_value, &answer.nonce)
        .map_err(|e| Failure::Invalid(format!("the ONS answer: {e}")))?;
    Ok(Some((session_id, result.attestation.block)))
}

/// Runs `sesh name lookup NAME --private`.
pub async fn run(ctx: &Context<'_>, name: &Name) -> eyre::Result<()> {
    if ctx.registries.is_empty() {
        bail!("--private needs --registry URL");
    }
    let deployment = ctx.deployment()?;
    let (chain_id, contract) = (deployment.chain_id, deployment.contracts.name_registry);
    let hash = NameHash::of(name.as_str());
    let client = ctx.http_client(
        std::time::Duration::from_secs(3),
        std::time::Duration::from_secs(15),
    )?;
    let replies = crate::registry::join_all(
        ctx.registries
            .iter()
            .map(|url| ask(&client, url, name, hash, chain_id, contract)),
    )
    .await;
    let mut answers = Vec::new();
    let mut invalid = Vec::new();
    for (url, reply) in ctx.registries.iter().zip(replies) {
        match reply {
            Ok(answer) => answers.push((url.clone(), answer)),
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
    let verdict = Verdict::of(
        ctx.registries.len(),
        agree,
        invalid.len() + answers.len() - agree,
    );
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
    let asked = ctx.registries.len();
    let nodes: Vec<&str> = answers.iter().map(|(url, _)| url.as_str()).collect();
    let block = answers.iter().filter_map(|(_, a)| a.map(|(_, b)| b)).max();
    match first {
        Some(session_id) => {
            let text = format!(
                "{name}: resolves (ONS)\n  Session ID    {session_id}\n  source        registry nodes {} ({agree} of {asked} agree; ONS, signed at block {}; only the name hash was sent)",
                nodes.join(", "),
                block.unwrap_or_default()
            );
            ctx.out.result(
                &text,
                serde_json::json!({
                    "name": name.as_str(),
                    "resolves": true,
                    "session_id": session_id.to_string(),
                    "name_hash": hash.to_hex(),
                    "source": {"kind": "ons", "registries": nodes, "agree": agree, "asked": asked, "block": block},
                }),
            )?;
        }
        None => {
            let text = format!(
                "{name}: does not resolve (ONS: unregistered, expired, record cleared or flagged)\n  source        registry nodes {} ({agree} of {asked} agree; ONS)",
                nodes.join(", ")
            );
            ctx.out.result(
                &text,
                serde_json::json!({
                    "name": name.as_str(),
                    "resolves": false,
                    "name_hash": hash.to_hex(),
                    "source": {"kind": "ons", "registries": nodes, "agree": agree, "asked": asked},
                }),
            )?;
        }
    }
    Ok(())
}
