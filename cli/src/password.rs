//! Where wallet passwords come from, in this order: `--password-file`,
//! `SESH_PASSWORD`, the OS keyring (only for wallets whose password was
//! remembered with `--remember`), a hidden prompt on a terminal.
//!
//! The keyring is optional: on servers and CI there is no Secret Service
//! (no D-Bus), and that is "no keyring", never an error.

use eyre::{WrapErr, bail};
use std::io::IsTerminal;
use std::path::Path;
use zeroize::Zeroizing;

/// The environment variable holding a password for headless use.
pub(crate) const PASSWORD_ENV: &str = "SESH_PASSWORD";
/// The environment variable holding the new password for `wallet change-password`.
pub(crate) const NEW_PASSWORD_ENV: &str = "SESH_NEW_PASSWORD";
/// The keyring service name.
const KEYRING_SERVICE: &str = "sesh-wallet";

/// A password, wiped from memory when dropped.
pub(crate) type Password = Zeroizing<String>;

/// Reads the first line of a password file.
pub(crate) fn from_file(path: &Path) -> eyre::Result<Password> {
    let text = Zeroizing::new(
        std::fs::read_to_string(path)
            .wrap_err_with(|| format!("cannot read the password file {}", path.display()))?,
    );
    let line = text.lines().next().unwrap_or("");
    Ok(Zeroizing::new(line.to_string()))
}

fn from_env(var: &str) -> Option<Password> {
    std::env::var(var).ok().map(Zeroizing::new)
}

fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

fn no_password_error() -> eyre::Report {
    eyre::eyre!(
        "no password: set {PASSWORD_ENV}, pass --password-file FILE, or run sesh in a terminal to be asked"
    )
}

/// The password to unlock `wallet` (an existing wallet).
pub(crate) fn for_unlock(
    file: Option<&Path>,
    wallet: &str,
    keyring_user: Option<&str>,
) -> eyre::Result<Password> {
    if let Some(path) = file {
        return from_file(path);
    }
    if let Some(password) = from_env(PASSWORD_ENV) {
        return Ok(password);
    }
    if let Some(user) = keyring_user
        && let Some(password) = keyring_get(user)
    {
        return Ok(password);
    }
    if !interactive() {
        return Err(no_password_error());
    }
    let password = dialoguer::Password::new()
        .with_prompt(format!("Password for wallet {wallet}"))
        .allow_empty_password(true)
        .interact()
        .wrap_err("cannot read the password")?;
    Ok(Zeroizing::new(password))
}

/// A new password (for a new wallet, or the new one of change-password):
/// from the file or `env`, else asked twice. Empty passwords are refused.
pub(crate) fn for_new(file: Option<&Path>, env: &str, prompt: &str) -> eyre::Result<Password> {
    let password = if let Some(path) = file {
        from_file(path)?
    } else if let Some(password) = from_env(env) {
        password
    } else if interactive() {
        Zeroizing::new(
            dialoguer::Password::new()
                .with_prompt(prompt)
                .with_confirmation("Repeat it", "the passwords differ; try again")
                .interact()
                .wrap_err("cannot read the password")?,
        )
    } else {
        return Err(no_new_password_error(env));
    };
    if password.is_empty() {
        bail!("the wallet password cannot be empty");
    }
    Ok(password)
}

/// No new password anywhere: names the file flag that goes with `env` (a new wallet's
/// password comes from --password-file, the new one of change-password from
/// --new-password-file).
fn no_new_password_error(env: &str) -> eyre::Report {
    if env == NEW_PASSWORD_ENV {
        eyre::eyre!(
            "no new password: set {env}, pass --new-password-file FILE, or run sesh in a terminal to be asked"
        )
    } else {
        eyre::eyre!(
            "no password for the new wallet: set {env}, pass --password-file FILE, or run sesh in a terminal to be asked"
        )
    }
}

/// The keyring account name of a wallet (name and address, so two data dirs
/// with the same wallet name do not collide).
pub(crate) fn keyring_user(name: &str, address: &alloy::primitives::Address) -> String {
    format!("{name}:{address}")
}

/// Makes sure a keyring store is set: the one already set (tests set
/// keyring-core's mock store), else the platform's. `false` when there is none.
fn keyring_ready() -> bool {
    keyring_core::get_default_store().is_some() || keyring::Entry::store_status().is_ok()
}

/// The remembered password, or `None` when there is none or no keyring.
pub(crate) fn keyring_get(user: &str) -> Option<Password> {
    if !keyring_ready() {
        return None;
    }
    keyring_core::Entry::new(KEYRING_SERVICE, user)
        .and_then(|entry| entry.get_password())
        .ok()
        .map(Zeroizing::new)
}

/// Stores the password; `Err` with a reason when there is no keyring.
pub(crate) fn keyring_set(user: &str, password: &str) -> Result<(), String> {
    if !keyring_ready() {
        return Err("no OS keyring is available here (no Secret Service / D-Bus)".into());
    }
    keyring_core::Entry::new(KEYRING_SERVICE, user)
        .and_then(|entry| entry.set_password(password))
        .map_err(|error| format!("the OS keyring refused: {error}"))
}

/// Forgets a remembered password; absence is fine.
pub(crate) fn keyring_delete(user: &str) {
    if keyring_ready()
        && let Ok(entry) = keyring_core::Entry::new(KEYRING_SERVICE, user)
    {
        let _ = entry.delete_credential();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_keyring_remembers_and_forgets_with_the_mock_store() {
        keyring_core::set_default_store(keyring_core::mock::Store::new().unwrap());
        let user = keyring_user("alice", &alloy::primitives::Address::repeat_byte(1));
        assert!(keyring_get(&user).is_none());
        keyring_set(&user, "hunter2").unwrap();
        assert_eq!(keyring_get(&user).unwrap().as_str(), "hunter2");
        keyring_delete(&user);
        assert!(keyring_get(&user).is_none());
        keyring_delete(&user);
    }

    #[test]
    fn a_missing_new_password_names_the_flag_that_gives_it() {
        let change = no_new_password_error(NEW_PASSWORD_ENV).to_string();
        assert!(
            change.contains("--new-password-file FILE") && change.contains(NEW_PASSWORD_ENV),
            "{change}"
        );
        assert!(!change.contains(" --password-file"), "{change}");
        let new = no_new_password_error(PASSWORD_ENV).to_string();
        assert!(new.contains("--password-file FILE"), "{new}");
    }

    #[test]
    fn password_files_give_their_first_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pw");
        std::fs::write(&path, "s3cret\nignored\n").unwrap();
        assert_eq!(from_file(&path).unwrap().as_str(), "s3cret");
        let error = from_file(&dir.path().join("missing")).unwrap_err();
        assert!(format!("{error:#}").contains("cannot read the password file"));
    }
}
