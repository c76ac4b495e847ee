//! `sesh premium status [SESSION_ID|NAME]`.

use crate::format::date;
use crate::recipient::resolve_session_id;
use sesh_core::protocol::DAY;
use crate::context::Context;
use crate::payment;
use clap::Args;
use eyre::WrapErr;
use sesh_core::bindings::Premium;

/// Show whether a Session ID has premium and until when
///
/// TARGET is a Session ID or a name (its record's Session ID); without it,
/// the wallet's own Session ID (no password needed).
///
/// Examples:
///   sesh premium status
///   sesh premium status alice --json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct StatusArgs {
    /// A Session ID or a name (default: the wallet's Session ID).
    #[arg(value_name = "SESSION_ID|NAME")]
    pub target: Option<String>,
}

impl StatusArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let deployment = ctx.deployment()?;
        let provider = ctx.provider().await?;
        let (session_id, name) = match &self.target {
            Some(target) => resolve_session_id(ctx, &provider, target).await?,
            None => (ctx.wallet_file()?.session_id, None),
        };
        let premium = Premium::new(deployment.contracts.premium, &provider);
        let expiry: u64 = premium
            .premiumExpiry(session_id.key())
            .call()
            .await
            .wrap_err("cannot read the premium expiry")?
            .try_into()
            .unwrap_or(u64::MAX);
        let active = premium
            .isPremium(session_id.key())
            .call()
            .await
            .wrap_err("cannot read the premium status")?;
        let now = payment::chain_time(&provider).await?;
        let seconds_left = expiry.saturating_sub(now);
        let days_left = seconds_left / DAY;
        let who = match &name {
            Some(name) => format!("{name} ({session_id})"),
            None => session_id.to_string(),
        };
        let text = if active {
            format!(
                "{who} has premium until {} ({days_left} day{} left)",
                date(expiry),
                if days_left == 1 { "" } else { "s" }
            )
        } else if expiry == 0 {
            format!("{who} has no premium (never bought)")
        } else {
            format!("{who} has no premium (it ended on {})", date(expiry))
        };
        ctx.out.result(
            &text,
            serde_json::json!({
                "session_id": session_id.to_string(),
                "name": name.as_ref().map(|n| n.as_str()),
                "active": active,
                "expiry": (expiry != 0).then_some(expiry),
                "expiry_date": (expiry != 0).then(|| date(expiry)),
                "days_left": days_left,
                "seconds_left": seconds_left,
            }),
        )?;
        Ok(())
    }
}
