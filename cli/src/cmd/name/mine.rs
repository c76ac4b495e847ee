//! `sesh name mine`.

use super::common::{NameState, Phase};
use crate::chain::Chain;
use crate::chain::LogsSource;
use crate::context::Context;
use crate::format::{Checksummed, date};
use crate::logs;
use crate::output::Report;
use alloy::primitives::{B256, U256};
use alloy::rpc::types::Filter;
use alloy::sol_types::SolEvent;
use clap::Args;
use serde::Serialize;
use sesh_core::Name;
use sesh_core::bindings::NameRegistry;
use sesh_core::protocol::DAY;
use std::collections::{BTreeMap, BTreeSet};

/// Warn about names expiring within this long.
const EXPIRY_WARNING: u64 = 30 * DAY;

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
pub(crate) struct MineArgs {}

/// What `sesh name mine` reports: the wallet's live names and those in grace, soonest expiry
/// first.
#[derive(Debug, Serialize)]
pub(crate) struct Mine {
    /// The wallet's account.
    pub(crate) owner: Checksummed,
    /// Its names.
    pub(crate) names: Vec<NameState>,
    /// Where they were found.
    pub(crate) source: LogsSource,
}

impl Mine {
    /// What to say about one name: its grace period, or an expiry within 30 days.
    fn warning(state: &NameState) -> Option<String> {
        match state.phase {
            Phase::Grace => Some(format!(
                "{} expired on {} and is in its grace period: it does not resolve; renew it before {} or lose it (`sesh name renew {}`)",
                state.name,
                date(state.expiry),
                date(state.grace_end()),
                state.name
            )),
            _ if state.expiry <= state.now + EXPIRY_WARNING => Some(format!(
                "{} expires on {} (in {} days); renew it with `sesh name renew {}`",
                state.name,
                date(state.expiry),
                (state.expiry - state.now) / DAY,
                state.name
            )),
            _ => None,
        }
    }
}

impl Report for Mine {
    fn text(&self) -> String {
        let mut text = if self.names.is_empty() {
            format!("{} holds no names\n", self.owner)
        } else {
            format!("Names held by {}:\n", self.owner)
        };
        for state in &self.names {
            let mut notes = Vec::new();
            if state.primary {
                notes.push("primary".to_string());
            }
            match state.phase {
                Phase::Grace => notes.push(format!("IN GRACE until {}", date(state.grace_end()))),
                _ if state.expiry <= state.now + EXPIRY_WARNING => {
                    notes.push("expires soon".into())
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
            self.source.from_block, self.source.rpc_url
        ));
        text
    }
}

impl MineArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let wallet = ctx.wallet_file()?.evm_address;
        let chain = Chain::read(ctx).await?;
        let deploy_block = chain.deployment().deploy_block;
        let registry = chain.contracts().name_registry;
        let topic = B256::left_padding_from(wallet.as_slice());
        let transfers = Filter::new()
            .address(registry)
            .event_signature(NameRegistry::Transfer::SIGNATURE_HASH);
        let mut tokens: BTreeSet<U256> = BTreeSet::new();
        for filter in [transfers.clone().topic2(topic), transfers.topic1(topic)] {
            for log in logs::fetch(chain.provider(), filter, deploy_block).await? {
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
            for log in logs::fetch(chain.provider(), filter, deploy_block).await? {
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
            let state = NameState::read(&chain, &name).await?;
            if state.registrant == wallet && matches!(state.phase, Phase::Live | Phase::Grace) {
                names.push(state);
            }
        }
        names.sort_by_key(|state| state.expiry);
        for warning in names.iter().filter_map(Mine::warning) {
            ctx.out.warn(&warning);
        }
        ctx.out.print(&Mine {
            owner: wallet.into(),
            names,
            source: LogsSource::of(&chain),
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sesh_core::protocol::GRACE_PERIOD;

    #[test]
    fn json_is_pinned() {
        let live = NameState::sample();
        let mut grace = NameState::sample();
        grace.name = Name::parse("old").unwrap();
        grace.primary = false;
        grace.expiry = live.now - GRACE_PERIOD / 2;
        grace.phase = Phase::at(grace.expiry, grace.now);
        crate::output::golden::check(
            "name-mine",
            &Mine {
                owner: crate::output::golden::account(0),
                names: vec![grace, live],
                source: LogsSource::sample(),
            },
        );
    }
}
