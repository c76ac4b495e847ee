//! The wallet's view of the chain, in the spirit of Foundry's `Cast<P>`: one [`Chain`] per
//! command holds the provider and the deployment and answers what every command asks — the
//! chain's clock, balances and allowances, permits, the market's approval, node records,
//! event logs — with one wording for each failure.
//!
//! A command reads with [`Chain::read`] (no password), checks everything it can, and only
//! then unlocks the wallet and moves to [`Chain::signing`] to send.

use crate::context::Context;
use crate::format::sesh;
use crate::tx::{self, Mined, Plan};
use alloy::contract::Event;
use alloy::primitives::{Address, U256};
use alloy::providers::{DynProvider, Provider};
use alloy::sol_types::SolEvent;
use eyre::{WrapErr, bail, eyre};
use serde::Serialize;
use sesh_core::Sesh;
use sesh_core::bindings::node_staking::INodeStaking::NodeInfo;
use sesh_core::bindings::{NameMarket, NameRegistry, NodeStaking, Premium, TestSESH};
use sesh_core::deployment::{Contracts, Deployment};
use sesh_core::keys::WalletKeys;
use sesh_core::permit::{PermitDomain, SignedPermit, sign_permit};
use sesh_core::protocol::NodeState;
use std::collections::HashMap;

/// How long a signed permit stays valid, from the chain's clock.
pub(crate) const PERMIT_LIFETIME_SECS: u64 = 3_600;

/// The chain as one command sees it: a provider (read-only or signing) and the deployment.
#[derive(Debug, Clone)]
pub(crate) struct Chain<'c> {
    ctx: &'c Context<'c>,
    provider: DynProvider,
    deployment: &'c Deployment,
}

impl<'c> Chain<'c> {
    /// The chain through a read-only provider (nothing to unlock).
    pub(crate) async fn read(ctx: &'c Context<'c>) -> eyre::Result<Self> {
        let deployment = ctx.deployment()?;
        let provider = ctx.provider().await?;
        Ok(Self {
            ctx,
            provider,
            deployment,
        })
    }

    /// The same chain through a provider that signs with `keys`.
    pub(crate) async fn signing(&self, keys: &WalletKeys) -> eyre::Result<Self> {
        Ok(Self {
            ctx: self.ctx,
            provider: self.ctx.signing_provider(keys).await?,
            deployment: self.deployment,
        })
    }

    /// The provider.
    pub(crate) fn provider(&self) -> &DynProvider {
        &self.provider
    }

    /// The deployment.
    pub(crate) fn deployment(&self) -> &'c Deployment {
        self.deployment
    }

    /// The contracts' addresses.
    pub(crate) fn contracts(&self) -> &'c Contracts {
        &self.deployment.contracts
    }

    /// `NameRegistry`.
    pub(crate) fn registry(&self) -> NameRegistry::NameRegistryInstance<&DynProvider> {
        NameRegistry::new(self.contracts().name_registry, &self.provider)
    }

    /// `NameMarket`.
    pub(crate) fn market(&self) -> NameMarket::NameMarketInstance<&DynProvider> {
        NameMarket::new(self.contracts().name_market, &self.provider)
    }

    /// `Premium`.
    pub(crate) fn premium(&self) -> Premium::PremiumInstance<&DynProvider> {
        Premium::new(self.contracts().premium, &self.provider)
    }

    /// `NodeStaking`.
    pub(crate) fn staking(&self) -> NodeStaking::NodeStakingInstance<&DynProvider> {
        NodeStaking::new(self.contracts().node_staking, &self.provider)
    }

    /// The SESH token.
    pub(crate) fn token(&self) -> TestSESH::TestSESHInstance<&DynProvider> {
        TestSESH::new(self.contracts().sesh, &self.provider)
    }

    /// The chain's clock: the latest block's timestamp. Tests and forks move it, so the wall
    /// clock is never used for contract times.
    pub(crate) async fn now(&self) -> eyre::Result<u64> {
        let block = self
            .provider
            .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
            .await
            .wrap_err("cannot read the latest block")?
            .ok_or_else(|| eyre!("the node returned no latest block"))?;
        Ok(block.header.timestamp)
    }

    /// The timestamp of block `number`.
    pub(crate) async fn block_time(&self, number: u64) -> eyre::Result<u64> {
        let block = self
            .provider
            .get_block_by_number(number.into())
            .await
            .wrap_err("cannot read a block")?
            .ok_or_else(|| eyre!("the node does not have block {number}"))?;
        Ok(block.header.timestamp)
    }

    /// `who`'s SESH balance.
    pub(crate) async fn sesh_balance(&self, who: Address) -> eyre::Result<Sesh> {
        self.token()
            .balanceOf(who)
            .call()
            .await
            .map(Sesh::from_units)
            .wrap_err("cannot read the SESH balance")
    }

    /// Refuses, before anything is sent, when `payer` holds less than `needed`.
    pub(crate) async fn ensure_balance(&self, payer: Address, needed: Sesh) -> eyre::Result<()> {
        let balance = self.sesh_balance(payer).await?;
        if balance < needed {
            bail!(
                "not enough SESH: {payer} holds {} but {} are needed; nothing was sent",
                sesh(balance),
                sesh(needed)
            );
        }
        Ok(())
    }

    /// Signs a permit letting `spender` take `value` SESH from the wallet, valid for
    /// [`PERMIT_LIFETIME_SECS`] of chain time.
    pub(crate) async fn permit(
        &self,
        keys: &WalletKeys,
        spender: Address,
        value: U256,
    ) -> eyre::Result<SignedPermit> {
        let token = self.token();
        let token_name = token
            .name()
            .call()
            .await
            .wrap_err("cannot read the SESH token's name")?;
        let nonce = token
            .nonces(keys.evm_address())
            .call()
            .await
            .wrap_err("cannot read the permit nonce")?;
        let domain = PermitDomain {
            token_name,
            chain_id: self.deployment.chain_id,
            token: self.contracts().sesh,
        };
        let deadline = U256::from(self.now().await? + PERMIT_LIFETIME_SECS);
        sign_permit(keys.evm_signer(), &domain, spender, value, nonce, deadline)
            .await
            .wrap_err("cannot sign the SESH permit")
    }

    /// Simulates, previews, confirms, sends and waits ([`tx::execute`]); `Ok(None)` when the
    /// user declined.
    pub(crate) async fn send(&self, from: Address, plan: Plan) -> eyre::Result<Option<Mined>> {
        tx::execute(self.ctx, &self.provider, from, plan).await
    }

    /// Makes sure the market may move `owner`'s name `token_id`: sends
    /// `setApprovalForAll(market, true)` first (with its own confirmation) when neither that
    /// nor an approval of the token is in place. `Ok(false)` when the user declined.
    pub(crate) async fn ensure_market_approved(
        &self,
        owner: Address,
        token_id: U256,
    ) -> eyre::Result<bool> {
        let contracts = self.contracts();
        let registry = self.registry();
        let for_all = registry
            .isApprovedForAll(owner, contracts.name_market)
            .call()
            .await
            .wrap_err("cannot read the market's approval")?;
        let single = registry
            .getApproved(token_id)
            .call()
            .await
            .unwrap_or_default();
        if for_all || single == contracts.name_market {
            return Ok(true);
        }
        self.ctx.out.info(
            "The market may not move your names yet: first approve it on the name registry (once for all your names).",
        );
        let plan = Plan {
            action: format!(
                "Let the market ({}) move your names when they sell",
                contracts.name_market
            ),
            details: vec![(
                "call".into(),
                "setApprovalForAll(market, true) on the name registry".into(),
            )],
            request: tx::call(
                contracts.name_registry,
                registry
                    .setApprovalForAll(contracts.name_market, true)
                    .calldata(),
            ),
        };
        Ok(self.send(owner, plan).await?.is_some())
    }

    /// Approves the staking contract for `amount` SESH when the allowance is smaller (its own
    /// transaction, with its own confirmation): staking has no permit path. `Ok(false)` when
    /// the user declined.
    pub(crate) async fn ensure_staking_allowance(
        &self,
        owner: Address,
        amount: Sesh,
    ) -> eyre::Result<bool> {
        let contracts = self.contracts();
        let token = self.token();
        let allowance = token
            .allowance(owner, contracts.node_staking)
            .call()
            .await
            .wrap_err("cannot read the SESH allowance")?;
        if allowance >= amount.units() {
            return Ok(true);
        }
        self.ctx.out.info(
            "Staking takes SESH by allowance: first approve the staking contract for the amount.",
        );
        let plan = Plan {
            action: format!("Allow the staking contract to take {}", sesh(amount)),
            details: vec![
                ("amount".into(), sesh(amount)),
                ("spender".into(), contracts.node_staking.to_string()),
            ],
            request: tx::call(
                contracts.sesh,
                token
                    .approve(contracts.node_staking, amount.units())
                    .calldata(),
            ),
        };
        Ok(self.send(owner, plan).await?.is_some())
    }

    /// Node `node_id`'s record (`NodeStaking.nodeInfo`).
    pub(crate) async fn node(&self, node_id: u64) -> eyre::Result<NodeInfo> {
        self.staking()
            .nodeInfo(U256::from(node_id))
            .call()
            .await
            .map_err(read_error("the node"))
    }

    /// Node `node_id`'s record, refused in words unless it is in one of `states` (`doing`
    /// says what for: "takes no contributions").
    pub(crate) async fn node_in(
        &self,
        node_id: u64,
        states: &[NodeState],
        doing: &str,
    ) -> eyre::Result<NodeInfo> {
        let info = self.node(node_id).await?;
        match NodeState::from_u8(info.state) {
            Some(state) if states.contains(&state) => Ok(info),
            Some(state) => bail!("node {node_id} is {state}, so it {doing}"),
            None => bail!("there is no node {node_id}; `sesh stake nodes` lists them"),
        }
    }

    /// Every `E` event logged since the deployment block, in chain order, read over block
    /// ranges an RPC accepts ([`crate::logs`]). A failed read says which event it was: "cannot
    /// read the Listed logs".
    pub(crate) async fn events<P: Provider, E: SolEvent>(
        &self,
        event: Event<P, E>,
    ) -> eyre::Result<Vec<E>> {
        let name = E::SIGNATURE.split('(').next().unwrap_or(E::SIGNATURE);
        let logs = crate::logs::fetch(&self.provider, event.filter, self.deployment.deploy_block)
            .await
            .wrap_err_with(|| format!("cannot read the {name} logs"))?;
        logs.iter()
            .map(|log| {
                E::decode_log_data(log.data())
                    .wrap_err_with(|| format!("a {name} log does not decode"))
            })
            .collect()
    }

    /// The labels of every name registered since the deployment, by token id (market events
    /// carry only token ids).
    pub(crate) async fn labels(&self) -> eyre::Result<HashMap<U256, String>> {
        let registered = self.events(self.registry().NameRegistered_filter()).await?;
        Ok(registered
            .into_iter()
            .map(|event| (event.tokenId, event.label))
            .collect())
    }
}

/// An answer read from the contracts' event logs through an RPC, then their current state:
/// `{"kind": "rpc-logs", ...}` (the other source is the registry nodes'
/// [`crate::registry::NodesSource`]).
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename = "rpc-logs")]
pub(crate) struct LogsSource {
    pub(crate) rpc_url: String,
    /// The first block read (the deployment's).
    pub(crate) from_block: u64,
}

impl LogsSource {
    /// The logs of `chain`'s deployment, through its RPC.
    pub(crate) fn of(chain: &Chain<'_>) -> Self {
        Self {
            rpc_url: chain.ctx.rpc_url.clone(),
            from_block: chain.deployment().deploy_block,
        }
    }

    /// A sample, for golden files.
    #[cfg(test)]
    pub(crate) fn sample() -> Self {
        Self {
            rpc_url: "http://127.0.0.1:8545".into(),
            from_block: 1,
        }
    }
}

/// A name's label if known, else its token id in hex.
pub(crate) fn label_or_id(labels: &HashMap<U256, String>, token_id: U256) -> String {
    labels
        .get(&token_id)
        .cloned()
        .unwrap_or_else(|| format!("{token_id:#x}"))
}

/// For `map_err` on a contract read: "cannot read {what}", with a refusal told in words.
pub(crate) fn read_error(what: &str) -> impl FnOnce(alloy::contract::Error) -> eyre::Report + '_ {
    move |error| match crate::error::decode_contract_error(&error) {
        Some(revert) => eyre!("cannot read {what}: {}", revert.message),
        None => eyre::Report::new(error).wrap_err(format!("cannot read {what}")),
    }
}
