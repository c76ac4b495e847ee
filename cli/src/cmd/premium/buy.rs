//! `sesh premium buy [--for SESSION_ID|NAME] [--periods N]`.

use crate::format::sesh_fixed;
use crate::format::date;
use crate::recipient::resolve_session_id;
use crate::context::Context;
use crate::payment::{self, cost_line};
use crate::tx::{self, Plan};
use alloy::network::TransactionBuilder;
use alloy::primitives::U256;
use alloy::rpc::types::TransactionRequest;
use alloy::sol_types::SolCall;
use clap::Args;
use eyre::WrapErr;
use sesh_core::bindings::Premium;

/// Buy premium (Session Pro) periods of 30 days for a Session ID
///
/// Without --for, for the wallet's own Session ID; with --for, a gift to
/// another Session ID or to the Session ID a name resolves to. Buying again
/// extends from the current expiry. Paid by permit at the current price.
///
/// Examples:
///   sesh premium buy
///   sesh premium buy --periods 3 --yes
///   sesh premium buy --for alice
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct BuyArgs {
    /// Whom it is for: a Session ID or a name (default: the wallet's Session ID).
    #[arg(long = "for", value_name = "SESSION_ID|NAME")]
    pub target: Option<String>,
    /// How many 30-day periods (1 to 120).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=120))]
    pub periods: u64,
}

impl BuyArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let deployment = ctx.deployment()?;
        let file = ctx.wallet_file()?;
        let provider = ctx.provider().await?;
        let (session_id, name) = match &self.target {
            Some(target) => resolve_session_id(ctx, &provider, target).await?,
            None => (file.session_id, None),
        };
        let gift = session_id != file.session_id;
        let premium_address = deployment.contracts.premium;
        let premium = Premium::new(premium_address, &provider);
        let periods = U256::from(self.periods);
        let cost = premium
            .costOf(periods)
            .call()
            .await
            .wrap_err("cannot read the premium price")?;
        let current: u64 = premium
            .premiumExpiry(session_id.key())
            .call()
            .await
            .wrap_err("cannot read the premium expiry")?
            .try_into()
            .unwrap_or(u64::MAX);
        let now = payment::chain_time(&provider).await?;
        let new_expiry = current.max(now) + self.periods * 30 * 86_400;
        let who = match &name {
            Some(name) => format!("{name} ({session_id})"),
            None => session_id.to_string(),
        };
        let keys = ctx.unlock(&file)?;
        let signer = ctx.signing_provider(&keys).await?;
        let permit = payment::sign(&signer, deployment, &keys, premium_address, cost).await?;
        let plan = Plan {
            action: format!(
                "Buy {} period{} of premium for {who}{}",
                self.periods,
                if self.periods == 1 { "" } else { "s" },
                if gift { " (a gift)" } else { "" }
            ),
            details: vec![
                ("cost".into(), cost_line(cost)),
                ("premium until".into(), date(new_expiry)),
            ],
            request: TransactionRequest::default()
                .with_to(premium_address)
                .with_input(
                    Premium::buyCall {
                        sessionKey: session_id.key(),
                        periods,
                        maxCost: cost,
                        permit: permit.into(),
                    }
                    .abi_encode(),
                ),
        };
        let Some(mut mined) = tx::execute(ctx, &signer, file.evm_address, plan).await? else {
            return Ok(());
        };
        mined.await_indexed(ctx, &session_id.to_string()).await;
        let expiry: u64 = premium
            .premiumExpiry(session_id.key())
            .call()
            .await
            .wrap_err("cannot read the premium expiry")?
            .try_into()
            .unwrap_or(u64::MAX);
        let mut data = mined.json();
        data["session_id"] = serde_json::json!(session_id.to_string());
        data["name"] = serde_json::json!(name.as_ref().map(|n| n.as_str()));
        data["gift"] = serde_json::json!(gift);
        data["periods"] = serde_json::json!(self.periods);
        data["cost"] = serde_json::json!(sesh_fixed(cost.into()));
        data["expiry"] = serde_json::json!(expiry);
        data["expiry_date"] = serde_json::json!(date(expiry));
        ctx.out.result(
            &format!(
                "Premium for {who} until {}\n  paid          {}\n  tx            {}",
                date(expiry),
                cost_line(cost),
                mined.hash
            ),
            data,
        )?;
        Ok(())
    }
}
