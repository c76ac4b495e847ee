//! `sesh name mine`.

use super::common::{DAY, NameState, Phase, date};
use crate::context::Context;
use crate::logs;
use alloy::primitives::{B256, U256};
use alloy::rpc::types::Filter;
use alloy::sol_types::SolEvent;
use clap::Args;
use sesh_core::Name;
use sesh_core::bindings::NameRegistry;
use std::collections::{BTreeMap, BTreeSet};

/// Warn about names expiring within this many days.
const EXPIRY_WARNING_DAYS: u64 = 30;

/// List the names the wallet holds, with expiry warnings
///
/// Reads the registry's Transfer logs to and from the wallet's account since
/// the deployment block (eth_getLogs), then each name's current state. Warns
/// about names that expire within 30 days and names in their grace period
/// (they no longer resolve; renew them before the grace period ends).
///
/// Examples:
///   sesh name mine
///   sesh name mine --json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct MineArgs {}

impl MineArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let deployment = ctx.deployment()?;
        let wallet = ctx.wallet_file()?.evm_address;
        let provider = ctx.provider().await?;
        let registry = deployment.contracts.name_registry;
        let topic = B256::left_padding_from(wallet.as_slice());
        let transfers = Filter::new()
            .address(registry)
            .event_signature(NameRegistry::Transfer::SIGNATURE_HASH);
        let mut tokens: BTreeSet<U256> = BTreeSet::new();
        for filter in [transfers.clone().topic2(topic), transfers.topic1(topic)] {
            for log in logs::fetch(&provider, filter, deployment.deploy_block).await? {
                if let Ok(event) = log.log_decode::<NameRegistry::Transfer>() {
                    tokens.insert(event.inner.data.id);
                }
            }
        }
        let mut labels: BTreeMap<U256, String> = BTreeMap::new();
        if !tokens.is_empty() {
            let filter = Filter::new()
                .address(registry)
                .event_signature(NameRegistry::NameRegistered::SIGNATURE_HASH)
                .topic1(tokens.iter().map(|t| B256::from(*t)).collect::<Vec<_>>());
            for log in logs::fetch(&provider, filter, deployment.deploy_block).await? {
                if let Ok(event) = log.log_decode::<NameRegistry::NameRegistered>() {
                    labels.insert(event.inner.data.tokenId, event.inner.data.label.clone());
                }
            }
        }
        let mut names = Vec::new();
        for label in labels.values() {
            let Ok(name) = Name::parse(label) else {
                continue;
            };
            let state = NameState::read(ctx, &provider, &name).await?;
            if state.registrant == wallet && matches!(state.phase, Phase::Live | Phase::Grace) {
                names.push(state);
            }
        }
        names.sort_by_key(|state| state.expiry);
        let mut text = if names.is_empty() {
            format!("{wallet} holds no names\n")
        } else {
            format!("Names held by {wallet}:\n")
        };
        for state in &names {
            let mut notes = Vec::new();
            if state.primary {
                notes.push("primary".to_string());
            }
            match state.phase {
                Phase::Grace => {
                    let warning = format!(
                        "{} expired on {} and is in its grace period: it does not resolve; renew it before {} or lose it (`sesh name renew {}`)",
                        state.name,
                        date(state.expiry),
                        date(state.grace_end()),
                        state.name
                    );
                    ctx.out.warn(&warning);
                    notes.push(format!("IN GRACE until {}", date(state.grace_end())));
                }
                _ if state.expiry <= state.now + EXPIRY_WARNING_DAYS * DAY => {
                    let days = (state.expiry - state.now) / DAY;
                    ctx.out.warn(&format!(
                        "{} expires on {} (in {days} days); renew it with `sesh name renew {}`",
                        state.name,
                        date(state.expiry),
                        state.name
                    ));
                    notes.push("expires soon".into());
                }
                _ => {}
            }
            text.push_str(&format!(
                "  {:<24} until {}{}\n",
                state.name.as_str(),
                date(state.expiry),
                if notes.is_empty() {
                    String::new()
                } else {
                    format!("  ({})", notes.join(", "))
                }
            ));
        }
        text.push_str(&format!(
            "  source: registry Transfer logs since block {} and current state, through the RPC at {}",
            deployment.deploy_block, ctx.rpc_url
        ));
        ctx.out.result(
            &text,
            serde_json::json!({
                "owner": wallet.to_checksum(None),
                "names": names.iter().map(NameState::json).collect::<Vec<_>>(),
            }),
        )?;
        Ok(())
    }
}
