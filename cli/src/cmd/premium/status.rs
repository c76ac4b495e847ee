//! `sesh premium status [SESSION_ID|NAME]`.

use crate::chain::Chain;
use crate::context::Context;
use crate::format::{Timestamp, days_left};
use crate::output::Report;
use crate::recipient::resolve_session_id;
use clap::Args;
use serde::Serialize;
use sesh_core::SessionId;
use sesh_core::protocol::DAY;

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
pub(crate) struct StatusArgs {
    /// A Session ID or a name (default: the wallet's Session ID).
    #[arg(value_name = "SESSION_ID|NAME")]
    pub(crate) target: Option<String>,
}

/// What `sesh premium status` reports.
#[derive(Debug, Serialize)]
pub(crate) struct PremiumStatus {
    /// Whose premium.
    pub(crate) session_id: SessionId,
    /// The name it was given as, if any.
    pub(crate) name: Option<String>,
    /// Whether it has premium now.
    pub(crate) active: bool,
    /// When premium ends or ended (`null`: never bought).
    pub(crate) expiry: Option<Timestamp>,
    /// The chain's clock, which `remaining_secs` counts from.
    pub(crate) chain_time: Timestamp,
    /// Seconds of premium left (0 when none).
    pub(crate) remaining_secs: u64,
    /// Whole days left, rounded up (0 when none).
    pub(crate) days_left: u64,
}

impl Report for PremiumStatus {
    fn text(&self) -> String {
        let who = match &self.name {
            Some(name) => format!("{name} ({})", self.session_id),
            None => self.session_id.to_string(),
        };
        match self.expiry {
            Some(expiry) if self.active => format!(
                "{who} has premium until {expiry} ({})",
                days_left(expiry.0, self.chain_time.0)
            ),
            Some(expiry) => format!("{who} has no premium (it ended on {expiry})"),
            None => format!("{who} has no premium (never bought)"),
        }
    }
}

impl StatusArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let chain = Chain::read(ctx).await?;
        let (session_id, name) = match &self.target {
            Some(target) => resolve_session_id(ctx, chain.provider(), target).await?,
            None => (ctx.wallet_file()?.session_id, None),
        };
        let premium = chain.premium();
        let expiry = premium
            .premiumExpiry(session_id.key())
            .call()
            .await
            .map(crate::format::secs)
            .map_err(crate::chain::read_error("the premium expiry"))?;
        let active = premium
            .isPremium(session_id.key())
            .call()
            .await
            .map_err(crate::chain::read_error("the premium status"))?;
        let now = chain.now().await?;
        let remaining_secs = expiry.saturating_sub(now);
        ctx.out.print(&PremiumStatus {
            session_id,
            name: name.map(|n| n.to_string()),
            active,
            expiry: (expiry != 0).then_some(Timestamp(expiry)),
            chain_time: now.into(),
            remaining_secs,
            days_left: remaining_secs.div_ceil(DAY),
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::golden;

    #[test]
    fn json_is_pinned() {
        golden::check(
            "premium-status",
            &PremiumStatus {
                session_id: golden::session_id(),
                name: Some("alice".into()),
                active: true,
                expiry: Some(Timestamp(1_796_000_000)),
                chain_time: Timestamp(1_795_000_000),
                remaining_secs: 1_000_000,
                days_left: 12,
            },
        );
    }

    #[test]
    fn the_text_says_how_long_is_left_or_when_it_ended() {
        let mut status = PremiumStatus {
            session_id: golden::session_id(),
            name: None,
            active: true,
            expiry: Some(Timestamp(10 * DAY)),
            chain_time: Timestamp(DAY / 2),
            remaining_secs: 10 * DAY - DAY / 2,
            days_left: 10,
        };
        assert!(
            status
                .text()
                .ends_with("has premium until 1970-01-11 00:00:00 UTC (10 days left)"),
            "{}",
            status.text()
        );
        status.active = false;
        assert!(status.text().contains("it ended on 1970-01-11"));
        status.expiry = None;
        assert!(status.text().ends_with("has no premium (never bought)"));
    }
}
