//! `sesh premium ...`: Session Pro for a Session ID.

pub(crate) mod buy;
pub(crate) mod status;

use crate::context::Context;
use clap::Subcommand;

/// Premium (Session Pro) commands.
#[derive(Debug, Subcommand)]
// The variants' help is each Args struct's doc comment (a variant doc would replace
// the long help with its one line), so the variants themselves carry none.
#[allow(missing_docs)]
pub(crate) enum PremiumCommand {
    Buy(buy::BuyArgs),
    Status(status::StatusArgs),
}

impl PremiumCommand {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        match self {
            Self::Buy(args) => args.run(ctx).await,
            Self::Status(args) => args.run(ctx).await,
        }
    }
}
