//! `sesh market offer NAME AMOUNT [--days N]`.

use super::{DAY, call, chain_now, date, market, market_permit, read_error};
use crate::format::sesh_fixed;
use crate::args::parse_amount;
use crate::cmd::stake::require_balance;
use crate::context::Context;
use crate::tx::{self, Plan};
use alloy::primitives::U256;
use clap::Args;
use eyre::bail;
use sesh_core::{Name, Sesh};

/// Offer AMOUNT SESH for a name, held in escrow until it ends
///
/// The SESH moves into the market now (by permit, no separate approval) and
/// comes back with `sesh market cancel-offer`. If the owner accepts, the name
/// comes to this wallet with its record set to this wallet's Session ID and
/// EVM address. A new offer on the same name replaces the earlier one. The
/// offer can be accepted for --days days (default 7).
///
/// Examples:
///   sesh market offer alice 250
///   sesh market offer alice 300 --days 30 --yes
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct OfferArgs {
    /// The name you want.
    pub name: String,
    /// How much SESH to offer, exactly.
    #[arg(value_parser = parse_amount)]
    pub amount: Sesh,
    /// Let the offer be accepted for DAYS days.
    #[arg(long, value_name = "DAYS", default_value_t = 7, value_parser = clap::value_parser!(u64).range(1..=3650))]
    pub days: u64,
}

impl OfferArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let name = Name::parse(&self.name)?;
        if self.amount == Sesh::ZERO {
            bail!("the amount is 0; give how much SESH to offer, like 250");
        }
        let token_id = name.token_id();
        let file = ctx.wallet_file()?;
        let me = file.evm_address;
        let provider = ctx.provider().await?;
        let end = chain_now(&provider).await? + self.days * DAY;
        let previous = market(ctx, &provider)?
            .offerOf(token_id, me)
            .call()
            .await
            .map_err(read_error("your current offer"))?;
        let topup = self
            .amount
            .checked_sub(Sesh::from_units(previous.amount))
            .unwrap_or(Sesh::ZERO);
        require_balance(ctx, &provider, me, topup).await?;

        let keys = ctx.unlock(&file)?;
        let provider = ctx.signing_provider(&keys).await?;
        let market = market(ctx, &provider)?;
        let permit = market_permit(ctx, &provider, &keys, self.amount.units()).await?;
        let session_id = file.session_id;
        let mut details = vec![
            ("escrowed".into(), format!("{} SESH", self.amount)),
            ("ends".into(), date(end)),
            ("record".into(), format!("{session_id}, {me}")),
        ];
        if !previous.amount.is_zero() {
            details.push((
                "replaces".into(),
                format!(
                    "your offer of {} SESH (refunded)",
                    Sesh::from_units(previous.amount)
                ),
            ));
        }
        let plan = Plan {
            action: format!("Offer {} SESH for {name}", self.amount),
            details,
            request: call(
                *market.address(),
                market
                    .makeOffer(
                        token_id,
                        self.amount.units(),
                        U256::from(end),
                        session_id.key(),
                        me,
                        permit,
                    )
                    .calldata(),
            ),
        };
        let Some(mut mined) = tx::execute(ctx, &provider, me, plan).await? else {
            return Ok(());
        };
        mined.await_indexed(ctx, name.as_str()).await;
        let mut data = mined.json();
        data["name"] = serde_json::json!(name.as_str());
        data["token_id"] = serde_json::json!(format!("{token_id:#x}"));
        data["amount"] = serde_json::json!(sesh_fixed(self.amount));
        data["end_time"] = serde_json::json!(end);
        data["ends"] = serde_json::json!(date(end));
        ctx.out.result(
            &format!(
                "Offered {} SESH for {name} until {} (escrowed)\n  tx {}",
                self.amount,
                date(end),
                mined.hash
            ),
            data,
        )?;
        Ok(())
    }
}
