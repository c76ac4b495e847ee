//! `sesh premium ...`: Session Pro for a Session ID.

pub mod buy;
pub mod status;

use crate::context::Context;
use clap::Subcommand;

/// Premium (Session Pro) commands.
#[derive(Debug, Subcommand)]
pub enum PremiumCommand {
    /// Buy premium periods for a Session ID (yours, or a gift).
    Buy(buy::BuyArgs),
    /// Show whether a Session ID has premium and until when.
    Status(status::StatusArgs),
}

impl PremiumCommand {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        match self {
            Self::Buy(args) => args.run(ctx).await,
            Self::Status(args) => args.run(ctx).await,
        }
    }
}
