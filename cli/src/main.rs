//! `sesh`: the Session Network wallet. Parses the command line, runs the
//! command, prints the error once and turns the outcome into an exit code.
//! Everything else lives in the library (`sesh_cli`).

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = sesh_cli::args::Cli::parse();
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
