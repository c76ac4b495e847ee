//! `sesh name ...`: usernames.

pub mod check;
pub mod common;
pub mod logs;
pub mod lookup;
pub mod lookup_private;
pub mod mine;
pub mod register;
pub mod renew;
pub mod reverse;
pub mod set_primary;
pub mod set_record;
pub mod transfer;

use crate::context::Context;
use clap::Subcommand;

/// Username commands.
#[derive(Debug, Subcommand)]
pub enum NameCommand {
    /// Check a name: valid, available, what it costs, who holds it.
    Check(check::CheckArgs),
    /// Register a name, pay by permit, and set its record and primary name.
    Register(register::RegisterArgs),
    /// Extend a name by a duration; anyone may pay.
    Renew(renew::RenewArgs),
    /// Set what a name resolves to: a Session ID and an EVM address.
    SetRecord(set_record::SetRecordArgs),
    /// Make a name the wallet's primary name, or clear it.
    SetPrimary(set_primary::SetPrimaryArgs),
    /// Give a name to another account, setting its new record at once.
    Transfer(transfer::TransferArgs),
    /// Look a name up: owner, Session ID, EVM address, expiry, state.
    Lookup(lookup::LookupArgs),
    /// Find the primary name of a Session ID (registry nodes; --rpc reads logs).
    Reverse(reverse::ReverseArgs),
    /// List the names the wallet holds, with expiry warnings.
    Mine(mine::MineArgs),
}

impl NameCommand {
    /// Runs the command.
    pub async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        match self {
            Self::Check(args) => args.run(ctx).await,
            Self::Register(args) => args.run(ctx).await,
            Self::Renew(args) => args.run(ctx).await,
            Self::SetRecord(args) => args.run(ctx).await,
            Self::SetPrimary(args) => args.run(ctx).await,
            Self::Transfer(args) => args.run(ctx).await,
            Self::Lookup(args) => args.run(ctx).await,
            Self::Reverse(args) => args.run(ctx).await,
            Self::Mine(args) => args.run(ctx).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::args::Cli;
    use clap::Parser;

    fn parses(args: &[&str]) -> bool {
        let mut all = vec!["sesh"];
        all.extend_from_slice(args);
        Cli::try_parse_from(all).is_ok()
    }

    #[test]
    fn name_flags_parse_and_conflict_as_documented() {
        assert!(parses(&["name", "register", "alice", "--years", "2"]));
        assert!(parses(&["name", "check", "alice", "--days", "30"]));
        assert!(!parses(&[
            "name", "register", "alice", "--years", "2", "--days", "30"
        ]));
        assert!(!parses(&["name", "register", "alice", "--years", "0"]));
        assert!(!parses(&["name", "register", "alice", "--for", "0x12"]));
        assert!(parses(&["name", "set-primary", "--clear"]));
        assert!(!parses(&["name", "set-primary"]));
        assert!(!parses(&["name", "set-primary", "alice", "--clear"]));
        assert!(!parses(&[
            "name",
            "set-record",
            "alice",
            "--clear",
            "--session-id",
            "05ab"
        ]));
        assert!(!parses(&["name", "transfer", "alice", "bob"]));
        assert!(!parses(&["name", "reverse", "not-a-session-id"]));
        assert!(parses(&[
            "premium",
            "buy",
            "--for",
            "alice",
            "--periods",
            "3"
        ]));
        assert!(!parses(&["premium", "buy", "--periods", "0"]));
        assert!(parses(&["premium", "status"]));
    }
}
