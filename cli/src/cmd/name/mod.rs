//! `sesh name ...`: usernames.

pub(crate) mod check;
pub(crate) mod common;
pub(crate) mod lookup;
pub(crate) mod lookup_private;
pub(crate) mod mine;
pub(crate) mod register;
pub(crate) mod renew;
pub(crate) mod reverse;
pub(crate) mod set_primary;
pub(crate) mod set_record;
pub(crate) mod transfer;

use crate::context::Context;
use clap::Subcommand;

/// Username commands.
#[derive(Debug, Subcommand)]
// The variants' help is each Args struct's doc comment (a variant doc would replace
// the long help with its one line), so the variants themselves carry none.
#[allow(missing_docs)]
pub(crate) enum NameCommand {
    Check(check::CheckArgs),
    Register(register::RegisterArgs),
    Renew(renew::RenewArgs),
    SetRecord(set_record::SetRecordArgs),
    SetPrimary(set_primary::SetPrimaryArgs),
    Transfer(transfer::TransferArgs),
    Lookup(lookup::LookupArgs),
    Reverse(reverse::ReverseArgs),
    Mine(mine::MineArgs),
}

impl NameCommand {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
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
        // TO is an address or a name (resolved to its record's EVM address when run).
        assert!(parses(&["name", "transfer", "alice", "bob"]));
        assert!(!parses(&["name", "transfer", "alice"]));
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
