//! `sesh name reverse SESSION_ID`.

use super::common::{NameState, Phase, parse_session_id};
use crate::chain::Chain;
use crate::chain::LogsSource;
use crate::context::Context;
use crate::format::{Checksummed, date};
use crate::logs;
use crate::output::Report;
use crate::registry::{NodesSource, primary_via_nodes};
use alloy::primitives::{B256, U256};
use alloy::rpc::types::Filter;
use alloy::sol_types::SolEvent;
use clap::Args;
use serde::Serialize;
use sesh_core::bindings::NameRegistry;
use sesh_core::reverse_consent::{Consent, ConsentProof};
use sesh_core::{Name, SessionId};
use std::collections::BTreeMap;

/// Find a Session ID's reverse name, and the names whose record points at it
///
/// A Session ID's reverse name is the name it consented to (its Ed25519 key
/// signed the consent, which `sesh name register` and `sesh name
/// set-primary` give): the name must point at the Session ID and be its
/// owner's primary name. Anyone's name may point at any Session ID, but that
/// does not name it.
///
/// By default asks registry nodes (--registry URLs, else 3 nodes of the
/// active set read from the chain) for the reverse name (/v1/reverse),
/// checks the consent in each answer itself and accepts the name only when
/// the nodes agree. With --rpc, or when no registry node is known, it reads
/// the registry's event logs (NameRegistered, RecordSet and the Session ID's
/// consents) from the deployment block with eth_getLogs, then checks each
/// candidate's current record on chain, so only live names that resolve to
/// the Session ID are listed; the consented reverse name is marked. On a long
/// chain this reads many logs.
///
/// Examples:
///   sesh name reverse 05d871fc80ca007eed9b2f4df72853e2a2d5465a92fcb1889fb5c84aa2833b3b40
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct ReverseArgs {
    /// The Session ID.
    #[arg(value_name = "SESSION_ID", value_parser = parse_session_id)]
    pub(crate) session_id: SessionId,
    /// Read the chain's logs directly through the RPC endpoint.
    #[arg(long)]
    pub(crate) rpc: bool,
}

/// What `sesh name reverse` reports: the Session ID's reverse name as the registry nodes
/// agree on it, or (`--rpc`) every live name whose record points at it.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(crate) enum Reverse {
    /// Through registry nodes.
    Nodes(ViaNodes),
    /// Through the registry's logs.
    Rpc(ViaLogs),
}

/// `sesh name reverse` through registry nodes.
#[derive(Debug, Serialize)]
pub(crate) struct ViaNodes {
    pub(crate) session_id: SessionId,
    /// Its reverse name (the one it consented to), if any.
    pub(crate) primary_name: Option<String>,
    /// That name's owner.
    pub(crate) owner: Option<Checksummed>,
    /// Which nodes answered and agreed.
    pub(crate) source: NodesSource,
}

/// `sesh name reverse --rpc`.
#[derive(Debug, Serialize)]
pub(crate) struct ViaLogs {
    pub(crate) session_id: SessionId,
    /// Its reverse name (the one it consented to), if any.
    pub(crate) primary_name: Option<String>,
    /// Every live name whose record holds the Session ID, the reverse name first.
    pub(crate) names: Vec<NameState>,
    /// Where they were found.
    pub(crate) source: LogsSource,
}

impl Report for Reverse {
    fn text(&self) -> String {
        match self {
            Self::Nodes(nodes) => match &nodes.primary_name {
                Some(name) => format!(
                    "{}: reverse name {name}{}, consented to by the Session ID\n  source: {}",
                    nodes.session_id,
                    nodes
                        .owner
                        .map(|o| format!(" (owner {o})"))
                        .unwrap_or_default(),
                    nodes.source.summary()
                ),
                None => format!(
                    "{}: no reverse name (none it consented to)\n  source: {}",
                    nodes.session_id,
                    nodes.source.summary()
                ),
            },
            Self::Rpc(logs) => logs.text(),
        }
    }
}

impl ViaLogs {
    fn text(&self) -> String {
        let mut text = if self.names.is_empty() {
            format!("No live name resolves to {}\n", self.session_id)
        } else {
            format!("Names that resolve to {}:\n", self.session_id)
        };
        for state in &self.names {
            let reverse = self.primary_name.as_deref() == Some(state.name.as_str());
            text.push_str(&format!(
                "  {:<24} until {}{}\n",
                state.name.as_str(),
                date(state.expiry),
                match (reverse, state.primary) {
                    (true, _) => "  (reverse name: primary, consented to by the Session ID)",
                    (false, true) =>
                        "  (its owner's primary name, without the Session ID's consent)",
                    (false, false) => "",
                }
            ));
        }
        text.push_str(&format!(
            "  source: registry logs since block {} and current records, through the RPC at {}",
            self.source.from_block, self.source.rpc_url
        ));
        text
    }
}

impl ReverseArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        if !self.rpc
            && let Some((answer, agreed)) = primary_via_nodes(ctx, self.session_id, false).await?
        {
            ctx.out.print(&Reverse::Nodes(ViaNodes {
                session_id: self.session_id,
                primary_name: answer.name,
                owner: answer.owner.map(Checksummed),
                source: agreed.source(),
            }))?;
            return Ok(());
        }
        let chain = Chain::read(ctx).await?;
        let deployment = chain.deployment();
        let provider = chain.provider();
        let registry = deployment.contracts.name_registry;
        ctx.out.info(&format!(
            "Reading registry logs from block {} (eth_getLogs)…",
            deployment.deploy_block
        ));
        let filter = Filter::new().address(registry).event_signature(vec![
            NameRegistry::NameRegistered::SIGNATURE_HASH,
            NameRegistry::RecordSet::SIGNATURE_HASH,
        ]);
        let mut labels: BTreeMap<U256, String> = BTreeMap::new();
        let mut keys: BTreeMap<U256, B256> = BTreeMap::new();
        for log in logs::fetch(provider, filter, deployment.deploy_block).await? {
            if let Ok(event) = log.log_decode::<NameRegistry::NameRegistered>() {
                let event = event.inner.data;
                labels.insert(event.tokenId, event.label.clone());
                keys.insert(event.tokenId, event.sessionKey);
            } else if let Ok(event) = log.log_decode::<NameRegistry::RecordSet>() {
                keys.insert(event.inner.data.tokenId, event.inner.data.sessionKey);
            }
        }
        let target = self.session_id.key();
        let consent = last_counted_consent(provider, deployment, self.session_id).await?;
        let mut found = Vec::new();
        for (token, key) in keys {
            if key != target {
                continue;
            }
            let Some(label) = labels.get(&token) else {
                continue;
            };
            let Ok(name) = Name::parse(label) else {
                continue;
            };
            let state = NameState::read(&chain, &name).await?;
            if state.phase == Phase::Live && state.session_id == Some(self.session_id) {
                found.push(state);
            }
        }
        // The reverse name: the consented name, live, pointing here, held by the consent's
        // owner and its primary name (the registry nodes' rule).
        let is_reverse = |state: &NameState| {
            consent.as_ref().is_some_and(|c| {
                c.token_id == state.name.token_id() && c.owner == state.registrant && state.primary
            })
        };
        found.sort_by_key(|state| (!is_reverse(state), !state.primary, state.name.to_string()));
        ctx.out.print(&Reverse::Rpc(ViaLogs {
            session_id: self.session_id,
            primary_name: found
                .iter()
                .find(|s| is_reverse(s))
                .map(|s| s.name.to_string()),
            names: found,
            source: LogsSource::of(&chain),
        }))?;
        Ok(())
    }
}

/// The Session ID's last counted consent to a reverse name, from the registry's
/// `ReverseConsentGiven` logs for its key: as a registry node counts them, the first verified
/// consent with the highest nonce ([`sesh_core::reverse_consent`]).
async fn last_counted_consent(
    provider: &alloy::providers::DynProvider,
    deployment: &sesh_core::deployment::Deployment,
    session_id: SessionId,
) -> eyre::Result<Option<Consent>> {
    let filter = Filter::new()
        .address(deployment.contracts.name_registry)
        .event_signature(NameRegistry::ReverseConsentGiven::SIGNATURE_HASH)
        .topic1(session_id.key());
    let mut last: Option<Consent> = None;
    for log in logs::fetch(provider, filter, deployment.deploy_block).await? {
        let Ok(event) = log.log_decode::<NameRegistry::ReverseConsentGiven>() else {
            continue;
        };
        let e = event.inner.data;
        let consent = Consent {
            session_id,
            token_id: e.tokenId,
            owner: e.owner,
            proof: ConsentProof::from_halves(e.ed25519Key, e.nonce, e.signatureR, e.signatureS),
        };
        let newer = last
            .as_ref()
            .is_none_or(|l| consent.proof.nonce > l.proof.nonce);
        if newer
            && consent
                .check(deployment.chain_id, deployment.contracts.name_registry)
                .is_ok()
        {
            last = Some(consent);
        }
    }
    Ok(last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::golden;

    #[test]
    fn json_is_pinned() {
        golden::check(
            "name-reverse",
            &Reverse::Nodes(ViaNodes {
                session_id: golden::session_id(),
                primary_name: Some("alice".into()),
                owner: Some(golden::account(0)),
                source: NodesSource::sample(),
            }),
        );
        let mut other = NameState::sample();
        other.name = Name::parse("alice2").unwrap();
        other.primary = false;
        golden::check(
            "name-reverse.rpc",
            &Reverse::Rpc(ViaLogs {
                session_id: golden::session_id(),
                primary_name: Some("alice".into()),
                names: vec![NameState::sample(), other],
                source: LogsSource::sample(),
            }),
        );
    }
}
