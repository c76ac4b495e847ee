//! The chain follower: backfills from the deploy block with `eth_getLogs` in
//! adaptive ranges, then follows new heads by polling, `confirmations` blocks
//! behind the chain head; verifies paid events against their receipts; detects
//! reorgs from stored block hashes and rewinds; commits every batch (index
//! changes, block hashes, cursor) in one redb transaction.
//!
//! - [`range`]: the adaptive `eth_getLogs` range;
//! - [`reorg`]: finding the fork point;
//! - [`apply`]: decoding logs and applying them to the index.
//!
//! The provider itself comes from [`sesh_core::net`] (HTTP or WebSocket, TLS).

pub(crate) mod apply;
pub(crate) mod range;
pub(crate) mod reorg;

use crate::metrics::Metrics;
use crate::status::Status;
use crate::store::{Cursor, Store, StoreError};
use crate::verify::{self, PaidEvent, Verdict};
use alloy::eips::BlockNumberOrTag;
use alloy::primitives::{B256, U256};
use alloy::providers::{DynProvider, Provider};
use alloy::rpc::types::Filter;
use alloy::transports::TransportError;
use apply::{Context, Decoded};
use futures_util::StreamExt;
use range::AdaptiveRange;
use reorg::{ChainView, ForkPoint, find_fork_point};
use sesh_core::deployment::Deployment;
use std::collections::{BTreeMap, HashMap};
use std::future::IntoFuture;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

/// Receipts asked for at once while verifying a batch's paid transactions.
const RECEIPTS_IN_FLIGHT: usize = 16;

/// Why one indexer step failed (the loop logs it and retries).
#[derive(Debug, thiserror::Error)]
pub(crate) enum IndexerError {
    /// An RPC call failed (its text is the whole chain of causes, or what to do about an
    /// untrusted TLS certificate).
    #[error("rpc: {}", rpc_failure(.0))]
    Rpc(#[source] TransportError),
    /// An RPC call did not answer in time.
    #[error("rpc: no answer within {} ms", .0.as_millis())]
    RpcTimeout(Duration),
    /// The RPC has no receipt for a transaction whose logs it gave.
    #[error("rpc: no receipt for transaction {0}")]
    NoReceipt(B256),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The chain moved under a batch; it is retried.
    #[error("block {0} changed while it was read; retrying")]
    Moved(u64),
}

impl IndexerError {
    /// Whether the RPC failed (rather than the store, or the chain moving).
    pub(crate) fn is_rpc(&self) -> bool {
        matches!(
            self,
            Self::Rpc(_) | Self::RpcTimeout(_) | Self::NoReceipt(_)
        )
    }
}

fn rpc_failure(error: &TransportError) -> String {
    sesh_core::net::explain_tls_failure(error, "the RPC", crate::config::CA_SETTING)
        .unwrap_or_else(|| sesh_core::net::error_chain(error))
}

/// How the indexer runs.
#[derive(Debug, Clone)]
pub(crate) struct IndexerConfig {
    /// Blocks to stay behind the chain head.
    pub confirmations: u64,
    /// Pause between polls once caught up.
    pub poll_interval: Duration,
    /// First `eth_getLogs` range.
    pub initial_range: u64,
    /// Largest `eth_getLogs` range.
    pub max_range: u64,
    /// Blocks of undo log and block hashes kept (deeper reorgs rebuild the index).
    pub reorg_window: u64,
    /// Timeout of one RPC call.
    pub rpc_timeout: Duration,
}

/// The follower.
#[derive(Debug)]
pub(crate) struct Indexer {
    provider: DynProvider,
    store: Arc<Store>,
    deployment: Deployment,
    config: IndexerConfig,
    status: Arc<Status>,
    metrics: Arc<Metrics>,
    range: AdaptiveRange,
}

struct Rpc<'a> {
    provider: &'a DynProvider,
    timeout: Duration,
}

impl Rpc<'_> {
    async fn call<T>(
        &self,
        future: impl Future<Output = Result<T, TransportError>>,
    ) -> Result<T, IndexerError> {
        match tokio::time::timeout(self.timeout, future).await {
            Ok(answer) => answer.map_err(IndexerError::Rpc),
            Err(_) => Err(IndexerError::RpcTimeout(self.timeout)),
        }
    }

    /// A transaction's receipt. A failed read is tried again, up to 3 more times after
    /// 200, 400 and 800 ms: providers that limit requests per second refuse some of a burst,
    /// and one refusal would otherwise fail (and repeat) the whole batch.
    async fn receipt(
        &self,
        tx: B256,
    ) -> Result<Option<alloy::rpc::types::TransactionReceipt>, IndexerError> {
        let mut pause = Duration::from_millis(200);
        loop {
            match self.call(self.provider.get_transaction_receipt(tx)).await {
                Err(_) if pause <= Duration::from_millis(800) => {
                    tokio::time::sleep(pause).await;
                    pause *= 2;
                }
                answer => return answer,
            }
        }
    }

    async fn header(&self, number: u64) -> Result<Option<(B256, u64)>, IndexerError> {
        let block = self
            .call(
                self.provider
                    .get_block_by_number(BlockNumberOrTag::Number(number))
                    .into_future(),
            )
            .await?;
        Ok(block.map(|b| (b.header.hash, b.header.timestamp)))
    }
}

impl ChainView for Rpc<'_> {
    type Error = IndexerError;

    async fn hash_at(&self, number: u64) -> Result<Option<B256>, IndexerError> {
        Ok(self.header(number).await?.map(|(hash, _)| hash))
    }
}

impl Indexer {
    /// A follower of `deployment` through `provider`, writing to `store`.
    pub(crate) fn new(
        provider: DynProvider,
        store: Arc<Store>,
        deployment: Deployment,
        config: IndexerConfig,
        status: Arc<Status>,
        metrics: Arc<Metrics>,
    ) -> Self {
        let range = AdaptiveRange::new(
            config.initial_range,
            config.max_range,
            Duration::from_millis(500),
        );
        Self {
            provider,
            store,
            deployment,
            config,
            status,
            metrics,
            range,
        }
    }

    /// Runs until `cancel` fires. Errors are logged and retried; the store is left consistent
    /// at every instant.
    pub(crate) async fn run(mut self, cancel: CancellationToken) {
        tracing::info!(
            cursor = self.store.cursor().map(|c| c.number).unwrap_or(0),
            "indexer started"
        );
        let mut backoff = Duration::from_millis(200);
        loop {
            if cancel.is_cancelled() {
                break;
            }
            let pause = match self.step().await {
                Ok(true) => {
                    backoff = Duration::from_millis(200);
                    Duration::ZERO
                }
                Ok(false) => {
                    backoff = Duration::from_millis(200);
                    self.config.poll_interval
                }
                Err(IndexerError::Moved(block)) => {
                    tracing::info!(block, "chain moved during a batch; retrying");
                    Duration::ZERO
                }
                Err(error) => {
                    if error.is_rpc() {
                        self.metrics.rpc_errors.fetch_add(1, Ordering::Relaxed);
                        self.status.rpc_failed();
                    }
                    tracing::warn!(%error, retry_in_ms = backoff.as_millis() as u64, "indexer step failed");
                    let pause = backoff;
                    backoff = (backoff * 2).min(Duration::from_secs(10));
                    pause
                }
            };
            if !pause.is_zero() {
                tokio::select! {
                    () = cancel.cancelled() => break,
                    () = tokio::time::sleep(pause) => {}
                }
            }
        }
        tracing::info!("indexer stopped");
    }

    /// One step: detect a reorg, or index the next range. `Ok(true)` when there is more to do
    /// right away.
    async fn step(&mut self) -> Result<bool, IndexerError> {
        let rpc = Rpc {
            provider: &self.provider,
            timeout: self.config.rpc_timeout,
        };
        let head = rpc.call(self.provider.get_block_number()).await?;
        self.status.rpc_succeeded(head);
        let cursor = self.store.cursor()?;

        if cursor.hash != B256::ZERO && rpc.hash_at(cursor.number).await? != Some(cursor.hash) {
            self.rewind(&rpc, cursor).await?;
            return Ok(true);
        }

        let target = head.saturating_sub(self.config.confirmations);
        let Some((from, to)) = self.range.next(cursor.number, target) else {
            return Ok(false);
        };

        let started = Instant::now();
        let before = rpc.header(to).await?.ok_or(IndexerError::Moved(to))?;
        let filter = Filter::new()
            .address(vec![
                self.deployment.contracts.name_registry,
                self.deployment.contracts.name_market,
                self.deployment.contracts.premium,
                self.deployment.contracts.node_staking,
            ])
            .from_block(from)
            .to_block(to);
        let logs = match rpc.call(self.provider.get_logs(&filter)).await {
            Ok(logs) => logs,
            Err(error) => {
                self.range.failed();
                tracing::debug!(%error, from, to, next = self.range.size(), "eth_getLogs failed; shrinking the range");
                return Err(error);
            }
        };
        let after = rpc.header(to).await?;
        if after != Some(before) {
            return Err(IndexerError::Moved(to));
        }
        self.range
            .succeeded(to - from + 1, started.elapsed(), logs.len());

        let decoded: Vec<Decoded> = logs
            .iter()
            .filter(|log| !log.removed)
            .filter_map(|log| apply::decode(log, &self.deployment.contracts))
            .collect();
        let failures = self.verify(&rpc, &decoded).await?;

        let ctx = Context {
            chain_id: self.deployment.chain_id,
            contracts: &self.deployment.contracts,
        };
        let mut batch = self.store.batch()?;
        let mut flagged = 0;
        for log in &decoded {
            let failure = failures
                .get(&log.tx_hash)
                .filter(|_| log.paid().is_some())
                .map(|(paid, reason)| (*paid, reason.as_str()));
            if failure.is_some() {
                flagged += 1;
                tracing::warn!(block = log.block, tx = %log.tx_hash, reason = failure.map(|f| f.1), "paid event flagged");
            }
            apply::apply(&mut batch, &ctx, log, failure)?;
            batch.put_block_hash(log.block, log.block_hash)?;
        }
        batch.put_block_hash(to, before.0)?;
        batch.prune_before(to.saturating_sub(self.config.reorg_window))?;
        let new_cursor = Cursor {
            number: to,
            hash: before.0,
            timestamp: before.1,
        };
        batch.commit(new_cursor)?;
        self.status.indexed(&self.store, new_cursor);
        self.metrics
            .events_indexed
            .fetch_add(decoded.len() as u64, Ordering::Relaxed);
        self.metrics
            .events_flagged
            .fetch_add(flagged, Ordering::Relaxed);
        self.metrics.batches.fetch_add(1, Ordering::Relaxed);
        tracing::debug!(from, to, events = decoded.len(), "batch indexed");
        Ok(to < target)
    }

    /// Checks every transaction holding paid events; returns the failed ones with what reached
    /// the pool and why they failed.
    async fn verify(
        &self,
        rpc: &Rpc<'_>,
        decoded: &[Decoded],
    ) -> Result<HashMap<B256, (U256, String)>, IndexerError> {
        let mut by_tx: BTreeMap<B256, Vec<PaidEvent>> = BTreeMap::new();
        for log in decoded {
            if let Some(paid) = log.paid() {
                by_tx.entry(log.tx_hash).or_default().push(paid);
            }
        }
        let contracts = &self.deployment.contracts;
        // Receipts are independent reads: several in flight at once, since one round trip
        // per transaction dominates indexing when each registration is its own transaction.
        let mut verdicts = futures_util::stream::iter(by_tx)
            .map(|(tx, events)| async move {
                let receipt = rpc.receipt(tx).await?.ok_or(IndexerError::NoReceipt(tx))?;
                let verdict: Verdict = verify::check_transaction(
                    &events,
                    receipt.inner.logs(),
                    contracts.sesh,
                    contracts.rewards_pool,
                );
                Ok::<_, IndexerError>((tx, verdict))
            })
            .buffer_unordered(RECEIPTS_IN_FLIGHT);
        let mut failures = HashMap::new();
        while let Some(checked) = verdicts.next().await {
            let (tx, verdict) = checked?;
            if let Some(reason) = verdict.failure(contracts.rewards_pool) {
                failures.insert(tx, (verdict.paid, reason));
            }
        }
        Ok(failures)
    }

    async fn rewind(&self, rpc: &Rpc<'_>, cursor: Cursor) -> Result<(), IndexerError> {
        let stored = self.store.block_hashes_below(cursor.number, usize::MAX)?;
        let fork = find_fork_point(&stored, rpc).await?;
        self.metrics.reorgs.fetch_add(1, Ordering::Relaxed);
        match fork {
            ForkPoint::At(number, hash) => {
                let timestamp = rpc.header(number).await?.map_or(0, |(_, t)| t);
                let to = Cursor {
                    number,
                    hash,
                    timestamp,
                };
                let undone = self.store.rewind(to)?;
                tracing::warn!(
                    from = cursor.number,
                    to = number,
                    undone,
                    "reorg: rewound the index"
                );
                self.status.indexed(&self.store, to);
            }
            ForkPoint::Rebuild => {
                tracing::warn!(
                    from = cursor.number,
                    "reorg deeper than the undo log: rebuilding the index"
                );
                self.store.reset(self.deployment.deploy_block)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::transports::TransportErrorKind;
    use std::error::Error;

    #[test]
    fn an_rpc_failure_keeps_its_cause_and_says_it() {
        let error = IndexerError::Rpc(TransportErrorKind::custom_str("connection refused"));
        assert!(error.is_rpc());
        assert!(
            error.source().is_some(),
            "the transport error is the source"
        );
        assert!(
            error.to_string().starts_with("rpc: ")
                && error.to_string().contains("connection refused"),
            "{error}"
        );
        let timeout = IndexerError::RpcTimeout(Duration::from_secs(2));
        assert_eq!(timeout.to_string(), "rpc: no answer within 2000 ms");
        assert!(timeout.is_rpc() && !IndexerError::Moved(1).is_rpc());
    }
}
