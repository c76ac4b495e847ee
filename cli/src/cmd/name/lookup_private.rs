//! `sesh name lookup NAME --private`: resolve a name the way Session clients
//! do, through the registry nodes' ONS endpoint (`POST /v1/ons`). Only the
//! name's hash is sent; the answer is decrypted locally with a key derived
//! from the name, and each node's signature over it is checked.

use crate::context::Context;
use eyre::{WrapErr, bail};
use sesh_core::Name;
use sesh_core::SessionId;
use sesh_core::ons::{self, NameHash, OnsRequest, OnsResult, TYPE_SESSION};

/// One node's verified answer: `None` when it says the name does not resolve.
async fn ask(
    client: &reqwest::Client,
    url: &str,
    name: &Name,
    hash: NameHash,
    chain_id: u64,
    contract: alloy::primitives::Address,
) -> eyre::Result<Option<(SessionId, u64)>> {
    let endpoint = format!("{}/v1/ons", url.trim_end_matches('/'));
    let response = client
        .post(&endpoint)
        .json(&OnsRequest {
            kind: TYPE_SESSION,
            name_hash: hash.to_hex(),
        })
        .send()
        .await
        .wrap_err_with(|| format!("registry node {url} does not answer"))?;
    if response.status() == reqwest::StatusCode::NOT_FOUND {
        return Ok(None);
    }
    if !response.status().is_success() {
        bail!(
            "registry node {url} refused the ONS request: {} {}",
            response.status(),
            response.text().await.unwrap_or_default()
        );
    }
    let result: OnsResult = response
        .json()
        .await
        .wrap_err_with(|| format!("registry node {url} sent a malformed ONS answer"))?;
    let answer = result
        .verify(hash, chain_id, contract)
        .wrap_err_with(|| format!("registry node {url}: the ONS answer's signature"))?;
    let session_id = ons::decrypt(name.as_str(), &answer.encrypted_value, &answer.nonce)
        .wrap_err_with(|| format!("registry node {url}: the ONS answer"))?;
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
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(15))
        .build()?;
    let mut answers = Vec::new();
    for url in &ctx.registries {
        answers.push((
            url.clone(),
            ask(&client, url, name, hash, chain_id, contract).await?,
        ));
    }
    let first = answers[0].1.map(|(id, _)| id);
    if let Some((url, other)) = answers
        .iter()
        .find(|(_, answer)| answer.map(|(id, _)| id) != first)
    {
        bail!(
            "registry nodes disagree about {name}: {} says {}, {url} says {}",
            answers[0].0,
            first.map_or("not found".into(), |id| id.to_string()),
            other.map_or("not found".into(), |(id, _)| id.to_string())
        );
    }
    let nodes: Vec<&str> = answers.iter().map(|(url, _)| url.as_str()).collect();
    let block = answers.iter().filter_map(|(_, a)| a.map(|(_, b)| b)).max();
    match first {
        Some(session_id) => {
            let text = format!(
                "{name}: resolves (ONS)\n  Session ID    {session_id}\n  source        registry nodes {} (ONS, signed at block {}; only the name hash was sent)",
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
                    "source": {"kind": "ons", "registries": nodes, "block": block},
                }),
            )?;
        }
        None => {
            let text = format!(
                "{name}: does not resolve (ONS: unregistered, expired, record cleared or flagged)\n  source        registry nodes {} (ONS)",
                nodes.join(", ")
            );
            ctx.out.result(
                &text,
                serde_json::json!({
                    "name": name.as_str(),
                    "resolves": false,
                    "name_hash": hash.to_hex(),
                    "source": {"kind": "ons", "registries": nodes},
                }),
            )?;
        }
    }
    Ok(())
}
