//! `sesh name register NAME`.

use super::common::{
    DurationOpts, NameState, block_time, current_primary, date, describe_duration, key_of,
    parse_session_id, sign_consent,
};
use crate::args::parse_address;
use crate::format::sesh_fixed;
use crate::context::Context;
use crate::error::Refused;
use crate::payment::{self, cost_line};
use crate::pending::{PendingRegistration, PendingStore};
use crate::tx::{self, Plan};
use alloy::network::TransactionBuilder;
use alloy::primitives::{Address, B256, U256};
use alloy::providers::{DynProvider, Provider};
use alloy::rpc::types::TransactionRequest;
use alloy::sol_types::SolCall;
use clap::Args;
use eyre::{WrapErr, bail};
use sesh_core::bindings::NameRegistry;
use sesh_core::bindings::name_registry::INameRegistry;
use sesh_core::keys::WalletKeys;
use sesh_core::{Name, SessionId};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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
pub struct RegisterArgs {
    /// The name to register.
    pub name: String,
    /// How long to register it for.
    #[command(flatten)]
    pub duration: DurationOpts,
    /// Do not make it the wallet's primary name, even if the wallet has none.
    #[arg(long, conflicts_with = "primary")]
    pub no_primary: bool,
    /// Make it the wallet's primary name, replacing the one it has.
    #[arg(long, conflicts_with = "owner")]
    pub primary: bool,
    /// Put ADDR in the record as the name's EVM address.
    #[arg(long, value_name = "ADDR", value_parser = parse_address)]
    pub evm_address: Option<Address>,
    /// Register it for ADDR (default: the wallet's account; the wallet pays).
    #[arg(long = "for", value_name = "ADDR", value_parser = parse_address)]
    pub owner: Option<Address>,
    /// Put ID in the record (default: the wallet's Session ID when it owns the name).
    #[arg(long, value_name = "ID", value_parser = parse_session_id)]
    pub session_id: Option<SessionId>,
}

/// How often to re-check a commitment that is not ready yet.
const READY_RETRIES: u32 = 30;

impl RegisterArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let name = Name::parse(&self.name)?;
        let duration = self.duration.seconds()?;
        let deployment = ctx.deployment()?;
        let file = ctx.wallet_file()?;
        let provider = ctx.provider().await?;
        let wallet = file.evm_address;
        let owner = self.owner.unwrap_or(wallet);
        if owner != wallet {
            let recipient = crate::recipient::Recipient {
                address: owner,
                name: None,
            };
            if !crate::recipient::check(ctx, &provider, &recipient, &format!("the name {name}"))
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
            current_primary(ctx, &provider, wallet).await?
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

        let state = NameState::read(ctx, &provider, &name).await?;
        if let Some(reason) = state.unavailable_reason() {
            bail!("{reason}; nothing was sent");
        }
        let registry_address = deployment.contracts.name_registry;
        let registry = NameRegistry::new(registry_address, &provider);
        let price = registry
            .rentPrice(name.to_string(), U256::from(duration))
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
            duration: U256::from(duration),
            session_key: key_of(session_id),
            evm_address: self.evm_address.unwrap_or(Address::ZERO),
            set_primary,
            max_cost: cost,
            secret: B256::ZERO,
            commitment: B256::ZERO,
            registry: registry_address,
            commit_tx: None,
            committed_at: None,
            created_at: unix_now(),
        };
        let mut outcome = if min_age == 0 {
            let keys = ctx.unlock(&file)?;
            let signer = ctx.signing_provider(&keys).await?;
            let plan = register_plan(&name, &fresh, price.rent, price.premium, duration, &primary);
            let Some(mined) = send_register(ctx, &signer, &keys, &fresh, plan, deployment).await?
            else {
                return Ok(());
            };
            Outcome {
                mined,
                commit_tx: None,
                resumed: false,
                registration: fresh,
            }
        } else {
            let store = PendingStore::new(&ctx.data_dir, &file.name, deployment.chain_id);
            let Some(outcome) = commit_reveal(
                ctx,
                &provider,
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
        let after = NameState::read(ctx, &provider, &name).await?;
        let registration = &outcome.registration;
        let session = SessionId::from_key(registration.session_key);
        let mut data = outcome.mined.json();
        data["name"] = serde_json::json!(name.as_str());
        data["owner"] = serde_json::json!(registration.owner.to_checksum(None));
        data["expiry"] = serde_json::json!(after.expiry);
        data["expiry_date"] = serde_json::json!(date(after.expiry));
        data["session_id"] = serde_json::json!(session.map(|id| id.to_string()));
        data["evm_address"] = serde_json::json!(
            (!registration.evm_address.is_zero())
                .then(|| registration.evm_address.to_checksum(None))
        );
        data["primary"] = serde_json::json!(after.primary);
        data["previous_primary"] = serde_json::json!(primary.previous);
        data["cost"] = serde_json::json!(sesh_fixed(registration.max_cost.into()));
        data["commit_tx"] = serde_json::json!(outcome.commit_tx);
        data["resumed"] = serde_json::json!(outcome.resumed);
        let mut text = format!(
            "Registered {name} until {}\n  owner         {}\n",
            date(after.expiry),
            registration.owner
        );
        if let Some(id) = session {
            text.push_str(&format!("  Session ID    {id}\n"));
        }
        if !registration.evm_address.is_zero() {
            text.push_str(&format!("  EVM address   {}\n", registration.evm_address));
        }
        text.push_str(&format!(
            "  primary name  {}\n",
            primary.outcome(&name, after.primary)
        ));
        if let Some(commit) = outcome.commit_tx {
            text.push_str(&format!("  commit tx     {commit}\n"));
        }
        text.push_str(&format!("  tx            {}", outcome.mined.hash));
        ctx.out.result(&text, data)?;
        Ok(())
    }
}

struct Outcome {
    mined: tx::Mined,
    commit_tx: Option<B256>,
    resumed: bool,
    registration: PendingRegistration,
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
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
    fn outcome(&self, name: &Name, is_primary: bool) -> String {
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
    duration: u64,
    primary: &PrimaryChoice,
) -> Plan {
    let mut details = vec![
        ("owner".to_string(), pending.owner.to_string()),
        ("rent".to_string(), cost_line(rent)),
    ];
    if premium > U256::ZERO {
        details.push(("premium".into(), cost_line(premium)));
    }
    details.push(("pays at most".into(), cost_line(pending.max_cost)));
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
        action: format!("Register {name} for {}", describe_duration(duration)),
        details,
        // The input is filled in once the permit is signed.
        request: TransactionRequest::default().with_to(pending.registry),
    }
}

/// Signs the permit for `pending.max_cost` and sends `register`.
async fn send_register(
    ctx: &Context<'_>,
    signer: &DynProvider,
    keys: &WalletKeys,
    pending: &PendingRegistration,
    mut plan: Plan,
    deployment: &sesh_core::deployment::Deployment,
) -> eyre::Result<Option<tx::Mined>> {
    let permit =
        payment::sign(signer, deployment, keys, pending.registry, pending.max_cost).await?;
    let input = if gives_consent(pending, keys) {
        // The name becomes the wallet's primary name and points at its Session ID: the Session
        // ID consents to it as its reverse name in the same transaction.
        let token_id = Name::parse(&pending.label)?.token_id();
        NameRegistry::registerAndConsentCall {
            registration: registration_of(pending),
            secret: pending.secret,
            permit: permit.into(),
            consent: sign_consent(ctx, signer, keys, token_id, pending.owner).await?,
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
    tx::execute(ctx, signer, keys.evm_address(), plan).await
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
    provider: &DynProvider,
    file: &sesh_core::keystore::WalletFile,
    store: &PendingStore,
    name: &Name,
    fresh: PendingRegistration,
    (rent, premium): (U256, U256),
    min_age: u64,
    primary: &PrimaryChoice,
) -> eyre::Result<Option<Outcome>> {
    let deployment = ctx.deployment()?;
    let registry = NameRegistry::new(fresh.registry, provider);
    let max_age: u64 = registry
        .maxCommitmentAge()
        .call()
        .await
        .wrap_err("cannot read the maximum commitment age")?
        .try_into()
        .unwrap_or(u64::MAX);
    let now = payment::chain_time(provider).await?;
    let mut pending = match store.load(name.as_str())? {
        Some(saved) if saved.registry == fresh.registry => {
            resumable(ctx, provider, store, saved, now, max_age).await?
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
                describe_duration(saved.duration.try_into().unwrap_or(u64::MAX)),
                store.path_of(name.as_str()).display()
            ));
        }
    }

    let keys = ctx.unlock(file)?;
    let signer = ctx.signing_provider(&keys).await?;
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
        payment::ensure_balance(provider, deployment, keys.evm_address(), new.max_cost).await?;
        // Saved before the commit is sent: an interruption from here on is resumable.
        store.save(&new)?;
        let plan = Plan {
            action: format!(
                "Commit to registering {name} (step 1 of 2; the registration follows in {min_age} s)"
            ),
            details: vec![
                ("commitment".into(), new.commitment.to_string()),
                ("will pay".into(), cost_line(new.max_cost)),
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
        let mined = match tx::execute(ctx, &signer, keys.evm_address(), plan).await {
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
            Some(block) => block_time(provider, block).await?,
            None => payment::chain_time(provider).await?,
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
    wait_for_age(ctx, provider, name, store, committed_at + min_age).await?;

    let duration: u64 = pending.duration.try_into().unwrap_or(u64::MAX);
    let mut tries = 0;
    let mined = loop {
        let plan = register_plan(name, &pending, rent, premium, duration, primary);
        match send_register(ctx, &signer, &keys, &pending, plan, deployment).await {
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
    provider: &DynProvider,
    store: &PendingStore,
    mut saved: PendingRegistration,
    now: u64,
    max_age: u64,
) -> eyre::Result<Option<PendingRegistration>> {
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
    provider: &DynProvider,
    name: &Name,
    store: &PendingStore,
    ready_at: u64,
) -> eyre::Result<()> {
    let chain_now = payment::chain_time(provider).await?;
    let wall_now = unix_now();
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
        let now = unix_now();
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
        assert_eq!(has_alice.outcome(&bob, false), "alice (unchanged)");
        assert_eq!(has_alice.outcome(&bob, true), "bob (replaced alice)");
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
            gift.outcome(&bob, false),
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
