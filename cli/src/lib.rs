//! The `sesh` wallet as a library: argument definitions ([`args`]), the
//! resolved [`context::Context`], output helpers ([`output`]) and one module
//! per command under [`cmd`]. `main.rs` only parses, calls [`run`] and maps
//! the result to an exit code.

pub mod args;
pub mod chain;
pub mod cmd;
pub mod config;
pub mod context;
pub mod error;
pub mod format;
pub mod logs;
pub mod mailbox;
pub mod network;
pub mod opts;
pub mod output;
pub mod password;
pub mod pending;
pub mod recipient;
pub mod registry;
pub mod tx;

use args::Cli;
use output::Output;

/// Resolves the context from the parsed arguments and runs the command.
pub fn run(cli: Cli, output: &Output) -> eyre::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let ctx = context::Context::resolve(cli.global, output)?;
        cli.command.run(&ctx).await
    })
}
