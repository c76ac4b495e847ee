//! Which wallet and where its password comes from.

use clap::Args;
use std::path::PathBuf;

/// Wallet selection and unlocking.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Wallet")]
pub(crate) struct WalletOpts {
    /// Use the wallet NAME.
    ///
    /// Defaults to the config's `wallet`, else the only wallet there is.
    #[arg(long, global = true, env = "SESH_WALLET", value_name = "NAME")]
    pub(crate) wallet: Option<String>,

    /// Read the wallet password from FILE (first line).
    ///
    /// Without it: SESH_PASSWORD, then the OS keyring if the password was
    /// remembered, then a hidden prompt.
    #[arg(long, global = true, env = "SESH_PASSWORD_FILE", value_name = "FILE")]
    pub(crate) password_file: Option<PathBuf>,
}
