//! `sesh`: the Session Network wallet. Parses the command line and hands off
//! to the library; see `sesh --help`.

use clap::{Parser, Subcommand};
use sesh_core::Name;
use std::process::ExitCode;

/// The Session Network wallet: keys, SESH, usernames, the market, premium and stakes.
#[derive(Debug, Parser)]
#[command(name = "sesh", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Register, look up and manage usernames.
    #[command(subcommand)]
    Name(NameCommand),
}

#[derive(Debug, Subcommand)]
enum NameCommand {
    /// Check that NAME follows the name rules and print its token id.
    ///
    /// Names are 1 to 64 characters: letters a-z, digits, '_' and '-', not
    /// starting or ending with '-'. Input is lowercased first.
    ///
    /// Examples:
    ///   sesh name check alice
    #[command(verbatim_doc_comment)]
    Check {
        /// The name to check.
        name: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Name(NameCommand::Check { name }) => match Name::parse(&name) {
            Ok(name) => {
                println!("{name} is a valid name (token id {:#x})", name.token_id());
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::FAILURE
            }
        },
    }
}
