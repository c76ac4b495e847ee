//! `sesh premium buy [--for SESSION_ID|NAME] [--periods N]`.

use crate::chain::Chain;
use crate::context::Context;
use crate::format::{SeshAmount, Timestamp, date, sesh};
use crate::output::Report;
use crate::recipient::resolve_session_id;
use crate::tx::{self, Mined, Plan};
use alloy::primitives::U256;
use clap::Args;
use serde::Serialize;
use sesh_core::protocol::{MAX_PREMIUM_PERIODS, PREMIUM_PERIOD};
use sesh_core::{Sesh, SessionId};

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
pub(crate) struct BuyArgs {
    /// Whom it is for: a Session ID or a name (default: the wallet's Session ID).
    #[arg(long = "for", value_name = "SESSION_ID|NAME")]
    pub(crate) target: Option<String>,
    /// How many 30-day periods (1 to 120).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=MAX_PREMIUM_PERIODS))]
    pub(crate) periods: u64,
}

/// What `sesh premium buy` reports.
#[derive(Debug, Serialize)]
pub(crate) struct PremiumBought {
    /// Whose premium.
    pub(crate) session_id: SessionId,
    /// The name it was given as, if any.
    pub(crate) name: Option<String>,
    /// Whether it is for another Session ID than the wallet's.
    pub(crate) gift: bool,
    /// How many periods were bought.
    pub(crate) periods: u64,
    /// What they cost.
    pub(crate) cost: SeshAmount,
    /// When premium ends now.
    pub(crate) expiry: Timestamp,
    #[serde(flatten)]
    pub(crate) tx: Mined,
}

impl Report for PremiumBought {
    fn text(&self) -> String {
        let who = match &self.name {
            Some(name) => format!("{name} ({})", self.session_id),
            None => self.session_id.to_string(),
        };
        format!(
            "Premium for {who} until {}\n  paid          {}\n  tx            {}",
            self.expiry, self.cost, self.tx.hash
        )
    }
}

impl BuyArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let file = ctx.wallet_file()?;
        let chain = Chain::read(ctx).await?;
        let (session_id, name) = match &self.target {
            Some(target) => resolve_session_id(ctx, chain.provider(), target).await?,
            None => (file.session_id, None),
        };
        let gift = session_id != file.session_id;
        let premium = chain.premium();
        let periods = U256::from(self.periods);
        let cost = premium
            .costOf(periods)
            .call()
            .await
            .map_err(crate::chain::read_error("the premium price"))?;
        let current = premium_expiry(&chain, session_id).await?;
        let new_expiry = current.max(chain.now().await?) + self.periods * PREMIUM_PERIOD;
        chain
            .ensure_balance(file.evm_address, Sesh::from_units(cost))
            .await?;
        let who = match &name {
            Some(name) => format!("{name} ({session_id})"),
            None => session_id.to_string(),
        };
        let keys = ctx.unlock(&file)?;
        let signer = chain.signing(&keys).await?;
        let premium_address = chain.contracts().premium;
        let permit = signer.permit(&keys, premium_address, cost).await?;
        let plan = Plan {
            action: format!(
                "Buy {} of premium for {who}{}",
                crate::format::plural(self.periods, "period"),
                if gift { " (a gift)" } else { "" }
            ),
            details: vec![
                ("cost".into(), sesh(Sesh::from_units(cost))),
                ("premium until".into(), date(new_expiry)),
            ],
            request: tx::call(
                premium_address,
                signer
                    .premium()
                    .buy(session_id.key(), periods, cost, permit.into())
                    .calldata(),
            ),
        };
        let Some(mut mined) = signer.send(file.evm_address, plan).await? else {
            return Ok(());
        };
        mined.await_indexed(ctx, &session_id.to_string()).await;
        let expiry = premium_expiry(&chain, session_id).await?;
        ctx.out.print(&PremiumBought {
            tx: mined,
            session_id,
            name: name.map(|n| n.to_string()),
            gift,
            periods: self.periods,
            cost: cost.into(),
            expiry: expiry.into(),
        })?;
        Ok(())
    }
}

/// When `session_id`'s premium ends (0: never bought).
async fn premium_expiry(chain: &Chain<'_>, session_id: SessionId) -> eyre::Result<u64> {
    chain
        .premium()
        .premiumExpiry(session_id.key())
        .call()
        .await
        .map(crate::format::secs)
        .map_err(crate::chain::read_error("the premium expiry"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::golden;

    #[test]
    fn json_is_pinned() {
        golden::check(
            "premium-buy",
            &PremiumBought {
                tx: crate::tx::Mined::sample(),
                session_id: golden::session_id(),
                name: Some("alice".into()),
                gift: true,
                periods: 3,
                cost: Sesh::parse("150").unwrap().into(),
                expiry: Timestamp(1_796_000_000),
            },
        );
    }
}
