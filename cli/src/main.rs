//! `sesh`: the Session Network wallet. Parses the command line, runs the
//! command, prints the error once and turns the outcome into an exit code.
//! Everything else lives in the library (`sesh_cli`).

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match sesh_cli::args::Cli::try_parse() {
        Ok(cli) => cli,
        // --help and --version: printed on stdout, exit code 0.
        Err(error) if !error.use_stderr() => error.exit(),
        // A usage error: clap's text, or with --json the failure envelope; exit code 2.
        Err(error) => {
            let json = sesh_cli::output::json_requested(std::env::args_os());
            sesh_cli::output::Output::new(json, false).usage_error(&error);
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2));
        }
    };
    let output = sesh_cli::output::Output::new(cli.global.json, cli.global.quiet);
    match sesh_cli::run(cli, &output) {
        Ok(()) => ExitCode::SUCCESS,
        // `sesh wallet list | head -1`: a closed pipe is not a failure.
        Err(error) if sesh_cli::error::is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            output.error(&error);
            ExitCode::FAILURE
        }
    }
}
