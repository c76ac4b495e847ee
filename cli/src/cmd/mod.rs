//! The command tree: one folder per group, one file per verb. Each verb is an
//! `XxxArgs` struct with `async fn run(self, ctx)`.

pub(crate) mod balance;
pub(crate) mod faucet;
pub(crate) mod market;
pub(crate) mod msg;
pub(crate) mod name;
pub(crate) mod premium;
pub(crate) mod send;
pub(crate) mod stake;
pub(crate) mod wallet;

use crate::context::Context;
use clap::Subcommand;

/// The top-level commands.
#[derive(Debug, Subcommand)]
// The variants' help is each Args struct's doc comment (a variant doc would replace
// the long help with its one line), so the variants themselves carry none.
#[allow(missing_docs)]
pub(crate) enum Command {
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
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
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

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("a source folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                out.push(path);
            }
        }
    }

    /// The command groups: a folder under cmd/ or a top-level verb file.
    fn groups(cmd: &Path) -> Vec<String> {
        std::fs::read_dir(cmd)
            .expect("cmd/")
            .flatten()
            .filter_map(|entry| {
                let name = entry.file_name().to_string_lossy().to_string();
                let name = name.strip_suffix(".rs").unwrap_or(&name).to_string();
                (name != "mod").then_some(name)
            })
            .collect()
    }

    #[test]
    fn no_command_group_imports_another() {
        // What two verbs share lives in a shared module (chain, format, recipient, registry,
        // ...), so a change to one command never reaches into another.
        let cmd = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cmd");
        let groups = groups(&cmd);
        let mut files = Vec::new();
        rust_files(&cmd, &mut files);
        let mut crossings = Vec::new();
        for file in files {
            let relative = file.strip_prefix(&cmd).expect("below cmd/");
            let Some(own) = relative.components().next().map(|c| {
                c.as_os_str()
                    .to_string_lossy()
                    .trim_end_matches(".rs")
                    .to_string()
            }) else {
                continue;
            };
            if own == "mod" {
                continue;
            }
            let nested = relative.components().count() > 1;
            let text = std::fs::read_to_string(&file).expect("a source file");
            for other in groups.iter().filter(|group| **group != own) {
                let mut paths = vec![
                    format!("crate::cmd::{other}"),
                    format!("super::super::{other}"),
                ];
                if !nested {
                    paths.push(format!("super::{other}"));
                }
                for path in paths {
                    let used = text.match_indices(&path).any(|(at, _)| {
                        !text[at + path.len()..]
                            .starts_with(|c: char| c.is_alphanumeric() || c == '_')
                    });
                    if used {
                        crossings.push(format!("{} uses {path}", relative.display()));
                    }
                }
            }
        }
        assert!(
            crossings.is_empty(),
            "a command group imports another: {crossings:#?}"
        );
    }

    #[test]
    fn every_command_has_a_golden_json_file() {
        use clap::CommandFactory;
        fn leaves(command: &clap::Command, path: Vec<String>, out: &mut Vec<String>) {
            let subcommands: Vec<_> = command
                .get_subcommands()
                .filter(|sub| sub.get_name() != "help")
                .collect();
            if subcommands.is_empty() {
                out.push(path.join("-"));
            }
            for sub in subcommands {
                let mut path = path.clone();
                path.push(sub.get_name().to_string());
                leaves(sub, path, out);
            }
        }
        let mut commands = Vec::new();
        leaves(&crate::args::Cli::command(), Vec::new(), &mut commands);
        let missing: Vec<_> = commands
            .iter()
            .filter(|command| {
                !crate::output::golden::dir()
                    .join(format!("{command}.json"))
                    .exists()
            })
            .collect();
        assert!(
            missing.is_empty(),
            "commands whose --json no golden file pins (cli/tests/golden/<command>.json): {missing:?}"
        );
    }
}
