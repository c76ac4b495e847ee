//! The `sesh` wallet as a library, so its modules are tested as units: argument
//! definitions (`args`), the resolved `context::Context`, output (`output`, `format`), the
//! chain (`chain`, `tx`), registry nodes (`registry`, `mailbox`) and one module per command
//! under `cmd`. `main.rs` only calls [`main`]. Every module is private to the crate, so the
//! compiler reports what nothing uses.

mod args;
mod chain;
mod cmd;
mod config;
mod context;
mod error;
mod evidence;
mod failure;
mod format;
mod logs;
mod mailbox;
mod network;
mod onion;
mod opts;
mod output;
mod parse;
mod password;
mod pending;
mod police;
mod recipient;
mod registry;
mod target;
mod tx;

use args::Cli;
use clap::Parser;
use output::Output;
use std::process::ExitCode;

/// Runs `sesh` with the process's command line: parses it, runs the command, prints the
/// error once and turns the outcome into an exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // --help and --version: printed on stdout, exit code 0.
        Err(error) if !error.use_stderr() => error.exit(),
        // A usage error: clap's text, or with --json the failure envelope; exit code 2.
        Err(error) => {
            let json = output::json_requested(std::env::args_os());
            Output::new(json, false).usage_error(&error);
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2));
        }
    };
    let output = Output::new(cli.global.json, cli.global.quiet);
    match run(cli, &output) {
        Ok(()) => ExitCode::SUCCESS,
        // `sesh wallet list | head -1`: a closed pipe is not a failure.
        Err(error) if error::is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            output.error(&error);
            ExitCode::FAILURE
        }
    }
}

/// Resolves the context from the parsed arguments and runs the command.
fn run(cli: Cli, output: &Output) -> eyre::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let ctx = context::Context::resolve(cli.global, output)?;
        cli.command.run(&ctx).await
    })
}
