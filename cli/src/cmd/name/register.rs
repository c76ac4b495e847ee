//! `sesh name register NAME`.

use super::common::{
    DurationOpts, NameState, current_primary, key_of, parse_session_id, sign_consent,
};
use crate::chain::Chain;
use crate::context::Context;
use crate::error::Refused;
use crate::format::{Checksummed, SeshAmount, Timestamp, date, duration};
use crate::output::Report;
use crate::parse::parse_address;
use crate::pending::{PendingRegistration, PendingStore, wall_clock};
use crate::tx::{Mined, Plan};
use alloy::network::TransactionBuilder;
use alloy::primitives::{Address, B256, U256};
use alloy::providers::Provider;
use alloy::rpc::types::TransactionRequest;
use alloy::sol_types::SolCall;
use clap::Args;
use eyre::{WrapErr, bail};
use serde::Serialize;
use sesh_core::bindings::NameRegistry;
use sesh_core::bindings::name_registry::INameRegistry;
use sesh_core::keys::WalletKeys;
use sesh_core::{Name, Sesh, SessionId};
use std::time::Duration;

/// Register a name, pay by permit, and set its record and primary name
///
/// The record gets the wallet's Session ID (or --session-id) and, with
/// --evm-address, an EVM address. The name becomes the wallet's primary name
/// when the wallet has none yet; a wallet that has one keeps it unless
/// --primary is given (--no-primary: never; --for another owner: never). The
/// preview says which, naming the primary name that stays or is replaced.
/// The price (rent, plus a premium on a recently lapsed name) is quoted first
/// and is the most the transaction may take.
///
/// Where the deployment requires commit-reveal (a minimum commitment age
/// above 0), this commits, waits the minimum age, then registers. The pending
/// registration is saved in the wallet's data folder before the commit is
/// sent: if the wait is interrupted, run the same command again and it
/// resumes without committing twice (within the maximum age).
///
/// Once registered, it waits (up to 20 s) for the registry nodes to index the
/// transaction, so that `sesh name lookup` right after shows the name. Every
/// command that changes what the nodes serve (renew, set-record, set-primary,
/// transfer, the market verbs, premium buy) does the same.
///
/// Examples:
///   sesh name register alice
///   sesh name register alice --years 2 --evm-address 0x70997970C51812dc3A010C7d01b50e0d17dc79C8
///   sesh name register alice2 --primary
///   sesh name register gift --for 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --session-id 05ab... --yes
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct RegisterArgs {
    /// The name to register.
    pub(crate) name: String,
    /// How long to register it for.
    #[command(flatten)]
    pub(crate) duration: DurationOpts,
    /// Do not make it the wallet's primary name, even if the wallet has none.
    #[arg(long, conflicts_with = "primary")]
    pub(crate) no_primary: bool,
    /// Make it the wallet's primary name, replacing the one it has.
    #[arg(long, conflicts_with = "owner")]
    pub(crate) primary: bool,
    /// Put ADDR in the record as the name's EVM address.
    #[arg(long, value_name = "ADDR", value_parser = parse_address)]
    pub(crate) evm_address: Option<Address>,
    /// Register it for ADDR (default: the wallet's account; the wallet pays).
    #[arg(long = "for", value_name = "ADDR", value_parser = parse_address)]
    pub(crate) owner: Option<Address>,
    /// Put ID in the record (default: the wallet's Session ID when it owns the name).
    #[arg(long, value_name = "ID", value_parser = parse_session_id)]
    pub(crate) session_id: Option<SessionId>,
}

/// What `sesh name register` reports: the name, its record and primary name as the chain has
/// them after, what it cost, and the transactions.
#[derive(Debug, Serialize)]
pub(crate) struct Register {
    pub(crate) name: String,
    /// Its owner.
    pub(crate) owner: Checksummed,
    /// When it expires.
    pub(crate) expiry: Timestamp,
    /// Its record's Session ID.
    pub(crate) session_id: Option<SessionId>,
    /// Its record's EVM address.
    pub(crate) evm_address: Option<Checksummed>,
    /// Whether it is its owner's primary name now.
    pub(crate) primary: bool,
    /// The wallet's primary name before (registering for the wallet itself only).
    pub(crate) previous_primary: Option<String>,
    /// The most the registration could take: rent plus any premium.
    pub(crate) cost: SeshAmount,
    /// The commit transaction (commit-reveal deployments only).
    pub(crate) commit_tx: Option<B256>,
    /// Whether an interrupted registration was resumed.
    pub(crate) resumed: bool,
    /// Whether the name went to the wallet itself (not in the JSON: `owner` says it).
    #[serde(skip)]
    pub(crate) for_wallet: bool,
    /// The registering transaction.
    #[serde(flatten)]
    pub(crate) tx: Mined,
}

impl Report for Register {
    fn text(&self) -> String {
        let mut text = format!(
            "Registered {} until {}\n  owner         {}\n",
            self.name, self.expiry, self.owner
        );
        if let Some(id) = self.session_id {
            text.push_str(&format!("  Session ID    {id}\n"));
        }
        if let Some(address) = self.evm_address {
            text.push_str(&format!("  EVM address   {address}\n"));
        }
        let choice = PrimaryChoice {
            session_id: None,
            for_wallet: self.for_wallet,
            previous: self.previous_primary.clone(),
            no_primary: false,
        };
        text.push_str(&format!(
            "  primary name  {}\n",
            choice.outcome(&self.name, self.primary)
        ));
        if let Some(commit) = self.commit_tx {
            text.push_str(&format!("  commit tx     {commit}\n"));
        }
        text.push_str(&format!("  tx            {}", self.tx.hash));
        text
    }
}

/// How often to re-check a commitment that is not ready yet.
const READY_RETRIES: u32 = 30;

impl RegisterArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let name = Name::parse(&self.name)?;
        let duration_secs = self.duration.seconds()?;
        let file = ctx.wallet_file()?;
        let chain = Chain::read(ctx).await?;
        let wallet = file.evm_address;
        let owner = self.owner.unwrap_or(wallet);
        if owner != wallet {
            let recipient = crate::recipient::Recipient {
                address: owner,
                name: None,
            };
            if !crate::recipient::check(
                ctx,
                chain.provider(),
                &recipient,
                &format!("the name {name}"),
            )
            .await?
            {
                return Ok(());
            }
        }
        let session_id = match self.session_id {
            Some(id) => Some(id),
            None if owner == wallet => Some(file.session_id),
            None => {
                ctx.out.warn(&format!(
                    "registering for {owner} without --session-id: the name gets no Session ID record until its owner sets one"
                ));
                None
            }
        };
        let previous = if owner == wallet {
            current_primary(&chain, wallet).await?
        } else {
            None
        };
        let set_primary =
            owner == wallet && !self.no_primary && (self.primary || previous.is_none());
        let primary = PrimaryChoice {
            session_id: Some(file.session_id),
            for_wallet: owner == wallet,
            previous,
            no_primary: self.no_primary,
        };

        let state = NameState::read(&chain, &name).await?;
        if let Some(reason) = state.unavailable_reason() {
            bail!("{reason}; nothing was sent");
        }
        let registry_address = chain.contracts().name_registry;
        let registry = chain.registry();
        let price = registry
            .rentPrice(name.to_string(), U256::from(duration_secs))
            .call()
            .await
            .map_err(|error| match crate::error::decode_contract_error(&error) {
                Some(revert) => eyre::Report::new(Refused(revert))
                    .wrap_err(format!("cannot price {name}; nothing was sent")),
                None => eyre::Report::new(error).wrap_err(format!("cannot price {name}")),
            })?;
        let cost = price.rent + price.premium;
        if price.premium > U256::ZERO {
            let start = registry.premiumStart().call().await?;
            if let Some(why) = state.premium_explanation(start, price.premium) {
                ctx.out.info(&format!("Premium: {why}"));
            }
        }
        let min_age: u64 = registry
            .minCommitmentAge()
            .call()
            .await
            .wrap_err("cannot read the minimum commitment age")?
            .try_into()
            .unwrap_or(u64::MAX);
        let fresh = PendingRegistration {
            label: name.to_string(),
            owner,
            duration: U256::from(duration_secs),
            session_key: key_of(session_id),
            evm_address: self.evm_address.unwrap_or(Address::ZERO),
            set_primary,
            max_cost: cost,
            secret: B256::ZERO,
            commitment: B256::ZERO,
            registry: registry_address,
            commit_tx: None,
            committed_at: None,
            created_at: wall_clock(),
        };
        let mut outcome = if min_age == 0 {
            let keys = ctx.unlock(&file)?;
            let signer = chain.signing(&keys).await?;
            let plan = register_plan(
                &name,
                &fresh,
                price.rent,
                price.premium,
                duration_secs,
                &primary,
            );
            let Some(mined) = send_register(&signer, &keys, &fresh, plan).await? else {
                return Ok(());
            };
            Outcome {
                mined,
                commit_tx: None,
                resumed: false,
                registration: fresh,
            }
        } else {
            let store = PendingStore::new(&ctx.data_dir, &file.name, chain.deployment().chain_id);
            let Some(outcome) = commit_reveal(
                ctx,
                &chain,
                &file,
                &store,
                &name,
                fresh,
                (price.rent, price.premium),
                min_age,
                &primary,
            )
            .await?
            else {
                return Ok(());
            };
            store.remove(name.as_str())?;
            outcome
        };

        outcome.mined.await_indexed(ctx, name.as_str()).await;
        let after = NameState::read(&chain, &name).await?;
        let registration = outcome.registration;
        ctx.out.print(&Register {
            name: name.to_string(),
            owner: registration.owner.into(),
            expiry: Timestamp(after.expiry),
            session_id: SessionId::from_key(registration.session_key),
            evm_address: (!registration.evm_address.is_zero())
                .then_some(Checksummed(registration.evm_address)),
            primary: after.primary,
            previous_primary: primary.previous,
            cost: registration.max_cost.into(),
            commit_tx: outcome.commit_tx,
            resumed: outcome.resumed,
            for_wallet: primary.for_wallet,
            tx: outcome.mined,
        })?;
        Ok(())
    }
}

struct Outcome {
    mined: Mined,
    commit_tx: Option<B256>,
    resumed: bool,
    registration: PendingRegistration,
}

fn registration_of(pending: &PendingRegistration) -> INameRegistry::Registration {
    INameRegistry::Registration {
        label: pending.label.clone(),
        owner: pending.owner,
        duration: pending.duration,
        sessionKey: pending.session_key,
        evmAddress: pending.evm_address,
        setPrimary: pending.set_primary,
        maxCost: pending.max_cost,
    }
}

/// What registering does to the wallet's primary name.
#[derive(Debug, Clone, Default)]
struct PrimaryChoice {
    /// The wallet's Session ID.
    session_id: Option<SessionId>,
    /// Whether the name is registered to the wallet itself.
    for_wallet: bool,
    /// The wallet's primary name now.
    previous: Option<String>,
    /// Whether --no-primary was given.
    no_primary: bool,
}

impl PrimaryChoice {
    /// The preview's "primary name" line, for a registration that sets it or not.
    fn preview(&self, name: &Name, set_primary: bool) -> String {
        match (&self.previous, set_primary) {
            (Some(previous), true) => {
                format!("{name}, replacing {previous} as the wallet's primary name")
            }
            (None, true) => format!("{name} (the wallet has none yet)"),
            _ if !self.for_wallet => "unchanged (the name goes to another account)".into(),
            (Some(previous), false) if self.no_primary => {
                format!("stays {previous} (--no-primary)")
            }
            (Some(previous), false) => {
                format!("stays {previous} (--primary makes {name} the primary name instead)")
            }
            (None, false) => "none (--no-primary)".into(),
        }
    }

    /// The result's "primary name" line, from what the chain says after.
    fn outcome(&self, name: &str, is_primary: bool) -> String {
        if !self.for_wallet {
            return "not set (the name went to another account)".into();
        }
        match (&self.previous, is_primary) {
            (Some(previous), true) => format!("{name} (replaced {previous})"),
            (None, true) => name.to_string(),
            (Some(previous), false) => format!("{previous} (unchanged)"),
            (None, false) => "none".into(),
        }
    }
}

fn register_plan(
    name: &Name,
    pending: &PendingRegistration,
    rent: U256,
    premium: U256,
    duration_secs: u64,
    primary: &PrimaryChoice,
) -> Plan {
    let mut details = vec![
        ("owner".to_string(), pending.owner.to_string()),
        ("rent".to_string(), SeshAmount::from(rent).to_string()),
    ];
    if premium > U256::ZERO {
        details.push(("premium".into(), SeshAmount::from(premium).to_string()));
    }
    details.push((
        "pays at most".into(),
        SeshAmount::from(pending.max_cost).to_string(),
    ));
    if let Some(id) = SessionId::from_key(pending.session_key) {
        details.push(("Session ID".into(), id.to_string()));
    }
    if !pending.evm_address.is_zero() {
        details.push(("EVM address".into(), pending.evm_address.to_string()));
    }
    details.push((
        "primary name".into(),
        primary.preview(name, pending.set_primary),
    ));
    if pending.set_primary && SessionId::from_key(pending.session_key) == primary.session_id {
        details.push((
            "reverse name".into(),
            format!("{name} for the wallet's Session ID, which signs its consent"),
        ));
    }
    Plan {
        action: format!("Register {name} for {}", duration(duration_secs)),
        details,
        // The input is filled in once the permit is signed.
        request: TransactionRequest::default().with_to(pending.registry),
    }
}

/// Signs the permit for `pending.max_cost` and sends `register` through `signer`.
async fn send_register(
    signer: &Chain<'_>,
    keys: &WalletKeys,
    pending: &PendingRegistration,
    mut plan: Plan,
) -> eyre::Result<Option<Mined>> {
    let permit = signer
        .permit(keys, pending.registry, pending.max_cost)
        .await?;
    let input = if gives_consent(pending, keys) {
        // The name becomes the wallet's primary name and points at its Session ID: the Session
        // ID consents to it as its reverse name in the same transaction.
        let token_id = Name::parse(&pending.label)?.token_id();
        NameRegistry::registerAndConsentCall {
            registration: registration_of(pending),
            secret: pending.secret,
            permit: permit.into(),
            consent: sign_consent(signer, keys, token_id, pending.owner).await?,
        }
        .abi_encode()
    } else {
        NameRegistry::registerCall {
            registration: registration_of(pending),
            secret: pending.secret,
            permit: permit.into(),
        }
        .abi_encode()
    };
    plan.request = plan.request.with_input(input);
    signer.send(keys.evm_address(), plan).await
}

/// Whether the registration names the wallet's own Session ID with the wallet's primary name: the
/// wallet's Session key then signs its consent to the name as its reverse name.
fn gives_consent(pending: &PendingRegistration, keys: &WalletKeys) -> bool {
    pending.set_primary
        && pending.owner == keys.evm_address()
        && pending.session_key == keys.session().session_id().key()
}

/// Commit (unless a pending commitment can be resumed), wait, register.
#[allow(clippy::too_many_arguments)]
async fn commit_reveal(
    ctx: &Context<'_>,
    chain: &Chain<'_>,
    file: &sesh_core::keystore::WalletFile,
    store: &PendingStore,
    name: &Name,
    fresh: PendingRegistration,
    (rent, premium): (U256, U256),
    min_age: u64,
    primary: &PrimaryChoice,
) -> eyre::Result<Option<Outcome>> {
    let registry = NameRegistry::new(fresh.registry, chain.provider());
    let max_age: u64 = registry
        .maxCommitmentAge()
        .call()
        .await
        .wrap_err("cannot read the maximum commitment age")?
        .try_into()
        .unwrap_or(u64::MAX);
    let now = chain.now().await?;
    let mut pending = match store.load(name.as_str())? {
        Some(saved) if saved.registry == fresh.registry => {
            resumable(ctx, chain, store, saved, now, max_age).await?
        }
        Some(_) => {
            store.remove(name.as_str())?;
            None
        }
        None => None,
    };
    let resumed = pending.is_some();
    if let Some(saved) = &pending {
        let differs = saved.owner != fresh.owner
            || saved.duration != fresh.duration
            || saved.session_key != fresh.session_key
            || saved.evm_address != fresh.evm_address
            || saved.set_primary != fresh.set_primary;
        if differs {
            ctx.out.warn(&format!(
                "resuming the pending registration of {name} with the values it was committed with (owner {}, {}); to change them, let it expire or remove {}",
                saved.owner,
                duration(crate::format::secs(saved.duration)),
                store.path_of(name.as_str()).display()
            ));
        }
    }

    let keys = ctx.unlock(file)?;
    let signer = chain.signing(&keys).await?;
    if pending.as_ref().is_none_or(|p| p.committed_at.is_none()) {
        let mut new = match pending.take() {
            Some(saved) => saved,
            None => {
                let mut new = fresh.clone();
                let mut secret = [0u8; 32];
                getrandom::fill(&mut secret).expect("the operating system's RNG works");
                new.secret = B256::from(secret);
                new.commitment = registry
                    .makeCommitment(registration_of(&new), new.secret)
                    .call()
                    .await
                    .wrap_err("cannot compute the commitment")?;
                new
            }
        };
        chain
            .ensure_balance(keys.evm_address(), Sesh::from_units(new.max_cost))
            .await?;
        // Saved before the commit is sent: an interruption from here on is resumable.
        store.save(&new)?;
        let plan = Plan {
            action: format!(
                "Commit to registering {name} (step 1 of 2; the registration follows in {min_age} s)"
            ),
            details: vec![
                ("commitment".into(), new.commitment.to_string()),
                (
                    "will pay".into(),
                    SeshAmount::from(new.max_cost).to_string(),
                ),
                (
                    "saved in".into(),
                    store.path_of(name.as_str()).display().to_string(),
                ),
            ],
            request: TransactionRequest::default()
                .with_to(new.registry)
                .with_input(
                    NameRegistry::commitCall {
                        commitment: new.commitment,
                    }
                    .abi_encode(),
                ),
        };
        let mined = match signer.send(keys.evm_address(), plan).await {
            Ok(Some(mined)) => mined,
            Ok(None) => {
                store.remove(name.as_str())?;
                return Ok(None);
            }
            Err(error) => {
                // Nothing was committed when the simulation refused; a sent but
                // unconfirmed commit stays pending so the next run can check it.
                if error.chain().any(|c| c.downcast_ref::<Refused>().is_some()) {
                    store.remove(name.as_str())?;
                }
                return Err(error);
            }
        };
        new.commit_tx = Some(mined.hash);
        new.committed_at = Some(match mined.block {
            Some(block) => chain.block_time(block).await?,
            None => chain.now().await?,
        });
        store.save(&new)?;
        pending = Some(new);
    } else if let Some(saved) = &pending {
        let tx = saved
            .commit_tx
            .map(|hash| hash.to_string())
            .unwrap_or_else(|| "hash not saved".into());
        ctx.out.info(&format!(
            "Resuming the registration of {name}: committed at {} (tx {tx}); not committing again",
            date(saved.committed_at.unwrap_or_default()),
        ));
    }
    let pending = pending.expect("committed or resumed");
    let committed_at = pending.committed_at.unwrap_or(now);
    wait_for_age(ctx, chain, name, store, committed_at + min_age).await?;

    let duration: u64 = pending.duration.try_into().unwrap_or(u64::MAX);
    let mut tries = 0;
    let mined = loop {
        let plan = register_plan(name, &pending, rent, premium, duration, primary);
        match send_register(&signer, &keys, &pending, plan).await {
            Ok(Some(mined)) => break mined,
            Ok(None) => {
                ctx.out.info(&format!(
                    "The commitment stays saved; run `sesh name register {name}` again before {} to finish.",
                    date(committed_at + max_age)
                ));
                return Ok(None);
            }
            Err(error) if tries < READY_RETRIES && is_too_new(&error) => {
                tries += 1;
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            Err(error) => return Err(error),
        }
    };
    Ok(Some(Outcome {
        mined,
        commit_tx: pending.commit_tx,
        resumed,
        registration: pending,
    }))
}

fn is_too_new(error: &eyre::Report) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<Refused>()
            .is_some_and(|refused| refused.0.name == "CommitmentTooNew")
    })
}

/// Decides what a saved pending registration is worth: resumable, to be
/// (re)sent because its commit never went out, or stale (removed, `None`).
async fn resumable(
    ctx: &Context<'_>,
    chain: &Chain<'_>,
    store: &PendingStore,
    mut saved: PendingRegistration,
    now: u64,
    max_age: u64,
) -> eyre::Result<Option<PendingRegistration>> {
    let provider = chain.provider();
    let registry = NameRegistry::new(saved.registry, provider);
    let made: u64 = registry
        .commitmentTimestamp(saved.commitment)
        .call()
        .await
        .wrap_err("cannot read the saved commitment")?
        .try_into()
        .unwrap_or(u64::MAX);
    if made > 0 {
        if now > made + max_age {
            ctx.out.warn(&format!(
                "the pending commitment for {} made at {} expired at {}; starting over",
                saved.label,
                date(made),
                date(made + max_age)
            ));
            store.remove(&saved.label)?;
            return Ok(None);
        }
        // (commit_tx may be unknown: sent, but interrupted before its hash was saved.)
        saved.committed_at = Some(made);
        store.save(&saved)?;
        return Ok(Some(saved));
    }
    match saved.commit_tx {
        // Saved but never sent (interrupted or declined): send that commit now.
        None => {
            saved.committed_at = None;
            Ok(Some(saved))
        }
        Some(hash) => match provider
            .get_transaction_receipt(hash)
            .await
            .wrap_err("cannot read the commit transaction")?
        {
            None if provider
                .get_transaction_by_hash(hash)
                .await
                .ok()
                .flatten()
                .is_some() =>
            {
                bail!(
                    "the commit transaction {hash} for {} is sent but not mined yet; run the command again once it is (nothing else was sent)",
                    saved.label
                )
            }
            _ => {
                ctx.out.warn(&format!(
                    "the saved commitment for {} is no longer on chain (tx {hash}); starting over",
                    saved.label
                ));
                store.remove(&saved.label)?;
                Ok(None)
            }
        },
    }
}

/// Waits until chain time `ready_at`, with a progress bar on a terminal.
async fn wait_for_age(
    ctx: &Context<'_>,
    chain: &Chain<'_>,
    name: &Name,
    store: &PendingStore,
    ready_at: u64,
) -> eyre::Result<()> {
    let chain_now = chain.now().await?;
    let wall_now = wall_clock();
    // A chain ahead of the wall clock (a test chain moved forward) waits less.
    let ahead = chain_now.saturating_sub(wall_now);
    let wall_ready = ready_at.saturating_sub(ahead);
    if wall_now >= wall_ready {
        return Ok(());
    }
    let total = wall_ready - wall_now;
    ctx.out.info(&format!(
        "Waiting {total} s for the commitment to mature (until {}). Interrupting is safe: run `sesh name register {name}` again to resume (saved in {}).",
        date(ready_at),
        store.path_of(name.as_str()).display()
    ));
    let bar = ctx.out.shows_progress().then(|| {
        let bar = indicatif::ProgressBar::new(total);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg} [{bar:30}] {pos}/{len} s (about {eta} left)",
            )
            .expect("a valid template")
            .progress_chars("=> "),
        );
        bar.set_message("commitment maturing");
        bar
    });
    loop {
        let now = wall_clock();
        if now >= wall_ready {
            break;
        }
        if let Some(bar) = &bar {
            bar.set_position(total - (wall_ready - now));
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    // One more second so the next block's timestamp is surely past the minimum.
    tokio::time::sleep(Duration::from_secs(1)).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::golden;

    #[test]
    fn json_is_pinned() {
        golden::check(
            "name-register",
            &Register {
                name: "alice".into(),
                owner: golden::account(0),
                expiry: Timestamp(1_796_000_000),
                session_id: Some(golden::session_id()),
                evm_address: None,
                primary: true,
                previous_primary: None,
                cost: Sesh::parse("100").unwrap().into(),
                commit_tx: Some(B256::repeat_byte(0xcd)),
                resumed: false,
                for_wallet: true,
                tx: crate::tx::Mined::sample(),
            },
        );
    }

    #[test]
    fn the_preview_says_what_happens_to_the_primary_name() {
        let bob = Name::parse("bob").unwrap();
        let has_alice = PrimaryChoice {
            for_wallet: true,
            previous: Some("alice".into()),
            ..PrimaryChoice::default()
        };
        assert_eq!(
            has_alice.preview(&bob, false),
            "stays alice (--primary makes bob the primary name instead)"
        );
        assert_eq!(
            has_alice.preview(&bob, true),
            "bob, replacing alice as the wallet's primary name"
        );
        assert_eq!(has_alice.outcome(bob.as_str(), false), "alice (unchanged)");
        assert_eq!(
            has_alice.outcome(bob.as_str(), true),
            "bob (replaced alice)"
        );
        let none = PrimaryChoice {
            for_wallet: true,
            ..PrimaryChoice::default()
        };
        assert_eq!(none.preview(&bob, true), "bob (the wallet has none yet)");
        let gift = PrimaryChoice::default();
        assert_eq!(
            gift.preview(&bob, false),
            "unchanged (the name goes to another account)"
        );
        assert_eq!(
            gift.outcome(bob.as_str(), false),
            "not set (the name went to another account)"
        );
    }

    #[test]
    fn primary_and_no_primary_exclude_each_other_and_a_gift() {
        use clap::Parser;
        let parses = |args: &[&str]| {
            crate::args::Cli::try_parse_from(
                [&["sesh", "name", "register", "bob"][..], args].concat(),
            )
            .is_ok()
        };
        assert!(parses(&["--primary"]));
        assert!(parses(&["--no-primary"]));
        assert!(!parses(&["--primary", "--no-primary"]));
        assert!(!parses(&[
            "--primary",
            "--for",
            "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
        ]));
    }
}
