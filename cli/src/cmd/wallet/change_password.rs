//! `sesh wallet change-password`.

use crate::context::Context;
use crate::output::Report;
use crate::password::{self, NEW_PASSWORD_ENV};
use clap::Args;
use serde::Serialize;
use std::path::PathBuf;

/// Change a wallet's password
///
/// The current password comes the usual way (--password-file, SESH_PASSWORD,
/// keyring, prompt); the new one from --new-password-file, SESH_NEW_PASSWORD
/// or a prompt. The file is rewritten atomically with a fresh salt.
///
/// Examples:
///   sesh wallet change-password
///   SESH_PASSWORD=old SESH_NEW_PASSWORD=new sesh wallet change-password --wallet alice
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct ChangePasswordArgs {
    /// Read the new password from FILE.
    #[arg(long, value_name = "FILE")]
    pub(crate) new_password_file: Option<PathBuf>,
    /// Keep the new password in the OS keyring.
    #[arg(long)]
    pub(crate) remember: bool,
}

/// What `sesh wallet change-password` reports.
#[derive(Debug, Serialize)]
pub(crate) struct PasswordChanged {
    /// The wallet's name.
    pub(crate) name: String,
    /// Whether the new password is kept in the OS keyring.
    pub(crate) password_remembered: bool,
}

impl Report for PasswordChanged {
    fn text(&self) -> String {
        format!("Changed the password of wallet {}", self.name)
    }
}

impl ChangePasswordArgs {
    pub(crate) async fn run(self, ctx: &Context<'_>) -> eyre::Result<()> {
        let file = ctx.wallet_file()?;
        let user = password::keyring_user(&file.name, &file.evm_address);
        let old = password::for_unlock(
            ctx.password_file(),
            &file.name,
            file.remember_password.then_some(user.as_str()),
        )?;
        // Check the old password before asking for a new one.
        file.decrypt(&old)?;
        let new = password::for_new(
            self.new_password_file.as_deref(),
            NEW_PASSWORD_ENV,
            "New password",
        )?;
        let mut changed = file.change_password(&old, &new)?;
        if file.remember_password || self.remember {
            changed.remember_password = false;
            super::remember(ctx, &mut changed, &new, true);
        }
        ctx.keystore().save(&changed)?;
        ctx.out.print(&PasswordChanged {
            name: changed.name,
            password_remembered: changed.remember_password,
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_pinned() {
        crate::output::golden::check(
            "wallet-change-password",
            &PasswordChanged {
                name: "alice".into(),
                password_remembered: true,
            },
        );
    }
}
