//! `registry-node run`: index and serve until SIGINT or SIGTERM.

use crate::app::{App, AppState};
use crate::config::{Config, ConfigError, NodeArgs};
use crate::error::NodeError;
use crate::indexer::{Indexer, IndexerConfig};
use crate::mailbox::Mailbox;
use crate::metrics::Metrics;
use crate::status::Status;
use crate::store::Store;
use crate::{key, router, shutdown};
use alloy::providers::Provider;
use eyre::WrapErr;
use sesh_core::deployment::Deployment;
use std::io::Write;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// Arguments of `run` (everything is in the shared node options).
#[derive(Debug, Default, clap::Args)]
pub struct Args {}

impl Args {
    /// Runs the node.
    pub async fn execute(self, node: &NodeArgs) -> eyre::Result<()> {
        let config = Config::resolve(node)?;
        let deployment = Deployment::load(config.require_deployment()?)?;
        let signer = Arc::new(key::load(&config.key_file)?);
        std::fs::create_dir_all(&config.data_dir).map_err(|source| NodeError::Io {
            what: format!(
                "cannot create the data folder {}",
                config.data_dir.display()
            ),
            source,
        })?;
        // Three quarters of the database cache for the index (lookups, the indexer's
        // batches), a quarter for the mailbox (its writer batches few pages at a time).
        let store = Arc::new(Store::open_with_cache(
            &config.data_dir.join("index.redb"),
            deployment.chain_id,
            &deployment.contracts,
            deployment.deploy_block,
            config.db_cache_bytes / 4 * 3,
        )?);
        let mailbox = Arc::new(Mailbox::open_with_cache(
            &config.data_dir.join("mailbox.redb"),
            config.mailbox_quota,
            config.db_cache_bytes / 4,
        )?);
        let provider = config.provider()?;
        match tokio::time::timeout(config.rpc_timeout, provider.get_chain_id()).await {
            Ok(Ok(chain_id)) if chain_id != deployment.chain_id => {
                return Err(ConfigError::ChainMismatch {
                    rpc: chain_id,
                    manifest: deployment.chain_id,
                }
                .into());
            }
            Ok(Ok(_)) => {}
            Ok(Err(error)) => {
                // A certificate the node does not trust will not fix itself: say so and stop.
                let rpc_url = config.require_rpc_url()?;
                if let Some(reason) =
                    sesh_core::net::explain_tls_failure(&error, rpc_url, crate::config::CA_SETTING)
                {
                    return Err(NodeError::UntrustedRpc {
                        reason,
                        source: error,
                    }
                    .into());
                }
                tracing::warn!(%error, "the RPC does not answer yet; serving the index as it is and retrying")
            }
            Err(_) => tracing::warn!(
                "the RPC does not answer yet; serving the index as it is and retrying"
            ),
        }

        let cursor = store.cursor()?;
        let status = Arc::new(Status::new(
            signer.clone(),
            deployment.chain_id,
            deployment.contracts.name_registry,
            config.confirmations,
            cursor,
        ));
        // The set the index holds at start-up is the one a change is first measured from.
        status.note_active_set(&store);
        let metrics = Arc::new(Metrics::default());
        let app = AppState(Arc::new(App::new(
            store.clone(),
            signer.clone(),
            deployment.clone(),
            status.clone(),
            metrics.clone(),
            provider.clone(),
            config.rpc_timeout,
            config.enable_dump,
            mailbox.clone(),
            config.rates,
            config.answer_cache_bytes,
        )));

        app.police
            .keep_ledger_in(config.data_dir.join("police-ledger.json"));
        app.police.set_spread(config.police_spread);
        if let Some(path) = &config.voting_key_file {
            let key = crate::police::keyfile::load("voting", path)?;
            tracing::info!(signer = %key.address(), "signing deregistration votes");
            app.police.set_voter(key);
        }
        if let Some(path) = &config.operator_key_file {
            let key = crate::police::keyfile::load("operator", path)?;
            let provider = config.trust.signing_provider(
                config.require_rpc_url()?,
                alloy::network::EthereumWallet::from(key),
            )?;
            app.police.set_submitter(crate::police::Submitter {
                provider,
                gas_limit: config.vote_gas_limit,
            });
        }

        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|error| NodeError::Listen {
                address: config.listen,
                error,
            })?;
        let address = listener.local_addr().wrap_err("no local address")?;
        tracing::info!(%address, node_key = %signer.node_key(), chain_id = deployment.chain_id, "registry node listening");
        // Not `println!`, which panics when stdout is closed (`registry-node | head`).
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(
            stdout,
            "registry-node {} listening on http://{address}",
            signer.node_key()
        )
        .and_then(|()| stdout.flush());
        drop(stdout);

        let cancel = CancellationToken::new();
        shutdown::cancel_on_signal(cancel.clone());
        let indexer = Indexer::new(
            provider,
            store,
            deployment,
            IndexerConfig {
                confirmations: config.confirmations,
                poll_interval: config.poll_interval,
                initial_range: crate::indexer::range::INITIAL.min(config.max_range),
                max_range: config.max_range,
                reorg_window: config.reorg_window,
                rpc_timeout: config.rpc_timeout,
            },
            status,
            metrics,
        );
        let indexer = tokio::spawn(indexer.run(cancel.clone()));
        let pruner = tokio::spawn(crate::mailbox::prune_forever(
            mailbox,
            config.mailbox_prune_interval,
            cancel.clone(),
        ));
        let limiter_sweeper = tokio::spawn(forget_idle_clients(app.clone(), cancel.clone()));
        let handover = tokio::spawn(crate::handover::hand_over_forever(
            app.clone(),
            cancel.clone(),
        ));
        let redelivery = tokio::spawn(crate::handlers::storage_rpc::forward::redeliver_forever(
            app.clone(),
            cancel.clone(),
        ));
        let police = tokio::spawn(crate::policing::police_forever(app.clone(), cancel.clone()));
        // With each connection's peer address, for the per-address mailbox limits.
        let api = axum::ServiceExt::<axum::extract::Request>::into_make_service_with_connect_info::<
            std::net::SocketAddr,
        >(router::Api::new(app));
        let server =
            axum::serve(listener, api).with_graceful_shutdown(cancel.clone().cancelled_owned());
        let served = server.await;
        cancel.cancel();
        indexer.await.wrap_err("the indexer task panicked")?;
        pruner.await.wrap_err("the mailbox pruner panicked")?;
        limiter_sweeper
            .await
            .wrap_err("the rate-limit sweeper panicked")?;
        handover.await.wrap_err("the handover task panicked")?;
        redelivery.await.wrap_err("the redelivery task panicked")?;
        police.await.wrap_err("the policing task panicked")?;
        served.wrap_err("the HTTP server failed")?;
        tracing::info!("stopped");
        Ok(())
    }
}

/// Every minute, forgets the clients of the rate limits whose buckets are full again, so
/// their memory follows recent clients only.
async fn forget_idle_clients(app: AppState, cancel: CancellationToken) {
    loop {
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(std::time::Duration::from_secs(60)) => {}
        }
        app.limits.forget_idle();
    }
}
