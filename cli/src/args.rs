//! The command line, as clap sees it: global options and the command tree.
//! Validation beyond clap's happens in [`crate::context::Context::resolve`].

use crate::cmd::Command;
use crate::opts::global::GlobalOpts;
use clap::Parser;

/// sesh: the Session Network wallet for keys, SESH, usernames, the market, premium and stakes
///
/// Start with `sesh wallet new`, then `sesh faucet` on a test network and
/// `sesh balance`. Every command takes --json for one machine-readable
/// envelope on stdout; diagnostics go to stderr.
///
/// Examples:
///   sesh wallet new --name alice
///   sesh --network arbitrum-sepolia balance
///   SESH_PASSWORD=... sesh send 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 12.5 --yes
#[derive(Debug, Parser)]
#[command(name = "sesh", version, verbatim_doc_comment, propagate_version = true)]
pub(crate) struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub(crate) global: GlobalOpts,
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::at_least_one;
    use clap::CommandFactory;

    /// Every argument that takes an address checks its checksum: a new
    /// `Address` argument without `value_parser = parse_address` fails here.
    #[test]
    fn every_address_argument_checks_its_checksum() {
        // 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 with one letter's case flipped.
        const TYPO: &str = "0x70997970c51812dc3A010C7d01b50e0d17dc79C8";
        fn visit(command: &clap::Command, path: &str, checked: &mut Vec<String>) {
            for arg in command.get_arguments() {
                if arg.get_value_parser().type_id()
                    != std::any::TypeId::of::<alloy::primitives::Address>()
                {
                    continue;
                }
                let id = arg.get_id().to_string();
                let single = clap::Command::new("t").arg(arg.clone().required(false).global(false));
                let argv: Vec<String> = match arg.get_long() {
                    Some(long) => vec!["t".into(), format!("--{long}"), TYPO.into()],
                    None => vec!["t".into(), TYPO.into()],
                };
                let error = single
                    .try_get_matches_from(argv)
                    .expect_err(&format!("{path} {id} took a bad checksum"))
                    .to_string();
                assert!(error.contains("EIP-55 checksum"), "{path} {id}: {error}");
                checked.push(format!("{path} {id}"));
            }
            for sub in command.get_subcommands() {
                visit(sub, &format!("{path} {}", sub.get_name()), checked);
            }
        }
        let mut checked = Vec::new();
        visit(&Cli::command(), "sesh", &mut checked);
        // name register, name set-record, name transfer, market accept, stake create-node at least.
        assert!(checked.len() >= 6, "{checked:?}");
    }

    #[test]
    fn the_command_tree_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn amounts_parse_exactly_in_arguments() {
        let cli = Cli::try_parse_from([
            "sesh",
            "send",
            "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
            "12.5",
        ])
        .unwrap();
        let crate::cmd::Command::Send(send) = cli.command else {
            panic!("expected send");
        };
        assert_eq!(send.amount, sesh_core::Sesh::parse("12.5").unwrap());
        let error = Cli::try_parse_from([
            "sesh",
            "send",
            "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
            "1.0000000001",
        ])
        .unwrap_err()
        .to_string();
        assert!(error.contains("SESH has only 9"), "{error}");
        assert!(Cli::try_parse_from(["sesh", "faucet", "-5"]).is_err());
    }

    #[test]
    fn global_flags_go_anywhere_and_read_the_environment() {
        let cli = Cli::try_parse_from([
            "sesh",
            "balance",
            "--json",
            "--network",
            "arbitrum-one",
            "-y",
        ])
        .unwrap();
        assert!(cli.global.json && cli.global.yes);
        assert_eq!(
            cli.global.network,
            Some(crate::network::Network::ArbitrumOne)
        );
        assert!(Cli::try_parse_from(["sesh", "--network", "mainnet", "balance"]).is_err());
        let cli = Cli::try_parse_from([
            "sesh",
            "--registry",
            "http://a",
            "--registry",
            "http://b",
            "wallet",
            "list",
        ])
        .unwrap();
        assert_eq!(cli.global.registry.len(), 2);
    }

    #[test]
    fn one_line_summaries_have_no_trailing_period() {
        // cargo style: `sesh -h` and each group's command list show summaries without a
        // period. clap drops it from one-paragraph doc comments, but not from
        // `verbatim_doc_comment` ones, so those are written without it.
        fn check(command: &clap::Command, path: &str) {
            let about = command.get_about().map(ToString::to_string);
            let about = about.unwrap_or_default();
            assert!(
                !about.is_empty() && !about.ends_with('.'),
                "`{path}` summary: {about:?}"
            );
            for sub in command.get_subcommands() {
                check(sub, &format!("{path} {}", sub.get_name()));
            }
        }
        check(&Cli::command(), "sesh");
    }

    #[test]
    fn counts_and_pages_say_at_least_1_in_words() {
        assert_eq!(at_least_one::<u64>("5"), Ok(5));
        assert_eq!(at_least_one::<usize>("1"), Ok(1));
        assert_eq!(
            at_least_one::<u64>("0"),
            Err("it must be at least 1, not 0".into())
        );
        assert!(
            at_least_one::<u64>("-3")
                .unwrap_err()
                .contains("not a whole number")
        );
        let error = Cli::try_parse_from(["sesh", "market", "listings", "--page", "0"])
            .unwrap_err()
            .to_string();
        assert!(error.contains("at least 1"), "{error}");
        assert!(!error.contains("18446744073709551615"), "{error}");
    }

    #[test]
    fn wallet_new_takes_only_12_or_24_words() {
        assert!(Cli::try_parse_from(["sesh", "wallet", "new", "--words", "24"]).is_ok());
        assert!(Cli::try_parse_from(["sesh", "wallet", "new", "--words", "18"]).is_err());
    }
}
