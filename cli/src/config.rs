//! The config file: `config.toml` in the platform config folder
//! (`~/.config/sesh/config.toml` on Linux), or in `SESH_HOME` when set.
//!
//! ```toml
//! network = "arbitrum-sepolia"      # default --network
//! wallet = "alice"                  # default --wallet
//! remember_password = false         # keep new wallets' passwords in the OS keyring
//! ca_cert = "/etc/ssl/my-ca.pem"     # also trust this CA for https:// and wss:// (--ca-cert)
//!
//! [rpc_urls]
//! arbitrum-sepolia = "https://my-node.example/rpc"
//!
//! [registry_urls]
//! arbitrum-sepolia = ["https://node1.example", "https://node2.example"]
//! ```

use crate::network::Network;
use eyre::WrapErr;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The settings a user can keep in `config.toml`. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Config {
    /// The default network.
    pub(crate) network: Option<Network>,
    /// The default wallet.
    pub(crate) wallet: Option<String>,
    /// Remember passwords of new wallets in the OS keyring.
    #[serde(default)]
    pub(crate) remember_password: bool,
    /// A PEM file of CA certificates trusted on top of the system's roots.
    pub(crate) ca_cert: Option<PathBuf>,
    /// RPC URL per network.
    #[serde(default)]
    pub(crate) rpc_urls: BTreeMap<Network, String>,
    /// Registry node URLs per network.
    #[serde(default)]
    pub(crate) registry_urls: BTreeMap<Network, Vec<String>>,
}

impl Config {
    /// Where the config lives: `$SESH_HOME/config.toml` when SESH_HOME (or
    /// --data-dir) is given, else the platform config folder.
    pub(crate) fn path(data_dir_override: Option<&Path>) -> Option<PathBuf> {
        match data_dir_override {
            Some(dir) => Some(dir.join("config.toml")),
            None => dirs::config_dir().map(|dir| dir.join("sesh").join("config.toml")),
        }
    }

    /// Reads the config; a missing file is an empty config.
    pub(crate) fn load(path: &Path) -> eyre::Result<Self> {
        match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str(&text).wrap_err_with(|| {
                format!(
                    "{} is not a valid sesh config; fix or delete it",
                    path.display()
                )
            }),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(error) => Err(error).wrap_err_with(|| format!("cannot read {}", path.display())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_the_docs_show_and_round_trips() {
        let text = r#"
network = "arbitrum-sepolia"
wallet = "alice"

[rpc_urls]
arbitrum-sepolia = "https://my-node.example/rpc"

[registry_urls]
local = ["http://127.0.0.1:7001"]
"#;
        let config: Config = toml::from_str(text).unwrap();
        assert_eq!(config.network, Some(Network::ArbitrumSepolia));
        assert_eq!(
            config.rpc_urls[&Network::ArbitrumSepolia],
            "https://my-node.example/rpc"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        assert_eq!(Config::load(&path).unwrap(), Config::default());
        std::fs::write(&path, toml::to_string_pretty(&config).unwrap()).unwrap();
        assert_eq!(Config::load(&path).unwrap(), config);
        std::fs::write(&path, "netwrok = 1").unwrap();
        assert!(
            format!("{:#}", Config::load(&path).unwrap_err()).contains("not a valid sesh config")
        );
    }
}
