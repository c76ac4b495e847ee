//! The command tree: one folder per group, one file per verb. Each verb is an
//! `XxxArgs` struct with `async fn run(self, ctx)`.

pub mod balance;
pub mod faucet;
pub mod market;
pub mod msg;
pub mod name;
pub mod premium;
pub mod send;
pub mod stake;
pub mod wallet;

use crate::context::Context;
use clap::Subcommand;

/// The top-level commands.
#[derive(Debug, Subcommand)]
// The variants' help is each Args struct's doc comment (a variant doc would replace
// the long help with its one line), so the variants themselves carry none.
#[allow(missing_docs)]
pub enum Command {
    /// Create, restore, list, show, export and remove wallets.
    #[command(subcommand)]
    Wallet(wallet::WalletCommand),
    Balance(balance::BalanceArgs),
    Send(send::SendArgs),
    Faucet(faucet::FaucetArgs),
    /// Register, renew, look up and manage usernames.
    #[command(subcommand)]
    Name(name::NameCommand),
    /// Buy and check premium (Session Pro) for a Session ID.
    #[command(subcommand)]
    Premium(premium::PremiumCommand),
    /// Buy and sell names: listings and offers.
    #[command(subcommand)]
    Market(market::MarketCommand),
    /// Stake SESH in registry nodes and claim rewards.
    #[command(subcommand)]
    Stake(stake::StakeCommand),
    /// Send and read end-to-end encrypted messages.
    #[command(subcommand)]
    Msg(msg::MsgCommand),
}

impl Command {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        match self {
            Self::Wallet(command) => command.run(ctx).await,
            Self::Balance(args) => args.run(ctx).await,
            Self::Send(args) => args.run(ctx).await,
            Self::Faucet(args) => args.run(ctx).await,
            Self::Name(command) => command.run(ctx).await,
            Self::Premium(command) => command.run(ctx).await,
            Self::Market(command) => command.run(ctx).await,
            Self::Stake(command) => command.run(ctx).await,
            Self::Msg(command) => command.run(ctx).await,
        }
    }
}
